/* Document: runs the stages in DESIGN.md's order and answers the accessors. */
#include "internal.h"
#include "../clean/clean.h"
#include "../dedup/dedup.h"
#include "../entities/entities.h"
#include "../lang/lang.h"
#include "../segment/segment.h"
#include "../terms/terms.h"
#include "../text/text.h"

#include <stdatomic.h>
#include <stdio.h>

void kabar_free(void *p) { kabar__free(p); }

uint32_t kabar_version(void) { return KABAR_VERSION_NUMBER; }
const char *kabar_version_string(void) { return KABAR_VERSION_STRING; }

const char *kabar_strerror(int code) {
  switch (code) {
  case KABAR_OK: return "success";
  case KABAR_ERROR: return "internal error";
  case KABAR_ENOMEM: return "out of memory";
  case KABAR_EINVAL: return "invalid argument or data";
  case KABAR_EUTF8: return "input is not valid UTF-8";
  case KABAR_ELANG: return "language not available";
  case KABAR_ELIMIT: return "limit exceeded";
  case KABAR_EVERSION: return "options version not supported";
  case KABAR_EDEP: return "dependency (ICU, PCRE2, libstemmer) failed";
  case KABAR_EIO: return "cannot read data file";
  default: return "unknown error";
  }
}

char *kabar_normalize(const kabar_ctx *ctx, const char *text, size_t len, uint32_t flags,
                      size_t *len_out, size_t **map_out, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (map_out)
    *map_out = NULL;
  if (!ctx || (!text && len) || (flags & ~KABAR_NORMALIZE_REPLACE_INVALID)) {
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  if (len > ctx->max_input) {
    kabar__fail(err, KABAR_ELIMIT, ctx->max_input, 0);
    return NULL;
  }
  text = text ? text : "";
  kabar_buf repaired = {0}, out = {0};
  kabar_offmap omap = {0};
  kabar_sizevec map = {0};
  const char *src = text;
  size_t n = len, bad = kabar__utf8_check(text, len);
  kabar_status rc = KABAR_OK;
  if (bad < len) {
    if (!(flags & KABAR_NORMALIZE_REPLACE_INVALID))
      rc = kabar__fail(err, KABAR_EUTF8, bad, 0);
    else if (kabar__utf8_repair(text, len, &repaired, &omap) != 0)
      rc = KABAR_ENOMEM;
    src = repaired.p;
    n = repaired.len;
  }
  if (rc == KABAR_OK)
    rc = kabar__normalize(ctx, src, n, &out, map_out ? &map : NULL, 0);
  if (rc == KABAR_OK && kabar__buf_reserve(&out, 0) != 0)
    rc = KABAR_ENOMEM;
  if (rc == KABAR_OK && map_out) {
    if (KABAR_VEC_PUSH(map, n) != 0)
      rc = KABAR_ENOMEM;
    for (size_t i = 0; rc == KABAR_OK && i < map.n; i++)
      map.v[i] = kabar__offmap_orig(&omap, map.v[i]);
  }
  kabar__buf_free(&repaired);
  KABAR_VEC_FREE(omap.anchors);
  if (rc != KABAR_OK) {
    if (err && err->code == KABAR_OK)
      kabar__fail(err, rc, KABAR_NO_OFFSET, 0);
    kabar__buf_free(&out);
    KABAR_VEC_FREE(map);
    return NULL;
  }
  out.p[out.len] = '\0';
  if (len_out)
    *len_out = out.len;
  if (map_out)
    *map_out = map.v;
  return out.p;
}

/* ---- cleaned text ---------------------------------------------------------------------- */

static int is_flat_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0'; }

/* The prefix that kabar__flat_copy copies, in steps of 7: words of 8 bytes that overlap by
 * one, so each pair of neighbours is seen in one word; the word that stops it is finished
 * byte by byte. */
static size_t flat_run(const char *p, size_t n) {
  const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;
  const uint64_t top = UINT64_C(0xFF) << 56;
  size_t i = 0;
  for (; i + 8 <= n; i += 7) {
    uint64_t x;
    memcpy(&x, p + i, 8);
    /* t is zero where x has a space, so pairs has a zero byte where two spaces meet: each
     * byte is ORed with its neighbour, in memory order whatever the byte order, and the
     * top byte, which has no neighbour in the shift, is made non-zero */
    uint64_t t = x ^ (' ' * ones), pairs = t | (t >> 8) | top;
    /* (v - k * ones) & ~v & highs is non-zero iff some byte of v is below k (k <= 0x80) */
    if (((x - ' ' * ones) & ~x & highs) | ((pairs - ones) & ~pairs & highs))
      break;
  }
  for (; i < n; i++)
    if ((unsigned char)p[i] < 0x20 || (i > 0 && p[i] == ' ' && p[i - 1] == ' '))
      break;
  return i;
}

size_t kabar__flat_copy_scalar(char *dst, const char *s, size_t n) {
  size_t k = flat_run(s, n);
  memcpy(dst, s, k);
  return k;
}

#if defined(__SSE2__)
/* Control bytes (x == min(x, 0x1F)) and spaces whose left neighbour in the load is one. */
static __m128i flat_stops(__m128i x) {
  __m128i sp = _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
  __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x);
  return _mm_or_si128(ctl, _mm_and_si128(sp, _mm_slli_si128(sp, 1)));
}

