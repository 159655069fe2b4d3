/* train_summary: trains the sentence scorer of lib/summary (logistic regression) on IndoSum's
 * extractive gold labels and prints the model file, corpora/id/summary.model.
 *
 * Usage: train_summary [--iters N] [--l2 X] [--lr X] [-o OUT] FILE.jsonl...
 *   (the shipped model: train_summary -o corpora/id/summary.model
 *    ../shared/data/summarization/indosum/dev.01.jsonl ../shared/data/summarization/indosum/dev.02.jsonl,
 *    run from the top of the tree with KABAR_DATA_DIR=corpora; see README.md). The model goes
 *    to OUT (written to OUT.tmp, then renamed, after training: the context that is loaded
 *    first reads the old OUT, so a shell redirection to it would truncate it too early), or
 *    to standard output without -o.
 *
 * Each article is rebuilt as text exactly as bench_summary does (indosum.h), analysed with
 * kabar_doc_new_lang(..., "id"), and every candidate sentence (kabar__summary_features) gets
 * the gold label of the IndoSum sentence that holds its middle byte. The weights start at 0 and
 * are fitted by full-batch gradient descent on the mean log loss plus an L2 penalty (the bias
 * is not penalised), for a fixed number of iterations, in a fixed order: the same input gives
 * the same file, byte for byte. This program uses internal headers, so it lives in bench/ and
 * is never installed. */
#define _POSIX_C_SOURCE 200809L
#include "core/internal.h"
#include "summary/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indosum.h"

typedef struct dataset {
  double *x; /* n * KABAR_SUM_NFEAT */
  unsigned char *y;
  size_t n, cap;
  size_t articles, pos;
} dataset;

static void add_example(dataset *d, const double *x, int y) {
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 4096;
    d->x = realloc(d->x, d->cap * KABAR_SUM_NFEAT * sizeof *d->x);
    d->y = realloc(d->y, d->cap);
    if (!d->x || !d->y)
      die_oom();
  }
  memcpy(d->x + d->n * KABAR_SUM_NFEAT, x, KABAR_SUM_NFEAT * sizeof *x);
  d->y[d->n++] = (unsigned char)y;
  d->pos += y != 0;
}

/* The gold label of the IndoSum sentence holding byte @p at of the article's text. */
static int label_at(const article *a, size_t at) {
  size_t best = (size_t)-1;
  for (size_t k = 0; k < a->nsent; k++)
    if (a->sent_start[k] != (size_t)-1 && a->sent_start[k] <= at)
      best = k;
  return best == (size_t)-1 ? 0 : a->label[best];
}

static int collect(const kabar_ctx *ctx, const corpus *c, dataset *d) {
  for (size_t i = 0; i < c->n; i++) {
    const article *a = &c->v[i];
    kabar_error err;
    kabar_doc *doc = kabar_doc_new_lang(ctx, a->text, a->len, "id", KABAR_DOC_BORROW | KABAR_DOC_NO_ENTITIES, &err);
    if (!doc) {
      fprintf(stderr, "train_summary: article %s: %s\n", a->id, kabar_strerror(err.code));
      return -1;
    }
    size_t ns = kabar_doc_sentence_count(doc);
    double *feat = malloc((ns + 1) * KABAR_SUM_NFEAT * sizeof *feat);
    uint8_t *cand = malloc(ns + 1);
    uint32_t *words = malloc((ns + 1) * sizeof *words);
    if (!feat || !cand || !words)
      die_oom();
    if (kabar__summary_features(doc, feat, cand, words) != KABAR_OK)
      die_oom();
    for (size_t s = 0; s < ns; s++) {
      kabar_span sp;
      if (!cand[s] || kabar_doc_sentence(doc, s, &sp, NULL) != KABAR_OK)
        continue;
      add_example(d, feat + s * KABAR_SUM_NFEAT, label_at(a, (sp.start + sp.end) / 2));
    }
    d->articles++;
    free(feat);
    free(cand);
    free(words);
    kabar_doc_free(doc);
  }
  return 0;
}

/* Full-batch gradient descent on the L2-penalised mean log loss. */
static void train(const dataset *d, double *w, int iters, double lr, double l2) {
  double g[KABAR_SUM_NFEAT];
  memset(w, 0, KABAR_SUM_NFEAT * sizeof *w);
  for (int it = 0; it < iters; it++) {
    memset(g, 0, sizeof g);
    for (size_t i = 0; i < d->n; i++) {
      const double *x = d->x + i * KABAR_SUM_NFEAT;
      double z = 0;
      for (size_t f = 0; f < KABAR_SUM_NFEAT; f++)
        z += w[f] * x[f];
      double err = 1.0 / (1.0 + exp(-z)) - d->y[i];
      for (size_t f = 0; f < KABAR_SUM_NFEAT; f++)
        g[f] += err * x[f];
    }
    for (size_t f = 0; f < KABAR_SUM_NFEAT; f++)
      w[f] -= lr * (g[f] / (double)d->n + (f ? l2 * w[f] : 0));
  }
}

