/* Each distinct (type, language) pair gets its term once per document: news vocabulary is
 * Zipfian, so this handles a small fraction of the tokens, and the ctx's stem cache spares
 * nearly all of those Snowball. Stemmer instances are borrowed from the cache, one holder at
 * a time (libstemmer's own rule: one per thread). */
#include "terms.h"

#include <libstemmer.h>

int kabar__stemmer_available(const char *algorithm) {
  for (const char **p = sb_stemmer_list(); *p; p++)
    if (strcmp(*p, algorithm) == 0)
      return 1;
  return 0;
}

/* How a language slot's words get their terms. */
enum stem_rule {
  STEM_NONE,       /* "other", or a language without a stemmer: every word is its own term */
  STEM_INDONESIAN, /* Snowball, but not for words affix_free or few_vowels know it leaves */
  STEM_SNOWBALL    /* Snowball for every word */
};

/* A language slot (languages, then "other") as the blocks of one document use it. */
typedef struct term_lang {
  uint8_t rule;      /* enum stem_rule; set with memo */
  uint32_t stop_bit; /* the slot's bit in doc->type_stop, 0 for "other" (no stopwords) */
  /* type -> term id + 1, made on first use: a type is a stopword or a number the same way
   * every time it occurs in a language. Nearly every document has one language. */
  uint32_t *memo;
} term_lang;

/* A stem the ctx's cache lacked: term `term` is the stem of type `type` in language slot
 * `lang`. */
typedef struct new_stem {
  uint32_t type, term;
  uint8_t lang;
} new_stem;

typedef struct term_run {
  kabar_doc *doc;
  /* borrowed from the ctx's stem cache on a document's first cache miss, handed back at the
   * end (libstemmer's rule: one thread per instance at a time) */
  struct sb_stemmer *stemmers[KABAR_MAX_LANGS];
  term_lang langs[KABAR_MAX_LANGS + 1];
  /* the stems the ctx's cache lacked, given to it when the document is done (one allocation
   * for all) */
  KABAR_VEC(new_stem) new_stems;
} term_run;


/* High bit of each byte of w that is one of a e i o u: a byte equals v when w ^ v has it
 * zero, and a byte x is zero when neither x nor (x & 0x7f) + 0x7f has its high bit. */
static uint64_t nonzero_bytes(uint64_t x) {
  return ((x & KABAR_BYTES8(0x7f)) + KABAR_BYTES8(0x7f)) | x;
}
static uint64_t vowel_bytes(uint64_t w) {
  uint64_t nonzero = nonzero_bytes(w ^ KABAR_BYTES8('a')) & nonzero_bytes(w ^ KABAR_BYTES8('e')) &
                     nonzero_bytes(w ^ KABAR_BYTES8('i')) & nonzero_bytes(w ^ KABAR_BYTES8('o')) &
                     nonzero_bytes(w ^ KABAR_BYTES8('u'));
  return ~nonzero & KABAR_BYTES8(0x80);
}

/* Snowball's Indonesian stemmer starts with `$measure > 2`, measure counting the vowels
 * a e i o u: a word with fewer comes back unchanged ("kota", "rumah", "dpr"), and two fifths
 * of the news set's distinct words are such. tests/unit/test_terms.c holds libstemmer to it.
 * Other stemmers have no such test. The vowels are found 8 bytes at a time; a word of under
 * 16 bytes (nearly all) gets all its vowel bits in one mask, which has fewer than three when
 * clearing its two lowest set bits leaves none: no loop or branch per vowel. */
static int few_vowels(const char *s, uint32_t n) {
  uint64_t m;
  if (n < 8) {
    m = vowel_bytes(kabar__load_short(s, n)); /* zero bytes are no vowels */
  } else if (n < 16) { /* the second word's vowel bits moved to bit 6 of their bytes */
    uint64_t w0;
    memcpy(&w0, s, 8);
    m = vowel_bytes(w0) | vowel_bytes(kabar__load_short(s + 8, n - 8)) >> 1;
  } else {
    int vowels = 0;
    for (uint32_t i = 0; i < n; i += 8) {
      uint64_t w;
      if (n - i >= 8)
        memcpy(&w, s + i, 8);
      else
        w = kabar__load_short(s + i, n - i);
      for (m = vowel_bytes(w); m; m &= m - 1)
        if (++vowels == 3)
          return 0;
    }
    return 1;
  }
  m &= m - 1;
  return (m & (m - 1)) == 0;
}