/* Each 16 bytes are stored as they are tested, in steps of 15 so that each pair of
 * neighbours meets in one load (two loads per test while 31 bytes are left); the last step
 * loads and stores the 16 bytes that end at s + n, which rewrites copied bytes with
 * themselves. */
size_t kabar__flat_copy(char *dst, const char *s, size_t n) {
  size_t i = 0;
  for (; i + 31 <= n; i += 30) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 15));
    _mm_storeu_si128((__m128i *)(void *)(dst + i), x);
    _mm_storeu_si128((__m128i *)(void *)(dst + i + 15), y);
    __m128i a = flat_stops(x), b = flat_stops(y);
    if (_mm_movemask_epi8(_mm_or_si128(a, b))) {
      unsigned m = (unsigned)_mm_movemask_epi8(a);
      return i + (size_t)__builtin_ctz(m ? m : (unsigned)_mm_movemask_epi8(b) << 15);
    }
  }
  for (; i + 16 <= n; i += 15) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    _mm_storeu_si128((__m128i *)(void *)(dst + i), x);
    unsigned m = (unsigned)_mm_movemask_epi8(flat_stops(x));
    if (m)
      return i + (size_t)__builtin_ctz(m);
  }
  if (i >= n)
    return n;
  if (n < 16) {
    size_t k = kabar__scan16((const unsigned char *)s, n, 'a', flat_stops);
    memcpy(dst, s, k);
    return k;
  }
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
  _mm_storeu_si128((__m128i *)(void *)(dst + n - 16), x);
  unsigned m = (unsigned)_mm_movemask_epi8(flat_stops(x)) >> (i - (n - 16));
  return m ? i + (size_t)__builtin_ctz(m) : n;
}
#else
size_t kabar__flat_copy(char *dst, const char *s, size_t n) {
  return kabar__flat_copy_scalar(dst, s, n);
}
#endif

/* Appends s[a, b) with line breaks, tabs and NULs as spaces and space runs collapsed, into
 * room the caller reserved (b - a bytes: kabar__flat_copy may fill them all). Runs that need
 * no change are copied whole; nearly all news text is one such run per block. */
static void put_flat(kabar_buf *out, const char *s, uint32_t a, uint32_t b) {
  char *w = out->p + out->len;
  char last = out->len ? out->p[out->len - 1] : '\n';
  uint32_t i = a;
  while (i < b) {
    char c = s[i];
    int after_space = last == ' ' || last == '\n';
    if ((unsigned char)c < 0x20 || (c == ' ' && after_space)) {
      i++;
      if (is_flat_space(c)) {
        if (after_space)
          continue;
        c = ' ';
      }
      *w++ = last = c;
      continue;
    }
    uint32_t k = (uint32_t)kabar__flat_copy(w, s + i, b - i);
    w += k;
    i += k;
    last = s[i - 1];
  }
  out->len = (size_t)(w - out->p);
}

