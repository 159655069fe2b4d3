/* Named entities: the trainer and tagger (public API), model files, the entity data files
 * (gazetteers, trigger words) and a document's entities with canonical names.
 *
 * Every sentence, name and data line here was written for this test. The document tests use
 * a temporary data directory: the project's id/nl/common language files plus small
 * gazetteers, trigger rules and a tagger model trained here. */
#define _XOPEN_SOURCE 700
#include "helpers.h"
#include "core/util.h"
#include "entities/entities.h"

#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- small helpers ------------------------------------------------------------------------ */

/* Splits a space-separated string into tokens (pointers into a strdup'd copy). */
typedef struct toks {
  char *buf;
  const char *tok[64];
  size_t len[64];
  size_t n;
} toks;

static void toks_split(toks *t, const char *s) {
  t->buf = strdup(s);
  assert_non_null(t->buf);
  t->n = 0;
  for (char *p = strtok(t->buf, " "); p; p = strtok(NULL, " ")) {
    assert_true(t->n < 64);
    t->tok[t->n] = p;
    t->len[t->n++] = strlen(p);
  }
}

/* Adds "tok/TAG tok tok/TAG" (untagged tokens are O) to the trainer; returns the status. */
static kabar_status add_tagged(kabar_ner_trainer *tr, const char *s, kabar_error *err) {
  toks t;
  toks_split(&t, s);
  const char *tags[64];
  for (size_t i = 0; i < t.n; i++) {
    char *slash = strrchr((char *)t.tok[i], '/');
    tags[i] = "O";
    if (slash && slash != t.tok[i] && slash[1]) {
      *slash = '\0';
      tags[i] = slash + 1;
      t.len[i] = strlen(t.tok[i]);
    }
  }
  kabar_status rc = kabar_ner_trainer_add(tr, t.tok, t.len, tags, t.n, err);
  free(t.buf);
  return rc;
}

/* Tags a space-separated sentence; returns the tags joined by spaces in out. */
static void tag_string(kabar_tagger *tg, const char *s, char *out, size_t cap) {
  toks t;
  toks_split(&t, s);
  const char *tags[64];
  kabar_error err;
  assert_int_equal(kabar_tagger_tag(tg, t.tok, t.len, t.n, tags, &err), KABAR_OK);
  out[0] = '\0';
  for (size_t i = 0; i < t.n; i++) {
    if (i)
      strncat(out, " ", cap - strlen(out) - 1);
    strncat(out, tags[i], cap - strlen(out) - 1);
  }
  free(t.buf);
}

static kabar_ctx *ctx_at(const char *dir, kabar_error *err) {
  kabar_ctx_options o = KABAR_CTX_OPTIONS_INIT;
  o.data_dir = dir;
  return kabar_ctx_new(&o, err);
}

/* ---- synthetic training data -------------------------------------------------------------- */

static const char *const first_names[] = {"Budi", "Sari", "Agus", "Dewi", "Rudi",
                                          "Lestari", "Hendra", "Wati", "Joko", "Ratna"};
static const char *const surnames[] = {"Santoso", "Wijaya", "Kusuma", "Hartono",
                                       "Pratama", "Saputra", "Gunawan", "Halim"};
static const char *const places[] = {"Surabaya", "Bandung", "Medan", "Makassar",
                                     "Semarang", "Padang", "Malang", "Kupang"};
static const char *const orgs[] = {"Sinar Baja", "Karya Tani", "Mitra Laut", "Dana Prima",
                                   "Bumi Cipta", "Tirta Jaya"};
#define COUNT(a) (sizeof(a) / sizeof *(a))

/* The i-th of 48 training sentences in "tok/TAG" form. */
static void training_sentence(size_t i, char *out, size_t cap) {
  const char *f = first_names[i % COUNT(first_names)];
  const char *s = surnames[(i * 3 + 1) % COUNT(surnames)];
  const char *l = places[(i * 5 + 2) % COUNT(places)];
  const char *o = orgs[(i * 7 + 3) % COUNT(orgs)];
  char o1[32], o2[32];
  sscanf(o, "%31s %31s", o1, o2);
  switch (i % 6) {
  case 0:
    snprintf(out, cap, "Menteri %s/B-PER %s/I-PER berkunjung ke %s/B-LOC pada hari Senin .", f, s, l);
    break;
  case 1:
    snprintf(out, cap, "PT/B-ORG %s/I-ORG %s/I-ORG membuka kantor baru di %s/B-LOC .", o1, o2, l);
    break;
  case 2:
    snprintf(out, cap, "Kemarin %s/B-PER %s/I-PER mengatakan bahwa warga %s/B-LOC sudah aman .", f, s, l);
    break;
  case 3:
    snprintf(out, cap, "Gubernur %s/B-PER %s/I-PER meresmikan pabrik PT/B-ORG %s/I-ORG %s/I-ORG .", f, s, o1, o2);
    break;
  case 4:
    snprintf(out, cap, "Banjir melanda %s/B-LOC sejak Minggu , kata %s/B-PER %s/I-PER .", l, f, s);
    break;
  default:
    snprintf(out, cap, "Saham PT/B-ORG %s/I-ORG %s/I-ORG naik di bursa %s/B-LOC hari ini .", o1, o2, l);
    break;
  }
}

#define N_TRAIN 48

static kabar_ner_trainer *trained(const kabar_ctx *ctx, int epochs) {
  kabar_error err;
  kabar_ner_trainer *tr = kabar_ner_trainer_new(ctx, "id", 0, &err);
  assert_non_null(tr);
  char buf[512];
  for (size_t i = 0; i < N_TRAIN; i++) {
    training_sentence(i, buf, sizeof buf);
    if (add_tagged(tr, buf, &err) != KABAR_OK)
      fail_msg("sentence %zu: %s at %zu", i, kabar_strerror(err.code), err.offset);
  }
  for (int e = 1; e <= epochs; e++)
    assert_int_equal(kabar_ner_trainer_epoch(tr, (uint64_t)e, &err), KABAR_OK);
  return tr;
}

/* Held-out sentences: names never seen in training, in the learned contexts. */
static const char *const held_out[][2] = {
    {"Menteri Yanto Marpaung berkunjung ke Ambon pada hari Senin .",
     "O B-PER I-PER O O B-LOC O O O O"},
    {"PT Cahaya Kencana membuka kantor baru di Jambi .", "B-ORG I-ORG I-ORG O O O O B-LOC O"},
    {"Gubernur Nining Lubis meresmikan pabrik PT Awan Biru .",
     "O B-PER I-PER O O B-ORG I-ORG I-ORG O"},
};

