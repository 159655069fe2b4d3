/* Repeated blocks. Exact repeats (same token sequence after normalisation) are found through
 * a hash map; near repeats through a few MinHash "anchors" per block (blocks sharing an anchor
 * are candidates, verified by the Jaccard similarity of their token 3-shingles). Each block is
 * compared with a bounded number of candidates, so the work stays linear in the blocks.
 * The shingles and anchors are most of the cost, and most articles have no near repeat at all:
 * a cheap bound on the Jaccard similarity of every pair of long blocks (near_sig, from the
 * shingles' token types, not their hashes) tells which blocks' shingles and anchors can matter,
 * and only those are computed. The answers are the same as computing them all. */
#include "dedup.h"

#include <stdlib.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define SHINGLE 3
#define ANCHORS 4         /* min-hashes per block used as LSH keys */
#define NEAR_MIN_TOKENS 8 /* shorter blocks repeat only exactly */
#define NEAR_MIN_SIMILARITY 0.6
#define MAX_CANDIDATES 16
/* A lone repeated block (not part of a run) is structural when it is this long. */
#define LONG_BLOCK_TOKENS 20

typedef struct block_sig {
  uint64_t exact;
  uint64_t *shingles; /* sorted and unique once `sorted` is set; NULL until needed */
  size_t nshingles;
  int sorted;
  uint32_t ntokens;
} block_sig;

/* A long block's shingles as a set of 256 buckets (of their first two token types: make_sig),
 * for near_possible. */
typedef struct near_sig {
  uint64_t buckets[4];
  uint32_t block;
  uint32_t used;  /* buckets holding a shingle: at most the distinct shingles */
  uint32_t spare; /* shingles - used: at least the distinct shingles in a bucket after another */
} near_sig;

/* Test hook: compute every long block's anchors (the bound in near_possible not used). */
int kabar__dedup_all_anchors;

/* Open-addressing map from a 64-bit key to the latest few block indices. */
typedef struct anchor_map {
  struct slot {
    uint64_t key;
    uint32_t blocks[4]; /* most recent first; UINT32_MAX = empty */
    uint8_t used;
  } * slots;
  size_t n;
  int on_heap;
} anchor_map;

/* A news article's maps fit in `local` (slots on the caller's stack): a heap table of a few
 * KiB per document cost as much as the lookups. `local` is taken from its front. */
static int anchor_map_init(anchor_map *m, size_t entries, struct slot **local, size_t *local_n) {
  m->n = 16;
  while (m->n < entries * 2)
    m->n *= 2;
  m->on_heap = m->n > *local_n;
  if (m->on_heap) {
    m->slots = kabar__calloc(m->n, sizeof *m->slots);
    return m->slots ? 0 : -1;
  }
  m->slots = *local;
  /* only the flags: a memset of the whole slots cost more than the lookups */
  for (size_t i = 0; i < m->n; i++)
    m->slots[i].used = 0;
  *local += m->n;
  *local_n -= m->n;
  return 0;
}

static void anchor_map_free(anchor_map *m) {
  if (m->on_heap)
    kabar__free(m->slots);
}

static struct slot *anchor_slot(anchor_map *m, uint64_t key) {
  size_t i = (size_t)kabar__mix64(key) & (m->n - 1);
  while (m->slots[i].used && m->slots[i].key != key)
    i = (i + 1) & (m->n - 1);
  return &m->slots[i];
}

static void anchor_add(anchor_map *m, uint64_t key, uint32_t block) {
  struct slot *s = anchor_slot(m, key);
  if (!s->used) {
    s->used = 1;
    s->key = key;
    for (int i = 0; i < 4; i++)
      s->blocks[i] = UINT32_MAX;
  }
  s->blocks[3] = s->blocks[2];
  s->blocks[2] = s->blocks[1];
  s->blocks[1] = s->blocks[0];
  s->blocks[0] = block;
}

/* Sorts v[0, n) ascending: quicksort (median of three) down to runs of SMALL_SORT, then one
 * insertion sort pass; past a depth of 2 log2(n) a range goes to heapsort, so the worst case
 * stays n log n. Inline, it costs a fraction of qsort's calls of a comparison function. */
