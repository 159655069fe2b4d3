/**
 * @file kabar.h
 * @brief libkabar: clean, deduplicate and fingerprint scraped Indonesian and Dutch news.
 *
 * One call analyses an article's bytes into an immutable ::kabar_doc: its language, its blocks
 * (paragraphs) classified as title, body or boilerplate, repeated blocks with the block they
 * repeat, sentences, tokens with stems, the cleaned text and fingerprints. Every span is a
 * half-open byte range into the caller's original input.
 *
 * Language data (stopwords, abbreviations, boilerplate rules) is loaded once into a
 * ::kabar_ctx, which is read-only afterwards and may be shared by any number of threads.
 *
 * Minimal example:
 * @code
 * kabar_error err;
 * kabar_ctx *ctx = kabar_ctx_new(NULL, &err);   // data from $KABAR_DATA_DIR or the install
 * if (ctx == NULL) { fprintf(stderr, "kabar: %s\n", kabar_strerror(err.code)); return 1; }
 * kabar_doc *doc = kabar_doc_new(ctx, buf, len, 0, &err);
 * if (doc == NULL) {
 *   fprintf(stderr, "kabar: %s at byte %zu\n", kabar_strerror(err.code), err.offset);
 * } else {
 *   size_t n;
 *   const char *clean = kabar_doc_text(doc, &n);
 *   printf("%s: %.*s\n", kabar_doc_lang(doc), (int)n, clean);
 * }
 * kabar_doc_free(doc);
 * kabar_ctx_free(ctx);
 * @endcode
 */
#ifndef KABAR_H
#define KABAR_H

#include <stddef.h>
#include <stdint.h>

#include "kabar/export.h"
#include "kabar/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/** @name Status codes and errors */

/** Result of calls that can fail. Values are ABI: append only. */
typedef enum kabar_status {
  KABAR_OK = 0,
  KABAR_ERROR = -1,    /**< unexpected internal failure */
  KABAR_ENOMEM = -2,   /**< out of memory */
  KABAR_EINVAL = -3,   /**< NULL handle, unknown flag bit, index out of range, bad data file */
  KABAR_EUTF8 = -4,    /**< input is not well-formed UTF-8; see kabar_error.offset */
  KABAR_ELANG = -5,    /**< language not available in this context */
  KABAR_ELIMIT = -6,   /**< size, count or regex backtracking limit reached */
  KABAR_EVERSION = -7, /**< options struct is newer than this library */
  KABAR_EDEP = -8,     /**< ICU, PCRE2 or libstemmer failed; see kabar_error.detail */
  KABAR_EIO = -9       /**< a data file could not be read; see kabar_error.path */
} kabar_status;

/** kabar_error.offset when no byte offset applies. */
#define KABAR_NO_OFFSET ((size_t)-1)
/** Returned by index-valued getters when there is no such index (e.g. no duplicate). */
#define KABAR_NO_INDEX ((size_t)-1)

/** Details of a failure. Constructors fill it when given a non-NULL pointer. */
typedef struct kabar_error {
  kabar_status code;
  size_t offset;     /**< byte offset into the caller's input (or data file line), or KABAR_NO_OFFSET */
  int32_t detail;    /**< native UErrorCode / PCRE2 code / errno, 0 if none */
  char path[256];    /**< data file that failed to load, "" if none (truncated if longer) */
} kabar_error;

/** Static English text for a ::kabar_status value; never NULL, never needs freeing. */
KABAR_API const char *kabar_strerror(int code);

/* ------------------------------------------------------------------------------------------ */
/** @name Versions */

/** The library's version as 0xMMmmpp, to compare with ::KABAR_VERSION_NUMBER. */
KABAR_API uint32_t kabar_version(void);
/** The library's version as "MAJOR.MINOR.PATCH"; static. */
KABAR_API const char *kabar_version_string(void);

/* ------------------------------------------------------------------------------------------ */
/** @name Memory */

/** Releases memory the library handed to the caller (e.g. kabar_normalize()). NULL is a no-op. */
KABAR_API void kabar_free(void *p);

/* ------------------------------------------------------------------------------------------ */
/** @name Context: language data loaded once
 *
 * Thread safety: a ::kabar_ctx is read-only after kabar_ctx_new() returns and may be used by
 * any number of threads at once. Free it only after every document made from it is freed.
 * The one thing it learns is a lock-free cache of the stems its documents needed (about
 * 32,768 words of up to 64 bytes: 1-2 MB for news text, 6 MB at most), with one idle Snowball
 * stemmer per language that documents borrow in turn, and the memory of up to four freed
 * documents for the next ones; these only save time: results never depend on them. An analysis, and a summary, each use up to about 16 KiB of the calling
 * thread's stack for small tables (more goes to the heap).
 */

