/* Document fingerprints over 3-shingles of stemmed content words (stopwords, numbers-only
 * tokens inside cuts and datelines left out) of the kept body: title, boilerplate and
 * structural repeats are not part of it. Stems are hashed by their bytes, so fingerprints
 * compare across documents. */
#include "dedup.h"


#include <stdlib.h>

#define FP_SHINGLE 3

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static int fingerprint_token(const kabar_doc *doc, const kabar_token *t) {
  const kabar_block *b = &doc->blocks.v[t->block];
  return b->kind == KABAR_BLOCK_BODY && b->repeat != KABAR_REPEAT_STRUCTURAL &&
         !(t->flags & (KABAR_TOK_CUT | KABAR_TOK_STOP));
}

/* SimHash votes, 8 bits at a time: lanes[v] holds bit i of byte v in byte lane i, so adding
 * it to a 64-bit accumulator counts eight bits at once. Accumulators are flushed before a
 * lane can overflow. */
typedef struct simhash_acc {
  uint64_t lanes[256];
  uint64_t acc[8];
  uint32_t ones[64];
  uint32_t pending, total;
} simhash_acc;

static void simhash_init(simhash_acc *s) {
  memset(s, 0, sizeof *s);
  for (unsigned v = 0; v < 256; v++)
    for (unsigned bit = 0; bit < 8; bit++)
      if (v >> bit & 1u)
        s->lanes[v] |= (uint64_t)1 << (8 * bit);
}

static void simhash_flush(simhash_acc *s) {
  for (int byte = 0; byte < 8; byte++) {
    for (int bit = 0; bit < 8; bit++)
      s->ones[byte * 8 + bit] += (uint32_t)(s->acc[byte] >> (8 * bit) & 0xFF);
    s->acc[byte] = 0;
  }
  s->pending = 0;
}

static void simhash_add(simhash_acc *s, uint64_t x) {
  for (int byte = 0; byte < 8; byte++)
    s->acc[byte] += s->lanes[x >> (8 * byte) & 0xFF];
  s->total++;
  if (++s->pending == 255)
    simhash_flush(s);
}

static uint64_t simhash_result(simhash_acc *s) {
  simhash_flush(s);
  uint64_t h = 0;
  for (int bit = 0; bit < 64; bit++)
    if (2 * s->ones[bit] > s->total)
      h |= 1ULL << bit;
  return h;
}

/* One-permutation MinHash: the top bits of a shingle's hash pick one of the 64 bins, the
 * rest is its value there, so each shingle costs one comparison. Empty bins borrow from the
 * next non-empty bin (densification by rotation, Shrivastava & Li 2014), offset by the
 * distance so that borrowed values differ from real ones. */
#define BIN_BITS 6

static void minhash_add(uint32_t *bins, uint64_t x) {
  uint32_t bin = (uint32_t)(x >> (64 - BIN_BITS));
  uint32_t v = (uint32_t)x;
  if (v < bins[bin])
    bins[bin] = v;
}

static void minhash_densify(uint32_t *bins) {
  for (int j = 0; j < KABAR_MINHASH_SIZE; j++) {
    if (bins[j] != UINT32_MAX)
      continue;
    for (int k = 1; k < KABAR_MINHASH_SIZE; k++) {
      uint32_t src = bins[(j + k) % KABAR_MINHASH_SIZE];
      /* only real values are borrowed: borrowed ones are marked below with the top bit */
      if (src != UINT32_MAX && !(src & 0x80000000u)) {
        bins[j] = (uint32_t)kabar__mix64(((uint64_t)src << 8) | (uint64_t)k) | 0x80000000u;
        break;
      }
    }
  }
}

kabar_status kabar__fingerprint(kabar_doc *doc) {
  size_t n = 0;
  for (size_t i = 0; i < doc->tokens.n; i++)
    n += fingerprint_token(doc, &doc->tokens.v[i]);
  doc->simhash = 0;
  doc->nminhash = 0;
  doc->nshingles = 0;
  doc->ndistinct = 0;
  if (n == 0)
    return KABAR_OK;
  uint64_t *h = kabar__malloc(n * sizeof *h);
  simhash_acc *acc = kabar__malloc(sizeof *acc);
  if (!h || !acc) {
    kabar__free(h);
    kabar__free(acc);
    return KABAR_ENOMEM;
  }
  size_t k = 0;
  for (size_t i = 0; i < doc->tokens.n; i++)
    if (fingerprint_token(doc, &doc->tokens.v[i]))
      h[k++] = kabar__strtab_hash(&doc->terms, doc->tokens.v[i].term);
  size_t width = n < FP_SHINGLE ? n : FP_SHINGLE, nsh = n - width + 1;
  simhash_init(acc);
  for (int j = 0; j < KABAR_MINHASH_SIZE; j++)
    doc->minhash[j] = UINT32_MAX;
  for (size_t s = 0; s < nsh; s++) {
    uint64_t v = 0;
    for (size_t j = 0; j < width; j++)
      v = kabar__mix64(v ^ h[s + j]) + j;
    v = kabar__mix64(v);
    simhash_add(acc, v);
    /* real values keep the top bit clear so densified ones can be told apart */
    minhash_add(doc->minhash, v & ~((uint64_t)1 << 31));
    h[s] = v; /* later shingles read only h[s + 1...] */
  }
  /* distinct shingles, for containment estimates in the index */
  qsort(h, nsh, sizeof *h, cmp_u64);
  size_t distinct = nsh > 0;
  for (size_t s = 1; s < nsh; s++)
    distinct += h[s] != h[s - 1];
  minhash_densify(doc->minhash);
  doc->simhash = simhash_result(acc);
  doc->nminhash = KABAR_MINHASH_SIZE;
  doc->nshingles = nsh;
  doc->ndistinct = distinct;
  kabar__free(h);
  kabar__free(acc);
  return KABAR_OK;
}