#define SMALL_SORT 16

static void swap_u64(uint64_t *a, uint64_t *b) {
  uint64_t t = *a;
  *a = *b;
  *b = t;
}

static void sift_down(uint64_t *v, size_t root, size_t n) {
  for (size_t child; (child = 2 * root + 1) < n; root = child) {
    if (child + 1 < n && v[child + 1] > v[child])
      child++;
    if (v[root] >= v[child])
      return;
    swap_u64(&v[root], &v[child]);
  }
}

static void heap_sort(uint64_t *v, size_t n) {
  for (size_t i = n / 2; i-- > 0;)
    sift_down(v, i, n);
  for (size_t end = n; end-- > 1;) {
    swap_u64(&v[0], &v[end]);
    sift_down(v, 0, end);
  }
}

static void quick_sort(uint64_t *v, size_t n, int depth) {
  while (n > SMALL_SORT) {
    if (depth-- == 0) {
      heap_sort(v, n);
      return;
    }
    size_t mid = n / 2;
    if (v[mid] < v[0])
      swap_u64(&v[mid], &v[0]);
    if (v[n - 1] < v[0])
      swap_u64(&v[n - 1], &v[0]);
    if (v[n - 1] < v[mid])
      swap_u64(&v[n - 1], &v[mid]);
    uint64_t pivot = v[mid];
    size_t i = 0, j = n - 1;
    for (;;) { /* Hoare partition: v[0] <= pivot <= v[n - 1] bound both scans */
      while (v[i] < pivot)
        i++;
      while (v[j] > pivot)
        j--;
      if (i >= j)
        break;
      swap_u64(&v[i++], &v[j--]);
    }
    /* [0, j] <= pivot <= [j + 1, n): recurse into the smaller side */
    size_t left = j + 1;
    if (left < n - left) {
      quick_sort(v, left, depth);
      v += left;
      n -= left;
    } else {
      quick_sort(v + left, n - left, depth);
      n = left;
    }
  }
}

static void sort_u64(uint64_t *v, size_t n) {
  int depth = 0;
  for (size_t k = n; k > 1; k >>= 1)
    depth += 2;
  quick_sort(v, n, depth);
  for (size_t i = 1; i < n; i++) {
    uint64_t x = v[i];
    size_t j = i;
    for (; j > 0 && v[j - 1] > x; j--)
      v[j] = v[j - 1];
    v[j] = x;
  }
}

static size_t sort_unique(uint64_t *v, size_t n) {
  if (n == 0)
    return 0;
  sort_u64(v, n);
  size_t w = 1;
  for (size_t i = 1; i < n; i++)
    if (v[i] != v[w - 1])
      v[w++] = v[i];
  return w;
}

/* Tokens that count for matching: words and numbers outside cuts. */
static int counts(const kabar_token *t) { return !(t->flags & KABAR_TOK_CUT); }

/* The first token at or after tok that counts, or end. */
static const kabar_token *next_counting(const kabar_token *tok, const kabar_token *end) {
  while (tok < end && !counts(tok))
    tok++;
  return tok;
}

/* Sets the bucket of a pair of token types (their word: first << 32 | second) in a near_sig's
 * buckets if `bit` (0 or 1) is 1: the top byte of the word's product with a golden-ratio
 * constant. */
static inline void set_bucket_if(uint64_t buckets[4], uint64_t word, uint64_t bit) {
  uint64_t x = word * 0x9e3779b97f4a7c15ULL;
  buckets[x >> 62] |= bit << (x >> 56 & 63);
}

static inline void set_bucket(uint64_t buckets[4], uint64_t word) {
  set_bucket_if(buckets, word, 1);
}

static void sig_finish(block_sig *sig, uint64_t chain, uint32_t n) {
  sig->exact = kabar__mix64(chain ^ n);
  sig->ntokens = n;
  sig->shingles = NULL; /* made (make_shingles) only for the blocks whose anchors are needed */
  sig->nshingles = 0;
  sig->sorted = 0;
}