typedef struct kabar_ctx kabar_ctx;

/** kabar_ctx_options.flags: run rules in PCRE2's interpreter, not its JIT (for hosts that
 *  forbid executable memory, and for memory checkers: the JIT reads aligned blocks that may
 *  cross a buffer's end, which valgrind reports). Slower. */
#define KABAR_CTX_NO_JIT 0x1u
#define KABAR_CTX_FLAGS_ALL 0x1u

#define KABAR_CTX_OPTIONS_VERSION 2
/** Creation options. Initialise with ::KABAR_CTX_OPTIONS_INIT or kabar_ctx_options_init(). */
typedef struct kabar_ctx_options {
  uint32_t version;           /**< always first; set by KABAR_CTX_OPTIONS_INIT */
  uint32_t flags;             /**< KABAR_CTX_* bits */
  const char *languages;      /**< "id,nl"; NULL = every language folder found */
  const char *data_dir;       /**< corpora directory; NULL = $KABAR_DATA_DIR, then the install */
  uint32_t regex_match_limit; /**< PCRE2 match limit per rule and block; 0 = library default */
  size_t max_input_bytes;     /**< larger inputs give KABAR_ELIMIT; 0 = library default (1 GiB) */
  /* version 2 */
  size_t max_blocks;          /**< more blocks give KABAR_ELIMIT at the first one over; 0 = none */
  size_t max_tokens;          /**< more word tokens give KABAR_ELIMIT at the first one over; 0 = none */
  /* version 3+: append new fields here, never reorder */
} kabar_ctx_options;
#define KABAR_CTX_OPTIONS_INIT {KABAR_CTX_OPTIONS_VERSION, 0, NULL, NULL, 0, 0, 0, 0}

/**
 * Fills @p opts with defaults for @p version (1 or 2; a version 1 caller's struct ends before
 * max_blocks, which is not written). KABAR_EVERSION if the version is unknown.
 */
KABAR_API kabar_status kabar_ctx_options_init(kabar_ctx_options *opts, uint32_t version);

/**
 * Loads the language data and compiles the rules.
 *
 * The data directory is, in this order: @p opts->data_dir, the environment variable
 * KABAR_DATA_DIR, and the directory the library was installed with. Each language is a
 * sub-directory (`id/`, `nl/`) with `language.conf`, `stopwords.txt`, `abbreviations.txt` and
 * `boilerplate.rules`; `common/boilerplate.rules` applies to every language.
 *
 * @param opts  NULL for defaults.
 * @param err   optional; on failure gets the code, and for a bad data file its path and line.
 * @return a new context, or NULL (KABAR_EIO, KABAR_EINVAL for a bad rule, KABAR_ELANG,
 *         KABAR_ENOMEM, KABAR_EDEP, KABAR_EVERSION).
 */
KABAR_API kabar_ctx *kabar_ctx_new(const kabar_ctx_options *opts, kabar_error *err);
/** Frees a context. NULL is a no-op. */
KABAR_API void kabar_ctx_free(kabar_ctx *ctx);

/** Number of languages loaded, and their ISO 639-1 tags ("id", "nl"). Borrowed from @p ctx. */
KABAR_API size_t kabar_ctx_lang_count(const kabar_ctx *ctx);
KABAR_API const char *kabar_ctx_lang(const kabar_ctx *ctx, size_t index);
/** Directory the data was loaded from; borrowed from @p ctx. */
KABAR_API const char *kabar_ctx_data_dir(const kabar_ctx *ctx);

/* ------------------------------------------------------------------------------------------ */
/** @name Text normalisation */

/** kabar_normalize() flag: input with invalid UTF-8 is repaired with U+FFFD, not rejected. */
#define KABAR_NORMALIZE_REPLACE_INVALID 0x1u

/**
 * Normalises text for matching: NFKC case folding, typographic quotes to ASCII quotes, dashes
 * to '-', every kind of space to ' ', invisible characters (zero-width, bidi controls, soft
 * hyphen) removed, white space runs collapsed to one space and trimmed.
 *
 * @param map_out  optional; receives a new array of (*len_out + 1) byte offsets into @p text:
 *                 map[i] is where normalised byte i came from, map[*len_out] == @p len.
 *                 Release with kabar_free().
 * @return a new NUL-terminated string owned by the caller (release with kabar_free()), or
 *         NULL with @p err set (KABAR_EUTF8 with the offset, KABAR_ENOMEM, KABAR_EDEP).
 * Thread safety: safe on a shared context.
 */
KABAR_API char *kabar_normalize(const kabar_ctx *ctx, const char *text, size_t len,
                                uint32_t flags, size_t *len_out, size_t **map_out,
                                kabar_error *err);

