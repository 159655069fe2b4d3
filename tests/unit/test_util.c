/* lib/core/util: hashing and string interning. kabar__hash values leave the process
 * (fingerprints in the JSON output, index files, model checksums), so they are pinned here. */
#include "helpers.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char pinned_text[] =
    "The quick brown fox jumps over the lazy dog: perusahaan-perusahaan \xc3\xa9t\xc3\xa9";

/* kabar__hash of pinned_text's first n bytes, seed 0 when n % 3 == 0 else 0x6b6e6572,
 * as computed before the short-tail loads (any change breaks stored fingerprints). */
static const uint64_t pinned[41] = {
    0x0000000000000000ULL, 0xa3e64392746cf641ULL, 0x8155f513ba8e6c03ULL, 0xb8864aed539672ffULL,
    0x6b27ba1ea8397a10ULL, 0x74fe111101b2cdbbULL, 0x45feaf069757f6cbULL, 0x66b4789ca0a4e452ULL,
    0xd10be500ae105fd9ULL, 0x4c2c48f661a6d440ULL, 0xee91779895837a6dULL, 0x4febed03d62c7f1aULL,
    0x22bf7ebb92c4f49bULL, 0x4ad57ad4cb667ec0ULL, 0xa59cb42b84e74454ULL, 0x4d9fb8d1522e4ef5ULL,
    0x595fe13a52f54788ULL, 0xefbb22646debf30dULL, 0xc9785873fdd5bc6fULL, 0xeb09e7ac2dd64688ULL,
    0x1cc5d72640b9f151ULL, 0xdbad248170fcaadeULL, 0x5898b3bd6396974fULL, 0xe5e95050426af793ULL,
    0x7bf54c5b9eee13c6ULL, 0x602a229264f173daULL, 0x1bda6b871c709bd5ULL, 0x7370b2bf9923c6dcULL,
    0x0dfd746cfb535713ULL, 0x75fa5251357a75edULL, 0x5e3ee97115008e64ULL, 0x09e2ee175ad05db0ULL,
    0x503af545558bf395ULL, 0x255fef6dc4bf70f0ULL, 0xfabdc2f5caa737b3ULL, 0x759857aeac743e58ULL,
    0xe40f53d8d60b7998ULL, 0xfead95275beaea6aULL, 0x5fad39e3b76109acULL, 0x729ab2135d46e90fULL,
    0x9d86da091209f3e9ULL,
};

static void hash_values_pinned(void **state) {
  (void)state;
  for (size_t n = 0; n < sizeof pinned / sizeof *pinned; n++) {
    uint64_t h = kabar__hash(pinned_text, n, n % 3 == 0 ? 0 : 0x6b6e6572);
    if (h != pinned[n])
      fail_msg("kabar__hash of %zu bytes: %016llx, pinned %016llx", n, (unsigned long long)h,
               (unsigned long long)pinned[n]);
  }
}

/* Reads only its n bytes: a tail at the very end of an allocation (ASan checks). */
static void hash_reads_only_its_bytes(void **state) {
  (void)state;
  for (size_t n = 0; n < 20; n++) {
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, pinned_text, n);
    assert_true(kabar__hash(p, n, 0) == kabar__hash(pinned_text, n, 0));
    free(p);
  }
}

static void hash_short_is_hash(void **state) {
  (void)state;
  unsigned seed = 7;
  for (int round = 0; round < 20000; round++) {
    unsigned char b[8];
    size_t n = (size_t)round % 8;
    uint64_t le = 0;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      b[i] = (unsigned char)(seed >> 16);
      le |= (uint64_t)b[i] << (8 * i);
    }
    assert_true(kabar__hash_short(le, n) == kabar__hash(b, n, 0));
  }
  for (int round = 0; round < 20000; round++) {
    unsigned char b[16];
    size_t n = 8 + (size_t)round % 8;
    uint64_t le0 = 0, le1 = 0;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      b[i] = (unsigned char)(seed >> 16);
      if (i < 8)
        le0 |= (uint64_t)b[i] << (8 * i);
      else
        le1 |= (uint64_t)b[i] << (8 * (i - 8));
    }
    assert_true(kabar__hash_short2(le0, le1, n) == kabar__hash(b, n, 0));
  }
}

