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
    uint64_t x = v[i];
    if (x == 0) {
      zero = 1;
      continue;
    }
    size_t j = (size_t)x & (cap - 1);
    for (uint64_t e = set[j]; e != x; e = set[j]) {
      if (e == 0) {
        set[j] = x;
        distinct++;
        break;
      }
      j = (j + 1) & (cap - 1);
    }
  }
  if (set != local)
    kabar__free(set);
  return distinct + (size_t)zero;
}

/* SimHash votes are counted bit-sliced: plane[j] holds bit j of the 64 per-bit counts, so
 * adding a value is a few word-wide logic operations instead of 64 increments. Eight values
 * at a time go through a carry-save adder tree (Harley-Seal), leaving one carry word for the
 * planes of weight 8 and up. The planes count to 65535, far more shingles than an article
 * has; past SIMHASH_FLUSH values they are flushed into `ones`. */
#define SIMHASH_PLANES 16
#define SIMHASH_FLUSH 65528 /* a multiple of 8, below 2^SIMHASH_PLANES */

typedef struct simhash_acc {
  uint64_t plane[SIMHASH_PLANES];
  uint32_t ones[64];
  uint32_t pending, total;
} simhash_acc;

/* Full adder on 64 bit positions at once: a + b + c = 2 * *carry + *sum. */
static void csa(uint64_t *carry, uint64_t *sum, uint64_t a, uint64_t b, uint64_t c) {
  uint64_t u = a ^ b;
  *carry = (a & b) | (u & c);
  *sum = u ^ c;
}

/* Adds x, of weight 1 << from, into the planes from plane `from` up. */
static void planes_add(uint64_t *plane, int from, uint64_t x) {
  for (int j = from; j < SIMHASH_PLANES && x; j++) {
    uint64_t carry = plane[j] & x;
    plane[j] ^= x;
    x = carry;
  }
}

static void planes_add8(uint64_t *plane, const uint64_t *v) {
  uint64_t twos_a, twos_b, fours_a, fours_b, eights;
  csa(&twos_a, &plane[0], plane[0], v[0], v[1]);
  csa(&twos_b, &plane[0], plane[0], v[2], v[3]);
  csa(&fours_a, &plane[1], plane[1], twos_a, twos_b);
  csa(&twos_a, &plane[0], plane[0], v[4], v[5]);
  csa(&twos_b, &plane[0], plane[0], v[6], v[7]);
  csa(&fours_b, &plane[1], plane[1], twos_a, twos_b);
  csa(&eights, &plane[2], plane[2], fours_a, fours_b);
  planes_add(plane, 3, eights);
}

static void simhash_flush(simhash_acc *s) {
  for (int j = 0; j < SIMHASH_PLANES; j++) {
    for (int bit = 0; bit < 64; bit++)
      s->ones[bit] += (uint32_t)(s->plane[j] >> bit & 1u) << j;
    s->plane[j] = 0;
  }
  s->pending = 0;
}

static void simhash_add_all(simhash_acc *s, const uint64_t *v, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (s->pending + 8 > SIMHASH_FLUSH)
      simhash_flush(s);
    planes_add8(s->plane, v + i);
    s->pending += 8;
  }
  for (; i < n; i++) {
    if (s->pending + 1 > SIMHASH_FLUSH)
      simhash_flush(s);
    planes_add(s->plane, 0, v[i]);
    s->pending++;
  }
  s->total += (uint32_t)n;
}

/* Bits whose count is at least t (< 2^SIMHASH_PLANES), from the planes alone: the counts are
 * compared with t bit-sliced, from the top plane down. */
static uint64_t planes_at_least(const uint64_t *plane, uint32_t t) {
  uint64_t greater = 0, equal = ~(uint64_t)0;
  for (int j = SIMHASH_PLANES - 1; j >= 0; j--) {
    if (t >> j & 1u) {
      equal &= plane[j];
    } else {
      greater |= equal & plane[j];
      equal &= ~plane[j];
    }
  }
  return greater | equal;
}

static uint64_t simhash_result(simhash_acc *s) {
  /* a bit is set when more than half the shingles have it: a count of total / 2 + 1 */
  if (s->total == s->pending) /* never flushed: the counts are all in the planes */
    return planes_at_least(s->plane, s->total / 2 + 1);
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

/* The term hashes of the tokens that count, in text order: body blocks that are not
 * structural repeats, without stopwords and cut tokens. */
static size_t fingerprint_terms(const kabar_doc *doc, uint64_t *h) {
  size_t n = 0;
  for (size_t b = 0; b < doc->blocks.n; b++) {
    const kabar_block *blk = &doc->blocks.v[b];
    if (blk->kind != KABAR_BLOCK_BODY || blk->repeat == KABAR_REPEAT_STRUCTURAL)
      continue;
    for (uint32_t i = blk->tok_first; i < blk->tok_end; i++)
      if (!(doc->tokens.v[i].flags & (KABAR_TOK_CUT | KABAR_TOK_STOP)))
        h[n++] = kabar__strtab_hash(&doc->terms, doc->tokens.v[i].term);
  }
  return n;
}

/* Shingle hashes, in place: h[s] becomes the hash of h[s...s+width-1]. */
static void shingle_hashes(uint64_t *h, size_t n, size_t width, uint32_t *minhash) {
  size_t nsh = n - width + 1;
  for (size_t s = 0; s < nsh; s++) {
    uint64_t v;
    if (width == FP_SHINGLE) { /* the loop below, unrolled: it runs once per content word */
      v = kabar__mix64(h[s]);
      v = kabar__mix64(v ^ h[s + 1]) + 1;
      v = kabar__mix64(v ^ h[s + 2]) + 2;
    } else {
      v = 0;
      for (size_t j = 0; j < width; j++)
        v = kabar__mix64(v ^ h[s + j]) + j;
    }
    v = kabar__mix64(v);
    /* real values keep the top bit clear so densified ones can be told apart */
    minhash_add(minhash, v & ~((uint64_t)1 << 31));
    h[s] = v; /* later shingles read only h[s + 1...] */
  }
}

/* Blocks are in text order and each one's tokens are [tok_first, tok_end), so walking the
 * kept blocks sees the kept tokens in text order. A news article's hashes fit on the stack. */
#define FP_STACK_TOKENS 768

kabar_status kabar__fingerprint(kabar_doc *doc) {
  doc->simhash = 0;
  doc->nminhash = 0;
  doc->nshingles = 0;
  doc->ndistinct = 0;
  if (doc->tokens.n == 0)
    return KABAR_OK;
  uint64_t local[FP_STACK_TOKENS];
  uint64_t *h = local; /* room for every token */
  if (doc->tokens.n > FP_STACK_TOKENS && !(h = kabar__malloc(doc->tokens.n * sizeof *h)))
    return KABAR_ENOMEM;
  size_t n = fingerprint_terms(doc, h);
  if (n == 0) {
    if (h != local)
      kabar__free(h);
    return KABAR_OK;
  }
  size_t width = n < FP_SHINGLE ? n : FP_SHINGLE, nsh = n - width + 1;
  for (int j = 0; j < KABAR_MINHASH_SIZE; j++)
    doc->minhash[j] = UINT32_MAX;
  shingle_hashes(h, n, width, doc->minhash);
  simhash_acc acc;
  memset(&acc, 0, sizeof acc);
  simhash_add_all(&acc, h, nsh);
  /* distinct shingles, for containment estimates in the index */
  size_t distinct = count_distinct(h, nsh);
  if (h != local)
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
