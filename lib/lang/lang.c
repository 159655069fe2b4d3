/* Language identification by function words: every language folder's stopword list votes.
 * News paragraphs in Indonesian or Dutch have 30-50% of their tokens in their own list and
 * few in the other's, so counting is enough; text with too little evidence is "other". */
#include "lang.h"

/* Below this share of tokens in the best list, text is "other" (English shares some short
 * words with Dutch, but not a quarter of its tokens). */
#define MIN_COVERAGE 0.08
#define MIN_HITS 1
/* A block overrides the document's language only with this much evidence. */
#define BLOCK_MIN_TOKENS 8
#define BLOCK_MIN_MARGIN 3

/* The stopword index. Two thirds of a document's types are no stopword, and a lookup in
 * ctx->stopwords costs three dependent loads (bucket head, entry, string) in tables far larger
 * than L1 and a branch on whether the bucket is empty that no predictor gets right. So a bit
 * filter of a few cache lines answers first, for all types with no branch; the few that pass
 * (nearly all of them stopwords) are then compared with a bucket of one cache line that holds
 * the words themselves. The filter sets one bit per stopword, picked by hash bits that the
 * bucket index does not use: at 3 words per 64-bit filter word (2 KiB for the shipped lists)
 * it passes ~4% of other words. A second bit per word would pass fewer, but costs more
 * instructions for every type than the lookups it saves. */
#define FILTER_KEYS_PER_WORD 3
#define CACHE_LINE 64
#define BUCKET_WORDS 3

/* One cache line of the index: the stopwords of under KABAR_STOP_KEY_MAX bytes whose hash
 * picks it, up to three. A type is compared with all three places with no branch; spill says
 * that more stopwords picked this bucket, and the types that pick it ask ctx->stopwords. */
struct kabar_stop_bucket {
  uint64_t key[BUCKET_WORDS][2];  /* kabar__lang_stop_key */
  uint32_t langs[BUCKET_WORDS];   /* ctx->stop_langs of the word; 0 = empty place */
  uint32_t spill;
};
typedef struct kabar_stop_bucket kabar_stop_bucket;

/* Per length n < 16: the masks of a string's bytes in its first and second word. */
#define LOW_BYTES(k) (((uint64_t)1 << (8 * (k))) - 1)
static const uint64_t key_masks[KABAR_STOP_KEY_MAX][2] = {
    {LOW_BYTES(0), 0},           {LOW_BYTES(1), 0},           {LOW_BYTES(2), 0},
    {LOW_BYTES(3), 0},           {LOW_BYTES(4), 0},           {LOW_BYTES(5), 0},
    {LOW_BYTES(6), 0},           {LOW_BYTES(7), 0},           {UINT64_MAX, LOW_BYTES(0)},
    {UINT64_MAX, LOW_BYTES(1)},  {UINT64_MAX, LOW_BYTES(2)},  {UINT64_MAX, LOW_BYTES(3)},
    {UINT64_MAX, LOW_BYTES(4)},  {UINT64_MAX, LOW_BYTES(5)},  {UINT64_MAX, LOW_BYTES(6)},
    {UINT64_MAX, LOW_BYTES(7)}};

/* kabar__lang_stop_key with no branch: the second word is read from s + 8 only when it is
 * s's (n & 8), and masks from a table clear the bytes after the string. */
static inline void stop_key(const char *s, size_t n, uint64_t key[2]) {
#if KABAR_LITTLE_ENDIAN
  uint64_t w0, w1;
  memcpy(&w0, s, 8);
  memcpy(&w1, s + (n & 8), 8);
  key[0] = w0 & key_masks[n][0];
  key[1] = (w1 & key_masks[n][1]) | (uint64_t)n << 56;
#else
  unsigned char b[16] = {0};
  (void)key_masks;
  memcpy(b, s, n);
  b[15] = (unsigned char)n;
  memcpy(&key[0], b, 8);
  memcpy(&key[1], b + 8, 8);
#endif
}

void kabar__lang_stop_key(const char *s, size_t n, uint64_t key[2]) { stop_key(s, n, key); }

static size_t filter_word(uint64_t h, size_t mask) { return (size_t)(h >> 32) & mask; }
static unsigned filter_bit(uint64_t h) { return (unsigned)(h >> 58); }

/* Puts stopword id of ctx->stopwords in its bucket, or marks the bucket spilled. */
static void index_word(kabar_ctx *ctx, kabar_stop_bucket *buckets, uint64_t *filter, uint32_t id) {
  const kabar_strtab *sw = &ctx->stopwords;
  uint64_t h = kabar__strtab_hash(sw, id);
  size_t n = kabar__strtab_len(sw, id);
  filter[filter_word(h, ctx->stop_filter_mask)] |= (uint64_t)1 << filter_bit(h);
  if (n >= KABAR_STOP_KEY_MAX)
    return; /* types this long always ask ctx->stopwords */
  kabar_stop_bucket *b = &buckets[h & ctx->stop_bucket_mask];
  for (size_t i = 0; i < BUCKET_WORDS; i++)
    if (b->langs[i] == 0) {
      stop_key(kabar__strtab_str(sw, id), n, b->key[i]);
      b->langs[i] = ctx->stop_langs[id];
      return;
    }
  b->spill = 1;
}

