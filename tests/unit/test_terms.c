/* lib/terms: stems. The stage does not call Snowball's Indonesian stemmer for a word of fewer
 * than three vowels (a e i o u), as the algorithm's first test (`$measure > 2`) leaves such a
 * word alone, nor for a word that starts and ends with none of its affixes; these tests hold
 * the installed libstemmer to that. */
#include "helpers.h"
#include "core/internal.h"

#include <libstemmer.h>
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

/* The language stage looks types up in the ctx's union of the stopword lists: each type's
 * mask must hold exactly the languages whose own list has it. The text holds every stopword
 * of every language (some upper-cased), and words that are in no list. */
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
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(ctx, text.p, text.len, 0, &err);
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
  kabar_doc_free(doc);
  kabar__buf_free(&text);
}

static void stop_marks_are_the_lists(void **state) {
  (void)state;
  assert_stop_marks(test_group_ctx, 0);
  /* lists that share words (the shipped ones may not) */
  char *dir = test_make_data_dir();
  test_write_file(dir, "id/stopwords.txt", "yang\ndan\nde\nsama\nhet\nitu\n");
  test_write_file(dir, "nl/stopwords.txt", "de\nhet\nen\nSAMA\nvan\n");
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = dir;
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&opts, &err);
  assert_non_null(ctx);
  assert_int_equal(ctx->nlangs, 2);
  assert_int_equal(ctx->stopwords.count, 8); /* the union: 6 + 5 - 3 shared */
  assert_stop_marks(ctx, 1);
  kabar_ctx_free(ctx);
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
  };
  return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