/* The stemmer's other rules only remove or replace an affix the word starts or ends with:
 * the prefixes di ke me(m n ng ny) pe(m n ng ny) ter (first order) and be(r l) pe(r l)
 * (second order), the particles kah lah pun, the possessives ku mu nya and the suffixes
 * i (not after s) an kan. A word that starts with none and ends with none ("jakarta",
 * "presiden", "informasi"; a third of the news set's words of three vowels or more) comes
 * back unchanged. tests/unit/test_terms.c holds libstemmer to it.
 *
 * Which it is can not be predicted from word to word, so the test has no branch: the letters
 * are looked up in small tables. A byte's slot is its index among 0x60..0x7f (the lower-case
 * letters and a few signs), or 0 for any other byte. */
#define SLOT(c) ((c) - 0x60)
#define SLOT_ROW(r) [0x60 + (r) * 8] = (r) * 8, (r) * 8 + 1, (r) * 8 + 2, (r) * 8 + 3, \
  (r) * 8 + 4, (r) * 8 + 5, (r) * 8 + 6, (r) * 8 + 7
static const uint8_t slot_of[256] = {SLOT_ROW(0), SLOT_ROW(1), SLOT_ROW(2), SLOT_ROW(3)};
#undef SLOT_ROW
/* by a word's first byte: 1 when it starts a prefix before e (ke me pe te be), 2 before i
 * (di) */
static const uint8_t prefix_first[256] = {['k'] = 1, ['m'] = 1, ['p'] = 1, ['t'] = 1, ['b'] = 1,
                                          ['d'] = 2};
/* by a word's last byte, the slots of the bytes before it that make an affix: kah lah, an kan
 * pun, ku mu, nya, and i after anything but s (slot 0 included: any other byte; Snowball
 * removes a final i only after a letter other than s: "posisi" stays) */
static const uint32_t suffix_before[256] = {['h'] = 1u << SLOT('a'),
                                            ['n'] = 1u << SLOT('a') | 1u << SLOT('u'),
                                            ['u'] = 1u << SLOT('k') | 1u << SLOT('m'),
                                            ['a'] = 1u << SLOT('y'),
                                            ['i'] = ~(1u << SLOT('s'))};
#undef SLOT
/* s has a string table's padding: s[0] and s[1] exist even when n < 2. Words of fewer than
 * 2 bytes have fewer than three vowels: they count as affix-free. */
static inline uint32_t affix_free(const char *s, uint32_t n) {
  uint32_t m = n < 2 ? 2 : n;
  unsigned char a = (unsigned char)s[0], b = (unsigned char)s[1];
  unsigned char y = (unsigned char)s[m - 2], z = (unsigned char)s[m - 1];
  uint32_t second = (uint32_t)(b == 'e') | (uint32_t)(b == 'i') << 1;
  uint32_t prefix = prefix_first[a] & second;
  uint32_t suffix = (suffix_before[z] >> slot_of[y]) & 1u;
  return (n < 2) | !(prefix | suffix);
}

/* KABAR_COLD_PATH below: kept out of line, as the paths that run once per word and context
 * (or per word and document when the cache is full) would take registers from the common
 * ones. */

/* The stem of a word the ctx's cache lacks, and its kabar__hash: Snowball's, or the word
 * itself when it has too few vowels for the Indonesian stemmer to change it. The cache
 * remembers both (add_new_stems), so that a word's vowels are counted once per context, not
 * per document. */
static KABAR_COLD_PATH kabar_status stem_word(term_run *run, const term_lang *L, uint8_t lang,
                                        const char *s, uint32_t n, uint64_t h, const char **stem,
                                        size_t *stem_len, uint64_t *stem_hash) {
  kabar_doc *doc = run->doc;
  if (L->rule == STEM_INDONESIAN && few_vowels(s, n)) {
    *stem = s;
    *stem_len = n;
    *stem_hash = h;
  } else {
    if (!run->stemmers[lang]) {
      run->stemmers[lang] =
          kabar__stem_cache_stemmer(doc->ctx->stems, lang, doc->ctx->langs[lang].stemmer);
      if (!run->stemmers[lang])
        return KABAR_ENOMEM; /* the ctx checked the algorithm exists */
    }
    const sb_symbol *out = sb_stemmer_stem(run->stemmers[lang], (const sb_symbol *)s, (int)n);
    if (!out)
      return KABAR_ENOMEM;
    *stem = (const char *)out;
    *stem_len = (size_t)sb_stemmer_length(run->stemmers[lang]);
    *stem_hash = kabar__hash(*stem, *stem_len, 0);
  }
  return KABAR_OK;
}