static void strtab_intern_find_reserve(void **state) {
  (void)state;
  kabar_strtab t;
  memset(&t, 0, sizeof t);
  assert_int_equal(kabar__strtab_find(&t, "x", 1), KABAR_STRTAB_NONE);
  assert_int_equal(kabar__strtab_reserve(&t, 100, 500), 0);
  assert_int_equal(t.count, 0);
  char key[32];
  for (int round = 0; round < 2; round++) /* the second round finds every string */
    for (uint32_t i = 0; i < 1000; i++) { /* well past the reservation: growth still works */
      int n = snprintf(key, sizeof key, "w%u", i * 7919u);
      uint32_t id =
          i % 2 ? kabar__strtab_intern(&t, key, (size_t)n)
                : kabar__strtab_intern_hashed(&t, key, (size_t)n, kabar__hash(key, (size_t)n, 0));
      assert_int_equal(id, i);
    }
  assert_int_equal(t.count, 1000);
  for (uint32_t i = 0; i < 1000; i++) {
    int n = snprintf(key, sizeof key, "w%u", i * 7919u);
    assert_int_equal(kabar__strtab_find(&t, key, (size_t)n), i);
    assert_string_equal(kabar__strtab_str(&t, i), key);
    assert_int_equal(kabar__strtab_len(&t, i), (uint32_t)n);
    assert_true(kabar__strtab_hash(&t, i) == kabar__hash(key, (size_t)n, 0));
  }
  assert_int_equal(kabar__strtab_find(&t, "w1", 2), KABAR_STRTAB_NONE);
  assert_int_equal(kabar__strtab_intern(&t, "", 0), 1000); /* the empty string is a string */
  assert_int_equal(kabar__strtab_find(&t, "", 0), 1000);
  assert_int_equal(t.chars.p[t.chars.len], '\0');
  kabar__strtab_free(&t);
}

/* kabar__mem_eq is memcmp(...) == 0 for every length and every differing byte position, and
 * reads only its n bytes (ASan checks: the strings end their allocations). */
static void mem_eq_is_memcmp(void **state) {
  (void)state;
  for (size_t n = 0; n < 40; n++) {
    char *a = malloc(n ? n : 1), *b = malloc(n ? n : 1);
    assert_non_null(a);
    assert_non_null(b);
    memcpy(a, pinned_text, n);
    memcpy(b, pinned_text, n);
    assert_true(kabar__mem_eq(a, b, n));
    assert_true(kabar__load_short(a, n < 8 ? n : 7) == kabar__load_short(b, n < 8 ? n : 7));
    for (size_t i = 0; i < n; i++) {
      b[i] ^= 0x20;
      assert_false(kabar__mem_eq(a, b, n));
      assert_false(kabar__mem_eq(b, a, n));
      b[i] ^= 0x20;
    }
    free(a);
    free(b);
  }
}

/* Short strings interned from registers (one word below 8 bytes, two below 16, or a pair of
 * words: kabar__strtab_intern_pair) and from memory share one table: the same ids, and the
 * same bytes and NULs in chars. The probes
 * read stored strings as whole words and mask off what follows, so keys share prefixes and
 * differ in their last byte, and each is looked up again after longer ones were added. */
static void strtab_intern_short(void **state) {
  (void)state;
  kabar_strtab t;
  memset(&t, 0, sizeof t);
  char key[16];
  for (int round = 0; round < 3; round++)
    for (uint32_t i = 0; i < 4000; i++) { /* past the first table size: rehashes on the way */
      size_t n = i % 16;
      for (size_t k = 0; k < n; k++)
        key[k] = (char)('a' + (k + 1 < n ? (i / 16 * 7 + k * 13) % 3 : (i * 7 + k * 13) % 26));
      uint64_t w0 = kabar__load_short(key, n < 8 ? n : 8);
      uint64_t w1 = n < 8 ? 0 : kabar__load_short(key + 8, n - 8);
      uint64_t h = kabar__hash(key, n, 0);
      uint32_t way = (i + (uint32_t)round) % 3;
      uint32_t id = way == 0 ? kabar__strtab_intern(&t, key, n)
                    : way == 1 && n > 0 ? kabar__strtab_intern_pair(&t, w0, w1, n, h)
                    : n < 8             ? kabar__strtab_intern_short(&t, w0, n, h)
                                        : kabar__strtab_intern_short2(&t, w0, w1, n, h);
      assert_int_equal(id, kabar__strtab_find(&t, key, n));
      assert_int_equal(kabar__strtab_len(&t, id), (uint32_t)n);
      assert_memory_equal(kabar__strtab_str(&t, id), key, n);
      assert_int_equal(kabar__strtab_str(&t, id)[n], '\0');
    }
  assert_int_equal(t.chars.p[t.chars.len], '\0');
  kabar__strtab_free(&t);
}