static kabar_status build_clean_text(kabar_doc *doc) {
  kabar_buf *out = &doc->clean;
  size_t c = 0;
  /* room for all: the blocks' bytes (disjoint spans of the text), a separator before each
   * and a space after each cut; put_flat writes into it without asking */
  if (kabar__buf_reserve(out, doc->len + 2 * doc->blocks.n + doc->cuts.n) != 0)
    return KABAR_ENOMEM;
  for (size_t i = 0; i < doc->blocks.n; i++) {
    const kabar_block *b = &doc->blocks.v[i];
    while (c < doc->cuts.n && doc->cuts.v[c].block < i)
      c++;
    if (b->kind == KABAR_BLOCK_BOILERPLATE || b->repeat == KABAR_REPEAT_STRUCTURAL)
      continue;
    if (out->len > 0) {
      out->p[out->len++] = '\n';
      out->p[out->len++] = '\n';
    }
    size_t para = out->len;
    uint32_t pos = b->start;
    for (; c < doc->cuts.n && doc->cuts.v[c].block == i; c++) {
      const kabar_cut *cut = &doc->cuts.v[c];
      if (cut->kind != KABAR_CUT_BOILERPLATE)
        continue;
      put_flat(out, doc->text, pos, cut->start);
      if (out->len > para && out->p[out->len - 1] != ' ')
        out->p[out->len++] = ' ';
      pos = cut->end;
    }
    put_flat(out, doc->text, pos, b->end);
    while (out->len > para && out->p[out->len - 1] == ' ')
      out->len--;
    if (out->len == para && para >= 2)
      out->len -= 2; /* nothing left of this block */
  }
  out->p[out->len] = '\0';
  return KABAR_OK;
}

/* Frees what a document holds, and the document. */
static void free_doc(kabar_doc *doc) {
  ubrk_close(doc->word_bi);
  ubrk_close(doc->sent_bi);
  kabar__free(doc->owned);
  KABAR_VEC_FREE(doc->map.anchors);
  KABAR_VEC_FREE(doc->blocks);
  KABAR_VEC_FREE(doc->tokens);
  KABAR_VEC_FREE(doc->cuts);
  KABAR_VEC_FREE(doc->sentences);
  kabar__strtab_free(&doc->types);
  kabar__strtab_free(&doc->terms);
  kabar__free(doc->type_stop);
  kabar__buf_free(&doc->clean);
  KABAR_VEC_FREE(doc->entities);
  KABAR_VEC_FREE(doc->mentions);
  kabar__buf_free(&doc->entity_names);
  kabar__free(doc);
}

/* ---- the pool of freed documents -------------------------------------------------------
 * A feed is analysed one document after another, and making a document's vectors and
 * tables from nothing (about thirty allocations, their growth, and first writes to fresh
 * memory) cost a twentieth of an analysis. So a freed document's memory goes to the ctx,
 * emptied, for the next kabar_doc_new. The ctx is shared by threads and read-only to its
 * users: the pool is a few slots that change by atomic exchange, as the stem cache's idle
 * stemmers do (lib/terms/stemcache.c). A document is kept only while its memory is modest,
 * so that one huge input does not pin its vectors for the life of the ctx. */
#define DOC_POOL_SLOTS 4
#define DOC_POOL_MAX_BYTES ((size_t)1 << 20)
/* a kept table's buckets are zeroed for each document: not more than a long article needs */
#define DOC_POOL_MAX_HEADS ((size_t)1 << 14)

struct kabar_doc_pool {
  _Atomic(kabar_doc *) idle[DOC_POOL_SLOTS];
};

