/* lib/terms: stems. The stage does not call Snowball's Indonesian stemmer for a word of fewer
 * than three vowels (a e i o u), as the algorithm's first test (`$measure > 2`) leaves such a
 * word alone, nor for a word that starts and ends with none of its affixes; these tests hold
 * the installed libstemmer to that. */
#include "helpers.h"
#include "core/internal.h"
#include "lang/lang.h"

#include <ctype.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vowels(const char *s, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; i++)
    v += s[i] == 'a' || s[i] == 'e' || s[i] == 'i' || s[i] == 'o' || s[i] == 'u';
  return v;
}

static void assert_unchanged(struct sb_stemmer *st, const char *w, size_t n) {
  const sb_symbol *out = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);
  assert_non_null(out);
  if ((size_t)sb_stemmer_length(st) != n || memcmp(out, w, n) != 0)
    fail_msg("indonesian stems '%.*s' to '%.*s'", (int)n, w, sb_stemmer_length(st),
             (const char *)out);
}

static void indonesian_few_vowels_unchanged(void **state) {
  (void)state;
  struct sb_stemmer *st = sb_stemmer_new("indonesian", "UTF_8");
  assert_non_null(st);
  /* affixes the stemmer removes, around stems of one or two vowels */
  static const char *words[] = {"dia",    "kota",  "rumah",       "dpr",
                                "tnikah", "dilah", "mukah",       "bajunya",
                                "kupun",  "terus", "berat",       "menang",
                                "pemda",  "diam",  "kenal",       "sekal",
                                "makan",  "tahun", "caf\xc3\xa9", "\xc3\xa9t\xc3\xa9",
                                "ke",     "di",    "an",          "i"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (vowels(words[i], strlen(words[i])) < 3)
      assert_unchanged(st, words[i], strlen(words[i]));
  static const char *pre[] = {"me",   "mem", "men", "meng", "meny", "pe", "pem", "pen", "peng",
                              "peny", "per", "ber", "be",   "ter",  "te", "di",  "ke",  "se"};
  static const char *suf[] = {"kan", "an", "i", "nya", "ku", "mu", "kah", "lah", "pun", ""};
  static const char letters[] = "bcdfghjklmnpqrstvwxyzaeiou";
  unsigned seed = 2024;
  char w[64];
  for (int round = 0; round < 50000; round++) {
    seed = seed * 1103515245u + 12345u;
    size_t n = 0;
    if (round % 2) {
      const char *p = pre[(seed >> 16) % (sizeof pre / sizeof *pre)];
      memcpy(w, p, strlen(p));
      n = strlen(p);
    }
    for (int k = (int)(seed >> 8) % 6; k >= 0; k--) {
      seed = seed * 1103515245u + 12345u;
      w[n++] = letters[(seed >> 16) % (sizeof letters - 1)];
    }
    const char *x = suf[(seed >> 20) % (sizeof suf / sizeof *suf)];
    memcpy(w + n, x, strlen(x));
    n += strlen(x);
    if (vowels(w, n) < 3)
      assert_unchanged(st, w, n);
  }
  sb_stemmer_delete(st);
}

static int starts_with(const char *w, size_t n, const char *x) {
  return strlen(x) <= n && memcmp(w, x, strlen(x)) == 0;
}
static int ends_with(const char *w, size_t n, const char *x) {
  return strlen(x) <= n && memcmp(w + n - strlen(x), x, strlen(x)) == 0;
}

/* Nor is a word that starts with none of the algorithm's prefixes and ends with none of its
 * particles, possessives and suffixes (the lists and the rule for a final i as Snowball's
 * indonesian.sbl has them),
 * whatever its vowels: random words whose first and last two bytes come mostly from the
 * affixes' letters, so that near misses ("se", "ta", "yah", "nu", "é") are frequent. */
static void indonesian_affix_free_unchanged(void **state) {
  (void)state;
  static const char *prefixes[] = {"di",   "ke",      "me",  "mem",  "men",     "meng",
                                   "meny", "pem",     "pen", "peng", "peny",    "ter",
                                   "be",   "belajar", "ber", "pe",   "pelajar", "per"};
  static const char *suffixes[] = {"kah", "lah", "pun", "nya", "ku", "mu", "i", "an", "kan"};
  static const char *edge[] = {"d", "k", "m", "p", "t", "b", "e", "i", "a",       "u",
                               "n", "h", "y", "l", "s", "r", "o", "g", "\xc3\xa9"};
  static const char letters[] = "bcdfghjklmnpqrstvwxyzaeiouaeiou";
  struct sb_stemmer *st = sb_stemmer_new("indonesian", "UTF_8");
  assert_non_null(st);
  unsigned seed = 31337;
  char w[64];
  int tested = 0, tested_si = 0;
  for (int round = 0; round < 200000; round++) {
    size_t n = 0;
    int parts = 2 + round % 9;
    for (int k = 0; k < parts; k++) {
      seed = seed * 1103515245u + 12345u;
      if (k < 2 || k >= parts - 2) {
        const char *e = edge[(seed >> 16) % (sizeof edge / sizeof *edge)];
        memcpy(w + n, e, strlen(e));
        n += strlen(e);
      } else {
        w[n++] = letters[(seed >> 16) % (sizeof letters - 1)];
      }
    }
    int affixed = 0;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
      affixed |= starts_with(w, n, prefixes[i]);
    /* a final i is a suffix only after a letter other than s (SUFFIX_I_OK: "posisi") */
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
      affixed |= ends_with(w, n, suffixes[i]) &&
                 !(strcmp(suffixes[i], "i") == 0 && ends_with(w, n, "si"));
    if (!affixed) {
      assert_unchanged(st, w, n);
      tested += vowels(w, n) >= 3;
      tested_si += vowels(w, n) >= 3 && ends_with(w, n, "si");
    }
  }
  assert_true(tested > 10000); /* most of them pass Snowball's measure test */
  assert_true(tested_si > 100); /* and some of them end in "si" */
  sb_stemmer_delete(st);
}

/* Through a document: a word of two vowels keeps its form as a term, a longer one is stemmed. */
static void terms_few_vowels_in_doc(void **state) {
  (void)state;
  static const char text[] =
      "Pemerintah kota membangun rumah baru dan menanam pohon di taman kota itu bersama warga "
      "setempat pada tahun lalu, kata pejabat pemerintahan.";
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, text, sizeof text - 1, "id", 0, &err);
  assert_non_null(doc);
  int seen_kota = 0, seen_membangun = 0;
  for (size_t i = 0; i < doc->tokens.n; i++) {
    const kabar_token *t = &doc->tokens.v[i];
    const char *type = kabar__strtab_str(&doc->types, t->type);
    const char *term = kabar__strtab_str(&doc->terms, t->term);
    if (strcmp(type, "kota") == 0) {
      assert_string_equal(term, "kota");
      seen_kota = 1;
    } else if (strcmp(type, "membangun") == 0) {
      assert_string_equal(term, "bangun");
      seen_membangun = 1;
    }
  }
  assert_true(seen_kota && seen_membangun);
  kabar_doc_free(doc);
}

