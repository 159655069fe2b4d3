/* The context and document structures every stage reads and fills. Never installed. */
#ifndef KABAR_CORE_INTERNAL_H
#define KABAR_CORE_INTERNAL_H

#include "kabar.h"
#include "util.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>

struct sb_stemmer;
typedef struct kabar_rules kabar_rules; /* lib/clean */
typedef struct kabar_ner_lang kabar_ner_lang; /* lib/entities */
typedef struct kabar_doc_pool kabar_doc_pool; /* lib/core/doc.c */
typedef struct kabar_summary_model kabar_summary_model; /* lib/summary */
typedef struct kabar_stem_cache kabar_stem_cache; /* lib/terms */
typedef struct kabar_numwords kabar_numwords; /* lib/index */

#define KABAR_LANG_OTHER UINT8_MAX
#define KABAR_MAX_LANGS 16
#define KABAR_DEFAULT_MAX_INPUT ((size_t)1 << 30)
#define KABAR_DEFAULT_MATCH_LIMIT 1000000u

/* The abbreviation filter: 2048 bits (four cache lines) hold ~130 abbreviations with ~6% of
 * other words let through to the table. A word's bit is a multiplicative hash of its folded
 * bytes (under 16, as two little-endian words zero after them), cheaper than kabar__hash:
 * the word is hashed for the table only when the filter lets it through. */
#define KABAR_ABBREV_FILTER_BITS 2048
static inline uint32_t kabar__abbrev_bit(uint64_t x0, uint64_t x1, size_t n) {
  return (uint32_t)(((x0 ^ n) * KABAR_HASH_K + x1 * 0xC2B2AE3D27D4EB4FULL) >> 53);
}

/* One language folder. */
typedef struct kabar_lang {
  char tag[8];             /* "id" */
  char *name;              /* "Indonesian" */
  char *stemmer;           /* libstemmer algorithm, NULL = no stemming */
  kabar_strtab stopwords;  /* case-folded words */
  kabar_strtab abbrevs;    /* case-folded, with their final '.' */
  /* kabar__abbrev_bit of each abbreviation under 16 bytes: most words that end a sentence
   * are none, and the filter says so with a predictable branch and no look at the table */
  uint64_t abbrev_filter[KABAR_ABBREV_FILTER_BITS / 64];
  kabar_rules *rules;
  kabar_ner_lang *ner;     /* gazetteers, trigger words, tagger model */
  kabar_summary_model *summary_model; /* NULL = the built-in fallback scorer */
  kabar_numwords *numwords; /* numbers.txt, NULL when the language has none */
} kabar_lang;

struct kabar_ctx {
  char *data_dir;
  kabar_lang langs[KABAR_MAX_LANGS];
  size_t nlangs;
  kabar_rules *common_rules;
  const UNormalizer2 *nfkc_cf; /* ICU singleton: never closed */
  UBreakIterator *word_tmpl;   /* cloned per document */
  UBreakIterator *sent_tmpl;
  pcre2_general_context *pcre_gctx; /* routes PCRE2's allocations through kabar__malloc */
  pcre2_match_context *pcre_mctx;   /* match/heap/depth limits; read-only, shared */
  uint32_t match_limit;
  int use_jit;
  size_t max_input;
  size_t max_blocks, max_tokens; /* 0 = no limit */
  kabar_stem_cache *stems; /* shared by the ctx's documents; thread-safe, see lib/terms */
  kabar_doc_pool *docs;    /* freed documents' memory for the next; thread-safe, see doc.c */
  kabar_strtab stopwords;  /* every language's stopwords, so a word is looked up once */
  uint32_t *stop_langs;    /* per id in stopwords: bit i = in ctx->langs[i].stopwords */
  /* lib/lang's index of stopwords (kabar__lang_stop_index builds it, lang.c shows the layout):
   * a bit filter that rejects most other words in a few cache lines, then a bucket of one
   * cache line per stopword hash that holds the words themselves and their languages */
  void *stop_mem;          /* the allocation that holds both */
  const uint64_t *stop_filter;
  size_t stop_filter_mask; /* words in stop_filter - 1 */
  const struct kabar_stop_bucket *stop_buckets;
  size_t stop_bucket_mask; /* buckets - 1 */
};

/* Maps offsets in the working text (the input, or its repaired copy) back to the input. */
struct kabar_anchor {
  size_t work, orig;
};
typedef struct kabar_offmap {
  KABAR_VEC(struct kabar_anchor) anchors; /* empty = identity */
} kabar_offmap;