kabar_doc_pool *kabar__doc_pool_new(void) {
  kabar_doc_pool *pool = kabar__malloc(sizeof *pool);
  if (pool)
    for (size_t i = 0; i < DOC_POOL_SLOTS; i++)
      atomic_init(&pool->idle[i], NULL);
  return pool;
}

void kabar__doc_pool_free(kabar_doc_pool *pool) {
  if (!pool)
    return;
  for (size_t i = 0; i < DOC_POOL_SLOTS; i++) {
    kabar_doc *doc = atomic_load_explicit(&pool->idle[i], memory_order_acquire);
    if (doc)
      free_doc(doc);
  }
  kabar__free(pool);
}

/* An emptied document from the pool, or NULL. acquire: pairs with the release that put it
 * there, so its memory is this thread's to use. */
static kabar_doc *pooled_doc(kabar_doc_pool *pool) {
  for (size_t i = 0; i < DOC_POOL_SLOTS; i++)
    if (atomic_load_explicit(&pool->idle[i], memory_order_relaxed)) {
      kabar_doc *doc = atomic_exchange_explicit(&pool->idle[i], NULL, memory_order_acquire);
      if (doc)
        return doc;
    }
  return NULL;
}

static size_t strtab_bytes(const kabar_strtab *t) {
  return t->chars.cap + t->nheads * sizeof *t->heads + t->cap * sizeof *t->entries;
}

/* The memory a document would keep in the pool. */
static size_t doc_bytes(const kabar_doc *doc) {
  return doc->map.anchors.cap * sizeof *doc->map.anchors.v +
         doc->blocks.cap * sizeof *doc->blocks.v + doc->tokens.cap * sizeof *doc->tokens.v +
         doc->cuts.cap * sizeof *doc->cuts.v + doc->sentences.cap * sizeof *doc->sentences.v +
         strtab_bytes(&doc->types) + strtab_bytes(&doc->terms) + doc->clean.cap +
         doc->entities.cap * sizeof *doc->entities.v +
         doc->mentions.cap * sizeof *doc->mentions.v + doc->entity_names.cap;
}

/* Empties doc as kabar_doc_new finds a new one (all zeros), but for its vectors' and
 * tables' memory. */
static void empty_doc(kabar_doc *doc) {
  ubrk_close(doc->word_bi);
  ubrk_close(doc->sent_bi);
  kabar__free(doc->owned);
  kabar__free(doc->type_stop);
  kabar_doc keep = *doc;
  memset(doc, 0, sizeof *doc);
#define KEEP_VEC(f) (doc->f.v = keep.f.v, doc->f.cap = keep.f.cap)
  KEEP_VEC(map.anchors);
  KEEP_VEC(blocks);
  KEEP_VEC(tokens);
  KEEP_VEC(cuts);
  KEEP_VEC(sentences);
  KEEP_VEC(entities);
  KEEP_VEC(mentions);
#undef KEEP_VEC
  doc->types = keep.types;
  kabar__strtab_clear(&doc->types, DOC_POOL_MAX_HEADS);
  doc->terms = keep.terms;
  kabar__strtab_clear(&doc->terms, DOC_POOL_MAX_HEADS);
  doc->clean = keep.clean;
  doc->clean.len = 0;
  doc->entity_names = keep.entity_names;
  doc->entity_names.len = 0;
}

/* Puts doc in a free slot of its ctx's pool, emptied: 1, or 0 when it is not kept. release:
 * its writes happen before the next user's. */
static int pool_doc(kabar_doc *doc) {
  kabar_doc_pool *pool = doc->ctx->docs;
  if (doc_bytes(doc) > DOC_POOL_MAX_BYTES)
    return 0;
  size_t i = 0;
  while (i < DOC_POOL_SLOTS && atomic_load_explicit(&pool->idle[i], memory_order_relaxed))
    i++;
  if (i == DOC_POOL_SLOTS)
    return 0;
  empty_doc(doc);
  for (; i < DOC_POOL_SLOTS; i++) {
    kabar_doc *none = NULL;
    if (atomic_compare_exchange_strong_explicit(&pool->idle[i], &none, doc, memory_order_release,
                                                memory_order_relaxed))
      return 1;
  }
  return 0; /* other threads filled the slots: the emptied doc is freed */
}

