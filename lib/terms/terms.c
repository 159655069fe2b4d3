/* Each distinct (type, language) pair is stemmed once: news vocabulary is Zipfian, so this
 * stems a small fraction of the tokens. Stemmer instances are per document (libstemmer's own
 * rule: one per thread). */
#include "terms.h"

#include <libstemmer.h>

int kabar__stemmer_available(const char *algorithm) {
  for (const char **p = sb_stemmer_list(); *p; p++)
    if (strcmp(*p, algorithm) == 0)
      return 1;
  return 0;
}

typedef struct term_run {
  kabar_doc *doc;
  struct sb_stemmer *stemmers[KABAR_MAX_LANGS];
  uint8_t measure_rule[KABAR_MAX_LANGS]; /* 0 = not known yet, 1 = see few_vowels, 2 = no */
  /* per language slot (languages, then "other"), made on first use: type -> term id + 1; a
   * type is a stopword or a number the same way every time it occurs in a language. Nearly
   * every document has one language. */
  uint32_t *memo[KABAR_MAX_LANGS + 1];
} term_run;

#define BYTES8(b) (0x0101010101010101ULL * (b))

/* High bit of each byte of w that is one of a e i o u: a byte equals v when w ^ v has it
 * zero, and a byte x is zero when neither x nor (x & 0x7f) + 0x7f has its high bit. */
