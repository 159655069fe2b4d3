/* terms/: stems (libstemmer), stopword flags and interned term ids for every token. */
#ifndef KABAR_TERMS_H
#define KABAR_TERMS_H

#include "../core/internal.h"

#include <stdatomic.h>

/* Checks that libstemmer knows `algorithm`: 1 yes, 0 no. */
int kabar__stemmer_available(const char *algorithm);
kabar_status kabar__terms(kabar_doc *doc);

/* The ctx's stem cache (stemcache.c): lock-free, insert-only, bounded; safe to use from any
 * number of threads at once. _new returns NULL when out of memory. */
kabar_stem_cache *kabar__stem_cache_new(void);
void kabar__stem_cache_free(kabar_stem_cache *c);

/* A cached stem: immutable once published. */
typedef struct kabar_stem_entry {
  uint64_t hash, stem_hash; /* kabar__hash of the word and of the stem */
  uint16_t word_len, stem_len;
  uint8_t lang;
  /* the word, the stem, then 16 zero bytes: like a string table's strings (kabar__strtab_word),
   * either may be read as whole 8-byte words, 8 bytes from its start, 16 when it is 8 bytes
   * or longer; and 16 bytes from the word's start are always there */
  char bytes[];
} kabar_stem_entry;

#define KABAR_STEM_CACHE_SLOTS (1u << 16)
#define KABAR_STEM_CACHE_PROBES 16 /* a full neighbourhood is a miss, never a wrong answer */

struct kabar_stem_cache {
  _Atomic(kabar_stem_entry *) *slots;
  atomic_size_t count;
  atomic_size_t bytes; /* of the chunks (kabar__stem_cache_bytes) */
  _Atomic(struct stem_chunk *) chunks; /* the entries' allocations, freed with the cache */
  /* per language slot, a Snowball instance no document holds (see kabar__stem_cache_stemmer) */
  _Atomic(struct sb_stemmer *) idle[KABAR_MAX_LANGS];
};

/* A word's kabar__hash is mixed already (its last step is kabar__mix64), so its low bits are
 * the slot; a language other than the first moves the word's slot by a fixed odd stride. */
static inline size_t kabar__stem_cache_home(uint64_t hash, uint8_t lang) {
  return (size_t)((hash + (uint64_t)lang * KABAR_HASH_K) & (KABAR_STEM_CACHE_SLOTS - 1));
}

/* Whether e is the entry of `word` (n bytes, kabar__hash `hash`, with a string table's
 * padding, as the entry's word has: see kabar_stem_entry) in language slot `lang`. */
static inline int kabar__stem_entry_is(const kabar_stem_entry *e, uint8_t lang, const char *word,
                                       size_t n, uint64_t hash) {
  return e->hash == hash && e->lang == lang && e->word_len == n &&
         kabar__padded_eq(e->bytes, word, n);
}

/* Whether e's word, read as two words (16 bytes from its start are there: see
 * kabar_stem_entry) and masked by m0 and m1, is q0 q1. */
static inline int kabar__stem_entry_words_are(const kabar_stem_entry *e, uint64_t q0, uint64_t m0,
                                              uint64_t q1, uint64_t m1) {
  uint64_t e0, e1;
  memcpy(&e0, e->bytes, 8);
  memcpy(&e1, e->bytes + 8, 8);
  return (((e0 & m0) ^ q0) | ((e1 & m1) ^ q1)) == 0;
}

/* A masked word pair: a word of under 16 bytes as kabar__stem_cache_find compares it. */
typedef struct kabar_stem_key {
  uint64_t q0, m0, q1, m1;
} kabar_stem_key;

/* The entry of `word` from its home slot on, or NULL. With `key` (a constant where inlined)
 * the words are compared as key's two masked words, else byte by byte. */
static KABAR_ALWAYS_INLINE const kabar_stem_entry *
kabar__stem_cache_probe(const kabar_stem_cache *c, uint8_t lang, const char *word, size_t n,
                        uint64_t hash, const kabar_stem_key *key) {
  size_t i = kabar__stem_cache_home(hash, lang);
  for (int probe = 0; probe < KABAR_STEM_CACHE_PROBES;
       probe++, i = (i + 1) & (KABAR_STEM_CACHE_SLOTS - 1)) {
    /* acquire: pairs with the release that published the entry, whose bytes we then read */
    const kabar_stem_entry *e = atomic_load_explicit(&c->slots[i], memory_order_acquire);
    if (!e)
      return NULL; /* slots fill in probe order, so the word is not further on */
    if (e->hash == hash && e->lang == lang && e->word_len == n &&
        (key ? kabar__stem_entry_words_are(e, key->q0, key->m0, key->q1, key->m1)
             : kabar__padded_eq(e->bytes, word, n)))
      return e;
  }
  return NULL;
}

/* The cached stem of `word` (case-folded, its kabar__hash in `hash`, with a string table's
 * padding) in language slot `lang`, or NULL: the stem is e->bytes + e->word_len, of
 * e->stem_len bytes (not NUL-terminated) and kabar__hash e->stem_hash, and lives as long as
 * the cache. Inline: a document looks up a third of its distinct words. A word of under 16
 * bytes (nearly all) is compared as two masked words, made before the probes with no branch
 * on its length (under 8 bytes or not: half the words each way, in no order): its second
 * word is loaded from byte 8, or again from byte 0 when that is all it has, and masked. */
static inline const kabar_stem_entry *kabar__stem_cache_find(const kabar_stem_cache *c,
                                                             uint8_t lang, const char *word,
                                                             size_t n, uint64_t hash) {
#if KABAR_LITTLE_ENDIAN
  if (n < 16) {
    uint64_t two = (uint64_t)(n >= 8), low = kabar__low_bytes(n & 7);
    kabar_stem_key key = {0, low | (0 - two), 0, low & (0 - two)};
    memcpy(&key.q0, word, 8);
    memcpy(&key.q1, word + 8 * two, 8);
    key.q0 &= key.m0;
    key.q1 &= key.m1;
    return kabar__stem_cache_probe(c, lang, word, n, hash, &key);
  }
#endif
  return kabar__stem_cache_probe(c, lang, word, n, hash, NULL);
}
/* A Snowball instance for language slot `lang` (algorithm `algorithm`), the one a finished
 * document left or a new one; NULL when out of memory. The caller holds it alone until it
 * hands it back with _stemmer_done. Any thread may call these. */
struct sb_stemmer *kabar__stem_cache_stemmer(kabar_stem_cache *c, uint8_t lang,
                                             const char *algorithm);
void kabar__stem_cache_stemmer_done(kabar_stem_cache *c, uint8_t lang, struct sb_stemmer *st);
/* A stem for the cache: `word` (with a string table's padding) and its stem in language slot
 * `lang`, each with its length and kabar__hash. */
typedef struct kabar_stem_new {
  const char *word, *stem;
  uint64_t hash, stem_hash;
  uint32_t word_len, stem_len;
  uint8_t lang;
} kabar_stem_new;
/* Remembers the k stems of v (a document's new ones, in one allocation); skips those that
 * are too long, or all when the cache is full or memory is short. */
void kabar__stem_cache_add(kabar_stem_cache *c, const kabar_stem_new *v, size_t k);
/* Bytes the cache's entries hold, for tests of its bound. */
size_t kabar__stem_cache_bytes(kabar_stem_cache *c);
#define KABAR_STEM_CACHE_MAX (KABAR_STEM_CACHE_SLOTS / 2) /* entries allocated, published or not */
#endif
