/* Stems shared by every document of a ctx.
 *
 * News vocabulary is Zipfian: after a few hundred articles nearly every word a document
 * stems has been stemmed before, and a Snowball call (~850 instructions for an Indonesian
 * word) cost more than the rest of the term stage together. A ctx is shared by threads and
 * read-only to its users, so the cache is insert-only and lock-free: a slot changes once,
 * from NULL to an immutable entry published with release order and read with acquire order;
 * entries live until the ctx is freed, allocated a document's new ones at a time; and the
 * cache stops growing at a fixed number of entries, counted when allocated (an allocation
 * holds only the entries counted). It only remembers what Snowball returned (or would: a word
 * it leaves alone for its vowels is cached as itself), so results never depend on what it
 * holds, or on the order in which threads filled it. It also keeps one idle Snowball
 * instance per language for the next document that needs one. */
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
#define STEM_CACHE_MAX KABAR_STEM_CACHE_MAX
/* Longer words are not kept: news words are short, and this bounds what hostile input can
 * pin for the life of the ctx (32,768 entries of at most 64 + 64 + 16 bytes and a header). */
#define STEM_CACHE_WORD_MAX 64
/* zero bytes after an entry's stem: with them, whole 8-byte words may be read from the start
 * of its word or stem as from a string table's strings, and two from the word's start
 * whatever its length (see kabar_stem_entry) */
#define STEM_PAD 16

typedef kabar_stem_entry stem_entry;

/* One document's new entries, on the cache's list until the cache is freed. */
struct stem_chunk {
  struct stem_chunk *next;
  _Alignas(8) char data[];
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
  atomic_init(&c->bytes, 0);
  atomic_init(&c->chunks, NULL);
  for (size_t l = 0; l < KABAR_MAX_LANGS; l++)
    atomic_init(&c->idle[l], NULL);
  return c;
}

void kabar__stem_cache_free(kabar_stem_cache *c) {
  if (!c)
    return;
  /* the ctx is freed after its last document; acquire: the pushes are a release sequence */
  struct stem_chunk *k = atomic_load_explicit(&c->chunks, memory_order_acquire);
  while (k) {
    struct stem_chunk *next = k->next;
    kabar__free(k);
    k = next;
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

/* Takes up to k of the entries the cache may still allocate: how many it got. */
static size_t reserve_entries(kabar_stem_cache *c, size_t k) {
  size_t old = atomic_load_explicit(&c->count, memory_order_relaxed), take;
  do {
    if (old >= STEM_CACHE_MAX)
      return 0;
    take = k < STEM_CACHE_MAX - old ? k : STEM_CACHE_MAX - old;
  } while (!atomic_compare_exchange_weak_explicit(&c->count, &old, old + take,
                                                  memory_order_relaxed, memory_order_relaxed));
  return take;
}

/* Bytes of the entry of s, 8-aligned so that the next one's header is. */
static size_t entry_size(const kabar_stem_new *s) {
  return (sizeof(stem_entry) + s->word_len + s->stem_len + STEM_PAD + 7) & ~(size_t)7;
}

/* Publishes e in its neighbourhood, unless the same word is there (another thread stemmed it
 * first) or the neighbourhood is full: e is then left unused. */
static void publish(kabar_stem_cache *c, stem_entry *e) {
  size_t i = kabar__stem_cache_home(e->hash, e->lang);
  for (int probe = 0; probe < KABAR_STEM_CACHE_PROBES;
       probe++, i = (i + 1) & (STEM_CACHE_SLOTS - 1)) {
    stem_entry *seen = NULL;
    /* release: e's bytes before it; acquire: those of the entry already there */
    if (atomic_compare_exchange_strong_explicit(&c->slots[i], &seen, e, memory_order_release,
                                                memory_order_acquire))
      return;
    if (kabar__stem_entry_is(seen, e->lang, e->bytes, e->word_len, e->hash))
      return;
  }
}

static int cacheable(const kabar_stem_new *s) {
  return s->word_len <= STEM_CACHE_WORD_MAX && s->stem_len <= STEM_CACHE_WORD_MAX;
}

size_t kabar__stem_cache_bytes(kabar_stem_cache *c) {
  return atomic_load_explicit(&c->bytes, memory_order_relaxed);
}

void kabar__stem_cache_add(kabar_stem_cache *c, const kabar_stem_new *v, size_t k) {
  size_t n = 0;
  for (size_t i = 0; i < k; i++)
    n += cacheable(&v[i]);
  size_t take = reserve_entries(c, n);
  if (!take)
    return;
  /* room for the first `take` cacheable entries only: near the cache's bound a long document's
   * new stems must not pin memory that no entry uses */
  size_t bytes = 0;
  for (size_t i = 0, left = take; i < k && left; i++)
    if (cacheable(&v[i])) {
      bytes += entry_size(&v[i]);
      left--;
    }
  struct stem_chunk *chunk = kabar__malloc(sizeof *chunk + bytes);
  if (!chunk) { /* the cache only saves time; give the reservation back for a later document */
    atomic_fetch_sub_explicit(&c->count, take, memory_order_relaxed);
    return;
  }
  atomic_fetch_add_explicit(&c->bytes, sizeof *chunk + bytes, memory_order_relaxed);
  /* a lock-free push; release: the list is read when the cache is freed */
  chunk->next = atomic_load_explicit(&c->chunks, memory_order_relaxed);
  while (!atomic_compare_exchange_weak_explicit(&c->chunks, &chunk->next, chunk,
                                                memory_order_release, memory_order_relaxed))
    ;
  char *p = chunk->data;
  for (size_t i = 0; i < k && take; i++) {
    const kabar_stem_new *s = &v[i];
    if (!cacheable(s))
      continue;
    take--;
    stem_entry *e = (stem_entry *)(void *)p;
    p += entry_size(s);
    e->hash = s->hash;
    e->stem_hash = s->stem_hash;
    e->lang = s->lang;
    e->word_len = (uint16_t)s->word_len;
    e->stem_len = (uint16_t)s->stem_len;
    memcpy(e->bytes, s->word, s->word_len);
    memcpy(e->bytes + s->word_len, s->stem, s->stem_len);
    memset(e->bytes + s->word_len + s->stem_len, 0, STEM_PAD);
    publish(c, e);
  }
}