/* doc->terms is reserved before the blocks' tokens get their terms (kabar__terms), so every
 * intern below skips kabar__strtab_intern_words' test for buckets. */
static inline uint32_t intern_word(kabar_strtab *terms, uint64_t w, size_t n, uint64_t h) {
  return kabar__strtab_intern_words_reserved(terms, &w, 1, n, h);
}
static inline uint32_t intern_word2(kabar_strtab *terms, uint64_t w0, uint64_t w1, size_t n,
                                    uint64_t h) {
  uint64_t w[2] = {w0, w1};
  return kabar__strtab_intern_words_reserved(terms, w, 2, n, h);
}

/* Interns a stem of hash h that may be Snowball's: only its own bytes are read. Most are
 * words of under 16 bytes, interned inline from one or two registers. */
static KABAR_COLD_PATH uint32_t intern_term(kabar_strtab *terms, const char *stem, size_t n,
                                             uint64_t h) {
#if KABAR_LITTLE_ENDIAN /* the inline probes mask words as little-endian numbers */
  if (n < 8)
    return intern_word(terms, kabar__load_short(stem, n), n, h);
  if (n < 16) {
    uint64_t w0;
    memcpy(&w0, stem, 8);
    return intern_word2(terms, w0, kabar__load_short(stem + 8, n - 8), n, h);
  }
#endif
  return kabar__strtab_intern_hashed(terms, stem, n, h);
}

/* Interns a string of hash h that has a string table's padding (kabar__strtab_word): a type,
 * or a stem in the ctx's cache. One that is under 16 bytes is read as one or two whole words
 * and masked. Inline: a call costs a third of the work. */
static KABAR_ALWAYS_INLINE uint32_t intern_padded(kabar_strtab *terms, const char *s, size_t n,
                                            uint64_t h) {
#if KABAR_LITTLE_ENDIAN
  uint64_t w0, w1;
  memcpy(&w0, s, 8);
  if (n < 8)
    return intern_word(terms, w0 & kabar__low_bytes(n), n, h);
  if (n < 16) {
    memcpy(&w1, s + 8, 8);
    return intern_word2(terms, w0, w1 & kabar__low_bytes(n - 8), n, h);
  }
#endif
  return kabar__strtab_intern_hashed(terms, s, n, h);
}

/* The term of a word to stem that a document meets first: its stem from the ctx's cache, or
 * (once per context) from stem_word. */
static uint32_t stemmed_term(term_run *run, const term_lang *L, uint8_t lang, uint32_t type,
                             const char *s, uint32_t n, uint64_t h, kabar_status *rc) {
  kabar_strtab *terms = &run->doc->terms;
  const kabar_stem_entry *e = kabar__stem_cache_find(run->doc->ctx->stems, lang, s, n, h);
  if (e)
    return intern_padded(terms, e->bytes + e->word_len, e->stem_len, e->stem_hash);
  const char *stem;
  size_t stem_len;
  uint64_t stem_hash;
  if ((*rc = stem_word(run, L, lang, s, n, h, &stem, &stem_len, &stem_hash)) != KABAR_OK)
    return KABAR_STRTAB_NONE;
  uint32_t id = intern_term(terms, stem, stem_len, stem_hash);
  if (id != KABAR_STRTAB_NONE) {
    new_stem add = {type, id, lang};
    (void)KABAR_VEC_PUSH(run->new_stems, add); /* without memory the stem is just not kept */
  }
  return id;
}

/* The term of `type` in language slot `lang` (described by L), new to this document and
 * language. Stopwords and numbers keep their case-folded form: they carry no topic, never
 * enter fingerprints, and skipping them saves a third of the stemmer calls. So do long
 * "words" (URLs, junk: not worth stemming) and, in Indonesian, words that start and end with
 * no affix. A word left as it is keeps its type's hash. */
