/* One kabar_ctx shared by several threads (STYLE §9, §13): every thread analyses every sample
 * article many times, in its own order, and each result must equal the one computed on the main
 * thread before the threads start. CI runs this under ThreadSanitizer (.ci/run).
 *
 * cmocka's assertions long-jump to the test's own stack, so the worker threads never assert:
 * they record the first mismatch in their slot and the main thread reports it. */
#define _POSIX_C_SOURCE 200809L
#include "helpers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_THREADS 4
#define N_ROUNDS 20

static const char *const sample_names[] = {
    "id-banjir-quote.txt", "id-cyber-pact.txt", "id-mixed-nl-quote.txt", "id-short.txt",
    "nl-chipfabriek.txt",  "nl-verkiezingen-crlf.txt", "nl-wrapped.txt",
    /* CJK, Arabic, emoji and a combining mark: these blocks go through ICU, so threads clone
     * its break iterators from the shared context */
    KABAR_TEST_DATA "/mixed-scripts.txt",
};
#define N_SAMPLES (sizeof sample_names / sizeof sample_names[0])

/* What one analysis gives; compared field by field. */
typedef struct result {
  char lang[16];
  double lang_confidence;
  size_t blocks, cuts, sentences, tokens, shingles;
  uint32_t block_kinds; /* hash of every block's kind, repeat and duplicate_of */
  uint32_t entities;    /* hash of every entity's type, name and mention spans */
  char *text;           /* cleaned text, malloc'd */
  size_t text_len;
  uint64_t simhash;
  uint32_t minhash[KABAR_MINHASH_SIZE];
  size_t minhash_count;
  char *norm; /* kabar_normalize() of the whole input, malloc'd */
  size_t norm_len;
} result;

typedef struct sample {
  const char *name;
  char *text;
  size_t len;
  result expect;
} sample;

static kabar_ctx *ctx;
static sample samples[N_SAMPLES];
static pthread_barrier_t start_line;

typedef struct worker {
  int id;
  size_t runs;
  char failure[512]; /* "" while every result matched */
} worker;

static void result_free(result *r) {
  free(r->text);
  free(r->norm);
  memset(r, 0, sizeof *r);
}

static uint32_t mix(uint32_t h, size_t v) {
  h ^= (uint32_t)v + 0x9e3779b9u + (h << 6) + (h >> 2);
  return h;
}

/* Analyses s into r; 0 on success, or -1 with a message in msg. No cmocka calls: runs on
 * worker threads. */
static int analyse(const sample *s, uint32_t flags, result *r, char *msg, size_t msg_size) {
  memset(r, 0, sizeof *r);
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(ctx, s->text, s->len, flags, &err);
  if (!doc) {
    snprintf(msg, msg_size, "%s: kabar_doc_new: %s at %zu", s->name, kabar_strerror(err.code),
             err.offset);
    return -1;
  }
  snprintf(r->lang, sizeof r->lang, "%s", kabar_doc_lang(doc));
  r->lang_confidence = kabar_doc_lang_confidence(doc);
  r->blocks = kabar_doc_block_count(doc);
  r->cuts = kabar_doc_cut_count(doc);
  r->sentences = kabar_doc_sentence_count(doc);
  r->tokens = kabar_doc_token_count(doc);
  r->shingles = kabar_doc_shingle_count(doc);
  r->block_kinds = 0;
  for (size_t i = 0; i < r->blocks; i++) {
    kabar_block_kind kind = 0;
    kabar_doc_block(doc, i, NULL, &kind);
    r->block_kinds = mix(r->block_kinds, (size_t)kind);
    r->block_kinds = mix(r->block_kinds, (size_t)kabar_doc_block_repeat(doc, i));
    r->block_kinds = mix(r->block_kinds, kabar_doc_block_duplicate_of(doc, i));
  }
  r->entities = (uint32_t)kabar_doc_entity_count(doc);
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    kabar_entity_type type = 0;
    const char *name = "";
    size_t nm = 0;
    kabar_doc_entity(doc, e, &type, &name, &nm);
    r->entities = mix(r->entities, (size_t)type);
    for (const char *c = name; *c; c++)
      r->entities = mix(r->entities, (unsigned char)*c);
    for (size_t k = 0; k < nm; k++) {
      kabar_span sp = {0, 0};
      kabar_doc_entity_mention(doc, e, k, &sp);
      r->entities = mix(mix(r->entities, sp.start), sp.end);
    }
  }
  size_t len = 0;
  const char *text = kabar_doc_text(doc, &len);
  r->text = malloc(len + 1);
  if (r->text)
    memcpy(r->text, text, len + 1);
  r->text_len = len;
  r->simhash = kabar_doc_simhash(doc);
  const uint32_t *mh = kabar_doc_minhash(doc, &r->minhash_count);
  if (r->minhash_count > KABAR_MINHASH_SIZE) {
    snprintf(msg, msg_size, "%s: %zu minhash values", s->name, r->minhash_count);
    kabar_doc_free(doc);
    return -1;
  }
  if (r->minhash_count)
    memcpy(r->minhash, mh, r->minhash_count * sizeof *mh);
  kabar_doc_free(doc);
  if (!r->text) {
    snprintf(msg, msg_size, "%s: out of memory", s->name);
    return -1;
  }

  r->norm = kabar_normalize(ctx, s->text, s->len, 0, &r->norm_len, NULL, &err);
  if (!r->norm) {
    snprintf(msg, msg_size, "%s: kabar_normalize: %s at %zu", s->name, kabar_strerror(err.code),
             err.offset);
    return -1;
  }
  return 0;
}

