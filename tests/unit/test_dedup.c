/* dedup/: repeated blocks. kabar__dedup_blocks computes the MinHash anchors only of the blocks
 * where they can change an answer (a bound on the Jaccard similarity of every pair of long
 * blocks rules the others out); the test hook kabar__dedup_all_anchors computes them all.
 * Both must give the same answers on every document: random ones full of copies, edited
 * copies around the similarity threshold, and blocks of few distinct shingles. */
#include "helpers.h"
#include "core/internal.h"
#include "dedup/dedup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;
static uint32_t rnd(uint32_t n) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(rng_state >> 33) % n;
}

/* Letters-only words, so that every one is a token that counts. */
static const char *const syllables[] = {"ka", "ba", "ru", "an", "ti", "so", "me", "la",
                                        "pe", "ng", "di", "wa", "ho", "ju", "ra", "se"};
static void put_word(char *buf, size_t *n, uint32_t id) {
  buf[(*n)++] = ' ';
  for (int k = 0; k < 3; k++, id /= 16) {
    memcpy(buf + *n, syllables[id % 16], 2);
    *n += 2;
  }
}

typedef struct para {
  uint32_t w[80];
  uint32_t n;
} para;

/* A copy of p where each word, with chance edit/100, is replaced, dropped or followed by a
 * new one. */
static void edit(const para *p, para *out, uint32_t edit, uint32_t vocab) {
  out->n = 0;
  for (uint32_t i = 0; i < p->n && out->n < 79; i++) {
    uint32_t r = rnd(100);
    if (r >= edit || r % 3 == 2)
      out->w[out->n++] = p->w[i];
    if (r < edit && r % 3 != 1)
      out->w[out->n++] = rnd(vocab);
  }
}

/* Appends p as a paragraph (after a blank line unless it is the first). */
static void put_para(char *buf, size_t *n, const para *p) {
  if (*n)
    buf[(*n)++] = '\n', buf[(*n)++] = '\n';
  for (uint32_t k = 0; k < p->n; k++)
    put_word(buf, n, p->w[k]);
  buf[(*n)++] = '.';
}

static void random_para(para *p, uint32_t vocab) {
  uint32_t kind = rnd(10);
  p->n = 1 + rnd(kind < 2 ? 10 : 60);
  uint32_t period = kind == 9 ? 1 + rnd(3) : 0; /* few distinct shingles: "a b a b a b ..." */
  for (uint32_t i = 0; i < p->n; i++)
    p->w[i] = period && i >= period ? p->w[i - period] : rnd(vocab);
}

/* Analyses text with and without the bound; the answers must be the same. Returns the near
 * repeats found. */
static size_t assert_same_answers(const char *text, size_t len) {
  kabar_error err;
  uint32_t flags = KABAR_DOC_NO_ENTITIES | KABAR_DOC_NO_FINGERPRINTS;
  kabar__dedup_all_anchors = 0;
  kabar_doc *fast = kabar_doc_new_lang(test_group_ctx, text, len, "id", flags, &err);
  kabar__dedup_all_anchors = 1;
  kabar_doc *all = kabar_doc_new_lang(test_group_ctx, text, len, "id", flags, &err);
  kabar__dedup_all_anchors = 0;
  assert_non_null(fast);
  assert_non_null(all);
  size_t nb = kabar_doc_block_count(fast), near = 0;
  assert_int_equal(nb, kabar_doc_block_count(all));
  for (size_t b = 0; b < nb; b++) {
    size_t d = kabar_doc_block_duplicate_of(fast, b);
    double s = kabar_doc_block_similarity(fast, b);
    if (d != kabar_doc_block_duplicate_of(all, b) || s != kabar_doc_block_similarity(all, b) ||
        kabar_doc_block_repeat(fast, b) != kabar_doc_block_repeat(all, b))
      fail_msg("block %zu: repeats %zu (%.4f), with every anchor %zu (%.4f)", b, d, s,
               kabar_doc_block_duplicate_of(all, b), kabar_doc_block_similarity(all, b));
    near += d != KABAR_NO_INDEX && s < 1.0;
  }
  kabar_doc_free(fast);
  kabar_doc_free(all);
  return near;
}

/* Builds a document of nparas paragraphs: new ones, exact copies, and copies with edits
 * (most around the 0.6 similarity threshold); returns its length. */
static size_t random_doc(char *buf, para *paras, size_t nparas, uint32_t vocab) {
  size_t n = 0;
  for (size_t i = 0; i < nparas; i++) {
    uint32_t r = rnd(10);
    if (i == 0 || r < 4)
      random_para(&paras[i], vocab);
    else if (r == 4)
      paras[i] = paras[rnd((uint32_t)i)];
    else
      edit(&paras[rnd((uint32_t)i)], &paras[i], 5 + rnd(30), vocab);
    put_para(buf, &n, &paras[i]);
  }
  return n;
}

static void test_bound_same_answers_random(void **state) {
  (void)state;
  enum { MAX_PARAS = 40 };
  static para paras[MAX_PARAS];
  static char buf[MAX_PARAS * (80 * 7 + 3)];
  rng_state = 42;
  size_t near = 0;
  for (int doc = 0; doc < 600; doc++) {
    size_t n = random_doc(buf, paras, 1 + rnd(MAX_PARAS), doc % 2 ? 40 : 4000);
    near += assert_same_answers(buf, n);
  }
  assert_true(near > 500); /* the documents do have near repeats to find */
}

/* Many blocks: the scan of the pairs runs out of budget and stops partway; the near repeat
 * of the first block by the last is still found. */
static void test_bound_same_answers_many_blocks(void **state) {
  (void)state;
  enum { NPARAS = 400 };
  static para paras[NPARAS];
  static char buf[NPARAS * (80 * 7 + 3)];
  rng_state = 7;
  size_t n = 0;
  for (size_t i = 0; i < NPARAS; i++) {
    if (i + 1 < NPARAS) {
      paras[i].n = 20 + rnd(20);
      for (uint32_t k = 0; k < paras[i].n; k++)
        paras[i].w[k] = rnd(1u << 12);
    } else {
      edit(&paras[0], &paras[i], 8, 1u << 12);
    }
    put_para(buf, &n, &paras[i]);
  }
  assert_true(assert_same_answers(buf, n) >= 1);
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, buf, n, "id", 0, &err);
  assert_non_null(doc);
  assert_int_equal(kabar_doc_block_duplicate_of(doc, NPARAS - 1), 0);
  kabar_doc_free(doc);
  /* and where only the last block is new, the scan finds the earlier pairs (none) */
  n = 0;
  for (size_t i = 0; i + 1 < NPARAS; i++)
    put_para(buf, &n, &paras[i]);
  assert_int_equal(assert_same_answers(buf, n), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bound_same_answers_random),
      cmocka_unit_test(test_bound_same_answers_many_blocks),
  };
  return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