kabar_status kabar__lang_stop_index(kabar_ctx *ctx) {
  size_t count = ctx->stopwords.count, words = 1, nb = 1;
  if (count > SIZE_MAX / 8 / sizeof(kabar_stop_bucket))
    return KABAR_ENOMEM;
  while (words * FILTER_KEYS_PER_WORD < count)
    words *= 2;
  while (nb < 2 * count) /* under half a word per bucket: few spill */
    nb *= 2;
  /* the buckets first, each in one cache line, then the filter */
  char *mem = kabar__calloc(1, nb * sizeof(kabar_stop_bucket) + words * 8 + CACHE_LINE - 1);
  if (!mem)
    return KABAR_ENOMEM;
  char *line = mem + (CACHE_LINE - (uintptr_t)mem % CACHE_LINE) % CACHE_LINE;
  kabar_stop_bucket *buckets = (kabar_stop_bucket *)(void *)line;
  uint64_t *filter = (uint64_t *)(void *)(line + nb * sizeof *buckets);
  ctx->stop_mem = mem;
  ctx->stop_buckets = buckets;
  ctx->stop_bucket_mask = nb - 1;
  ctx->stop_filter = filter;
  ctx->stop_filter_mask = words - 1;
  for (uint32_t id = 0; id < count; id++)
    index_word(ctx, buckets, filter, id);
  return KABAR_OK;
}

/* Whether the filter lets a word of hash h through: 1 for every stopword. */
static size_t filter_passes(const uint64_t *filter, size_t mask, uint64_t h) {
  return (size_t)(filter[filter_word(h, mask)] >> filter_bit(h) & 1);
}

/* The languages whose stopword lists hold the string of the types' entry e. */
static uint32_t stop_mask(const kabar_ctx *ctx, const kabar_strtab *types,
                          const struct kabar_strtab_entry *e) {
  const char *s = types->chars.p + e->off;
  const kabar_stop_bucket *b = &ctx->stop_buckets[e->hash & ctx->stop_bucket_mask];
  if ((e->len / KABAR_STOP_KEY_MAX | b->spill) != 0) { /* rare: one lookup in the union */
    uint32_t id = kabar__strtab_find_padded(&ctx->stopwords, s, e->len, e->hash);
    return id == KABAR_STRTAB_NONE ? 0 : ctx->stop_langs[id];
  }
  uint64_t key[2];
  stop_key(s, e->len, key);
  uint32_t mask = 0;
  for (size_t i = 0; i < BUCKET_WORDS; i++)
    mask |= b->langs[i] & (0u - (uint32_t)((b->key[i][0] == key[0]) & (b->key[i][1] == key[1])));
  return mask;
}

/* Types are filtered a chunk at a time into a list on the stack, then only the listed ones
 * are looked up: both loops run with no branch on what a type is. */
#define MARK_CHUNK 256

kabar_status kabar__lang_mark_types(kabar_doc *doc) {
  size_t n = doc->types.count;
  uint32_t *mask = kabar__malloc((n ? n : 1) * sizeof *mask);
  if (!mask)
    return KABAR_ENOMEM;
  doc->type_stop = mask;
  /* the tables are copied to locals: a store to mask could change their fields, for all the
   * compiler knows, and would make it load them again for every type */
  const kabar_strtab types = doc->types;
  const kabar_ctx *ctx = doc->ctx;
  const uint64_t *filter = ctx->stop_filter;
  const size_t filter_mask = ctx->stop_filter_mask;
  uint32_t listed[MARK_CHUNK];
  for (size_t first = 0; first < n; first += MARK_CHUNK) {
    size_t end = n - first < MARK_CHUNK ? n : first + MARK_CHUNK, k = 0;
    for (size_t t = first; t < end; t++) {
      listed[k] = (uint32_t)t;
      k += filter_passes(filter, filter_mask, types.entries[t].hash);
      mask[t] = 0;
    }
    for (size_t i = 0; i < k; i++)
      mask[listed[i]] = stop_mask(ctx, &types, &types.entries[listed[i]]);
  }
  return KABAR_OK;
}

typedef struct votes {
  uint32_t hits[KABAR_MAX_LANGS];
  uint32_t tokens;
} votes;

static void count_votes(const kabar_doc *doc, uint32_t first, uint32_t end, votes *v) {
  for (uint32_t i = first; i < end; i++) {
    const kabar_token *t = &doc->tokens.v[i];
    if (t->flags & KABAR_TOK_NUMBER)
      continue;
    v->tokens++;
    uint32_t mask = doc->type_stop[t->type];
    for (size_t l = 0; mask; l++, mask >>= 1)
      v->hits[l] += mask & 1u;
  }
}

