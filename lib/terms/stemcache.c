/* Stems shared by every document of a ctx.
 *
 * News vocabulary is Zipfian: after a few hundred articles nearly every word a document
 * stems has been stemmed before, and a Snowball call (~850 instructions for an Indonesian
 * word) cost more than the rest of the term stage together. A ctx is shared by threads and
 * read-only to its users, so the cache is insert-only and lock-free: a slot changes once,
 * from NULL to an immutable entry published with release order and read with acquire order;
 * entries live until the ctx is freed; and the cache stops growing at about a fixed number
 * of entries (threads racing past the count may add one each). It only remembers what Snowball
 * returned (or would: a word it leaves alone for its vowels is cached as itself), so results
 * never depend on what it holds, or on the order in which threads filled it. It also keeps
 * one idle Snowball instance per language for the next document that needs one. */
#include "terms.h"

#include <libstemmer.h>
#include <stdatomic.h>
#include <stdlib.h>

/* calloc'd slots are read as null atomic pointers: that needs atomic pointers to be plain
 * pointers in memory, which lock-free ones are on every platform the library builds on. */
#if ATOMIC_POINTER_LOCK_FREE != 2
#error "the stem cache needs lock-free atomic pointers"
#endif

#define STEM_CACHE_SLOTS KABAR_STEM_CACHE_SLOTS /* 512 KiB of slots, touched only where used */
#define STEM_CACHE_MAX (STEM_CACHE_SLOTS / 2)
/* Longer words are not kept: news words are short, and this bounds what hostile input can
 * pin for the life of the ctx (32,768 entries of at most 64 + 64 + 8 bytes and a header). */
#define STEM_CACHE_WORD_MAX 64
/* zero bytes after an entry's stem: with them, whole 8-byte words may be read from the start
 * of its word or stem as from a string table's strings (see kabar_stem_entry) */
#define STEM_PAD 8

typedef kabar_stem_entry stem_entry;

kabar_stem_cache *kabar__stem_cache_new(void) {
  kabar_stem_cache *c = kabar__calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->slots = kabar__calloc(STEM_CACHE_SLOTS, sizeof *c->slots);
  if (!c->slots) {
    kabar__free(c);
    return NULL;
  }
  atomic_init(&c->count, 0);
  for (size_t l = 0; l < KABAR_MAX_LANGS; l++)
    atomic_init(&c->idle[l], NULL);
  return c;
}

void kabar__stem_cache_free(kabar_stem_cache *c) {
  if (!c)
    return;
  for (size_t i = 0; i < STEM_CACHE_SLOTS; i++) {
    stem_entry *e = atomic_load_explicit(&c->slots[i], memory_order_relaxed);
    if (e)
      kabar__free(e);
  }
  kabar__free(c->slots);
  for (size_t l = 0; l < KABAR_MAX_LANGS; l++) {
    struct sb_stemmer *st = atomic_load_explicit(&c->idle[l], memory_order_relaxed);
    if (st)
      sb_stemmer_delete(st);
  }
  kabar__free(c);
}

/* A document that meets a word the cache lacks needs a stemmer, and making one costs as much
 * as a few Snowball calls: so a finished document leaves its stemmer here for the next. The
 * slot is taken by exchange (acquire) and refilled by a compare-exchange from NULL (release): a
 * stemmer is held by one thread at a time (libstemmer's rule), and the writes of the thread
 * that used it last happen before the next one's use. Threads that find the slot empty make
 * their own; of two returning at once, the second deletes its instance. */
struct sb_stemmer *kabar__stem_cache_stemmer(kabar_stem_cache *c, uint8_t lang,
                                             const char *algorithm) {
  struct sb_stemmer *st = atomic_exchange_explicit(&c->idle[lang], NULL, memory_order_acquire);
  return st ? st : sb_stemmer_new(algorithm, "UTF_8");
}

void kabar__stem_cache_stemmer_done(kabar_stem_cache *c, uint8_t lang, struct sb_stemmer *st) {
  struct sb_stemmer *none = NULL;
  if (!atomic_compare_exchange_strong_explicit(&c->idle[lang], &none, st, memory_order_release,
                                               memory_order_relaxed))
    sb_stemmer_delete(st);
}

void kabar__stem_cache_add(kabar_stem_cache *c, uint8_t lang, const char *word, size_t n,
                           uint64_t hash, const char *stem, size_t stem_len,
                           uint64_t stem_hash) {
  if (n > STEM_CACHE_WORD_MAX || stem_len > STEM_CACHE_WORD_MAX ||
      atomic_load_explicit(&c->count, memory_order_relaxed) >= STEM_CACHE_MAX)
    return;
  stem_entry *mine = kabar__malloc(sizeof *mine + n + stem_len + STEM_PAD);
  if (!mine)
    return; /* the cache only saves time; without memory it just does not grow */
  mine->hash = hash;
  mine->stem_hash = stem_hash;
  mine->lang = lang;
  mine->word_len = (uint16_t)n;
  mine->stem_len = (uint16_t)stem_len;
  memcpy(mine->bytes, word, n);
  memcpy(mine->bytes + n, stem, stem_len);
  memset(mine->bytes + n + stem_len, 0, STEM_PAD);
  size_t i = kabar__stem_cache_home(hash, lang);
  for (int probe = 0; probe < KABAR_STEM_CACHE_PROBES;
       probe++, i = (i + 1) & (STEM_CACHE_SLOTS - 1)) {
    stem_entry *seen = NULL;
    if (atomic_compare_exchange_strong_explicit(&c->slots[i], &seen, mine, memory_order_release,
                                                memory_order_acquire)) {
      atomic_fetch_add_explicit(&c->count, 1, memory_order_relaxed);
      return;
    }
    if (kabar__stem_entry_is(seen, lang, word, n, hash))
      break; /* another thread stemmed the same word first */
  }
  kabar__free(mine);
}
