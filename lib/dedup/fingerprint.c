/* Document fingerprints over 3-shingles of stemmed content words (stopwords, numbers-only
 * tokens inside cuts and datelines left out) of the kept body: title, boilerplate and
 * structural repeats are not part of it. Stems are hashed by their bytes, so fingerprints
 * compare across documents. */
#include "dedup.h"


#include <stdint.h>
#include <stdlib.h>

#define FP_SHINGLE 3

/* Number of distinct values in v[0, n), through an open-addressing set at most half full.
 * The values are already mixed hashes, so their low bits index the table directly; a
 * sort would cost as much as the rest of the fingerprint. 0 marks an empty slot, so a zero
 * value is counted apart. A news article's set fits on the stack (a heap table of a few KiB
 * cost as much as filling it). Returns SIZE_MAX when out of memory. */
#define DISTINCT_STACK_SLOTS 1024
static size_t count_distinct(const uint64_t *v, size_t n) {
  size_t cap = 16;
  while (cap < 2 * n)
    cap *= 2;
  uint64_t local[DISTINCT_STACK_SLOTS];
  uint64_t *set = local;
  if (cap > DISTINCT_STACK_SLOTS) {
    if (!(set = kabar__calloc(cap, sizeof *set)))
      return SIZE_MAX;
  } else {
    memset(set, 0, cap * sizeof *set);
  }
  size_t distinct = 0;
  int zero = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] == 0) {
      zero = 1;
      continue;
    }
    size_t j = (size_t)v[i] & (cap - 1);
    while (set[j] != 0 && set[j] != v[i])
      j = (j + 1) & (cap - 1);
    if (set[j] == 0) {
      set[j] = v[i];
      distinct++;
    }
  }
  if (set != local)
    kabar__free(set);
  return distinct + (size_t)zero;
}

static int fingerprint_token(const kabar_doc *doc, const kabar_token *t) {
  const kabar_block *b = &doc->blocks.v[t->block];
  return b->kind == KABAR_BLOCK_BODY && b->repeat != KABAR_REPEAT_STRUCTURAL &&
         !(t->flags & (KABAR_TOK_CUT | KABAR_TOK_STOP));
}

/* SimHash votes, 8 bits at a time: simhash_lanes[v] holds bit i of byte v in byte lane i,
 * so adding it to a 64-bit accumulator counts eight bits at once. Accumulators are flushed
 * before a lane can overflow. The table is built by the compiler: filling it per document
 * cost as much as the votes of a short article. */
#define LANE(v)                                                                               \
  ((uint64_t)((v) & 1u) | (uint64_t)((v) >> 1 & 1u) << 8 | (uint64_t)((v) >> 2 & 1u) << 16 |  \
   (uint64_t)((v) >> 3 & 1u) << 24 | (uint64_t)((v) >> 4 & 1u) << 32 |                        \
   (uint64_t)((v) >> 5 & 1u) << 40 | (uint64_t)((v) >> 6 & 1u) << 48 |                        \
   (uint64_t)((v) >> 7 & 1u) << 56)
#define LANE4(v) LANE(v), LANE((v) + 1u), LANE((v) + 2u), LANE((v) + 3u)
#define LANE16(v) LANE4(v), LANE4((v) + 4u), LANE4((v) + 8u), LANE4((v) + 12u)
#define LANE64(v) LANE16(v), LANE16((v) + 16u), LANE16((v) + 32u), LANE16((v) + 48u)
static const uint64_t simhash_lanes[256] = {LANE64(0u), LANE64(64u), LANE64(128u), LANE64(192u)};
#undef LANE64
#undef LANE16
#undef LANE4
#undef LANE

typedef struct simhash_acc {
  uint64_t acc[8];
  uint32_t ones[64];
  uint32_t pending, total;
} simhash_acc;

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
    s->acc[byte] += simhash_lanes[x >> (8 * byte) & 0xFF];
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
  doc->simhash = 0;
  doc->nminhash = 0;
  doc->nshingles = 0;
  doc->ndistinct = 0;
  if (doc->tokens.n == 0)
    return KABAR_OK;
  uint64_t *h = kabar__malloc(doc->tokens.n * sizeof *h); /* room for every token */
  if (!h)
    return KABAR_ENOMEM;
  size_t n = 0;
  for (size_t i = 0; i < doc->tokens.n; i++)
    if (fingerprint_token(doc, &doc->tokens.v[i]))
      h[n++] = kabar__strtab_hash(&doc->terms, doc->tokens.v[i].term);
  if (n == 0) {
    kabar__free(h);
    return KABAR_OK;
  }
  size_t width = n < FP_SHINGLE ? n : FP_SHINGLE, nsh = n - width + 1;
  simhash_acc acc;
  memset(&acc, 0, sizeof acc);
  for (int j = 0; j < KABAR_MINHASH_SIZE; j++)
    doc->minhash[j] = UINT32_MAX;
  for (size_t s = 0; s < nsh; s++) {
    uint64_t v = 0;
    for (size_t j = 0; j < width; j++)
      v = kabar__mix64(v ^ h[s + j]) + j;
    v = kabar__mix64(v);
    simhash_add(&acc, v);
    /* real values keep the top bit clear so densified ones can be told apart */
    minhash_add(doc->minhash, v & ~((uint64_t)1 << 31));
    h[s] = v; /* later shingles read only h[s + 1...] */
  }
  /* distinct shingles, for containment estimates in the index */
  size_t distinct = count_distinct(h, nsh);
  kabar__free(h);
  if (distinct == SIZE_MAX)
    return KABAR_ENOMEM;
  minhash_densify(doc->minhash);
  doc->simhash = simhash_result(&acc);
  doc->nminhash = KABAR_MINHASH_SIZE;
  doc->nshingles = nsh;
  doc->ndistinct = distinct;
  return KABAR_OK;
}