/* Every term of a document is Snowball's stem of its type, or the type itself for stopwords
 * and numbers: random words of 1 to 24 bytes around Indonesian affixes and their near misses
 * (the stage leaves a word that starts and ends with no affix to itself), with vowels at
 * every byte position of the 8-byte vowel count, and words with é (not a vowel of the
 * measure). */
static void terms_are_snowball_stems(void **state) {
  (void)state;
  static const char *parts[] = {"me", "ber", "di", "kan", "an",  "nya", "a",  "e",        "i", "o",
                                "u",  "k",   "t",  "ng",  "s",   "r",   "p",  "\xc3\xa9", "y", "m",
                                "h",  "b",   "d",  "se",  "lah", "ku",  "ta", "pun"};
  struct sb_stemmer *st = sb_stemmer_new("indonesian", "UTF_8");
  assert_non_null(st);
  char text[4096];
  unsigned seed = 77;
  for (int round = 0; round < 40; round++) {
    size_t n = 0;
    for (int w = 0; w < 120; w++) {
      seed = seed * 1103515245u + 12345u;
      size_t target = 1 + (seed >> 16) % 24, len = 0;
      while (len < target) {
        seed = seed * 1103515245u + 12345u;
        const char *p = parts[(seed >> 16) % (sizeof parts / sizeof *parts)];
        memcpy(text + n + len, p, strlen(p));
        len += strlen(p);
      }
      n += len;
      text[n++] = ' ';
    }
    kabar_error err;
    kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, text, n, "id", 0, &err);
    assert_non_null(doc);
    for (size_t i = 0; i < doc->tokens.n; i++) {
      const kabar_token *t = &doc->tokens.v[i];
      const char *type = kabar__strtab_str(&doc->types, t->type);
      int tn = (int)kabar__strtab_len(&doc->types, t->type);
      const char *term = kabar__strtab_str(&doc->terms, t->term);
      int keep = (t->flags & (KABAR_TOK_STOP | KABAR_TOK_NUMBER)) != 0;
      const sb_symbol *out = sb_stemmer_stem(st, (const sb_symbol *)type, tn);
      assert_non_null(out);
      const char *want = keep ? type : (const char *)out;
      int wn = keep ? tn : sb_stemmer_length(st);
      if ((int)kabar__strtab_len(&doc->terms, t->term) != wn || memcmp(term, want, (size_t)wn))
        fail_msg("term of '%s' is '%s', want '%.*s'", type, term, wn, want);
    }
    kabar_doc_free(doc);
  }
  sb_stemmer_delete(st);
}