/* ---- trainer and tagger ------------------------------------------------------------------- */

static void test_train_and_tag(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_ner_trainer *tr = trained(ctx, 8);
  kabar_error err;
  kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
  assert_non_null(m);
  assert_string_equal(kabar_ner_model_lang(m), "id");
  assert_true(kabar_ner_model_feature_count(m) > 100);
  kabar_tagger *tg = kabar_tagger_new(ctx, m, &err);
  assert_non_null(tg);
  char got[512];
  for (size_t i = 0; i < COUNT(held_out); i++) {
    tag_string(tg, held_out[i][0], got, sizeof got);
    if (strcmp(got, held_out[i][1]) != 0)
      fail_msg("\"%s\"\n  got  %s\n  want %s", held_out[i][0], got, held_out[i][1]);
  }
  /* the training sentences themselves come back as tagged */
  char buf[512];
  training_sentence(0, buf, sizeof buf);
  tag_string(tg, "Menteri Budi Wijaya berkunjung ke Medan pada hari Senin .", got, sizeof got);
  assert_string_equal(got, "O B-PER I-PER O O B-LOC O O O O");
  /* an empty sentence is fine and writes nothing */
  assert_int_equal(kabar_tagger_tag(tg, NULL, NULL, 0, NULL, &err), KABAR_OK);
  kabar_tagger_free(tg);
  kabar_ner_model_free(m);
  kabar_ner_trainer_free(tr);
  kabar_ctx_free(ctx);
}

static void test_trainer_iob1_to_iob2(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_error err;
  kabar_ner_trainer *tr = kabar_ner_trainer_new(ctx, "nl", 0, &err);
  assert_non_null(tr);
  /* IOB1: I- opens an entity; B- only separates two of the same type */
  for (int k = 0; k < 3; k++) {
    assert_int_equal(add_tagged(tr, "Gisteren sprak Anneke/I-PER Visser/I-PER in Zwolle/I-LOC .", &err), KABAR_OK);
    assert_int_equal(add_tagged(tr, "Daarna kwamen Pieter/I-PER Mulder/I-PER Karin/B-PER Smit/I-PER naar Assen/I-LOC .", &err), KABAR_OK);
  }
  for (int e = 1; e <= 10; e++)
    assert_int_equal(kabar_ner_trainer_epoch(tr, (uint64_t)e, &err), KABAR_OK);
  kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
  assert_non_null(m);
  kabar_tagger *tg = kabar_tagger_new(ctx, m, &err);
  assert_non_null(tg);
  char got[256];
  tag_string(tg, "Gisteren sprak Anneke Visser in Zwolle .", got, sizeof got);
  assert_string_equal(got, "O O B-PER I-PER O B-LOC O");
  tag_string(tg, "Daarna kwamen Pieter Mulder Karin Smit naar Assen .", got, sizeof got);
  assert_string_equal(got, "O O B-PER I-PER B-PER I-PER O B-LOC O");
  kabar_tagger_free(tg);
  kabar_ner_model_free(m);
  kabar_ner_trainer_free(tr);
  kabar_ctx_free(ctx);
}