void kabar_doc_free(kabar_doc *doc) {
  if (!doc)
    return;
  if (!pool_doc(doc))
    free_doc(doc);
}

/* ---- analysis -------------------------------------------------------------------------- */

static kabar_status load_text(kabar_doc *doc, const char *text, size_t len, uint32_t flags,
                              kabar_error *err) {
  size_t bad = kabar__utf8_check(text, len);
  if (bad < len) {
    if (!(flags & KABAR_DOC_REPLACE_INVALID))
      return kabar__fail(err, KABAR_EUTF8, bad, 0);
    kabar_buf fixed = {0};
    if (kabar__utf8_repair(text, len, &fixed, &doc->map) != 0) {
      kabar__buf_free(&fixed);
      return KABAR_ENOMEM;
    }
    if (fixed.len > doc->ctx->max_input) {
      kabar__buf_free(&fixed);
      return kabar__fail(err, KABAR_ELIMIT, doc->ctx->max_input, 0);
    }
    doc->owned = fixed.p;
    doc->text = fixed.p ? fixed.p : "";
    doc->len = fixed.len;
    return KABAR_OK;
  }
  if (flags & KABAR_DOC_BORROW) {
    doc->text = text;
  } else {
    if (!(doc->owned = kabar__strndup(text, len)))
      return KABAR_ENOMEM;
    doc->text = doc->owned;
  }
  doc->len = len;
  return KABAR_OK;
}

/* The document's own copy of an ICU break iterator template, made on first use: most news
 * text never needs one (see segment/). */
UBreakIterator *kabar__doc_iterator(kabar_doc *doc, int sentence, kabar_status *rc) {
  UBreakIterator **bi = sentence ? &doc->sent_bi : &doc->word_bi;
  if (!*bi) {
    UErrorCode ec = U_ZERO_ERROR;
    *bi = ubrk_clone(sentence ? doc->ctx->sent_tmpl : doc->ctx->word_tmpl, &ec);
    if (U_FAILURE(ec)) {
      ubrk_close(*bi);
      *bi = NULL;
      *rc = ec == U_MEMORY_ALLOCATION_ERROR ? KABAR_ENOMEM : KABAR_EDEP;
    }
  }
  return *bi;
}

static kabar_status analyse(kabar_doc *doc, int forced_lang, kabar_error *err) {
  kabar_status rc;
  const kabar_ctx *ctx = doc->ctx;
  if ((rc = kabar__segment_blocks(doc)) != KABAR_OK)
    return rc;
  if (ctx->max_blocks && doc->blocks.n > ctx->max_blocks)
    return kabar__fail(err, KABAR_ELIMIT,
                       kabar__offmap_orig(&doc->map, doc->blocks.v[ctx->max_blocks].start), 0);
  if ((rc = kabar__segment_tokens(doc)) != KABAR_OK)
    return rc;
  if (ctx->max_tokens && doc->tokens.n > ctx->max_tokens)
    return kabar__fail(err, KABAR_ELIMIT,
                       kabar__offmap_orig(&doc->map, doc->tokens.v[ctx->max_tokens].start), 0);
  if ((rc = kabar__lang_mark_types(doc)) != KABAR_OK)
    return rc;
  kabar__lang_detect(doc, forced_lang);
  if ((rc = kabar__clean(doc, err)) != KABAR_OK ||
      (rc = kabar__segment_sentences(doc)) != KABAR_OK || (rc = kabar__terms(doc)) != KABAR_OK ||
      (rc = kabar__dedup_blocks(doc)) != KABAR_OK ||
      (!(doc->flags & KABAR_DOC_NO_FINGERPRINTS) && (rc = kabar__fingerprint(doc)) != KABAR_OK) ||
      (rc = build_clean_text(doc)) != KABAR_OK)
    return rc;
  if (!(doc->flags & KABAR_DOC_NO_ENTITIES) && (rc = kabar__entities(doc)) != KABAR_OK)
    return rc;
  /* the break iterators point into the text; they are not needed any more */
  ubrk_close(doc->word_bi);
  ubrk_close(doc->sent_bi);
  doc->word_bi = doc->sent_bi = NULL;
  return KABAR_OK;
}

