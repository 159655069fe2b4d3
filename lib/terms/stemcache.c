/* Stems shared by every document of a ctx.
 *
 * News vocabulary is Zipfian: after a few hundred articles nearly every word a document
 * stems has been stemmed before, and a Snowball call (~850 instructions for an Indonesian
 * word) cost more than the rest of the term stage together. A ctx is shared by threads and
 * read-only to its users, so the cache is insert-only and lock-free: a slot changes once,
 * from NULL to an immutable entry published with release order and read with acquire order;
 * entries live until the ctx is freed; and the cache stops growing at about a fixed number
 * of entries (threads racing past the count may add one each). It only remembers what Snowball returned, so results never depend on what it
 * holds, or on the order in which threads filled it. */
#include "terms.h"

#include <stdatomic.h>
#include <stdlib.h>

/* calloc'd slots are read as null atomic pointers: that needs atomic pointers to be plain
 * pointers in memory, which lock-free ones are on every platform the library builds on. */
#if ATOMIC_POINTER_LOCK_FREE != 2
#error "the stem cache needs lock-free atomic pointers"
#endif

#define STEM_CACHE_SLOTS (1u << 16) /* 512 KiB of slots, touched only where used */
#define STEM_CACHE_MAX (STEM_CACHE_SLOTS / 2)
#define STEM_CACHE_PROBES 16 /* a full neighbourhood is a miss, never a wrong answer */
/* Longer words are not kept: news words are short, and this bounds what hostile input can
 * pin for the life of the ctx (32,768 entries of at most 64 + 64 bytes and a header). */
#define STEM_CACHE_WORD_MAX 64

typedef struct stem_entry {
  uint64_t hash, stem_hash; /* kabar__hash of the word and of the stem */
  uint16_t word_len, stem_len;
  uint8_t lang;
  char bytes[]; /* the word, then the stem */
} stem_entry;

struct kabar_stem_cache {
  _Atomic(stem_entry *) *slots;
  atomic_size_t count;
};

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
  kabar__free(c);
}

/* A word's kabar__hash is mixed already (its last step is kabar__mix64), so its low bits are
 * the slot; a language other than the first moves the word's slot by a fixed odd stride. */
static size_t home_slot(uint64_t hash, uint8_t lang) {
  return (size_t)((hash + (uint64_t)lang * KABAR_HASH_K) & (STEM_CACHE_SLOTS - 1));
}

static int same_key(const stem_entry *e, uint8_t lang, const char *word, size_t n, uint64_t hash) {
  return e->hash == hash && e->lang == lang && e->word_len == n && kabar__mem_eq(e->bytes, word, n);
}

const char *kabar__stem_cache_find(const kabar_stem_cache *c, uint8_t lang, const char *word,
                                   size_t n, uint64_t hash, size_t *stem_len,
                                   uint64_t *stem_hash) {
  size_t i = home_slot(hash, lang);
  for (int probe = 0; probe < STEM_CACHE_PROBES; probe++, i = (i + 1) & (STEM_CACHE_SLOTS - 1)) {
    const stem_entry *e = atomic_load_explicit(&c->slots[i], memory_order_acquire);
    if (!e)
      return NULL; /* slots fill in probe order, so the word is not further on */
    if (same_key(e, lang, word, n, hash)) {
      *stem_len = e->stem_len;
      *stem_hash = e->stem_hash;
      return e->bytes + e->word_len;
    }
  }
  return NULL;
}

void kabar__stem_cache_add(kabar_stem_cache *c, uint8_t lang, const char *word, size_t n,
                           uint64_t hash, const char *stem, size_t stem_len,
                           uint64_t stem_hash) {
  if (n > STEM_CACHE_WORD_MAX || stem_len > STEM_CACHE_WORD_MAX ||
      atomic_load_explicit(&c->count, memory_order_relaxed) >= STEM_CACHE_MAX)
    return;
  stem_entry *mine = kabar__malloc(sizeof *mine + n + stem_len);
  if (!mine)
    return; /* the cache only saves time; without memory it just does not grow */
  mine->hash = hash;
  mine->stem_hash = stem_hash;
  mine->lang = lang;
  mine->word_len = (uint16_t)n;
  mine->stem_len = (uint16_t)stem_len;
  memcpy(mine->bytes, word, n);
  memcpy(mine->bytes + n, stem, stem_len);
  size_t i = home_slot(hash, lang);
  for (int probe = 0; probe < STEM_CACHE_PROBES; probe++, i = (i + 1) & (STEM_CACHE_SLOTS - 1)) {
    stem_entry *seen = NULL;
    if (atomic_compare_exchange_strong_explicit(&c->slots[i], &seen, mine, memory_order_release,
                                                memory_order_acquire)) {
      atomic_fetch_add_explicit(&c->count, 1, memory_order_relaxed);
      return;
    }
    if (same_key(seen, lang, word, n, hash))
      break; /* another thread stemmed the same word first */
  }
  kabar__free(mine);
}