/* ------------------------------------------------------------------------------------------ */
/** @name Documents: one analysed article
 *
 * Thread safety: a ::kabar_doc is immutable once made; its getters may be called from any
 * thread, but one doc must not be freed while another thread reads it.
 */

typedef struct kabar_doc kabar_doc;

/** Half-open byte range into the caller's original input. */
typedef struct kabar_span {
  size_t start, end;
} kabar_span;

/** kabar_doc_new() flags. Unknown bits give KABAR_EINVAL. */
#define KABAR_DOC_REPLACE_INVALID 0x1u /**< repair invalid UTF-8 as U+FFFD instead of failing */
#define KABAR_DOC_BORROW 0x2u          /**< do not copy @p text; it must outlive the doc */
#define KABAR_DOC_NO_ENTITIES 0x4u     /**< skip the entity stage (dedup-only batch runs) */
/** Skip the SimHash and MinHash fingerprints, for callers that only clean or summarise: the
 *  doc then reports none (kabar_doc_simhash() 0, no MinHash values, 0 shingles) and
 *  kabar_index_item_new() refuses it with KABAR_EINVAL. Everything else is unchanged. */
#define KABAR_DOC_NO_FINGERPRINTS 0x8u
#define KABAR_DOC_FLAGS_ALL 0xFu

/**
 * Analyses one article. Language is detected.
 *
 * @param text  UTF-8 bytes (no NUL needed; embedded NULs are treated as spaces).
 * @param err   optional; KABAR_EUTF8 with the first bad byte's offset, KABAR_ELIMIT with the
 *              limit's offset, KABAR_EINVAL, KABAR_ENOMEM, KABAR_EDEP.
 * @return the analysis, or NULL. Empty input gives an empty document, not an error.
 */
KABAR_API kabar_doc *kabar_doc_new(const kabar_ctx *ctx, const char *text, size_t len,
                                   uint32_t flags, kabar_error *err);
/**
 * As kabar_doc_new(), with the language given: @p lang is a tag from kabar_ctx_lang(), or
 * NULL / "auto" to detect it. An unknown tag gives KABAR_ELANG.
 */
KABAR_API kabar_doc *kabar_doc_new_lang(const kabar_ctx *ctx, const char *text, size_t len,
                                        const char *lang, uint32_t flags, kabar_error *err);
/**
 * Frees a document. NULL is a no-op. The context may keep the document's memory (up to four
 * documents of under 1 MiB each) for the next kabar_doc_new(); kabar_ctx_free() frees it.
 */
KABAR_API void kabar_doc_free(kabar_doc *doc);

/** Length of the input the doc was made from. */
KABAR_API size_t kabar_doc_input_size(const kabar_doc *doc);

/** Document language: a loaded tag ("id", "nl") or "other". Static or borrowed from the ctx. */
KABAR_API const char *kabar_doc_lang(const kabar_doc *doc);
/** Confidence of kabar_doc_lang() in [0, 1]. */
KABAR_API double kabar_doc_lang_confidence(const kabar_doc *doc);

/** What a block is. */
typedef enum kabar_block_kind {
  KABAR_BLOCK_TITLE = 1,
  KABAR_BLOCK_BODY = 2,
  KABAR_BLOCK_BOILERPLATE = 3
} kabar_block_kind;

/** Why a block repeats an earlier one. */
typedef enum kabar_repeat_kind {
  KABAR_REPEAT_NONE = 0,
  KABAR_REPEAT_STRUCTURAL = 1, /**< part of a run of blocks emitted again: dropped from the text */
  KABAR_REPEAT_NATURAL = 2     /**< a short quote or line said twice: kept in the text */
} kabar_repeat_kind;

/** Number of blocks (paragraphs, or lines in one-paragraph-per-line feeds). */
KABAR_API size_t kabar_doc_block_count(const kabar_doc *doc);
/** Block @p index's span (trimmed of surrounding white space) and kind. KABAR_EINVAL if out of range. */
KABAR_API kabar_status kabar_doc_block(const kabar_doc *doc, size_t index, kabar_span *span_out,
                                       kabar_block_kind *kind_out);