static int find_lang(const kabar_ctx *ctx, const char *lang) {
  if (!lang || strcmp(lang, "auto") == 0)
    return -1;
  for (size_t i = 0; i < ctx->nlangs; i++)
    if (strcmp(ctx->langs[i].tag, lang) == 0)
      return (int)i;
  return -2;
}

kabar_doc *kabar_doc_new_lang(const kabar_ctx *ctx, const char *text, size_t len,
                              const char *lang, uint32_t flags, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!ctx || (!text && len) || (flags & ~KABAR_DOC_FLAGS_ALL)) {
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  if (len > ctx->max_input) {
    kabar__fail(err, KABAR_ELIMIT, ctx->max_input, 0);
    return NULL;
  }
  int forced = find_lang(ctx, lang);
  if (forced == -2) {
    kabar__fail(err, KABAR_ELANG, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  kabar_doc *doc = pooled_doc(ctx->docs);
  if (!doc)
    doc = kabar__calloc(1, sizeof *doc);
  if (!doc) {
    kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  doc->ctx = ctx;
  doc->input_len = len;
  doc->flags = flags;
  doc->lang = KABAR_LANG_OTHER;
  kabar_status rc = load_text(doc, text ? text : "", len, flags, err);
  if (rc == KABAR_OK)
    rc = analyse(doc, forced, err);
  if (rc != KABAR_OK) {
    if (err && err->code == KABAR_OK)
      kabar__fail(err, rc, KABAR_NO_OFFSET, 0);
    kabar_doc_free(doc);
    return NULL;
  }
  return doc;
}

kabar_doc *kabar_doc_new(const kabar_ctx *ctx, const char *text, size_t len, uint32_t flags,
                         kabar_error *err) {
  return kabar_doc_new_lang(ctx, text, len, NULL, flags, err);
}


/* ---- accessors ------------------------------------------------------------------------- */

static kabar_span orig_span(const kabar_doc *doc, uint32_t a, uint32_t b) {
  kabar_span s = {kabar__offmap_orig(&doc->map, a), kabar__offmap_orig(&doc->map, b)};
  return s;
}

size_t kabar_doc_input_size(const kabar_doc *doc) { return doc ? doc->input_len : 0; }
const char *kabar_doc_lang(const kabar_doc *doc) {
  return doc ? kabar__lang_tag(doc->ctx, doc->lang) : "other";
}
double kabar_doc_lang_confidence(const kabar_doc *doc) { return doc ? doc->lang_conf : 0.0; }

size_t kabar_doc_block_count(const kabar_doc *doc) { return doc ? doc->blocks.n : 0; }

static const kabar_block *block_at(const kabar_doc *doc, size_t i) {
  return doc && i < doc->blocks.n ? &doc->blocks.v[i] : NULL;
}

kabar_status kabar_doc_block(const kabar_doc *doc, size_t index, kabar_span *span_out,
                             kabar_block_kind *kind_out) {
  const kabar_block *b = block_at(doc, index);
  if (!b)
    return KABAR_EINVAL;
  if (span_out)
    *span_out = orig_span(doc, b->start, b->end);
  if (kind_out)
    *kind_out = (kabar_block_kind)b->kind;
  return KABAR_OK;
}

size_t kabar_doc_block_line(const kabar_doc *doc, size_t index) {
  const kabar_block *b = block_at(doc, index);
  return b ? b->line : 0;
}
size_t kabar_doc_block_duplicate_of(const kabar_doc *doc, size_t index) {
  const kabar_block *b = block_at(doc, index);
  return b && b->dup_of != UINT32_MAX ? b->dup_of : KABAR_NO_INDEX;
}
double kabar_doc_block_similarity(const kabar_doc *doc, size_t index) {
  const kabar_block *b = block_at(doc, index);
  return b && b->dup_of != UINT32_MAX ? (double)b->similarity : 0.0;
}
kabar_repeat_kind kabar_doc_block_repeat(const kabar_doc *doc, size_t index) {
  const kabar_block *b = block_at(doc, index);
  return b ? (kabar_repeat_kind)b->repeat : KABAR_REPEAT_NONE;
}
const char *kabar_doc_block_lang(const kabar_doc *doc, size_t index) {
  const kabar_block *b = block_at(doc, index);
  return b ? kabar__lang_tag(doc->ctx, b->lang) : "other";
}
const char *kabar_doc_block_rule(const kabar_doc *doc, size_t index) {
  const kabar_block *b = block_at(doc, index);
  return b ? b->rule : NULL;
}

size_t kabar_doc_cut_count(const kabar_doc *doc) { return doc ? doc->cuts.n : 0; }
kabar_status kabar_doc_cut(const kabar_doc *doc, size_t index, kabar_span *span_out,
                           kabar_cut_kind *kind_out, size_t *block_out, const char **rule_out) {
  if (!doc || index >= doc->cuts.n)
    return KABAR_EINVAL;
  const kabar_cut *c = &doc->cuts.v[index];
  if (span_out)
    *span_out = orig_span(doc, c->start, c->end);
  if (kind_out)
    *kind_out = (kabar_cut_kind)c->kind;
  if (block_out)
    *block_out = c->block;
  if (rule_out)
    *rule_out = c->rule;
  return KABAR_OK;
}

size_t kabar_doc_sentence_count(const kabar_doc *doc) { return doc ? doc->sentences.n : 0; }
kabar_status kabar_doc_sentence(const kabar_doc *doc, size_t index, kabar_span *span_out,
                                size_t *block_out) {
  if (!doc || index >= doc->sentences.n)
    return KABAR_EINVAL;
  const kabar_sentence *s = &doc->sentences.v[index];
  if (span_out)
    *span_out = orig_span(doc, s->start, s->end);
  if (block_out)
    *block_out = s->block;
  return KABAR_OK;
}

size_t kabar_doc_token_count(const kabar_doc *doc) { return doc ? doc->tokens.n : 0; }
kabar_status kabar_doc_token(const kabar_doc *doc, size_t index, kabar_span *span_out,
                             const char **stem_out, int *is_stopword_out) {
  if (!doc || index >= doc->tokens.n)
    return KABAR_EINVAL;
  const kabar_token *t = &doc->tokens.v[index];
  if (span_out)
    *span_out = orig_span(doc, t->start, t->end);
  if (stem_out)
    *stem_out = kabar__strtab_str(&doc->terms, t->term);
  if (is_stopword_out)
    *is_stopword_out = (t->flags & KABAR_TOK_STOP) != 0;
  return KABAR_OK;
}
uint32_t kabar_doc_token_term(const kabar_doc *doc, size_t index) {
  return doc && index < doc->tokens.n ? doc->tokens.v[index].term : UINT32_MAX;
}

const char *kabar_doc_text(const kabar_doc *doc, size_t *len_out) {
  if (len_out)
    *len_out = doc ? doc->clean.len : 0;
  return doc && doc->clean.p ? doc->clean.p : "";
}

uint64_t kabar_doc_simhash(const kabar_doc *doc) { return doc ? doc->simhash : 0; }
const uint32_t *kabar_doc_minhash(const kabar_doc *doc, size_t *count_out) {
  if (count_out)
    *count_out = doc ? doc->nminhash : 0;
  return doc ? doc->minhash : NULL;
}
size_t kabar_doc_shingle_count(const kabar_doc *doc) { return doc ? doc->nshingles : 0; }