typedef struct kabar_block {
  uint32_t start, end;      /* working-text offsets, trimmed */
  uint32_t line;            /* 1-based */
  uint32_t tok_first, tok_end;
  uint32_t dup_of;          /* UINT32_MAX = none */
  float similarity;
  uint8_t kind;             /* kabar_block_kind */
  uint8_t repeat;           /* kabar_repeat_kind */
  uint8_t lang;             /* index into ctx->langs or KABAR_LANG_OTHER */
  const char *rule;         /* boilerplate rule name, borrowed from ctx */
} kabar_block;

typedef struct kabar_token {
  uint32_t start, end;      /* working-text offsets */
  uint32_t block;
  uint32_t type;            /* id in doc->types (case-folded surface form) */
  uint32_t term;            /* id in doc->terms (stem) */
  uint8_t flags;
} kabar_token;
#define KABAR_TOK_NUMBER 0x1u   /* ICU says number */
#define KABAR_TOK_STOP 0x2u     /* stopword in the block's language */
#define KABAR_TOK_CUT 0x4u      /* inside a boilerplate cut or dateline */

typedef struct kabar_cut {
  uint32_t start, end, block;
  uint8_t kind;             /* kabar_cut_kind */
  const char *rule;
} kabar_cut;

typedef struct kabar_sentence {
  uint32_t start, end, block;
} kabar_sentence;

/* An entity mention and the entity (canonical name) it belongs to. */
typedef struct kabar_mention {
  uint32_t start, end; /* working-text offsets */
  uint32_t entity;
} kabar_mention;

typedef struct kabar_entity {
  uint8_t type;        /* kabar_entity_type */
  uint32_t name;       /* offset of the NUL-terminated canonical name in doc->entity_names */
  uint32_t first;      /* its mentions are mentions[first .. first + nmentions) */
  uint32_t nmentions;
} kabar_entity;

struct kabar_doc {
  const kabar_ctx *ctx;
  const char *text;          /* working text (valid UTF-8) */
  size_t len;
  char *owned;               /* text when the doc owns it */
  size_t input_len;
  kabar_offmap map;

  uint32_t flags;            /* kabar_doc_new() flags */
  uint8_t lang;
  uint8_t lang_forced;      /* given by the caller, not detected */
  double lang_conf;

  KABAR_VEC(kabar_block) blocks;
  KABAR_VEC(kabar_token) tokens;
  KABAR_VEC(kabar_cut) cuts;
  KABAR_VEC(kabar_sentence) sentences;

  kabar_strtab types;        /* case-folded token forms */
  uint32_t *type_stop;       /* per type: bit i = stopword in ctx->langs[i] */
  kabar_strtab terms;        /* stems */

  kabar_buf clean;           /* cleaned text */
  KABAR_VEC(kabar_entity) entities;  /* in order of first mention */
  KABAR_VEC(kabar_mention) mentions; /* grouped by entity, in text order within one */
  kabar_buf entity_names;
  uint64_t simhash;
  uint32_t minhash[KABAR_MINHASH_SIZE];
  size_t nminhash;
  size_t nshingles;
  size_t ndistinct;          /* distinct shingles */

  UBreakIterator *word_bi;   /* per-document clones of ctx templates */
  UBreakIterator *sent_bi;
};

/* The pool of freed documents a ctx keeps (doc.c): NULL when out of memory. _free frees the
 * documents in it; the ctx's other documents must be freed already. */
kabar_doc_pool *kabar__doc_pool_new(void);
void kabar__doc_pool_free(kabar_doc_pool *pool);

/* The doc's clone of ctx's word (sentence = 0) or sentence iterator, made on first use;
 * NULL with *rc set when ICU fails. */
UBreakIterator *kabar__doc_iterator(kabar_doc *doc, int sentence, kabar_status *rc);

/* Sets *err (if any) and returns code. */
kabar_status kabar__fail(kabar_error *err, kabar_status code, size_t offset, int32_t detail);
/* The same, naming a data file and its line (or KABAR_NO_OFFSET) in err. */
kabar_status kabar__fail_path(kabar_error *err, kabar_status code, const char *path, size_t line,
                              int32_t detail);

static inline const char *kabar__lang_tag(const kabar_ctx *ctx, uint8_t lang) {
  return lang == KABAR_LANG_OTHER ? "other" : ctx->langs[lang].tag;
}

#endif