/** 1-based line number of the block's first byte; 0 if out of range. */
KABAR_API size_t kabar_doc_block_line(const kabar_doc *doc, size_t index);
/** Index of the earlier block this one repeats, or KABAR_NO_INDEX. */
KABAR_API size_t kabar_doc_block_duplicate_of(const kabar_doc *doc, size_t index);
/** Similarity to kabar_doc_block_duplicate_of() in [0, 1] (1 = same after normalisation). */
KABAR_API double kabar_doc_block_similarity(const kabar_doc *doc, size_t index);
/** Structural or natural repetition, or KABAR_REPEAT_NONE. */
KABAR_API kabar_repeat_kind kabar_doc_block_repeat(const kabar_doc *doc, size_t index);
/** Block language ("id", "nl", "other"); differs from the document's only where confident. */
KABAR_API const char *kabar_doc_block_lang(const kabar_doc *doc, size_t index);
/** Name of the rule that made a block boilerplate, or NULL. Borrowed from the ctx. */
KABAR_API const char *kabar_doc_block_rule(const kabar_doc *doc, size_t index);

/** What a cut is. */
typedef enum kabar_cut_kind {
  KABAR_CUT_BOILERPLATE = 1, /**< removed from the cleaned text */
  KABAR_CUT_DATELINE = 2     /**< dateline/outlet prefix: kept in the text, left out of fingerprints */
} kabar_cut_kind;

/** Spans recognised inside title/body blocks, in input order. */
KABAR_API size_t kabar_doc_cut_count(const kabar_doc *doc);
/**
 * Cut @p index: its span, kind, the block it lies in and the rule's name (borrowed from the
 * ctx). Every out-parameter may be NULL. KABAR_EINVAL if out of range.
 */
KABAR_API kabar_status kabar_doc_cut(const kabar_doc *doc, size_t index, kabar_span *span_out,
                                     kabar_cut_kind *kind_out, size_t *block_out,
                                     const char **rule_out);

/** Sentences of title and body blocks (ICU sentence breaks, abbreviation-aware). */
KABAR_API size_t kabar_doc_sentence_count(const kabar_doc *doc);
/** Sentence @p index's span and the block it lies in (either may be NULL). */
KABAR_API kabar_status kabar_doc_sentence(const kabar_doc *doc, size_t index,
                                          kabar_span *span_out, size_t *block_out);

/** Word tokens (ICU word breaks) of every block, in input order. */
KABAR_API size_t kabar_doc_token_count(const kabar_doc *doc);
/**
 * Token @p index: its span; its stem (NUL-terminated, case-folded, borrowed from the doc) and
 * whether it is a stopword. Reduplicated forms ("perusahaan-perusahaan") are one token whose
 * stem is the base's. Every out-parameter may be NULL.
 */
KABAR_API kabar_status kabar_doc_token(const kabar_doc *doc, size_t index, kabar_span *span_out,
                                       const char **stem_out, int *is_stopword_out);
/** Interned term id of token @p index's stem (equal stems, equal ids within one doc). */
KABAR_API uint32_t kabar_doc_token_term(const kabar_doc *doc, size_t index);

/**
 * The cleaned text: title and body blocks in order, boilerplate blocks, boilerplate cuts and
 * structural repeats left out, blocks separated by a blank line. Borrowed from the doc,
 * NUL-terminated; @p len_out (may be NULL) excludes the NUL.
 */
KABAR_API const char *kabar_doc_text(const kabar_doc *doc, size_t *len_out);

/** Number of values in the MinHash signature. */
#define KABAR_MINHASH_SIZE 64

/** 64-bit SimHash of the cleaned body (3-shingles of stemmed content words); 0 if none (or
 *  when the doc was made with KABAR_DOC_NO_FINGERPRINTS, as are the two below). */
KABAR_API uint64_t kabar_doc_simhash(const kabar_doc *doc);
/**
 * MinHash signature (KABAR_MINHASH_SIZE values) of the same shingles, borrowed from the doc.
 * @p count_out gets the number of values (0 when the doc has no content words).
 */
KABAR_API const uint32_t *kabar_doc_minhash(const kabar_doc *doc, size_t *count_out);
/** Number of shingles (counting repeats) the fingerprints were made from. */
KABAR_API size_t kabar_doc_shingle_count(const kabar_doc *doc);

/* ------------------------------------------------------------------------------------------ */
/** @name Named entities
 *
 * Every document gets its entities: people, organisations, places and named events, each with
 * one canonical name grouping its mentions ("Brad Smith" and a later "Smith", "Bank Indonesia"
 * and "BI", a misspelt "San Fransisco" under "San Francisco"). They come from the language's
 * tagger model (corpora/<lang>/ner.model), its gazetteers and its trigger words.
 */

/** Entity types. */
typedef enum kabar_entity_type {
  KABAR_ENTITY_PER = 1,  /**< people */
  KABAR_ENTITY_ORG = 2,  /**< companies, institutions, parties, clubs, media */
  KABAR_ENTITY_LOC = 3,  /**< places */
  KABAR_ENTITY_EVENT = 4 /**< named events: conferences, summits, elections, tournaments, wars */
} kabar_entity_type;