/* The language stage looks types up in the ctx's index of the union of the stopword lists:
 * each type's mask must hold exactly the languages whose own list has it. Returns how many of
 * the union's words are types of the text. */
static size_t assert_text_marks(const kabar_ctx *ctx, const kabar_buf *text, int want_shared) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(ctx, text->p, text->len, 0, &err);
  assert_non_null(doc);
  int shared = 0, none = 0;
  for (uint32_t t = 0; t < doc->types.count; t++) {
    const char *s = kabar__strtab_str(&doc->types, t);
    uint32_t n = kabar__strtab_len(&doc->types, t), want = 0;
    for (size_t l = 0; l < ctx->nlangs; l++)
      if (kabar__strtab_find(&ctx->langs[l].stopwords, s, n) != KABAR_STRTAB_NONE)
        want |= 1u << l;
    if (doc->type_stop[t] != want)
      fail_msg("type '%s': mask %x, the lists say %x", s, doc->type_stop[t], want);
    shared += (want & (want - 1)) != 0;
    none += want == 0;
  }
  assert_true(none > 0);
  assert_true(!want_shared || shared > 0);
  size_t found = 0;
  for (uint32_t w = 0; w < ctx->stopwords.count; w++)
    found += kabar__strtab_find(&doc->types, kabar__strtab_str(&ctx->stopwords, w),
                                kabar__strtab_len(&ctx->stopwords, w)) != KABAR_STRTAB_NONE;
  kabar_doc_free(doc);
  return found;
}

/* The text holds every stopword of every language (some upper-cased), and words that are in
 * no list. */
static void assert_stop_marks(const kabar_ctx *ctx, int want_shared) {
  kabar_buf text = {0};
  for (size_t l = 0; l < ctx->nlangs; l++) {
    const kabar_strtab *words = &ctx->langs[l].stopwords;
    assert_true(words->count > 0);
    for (uint32_t w = 0; w < words->count; w++) {
      static const char extra[] = " RUMAHKU De HET Yang jembatan\n";
      assert_int_equal(
          kabar__buf_put(&text, kabar__strtab_str(words, w), kabar__strtab_len(words, w)), 0);
      assert_int_equal(kabar__buf_put(&text, w % 7 ? " " : extra, w % 7 ? 1 : sizeof extra - 1), 0);
    }
  }
  assert_int_equal(assert_text_marks(ctx, &text, want_shared), ctx->stopwords.count);
  kabar__buf_free(&text);
}

/* word as listed (case 0), upper-cased (1) or with its first letter upper-cased (2), ASCII
 * letters only (the lists' words are case-folded: "één" stays as it is). */