/* 0 if a equals b, else -1 with the first difference in msg. */
static int compare(const char *name, const result *a, const result *b, char *msg,
                   size_t msg_size) {
#define DIFF(what, fmt, x, y)                                                                  \
  do {                                                                                         \
    snprintf(msg, msg_size, "%s: %s differs: " fmt " vs " fmt, name, what, x, y);             \
    return -1;                                                                                 \
  } while (0)
  if (strcmp(a->lang, b->lang) != 0)
    DIFF("language", "%s", a->lang, b->lang);
  if (a->lang_confidence != b->lang_confidence)
    DIFF("language confidence", "%.17g", a->lang_confidence, b->lang_confidence);
  if (a->blocks != b->blocks)
    DIFF("block count", "%zu", a->blocks, b->blocks);
  if (a->block_kinds != b->block_kinds)
    DIFF("block kinds/repeats", "%08x", (unsigned)a->block_kinds, (unsigned)b->block_kinds);
  if (a->entities != b->entities)
    DIFF("entities", "%08x", (unsigned)a->entities, (unsigned)b->entities);
  if (a->cuts != b->cuts)
    DIFF("cut count", "%zu", a->cuts, b->cuts);
  if (a->sentences != b->sentences)
    DIFF("sentence count", "%zu", a->sentences, b->sentences);
  if (a->tokens != b->tokens)
    DIFF("token count", "%zu", a->tokens, b->tokens);
  if (a->text_len != b->text_len)
    DIFF("cleaned text length", "%zu", a->text_len, b->text_len);
  if (memcmp(a->text, b->text, a->text_len) != 0)
    DIFF("cleaned text", "%s", "(bytes)", "(bytes)");
  if (a->simhash != b->simhash)
    DIFF("simhash", "%016llx", (unsigned long long)a->simhash, (unsigned long long)b->simhash);
  if (a->shingles != b->shingles)
    DIFF("shingle count", "%zu", a->shingles, b->shingles);
  if (a->minhash_count != b->minhash_count)
    DIFF("minhash count", "%zu", a->minhash_count, b->minhash_count);
  for (size_t i = 0; i < a->minhash_count; i++)
    if (a->minhash[i] != b->minhash[i])
      DIFF("minhash value", "%lu", (unsigned long)a->minhash[i], (unsigned long)b->minhash[i]);
  if (a->norm_len != b->norm_len)
    DIFF("normalised length", "%zu", a->norm_len, b->norm_len);
  if (memcmp(a->norm, b->norm, a->norm_len) != 0)
    DIFF("normalised text", "%s", "(bytes)", "(bytes)");
#undef DIFF
  return 0;
}