/** "PER", "ORG", "LOC", "EVENT"; "" for an unknown value. Static. */
KABAR_API const char *kabar_entity_type_name(kabar_entity_type type);
/**
 * The entity type a dataset's type name stands for: PER/PERSON/PPL, ORG/ORGANISATION/
 * ORGANIZATION/IND, LOC/PLACE/PLC/GPE, EVENT/EVT; 0 for any other (MISC, FNB).
 */
KABAR_API int kabar_entity_type_parse(const char *name);

/** Distinct entities of the document, in order of their first mention. */
KABAR_API size_t kabar_doc_entity_count(const kabar_doc *doc);
/**
 * Entity @p index: its type, canonical name (NUL-terminated, borrowed from the doc) and number
 * of mentions. Every out-parameter may be NULL. KABAR_EINVAL if out of range.
 */
KABAR_API kabar_status kabar_doc_entity(const kabar_doc *doc, size_t index,
                                        kabar_entity_type *type_out, const char **name_out,
                                        size_t *mention_count_out);
/** Span of mention @p mention (in text order) of entity @p entity. KABAR_EINVAL if out of range. */
KABAR_API kabar_status kabar_doc_entity_mention(const kabar_doc *doc, size_t entity,
                                                size_t mention, kabar_span *span_out);

/**
 * A sequence tagger's model: an averaged perceptron over hashed features, decoded with Viterbi
 * under IOB2 constraints. Immutable once made; share it across threads.
 */
typedef struct kabar_ner_model kabar_ner_model;

/** The model the context loaded for language @p lang (its ner.model), or NULL if none. */
KABAR_API const kabar_ner_model *kabar_ctx_ner_model(const kabar_ctx *ctx, const char *lang);
/**
 * Reads a model file written by kabar_ner_model_save().
 * @return the model, or NULL with @p err set (KABAR_EIO, KABAR_EINVAL for a damaged file,
 *         KABAR_EVERSION for a newer format, KABAR_ENOMEM).
 */
KABAR_API kabar_ner_model *kabar_ner_model_load(const char *path, kabar_error *err);
/** Writes @p model to @p path (replaced atomically). KABAR_EIO on failure. */
KABAR_API kabar_status kabar_ner_model_save(const kabar_ner_model *model, const char *path,
                                            kabar_error *err);
/** Frees a model from kabar_ner_model_load() or kabar_ner_trainer_model(). NULL is a no-op. */
KABAR_API void kabar_ner_model_free(kabar_ner_model *model);
/** Language tag the model was trained for. */
KABAR_API const char *kabar_ner_model_lang(const kabar_ner_model *model);
/** Number of features with weights. */
KABAR_API size_t kabar_ner_model_feature_count(const kabar_ner_model *model);
/**
 * Drops the features whose weights are all smaller than @p min_weight in absolute value (a
 * smaller file and a faster tagger for a little accuracy). Not for a shared model in use.
 */
KABAR_API kabar_status kabar_ner_model_prune(kabar_ner_model *model, double min_weight);

/**
 * Tags already-tokenised sentences with a model. One tagger per thread (it holds a stemmer and
 * scratch space); the context and model are shared.
 */
typedef struct kabar_tagger kabar_tagger;
/** A tagger for @p model, using the gazetteers and stemmer of the model's language in @p ctx. */
KABAR_API kabar_tagger *kabar_tagger_new(const kabar_ctx *ctx, const kabar_ner_model *model,
                                         kabar_error *err);
/**
 * Tags the sentence @p tokens[0..n) (UTF-8, lengths in @p lens). @p tags_out[i] receives the
 * IOB2 tag of token i ("O", "B-PER", ...; names as in the training data), borrowed from the
 * model. KABAR_EUTF8 with the token index in err->offset for an ill-formed token.
 */
KABAR_API kabar_status kabar_tagger_tag(kabar_tagger *tagger, const char *const *tokens,
                                        const size_t *lens, size_t n, const char **tags_out,
                                        kabar_error *err);
/** Frees a tagger. NULL is a no-op. */
KABAR_API void kabar_tagger_free(kabar_tagger *tagger);

/** Trains a model from tagged sentences (averaged perceptron). Single-threaded. */
typedef struct kabar_ner_trainer kabar_ner_trainer;
/** kabar_ner_trainer_new() flags. */
#define KABAR_NER_TRAIN_KABAR_TYPES 0x1u /**< map dataset types (PERSON, PLC, IND, EVT ...) to
                                              PER/ORG/LOC/EVENT and drop the others */
/** A trainer for language @p lang of @p ctx (its gazetteers and stemmer make the features). */
KABAR_API kabar_ner_trainer *kabar_ner_trainer_new(const kabar_ctx *ctx, const char *lang,
                                                   uint32_t flags, kabar_error *err);