/* A block's exact hash and its shingles' buckets, in one pass over its tokens that count
 * (types t[0, n): dense ids, equal for equal strings), without a hash of a shingle:
 * - the exact hash: mix64(chain ^ n), the chain of mix64(chain ^ word) from chain = 0 over
 *   the words t[2k] << 32 | t[2k + 1] (an odd n ends with the word t[n - 2] << 32 | t[n - 1]):
 *   the same for the same types, so exact repeats are found as with a hash per token, at half
 *   the mixes;
 * - the shingle t[s, s + 3)'s bucket, that of its first two types (set_bucket), in `buckets`
 *   (near_sig). The tokens come two at a time, as the chain takes them. */
static void make_sig(const kabar_doc *doc, const kabar_block *blk, block_sig *sig,
                     uint64_t buckets[4]) {
  const kabar_token *tok = doc->tokens.v + blk->tok_first, *end = doc->tokens.v + blk->tok_end;
  uint64_t chain = 0, word = 0; /* word: the last two types */
  uint32_t n = 0;
  for (int w = 0; w < 4; w++)
    buckets[w] = 0;
  for (; n < SHINGLE - 1 && (tok = next_counting(tok, end)) < end; n++)
    word = word << 32 | tok++->type;
  if (n == SHINGLE - 1) {
    chain = kabar__mix64(word);
    for (;;) { /* each token ends the shingle that starts at the word before it */
      if ((tok = next_counting(tok, end)) == end)
        break;
      set_bucket(buckets, word);
      word = word << 32 | tok++->type;
      n++;
      if ((tok = next_counting(tok, end)) == end) {
        chain = kabar__mix64(chain ^ word);
        break;
      }
      set_bucket(buckets, word);
      word = word << 32 | tok++->type;
      n++;
      chain = kabar__mix64(chain ^ word);
    }
  } else if (n == 1) {
    chain = kabar__mix64(word);
  }
  sig_finish(sig, chain, n);
}

/* make_sig of a block without cuts (cut_in), where every token counts: the flags unread, two
 * tokens a step. The same signature (the tests compare them). */
static void make_sig_uncut(const kabar_doc *doc, const kabar_block *blk, block_sig *sig,
                           uint64_t buckets[4]) {
  const kabar_token *tok = doc->tokens.v + blk->tok_first, *end = doc->tokens.v + blk->tok_end;
  uint32_t n = blk->tok_end - blk->tok_first;
  uint64_t chain = 0, word = 0;
  for (int w = 0; w < 4; w++)
    buckets[w] = 0;
  if (n >= SHINGLE - 1) {
    word = (uint64_t)tok[0].type << 32 | tok[1].type;
    chain = kabar__mix64(word);
    for (tok += 2; end - tok >= 2; tok += 2) {
      set_bucket(buckets, word);
      word = word << 32 | tok[0].type;
      set_bucket(buckets, word);
      word = word << 32 | tok[1].type;
      chain = kabar__mix64(chain ^ word);
    }
    /* An odd n's last token, taken through a 0/1 mask: whether n is odd is a coin toss for
     * the branch predictor. With an even n, tok[-1] (in the block) is read and dropped. */
    uint64_t odd = (uint64_t)(end - tok);
    set_bucket_if(buckets, word, odd);
    uint64_t last = kabar__mix64(chain ^ (word << 32 | tok[(ptrdiff_t)odd - 1].type));
    chain ^= (chain ^ last) & (0 - odd);
  } else if (n == 1) {
    chain = kabar__mix64(tok->type);
  }
  sig_finish(sig, chain, n);
}

/* A long block's shingles (unsorted) into room[0, n - 2); returns n - 2. The shingle of
 * t[s, s + 3) (t: the tokens' type hashes) is mix64(mix64(mix64(t[s]) ^ t[s + 1]) + 1 ^
 * t[s + 2]) + 2, from the two prefixes pending when t[s + 2] comes. The three mixes of a token
 * are independent of each other, so they overlap in the CPU. */