/* xorshift32: each thread and round gets its own order of the samples. */
static uint32_t next_random(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

static void *work(void *arg) {
  worker *w = arg;
  uint32_t seed = 0x2545f491u * (uint32_t)(w->id + 1);
  size_t order[N_SAMPLES];
  pthread_barrier_wait(&start_line);
  for (int round = 0; round < N_ROUNDS; round++) {
    for (size_t i = 0; i < N_SAMPLES; i++)
      order[i] = i;
    for (size_t i = N_SAMPLES - 1; i > 0; i--) { /* Fisher-Yates */
      size_t j = next_random(&seed) % (i + 1);
      size_t t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (size_t k = 0; k < N_SAMPLES; k++) {
      const sample *s = &samples[order[k]];
      /* alternate copying and borrowing the input: both must give the same analysis */
      uint32_t flags = ((size_t)round + k + (size_t)w->id) % 2 ? KABAR_DOC_BORROW : 0;
      result r;
      int bad = analyse(s, flags, &r, w->failure, sizeof w->failure) != 0 ||
                compare(s->name, &r, &s->expect, w->failure, sizeof w->failure) != 0;
      result_free(&r);
      if (bad)
        return NULL;
      w->runs++;
    }
  }
  return NULL;
}

static int setup(void **state) {
  (void)state;
  ctx = test_ctx();
  if (!ctx)
    return -1;
  for (size_t i = 0; i < N_SAMPLES; i++) {
    char msg[512];
    samples[i].name = sample_names[i];
    samples[i].text = test_read_sample(sample_names[i], &samples[i].len);
    if (analyse(&samples[i], 0, &samples[i].expect, msg, sizeof msg) != 0)
      fail_msg("%s", msg);
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  for (size_t i = 0; i < N_SAMPLES; i++) {
    result_free(&samples[i].expect);
    free(samples[i].text);
  }
  kabar_ctx_free(ctx);
  return 0;
}

/* The expected results are sane: every sample has text, blocks and a fingerprint. */
static void test_expected_results(void **state) {
  (void)state;
  for (size_t i = 0; i < N_SAMPLES; i++) {
    const result *r = &samples[i].expect;
    assert_true(strcmp(r->lang, "id") == 0 || strcmp(r->lang, "nl") == 0);
    assert_true(r->blocks > 0);
    assert_true(r->text_len > 0);
    assert_int_equal(r->minhash_count, KABAR_MINHASH_SIZE);
    assert_true(r->simhash != 0);
  }
}

static void test_shared_ctx(void **state) {
  (void)state;
  pthread_t threads[N_THREADS];
  worker workers[N_THREADS];
  assert_int_equal(pthread_barrier_init(&start_line, NULL, N_THREADS), 0);
  for (int t = 0; t < N_THREADS; t++) {
    workers[t].id = t;
    workers[t].runs = 0;
    workers[t].failure[0] = '\0';
    assert_int_equal(pthread_create(&threads[t], NULL, work, &workers[t]), 0);
  }
  for (int t = 0; t < N_THREADS; t++)
    assert_int_equal(pthread_join(threads[t], NULL), 0);
  pthread_barrier_destroy(&start_line);
  for (int t = 0; t < N_THREADS; t++) {
    if (workers[t].failure[0] != '\0')
      fail_msg("thread %d after %zu analyses: %s", t, workers[t].runs, workers[t].failure);
    assert_int_equal(workers[t].runs, (size_t)N_ROUNDS * N_SAMPLES);
  }
}

/* The same with a fresh ctx, whose stem cache starts empty: the threads fill it while they
 * read it, and every result must still equal the one the warm ctx gave. */
static void test_shared_cold_ctx(void **state) {
  kabar_ctx *warm = ctx;
  ctx = test_ctx();
  assert_non_null(ctx);
  test_shared_ctx(state);
  kabar_ctx_free(ctx);
  ctx = warm;
}

/* ---- one model shared by several taggers ---------------------------------------------------- */

/* Tagged sentences ("tok/TAG") written for this test; the model is trained on them. */
static const char *const ner_sentences[] = {
    "Menteri Yudi/B-PER Prakoso/I-PER tiba di Bogor/B-LOC pagi ini .",
    "PT/B-ORG Surya/I-ORG Kencana/I-ORG membuka gudang di Cirebon/B-LOC .",
    "Gubernur Lina/B-PER Marlina/I-PER menemui warga Tegal/B-LOC .",
    "Saham PT/B-ORG Dana/I-ORG Lestari/I-ORG naik tajam .",
    "Minister Anouk/B-PER Bos/I-PER bezocht Deventer/B-LOC .",
};
#define N_NER (sizeof ner_sentences / sizeof *ner_sentences)
#define N_NER_ROUNDS 200

typedef struct ner_sent {
  char *buf;
  const char *tok[32], *tag[32];
  size_t len[32], n;
  char expect[512]; /* tags from the main thread, space-separated */
} ner_sent;

static ner_sent ner[N_NER];
static kabar_ner_model *ner_model;

static void ner_parse(ner_sent *s, const char *text) {
  s->buf = strdup(text);
  assert_non_null(s->buf);
  s->n = 0;
  for (char *p = strtok(s->buf, " "); p; p = strtok(NULL, " ")) {
    char *slash = strrchr(p, '/');
    s->tag[s->n] = "O";
    if (slash && slash != p) {
      *slash = '\0';
      s->tag[s->n] = slash + 1;
    }
    s->tok[s->n] = p;
    s->len[s->n++] = strlen(p);
  }
}

/* Tags s with tg into out; 0, or -1 with a message. No cmocka calls. */
static int ner_tag(kabar_tagger *tg, const ner_sent *s, char *out, size_t cap, char *msg,
                   size_t msg_size) {
  const char *tags[32];
  kabar_error err;
  if (kabar_tagger_tag(tg, s->tok, s->len, s->n, tags, &err) != KABAR_OK) {
    snprintf(msg, msg_size, "kabar_tagger_tag: %s", kabar_strerror(err.code));
    return -1;
  }
  out[0] = '\0';
  for (size_t i = 0; i < s->n; i++) {
    strncat(out, tags[i], cap - strlen(out) - 1);
    strncat(out, " ", cap - strlen(out) - 1);
  }
  return 0;
}

static void *ner_work(void *arg) {
  worker *w = arg;
  kabar_error err;
  kabar_tagger *tg = kabar_tagger_new(ctx, ner_model, &err);
  if (!tg) {
    snprintf(w->failure, sizeof w->failure, "kabar_tagger_new: %s", kabar_strerror(err.code));
    return NULL;
  }
  pthread_barrier_wait(&start_line);
  char got[512];
  for (int round = 0; round < N_NER_ROUNDS && !w->failure[0]; round++)
    for (size_t k = 0; k < N_NER; k++) {
      const ner_sent *s = &ner[(k + (size_t)round + (size_t)w->id) % N_NER];
      if (ner_tag(tg, s, got, sizeof got, w->failure, sizeof w->failure) != 0)
        break;
      if (strcmp(got, s->expect) != 0) {
        snprintf(w->failure, sizeof w->failure, "sentence %zu: tags differ", k);
        break;
      }
      w->runs++;
    }
  kabar_tagger_free(tg);
  return NULL;
}

/* Several threads, each with its own tagger, share one ctx and one model. */
static void test_shared_model(void **state) {
  (void)state;
  kabar_error err;
  kabar_ner_trainer *tr = kabar_ner_trainer_new(ctx, "id", 0, &err);
  assert_non_null(tr);
  for (size_t i = 0; i < N_NER; i++) {
    ner_parse(&ner[i], ner_sentences[i]);
    assert_int_equal(kabar_ner_trainer_add(tr, ner[i].tok, ner[i].len, ner[i].tag, ner[i].n, &err),
                     KABAR_OK);
  }
  for (uint64_t e = 1; e <= 5; e++)
    assert_int_equal(kabar_ner_trainer_epoch(tr, e, &err), KABAR_OK);
  ner_model = kabar_ner_trainer_model(tr, &err);
  assert_non_null(ner_model);
  kabar_ner_trainer_free(tr);
  kabar_tagger *tg = kabar_tagger_new(ctx, ner_model, &err);
  assert_non_null(tg);
  char msg[512];
  for (size_t i = 0; i < N_NER; i++)
    if (ner_tag(tg, &ner[i], ner[i].expect, sizeof ner[i].expect, msg, sizeof msg) != 0)
      fail_msg("%s", msg);
  kabar_tagger_free(tg);

  pthread_t threads[N_THREADS];
  worker workers[N_THREADS];
  assert_int_equal(pthread_barrier_init(&start_line, NULL, N_THREADS), 0);
  for (int t = 0; t < N_THREADS; t++) {
    workers[t].id = t;
    workers[t].runs = 0;
    workers[t].failure[0] = '\0';
    assert_int_equal(pthread_create(&threads[t], NULL, ner_work, &workers[t]), 0);
  }
  for (int t = 0; t < N_THREADS; t++)
    assert_int_equal(pthread_join(threads[t], NULL), 0);
  pthread_barrier_destroy(&start_line);
  for (size_t i = 0; i < N_NER; i++)
    free(ner[i].buf);
  kabar_ner_model_free(ner_model);
  ner_model = NULL;
  for (int t = 0; t < N_THREADS; t++) {
    if (workers[t].failure[0] != '\0')
      fail_msg("thread %d after %zu sentences: %s", t, workers[t].runs, workers[t].failure);
    assert_int_equal(workers[t].runs, (size_t)N_NER_ROUNDS * N_NER);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_expected_results),
      cmocka_unit_test(test_shared_ctx),
      cmocka_unit_test(test_shared_cold_ctx),
      cmocka_unit_test(test_shared_model),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
