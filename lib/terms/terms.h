/* terms/: stems (libstemmer), stopword flags and interned term ids for every token. */
#ifndef KABAR_TERMS_H
#define KABAR_TERMS_H

#include "../core/internal.h"

/* Checks that libstemmer knows `algorithm`: 1 yes, 0 no. */
int kabar__stemmer_available(const char *algorithm);
kabar_status kabar__terms(kabar_doc *doc);

/* The ctx's stem cache (stemcache.c): lock-free, insert-only, bounded; safe to use from any
 * number of threads at once. _new returns NULL when out of memory. */
kabar_stem_cache *kabar__stem_cache_new(void);
void kabar__stem_cache_free(kabar_stem_cache *c);
/* The cached stem of `word` (case-folded, its kabar__hash in `hash`) in language slot `lang`,
 * with the stem's kabar__hash, or NULL. The stem is not NUL-terminated and lives as long as
 * the cache. */
const char *kabar__stem_cache_find(const kabar_stem_cache *c, uint8_t lang, const char *word,
                                   size_t n, uint64_t hash, size_t *stem_len,
                                   uint64_t *stem_hash);
/* Remembers a stem; does nothing when the cache is full or memory is short. */
void kabar__stem_cache_add(kabar_stem_cache *c, uint8_t lang, const char *word, size_t n,
                           uint64_t hash, const char *stem, size_t stem_len,
                           uint64_t stem_hash);
#endif
