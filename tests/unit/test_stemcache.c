/* lib/terms/stemcache.c: the ctx's stem cache only saves time. These tests give a context more
 * distinct words than the cache holds, and check every token's stem against Snowball itself:
 * while the cache fills, once it is full, and for words seen again. (unit_threads checks that
 * threads filling a cold cache at once get the same analyses as a warm one.) */
#include "helpers.h"
#include "core/internal.h"
#include "terms/terms.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_PER_BLOCK 100

/* The i-th made-up Indonesian word: a prefix and a suffix the stemmer removes around a stem
 * of three syllables spelling i, so that words are distinct. */
static size_t make_word(unsigned i, char *out) {
  static const char *pre[] = {"mem", "di", "ber", "ter", "pe", ""};
  static const char *suf[] = {"kan", "an", "i", "nya", "lah", ""};
  static const char cons[] = "bdgjklmprst";
  static const char vow[] = "aiu";
  size_t n = (size_t)sprintf(out, "%s", pre[i % 6]);
  unsigned x = i / 6;
  for (int s = 0; s < 3; s++) {
    out[n++] = cons[x % 11];
    x /= 11;
    out[n++] = vow[x % 3];
    x /= 3;
  }
  out[n++] = cons[x % 11]; /* 6 * (11 * 3)^3 * 11 > 2,000,000 distinct words */
  x /= 11;
  n += (size_t)sprintf(out + n, "%s", suf[x % 6]);
  return n;
}

/* Paragraphs of made-up words first..first+count-1. */
static char *make_text(unsigned first, unsigned count, size_t *len) {
  char *text = malloc((size_t)count * 24 + 16);
  assert_non_null(text);
  size_t n = 0;
  for (unsigned k = 0; k < count; k++) {
    n += make_word(first + k, text + n);
    text[n++] = (k + 1) % WORDS_PER_BLOCK == 0 ? '\n' : ' ';
    if ((k + 1) % WORDS_PER_BLOCK == 0)
      text[n++] = '\n';
  }
  *len = n;
  return text;
}

/* Every stemmed token's term is what Snowball gives for its type. Returns how many were
 * checked. */
static size_t assert_terms_are_snowball(const kabar_doc *doc, struct sb_stemmer *st) {
  size_t checked = 0;
  for (size_t i = 0; i < doc->tokens.n; i++) {
    const kabar_token *t = &doc->tokens.v[i];
    if (t->flags & (KABAR_TOK_STOP | KABAR_TOK_NUMBER))
      continue;
    const char *w = kabar__strtab_str(&doc->types, t->type);
    uint32_t wn = kabar__strtab_len(&doc->types, t->type);
    const sb_symbol *want = sb_stemmer_stem(st, (const sb_symbol *)w, (int)wn);
    assert_non_null(want);
    int want_len = sb_stemmer_length(st);
    const char *got = kabar__strtab_str(&doc->terms, t->term);
    uint32_t got_len = kabar__strtab_len(&doc->terms, t->term);
    if ((int)got_len != want_len || memcmp(got, want, got_len) != 0)
      fail_msg("'%.*s' has the term '%.*s', Snowball says '%.*s'", (int)wn, w, (int)got_len, got,
               want_len, (const char *)want);
    checked++;
  }
  return checked;
}

static size_t analyse_and_check(kabar_ctx *ctx, struct sb_stemmer *st, unsigned first,
                                unsigned count) {
  size_t len;
  char *text = make_text(first, count, &len);
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(ctx, text, len, "id", 0, &err);
  if (!doc)
    fail_msg("kabar_doc_new_lang: %s", kabar_strerror(err.code));
  size_t checked = assert_terms_are_snowball(doc, st);
  kabar_doc_free(doc);
  free(text);
  return checked;
}