static size_t make_shingles(const kabar_doc *doc, const kabar_block *blk, uint64_t *room) {
  const kabar_token *tok = doc->tokens.v + blk->tok_first, *end = doc->tokens.v + blk->tok_end;
  uint64_t one = 0, two = 0; /* one: the last token's prefix; two: the last two's */
  size_t n = 0;
  for (; tok < end && n < SHINGLE - 1; tok++) { /* the first two tokens start the prefixes */
    if (!counts(tok))
      continue;
    uint64_t t = kabar__strtab_hash(&doc->types, tok->type);
    if (n++ == 1)
      two = kabar__mix64(one ^ t) + 1;
    one = kabar__mix64(t);
  }
  for (; tok < end; tok++) {
    if (!counts(tok))
      continue;
    uint64_t t = kabar__strtab_hash(&doc->types, tok->type);
    room[n++ - 2] = kabar__mix64(two ^ t) + 2;
    two = kabar__mix64(one ^ t) + 1;
    one = kabar__mix64(t);
  }
  return n - 2;
}

static void ensure_sorted(block_sig *s) {
  if (!s->sorted) {
    s->nshingles = sort_unique(s->shingles, s->nshingles);
    s->sorted = 1;
  }
}

static double jaccard(block_sig *a, block_sig *b) {
  ensure_sorted(a);
  ensure_sorted(b);
  size_t i = 0, j = 0, inter = 0;
  while (i < a->nshingles && j < b->nshingles) {
    if (a->shingles[i] == b->shingles[j])
      inter++, i++, j++;
    else if (a->shingles[i] < b->shingles[j])
      i++;
    else
      j++;
  }
  size_t uni = a->nshingles + b->nshingles - inter;
  return uni ? (double)inter / (double)uni : 0.0;
}

/* The block's ANCHORS min-hash keys, in one pass over its shingles. */
static void anchor_keys(const block_sig *sig, uint64_t keys[ANCHORS]) {
  uint64_t seed[ANCHORS];
  for (int k = 0; k < ANCHORS; k++) {
    keys[k] = UINT64_MAX;
    seed[k] = 0x51ed270b27f9a1c5ULL * (uint64_t)(k + 1);
  }
  for (size_t i = 0; i < sig->nshingles; i++)
    for (int k = 0; k < ANCHORS; k++) {
      uint64_t v = kabar__mix64(sig->shingles[i] ^ seed[k]);
      if (v < keys[k])
        keys[k] = v;
    }
  for (int k = 0; k < ANCHORS; k++)
    keys[k] ^= (uint64_t)k << 60;
}

static int is_content(const kabar_block *b) { return b->kind != KABAR_BLOCK_BOILERPLATE; }

/* Runs of repeats (consecutive content blocks copying consecutive content blocks) are
 * structural; so is a lone long repeat. Short lone repeats are natural. */
static void classify_repeats(kabar_doc *doc, const block_sig *sigs, uint32_t *next_content) {
  size_t nb = doc->blocks.n;
  uint32_t following = UINT32_MAX;
  for (size_t i = nb; i-- > 0;) {
    next_content[i] = following;
    if (is_content(&doc->blocks.v[i]))
      following = (uint32_t)i;
  }
  size_t i = 0;
  while (i < nb) {
    kabar_block *b = &doc->blocks.v[i];
    if (!is_content(b) || b->dup_of == UINT32_MAX) {
      i++;
      continue;
    }
    /* extend the run while the next content block copies the next content block */
    size_t run = 1, j = i;
    for (;;) {
      uint32_t nj = next_content[j];
      if (nj == UINT32_MAX || doc->blocks.v[nj].dup_of == UINT32_MAX ||
          doc->blocks.v[nj].dup_of != next_content[doc->blocks.v[j].dup_of])
        break;
      j = nj;
      run++;
    }
    uint8_t kind = run >= 2 || sigs[i].ntokens >= LONG_BLOCK_TOKENS ? KABAR_REPEAT_STRUCTURAL
                                                                    : KABAR_REPEAT_NATURAL;
    for (size_t k = i; k <= j; k++)
      if (is_content(&doc->blocks.v[k]) && doc->blocks.v[k].dup_of != UINT32_MAX)
        doc->blocks.v[k].repeat = kind;
    i = j + 1;
  }
}

