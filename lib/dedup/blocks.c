/* Repeated blocks. Exact repeats (same token sequence after normalisation) are found through
 * a hash map; near repeats through a few MinHash "anchors" per block (blocks sharing an anchor
 * are candidates, verified by the Jaccard similarity of their token 3-shingles). Each block is
 * compared with a bounded number of candidates, so the work stays linear in the blocks. */
#include "dedup.h"

#include <stdlib.h>

#define SHINGLE 3
#define ANCHORS 4            /* min-hashes per block used as LSH keys */
#define NEAR_MIN_TOKENS 8    /* shorter blocks repeat only exactly */
#define NEAR_MIN_SIMILARITY 0.6
#define MAX_CANDIDATES 16
/* A lone repeated block (not part of a run) is structural when it is this long. */
#define LONG_BLOCK_TOKENS 20

typedef struct block_sig {
  uint64_t exact;
  uint64_t *shingles; /* sorted and unique once `sorted` is set */
  size_t nshingles;
  int sorted;
  uint32_t ntokens;
} block_sig;

/* Open-addressing map from a 64-bit key to the latest few block indices. */
typedef struct anchor_map {
  struct slot {
    uint64_t key;
    uint32_t blocks[4]; /* most recent first; UINT32_MAX = empty */
    uint8_t used;
  } *slots;
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

/* Combines token hashes [0, n) into one order-sensitive shingle hash. */
static uint64_t shingle_hash(const uint64_t *th, size_t n) {
  uint64_t h = 0;
  for (size_t j = 0; j < n; j++)
    h = kabar__mix64(h ^ th[j]) + j;
  return h;
}

/* shingle_hash(th, SHINGLE) unrolled: it runs once per token of every block. */
static uint64_t shingle3_hash(const uint64_t *th) {
  uint64_t h = kabar__mix64(th[0]);
  h = kabar__mix64(h ^ th[1]) + 1;
  return kabar__mix64(h ^ th[2]) + 2;
}

/* Fills sig from the block's tokens; `room` has space for one value per token of the block
 * (token hashes first, turned into shingles in place). */
static void make_sig(const kabar_doc *doc, const kabar_block *blk, uint64_t *room,
                     block_sig *sig) {
  uint64_t *th = room;
  size_t n = 0;
  for (uint32_t i = blk->tok_first; i < blk->tok_end; i++)
    if (counts(&doc->tokens.v[i]))
      th[n++] = kabar__strtab_hash(&doc->types, doc->tokens.v[i].type);
  sig->ntokens = (uint32_t)n;
  sig->shingles = room;
  sig->exact = kabar__mix64(shingle_hash(th, n) ^ n);
  if (n < SHINGLE) {
    if (n)
      th[0] = shingle_hash(th, n);
    sig->nshingles = n ? 1 : 0;
    return;
  }
  size_t nsh = n - SHINGLE + 1;
  for (size_t s = 0; s < nsh; s++)
    th[s] = shingle3_hash(th + s); /* reads only th[s...s+2], not yet overwritten */
  sig->nshingles = nsh; /* sorted only when a candidate needs comparing */
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

kabar_status kabar__dedup_blocks(kabar_doc *doc) {
  size_t nb = doc->blocks.n;
  size_t long_blocks = 0; /* only these can have near repeats */
  for (size_t i = 0; i < nb; i++)
    long_blocks += doc->blocks.v[i].tok_end - doc->blocks.v[i].tok_first >= NEAR_MIN_TOKENS;
  /* one allocation: the signatures, one value per token (a block's signature lives at its
   * tokens' offset) and the next-content links */
  size_t nsig = nb ? nb : 1, ntok = doc->tokens.n ? doc->tokens.n : 1;
  char *scratch = kabar__malloc(nsig * sizeof(block_sig) + ntok * sizeof(uint64_t) +
                                nsig * sizeof(uint32_t));
  block_sig *sigs = (block_sig *)(void *)scratch;
  uint64_t *room = scratch ? (uint64_t *)(void *)(scratch + nsig * sizeof(block_sig)) : NULL;
  uint32_t *next_content =
      scratch ? (uint32_t *)(void *)((char *)room + ntok * sizeof(uint64_t)) : NULL;
  if (sigs)
    memset(sigs, 0, nsig * sizeof *sigs);
  anchor_map exact = {0}, near = {0};
  struct slot local[256], *free_slots = local;
  size_t nfree = sizeof local / sizeof *local;
  kabar_status rc = KABAR_OK;
  if (!sigs || !room || !next_content || anchor_map_init(&exact, nb, &free_slots, &nfree) != 0 ||
      anchor_map_init(&near, long_blocks * ANCHORS, &free_slots, &nfree) != 0)
    rc = KABAR_ENOMEM;
  for (size_t i = 0; i < nb && rc == KABAR_OK; i++) {
    kabar_block *b = &doc->blocks.v[i];
    if (!is_content(b))
      continue;
    make_sig(doc, b, room + b->tok_first, &sigs[i]);
    if (sigs[i].ntokens == 0)
      continue;
    struct slot *s = anchor_slot(&exact, sigs[i].exact);
    if (s->used) {
      b->dup_of = s->blocks[0];
      b->similarity = 1.0f;
      continue;
    }
    anchor_add(&exact, sigs[i].exact, (uint32_t)i);
    if (sigs[i].ntokens < NEAR_MIN_TOKENS)
      continue;
    uint64_t keys[ANCHORS];
    uint32_t cands[MAX_CANDIDATES];
    size_t nc = 0;
    anchor_keys(&sigs[i], keys);
    for (int k = 0; k < ANCHORS; k++) {
      struct slot *a = anchor_slot(&near, keys[k]);
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
      continue;
    }
    for (int k = 0; k < ANCHORS; k++) /* only originals are indexed: repeats point at them */
      anchor_add(&near, keys[k], (uint32_t)i);
  }
  if (rc == KABAR_OK)
    classify_repeats(doc, sigs, next_content);
  kabar__free(scratch);
  anchor_map_free(&exact);
  anchor_map_free(&near);
  return rc;
}