static void stems_stay_right_past_the_cache_size(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  assert_non_null(ctx);
  struct sb_stemmer *st = sb_stemmer_new("indonesian", "UTF_8");
  assert_non_null(st);
  /* 40,000 new words fill the cache (32,768 entries) and go past it */
  assert_true(analyse_and_check(ctx, st, 0, 40000) > 30000);
  /* the same words again: the first ones come from the cache, the last ones from Snowball */
  assert_true(analyse_and_check(ctx, st, 0, 40000) > 30000);
  /* new words once the cache is full */
  assert_true(analyse_and_check(ctx, st, 100000, 5000) > 4000);
  sb_stemmer_delete(st);
  kabar_ctx_free(ctx);
}

/* Words of a fresh context and of one that has seen them get the same terms. */
static void cold_and_warm_contexts_agree(void **state) {
  (void)state;
  kabar_ctx *cold = test_ctx(), *warm = test_ctx();
  assert_non_null(cold);
  assert_non_null(warm);
  size_t len;
  char *text = make_text(500, 3000, &len);
  kabar_error err;
  kabar_doc *first = kabar_doc_new_lang(warm, text, len, "id", 0, &err);
  assert_non_null(first);
  kabar_doc_free(first);
  kabar_doc *a = kabar_doc_new_lang(cold, text, len, "id", 0, &err);
  kabar_doc *b = kabar_doc_new_lang(warm, text, len, "id", 0, &err);
  assert_non_null(a);
  assert_non_null(b);
  assert_int_equal(a->tokens.n, b->tokens.n);
  for (size_t i = 0; i < a->tokens.n; i++) {
    uint32_t la = kabar__strtab_len(&a->terms, a->tokens.v[i].term);
    uint32_t lb = kabar__strtab_len(&b->terms, b->tokens.v[i].term);
    assert_int_equal(la, lb);
    assert_memory_equal(kabar__strtab_str(&a->terms, a->tokens.v[i].term),
                        kabar__strtab_str(&b->terms, b->tokens.v[i].term), la);
  }
  assert_int_equal(kabar_doc_simhash(a), kabar_doc_simhash(b));
  kabar_doc_free(a);
  kabar_doc_free(b);
  free(text);
  kabar_ctx_free(cold);
  kabar_ctx_free(warm);
}

/* Made-up entries "w<i>" -> "s<i>" for kabar__stem_cache_add; names[] holds their bytes. */
static void make_entries(kabar_stem_new *v, char (*names)[16], size_t first, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int len = snprintf(names[i], sizeof names[i], "w%zu", first + i);
    v[i] = (kabar_stem_new){names[i], names[i], kabar__hash(names[i], (size_t)len, 0),
                            kabar__hash(names[i], (size_t)len, 0), (uint32_t)len, (uint32_t)len, 0};
  }
}

/* A document's batch of new stems arriving when the cache is one entry short of full pins
 * room for that one entry, not for the whole batch; and an allocation that fails gives its
 * reservation back (review). */
static void cache_memory_stays_bounded(void **state) {
  (void)state;
  size_t n = KABAR_STEM_CACHE_MAX - 1, more = 50000;
  kabar_stem_new *v = malloc((n + more) * sizeof *v);
  char (*names)[16] = calloc(n + more, sizeof *names); /* zeros: a string table's padding */
  assert_non_null(v);
  assert_non_null(names);
  kabar_stem_cache *c = kabar__stem_cache_new();
  assert_non_null(c);
  make_entries(v, names, 0, n + more);
  kabar__stem_cache_add(c, v, n);
  size_t before = kabar__stem_cache_bytes(c);
  assert_true(before > 0);
  kabar__stem_cache_add(c, v + n, more);
  size_t grew = kabar__stem_cache_bytes(c) - before;
  assert_true(grew > 0);
  assert_true(grew <= 256); /* one short entry and a chunk header */
  kabar__stem_cache_free(c);

  c = kabar__stem_cache_new();
  assert_non_null(c);
  kabar__alloc_fail_after(1);
  kabar__stem_cache_add(c, v, n + 1); /* as many as it holds; the allocation fails */
  kabar__alloc_fail_after(0);
  assert_int_equal(kabar__stem_cache_bytes(c), 0);
  kabar__stem_cache_add(c, v, 1); /* the failed reservation was given back */
  assert_true(kabar__stem_cache_bytes(c) > 0);
  assert_non_null(kabar__stem_cache_find(c, 0, names[0], strlen(names[0]), v[0].hash));
  kabar__stem_cache_free(c);
  free(names);
  free(v);
}