static void test_trainer_rejects_bad_tags(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_error err;
  /* constructor errors */
  assert_null(kabar_ner_trainer_new(ctx, "id", 0x80u, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_null(kabar_ner_trainer_new(ctx, "xx", 0, &err));
  assert_int_equal(err.code, KABAR_ELANG);
  assert_null(kabar_ner_trainer_new(NULL, "id", 0, &err));
  assert_int_equal(err.code, KABAR_EINVAL);

  kabar_ner_trainer *tr = kabar_ner_trainer_new(ctx, "id", 0, &err);
  assert_non_null(tr);
  static const char *const bad[] = {"X-PER", "B-", "b-PER", "", "BPER", "I", "O-", "OO"};
  for (size_t k = 0; k < COUNT(bad); k++) {
    const char *tok[3] = {"Kota", "Jakarta", "ramai"};
    size_t len[3] = {4, 7, 5};
    const char *tags[3] = {"O", "O", bad[k]};
    err.offset = 99;
    assert_int_equal(kabar_ner_trainer_add(tr, tok, len, tags, 3, &err), KABAR_EINVAL);
    assert_int_equal(err.code, KABAR_EINVAL);
    if (err.offset != 2)
      fail_msg("tag \"%s\": offset %zu, want 2", bad[k], err.offset);
  }
  /* NULL token or tag: the index too */
  const char *tok[2] = {"Kota", NULL};
  size_t len[2] = {4, 0};
  const char *tags[2] = {"O", "O"};
  assert_int_equal(kabar_ner_trainer_add(tr, tok, len, tags, 2, &err), KABAR_EINVAL);
  assert_int_equal(err.offset, 1);
  tok[1] = "ramai";
  len[1] = 5;
  tags[0] = NULL;
  assert_int_equal(kabar_ner_trainer_add(tr, tok, len, tags, 2, &err), KABAR_EINVAL);
  assert_int_equal(err.offset, 0);
  assert_int_equal(kabar_ner_trainer_add(NULL, tok, len, tags, 2, &err), KABAR_EINVAL);
  /* an empty sentence is accepted and ignored */
  assert_int_equal(kabar_ner_trainer_add(tr, NULL, NULL, NULL, 0, &err), KABAR_OK);
  /* the trainer is still usable after rejected sentences */
  assert_int_equal(add_tagged(tr, "Warga Bogor/B-LOC berkumpul .", &err), KABAR_OK);
  assert_int_equal(kabar_ner_trainer_epoch(tr, 1, &err), KABAR_OK);
  /* a new type after training started is refused */
  assert_int_equal(add_tagged(tr, "Laga final Piala/B-EVENT Nusantara/I-EVENT .", &err), KABAR_EINVAL);
  assert_int_equal(err.offset, 2);
  /* known types still go in */
  assert_int_equal(add_tagged(tr, "Hujan di Bogor/B-LOC .", &err), KABAR_OK);
  assert_int_equal(kabar_ner_trainer_epoch(tr, 2, &err), KABAR_OK);
  kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
  assert_non_null(m);
  kabar_ner_model_free(m);
  assert_int_equal(kabar_ner_trainer_epoch(NULL, 1, &err), KABAR_EINVAL);
  assert_null(kabar_ner_trainer_model(NULL, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  kabar_ner_trainer_free(tr);
  kabar_ner_trainer_free(NULL);
  kabar_ctx_free(ctx);
}

static void test_trainer_tag_limit(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_error err;
  kabar_ner_trainer *tr = kabar_ner_trainer_new(ctx, "id", 0, &err);
  assert_non_null(tr);
  /* 15 types = O + 30 tags: fine */
  char names[16][8], tagbuf[16][12];
  const char *tok[16], *tags[16];
  size_t len[16];
  for (int i = 0; i < 16; i++) {
    snprintf(names[i], sizeof names[i], "Kata%d", i);
    snprintf(tagbuf[i], sizeof tagbuf[i], "B-T%02d", i);
    tok[i] = names[i];
    len[i] = strlen(names[i]);
    tags[i] = tagbuf[i];
  }
  assert_int_equal(kabar_ner_trainer_add(tr, tok, len, tags, 15, &err), KABAR_OK);
  /* a 16th type would make 33 tags */
  assert_int_equal(kabar_ner_trainer_add(tr, tok, len, tags, 16, &err), KABAR_ELIMIT);
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, 15);
  /* still trains on what it has */
  assert_int_equal(kabar_ner_trainer_epoch(tr, 1, &err), KABAR_OK);
  kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
  assert_non_null(m);
  assert_int_equal(m->ntags, 31);
  kabar_ner_model_free(m);
  kabar_ner_trainer_free(tr);
  kabar_ctx_free(ctx);
}

static void test_tagger_errors(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_ner_trainer *tr = trained(ctx, 2);
  kabar_error err;
  kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
  assert_non_null(m);
  kabar_tagger *tg = kabar_tagger_new(ctx, m, &err);
  assert_non_null(tg);
  const char *tags[4];
  /* ill-formed UTF-8: the token's index */
  static const char *const bad[] = {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\x80x"};
  for (size_t k = 0; k < COUNT(bad); k++) {
    const char *tok[4] = {"Kota", "besar", bad[k], "ini"};
    size_t len[4] = {4, 5, strlen(bad[k]), 3};
    err.offset = 0;
    assert_int_equal(kabar_tagger_tag(tg, tok, len, 4, tags, &err), KABAR_EUTF8);
    assert_int_equal(err.code, KABAR_EUTF8);
    assert_int_equal(err.offset, 2);
  }
  /* NULL token */
  const char *tok[2] = {"Kota", NULL};
  size_t len[2] = {4, 0};
  assert_int_equal(kabar_tagger_tag(tg, tok, len, 2, tags, &err), KABAR_EINVAL);
  assert_int_equal(err.offset, 1);
  assert_int_equal(kabar_tagger_tag(NULL, tok, len, 1, tags, &err), KABAR_EINVAL);
  assert_int_equal(kabar_tagger_tag(tg, tok, len, 1, NULL, &err), KABAR_EINVAL);
  /* the tagger still works, with non-ASCII and empty tokens */
  const char *ok[4] = {"Walikota", "Müller", "", "Ωmega"};
  size_t oklen[4] = {8, strlen("Müller"), 0, strlen("Ωmega")};
  assert_int_equal(kabar_tagger_tag(tg, ok, oklen, 4, tags, &err), KABAR_OK);
  for (int i = 0; i < 4; i++)
    assert_non_null(tags[i]);
  /* constructor errors: no ctx/model, or the model's language is not in the ctx */
  assert_null(kabar_tagger_new(NULL, m, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_null(kabar_tagger_new(ctx, NULL, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  kabar_ctx_options o = KABAR_CTX_OPTIONS_INIT;
  o.data_dir = KABAR_TEST_CORPORA;
  o.languages = "nl";
  kabar_ctx *nl = kabar_ctx_new(&o, &err);
  assert_non_null(nl);
  assert_null(kabar_tagger_new(nl, m, &err));
  assert_int_equal(err.code, KABAR_ELANG);
  kabar_ctx_free(nl);
  kabar_tagger_free(tg);
  kabar_tagger_free(NULL);
  kabar_ner_model_free(m);
  kabar_ner_model_free(NULL);
  kabar_ner_trainer_free(tr);
  kabar_ctx_free(ctx);
}

static void test_trainer_kabar_types(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_error err;
  kabar_ner_trainer *tr = kabar_ner_trainer_new(ctx, "id", KABAR_NER_TRAIN_KABAR_TYPES, &err);
  assert_non_null(tr);
  static const char *const s[] = {
      "kemarin yanti/B-PERSON rahma/I-PERSON makan soto/B-FNB di solo/B-PLC",
      "festival/B-EVT kopi/I-EVT dibuka oleh bank/B-IND raya/I-IND",
      "acara lomba/B-EVT layang/I-EVT di pantai/B-PLC sanur/I-PLC",
  };
  for (int k = 0; k < 4; k++)
    for (size_t i = 0; i < COUNT(s); i++)
      assert_int_equal(add_tagged(tr, s[i], &err), KABAR_OK);
  for (int e = 1; e <= 10; e++)
    assert_int_equal(kabar_ner_trainer_epoch(tr, (uint64_t)e, &err), KABAR_OK);
  kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
  assert_non_null(m);
  /* the model's tags are kabar's types; FNB is dropped */
  static const char *const want[] = {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-EVENT",
                                     "I-EVENT", "B-ORG", "I-ORG"};
  assert_int_equal(m->ntags, COUNT(want));
  for (size_t t = 0; t < COUNT(want); t++) {
    int found = 0;
    for (size_t u = 0; u < m->ntags; u++)
      found |= strcmp(m->tag_names[u], want[t]) == 0;
    if (!found)
      fail_msg("tag %s missing", want[t]);
  }
  kabar_tagger *tg = kabar_tagger_new(ctx, m, &err);
  assert_non_null(tg);
  char got[256];
  tag_string(tg, "kemarin yanti rahma makan soto di solo", got, sizeof got);
  assert_string_equal(got, "O B-PER I-PER O O O B-LOC");
  tag_string(tg, "festival kopi dibuka oleh bank raya", got, sizeof got);
  assert_string_equal(got, "B-EVENT I-EVENT O O B-ORG I-ORG");
  kabar_tagger_free(tg);
  kabar_ner_model_free(m);
  kabar_ner_trainer_free(tr);
  kabar_ctx_free(ctx);
}

/* ---- model files -------------------------------------------------------------------------- */

static void tmp_path(char *out, size_t cap, const char *name) {
  snprintf(out, cap, "/tmp/kabar-test-entities-%ld-%s", (long)getpid(), name);
}

static void test_model_round_trip(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_ner_trainer *tr = trained(ctx, 6);
  kabar_error err;
  kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
  assert_non_null(m);
  char path[256];
  tmp_path(path, sizeof path, "round.model");
  assert_int_equal(kabar_ner_model_save(m, path, &err), KABAR_OK);
  kabar_ner_model *back = kabar_ner_model_load(path, &err);
  assert_non_null(back);
  assert_string_equal(kabar_ner_model_lang(back), "id");
  assert_true(kabar_ner_model_feature_count(back) > 0);
  assert_true(kabar_ner_model_feature_count(back) <= kabar_ner_model_feature_count(m));
  kabar_tagger *a = kabar_tagger_new(ctx, m, &err), *b = kabar_tagger_new(ctx, back, &err);
  assert_non_null(a);
  assert_non_null(b);
  char ta[512], tb[512], buf[512];
  for (size_t i = 0; i < N_TRAIN + COUNT(held_out); i++) {
    if (i < N_TRAIN) {
      /* the training sentence without its tags */
      training_sentence(i, buf, sizeof buf);
      for (char *p = buf, *q = buf;; p++) {
        if (*p == '/')
          while (*p && *p != ' ')
            p++;
        if (!(*q++ = *p))
          break;
      }
    } else {
      snprintf(buf, sizeof buf, "%s", held_out[i - N_TRAIN][0]);
    }
    tag_string(a, buf, ta, sizeof ta);
    tag_string(b, buf, tb, sizeof tb);
    assert_string_equal(ta, tb);
  }
  /* saving the loaded model again gives the same bytes */
  char path2[256];
  tmp_path(path2, sizeof path2, "round2.model");
  assert_int_equal(kabar_ner_model_save(back, path2, &err), KABAR_OK);
  size_t n1, n2;
  char *p1 = test_read_bytes(path, &n1), *p2 = test_read_bytes(path2, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(p1, p2, n1);
  free(p1);
  free(p2);
  /* argument and I/O errors */
  assert_int_equal(kabar_ner_model_save(NULL, path, &err), KABAR_EINVAL);
  assert_int_equal(kabar_ner_model_save(m, NULL, &err), KABAR_EINVAL);
  assert_int_equal(kabar_ner_model_save(m, "/nonexistent-dir/x.model", &err), KABAR_EIO);
  assert_string_equal(err.path, "/nonexistent-dir/x.model");
  assert_null(kabar_ner_model_load(NULL, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  remove(path);
  remove(path2);
  kabar_tagger_free(a);
  kabar_tagger_free(b);
  kabar_ner_model_free(back);
  kabar_ner_model_free(m);
  kabar_ner_trainer_free(tr);
  kabar_ctx_free(ctx);
}

static void put_u32le(char *p, uint32_t v) {
  for (int k = 0; k < 4; k++)
    p[k] = (char)(v >> (8 * k));
}

/* Recomputes the trailing checksum of a model image. */
static void reseal(char *p, size_t n) {
  uint64_t sum = kabar__hash(p, n - 8, 0x6b6e6572);
  put_u32le(p + n - 8, (uint32_t)sum);
  put_u32le(p + n - 4, (uint32_t)(sum >> 32));
}

static void expect_load_fails(const char *path, const char *img, size_t n, kabar_status want,
                              const char *what) {
  test_write_bytes(path, img, n);
  kabar_error err;
  memset(&err, 0, sizeof err);
  kabar_ner_model *m = kabar_ner_model_load(path, &err);
  if (m || err.code != want)
    fail_msg("%s: got %s, want %s", what, m ? "a model" : kabar_strerror(err.code),
             kabar_strerror(want));
  assert_string_equal(err.path, path);
}

static void test_model_damaged(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_ner_trainer *tr = trained(ctx, 2);
  kabar_error err;
  kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
  assert_non_null(m);
  char good[256], bad[256];
  tmp_path(good, sizeof good, "good.model");
  tmp_path(bad, sizeof bad, "bad.model");
  assert_int_equal(kabar_ner_model_save(m, good, &err), KABAR_OK);
  size_t n;
  char *img = test_read_bytes(good, &n);
  char *copy = malloc(n);
  assert_non_null(copy);
  assert_true(n > 100);

  /* truncated anywhere */
  size_t cuts[] = {0, 4, 8, 12, 20, 24, 40, n / 2, n - 9, n - 8, n - 1};
  for (size_t k = 0; k < COUNT(cuts); k++)
    expect_load_fails(bad, img, cuts[k], KABAR_EINVAL, "truncated");
  /* one byte more */
  memcpy(copy, img, n);
  {
    char *longer = malloc(n + 1);
    memcpy(longer, img, n);
    longer[n] = 0;
    expect_load_fails(bad, longer, n + 1, KABAR_EINVAL, "trailing byte");
    free(longer);
  }
  /* a flipped bit in the weights or header: the checksum */
  size_t flips[] = {n / 2, n - 20, 30, n - 1};
  for (size_t k = 0; k < COUNT(flips); k++) {
    memcpy(copy, img, n);
    copy[flips[k]] ^= 0x10;
    expect_load_fails(bad, copy, n, KABAR_EINVAL, "flipped byte");
  }
  /* wrong magic */
  memcpy(copy, img, n);
  copy[0] = 'X';
  expect_load_fails(bad, copy, n, KABAR_EINVAL, "magic");
  /* a newer format version, or another feature set */
  memcpy(copy, img, n);
  put_u32le(copy + 8, 2);
  reseal(copy, n);
  expect_load_fails(bad, copy, n, KABAR_EVERSION, "version 2");
  memcpy(copy, img, n);
  put_u32le(copy + 12, 99);
  reseal(copy, n);
  expect_load_fails(bad, copy, n, KABAR_EVERSION, "feature set");
  /* no tags, too many tags */
  memcpy(copy, img, n);
  put_u32le(copy + 24, 0);
  reseal(copy, n);
  expect_load_fails(bad, copy, n, KABAR_EINVAL, "0 tags");
  memcpy(copy, img, n);
  put_u32le(copy + 24, 33);
  reseal(copy, n);
  expect_load_fails(bad, copy, n, KABAR_EINVAL, "33 tags");
  /* a weight scale so large that weights overflow (saving it again would divide inf by inf) */
  {
    size_t at = 28;
    for (size_t t = 0; t < m->ntags; t++)
      at += 1 + (size_t)(unsigned char)img[at];
    at += (m->ntags + 1) * m->ntags * 4;
    memcpy(copy, img, n);
    float big = FLT_MAX;
    uint32_t bits;
    memcpy(&bits, &big, 4);
    put_u32le(copy + at, bits);
    reseal(copy, n);
    expect_load_fails(bad, copy, n, KABAR_EINVAL, "huge scale");
    /* a NaN scale */
    memcpy(copy, img, n);
    put_u32le(copy + at, 0x7fc00000u);
    reseal(copy, n);
    expect_load_fails(bad, copy, n, KABAR_EINVAL, "NaN scale");
    /* the untouched image, resealed, still loads: the edits above were the only faults */
    memcpy(copy, img, n);
    reseal(copy, n);
    test_write_bytes(bad, copy, n);
    kabar_ner_model *ok = kabar_ner_model_load(bad, &err);
    assert_non_null(ok);
    kabar_ner_model_free(ok);
  }
  /* a missing file */
  char missing[256];
  tmp_path(missing, sizeof missing, "missing.model");
  assert_null(kabar_ner_model_load(missing, &err));
  assert_int_equal(err.code, KABAR_EIO);
  assert_string_equal(err.path, missing);
  assert_int_equal(err.detail, ENOENT);
  remove(good);
  remove(bad);
  free(img);
  free(copy);
  kabar_ner_model_free(m);
  kabar_ner_trainer_free(tr);
  kabar_ctx_free(ctx);
}

/* ---- entity data files -------------------------------------------------------------------- */

static void expect_ctx_fails(const char *dir, const char *rel, size_t line, kabar_status want) {
  kabar_error err;
  memset(&err, 0, sizeof err);
  kabar_ctx *ctx = ctx_at(dir, &err);
  if (ctx) {
    kabar_ctx_free(ctx);
    fail_msg("%s: the context loaded", rel);
  }
  if (err.code != want)
    fail_msg("%s: got %s, want %s", rel, kabar_strerror(err.code), kabar_strerror(want));
  char want_path[512];
  snprintf(want_path, sizeof want_path, "%s/%s", dir, rel);
  assert_string_equal(err.path, want_path);
  if (err.offset != line)
    fail_msg("%s: offset %zu, want %zu", rel, err.offset, line);
}

static void test_data_file_errors(void **state) {
  (void)state;
  char *dir = test_make_data_dir();
  char path[512];
  /* good files load */
  test_write_file(dir, "id/entities.gaz", "# comment\nPER\tBudi Santoso\nORG\tBank Nusantara\tBank Nusantara\n\nLOC\tKota Lama\r\n");
  test_write_file(dir, "id/entities.rules", "# trigger words\ntitle\tPresiden Direktur\nevent-prefix\tkonferensi\tConference\n");
  kabar_error err;
  kabar_ctx *ctx = ctx_at(dir, &err);
  if (!ctx)
    fail_msg("%s (%s:%zu)", kabar_strerror(err.code), err.path, err.offset);
  kabar_ctx_free(ctx);

  static const struct {
    const char *rel, *text;
    size_t line;
    kabar_status code;
  } cases[] = {
      {"id/entities.gaz", "PER\tBudi Santoso\n# ok\nPERSON\tSari Wijaya\n", 3, KABAR_EINVAL},
      {"id/entities.gaz", "PER\tBudi Santoso\nORG Bank Nusantara\n", 2, KABAR_EINVAL},
      {"id/entities.gaz", "\n\nper\tBudi Santoso\n", 3, KABAR_EINVAL},
      {"id/entities.rules", "title\tMenteri\nheadline\tBerita\n", 2, KABAR_EINVAL},
      {"id/entities.rules", "event-prefix\n", 1, KABAR_EINVAL},
      {"nl/entities.rules", "title\tminister\r\n\r\nevent-suffix\r\norg-suffix\tB.V.\r\n", 3, KABAR_EINVAL},
      {"nl/dbpedia.gaz", "LOC\tUtrecht\nLOC\tAmersfoort\nPLAATS\tZeist\n", 3, KABAR_EINVAL},
      {"common/entities.gaz", "ORG\tKantor Berita Dunia\nEVENT\n", 2, KABAR_EINVAL},
  };
  for (size_t k = 0; k < COUNT(cases); k++) {
    /* start from good files each time */
    test_write_file(dir, "id/entities.gaz", "PER\tBudi Santoso\n");
    test_write_file(dir, "id/entities.rules", "title\tMenteri\n");
    snprintf(path, sizeof path, "%s/nl/entities.rules", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/nl/dbpedia.gaz", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/common/entities.gaz", dir);
    remove(path);
    test_write_file(dir, cases[k].rel, cases[k].text);
    expect_ctx_fails(dir, cases[k].rel, cases[k].line, cases[k].code);
  }
  snprintf(path, sizeof path, "%s/common/entities.gaz", dir);
  remove(path);
  /* invalid UTF-8 in a gazetteer: the byte offset */
  test_write_file(dir, "id/entities.gaz", "PER\tBudi\nLOC\tKota \xff Lama\n");
  expect_ctx_fails(dir, "id/entities.gaz", 18, KABAR_EUTF8);
  test_write_file(dir, "id/entities.gaz", "PER\tBudi Santoso\n");
  /* a damaged shipped model */
  test_write_file(dir, "id/ner.model", "NOTAMODEL, only a few bytes of text");
  expect_ctx_fails(dir, "id/ner.model", 0, KABAR_EINVAL);
  snprintf(path, sizeof path, "%s/id/ner.model", dir);
  remove(path);
  ctx = ctx_at(dir, &err);
  assert_non_null(ctx);
  assert_null(kabar_ctx_ner_model(ctx, "id"));
  assert_null(kabar_ctx_ner_model(ctx, "xx"));
  assert_null(kabar_ctx_ner_model(NULL, "id"));
  kabar_ctx_free(ctx);
  test_rm_tree(dir);
  free(dir);
}

/* ---- document entities ---------------------------------------------------------------------- */

static const char gaz_id[] =
    "# curated names written for the tests\n"
    "LOC\tSan Francisco\n"
    "LOC\tJakarta\n"
    "ORG\tLumbung Data\n"
    "ORG\tKoperasi Tani Makmur\tKoperasi Tani Makmur\n"
    "PER\tRatna Kusumawati\n";
static const char rules_id[] = "title\tPresiden Direktur\n"
                               "title\tMenteri\n"
                               "org-prefix\tBank\n"
                               "loc-prefix\tSan\n"
                               "event-prefix\tkonferensi\tConference\n";
static const char gaz_nl[] = "LOC\tSan Francisco\nORG\tLumbung Data\n";
static const char rules_nl[] = "title\tminister\ntitle\ttopman\nparticle\tde\n"
                               "event-suffix\tconferentie\tConference\n"
                               "org-prefix\tBank\n";

/* What only the model knows: acronyms ("BN" after "Bank Nusantara (BN)"), and two-word place
 * names after "di" (so that a misspelt "San Fransisco" is one mention; on its own a weak model
 * tags "Fransisco" alone, and a model span outranks the loc-prefix rule's longer one). */
static const char *const model_sentences[] = {
    "Kantor cabang di San/B-LOC Marino/I-LOC dibuka .",
    "Presiden Direktur Agus/B-PER Halim/I-PER hadir di Padang/B-LOC .",
    "Menurut Halim/B-PER , harga naik .",
    "Menurut Wijaya/B-PER , panen gagal .",
    "Petani di Tanah/B-LOC Datar/I-LOC panen .",
    "Hujan turun di Kota/B-LOC Baru/I-LOC sejak pagi .",
    "Bank/B-ORG Nusantara/I-ORG (/O BN/B-ORG )/O menaikkan bunga .",
    "Nasabah BN/B-ORG mengeluh , kata Budi/B-PER Santoso/I-PER .",
    "Laba BN/B-ORG naik di Jakarta/B-LOC .",
    "Direksi Bank/B-ORG Nusantara/I-ORG bertemu di Medan/B-LOC .",
};

typedef struct doc_fixture {
  char *dir;
  kabar_ctx *ctx;
} doc_fixture;

static doc_fixture fx;

static int doc_setup(void **state) {
  (void)state;
  fx.dir = test_make_data_dir();
  test_write_file(fx.dir, "id/entities.gaz", gaz_id);
  test_write_file(fx.dir, "id/entities.rules", rules_id);
  test_write_file(fx.dir, "nl/entities.gaz", gaz_nl);
  test_write_file(fx.dir, "nl/entities.rules", rules_nl);
  kabar_error err;
  kabar_ctx *plain = ctx_at(fx.dir, &err);
  if (!plain)
    return -1;
  kabar_ner_trainer *tr = kabar_ner_trainer_new(plain, "id", 0, &err);
  char buf[512];
  for (size_t i = 0; i < N_TRAIN; i++) {
    training_sentence(i, buf, sizeof buf);
    if (add_tagged(tr, buf, &err) != KABAR_OK)
      return -1;
  }
  for (int k = 0; k < 3; k++)
    for (size_t i = 0; i < COUNT(model_sentences); i++)
      if (add_tagged(tr, model_sentences[i], &err) != KABAR_OK)
        return -1;
  for (int e = 1; e <= 8; e++)
    kabar_ner_trainer_epoch(tr, (uint64_t)e, &err);
  kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
  char path[512];
  snprintf(path, sizeof path, "%s/id/ner.model", fx.dir);
  kabar_status rc = m ? kabar_ner_model_save(m, path, &err) : KABAR_ENOMEM;
  kabar_ner_model_free(m);
  kabar_ner_trainer_free(tr);
  kabar_ctx_free(plain);
  if (rc != KABAR_OK)
    return -1;
  fx.ctx = ctx_at(fx.dir, &err);
  return fx.ctx ? 0 : -1;
}

static int doc_teardown(void **state) {
  (void)state;
  kabar_ctx_free(fx.ctx);
  test_rm_tree(fx.dir);
  free(fx.dir);
  return 0;
}

typedef struct ent {
  kabar_entity_type type;
  const char *name;
  size_t nmentions;
} ent;

/* Checks the doc's entity invariants: spans in bounds and on UTF-8 boundaries, mentions in
 * text order within an entity, entities in order of first mention, no two mentions
 * overlapping, no mention in a boilerplate block or a structural repeat. */
static void check_entities(const kabar_doc *doc, const char *text, size_t len) {
  size_t ne = kabar_doc_entity_count(doc);
  size_t prev_first = 0;
  kabar_span all[256];
  size_t nall = 0;
  for (size_t e = 0; e < ne; e++) {
    kabar_entity_type type;
    const char *name;
    size_t nm;
    assert_int_equal(kabar_doc_entity(doc, e, &type, &name, &nm), KABAR_OK);
    assert_true(type >= KABAR_ENTITY_PER && type <= KABAR_ENTITY_EVENT);
    assert_true(name[0] != '\0');
    assert_true(nm >= 1);
    size_t prev = 0;
    for (size_t k = 0; k < nm; k++) {
      kabar_span sp;
      assert_int_equal(kabar_doc_entity_mention(doc, e, k, &sp), KABAR_OK);
      assert_true(sp.start < sp.end && sp.end <= len);
      assert_true(((unsigned char)text[sp.start] & 0xC0) != 0x80);
      assert_true(sp.end == len || ((unsigned char)text[sp.end] & 0xC0) != 0x80);
      assert_true(k == 0 || sp.start > prev);
      prev = sp.start;
      if (k == 0) {
        assert_true(e == 0 || sp.start > prev_first);
        prev_first = sp.start;
      }
      for (size_t b = 0; b < kabar_doc_block_count(doc); b++) {
        kabar_span bs;
        kabar_block_kind kind;
        kabar_doc_block(doc, b, &bs, &kind);
        if (sp.start >= bs.start && sp.end <= bs.end) {
          assert_int_not_equal(kind, KABAR_BLOCK_BOILERPLATE);
          assert_int_not_equal(kabar_doc_block_repeat(doc, b), KABAR_REPEAT_STRUCTURAL);
        }
      }
      if (nall < 256)
        all[nall++] = sp;
    }
    assert_int_equal(kabar_doc_entity_mention(doc, e, nm, NULL), KABAR_EINVAL);
  }
  for (size_t i = 0; i < nall; i++)
    for (size_t j = i + 1; j < nall; j++)
      assert_false(all[i].start < all[j].end && all[j].start < all[i].end);
  assert_int_equal(kabar_doc_entity(doc, ne, NULL, NULL, NULL), KABAR_EINVAL);
}

/* Index of the entity named name of type type, or fails. */
static size_t find_entity(const kabar_doc *doc, kabar_entity_type type, const char *name) {
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    kabar_entity_type t;
    const char *n;
    kabar_doc_entity(doc, e, &t, &n, NULL);
    if (t == type && strcmp(n, name) == 0)
      return e;
  }
  char all[2048] = "";
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    kabar_entity_type t;
    const char *n;
    size_t nm;
    kabar_doc_entity(doc, e, &t, &n, &nm);
    size_t at = strlen(all);
    snprintf(all + at, sizeof all - at, " %s:\"%s\"x%zu", kabar_entity_type_name(t), n, nm);
  }
  fail_msg("no %s \"%s\" among%s", kabar_entity_type_name(type), name, all);
  return 0;
}

/* The text of every mention of entity e, joined by '|'. */
static void mention_texts(const kabar_doc *doc, size_t e, const char *text, char *out, size_t cap) {
  size_t nm;
  kabar_doc_entity(doc, e, NULL, NULL, &nm);
  out[0] = '\0';
  for (size_t k = 0; k < nm; k++) {
    kabar_span sp;
    kabar_doc_entity_mention(doc, e, k, &sp);
    size_t at = strlen(out);
    snprintf(out + at, cap - at, "%s%.*s", k ? "|" : "", (int)(sp.end - sp.start), text + sp.start);
  }
}

static kabar_doc *analyse(const char *text, const char *lang, uint32_t flags) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(fx.ctx, text, strlen(text), lang, flags, &err);
  if (!doc)
    fail_msg("kabar_doc_new: %s at %zu", kabar_strerror(err.code), err.offset);
  check_entities(doc, text, strlen(text));
  return doc;
}

static const char doc_id[] =
    "Koperasi Digital Resmi Diluncurkan di Jakarta\n"
    "\n"
    "JAKARTA - Presiden Direktur Hendra Gunawan membuka konferensi keamanan Lumina di "
    "Jakarta pada hari Senin. Menurut Gunawan, anggota koperasi kini bisa menabung lewat "
    "aplikasi.\n"
    "\n"
    "Bank Nusantara (BN) ikut mendukung program itu. Juru bicara BN mengatakan layanan "
    "dibuka untuk petani di San Fransisco dan San Francisco.\n"
    "\n"
    "Menteri Ratna Kusumawati menyambut baik kerja sama dengan Koperasi Tani Makmur.\n";

static void test_doc_entities_id(void **state) {
  (void)state;
  kabar_doc *doc = analyse(doc_id, "id", 0);
  char got[512];
  /* title rule, then the surname alone grouped under the full name */
  size_t e = find_entity(doc, KABAR_ENTITY_PER, "Hendra Gunawan");
  mention_texts(doc, e, doc_id, got, sizeof got);
  assert_string_equal(got, "Hendra Gunawan|Gunawan");
  /* an event built from its trigger: "konferensi keamanan Lumina" is the Lumina Conference */
  e = find_entity(doc, KABAR_ENTITY_EVENT, "Lumina Conference");
  mention_texts(doc, e, doc_id, got, sizeof got);
  assert_string_equal(got, "konferensi keamanan Lumina");
  /* an acronym defined in parentheses, and used again */
  e = find_entity(doc, KABAR_ENTITY_ORG, "Bank Nusantara");
  mention_texts(doc, e, doc_id, got, sizeof got);
  assert_string_equal(got, "Bank Nusantara|BN|BN");
  /* a misspelling within the edit distance of a curated name */
  e = find_entity(doc, KABAR_ENTITY_LOC, "San Francisco");
  mention_texts(doc, e, doc_id, got, sizeof got);
  assert_string_equal(got, "San Fransisco|San Francisco");
  /* a curated name with a title before it */
  e = find_entity(doc, KABAR_ENTITY_PER, "Ratna Kusumawati");
  mention_texts(doc, e, doc_id, got, sizeof got);
  assert_string_equal(got, "Ratna Kusumawati");
  find_entity(doc, KABAR_ENTITY_ORG, "Koperasi Tani Makmur");
  /* Jakarta: in the title and the body (the dateline's JAKARTA may or may not count) */
  e = find_entity(doc, KABAR_ENTITY_LOC, "Jakarta");
  size_t nm;
  kabar_doc_entity(doc, e, NULL, NULL, &nm);
  assert_true(nm >= 2);
  kabar_doc_free(doc);

  /* KABAR_DOC_NO_ENTITIES skips the stage */
  doc = analyse(doc_id, "id", KABAR_DOC_NO_ENTITIES);
  assert_int_equal(kabar_doc_entity_count(doc), 0);
  assert_int_equal(kabar_doc_entity(doc, 0, NULL, NULL, NULL), KABAR_EINVAL);
  kabar_doc_free(doc);
  assert_int_equal(kabar_doc_entity_count(NULL), 0);
  assert_string_equal(kabar_entity_type_name(KABAR_ENTITY_EVENT), "EVENT");
  assert_string_equal(kabar_entity_type_name((kabar_entity_type)9), "");
}

static const char doc_nl[] =
    "Chipbedrijf Lumbung Data opent vestiging in San Francisco\n"
    "\n"
    "Het bedrijf Lumbung Data maakt bekend dat topman Karel Janssen's plan doorgaat. "
    "Op de Lumina-conferentie sprak ook minister Femke Dijkstra over de vestiging.\n"
    "\n"
    "Dijkstra noemde de keuze voor San Francisco verstandig.\n";

static void test_doc_entities_nl(void **state) {
  (void)state;
  kabar_doc *doc = analyse(doc_nl, "nl", 0);
  char got[512];
  /* possessive 's is not part of the name */
  size_t e = find_entity(doc, KABAR_ENTITY_PER, "Karel Janssen");
  mention_texts(doc, e, doc_nl, got, sizeof got);
  assert_string_equal(got, "Karel Janssen");
  /* title rule, and the later surname alone (found by the document-wide second look) */
  e = find_entity(doc, KABAR_ENTITY_PER, "Femke Dijkstra");
  mention_texts(doc, e, doc_nl, got, sizeof got);
  assert_string_equal(got, "Femke Dijkstra|Dijkstra");
  /* event-suffix trigger: "Lumina-conferentie" is the Lumina Conference */
  e = find_entity(doc, KABAR_ENTITY_EVENT, "Lumina Conference");
  mention_texts(doc, e, doc_nl, got, sizeof got);
  assert_string_equal(got, "Lumina-conferentie");
  e = find_entity(doc, KABAR_ENTITY_ORG, "Lumbung Data");
  mention_texts(doc, e, doc_nl, got, sizeof got);
  assert_string_equal(got, "Lumbung Data|Lumbung Data");
  e = find_entity(doc, KABAR_ENTITY_LOC, "San Francisco");
  mention_texts(doc, e, doc_nl, got, sizeof got);
  assert_string_equal(got, "San Francisco|San Francisco");
  kabar_doc_free(doc);
}

/* A name with a tussenvoegsel after a title ("minister Jan de Vries"): "de" is a particle in
 * the rules, so it joins the name. */
static void test_doc_title_particles(void **state) {
  (void)state;
  static const char text[] = "Gisteren sprak minister Jan de Vries in Den Haag over de begroting.\n";
  kabar_doc *doc = analyse(text, "nl", 0);
  size_t e = find_entity(doc, KABAR_ENTITY_PER, "Jan de Vries");
  char got[256];
  mention_texts(doc, e, text, got, sizeof got);
  assert_string_equal(got, "Jan de Vries");
  kabar_doc_free(doc);
}

/* Names in boilerplate blocks and in structural repeats give no mentions. */
static void test_doc_boilerplate_and_repeats(void **state) {
  (void)state;
  static const char text[] =
      "Petani Bandung Panen Raya\n"
      "\n"
      "Menteri Ratna Kusumawati meninjau sawah di Bandung pada hari Selasa pagi bersama para "
      "petani dan pengurus Koperasi Tani Makmur yang sudah lama menunggu kunjungan itu.\n"
      "\n"
      "Baca juga: Menteri Ratna Kusumawati Kunjungi Lumbung Data di San Francisco\n"
      "\n"
      "Para petani berharap harga gabah tetap stabil sampai akhir tahun, kata pengurus "
      "koperasi yang ditemui di balai desa setelah acara panen raya selesai digelar.\n"
      "\n"
      "Panen tahun ini lebih besar dari tahun lalu karena hujan turun cukup dan pupuk "
      "tersedia tepat waktu di semua kios desa di sekitar Bandung dan Garut.\n"
      "\n"
      "Para petani berharap harga gabah tetap stabil sampai akhir tahun, kata pengurus "
      "koperasi yang ditemui di balai desa setelah acara panen raya selesai digelar.\n"
      "\n"
      "Panen tahun ini lebih besar dari tahun lalu karena hujan turun cukup dan pupuk "
      "tersedia tepat waktu di semua kios desa di sekitar Bandung dan Garut.\n";
  kabar_doc *doc = analyse(text, "id", 0);
  size_t boiler = 0, structural = 0;
  for (size_t b = 0; b < kabar_doc_block_count(doc); b++) {
    kabar_block_kind kind;
    kabar_doc_block(doc, b, NULL, &kind);
    boiler += kind == KABAR_BLOCK_BOILERPLATE;
    structural += kabar_doc_block_repeat(doc, b) == KABAR_REPEAT_STRUCTURAL;
  }
  assert_true(boiler >= 1);
  assert_true(structural >= 2);
  /* Lumbung Data and San Francisco are only in the "Baca juga" line */
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    const char *name;
    kabar_doc_entity(doc, e, NULL, &name, NULL);
    assert_string_not_equal(name, "Lumbung Data");
    assert_string_not_equal(name, "San Francisco");
  }
  size_t e = find_entity(doc, KABAR_ENTITY_PER, "Ratna Kusumawati");
  size_t nm;
  kabar_doc_entity(doc, e, NULL, NULL, &nm);
  assert_int_equal(nm, 1);
  kabar_doc_free(doc);
  /* an empty document and one with no names */
  doc = analyse("", "id", 0);
  assert_int_equal(kabar_doc_entity_count(doc), 0);
  kabar_doc_free(doc);
  doc = analyse("hujan turun sejak pagi dan jalan mulai tergenang.\n", "id", 0);
  assert_int_equal(kabar_doc_entity_count(doc), 0);
  kabar_doc_free(doc);
}

/* The shipped data and models on the project's own sample articles: named events in both
 * languages under their language-independent names, titles and particles around people, and
 * the mentions a person's given name or surname gets. */
static int entity_mentions(const kabar_doc *doc, kabar_entity_type type, const char *name) {
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    kabar_entity_type t;
    const char *n;
    size_t nm;
    kabar_doc_entity(doc, e, &t, &n, &nm);
    if (t == type && strcmp(n, name) == 0)
      return (int)nm;
  }
  return 0;
}

static void test_shipped_sample_events(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  size_t len;
  kabar_error err;
  char *text = test_read_sample("id-ktt-piala.txt", &len);
  kabar_doc *doc = kabar_doc_new(ctx, text, len, 0, &err);
  assert_non_null(doc);
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_EVENT, "ASEAN Summit"), 2); /* KTT ASEAN */
  assert_true(entity_mentions(doc, KABAR_ENTITY_EVENT, "2026 FIFA World Cup") >= 1);
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_EVENT, "2024 Summer Olympics"), 1);
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_EVENT, "2029 Indonesian general election"), 1);
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_PER, "Ratih Anggraeni"), 3); /* + "Ratih" x2 */
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_PER, "Darmawan Siregar"), 2);
  assert_true(entity_mentions(doc, KABAR_ENTITY_ORG, "General Elections Commission") >= 3);
  kabar_doc_free(doc);
  free(text);
  text = test_read_sample("nl-top-wk.txt", &len);
  doc = kabar_doc_new(ctx, text, len, 0, &err);
  assert_non_null(doc);
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_EVENT, "NATO Summit"), 2); /* NAVO-top */
  assert_true(entity_mentions(doc, KABAR_ENTITY_EVENT, "FIFA World Cup") >= 1); /* WK voetbal */
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_EVENT, "Dutch general election"), 1);
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_PER, "Joris Dekkers"), 2);
  /* "burgemeester Anouk Vermeulen van Rotterdam": the city is no part of her name */
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_PER, "Anouk Vermeulen"), 2);
  assert_int_equal(entity_mentions(doc, KABAR_ENTITY_LOC, "Rotterdam"), 1);
  kabar_doc_free(doc);
  free(text);
  kabar_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tagger[] = {
      cmocka_unit_test(test_train_and_tag),
      cmocka_unit_test(test_shipped_sample_events),
      cmocka_unit_test(test_trainer_iob1_to_iob2),
      cmocka_unit_test(test_trainer_rejects_bad_tags),
      cmocka_unit_test(test_trainer_tag_limit),
      cmocka_unit_test(test_tagger_errors),
      cmocka_unit_test(test_trainer_kabar_types),
      cmocka_unit_test(test_model_round_trip),
      cmocka_unit_test(test_model_damaged),
      cmocka_unit_test(test_data_file_errors),
  };
  const struct CMUnitTest docs[] = {
      cmocka_unit_test(test_doc_entities_id),
      cmocka_unit_test(test_doc_entities_nl),
      cmocka_unit_test(test_doc_title_particles),
      cmocka_unit_test(test_doc_boilerplate_and_repeats),
  };
  int failed = cmocka_run_group_tests_name("tagger", tagger, NULL, NULL);
  failed += cmocka_run_group_tests_name("documents", docs, doc_setup, doc_teardown);
  return failed;
}