static uint32_t new_term(term_run *run, const term_lang *L, uint8_t lang, uint32_t type, int keep,
                         kabar_status *rc) {
  kabar_doc *doc = run->doc;
  const struct kabar_strtab_entry *e = &doc->types.entries[type];
  uint32_t n = e->len;
  const char *s = doc->types.chars.p + e->off;
  uint32_t id;
  if (L->rule == STEM_NONE || keep || n >= 256 ||
      (L->rule == STEM_INDONESIAN && affix_free(s, n)))
    id = intern_padded(&doc->terms, s, n, e->hash);
  else
    id = stemmed_term(run, L, lang, type, s, n, e->hash, rc);
  if (id == KABAR_STRTAB_NONE && *rc == KABAR_OK)
    *rc = KABAR_ENOMEM;
  return id;
}

/* The slot of language `lang` (KABAR_LANG_OTHER last), its memo made on first use. */
static term_lang *lang_slot(term_run *run, uint8_t lang, kabar_status *rc) {
  const kabar_ctx *ctx = run->doc->ctx;
  term_lang *L = &run->langs[lang == KABAR_LANG_OTHER ? ctx->nlangs : lang];
  if (L->memo)
    return L;
  if (!(L->memo = kabar__calloc(run->doc->types.count, sizeof *L->memo))) {
    *rc = KABAR_ENOMEM;
    return NULL;
  }
  const char *algo = lang == KABAR_LANG_OTHER ? NULL : ctx->langs[lang].stemmer;
  L->rule = !algo                               ? STEM_NONE
            : strcmp(algo, "indonesian") == 0 ? STEM_INDONESIAN
                                              : STEM_SNOWBALL;
  L->stop_bit = lang == KABAR_LANG_OTHER ? 0 : 1u << lang;
  return L;
}

/* Stop flags and terms of one block's tokens: the block's language is read once, and a
 * token whose type was seen before in that language costs one memo load. */
static kabar_status block_terms(term_run *run, const kabar_block *blk) {
  kabar_doc *doc = run->doc;
  if (blk->tok_end <= blk->tok_first)
    return KABAR_OK;
  kabar_status rc = KABAR_OK;
  uint8_t lang = blk->lang;
  term_lang *L = lang_slot(run, lang, &rc);
  if (!L)
    return rc;
  uint32_t *memo = L->memo, stop_bit = L->stop_bit;
  const uint32_t *type_stop = doc->type_stop;
  kabar_token *t = doc->tokens.v + blk->tok_first, *end = doc->tokens.v + blk->tok_end;
  for (; t < end; t++) {
    uint32_t type = t->type;
    if (type_stop[type] & stop_bit)
      t->flags |= KABAR_TOK_STOP;
    uint32_t m = memo[type];
    if (!m) {
      uint32_t id =
          new_term(run, L, lang, type, (t->flags & (KABAR_TOK_STOP | KABAR_TOK_NUMBER)) != 0, &rc);
      if (id == KABAR_STRTAB_NONE)
        return rc;
      memo[type] = m = id + 1;
    }
    t->term = m - 1;
  }
  return KABAR_OK;
}

/* The language of every block that has tokens, or -1 when they have more than one (rare:
 * a quoted paragraph in another language); KABAR_LANG_OTHER stands for itself. */
static int single_lang(const kabar_doc *doc) {
  int lang = -1;
  for (size_t b = 0; b < doc->blocks.n; b++) {
    const kabar_block *blk = &doc->blocks.v[b];
    if (blk->tok_end <= blk->tok_first)
      continue;
    if (lang >= 0 && lang != blk->lang)
      return -1;
    lang = blk->lang;
  }
  return lang;
}

/* No token of this type: reduplication ("berlari-lari") interns the second word's type
 * before it joins the token before it. */
#define TYPE_UNUSED 0xFFu

/* Stop flags and terms of a document whose tokens share one language: each type's term is
 * made once, in type order (which is the order of the types' first tokens, so terms get the
 * same ids as block_terms gives them), and the token loops hold no branch on whether a type
 * is new, which a processor cannot predict (three in five of a news text's tokens are their
 * type's first). A type's first token decides its flags, as in block_terms: the loop
 * backwards leaves it in type_flags. */