static uint64_t nonzero_bytes(uint64_t x) { return ((x & BYTES8(0x7f)) + BYTES8(0x7f)) | x; }
static uint64_t vowel_bytes(uint64_t w) {
  uint64_t nonzero = nonzero_bytes(w ^ BYTES8('a')) & nonzero_bytes(w ^ BYTES8('e')) &
                     nonzero_bytes(w ^ BYTES8('i')) & nonzero_bytes(w ^ BYTES8('o')) &
                     nonzero_bytes(w ^ BYTES8('u'));
  return ~nonzero & BYTES8(0x80);
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
 * i an kan. A word that starts with none and ends with none ("jakarta", "presiden"; a third
 * of the news set's words of three vowels or more) comes back unchanged. tests/unit/test_terms.c
 * holds libstemmer to it. Words of fewer than 2 bytes have fewer than three vowels. */
static int affix_free(const char *s, uint32_t n) {
  if (n < 2)
    return 1;
  unsigned char a = (unsigned char)s[0], b = (unsigned char)s[1];
  if (b == 'e' ? a == 'k' || a == 'm' || a == 'p' || a == 't' || a == 'b' : a == 'd' && b == 'i')
    return 0;
  unsigned char y = (unsigned char)s[n - 2], z = (unsigned char)s[n - 1];
  switch (z) {
  case 'i':
    return 0;
  case 'n': /* an kan pun */
    return y != 'a' && y != 'u';
  case 'h': /* kah lah */
    return y != 'a';
  case 'u': /* ku mu */
    return y != 'k' && y != 'm';
  case 'a': /* nya */
    return y != 'y';
  default:
    return 1;
  }
}

static int stem_unchanged(term_run *run, uint8_t lang, const char *algo, const char *s,
                          uint32_t n) {
  if (!run->measure_rule[lang])
    run->measure_rule[lang] = strcmp(algo, "indonesian") == 0 ? 1 : 2;
  return run->measure_rule[lang] == 1 && (affix_free(s, n) || few_vowels(s, n));
}

/* The stem of `type` in `lang` and its kabar__hash: from the ctx's cache, or from Snowball
 * (then cached). */
static kabar_status stem_word(term_run *run, uint8_t lang, uint32_t type, const char **stem,
                              size_t *stem_len, uint64_t *stem_hash) {
  kabar_doc *doc = run->doc;
  const char *s = kabar__strtab_str(&doc->types, type);
  uint32_t n = kabar__strtab_len(&doc->types, type);
  uint64_t h = kabar__strtab_hash(&doc->types, type);
  kabar_stem_cache *cache = doc->ctx->stems;
  if ((*stem = kabar__stem_cache_find(cache, lang, s, n, h, stem_len, stem_hash)) != NULL)
    return KABAR_OK;
  if (!run->stemmers[lang]) {
    run->stemmers[lang] = sb_stemmer_new(doc->ctx->langs[lang].stemmer, "UTF_8");
    if (!run->stemmers[lang])
      return KABAR_ENOMEM; /* the ctx checked the algorithm exists */
  }
  const sb_symbol *out = sb_stemmer_stem(run->stemmers[lang], (const sb_symbol *)s, (int)n);
  if (!out)
    return KABAR_ENOMEM;
  *stem = (const char *)out;
  *stem_len = (size_t)sb_stemmer_length(run->stemmers[lang]);
  *stem_hash = kabar__hash(*stem, *stem_len, 0);
  kabar__stem_cache_add(cache, lang, s, n, h, *stem, *stem_len, *stem_hash);
  return KABAR_OK;
}

/* Interns a stem of hash h: most are words of under 16 bytes, interned inline from one or
 * two registers. The stem may be the ctx's cache's or Snowball's, so only its own bytes are
 * read. */
static uint32_t intern_term(kabar_strtab *terms, const char *stem, size_t n, uint64_t h) {
#if KABAR_LITTLE_ENDIAN /* the inline probes mask words as little-endian numbers */
  if (n < 8)
    return kabar__strtab_intern_short(terms, kabar__load_short(stem, n), n, h);
  if (n < 16) {
    uint64_t w0;
    memcpy(&w0, stem, 8);
    return kabar__strtab_intern_short2(terms, w0, kabar__load_short(stem + 8, n - 8), n, h);
  }
#endif
  return kabar__strtab_intern_hashed(terms, stem, n, h);
}

/* The term of `type` in `lang`, new to this document and language (memo slot *memo).
 * Stopwords and numbers keep their case-folded form: they carry no topic, never enter
 * fingerprints, and skipping them saves a third of the stemmer calls. */
static kabar_status new_term(term_run *run, uint32_t type, uint8_t lang, int keep, uint32_t *memo,
                             uint32_t *term) {
  kabar_doc *doc = run->doc;
  const char *s = kabar__strtab_str(&doc->types, type);
  uint32_t n = kabar__strtab_len(&doc->types, type);
  /* a word left as it is keeps the hash its type has */
  const char *stem = s;
  size_t stem_len = n;
  uint64_t stem_hash = kabar__strtab_hash(&doc->types, type);
  const char *algo = lang == KABAR_LANG_OTHER ? NULL : doc->ctx->langs[lang].stemmer;
  if (algo && !keep && n < 256 && /* long "words" (URLs, junk) are not worth stemming */
      !stem_unchanged(run, lang, algo, s, n)) {
    kabar_status rc = stem_word(run, lang, type, &stem, &stem_len, &stem_hash);
    if (rc != KABAR_OK)
      return rc;
  }
  uint32_t id = intern_term(&doc->terms, stem, stem_len, stem_hash);
  if (id == KABAR_STRTAB_NONE)
    return KABAR_ENOMEM;
  *memo = id + 1;
  *term = id;
  return KABAR_OK;
}

/* Stop flags and terms of one block's tokens: the block's language is read once, and a
 * token whose type was seen before in that language costs one memo load. */
static kabar_status block_terms(term_run *run, const kabar_block *blk) {
  kabar_doc *doc = run->doc;
  uint8_t lang = blk->lang;
  size_t slot = lang == KABAR_LANG_OTHER ? doc->ctx->nlangs : lang;
  uint32_t *memo = run->memo[slot];
  if (!memo && blk->tok_end > blk->tok_first) {
    memo = run->memo[slot] = kabar__calloc(doc->types.count, sizeof *memo);
    if (!memo)
      return KABAR_ENOMEM;
  }
  /* "other" has no stopwords */
  uint32_t stop_bit = lang == KABAR_LANG_OTHER ? 0 : 1u << lang;
  const uint32_t *type_stop = doc->type_stop;
  for (uint32_t i = blk->tok_first; i < blk->tok_end; i++) {
    kabar_token *t = &doc->tokens.v[i];
    if (type_stop[t->type] & stop_bit)
      t->flags |= KABAR_TOK_STOP;
    uint32_t m = memo[t->type];
    if (m) {
      t->term = m - 1;
      continue;
    }
    kabar_status rc =
        new_term(run, t->type, lang, (t->flags & (KABAR_TOK_STOP | KABAR_TOK_NUMBER)) != 0,
                 &memo[t->type], &t->term);
    if (rc != KABAR_OK)
      return rc;
  }
  return KABAR_OK;
}

kabar_status kabar__terms(kabar_doc *doc) {
  term_run run;
  memset(&run, 0, sizeof run);
  run.doc = doc;
  /* a type has one stem per language, rarely longer than the type: in a document of one
   * language (nearly all) the types' sizes bound the terms' */
  kabar_status rc = kabar__strtab_reserve(&doc->terms, doc->types.count,
                                          doc->types.chars.len - doc->types.count) != 0
                        ? KABAR_ENOMEM
                        : KABAR_OK;
  for (size_t b = 0; b < doc->blocks.n && rc == KABAR_OK; b++)
    rc = block_terms(&run, &doc->blocks.v[b]);
  for (size_t l = 0; l < KABAR_MAX_LANGS; l++) /* nearly all documents use one slot, or none */
    if (run.stemmers[l])
      sb_stemmer_delete(run.stemmers[l]);
  for (size_t l = 0; l <= KABAR_MAX_LANGS; l++)
    if (run.memo[l])
      kabar__free(run.memo[l]);
  return rc;
}
