#include "util.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* Allocation failure injection for tests. Relaxed atomics: production never sets it, so the
 * cost is one uncontended load per allocation. */
static _Atomic uint64_t alloc_fail_at;
static _Atomic uint64_t alloc_count;

void kabar__alloc_fail_after(uint64_t n) {
  atomic_store_explicit(&alloc_count, 0, memory_order_relaxed);
  atomic_store_explicit(&alloc_fail_at, n, memory_order_relaxed);
}

static int alloc_should_fail(void) {
  uint64_t at = atomic_load_explicit(&alloc_fail_at, memory_order_relaxed);
  if (at == 0)
    return 0;
  return atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed) + 1 >= at;
}

void *kabar__malloc(size_t n) { return alloc_should_fail() ? NULL : malloc(n ? n : 1); }
void *kabar__calloc(size_t count, size_t size) {
  return alloc_should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}
void *kabar__realloc(void *p, size_t n) {
  return alloc_should_fail() ? NULL : realloc(p, n ? n : 1);
}
void kabar__free(void *p) { free(p); }

char *kabar__strndup(const char *s, size_t n) {
  char *d = kabar__malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

int kabar__grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return 0;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / elem)
      return -1;
    ncap *= 2;
  }
  void *np = kabar__realloc(*p, ncap * elem);
  if (!np)
    return -1;
  *p = np;
  *cap = ncap;
  return 0;
}

int kabar__buf_reserve(kabar_buf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1)
    return -1;
  return kabar__grow((void **)&b->p, &b->cap, b->len + extra + 1, 1);
}

