/* Internal utilities shared by every stage: allocation wrappers, growable buffers, hashing and
 * a string interning table. Never installed. */
#ifndef KABAR_CORE_UTIL_H
#define KABAR_CORE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Every allocation goes through these so that tests can make the Nth one fail. */
void *kabar__malloc(size_t n);
void *kabar__calloc(size_t count, size_t size);
void *kabar__realloc(void *p, size_t n);
void kabar__free(void *p);
char *kabar__strndup(const char *s, size_t n);

/* Test hook: the allocation numbered `n` (1-based, counted from this call) and every later
 * one fail; 0 switches failures off. Process-wide, for single-threaded tests only. */
void kabar__alloc_fail_after(uint64_t n);

/* Grows *p (holding *cap elements of `elem` bytes) so it can hold at least `need`. 0 or -1. */
int kabar__grow(void **p, size_t *cap, size_t need, size_t elem);

#define KABAR_VEC(T)                                                                               \
  struct {                                                                                         \
    T *v;                                                                                          \
    size_t n, cap;                                                                                 \
  }
/* Appends x to vec; evaluates to 0 on success, -1 when out of memory. The capacity test is
 * inline: most pushes have room, and a call per element costs more than the store. */
#define KABAR_VEC_PUSH(vec, x)                                                                     \
  (((vec).n < (vec).cap ||                                                                         \
    kabar__grow((void **)&(vec).v, &(vec).cap, (vec).n + 1, sizeof(*(vec).v)) == 0)                \
       ? ((vec).v[(vec).n++] = (x), 0)                                                             \
       : -1)
#define KABAR_VEC_FREE(vec) (kabar__free((vec).v), (vec).v = NULL, (vec).n = (vec).cap = 0)

typedef KABAR_VEC(size_t) kabar_sizevec;

/* A growable byte buffer; kabar__buf_put keeps it NUL-terminated. */
typedef struct kabar_buf {
  char *p;
  size_t len, cap;
} kabar_buf;
int kabar__buf_reserve(kabar_buf *b, size_t extra);
int kabar__buf_put(kabar_buf *b, const void *src, size_t n);
int kabar__buf_putc(kabar_buf *b, char c);
void kabar__buf_free(kabar_buf *b);

/* 64-bit hashing. */
static inline uint64_t kabar__mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
uint64_t kabar__hash(const void *p, size_t n, uint64_t seed);
#define KABAR_HASH_K 0x9E3779B97F4A7C15ULL
/* kabar__hash(p, n, 0) for n < 8 bytes, given as `le`: the bytes as a little-endian number
 * (zero above them), for callers that hold a short word in a register already. */
