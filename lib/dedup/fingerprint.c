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

/* Multiply-shift hash family: value k is the top 32 bits of a_k * x + b_k. */
static void minhash_params(uint64_t *a, uint64_t *b) {
  uint64_t s = 0x243F6A8885A308D3ULL;
  for (int k = 0; k < KABAR_MINHASH_SIZE; k++) {
    s = kabar__mix64(s + 0x9E3779B97F4A7C15ULL);
    a[k] = s | 1u;
    s = kabar__mix64(s + 0x9E3779B97F4A7C15ULL);
    b[k] = s;
  }
}

kabar_status kabar__fingerprint(kabar_doc *doc) {
  size_t n = 0;
  for (size_t i = 0; i < doc->tokens.n; i++)
    n += fingerprint_token(doc, &doc->tokens.v[i]);
  doc->simhash = 0;
  doc->nminhash = 0;
  doc->nshingles = 0;
  if (n == 0)
    return KABAR_OK;
  uint64_t *h = kabar__malloc(n * sizeof *h);
  if (!h)
    return KABAR_ENOMEM;
  size_t k = 0;
  for (size_t i = 0; i < doc->tokens.n; i++)
    if (fingerprint_token(doc, &doc->tokens.v[i]))
      h[k++] = kabar__strtab_hash(&doc->terms, doc->tokens.v[i].term);
  size_t width = n < FP_SHINGLE ? n : FP_SHINGLE, nsh = n - width + 1;
  for (size_t s = 0; s < nsh; s++) { /* in place: shingle s reads hashes s.. s+width-1 */
    uint64_t v = 0;
    for (size_t j = 0; j < width; j++)
      v = kabar__mix64(v ^ h[s + j]) + j;
    h[s] = v;
  }
  qsort(h, nsh, sizeof *h, cmp_u64);
  size_t u = 1;
  for (size_t i = 1; i < nsh; i++)
    if (h[i] != h[u - 1])
      h[u++] = h[i];
  int32_t votes[64] = {0};
  uint64_t a[KABAR_MINHASH_SIZE], b[KABAR_MINHASH_SIZE];
  minhash_params(a, b);
  for (int j = 0; j < KABAR_MINHASH_SIZE; j++)
    doc->minhash[j] = UINT32_MAX;
  for (size_t i = 0; i < u; i++) {
    uint64_t x = h[i];
    for (int bit = 0; bit < 64; bit++)
      votes[bit] += (x >> bit & 1u) ? 1 : -1;
    for (int j = 0; j < KABAR_MINHASH_SIZE; j++) {
      uint32_t v = (uint32_t)((a[j] * x + b[j]) >> 32);
      if (v < doc->minhash[j])
        doc->minhash[j] = v;
    }
  }
  for (int bit = 0; bit < 64; bit++)
    if (votes[bit] > 0)
      doc->simhash |= 1ULL << bit;
  doc->nminhash = KABAR_MINHASH_SIZE;
  doc->nshingles = u;
  kabar__free(h);
  return KABAR_OK;
}