int kabar__buf_put(kabar_buf *b, const void *src, size_t n) {
  if (kabar__buf_reserve(b, n) != 0)
    return -1;
  if (n)
    memcpy(b->p + b->len, src, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

int kabar__buf_putc(kabar_buf *b, char c) { return kabar__buf_put(b, &c, 1); }

void kabar__buf_free(kabar_buf *b) {
  kabar__free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

/* The last n < 8 bytes as a little-endian number. Most hashed strings are short words, all
 * tail, so two overlapping loads replace a loop of n shifts; the value is the same. */
static uint64_t hash_tail(const unsigned char *s, size_t n) {
#if KABAR_LITTLE_ENDIAN
  return kabar__load_short(s, n);
#else
  uint64_t tail = 0;
  for (size_t i = 0; i < n; i++)
    tail |= (uint64_t)s[i] << (8 * i);
  return tail;
#endif
}

/* Persisted and compared across documents (fingerprints, index files, model checksums):
 * its values must never change. kabar__hash_short is its short-key case. */
uint64_t kabar__hash(const void *p, size_t n, uint64_t seed) {
  const unsigned char *s = p;
  uint64_t h = seed ^ (n * KABAR_HASH_K);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ kabar__mix64(w)) * KABAR_HASH_K;
    s += 8;
    n -= 8;
  }
  h = (h ^ kabar__mix64(hash_tail(s, n) ^ n)) * KABAR_HASH_K;
  return kabar__mix64(h);
}

/* Room a new string of len bytes needs after chars.len: its bytes, its NUL and the buffer's,
 * and at least 8 bytes for copy_string's whole-word stores. */
#define STRING_ROOM(len) ((len) + 10)
/* the padding rule in util.h (kabar__strtab_word) that the inline probes read by */
_Static_assert(STRING_ROOM(0) >= 8 && STRING_ROOM(8) - 8 >= 8, "strings need their padding");

/* Sets t->quick: the strings of under 16 bytes that fit in what t holds now. Each takes an
 * entry, a place under the load of one string per bucket, and from chars.len at most 16 bytes
 * (15 and a NUL) and the 8 after them that the inline probes may read
 * (KABAR_STRTAB_QUICK_ROOM); the 32-bit offsets stay below UINT32_MAX / 2. */
static void strtab_quick(kabar_strtab *t) {
  size_t q = t->cap - t->count, load = t->nheads - t->count;
  size_t top = t->chars.cap < UINT32_MAX / 2 ? t->chars.cap : UINT32_MAX / 2;
  size_t room = top > t->chars.len ? (top - t->chars.len) / KABAR_STRTAB_QUICK_ROOM : 0;
  q = q < load ? q : load;
  t->quick = q < room ? q : room;
}

void kabar__strtab_clear(kabar_strtab *t, size_t max_heads) {
  t->count = 0;
  t->chars.len = 0;
  if (t->chars.p)
    t->chars.p[0] = '\0';
  if (t->nheads > max_heads) {
    kabar__free(t->heads);
    t->heads = NULL;
    t->nheads = 0;
  } else if (t->heads) {
    memset(t->heads, 0, t->nheads * sizeof *t->heads);
  }
  strtab_quick(t);
}

void kabar__strtab_free(kabar_strtab *t) {
  kabar__buf_free(&t->chars);
  kabar__free(t->heads);
  kabar__free(t->entries);
  memset(t, 0, sizeof *t);
}

/* Links every string into nheads new buckets. */
static int strtab_rehash(kabar_strtab *t, size_t nheads) {
  uint32_t *heads = kabar__calloc(nheads, sizeof *heads);
  if (!heads)
    return -1;
  for (size_t id = 0; id < t->count; id++) {
    size_t b = (size_t)t->entries[id].hash & (nheads - 1);
    t->entries[id].next = heads[b];
    heads[b] = (uint32_t)id + 1;
  }
  kabar__free(t->heads);
  t->heads = heads;
  t->nheads = nheads;
  return 0;
}

uint32_t kabar__strtab_find(const kabar_strtab *t, const char *s, size_t len) {
  return t->count ? kabar__strtab_find_hashed(t, s, len, kabar__hash(s, len, 0))
                  : KABAR_STRTAB_NONE;
}

/* Buckets for `count` strings at a load of at most one. */
static size_t strtab_heads_for(size_t count) {
  size_t n = 64;
  while (n < count && n <= SIZE_MAX / 8)
    n *= 2;
  return n;
}

int kabar__strtab_reserve(kabar_strtab *t, size_t strings, size_t bytes) {
  /* only a hint: past the table's 32-bit limits, interning reports the failure */
  size_t room = UINT32_MAX / 4;
  strings = strings < room ? strings : room;
  bytes = bytes < room ? bytes : room;
  size_t count = t->count + strings, nheads = strtab_heads_for(count);
  if ((nheads > t->nheads && strtab_rehash(t, nheads) != 0) ||
      kabar__grow((void **)&t->entries, &t->cap, count, sizeof *t->entries) != 0 ||
      kabar__buf_reserve(&t->chars, bytes + strings + STRING_ROOM(0)) != 0)
    return -1;
  strtab_quick(t);
  return 0;
}

int kabar__strtab_spread(kabar_strtab *t, size_t strings, size_t per_string) {
  size_t room = UINT32_MAX / 64; /* only a hint */
  strings = strings < room ? strings : room;
  per_string = per_string < 64 ? per_string : 64;
  size_t nheads = strtab_heads_for(strings * per_string);
  if (nheads > t->nheads && strtab_rehash(t, nheads) != 0)
    return -1;
  strtab_quick(t);
  return 0;
}

/* Copies s[0, len) and two NULs (the string's and the buffer's) to dst, which has
 * STRING_ROOM(len) bytes. Most strings are short words: one or two word-sized copies cost
 * less than a call to memcpy. */
static void copy_string(char *dst, const char *s, size_t len) {
  if (len < 8) {
    uint64_t w = kabar__load_short(s, len); /* zero after the bytes */
    memcpy(dst, &w, 8);
  } else if (len <= 16) {
    uint64_t a, b;
    memcpy(&a, s, 8);
    memcpy(&b, s + len - 8, 8);
    memcpy(dst, &a, 8);
    memcpy(dst + len - 8, &b, 8);
  } else {
    memcpy(dst, s, len);
  }
  dst[len] = dst[len + 1] = '\0';
}

/* Kept out of line (KABAR_COLD_PATH): the common add finds room and needs none of the
 * registers of the functions below. */

/* Makes room in t for one more string of len bytes. 0 or -1 (out of memory). */
KABAR_COLD_PATH static int strtab_room(kabar_strtab *t, size_t len) {
  if (t->count + 1 > t->nheads && strtab_rehash(t, t->nheads ? t->nheads * 2 : 64) != 0)
    return -1;
  if (t->count >= t->cap &&
      kabar__grow((void **)&t->entries, &t->cap, t->count + 1, sizeof *t->entries) != 0)
    return -1;
  if (t->chars.len + STRING_ROOM(len) > t->chars.cap &&
      kabar__buf_reserve(&t->chars, STRING_ROOM(len) - 1) != 0)
    return -1;
  return 0;
}

uint32_t kabar__strtab_add_new(kabar_strtab *t, const char *s, size_t len, uint64_t h) {
  /* ids and offsets are 32-bit; chars.len never passes UINT32_MAX */
  if (len >= UINT32_MAX - t->chars.len || t->count >= UINT32_MAX - 1)
    return KABAR_STRTAB_NONE;
  if ((t->count + 1 > t->nheads || t->count >= t->cap ||
       t->chars.len + STRING_ROOM(len) > t->chars.cap) &&
      strtab_room(t, len) != 0)
    return KABAR_STRTAB_NONE;
  size_t off = t->chars.len, b = (size_t)h & (t->nheads - 1);
  copy_string(t->chars.p + off, s, len); /* one copy; chars stays NUL-terminated */
  t->chars.len = off + len + 1;
  t->entries[t->count] = (struct kabar_strtab_entry){h, (uint32_t)off, (uint32_t)len, t->heads[b]};
  t->heads[b] = (uint32_t)++t->count;
  strtab_quick(t);
  return (uint32_t)t->count - 1;
}

uint32_t kabar__strtab_intern_hashed(kabar_strtab *t, const char *s, size_t len, uint64_t h) {
  uint32_t id = kabar__strtab_find_hashed(t, s, len, h);
  return id != KABAR_STRTAB_NONE ? id : kabar__strtab_add_new(t, s, len, h);
}

uint32_t kabar__strtab_intern(kabar_strtab *t, const char *s, size_t len) {
  return kabar__strtab_intern_hashed(t, s, len, kabar__hash(s, len, 0));
}

int kabar__read_file(const char *path, kabar_buf *out) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  char chunk[65536];
  size_t n;
  int rc = 0;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (kabar__buf_put(out, chunk, n) != 0) {
      errno = ENOMEM;
      rc = -1;
      break;
    }
  }
  if (rc == 0 && ferror(f))
    rc = -1;
  if (rc == 0 && kabar__buf_reserve(out, 0) != 0) { /* an empty file still gets its NUL */
    errno = ENOMEM;
    rc = -1;
  }
  int saved = errno;
  fclose(f);
  if (rc == 0)
    out->p[out->len] = '\0';
  errno = saved;
  return rc;
}