/* Bits set in the four words a[w] & b[w] (SWAR: the machine's popcount instruction is not in
 * the x86-64 baseline). No branch: a loop over the set bits would end after a number of steps
 * that the branch predictor cannot know. Each word's 4-bit counts (at most 4) are added in
 * pairs (at most 8, no carry out of a nibble), then into bytes (at most 16); a pair of words'
 * byte sum, at most 128, is taken by one multiply, so all 256 bits may be set. */
uint32_t kabar__dedup_shared_bits_scalar(const uint64_t a[4], const uint64_t b[4]) {
  const uint64_t m1 = 0x5555555555555555ULL, m2 = 0x3333333333333333ULL,
                 m4 = 0x0f0f0f0f0f0f0f0fULL, h01 = 0x0101010101010101ULL;
  uint64_t x[4];
  for (int w = 0; w < 4; w++) {
    uint64_t v = a[w] & b[w];
    v -= (v >> 1) & m1;
    x[w] = (v & m2) + ((v >> 2) & m2);
  }
  uint64_t lo = x[0] + x[1], hi = x[2] + x[3];
  lo = (lo & m4) + ((lo >> 4) & m4);
  hi = (hi & m4) + ((hi >> 4) & m4);
  return (uint32_t)((lo * h01) >> 56) + (uint32_t)((hi * h01) >> 56);
}

#if defined(__SSE2__)
/* The same steps on two words a lane, and the bytes summed by psadbw (each half's sum is at
 * most 128): half the instructions, for the pair scan (near_blocks_needed). */
uint32_t kabar__dedup_shared_bits(const uint64_t a[4], const uint64_t b[4]) {
  const __m128i m1 = _mm_set1_epi8(0x55), m2 = _mm_set1_epi8(0x33), m4 = _mm_set1_epi8(0x0f);
  __m128i x = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)a),
                            _mm_loadu_si128((const __m128i *)(const void *)b));
  __m128i y = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)(a + 2)),
                            _mm_loadu_si128((const __m128i *)(const void *)(b + 2)));
  x = _mm_sub_epi64(x, _mm_and_si128(_mm_srli_epi64(x, 1), m1));
  y = _mm_sub_epi64(y, _mm_and_si128(_mm_srli_epi64(y, 1), m1));
  x = _mm_add_epi64(_mm_and_si128(x, m2), _mm_and_si128(_mm_srli_epi64(x, 2), m2));
  y = _mm_add_epi64(_mm_and_si128(y, m2), _mm_and_si128(_mm_srli_epi64(y, 2), m2));
  x = _mm_add_epi64(x, y);
  x = _mm_add_epi64(_mm_and_si128(x, m4), _mm_and_si128(_mm_srli_epi64(x, 4), m4));
  x = _mm_sad_epu8(x, _mm_setzero_si128());
  return (uint32_t)_mm_cvtsi128_si32(x) + (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x, 8));
}
#else
uint32_t kabar__dedup_shared_bits(const uint64_t a[4], const uint64_t b[4]) {
  return kabar__dedup_shared_bits_scalar(a, b);
}
#endif

static void near_sig_finish(near_sig *ns, uint32_t block, size_t nshingles) {
  ns->block = block;
  ns->used = kabar__dedup_shared_bits(ns->buckets, ns->buckets);
  ns->spare = (uint32_t)nshingles - ns->used;
}