/**
 * Adds one sentence: @p n tokens and their IOB1 or IOB2 tags ("O", "B-X", "I-X"). At most 15
 * types (31 tags with "O"). KABAR_EINVAL for a malformed tag (err->offset = token index), KABAR_ELIMIT
 * for too many tags.
 */
KABAR_API kabar_status kabar_ner_trainer_add(kabar_ner_trainer *trainer,
                                             const char *const *tokens, const size_t *lens,
                                             const char *const *tags, size_t n,
                                             kabar_error *err);
/** One pass over the sentences in an order shuffled by @p seed. */
KABAR_API kabar_status kabar_ner_trainer_epoch(kabar_ner_trainer *trainer, uint64_t seed,
                                               kabar_error *err);
/** The averaged model so far (a new object; free it with kabar_ner_model_free()). */
KABAR_API kabar_ner_model *kabar_ner_trainer_model(const kabar_ner_trainer *trainer,
                                                   kabar_error *err);
/** Frees a trainer. NULL is a no-op. */
KABAR_API void kabar_ner_trainer_free(kabar_ner_trainer *trainer);

/* ------------------------------------------------------------------------------------------ */
/** @name Summaries and keywords
 *
 * An extractive summary picks whole sentences of a ::kabar_doc. Every title/body sentence gets
 * a score from a small learned scorer (position in the article and in its paragraph, length,
 * similarity to the article's centroid and to the title, capitalised-word, number and quote
 * density), loaded per language from `corpora/<lang>/summary.model`; a language without a model
 * (and "other") uses a built-in language-independent scorer. Never chosen: the title, boilerplate
 * blocks, structural repeats, dateline or byline fragments, fragments of fewer than 4 words, and
 * a sentence whose content stems overlap an already chosen one's by a Jaccard index of 0.5 or
 * more. Keywords are the best-scoring content stems, each shown as a surface form that occurs in
 * the article. Work is linear in the article (plus sorting the sentences and terms by score).
 *
 * Thread safety: kabar_doc_summarize() only reads the doc, so any number of threads may
 * summarise one doc at once. A ::kabar_summary is immutable; it borrows stems from its doc and
 * must be freed before the doc.
 */

typedef struct kabar_summary kabar_summary;

/** kabar_summary_options.flags: list the chosen sentences best first instead of in the
 *  order they appear in the article. */
#define KABAR_SUMMARY_RANK_ORDER 0x1u
#define KABAR_SUMMARY_FLAGS_ALL 0x1u

#define KABAR_SUMMARY_OPTIONS_VERSION 1
/**
 * Summary options. Initialise with ::KABAR_SUMMARY_OPTIONS_INIT or kabar_summary_options_init().
 * The limits combine: every non-zero one applies. With all three zero the summary has 3
 * sentences.
 */
typedef struct kabar_summary_options {
  uint32_t version;   /**< always first; set by KABAR_SUMMARY_OPTIONS_INIT */
  uint32_t flags;     /**< KABAR_SUMMARY_* bits */
  size_t sentences;   /**< at most this many sentences; 0 = no count limit (default 3) */
  double ratio;       /**< at most ceil(ratio * candidate sentences), in (0, 1]; 0 = no limit */
  size_t max_words;   /**< word budget: sentences that would pass it are skipped; 0 = none */
  size_t keywords;    /**< number of keywords wanted (default 10); 0 = none */
  /* version 2+: append new fields here, never reorder */
} kabar_summary_options;
#define KABAR_SUMMARY_OPTIONS_INIT {KABAR_SUMMARY_OPTIONS_VERSION, 0, 3, 0.0, 0, 10}

/** Fills @p opts with defaults for @p version. KABAR_EVERSION if the version is unknown. */
KABAR_API kabar_status kabar_summary_options_init(kabar_summary_options *opts, uint32_t version);

/**
 * Scores every sentence of @p doc, chooses the summary and the keywords.
 *
 * @param opts  NULL for defaults (3 sentences, 10 keywords, document order).
 * @param err   optional; KABAR_EINVAL (NULL doc, unknown flag bit, ratio outside [0, 1]),
 *              KABAR_EVERSION, KABAR_ENOMEM.
 * @return a new summary (release with kabar_summary_free()), or NULL. An article with no
 *         candidate sentence (empty, title only, all boilerplate) gives an empty summary, not
 *         an error.
 */
KABAR_API kabar_summary *kabar_doc_summarize(const kabar_doc *doc,
                                             const kabar_summary_options *opts, kabar_error *err);
/** Frees a summary. NULL is a no-op. */
KABAR_API void kabar_summary_free(kabar_summary *sum);