/* A lookup compares words of under 16 bytes as two masked 8-byte words: words of every length
 * 1..40 are found, in their language only, and a word that differs from a cached one in any
 * one byte, or in its length, is not taken for it even when it comes with the same hash. */
static void cache_compares_every_byte(void **state) {
  (void)state;
  enum { MAXLEN = 40 };
  kabar_stem_cache *c = kabar__stem_cache_new();
  assert_non_null(c);
  /* the words: "abc...", then their stems; zeros after them (a string table's padding) */
  static char words[MAXLEN + 1][MAXLEN + 16], stems[MAXLEN + 1][MAXLEN + 16];
  kabar_stem_new v[MAXLEN];
  for (size_t n = 1; n <= MAXLEN; n++) {
    for (size_t i = 0; i < n; i++)
      words[n][i] = (char)('a' + (i * 7 + n) % 26);
    words[n][n - 1] = (char)0xc3; /* a byte >= 0x80 last */
    memcpy(stems[n], words[n], n);
    stems[n][0] = 'S';
    /* all of one hash: only the bytes and lengths tell them apart */
    v[n - 1] = (kabar_stem_new){words[n], stems[n], 42, 7, (uint32_t)n, (uint32_t)n, 0};
  }
  kabar__stem_cache_add(c, v, MAXLEN / 2); /* 16 probes: the first 16 fit */
  char probe[MAXLEN + 16];
  for (size_t n = 1; n <= MAXLEN / 2 - 4; n++) {
    const kabar_stem_entry *e = kabar__stem_cache_find(c, 0, words[n], n, 42);
    assert_non_null(e);
    assert_int_equal(e->word_len, n);
    assert_memory_equal(e->bytes + e->word_len, stems[n], n);
    assert_null(kabar__stem_cache_find(c, 1, words[n], n, 42)); /* the other language */
    for (size_t at = 0; at < n; at++) {
      memset(probe, 0, sizeof probe);
      memcpy(probe, words[n], n);
      probe[at] ^= 0x20;
      e = kabar__stem_cache_find(c, 0, probe, n, 42);
      assert_true(!e || e->word_len != n || memcmp(e->bytes, probe, n) == 0);
      assert_null(e);
    }
  }
  kabar__stem_cache_free(c);
  /* long words, and words in both languages: each found as itself */
  c = kabar__stem_cache_new();
  assert_non_null(c);
  for (size_t n = 1; n <= MAXLEN; n++) {
    v[n - 1].hash = kabar__hash(words[n], n, 0);
    v[n - 1].lang = (uint8_t)(n % 2);
  }
  kabar__stem_cache_add(c, v, MAXLEN);
  for (size_t n = 1; n <= MAXLEN; n++) {
    const kabar_stem_entry *e = kabar__stem_cache_find(c, (uint8_t)(n % 2), words[n], n,
                                                       v[n - 1].hash);
    assert_non_null(e);
    assert_memory_equal(e->bytes, words[n], n);
    assert_null(kabar__stem_cache_find(c, (uint8_t)(1 - n % 2), words[n], n, v[n - 1].hash));
  }
  kabar__stem_cache_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(stems_stay_right_past_the_cache_size),
      cmocka_unit_test(cold_and_warm_contexts_agree),
      cmocka_unit_test(cache_memory_stays_bounded),
      cmocka_unit_test(cache_compares_every_byte),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