static double log_loss(const dataset *d, const double *w) {
  double loss = 0;
  for (size_t i = 0; i < d->n; i++) {
    const double *x = d->x + i * KABAR_SUM_NFEAT;
    double z = 0;
    for (size_t f = 0; f < KABAR_SUM_NFEAT; f++)
      z += w[f] * x[f];
    double p = 1.0 / (1.0 + exp(-z));
    loss -= d->y[i] ? log(p > 1e-12 ? p : 1e-12) : log(1 - p > 1e-12 ? 1 - p : 1e-12);
  }
  return loss / (double)(d->n ? d->n : 1);
}

int main(int argc, char **argv) {
  int iters = 3000;
  double lr = 2.0, l2 = 1e-4;
  int first = 1;
  const char *out_path = NULL;
  for (; first < argc && argv[first][0] == '-'; first++) {
    if (strcmp(argv[first], "--iters") == 0 && first + 1 < argc)
      iters = atoi(argv[++first]);
    else if (strcmp(argv[first], "--lr") == 0 && first + 1 < argc)
      lr = atof(argv[++first]);
    else if (strcmp(argv[first], "--l2") == 0 && first + 1 < argc)
      l2 = atof(argv[++first]);
    else if (strcmp(argv[first], "-o") == 0 && first + 1 < argc)
      out_path = argv[++first];
    else
      break;
  }
  if (first >= argc || iters < 1) {
    fprintf(stderr, "usage: train_summary [--iters N] [--lr X] [--l2 X] [-o OUT] FILE.jsonl...\n");
    return 2;
  }
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(NULL, &err);
  if (!ctx) {
    fprintf(stderr, "train_summary: kabar_ctx_new: %s %s\n", kabar_strerror(err.code), err.path);
    return 1;
  }
  dataset d = {0};
  for (int i = first; i < argc; i++) {
    corpus c = {0};
    if (load_corpus(argv[i], &c) != 0 || collect(ctx, &c, &d) != 0)
      return 1;
    free_corpus(&c);
  }
  char opts_text[128];
  snprintf(opts_text, sizeof opts_text, " --iters %d --lr %g --l2 %g", iters, lr, l2);
  double w[KABAR_SUM_NFEAT];
  train(&d, w, iters, lr, l2);
  fprintf(stderr, "train_summary: %zu articles, %zu sentences (%zu labelled 1), log loss %.4f\n",
          d.articles, d.n, d.pos, log_loss(&d, w));
  char tmp[4096];
  FILE *out = stdout;
  if (out_path) {
    snprintf(tmp, sizeof tmp, "%s.tmp", out_path);
    if (!(out = fopen(tmp, "w"))) {
      perror(tmp);
      return 1;
    }
  }
  fprintf(out, "# kabar sentence scorer for lib/summary: logistic regression weights, one feature a\n"
         "# line (names: lib/summary/model.c). Trained on IndoSum's gold_labels of:");
  for (int i = first; i < argc; i++) {
    const char *base = strrchr(argv[i], '/');
    fprintf(out, " %s", base ? base + 1 : argv[i]);
  }
  fprintf(out, "\n# (%zu articles, %zu candidate sentences, %zu labelled 1; %d iterations, lr %g, "
         "l2 %g).\n# Rebuild (from the top of the tree, after a build):\n"
         "#   KABAR_DATA_DIR=corpora build/bench/train_summary%s -o corpora/id/summary.model \\\n"
         "#     ../shared/data/summarization/indosum/dev.01.jsonl "
         "../shared/data/summarization/indosum/dev.02.jsonl\n",
         d.articles, d.n, d.pos, iters, lr, l2, opts_text);
  fprintf(out, KABAR_SUM_MODEL_MAGIC " %d\n", KABAR_SUM_MODEL_VERSION);
  for (size_t f = 0; f < KABAR_SUM_NFEAT; f++)
    fprintf(out, "%s %.6f\n", kabar__summary_feature_names[f], w[f] == 0 ? 0.0 : w[f]);
  if (out_path && (fclose(out) != 0 || rename(tmp, out_path) != 0)) {
    perror(out_path);
    return 1;
  }
  free(d.x);
  free(d.y);
  kabar_ctx_free(ctx);
  return 0;
}