static kabar_status one_lang_terms(term_run *run, uint8_t lang) {
  kabar_doc *doc = run->doc;
  kabar_status rc = KABAR_OK;
  term_lang *L = lang_slot(run, lang, &rc);
  if (!L)
    return rc;
  size_t ntypes = doc->types.count, ntokens = doc->tokens.n;
  uint8_t *type_flags = kabar__malloc(ntypes ? ntypes : 1);
  if (!type_flags)
    return KABAR_ENOMEM;
  memset(type_flags, TYPE_UNUSED, ntypes);
  kabar_token *tok = doc->tokens.v;
  for (size_t i = ntokens; i-- > 0;)
    type_flags[tok[i].type] = tok[i].flags;
  const uint32_t *type_stop = doc->type_stop;
  uint32_t *memo = L->memo, stop_bit = L->stop_bit;
  for (uint32_t type = 0; type < ntypes; type++) {
    if (type_flags[type] == TYPE_UNUSED)
      continue;
    int keep = (type_stop[type] & stop_bit) || (type_flags[type] & KABAR_TOK_NUMBER);
    uint32_t id = new_term(run, L, lang, type, keep, &rc);
    if (id == KABAR_STRTAB_NONE)
      break;
    memo[type] = id + 1; /* the memo's rule, as in block_terms */
  }
  kabar__free(type_flags);
  if (rc != KABAR_OK)
    return rc;
  for (kabar_token *t = tok, *end = tok + ntokens; t < end; t++) {
    uint32_t type = t->type;
    t->flags |= (uint8_t)((type_stop[type] & stop_bit) != 0) * KABAR_TOK_STOP;
    t->term = memo[type] - 1;
  }
  return KABAR_OK;
}

/* Gives the document's new stems to the ctx's cache: the words are types, the stems terms. */
static void add_new_stems(const term_run *run) {
  const kabar_doc *doc = run->doc;
  size_t n = run->new_stems.n;
  kabar_stem_new *v = kabar__malloc(n * sizeof *v);
  if (!v)
    return; /* the cache only saves time */
  for (size_t i = 0; i < n; i++) {
    const new_stem *ns = &run->new_stems.v[i];
    const struct kabar_strtab_entry *w = &doc->types.entries[ns->type];
    const struct kabar_strtab_entry *t = &doc->terms.entries[ns->term];
    v[i] = (kabar_stem_new){doc->types.chars.p + w->off, doc->terms.chars.p + t->off, w->hash,
                            t->hash, w->len, t->len, ns->lang};
  }
  kabar__stem_cache_add(doc->ctx->stems, v, n);
  kabar__free(v);
}

/* Buckets per type for the terms: at one per string, a new term's bucket is as likely as not
 * taken by another, and the walk of its chain is a branch no processor predicts. */
#define TERM_BUCKETS 4

kabar_status kabar__terms(kabar_doc *doc) {
  term_run run;
  memset(&run, 0, sizeof run);
  run.doc = doc;
  /* a type has one stem per language, rarely longer than the type: in a document of one
   * language (nearly all) the types' sizes bound the terms' */
  kabar_status rc = kabar__strtab_spread(&doc->terms, doc->types.count, TERM_BUCKETS) != 0 ||
                            kabar__strtab_reserve(&doc->terms, doc->types.count,
                                                  doc->types.chars.len - doc->types.count) != 0
                        ? KABAR_ENOMEM
                        : KABAR_OK;
  int lang = rc == KABAR_OK ? single_lang(doc) : -1;
  if (lang >= 0)
    rc = one_lang_terms(&run, (uint8_t)lang);
  else
    for (size_t b = 0; b < doc->blocks.n && rc == KABAR_OK; b++)
      rc = block_terms(&run, &doc->blocks.v[b]);
  if (run.new_stems.v) { /* a document with words the cache lacked */
    if (rc == KABAR_OK)
      add_new_stems(&run);
    KABAR_VEC_FREE(run.new_stems);
  }
  for (uint8_t l = 0; l < KABAR_MAX_LANGS; l++) /* nearly all documents use one slot, or none */
    if (run.stemmers[l])
      kabar__stem_cache_stemmer_done(doc->ctx->stems, l, run.stemmers[l]);
  for (size_t l = 0; l <= KABAR_MAX_LANGS; l++)
    if (run.langs[l].memo)
      kabar__free(run.langs[l].memo);
  return rc;
}
