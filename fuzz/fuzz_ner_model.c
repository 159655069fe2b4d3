/* libFuzzer target for the tagger's model loader (kabar__ner_model_parse, the memory form of
 * kabar_ner_model_load): any bytes must give a model or a clear status, never a crash, a leak
 * or a read past the image. A model that loads is used: a fixed sentence is tagged (when the
 * context has the model's language) and the model is saved and loaded back, which must work
 * and give the same tags.
 *
 * The whole input is the model image. Seeds in fuzz/corpus/ner_model are small real models
 * (kabar-train-ner on a few sentences), so mutations reach the weight rows and checksum. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_common.h"
#include "entities/entities.h"

#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char kf_model_path[64];

static void kf_model_path_remove(void) {
  if (kf_model_path[0])
    unlink(kf_model_path);
}

/* A private temporary file name for the save/load round trip. */
static const char *model_path(void) {
  if (!kf_model_path[0]) {
    snprintf(kf_model_path, sizeof kf_model_path, "/tmp/kabar-fuzz-model-%ld", (long)getpid());
    atexit(kf_model_path_remove);
  }
  return kf_model_path;
}

static const char *const sentence[] = {"Presiden", "Joko", "Widodo", "membuka", "konferensi",
                                       "RSA",      "di",   "San",    "Francisco", "."};
#define SENTENCE_LEN (sizeof sentence / sizeof *sentence)

/* Tags the fixed sentence; returns 1 with tags filled, 0 when the ctx lacks the language. */
static int tag_sentence(const kabar_ner_model *m, const char **tags) {
  kabar_error err;
  kabar_tagger *t = kabar_tagger_new(kf_ctx(), m, &err);
  if (!t) {
    KF_CHECK(err.code == KABAR_ELANG || err.code == KABAR_ENOMEM);
    return 0;
  }
  size_t lens[SENTENCE_LEN];
  for (size_t i = 0; i < SENTENCE_LEN; i++)
    lens[i] = strlen(sentence[i]);
  kabar_status rc = kabar_tagger_tag(t, sentence, lens, SENTENCE_LEN, tags, &err);
  KF_CHECK(rc == KABAR_OK);
  for (size_t i = 0; i < SENTENCE_LEN; i++) {
    /* every tag is one of the model's */
    int found = 0;
    for (size_t k = 0; k < m->ntags && !found; k++)
      found = tags[i] == m->tag_names[k];
    KF_CHECK(found);
  }
  /* an empty sentence is fine too */
  KF_CHECK(kabar_tagger_tag(t, NULL, NULL, 0, NULL, &err) == KABAR_OK);
  kabar_tagger_free(t);
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct kabar_ner_model *m = NULL;
  kabar_error err;
  memset(&err, 0, sizeof err);
  kabar_status rc = kabar__ner_model_parse(data, size, &m, &err);
  if (rc != KABAR_OK) {
    KF_CHECK(m == NULL);
    KF_CHECK(rc == err.code);
    KF_CHECK(rc == KABAR_EINVAL || rc == KABAR_EVERSION || rc == KABAR_ENOMEM);
    KF_CHECK(err.offset == KABAR_NO_OFFSET || err.offset <= size);
    return 0;
  }
  KF_CHECK(m != NULL);
  KF_CHECK(m->ntags >= 1 && m->ntags <= KABAR_NER_MAX_TAGS);
  KF_CHECK(strlen(kabar_ner_model_lang(m)) < 8);
  for (size_t t = 0; t < m->ntags; t++)
    KF_CHECK(m->tag_names[t] != NULL && m->tag_names[t][0] != '\0');

  const char *tags[SENTENCE_LEN];
  int tagged = tag_sentence(m, tags);

  /* save and load back: same tags, same tagging */
  const char *path = model_path();
  if (kabar_ner_model_save(m, path, &err) == KABAR_OK) {
    kabar_ner_model *back = kabar_ner_model_load(path, &err);
    KF_CHECK(back != NULL);
    KF_CHECK(back->ntags == m->ntags);
    for (size_t t = 0; t < m->ntags; t++)
      KF_CHECK(strcmp(back->tag_names[t], m->tag_names[t]) == 0);
    KF_CHECK(strcmp(kabar_ner_model_lang(back), kabar_ner_model_lang(m)) == 0);
    const char *tags2[SENTENCE_LEN];
    if (tagged && tag_sentence(back, tags2))
      (void)tags2; /* quantisation may change a close decision; only validity is checked */
    kabar_ner_model_free(back);
  } else {
    KF_CHECK(err.code == KABAR_EIO || err.code == KABAR_ENOMEM);
  }
  kabar_ner_model_free(m);
  return 0;
}