/* Whether the distinct shingles A and B of two long blocks may have a Jaccard similarity of
 * NEAR_MIN_SIMILARITY or more; "no" is certain. A shingle's bucket is a function of its first
 * two token types, so equal shingles share a bucket and distinct buckets hold distinct
 * shingles (shingle hashes taken to differ for different types, as exact hashes are: a 64-bit
 * collision is the only way to an answer that computing every anchor would not give).
 * J = I / (|A| + |B| - I) >= 0.6 means
 * 5 I >= 3 |A u B|, i.e. 8 I >= 3 (|A| + |B|) (with integers, 5 I <= 3 |A u B| - 1 puts
 * I / |A u B| more than 1e-11 below 0.6: far beyond double rounding). |A| >= a->used, and
 * I <= shared buckets + min(a->spare, b->spare): a shared bucket's common shingles past its
 * first are shingles of each block that came after another in their bucket. The buckets need
 * no shingle hash: the shingles are made only for the blocks that pass. No branch: the shared
 * buckets are counted even when the sizes alone rule the pair out (shared <= min(used)), as
 * an early "no" on them was mispredicted about one time in four. */
static inline int near_possible(const near_sig *a, const near_sig *b) {
  uint64_t need = 3 * ((uint64_t)a->used + b->used); /* what 8 * common must reach */
  uint64_t common = a->spare < b->spare ? a->spare : b->spare;
  common += kabar__dedup_shared_bits(a->buckets, b->buckets);
  return 8 * common >= need;
}

/* Slack of the scan's budget, in pairs. */
#define NEAR_SCAN_SLACK 64

/* How many of the long blocks (nears[0, n), in block order, exact repeats left out) need
 * their anchors: those up to the last one that may be a near repeat of an earlier one. A block
 * after it has no candidate it could accept, so it is no repeat without a lookup, and the only
 * lookups its anchors could serve are those of the blocks after it: none. The pairs are tested
 * from the end, at most one test per shingle of the blocks they spare (plus a slack): past
 * that the scan stops where it is (the blocks up to there keep their anchors), so the work
 * stays linear.
 * The budget's stop (`low`: pairs (c, l) are tested for l > low) is found first; then the
 * pairs go by in one loop, c up to l - 1 and on to the next l down with no branch, so the
 * only branch is on a possible pair (nearly never taken): nested loops mispredicted the end
 * of every l's row. */
static size_t near_blocks_needed(const near_sig *nears, size_t n) {
  if (kabar__dedup_all_anchors)
    return n;
  if (n < 2)
    return 0;
  size_t pairs = 0, budget = NEAR_SCAN_SLACK, low = 0;
  for (size_t l = n; l-- > 1;) {
    budget += (size_t)nears[l].used + nears[l].spare;
    pairs += l;
    if (pairs > budget) {
      low = l;
      break;
    }
  }
  size_t left = n * (n - 1) / 2 - low * (low + 1) / 2; /* pairs with l > low */
  for (size_t l = n - 1, c = 0; left-- > 0;) {
    if (near_possible(&nears[c], &nears[l]))
      return l + 1;
    c++;
    size_t row_done = c == l; /* 0 or 1 */
    l -= row_done;
    c &= row_done - 1;
  }
  return low ? low + 1 : 0;
}

/* Open addressing from a block's exact hash (already mixed: its low bits pick the slot) to the
 * first block with it; the key is that block's signature's. */
static size_t exact_slot(const uint32_t *first, size_t mask, const block_sig *sigs, uint64_t key) {
  size_t i = (size_t)key & mask;
  while (first[i] && sigs[first[i] - 1].exact != key)
    i = (i + 1) & mask;
  return i;
}

/* Whether block i (long, not an exact repeat) nearly repeats an earlier block: its anchors'
 * candidates verified by Jaccard. If not, and `index` is set, its anchors go in `near`. */