/** Number of sentences chosen. */
KABAR_API size_t kabar_summary_count(const kabar_summary *sum);
/**
 * Chosen sentence @p index (in document order, or best first with KABAR_SUMMARY_RANK_ORDER):
 * its span in the input, its index for kabar_doc_sentence() and its block. Every out-parameter
 * may be NULL. KABAR_EINVAL if out of range.
 */
KABAR_API kabar_status kabar_summary_sentence(const kabar_summary *sum, size_t index,
                                              kabar_span *span_out, size_t *sentence_out,
                                              size_t *block_out);
/**
 * Score of the doc's sentence @p sentence_index (an index for kabar_doc_sentence(), chosen or
 * not): in (0, 1), higher is better, comparable within one doc; -1 for a sentence that is never
 * chosen (title, boilerplate, repeat, dateline, short fragment) or an index out of range.
 */
KABAR_API double kabar_summary_score(const kabar_summary *sum, size_t sentence_index);
/** Total words of the chosen sentences. */
KABAR_API size_t kabar_summary_word_count(const kabar_summary *sum);
/** "model" when a language model file scored the sentences, "fallback" for the built-in scorer. */
KABAR_API const char *kabar_summary_scorer(const kabar_summary *sum);

/** Number of keywords (at most kabar_summary_options.keywords). */
KABAR_API size_t kabar_summary_keyword_count(const kabar_summary *sum);
/**
 * Keyword @p index, best first: the span of one occurrence in the input showing its surface form
 * (the term's most frequent form, as written where it first occurs other than at a sentence
 * start), its stem (NUL-terminated, borrowed from the doc) and its score in (0, 1]. Every
 * out-parameter may be NULL. KABAR_EINVAL if out of range.
 */
KABAR_API kabar_status kabar_summary_keyword(const kabar_summary *sum, size_t index,
                                             kabar_span *span_out, const char **stem_out,
                                             double *score_out);
/** @name Index: near-duplicate clusters and same-story links over a feed
 *
 * A ::kabar_index holds compact fingerprints of many articles (about 250 bytes each). Adding
 * an article tells which earlier article it near-duplicates (MinHash LSH candidates, checked
 * by their estimated Jaccard similarity and containment) and which story it belongs to (rare
 * names and numbers shared within a time window, whatever the language).
 *
 * Clusters and stories are named by their first article: an article joins the cluster of an
 * earlier one when it matches that cluster's representative, or one of its members strongly;
 * clusters are never merged afterwards, so unrelated articles are not chained together
 * through a series of partial matches. Every decision depends only on the order of additions:
 * analyse documents in parallel, then add them in input order from one thread, and the
 * result is the same for any number of threads.
 *
 * Thread safety: kabar_index_item_new() may run in any thread. A ::kabar_index must not be
 * used by two threads at once unless all of them only call kabar_index_query() and the
 * getters (const functions).
 */

typedef struct kabar_index kabar_index;
/** Fingerprints and story evidence of one document, made in any thread, added in one. */
typedef struct kabar_index_item kabar_index_item;

/** Article numbers (kabar_index_result.seq etc.) given when there is none. */
#define KABAR_INDEX_NONE UINT64_MAX
/** A date given as unknown: the article takes the latest date the index has seen. */
#define KABAR_INDEX_NO_DATE INT64_MIN

#define KABAR_INDEX_OPTIONS_VERSION 1
/** Creation options. Initialise with ::KABAR_INDEX_OPTIONS_INIT or kabar_index_options_init().
 *  Zero means the library default for every field. */
typedef struct kabar_index_options {
  uint32_t version;        /**< always first; set by KABAR_INDEX_OPTIONS_INIT */
  uint32_t flags;          /**< none defined yet: must be 0 */
  double jaccard;          /**< near-duplicate at this estimated Jaccard similarity (0.3) */
  double containment;      /**< ... or when this share of the smaller article is in the other (0.7) */
  int64_t story_window;    /**< seconds between articles of one story at most (3 days) */
  /* version 2+: append new fields here, never reorder */
} kabar_index_options;
#define KABAR_INDEX_OPTIONS_INIT {KABAR_INDEX_OPTIONS_VERSION, 0, 0.0, 0.0, 0}

/** Fills @p opts with defaults for @p version. KABAR_EVERSION if the version is unknown. */
KABAR_API kabar_status kabar_index_options_init(kabar_index_options *opts, uint32_t version);

/** A new, empty index; NULL with @p err set (KABAR_EINVAL, KABAR_EVERSION, KABAR_ENOMEM). */
KABAR_API kabar_index *kabar_index_new(const kabar_index_options *opts, kabar_error *err);
/** Frees an index. NULL is a no-op. */
KABAR_API void kabar_index_free(kabar_index *idx);

