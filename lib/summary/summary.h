/* summary/: sentence features and scores, the extractive summary and keywords; the scorer's
 * weights come from corpora/<lang>/summary.model (optional) or a built-in fallback. */
#ifndef KABAR_SUMMARY_H
#define KABAR_SUMMARY_H

#include "../core/internal.h"

/* The sentence features, in model-file order (names in kabar__summary_feature_names). */
#define KABAR_SUM_NFEAT 26
extern const char *const kabar__summary_feature_names[KABAR_SUM_NFEAT];

/* A linear scorer: score = 1 / (1 + exp(-(w . features))). */
struct kabar_summary_model {
  double w[KABAR_SUM_NFEAT];
};

/* The header line every model file starts with (then " <version>"). */
#define KABAR_SUM_MODEL_MAGIC "kabar-summary-model"
#define KABAR_SUM_MODEL_VERSION 1

/* Loads a model file. A missing file gives *out = NULL and KABAR_OK (the language uses the
 * fallback scorer). A malformed one gives KABAR_EINVAL with the path and line in err. */
kabar_status kabar__summary_model_load(const char *path, kabar_summary_model **out,
                                       kabar_error *err);
void kabar__summary_model_free(kabar_summary_model *m);
/* The built-in weights used without a model file. */
const kabar_summary_model *kabar__summary_fallback(void);
/* The word-count feature, log(1 + words) / log(64) (a table for most sentences). */
double kabar__summary_words_log(uint32_t words);

/* Features of every doc sentence: feat[i * KABAR_SUM_NFEAT + f] (zeros for non-candidates),
 * cand[i] = 1 for sentences a summary may use, words[i] = their word count. Arrays hold
 * doc->sentences.n entries. Used by kabar_doc_summarize() and the model trainer
 * (bench/train_summary.c). */
kabar_status kabar__summary_features(const kabar_doc *doc, double *feat, uint8_t *cand,
                                     uint32_t *words);
#endif