/* Best language and its confidence, or KABAR_LANG_OTHER. */
static uint8_t decide(const kabar_ctx *ctx, const votes *v, double *conf) {
  size_t best = 0, second = 0;
  uint8_t bi = KABAR_LANG_OTHER;
  for (size_t l = 0; l < ctx->nlangs; l++) {
    if (v->hits[l] > best) {
      second = best;
      best = v->hits[l];
      bi = (uint8_t)l;
    } else if (v->hits[l] > second) {
      second = v->hits[l];
    }
  }
  double coverage = v->tokens ? (double)best / v->tokens : 0.0;
  if (bi == KABAR_LANG_OTHER || best < MIN_HITS || coverage < MIN_COVERAGE || best == second) {
    *conf = v->tokens ? 1.0 - coverage : 0.0;
    return KABAR_LANG_OTHER;
  }
  double margin = (double)(best - second) / (double)best;
  double strength = coverage / (2 * MIN_COVERAGE);
  *conf = margin * (strength < 1.0 ? strength : 1.0);
  return bi;
}

/* Up to four languages, a token's stopword mask votes through one addition: spread4[m] has
 * bit l of m in the 16-bit lane l. */
#define FAST_LANGS 4
#define FAST_BLOCKS 64
#define FAST_LANE_MAX 0xFFFFu
static const uint64_t spread4[16] = {
    0x0000000000000000u, 0x0000000000000001u, 0x0000000000010000u, 0x0000000000010001u,
    0x0000000100000000u, 0x0000000100000001u, 0x0000000100010000u, 0x0000000100010001u,
    0x0001000000000000u, 0x0001000000000001u, 0x0001000000010000u, 0x0001000000010001u,
    0x0001000100000000u, 0x0001000100000001u, 0x0001000100010000u, 0x0001000100010001u};

static void unpack_votes(uint64_t lanes, uint32_t tokens, votes *v) {
  memset(v, 0, sizeof *v);
  v->tokens = tokens;
  for (int l = 0; l < FAST_LANGS; l++)
    v->hits[l] = (uint32_t)(lanes >> (16 * l) & FAST_LANE_MAX);
}

/* A block overrides the document's language only with enough evidence of another. */
static void block_lang(const kabar_doc *doc, kabar_block *blk, const votes *v) {
  blk->lang = doc->lang;
  if (v->tokens < BLOCK_MIN_TOKENS)
    return;
  double conf;
  uint8_t l = decide(doc->ctx, v, &conf);
  uint32_t own = doc->lang == KABAR_LANG_OTHER ? 0 : v->hits[doc->lang];
  if (l != KABAR_LANG_OTHER && l != doc->lang && v->hits[l] >= own + BLOCK_MIN_MARGIN)
    blk->lang = l;
}

/* The votes of a news article's blocks in one pass over its tokens (blocks partition the
 * tokens, so the document's votes are their sum). 0 when the article does not fit: more
 * languages or blocks than the packed counts hold, or more tokens than a lane counts (the
 * test for the whole document spares a loop over the blocks). */
static int detect_fast(kabar_doc *doc, int forced) {
  size_t nb = doc->blocks.n;
  if (doc->ctx->nlangs > FAST_LANGS || nb > FAST_BLOCKS || doc->tokens.n > FAST_LANE_MAX)
    return 0;
  uint64_t lanes[FAST_BLOCKS];
  uint32_t tokens[FAST_BLOCKS];
  votes all, v;
  memset(&all, 0, sizeof all);
  const uint32_t *type_stop = doc->type_stop;
  for (size_t b = 0; b < nb; b++) {
    const kabar_block *blk = &doc->blocks.v[b];
    uint64_t acc = 0;
    uint32_t n = 0;
    const kabar_token *t = doc->tokens.v + blk->tok_first, *end = doc->tokens.v + blk->tok_end;
    for (; t < end; t++) {
      if (t->flags & KABAR_TOK_NUMBER)
        continue;
      n++;
      acc += spread4[type_stop[t->type] & 15u];
    }
    lanes[b] = acc;
    tokens[b] = n;
    unpack_votes(acc, n, &v);
    all.tokens += v.tokens;
    for (int l = 0; l < FAST_LANGS; l++)
      all.hits[l] += v.hits[l];
  }
  if (forced < 0)
    doc->lang = decide(doc->ctx, &all, &doc->lang_conf);
  for (size_t b = 0; b < nb; b++) {
    unpack_votes(lanes[b], tokens[b], &v);
    block_lang(doc, &doc->blocks.v[b], &v);
  }
  return 1;
}

void kabar__lang_detect(kabar_doc *doc, int forced) {
  if (forced >= 0) {
    doc->lang = (uint8_t)forced;
    doc->lang_forced = 1;
    doc->lang_conf = 1.0;
  }
  if (detect_fast(doc, forced))
    return;
  if (forced < 0) {
    votes all;
    memset(&all, 0, sizeof all);
    count_votes(doc, 0, (uint32_t)doc->tokens.n, &all);
    doc->lang = decide(doc->ctx, &all, &doc->lang_conf);
  }
  for (size_t b = 0; b < doc->blocks.n; b++) {
    kabar_block *blk = &doc->blocks.v[b];
    votes v;
    memset(&v, 0, sizeof v);
    count_votes(doc, blk->tok_first, blk->tok_end, &v);
    block_lang(doc, blk, &v);
  }
}
