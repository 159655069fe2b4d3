/* dedup/: repeated blocks. kabar__dedup_blocks computes the shingles and MinHash anchors only
 * of the blocks where they can change an answer (a bound on the Jaccard similarity of every
 * pair of long blocks, from their token types, rules the others out); the test hook
 * kabar__dedup_all_anchors computes them all. Both must give the same answers on every
 * document: random ones full of copies, edited copies around the similarity threshold, blocks
 * of few distinct shingles or of many shingles sharing their first two tokens, and blocks with
 * cuts. The hook kabar__dedup_check_bound checks the bound itself on every pair. */
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

static void put_str(char *buf, size_t *n, const char *s) {
  memcpy(buf + *n, s, strlen(s));
  *n += strlen(s);
}

/* Appends p as a paragraph (after a blank line unless it is the first); with `cuts`, maybe
 * with boilerplate cut out of it (its tokens do not count): an inline advertisement, an
 * agency's initials at its end. */
static void put_para(char *buf, size_t *n, const para *p, int cuts) {
  if (*n)
    buf[(*n)++] = '\n', buf[(*n)++] = '\n';
  uint32_t ad = cuts && rnd(4) == 0 ? rnd(p->n + 1) : UINT32_MAX;
  for (uint32_t k = 0; k < p->n; k++) {
    if (k == ad)
      put_str(buf, n, " ADVERTISEMENT");
    put_word(buf, n, p->w[k]);
  }
  buf[(*n)++] = '.';
  if (cuts && rnd(4) == 0)
    put_str(buf, n, " (ant)");
}

static void random_para(para *p, uint32_t vocab) {
  uint32_t kind = rnd(10);
  p->n = 1 + rnd(kind < 2 ? 10 : 60);
  uint32_t period = kind == 9 ? 1 + rnd(3) : 0; /* few distinct shingles: "a b a b a b ..." */
  for (uint32_t i = 0; i < p->n; i++)
    p->w[i] = period && i >= period ? p->w[i - period] : rnd(vocab);
  if (kind == 8) /* many shingles with the same first two tokens: "a b x a b y a b z ..." */
    for (uint32_t i = 3; i < p->n; i++)
      p->w[i] = i % 3 < 2 ? p->w[i % 3] : p->w[i];
  if (kind == 7) /* mostly three words (all 27 shingles of them, but 9 pairs), then others */
    for (uint32_t i = 0, run = p->n - rnd(p->n / 4 + 1); i < run; i++)
      p->w[i] = rnd(3);
}

static kabar__dedup_bound_check checked; /* the sums of kabar__dedup_check_bound */

/* Analyses text with and without the bound; the answers must be the same, and the bound must
 * hold on every pair of blocks. Returns the near repeats found. */
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
  kabar__dedup_bound_check check;
  assert_int_equal(kabar__dedup_check_bound(fast, &check), KABAR_OK);
  if (check.wrong)
    fail_msg("%zu wrong: near pairs (of %zu) the bound rules out, or blocks without cuts whose "
             "signature differs from the one that reads the tokens' flags",
             check.wrong, check.near);
  checked.pairs += check.pairs;
  checked.near += check.near;
  checked.cut_blocks += check.cut_blocks;
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
 * (most around the 0.6 similarity threshold), maybe with cuts; returns its length. */
static size_t random_doc(char *buf, para *paras, size_t nparas, uint32_t vocab, int cuts) {
  size_t n = 0;
  for (size_t i = 0; i < nparas; i++) {
    uint32_t r = rnd(10);
    if (i == 0 || r < 4)
      random_para(&paras[i], vocab);
    else if (r == 4)
      paras[i] = paras[rnd((uint32_t)i)];
    else
      edit(&paras[rnd((uint32_t)i)], &paras[i], 5 + rnd(30), vocab);
    put_para(buf, &n, &paras[i], cuts);
  }
  return n;
}

static void test_bound_same_answers_random(void **state) {
  (void)state;
  enum { MAX_PARAS = 40 };
  static para paras[MAX_PARAS];
  static char buf[MAX_PARAS * (81 * 7 + 24)];
  rng_state = 42;
  memset(&checked, 0, sizeof checked);
  size_t near = 0;
  for (int doc = 0; doc < 600; doc++) {
    size_t n = random_doc(buf, paras, 1 + rnd(MAX_PARAS), doc % 2 ? 40 : 4000, doc % 3 == 0);
    near += assert_same_answers(buf, n);
  }
  /* the documents do have near repeats to find, pairs near the threshold, and cuts */
  assert_true(near > 500);
  assert_true(checked.near > 1000);
  assert_true(checked.cut_blocks > 500);
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
    put_para(buf, &n, &paras[i], 0);
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
    put_para(buf, &n, &paras[i], 0);
  assert_int_equal(assert_same_answers(buf, n), 0);
}

/* The shared buckets' bit count (SSE2 where the build has it) against its scalar twin and a
 * bit-by-bit count: random words of every density, and the extremes (no bit, all 256). */
static uint32_t naive_shared_bits(const uint64_t a[4], const uint64_t b[4]) {
  uint32_t n = 0;
  for (int w = 0; w < 4; w++)
    for (int k = 0; k < 64; k++)
      n += (uint32_t)((a[w] & b[w]) >> k & 1);
  return n;
}

static void test_shared_bits_match_scalar(void **state) {
  (void)state;
  rng_state = 99;
  uint64_t buf[9]; /* a at buf + 0, b at buf + 4 or an odd offset: every 8-byte alignment */
  for (int round = 0; round < 20000; round++) {
    uint32_t density = rnd(65); /* bits set in 64, about */
    for (int w = 0; w < 9; w++) {
      uint64_t x = 0;
      for (int k = 0; k < 64; k++)
        x |= (uint64_t)(rnd(64) < density) << k;
      buf[w] = round % 50 == 0 ? UINT64_MAX : round % 50 == 1 ? 0 : x;
    }
    const uint64_t *a = buf + round % 2, *b = buf + 4 + round % 2;
    uint32_t want = naive_shared_bits(a, b);
    assert_int_equal(kabar__dedup_shared_bits_scalar(a, b), want);
    assert_int_equal(kabar__dedup_shared_bits(a, b), want);
  }
  uint64_t ones[4] = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};
  assert_int_equal(kabar__dedup_shared_bits(ones, ones), 256);
  assert_int_equal(kabar__dedup_shared_bits_scalar(ones, ones), 256);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bound_same_answers_random),
      cmocka_unit_test(test_bound_same_answers_many_blocks),
      cmocka_unit_test(test_shared_bits_match_scalar),
  };
  return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