static void put_cased(kabar_buf *text, const char *s, size_t n, int c) {
  size_t at = text->len;
  assert_int_equal(kabar__buf_put(text, s, n), 0);
  for (size_t i = 0; i < n && c > 0; i++)
    if (c == 1 || i == 0)
      text->p[at + i] = (char)toupper((unsigned char)text->p[at + i]);
  assert_int_equal(kabar__buf_put(text, " ", 1), 0);
}

/* The index's filter must pass every stopword and its buckets tell them from other words:
 * every stopword of the shipped lists in three cases, and random words of letters (some with
 * é), 1 to 24 bytes long, which the lists nearly all lack; every type's mask is checked. */
static void stop_marks_every_case_and_random_words(void **state) {
  (void)state;
  const kabar_ctx *ctx = test_group_ctx;
  kabar_buf text = {0};
  for (int c = 0; c < 3; c++)
    for (uint32_t w = 0; w < ctx->stopwords.count; w++)
      put_cased(&text, kabar__strtab_str(&ctx->stopwords, w), kabar__strtab_len(&ctx->stopwords, w),
                c);
  unsigned seed = 12345;
  for (int w = 0; w < 20000; w++) {
    seed = seed * 1103515245u + 12345u;
    size_t n = 1 + (seed >> 16) % 24;
    char word[32];
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      word[i] = (char)('a' + (seed >> 16) % 26);
    }
    if (w % 5 == 0 && n >= 2)
      memcpy(word + n - 2, "\xc3\xa9", 2); /* é */
    put_cased(&text, word, n, w % 3);
  }
  assert_int_equal(assert_text_marks(ctx, &text, 0), ctx->stopwords.count);
  kabar__buf_free(&text);
}

/* The key of a string in the index is its bytes, zeros, and its length in the last byte:
 * from a string with just the padding string tables give (8 bytes readable, 16 from 8 bytes
 * on; so ASan sees a read past it), at every offset, with any bytes (NUL, >= 0x80) after the
 * string. */
static void stop_key_is_bytes_and_length(void **state) {
  (void)state;
  unsigned seed = 99;
  for (size_t n = 0; n < KABAR_STOP_KEY_MAX; n++) {
    size_t room = n < 8 ? 8 : 16;
    for (int round = 0; round < 200; round++) {
      char *s = malloc(room);
      assert_non_null(s);
      for (size_t i = 0; i < room; i++) {
        seed = seed * 1103515245u + 12345u;
        s[i] = (char)(round % 4 == 0 ? 0 : round % 4 == 1 ? 0xff : (seed >> 16));
      }
      uint64_t key[2], want[2];
      unsigned char b[16] = {0};
      memcpy(b, s, n);
      b[15] = (unsigned char)n;
      memcpy(want, b, 16);
      kabar__lang_stop_key(s, n, key);
      if (key[0] != want[0] || key[1] != want[1])
        fail_msg("key of %zu bytes: %016llx %016llx, want %016llx %016llx", n,
                 (unsigned long long)key[0], (unsigned long long)key[1],
                 (unsigned long long)want[0], (unsigned long long)want[1]);
      free(s);
    }
  }
}

static void stop_marks_are_the_lists(void **state) {
  (void)state;
  assert_stop_marks(test_group_ctx, 0);
  /* lists that share words (the shipped ones may not) */
  char *dir = test_make_data_dir();
  test_write_file(dir, "id/stopwords.txt", "yang\ndan\nde\nsama\nhet\nitu\n");
  test_write_file(dir, "nl/stopwords.txt", "de\nhet\nen\nSAMA\nvan\n");
  kabar_ctx *ctx = test_ctx_at(dir);
  assert_int_equal(ctx->nlangs, 2);
  assert_int_equal(ctx->stopwords.count, 8); /* the union: 6 + 5 - 3 shared */
  assert_stop_marks(ctx, 1);
  kabar_ctx_free(ctx);
  test_rm_tree(dir);
  free(dir);
}

/* Five-letter words whose hashes agree in their low 12 bits (the bucket of any index of up
 * to 4096 buckets): the first group of `want` found, as "w0 w1 ...". */