/* Strings of one bucket chain through the entries: keys whose hashes share their low 10 bits
 * (one bucket up to 1024 buckets) are found again however long the chain, across rehashes.
 * Each quick add (t.quick) has its entry, its place under the load of one string per bucket
 * and KABAR_STRTAB_QUICK_ROOM bytes of chars. A reserved table has buckets, so that
 * kabar__strtab_intern_words_reserved may skip the test. */
static void strtab_chains_and_quick_room(void **state) {
  (void)state;
  kabar_strtab t;
  memset(&t, 0, sizeof t);
  assert_int_equal(kabar__strtab_reserve(&t, 10, 10), 0);
  assert_true(t.nheads > 0);
  char key[16];
  uint32_t keys[300], nkeys = 0;
  for (uint32_t i = 0; nkeys < 300; i++) {
    int n = snprintf(key, sizeof key, "k%u", i);
    if ((kabar__hash(key, (size_t)n, 0) & 1023) == 0)
      keys[nkeys++] = i;
  }
  for (uint32_t k = 0; k < nkeys; k++) {
    int n = snprintf(key, sizeof key, "k%u", keys[k]);
    uint64_t h = kabar__hash(key, (size_t)n, 0);
    uint64_t w = kabar__load_short(key, (size_t)n < 8 ? (size_t)n : 8);
    uint64_t w1 = n < 8 ? 0 : kabar__load_short(key + 8, (size_t)n - 8);
    uint32_t id = k % 3 == 2         ? kabar__strtab_intern_pair(&t, w, w1, (size_t)n, h)
                  : n >= 8 || k % 2 == 0 ? kabar__strtab_intern(&t, key, (size_t)n)
                  : k % 4 == 1        ? kabar__strtab_intern_short(&t, w, (size_t)n, h)
                                       : kabar__strtab_intern_words_reserved(&t, &w, 1, (size_t)n, h);
    /* found again at the head of the chain and behind it */
    assert_int_equal(kabar__strtab_intern_pair(&t, w, w1, (size_t)n, h), k);
    if (k > 0) {
      int m = snprintf(key, sizeof key, "k%u", keys[k - 1]);
      uint64_t v0 = kabar__load_short(key, (size_t)m < 8 ? (size_t)m : 8);
      uint64_t v1 = m < 8 ? 0 : kabar__load_short(key + 8, (size_t)m - 8);
      assert_int_equal(kabar__strtab_intern_pair(&t, v0, v1, (size_t)m, kabar__hash(key, (size_t)m, 0)),
                       k - 1);
      n = snprintf(key, sizeof key, "k%u", keys[k]);
    }
    assert_int_equal(id, k);
    assert_true(t.count + t.quick <= t.cap && t.count + t.quick <= t.nheads);
    assert_true(t.chars.len + t.quick * KABAR_STRTAB_QUICK_ROOM <= t.chars.cap);
    for (uint32_t j = 0; j <= k; j += 7) {
      n = snprintf(key, sizeof key, "k%u", keys[j]);
      assert_int_equal(kabar__strtab_find(&t, key, (size_t)n), j);
    }
  }
  assert_int_equal(kabar__strtab_find(&t, "k", 1), KABAR_STRTAB_NONE);
  kabar__strtab_free(&t);
}

static void vec_push_grows(void **state) {
  (void)state;
  kabar_sizevec v = {0};
  for (size_t i = 0; i < 1000; i++)
    assert_int_equal(KABAR_VEC_PUSH(v, i * 3), 0);
  assert_int_equal(v.n, 1000);
  for (size_t i = 0; i < 1000; i++)
    assert_int_equal(v.v[i], i * 3);
  KABAR_VEC_FREE(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hash_values_pinned), cmocka_unit_test(hash_reads_only_its_bytes),
      cmocka_unit_test(hash_short_is_hash), cmocka_unit_test(strtab_intern_find_reserve),
      cmocka_unit_test(mem_eq_is_memcmp),   cmocka_unit_test(strtab_intern_short),
      cmocka_unit_test(strtab_chains_and_quick_room),
      cmocka_unit_test(vec_push_grows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