static inline uint64_t kabar__hash_short(uint64_t le, size_t n) {
  return kabar__mix64(((n * KABAR_HASH_K) ^ kabar__mix64(le ^ n)) * KABAR_HASH_K);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KABAR_LITTLE_ENDIAN 1
#else
#define KABAR_LITTLE_ENDIAN 0
#endif

/* The byte b in each of a word's 8 bytes. */
#define KABAR_BYTES8(b) (0x0101010101010101ULL * (b))

/* A rare path kept out of line, so the common one keeps its registers; and a helper that
 * must be inlined into a hot loop. */
#if defined(__GNUC__) || defined(__clang__)
#define KABAR_COLD_PATH __attribute__((noinline, cold))
#define KABAR_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define KABAR_COLD_PATH
#define KABAR_ALWAYS_INLINE inline
#endif

/* The n < 8 bytes at p as the 8 bytes of a word in memory order, zero after them, reading
 * only p[0, n): on little-endian machines, the bytes as a little-endian number. Two
 * overlapping loads replace a loop over the bytes (the overlap holds the same bytes). */
static inline uint64_t kabar__load_short(const void *p, size_t n) {
  const unsigned char *s = (const unsigned char *)p;
#if KABAR_LITTLE_ENDIAN
  if (n >= 4) {
    uint32_t lo, hi;
    memcpy(&lo, s, 4);
    memcpy(&hi, s + n - 4, 4);
    return lo | (uint64_t)hi << (8 * (n - 4));
  }
  if (n >= 2) {
    uint16_t lo, hi;
    memcpy(&lo, s, 2);
    memcpy(&hi, s + n - 2, 2);
    return lo | (uint64_t)hi << (8 * (n - 2));
  }
  return n ? s[0] : 0;
#else
  unsigned char b[8] = {0};
  for (size_t i = 0; i < n; i++)
    b[i] = s[i];
  uint64_t w;
  memcpy(&w, b, 8);
  return w;
#endif
}

/* memcmp(a, b, n) == 0 without a library call: interned strings are mostly short words,
 * for which the call costs more than the comparison. */
static inline int kabar__mem_eq(const void *a, const void *b, size_t n) {
  const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
  if (n < 8)
    return kabar__load_short(x, n) == kabar__load_short(y, n);
  uint64_t u, v;
  for (size_t i = 0; i + 8 < n; i += 8) {
    memcpy(&u, x + i, 8);
    memcpy(&v, y + i, 8);
    if (u != v)
      return 0;
  }
  memcpy(&u, x + n - 8, 8); /* the last 8 bytes, maybe again in part */
  memcpy(&v, y + n - 8, 8);
  return u == v;
}

/* kabar__hash(p, n, 0) for 8 <= n < 16 bytes given as two words: the first 8 bytes and the
 * other n - 8, little-endian as kabar__hash_short takes them. */
static inline uint64_t kabar__hash_short2(uint64_t le0, uint64_t le1, size_t n) {
  uint64_t h = ((n * KABAR_HASH_K) ^ kabar__mix64(le0)) * KABAR_HASH_K;
  return kabar__mix64((h ^ kabar__mix64(le1 ^ (n - 8))) * KABAR_HASH_K);
}

/* String interning: each distinct byte string gets a dense id (0, 1, 2, ...). Strings are
 * stored NUL-terminated. Lookups never allocate. A string's bucket is its hash's low bits,
 * and each bucket heads a chain through the entries: at a load of up to one string per
 * bucket a search compares about as many strings as open addressing does at half that
 * load, and the bucket array, which every document zeroes for its tables, is half the size. */
typedef struct kabar_strtab {
  kabar_buf chars; /* the strings, each followed by NUL */
  uint32_t *heads; /* per bucket: id + 1 of its first string, 0 = none */
  size_t nheads;   /* power of two, at least count */
  struct kabar_strtab_entry {
    uint64_t hash;
    uint32_t off, len;
    uint32_t next; /* id + 1 of the next string in the bucket, 0 = none */
  } * entries;
  size_t count, cap;
  /* how many more strings of under 16 bytes kabar__strtab_add_words can store with no other
   * test: a free entry, room under the load limit and KABAR_STRTAB_QUICK_ROOM bytes of chars
   * each (util.c's strtab_quick keeps it) */
  size_t quick;
} kabar_strtab;
/* chars a quick add may need: two words, the NUL after them and the next string's padding */
#define KABAR_STRTAB_QUICK_ROOM 24

#define KABAR_STRTAB_NONE UINT32_MAX
void kabar__strtab_free(kabar_strtab *t);
/* Empties t and keeps its memory for the next strings, but not more than max_heads buckets
 * (zeroing them costs every later user of the table). */
void kabar__strtab_clear(kabar_strtab *t, size_t max_heads);
/* Makes room for `strings` more strings of `bytes` bytes in all (NULs not counted), so that
 * interning them neither rehashes nor reallocates. A hint: 0 or -1 (out of memory); after 0
 * t has buckets (kabar__strtab_intern_words_reserved relies on it). */
int kabar__strtab_reserve(kabar_strtab *t, size_t strings, size_t bytes);
/* Gives t at least `per_string` buckets per string it may hold (strings reserved): for a
 * table built once and looked up often with strings it mostly lacks, so that most of those
 * lookups end at an empty bucket. A hint: 0 or -1 (out of memory). Called before
 * kabar__strtab_reserve, it spares that one making buckets only to have them made again. */
int kabar__strtab_spread(kabar_strtab *t, size_t strings, size_t per_string);
/* Returns the id of s, adding it if new; KABAR_STRTAB_NONE when out of memory. */
uint32_t kabar__strtab_intern(kabar_strtab *t, const char *s, size_t len);
/* The same, with h = kabar__hash(s, len, 0) already known (e.g. computed while s was built). */
uint32_t kabar__strtab_intern_hashed(kabar_strtab *t, const char *s, size_t len, uint64_t h);
/* Returns the id of s or KABAR_STRTAB_NONE. */
uint32_t kabar__strtab_find(const kabar_strtab *t, const char *s, size_t len);
/* The same, with s's kabar__hash(s, len, 0) already known (e.g. from another table). Inline:
 * stopword and lexicon lookups are mostly misses that end at an empty bucket. */
static inline uint32_t kabar__strtab_find_hashed(const kabar_strtab *t, const char *s, size_t len,
                                                 uint64_t h) {
  if (t->count == 0)
    return KABAR_STRTAB_NONE;
  for (uint32_t id = t->heads[(size_t)h & (t->nheads - 1)]; id;) {
    const struct kabar_strtab_entry *e = &t->entries[id - 1];
    if (e->hash == h && e->len == len && kabar__mem_eq(t->chars.p + e->off, s, len))
      return id - 1;
    id = e->next;
  }
  return KABAR_STRTAB_NONE;
}
/* Adds s of hash h, known not to be in t. Returns its id, or KABAR_STRTAB_NONE when out of
 * memory. */
uint32_t kabar__strtab_add_new(kabar_strtab *t, const char *s, size_t len, uint64_t h);

/* The low n < 8 bytes of a little-endian word: ((uint64_t)1 << 8n) - 1. */
static inline uint64_t kabar__low_bytes(size_t n) { return ((uint64_t)1 << (8 * n)) - 1; }

/* Every string in a table has 8 bytes of chars' allocation from its start, 16 when it is
 * 8 bytes or longer (kabar__strtab_add_new keeps STRING_ROOM after it; the inline adds below
 * check for more): the inline probes read a stored string as one or two whole words and mask
 * off the bytes after it, which may be another string's or not yet written, so they decide
 * nothing. */
static inline uint64_t kabar__strtab_word(const kabar_strtab *t, uint32_t off, size_t at) {
  uint64_t w;
  memcpy(&w, t->chars.p + off + at, 8);
  return w;
}

/* Whether a[0, n) and b[0, n) are equal, both with a string table's padding (8 bytes readable
 * from the start, 16 when n >= 8): strings of under 16 bytes are compared as one or two whole
 * words, masked, with no call and no loop over their bytes. */
static inline int kabar__padded_eq(const char *a, const char *b, size_t n) {
#if KABAR_LITTLE_ENDIAN
  if (n < 16) {
    uint64_t x0, y0, x1, y1;
    memcpy(&x0, a, 8);
    memcpy(&y0, b, 8);
    if (n < 8)
      return ((x0 ^ y0) & kabar__low_bytes(n)) == 0;
    memcpy(&x1, a + 8, 8);
    memcpy(&y1, b + 8, 8);
    return x0 == y0 && ((x1 ^ y1) & kabar__low_bytes(n - 8)) == 0;
  }
#endif
  return kabar__mem_eq(a, b, n);
}

/* kabar__strtab_find_hashed for a string s that has a string table's padding (it is in one).
 * Inline: the language stage looks up every type in the stopword lists. */
static inline uint32_t kabar__strtab_find_padded(const kabar_strtab *t, const char *s, size_t n,
                                                 uint64_t h) {
  if (t->count == 0)
    return KABAR_STRTAB_NONE;
  for (uint32_t id = t->heads[(size_t)h & (t->nheads - 1)]; id;) {
    const struct kabar_strtab_entry *e = &t->entries[id - 1];
    /* the hash and length nearly always decide: the words only confirm */
    if (e->hash == h && e->len == n && kabar__padded_eq(t->chars.p + e->off, s, n))
      return id - 1;
    id = e->next;
  }
  return KABAR_STRTAB_NONE;
}

/* Adds a string of n bytes, not in t, given as nw <= 2 whole words with zeros after its
 * bytes; b is its bucket (t has buckets). When t has room for a quick add (one counter stands
 * for the tests of entries, load and chars) it is stored from the words: its bytes and the
 * zeros after them are its NUL and the buffer's. */
static inline uint32_t kabar__strtab_add_words(kabar_strtab *t, size_t b, const uint64_t *w,
                                               size_t nw, size_t n, uint64_t h) {
  if (t->quick) {
    /* every field read before the first store into chars, which may alias any of them */
    char *c = t->chars.p;
    size_t off = t->chars.len, id = t->count;
    uint32_t *head = &t->heads[b];
    struct kabar_strtab_entry *e = &t->entries[id];
    t->quick--;
    t->chars.len = off + n + 1;
    t->count = id + 1;
    *e = (struct kabar_strtab_entry){h, (uint32_t)off, (uint32_t)n, *head};
    *head = (uint32_t)id + 1;
    memcpy(c + off, w, 8 * nw);
    c[off + 8 * nw] = '\0';
    return (uint32_t)id;
  }
  char buf[16];
  memcpy(buf, w, 8 * nw);
  return kabar__strtab_add_new(t, buf, n, h);
}

/* kabar__strtab_intern_hashed for a string of n bytes given as nw <= 2 whole words: the
 * first nw - 1 hold 8 of its bytes each, the last the rest as kabar__load_short gives them
 * (zeros after). t must have buckets (kabar__strtab_reserve made them): a table reserved
 * before a pass is spared the test per string. */
static inline uint32_t kabar__strtab_intern_words_reserved(kabar_strtab *t, const uint64_t *w,
                                                           size_t nw, size_t n, uint64_t h) {
  size_t last = nw - 1;
  uint64_t low = kabar__low_bytes(n - 8 * last);
  size_t b = (size_t)h & (t->nheads - 1);
  for (uint32_t id = t->heads[b]; id;) {
    const struct kabar_strtab_entry *e = &t->entries[id - 1];
    if (e->hash == h && e->len == n && (last == 0 || kabar__strtab_word(t, e->off, 0) == w[0]) &&
        (kabar__strtab_word(t, e->off, 8 * last) & low) == w[last])
      return id - 1;
    id = e->next;
  }
  return kabar__strtab_add_words(t, b, w, nw, n, h);
}

/* The same for any table. Inline: the tokenizer interns every word, most of them short. */
static inline uint32_t kabar__strtab_intern_words(kabar_strtab *t, const uint64_t *w, size_t nw,
                                                  size_t n, uint64_t h) {
  if (t->nheads)
    return kabar__strtab_intern_words_reserved(t, w, nw, n, h);
  return kabar__strtab_add_words(t, 0, w, nw, n, h);
}

/* A string of n < 8 bytes given as kabar__load_short gives it. */
static inline uint32_t kabar__strtab_intern_short(kabar_strtab *t, uint64_t w, size_t n,
                                                  uint64_t h) {
  return kabar__strtab_intern_words(t, &w, 1, n, h);
}

/* A string of 8 <= n < 16 bytes given as two words: its first 8 bytes, and the other n - 8
 * as kabar__load_short gives them. */
static inline uint32_t kabar__strtab_intern_short2(kabar_strtab *t, uint64_t w0, uint64_t w1,
                                                   size_t n, uint64_t h) {
  uint64_t w[2] = {w0, w1};
  return kabar__strtab_intern_words(t, w, 2, n, h);
}
/* kabar__strtab_intern_short2 for a table with buckets, for any 0 < n < 16 (w1 zero when
 * n < 8), with few branches: whether a word is new is as likely as not in a text, and a
 * processor cannot predict it. The new entry and its words are stored before the bucket is
 * read, then kept or left behind the count (a quick add has room for both); the bucket's
 * first entry, or the new one when the bucket is empty, is compared as two masked words.
 * Only a bucket whose first entry is another string takes the chain (a table spread to a
 * few buckets per string makes that rare). */
static inline uint32_t kabar__strtab_intern_pair(kabar_strtab *t, uint64_t w0, uint64_t w1,
                                                 size_t n, uint64_t h) {
#if KABAR_LITTLE_ENDIAN
  if (t->quick) {
    char *c = t->chars.p;
    size_t off = t->chars.len, id = t->count, b = (size_t)h & (t->nheads - 1);
    uint32_t head = t->heads[b];
    struct kabar_strtab_entry *e = t->entries;
    e[id] = (struct kabar_strtab_entry){h, (uint32_t)off, (uint32_t)n, head};
    memcpy(c + off, &w0, 8);
    memcpy(c + off + 8, &w1, 8);
    /* head ? head - 1 : id, as a mask: compilers make a branch of the conditional */
    size_t empty = (size_t)0 - (head == 0);
    size_t probe = (((size_t)head - 1) & ~empty) | (id & empty);
    size_t n1 = n > 8 ? n - 8 : 0;
    uint64_t m0 = n >= 8 ? ~(uint64_t)0 : kabar__low_bytes(n), m1 = kabar__low_bytes(n1);
    uint64_t s0 = kabar__strtab_word(t, e[probe].off, 0), s1 = kabar__strtab_word(t, e[probe].off, 8);
    int same = (e[probe].hash == h) & (e[probe].len == n) & ((s0 & m0) == w0) & ((s1 & m1) == w1);
    if (same) {
      size_t added = probe == id;
      t->heads[b] = (uint32_t)probe + 1;
      t->count = id + added;
      t->chars.len = off + added * (n + 1);
      c[t->chars.len] = '\0'; /* the buffer's NUL, over the new string's bytes when it is left */
      t->quick -= added;
      return (uint32_t)probe;
    }
  }
#endif
  return n < 8 ? kabar__strtab_intern_short(t, w0, n, h) : kabar__strtab_intern_short2(t, w0, w1, n, h);
}
static inline const char *kabar__strtab_str(const kabar_strtab *t, uint32_t id) {
  return t->chars.p + t->entries[id].off;
}
static inline uint32_t kabar__strtab_len(const kabar_strtab *t, uint32_t id) {
  return t->entries[id].len;
}
static inline uint64_t kabar__strtab_hash(const kabar_strtab *t, uint32_t id) {
  return t->entries[id].hash;
}

/* Reads a whole file. 0 on success; -1 with errno kept on failure. *out is NUL-terminated. */
int kabar__read_file(const char *path, kabar_buf *out);

#endif