/**
 * What the index holds of @p doc: its fingerprints (b-bit MinHash, LSH band keys, SimHash,
 * distinct shingle count) and its story keys. The doc may be freed afterwards.
 * NULL with @p err set (KABAR_EINVAL, KABAR_ENOMEM). Thread safety: any thread.
 */
KABAR_API kabar_index_item *kabar_index_item_new(const kabar_doc *doc, kabar_error *err);
/** Frees an item. NULL is a no-op. */
KABAR_API void kabar_index_item_free(kabar_index_item *item);

#define KABAR_INDEX_RESULT_VERSION 1
/** What kabar_index_add() or kabar_index_query() decided. Initialise with
 *  ::KABAR_INDEX_RESULT_INIT; later versions append fields. */
typedef struct kabar_index_result {
  uint32_t version;        /**< always first; set by KABAR_INDEX_RESULT_INIT */
  uint64_t seq;            /**< the article's number in the index (0, 1, ...); NONE for a query */
  uint64_t cluster;        /**< number of the cluster's first article (== seq for a new cluster) */
  uint64_t story;          /**< number of the story's first article */
  const char *cluster_id;  /**< caller id of the cluster's first article */
  const char *story_id;    /**< caller id of the story's first article */
  uint64_t matched;        /**< the article it was found to near-duplicate, or NONE */
  double jaccard;          /**< estimated Jaccard similarity with @c matched (0 if none) */
  double containment;      /**< estimated share of the smaller one inside the other */
  uint64_t story_matched;  /**< the article that linked it to its story by shared keys, or NONE */
  uint32_t story_shared;   /**< names and numbers shared with @c story_matched */
} kabar_index_result;
#define KABAR_INDEX_RESULT_INIT \
  {KABAR_INDEX_RESULT_VERSION, 0, 0, 0, NULL, NULL, 0, 0.0, 0.0, 0, 0}

/**
 * Adds an article under the caller's @p id (UTF-8, 1 to 1024 bytes, no NUL; ids need not be
 * unique) with its @p date (seconds since 1970 UTC within +-2^40, or KABAR_INDEX_NO_DATE) and fills
 * @p out (may be NULL). Strings in @p out are borrowed from the index: valid until
 * kabar_index_evict() or kabar_index_free().
 * @return KABAR_OK, KABAR_EINVAL (NULL handle or item, bad id or date, result version),
 *         KABAR_ELIMIT (2^32 articles), KABAR_ENOMEM (the index is unchanged).
 */
KABAR_API kabar_status kabar_index_add(kabar_index *idx, const char *id, size_t id_len,
                                       int64_t date, const kabar_index_item *item,
                                       kabar_index_result *out);
/** As kabar_index_add() without adding: the cluster and story the item would join
 *  (cluster and story are NONE, their ids NULL, when it would start new ones). */
KABAR_API kabar_status kabar_index_query(const kabar_index *idx, int64_t date,
                                         const kabar_index_item *item, kabar_index_result *out);

/**
 * Removes every article dated before @p before (seconds since 1970). Clusters and stories
 * keep their names. Returns the number of articles removed. Invalidates strings borrowed
 * from the index.
 */
KABAR_API size_t kabar_index_evict(kabar_index *idx, int64_t before);

/** Articles held (added or imported, not evicted). */
KABAR_API size_t kabar_index_count(const kabar_index *idx);
/** Bytes of memory the index holds (its own allocations, including spare capacity). */
KABAR_API size_t kabar_index_memory(const kabar_index *idx);
/** The latest article date seen (KABAR_INDEX_NO_DATE when none had one). */
KABAR_API int64_t kabar_index_clock(const kabar_index *idx);

/**
 * Persistence without I/O in the library: the record of article @p seq (as added: its id,
 * date, fingerprints, story keys, cluster and story) as a byte string that
 * kabar_index_import() takes back, in any later process and library version that knows its
 * format. Writes at most @p cap bytes to @p buf; *len_out gets the record's full size.
 * @return KABAR_OK, KABAR_ELIMIT when @p cap is too small (nothing written),
 *         KABAR_EINVAL when no such article is held.
 */
KABAR_API kabar_status kabar_index_export(const kabar_index *idx, uint64_t seq, void *buf,
                                          size_t cap, size_t *len_out);
/**
 * Adds back an exported article with its number, cluster and story as they were decided.
 * Records must come in increasing article number; later additions continue the numbering.
 * @return KABAR_OK, KABAR_EINVAL (malformed record, number not increasing), KABAR_ENOMEM.
 */
KABAR_API kabar_status kabar_index_import(kabar_index *idx, const void *rec, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* KABAR_H */