static void find_near(kabar_doc *doc, block_sig *sigs, uint32_t i, anchor_map *near, int index) {
  kabar_block *b = &doc->blocks.v[i];
  uint64_t keys[ANCHORS];
  uint32_t cands[MAX_CANDIDATES];
  size_t nc = 0;
  anchor_keys(&sigs[i], keys);
  for (int k = 0; k < ANCHORS; k++) {
    struct slot *a = anchor_slot(near, keys[k]);
    for (int q = 0; a->used && q < 4 && a->blocks[q] != UINT32_MAX && nc < MAX_CANDIDATES; q++)
      cands[nc++] = a->blocks[q];
  }
  double best = 0.0;
  uint32_t best_block = UINT32_MAX;
  for (size_t c = 0; c < nc; c++) {
    double sim = jaccard(&sigs[i], &sigs[cands[c]]);
    if (sim > best || (sim == best && cands[c] < best_block)) {
      best = sim;
      best_block = cands[c];
    }
  }
  if (best_block != UINT32_MAX && best >= NEAR_MIN_SIMILARITY) {
    b->dup_of = best_block;
    b->similarity = (float)best;
    return;
  }
  if (index)
    for (int k = 0; k < ANCHORS; k++) /* only originals are indexed: repeats point at them */
      anchor_add(near, keys[k], i);
}

/* The near repeats among the first `need` long blocks (nears[0, need)); their shingles are
 * made here, in room (a block's at its tokens' offset). */
static kabar_status find_near_repeats(kabar_doc *doc, block_sig *sigs, const near_sig *nears,
                                      size_t need, uint64_t *room) {
  anchor_map near = {0};
  struct slot local[64], *free_slots = local;
  size_t nfree = sizeof local / sizeof *local;
  if (anchor_map_init(&near, need * ANCHORS, &free_slots, &nfree) != 0)
    return KABAR_ENOMEM;
  for (size_t e = 0; e < need; e++) { /* the last one's anchors would go unused */
    const kabar_block *b = &doc->blocks.v[nears[e].block];
    block_sig *sig = &sigs[nears[e].block];
    sig->shingles = room + b->tok_first;
    sig->nshingles = make_shingles(doc, b, sig->shingles);
    find_near(doc, sigs, nears[e].block, &near, e + 1 < need);
  }
  anchor_map_free(&near);
  return KABAR_OK;
}

/* Scratch of up to 6 KiB is on the stack (a news article needs about 4): a malloc and free
 * cost a sixth of the stage. With find_near_repeats' map, the stage's stack stays at 8 KiB. */
#define STACK_SCRATCH 768

kabar_status kabar__dedup_blocks(kabar_doc *doc) {
  size_t nb = doc->blocks.n;
  size_t nexact = 16;
  while (nexact < nb * 2)
    nexact *= 2;
  /* one piece: the signatures, the long blocks' buckets, one value per token (a block's
   * shingles live at its tokens' offset), the exact map (then the next-content links), and
   * a flag per block: whether a cut lies in it (a token is in a cut of its own block) */
  size_t nsig = nb ? nb : 1, ntok = doc->tokens.n ? doc->tokens.n : 1;
  size_t size_sigs = nsig * sizeof(block_sig), size_nears = nsig * sizeof(near_sig);
  size_t size_room = ntok * sizeof(uint64_t);
  size_t size = size_sigs + size_nears + size_room + nexact * sizeof(uint32_t) + nb;
  uint64_t stack[STACK_SCRATCH];
  char *scratch = size <= sizeof stack ? (char *)stack : kabar__malloc(size);
  if (!scratch)
    return KABAR_ENOMEM;
  block_sig *sigs = (block_sig *)(void *)scratch;
  near_sig *nears = (near_sig *)(void *)(scratch + size_sigs);
  uint64_t *room = (uint64_t *)(void *)(scratch + size_sigs + size_nears);
  uint32_t *first = (uint32_t *)(void *)((char *)room + size_room); /* block + 1; 0 = empty */
  memset(first, 0, nexact * sizeof *first);
  uint8_t *cut_in = (uint8_t *)(first + nexact);
  memset(cut_in, 0, nb);
  for (size_t c = 0; c < doc->cuts.n; c++)
    if (doc->cuts.v[c].block < nb)
      cut_in[doc->cuts.v[c].block] = 1;
  size_t nnear = 0, repeats = 0; /* nnear: long blocks, not exact repeats */
  for (size_t i = 0; i < nb; i++) {
    kabar_block *b = &doc->blocks.v[i];
    if (!is_content(b))
      continue;
    if (cut_in[i])
      make_sig(doc, b, &sigs[i], nears[nnear].buckets);
    else
      make_sig_uncut(doc, b, &sigs[i], nears[nnear].buckets);
    if (sigs[i].ntokens == 0)
      continue;
    size_t e = exact_slot(first, nexact - 1, sigs, sigs[i].exact);
    if (first[e]) {
      b->dup_of = first[e] - 1;
      b->similarity = 1.0f;
      repeats++;
      continue;
    }
    first[e] = (uint32_t)i + 1;
    if (sigs[i].ntokens >= NEAR_MIN_TOKENS)
      near_sig_finish(&nears[nnear++], (uint32_t)i, sigs[i].ntokens - (SHINGLE - 1));
  }
  size_t need = near_blocks_needed(nears, nnear);
  kabar_status rc = need ? find_near_repeats(doc, sigs, nears, need, room) : KABAR_OK;
  /* without repeats there is nothing to classify; the links reuse the exact map's room */
  if (rc == KABAR_OK && (repeats || need))
    classify_repeats(doc, sigs, first);
  if (scratch != (char *)stack)
    kabar__free(scratch);
  return rc;
}