static void colliding_words(size_t want, char (*out)[6]) {
  enum { GROUPS = 4096 };
  static uint16_t count[GROUPS];
  memset(count, 0, sizeof count);
  for (uint32_t i = 0;; i++) {
    char w[6];
    uint32_t x = i;
    for (int k = 4; k >= 0; k--, x /= 26)
      w[k] = (char)('a' + x % 26);
    w[5] = '\0';
    uint32_t g = (uint32_t)(kabar__hash(w, 5, 0) & (GROUPS - 1));
    if (++count[g] == want) {
      /* found: collect the group again from the start */
      size_t k = 0;
      for (uint32_t j = 0; k < want; j++) {
        uint32_t y = j;
        for (int c = 4; c >= 0; c--, y /= 26)
          out[k][c] = (char)('a' + y % 26);
        out[k][5] = '\0';
        k += (kabar__hash(out[k], 5, 0) & (GROUPS - 1)) == g;
      }
      return;
    }
  }
}

/* Lists unlike the shipped ones: words of 7, 8, 15, 16 and more bytes (the index keys the
 * words of under 16 bytes, the union's table answers for longer ones), more words in one
 * bucket than it holds (the union's table answers for the types of that bucket), other words
 * of that bucket that are in no list, a word in both lists; and lists with no word at all. */
static void stop_marks_long_words_and_full_buckets(void **state) {
  (void)state;
  char same[8][6];
  colliding_words(8, same);
  char id_list[512], nl_list[128];
  snprintf(id_list, sizeof id_list,
           "%s\n%s\n%s\n%s\n%s\npertanggungjawaban\nabcdefghijklmnop\nabcdefghijklmno\n"
           "abcdefgh\nabcdefg\nyang\n",
           same[0], same[1], same[2], same[3], same[4]);
  snprintf(nl_list, sizeof nl_list, "de\nhet\n\xc3\xa9\xc3\xa9n\n%s\nabcdefghijklmnopq\n", same[2]);
  char *dir = test_make_data_dir();
  test_write_file(dir, "id/stopwords.txt", id_list);
  test_write_file(dir, "nl/stopwords.txt", nl_list);
  kabar_ctx *ctx = test_ctx_at(dir);
  kabar_buf text = {0};
  for (int c = 0; c < 3; c++) {
    for (uint32_t w = 0; w < ctx->stopwords.count; w++)
      put_cased(&text, kabar__strtab_str(&ctx->stopwords, w), kabar__strtab_len(&ctx->stopwords, w),
                c);
    for (size_t w = 5; w < 8; w++)
      put_cased(&text, same[w], 5, c);
    static const char *const others[] = {"abcdefghijklmnopqr", "abcdefghijklmnoq", "abcdefghijklmnp",
                                         "abcdefgi", "abcdefh", "pertanggungjawabanx", "jembatan"};
    for (size_t w = 0; w < sizeof others / sizeof *others; w++)
      put_cased(&text, others[w], strlen(others[w]), c);
  }
  assert_int_equal(assert_text_marks(ctx, &text, 1), ctx->stopwords.count);
  kabar_ctx_free(ctx);
  test_write_file(dir, "id/stopwords.txt", "# none\n");
  test_write_file(dir, "nl/stopwords.txt", "");
  ctx = test_ctx_at(dir);
  assert_int_equal(ctx->stopwords.count, 0);
  assert_int_equal(assert_text_marks(ctx, &text, 0), 0);
  kabar_ctx_free(ctx);
  kabar__buf_free(&text);
  test_rm_tree(dir);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(indonesian_few_vowels_unchanged),
      cmocka_unit_test(indonesian_affix_free_unchanged),
      cmocka_unit_test(terms_few_vowels_in_doc),
      cmocka_unit_test(terms_are_snowball_stems),
      cmocka_unit_test(stop_marks_are_the_lists),
      cmocka_unit_test(stop_marks_every_case_and_random_words),
      cmocka_unit_test(stop_key_is_bytes_and_length),
      cmocka_unit_test(stop_marks_long_words_and_full_buckets),
  };
  return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
