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

/* The languages whose stopword lists hold the string of the types' entry e: one lookup in
 * the union of the lists (see the ctx), which knows the languages. */
static uint32_t stop_mask(const kabar_strtab *stopwords, const uint32_t *stop_langs,
                          const kabar_strtab *types, const struct kabar_strtab_entry *e) {
  uint32_t id = kabar__strtab_find_padded(stopwords, types->chars.p + e->off, e->len, e->hash);
  return id == KABAR_STRTAB_NONE ? 0 : stop_langs[id];
}

kabar_status kabar__lang_mark_types(kabar_doc *doc) {
  size_t n = doc->types.count;
  uint32_t *mask = kabar__malloc((n ? n : 1) * sizeof *mask);
  if (!mask)
    return KABAR_ENOMEM;
  doc->type_stop = mask;
  /* the tables are copied to locals: a store to mask could change their fields, for all the
   * compiler knows, and would make it load them again for every type */
  const kabar_strtab types = doc->types, stopwords = doc->ctx->stopwords;
  const uint32_t *stop_langs = doc->ctx->stop_langs;
  for (size_t t = 0; t < n; t++)
    mask[t] = stop_mask(&stopwords, stop_langs, &types, &types.entries[t]);
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
 * languages, blocks or tokens per block than the packed counts hold. */
static int detect_fast(kabar_doc *doc, int forced) {
  size_t nb = doc->blocks.n;
  if (doc->ctx->nlangs > FAST_LANGS || nb > FAST_BLOCKS)
    return 0;
  for (size_t b = 0; b < nb; b++)
    if (doc->blocks.v[b].tok_end - doc->blocks.v[b].tok_first > FAST_LANE_MAX)
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