/* Whether no token of the block is in a cut (what kabar__dedup_blocks takes from its cuts). */
static int cut_free(const kabar_doc *doc, const kabar_block *blk) {
  for (uint32_t t = blk->tok_first; t < blk->tok_end; t++)
    if (!counts(&doc->tokens.v[t]))
      return 0;
  return 1;
}

kabar_status kabar__dedup_check_bound(const kabar_doc *doc, kabar__dedup_bound_check *out) {
  memset(out, 0, sizeof *out);
  size_t nb = doc->blocks.n, nsig = nb ? nb : 1, ntok = doc->tokens.n ? doc->tokens.n : 1;
  block_sig *sigs = kabar__calloc(nsig, sizeof *sigs);
  near_sig *nears = kabar__calloc(nsig, sizeof *nears);
  uint64_t *room = kabar__calloc(ntok, sizeof *room);
  uint8_t *cut_in = kabar__calloc(nsig, 1);
  kabar_status rc = sigs && nears && room && cut_in ? KABAR_OK : KABAR_ENOMEM;
  for (size_t c = 0; rc == KABAR_OK && c < doc->cuts.n; c++)
    if (doc->cuts.v[c].block < nb)
      cut_in[doc->cuts.v[c].block] = 1;
  for (size_t i = 0; rc == KABAR_OK && i < nb; i++) {
    const kabar_block *b = &doc->blocks.v[i];
    if (!is_content(b))
      continue;
    make_sig(doc, b, &sigs[i], nears[i].buckets);
    out->cut_blocks += cut_in[i];
    if (!cut_in[i]) { /* the block gets the loop that skips the flags: it must agree */
      block_sig fast;
      uint64_t buckets[4];
      make_sig_uncut(doc, b, &fast, buckets);
      out->wrong += !cut_free(doc, b) || fast.exact != sigs[i].exact ||
                    fast.ntokens != sigs[i].ntokens || memcmp(buckets, nears[i].buckets, 32) != 0;
    }
    if (sigs[i].ntokens >= NEAR_MIN_TOKENS) {
      near_sig_finish(&nears[i], (uint32_t)i, sigs[i].ntokens - (SHINGLE - 1));
      sigs[i].shingles = room + b->tok_first;
      sigs[i].nshingles = make_shingles(doc, b, sigs[i].shingles);
    }
  }
  for (size_t i = 0; rc == KABAR_OK && i < nb; i++)
    for (size_t j = i + 1; sigs[i].shingles && j < nb; j++) {
      if (!sigs[j].shingles)
        continue;
      out->pairs++;
      if (jaccard(&sigs[i], &sigs[j]) >= NEAR_MIN_SIMILARITY) {
        out->near++;
        out->wrong += !near_possible(&nears[i], &nears[j]) || !near_possible(&nears[j], &nears[i]);
      }
    }
  kabar__free(sigs);
  kabar__free(nears);
  kabar__free(room);
  kabar__free(cut_in);
  return rc;
}
