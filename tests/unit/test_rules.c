/* The boilerplate rules' prefilter (lib/clean/rules.c) skips PCRE2 when PCRE2's own
 * start-of-match facts rule a match out. It must never skip a subject that matches: for every
 * shipped rule, the documented examples, the sample articles' lines and many variants of them
 * (other cases, KELVIN SIGN for k and LONG S for s, cut short, shifted, after characters of
 * every kind, padded past the cut-tail window, mixed at random) are matched with pcre2_match
 * from several offsets and compared with the verdict of every filter the matching uses. */
#include "helpers.h"
#include "clean/clean.h"
#include "core/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct subjects {
  char **v;
  size_t n, cap;
} subjects;

static void add_subject(subjects *set, const char *s, size_t n) {
  if (set->n == set->cap) {
    set->cap = set->cap ? set->cap * 2 : 256;
    set->v = realloc(set->v, set->cap * sizeof *set->v);
    assert_non_null(set->v);
  }
  char *copy = malloc(n + 1);
  assert_non_null(copy);
  memcpy(copy, s, n);
  copy[n] = '\0';
  set->v[set->n++] = copy;
}

static void free_subjects(subjects *set) {
  for (size_t i = 0; i < set->n; i++)
    free(set->v[i]);
  free(set->v);
}

/* Appends s with its ASCII letters mapped by `how`: 'u' upper, 'l' lower, 'k' k/K to KELVIN
 * SIGN and s/S to LONG S (both match caselessly under PCRE2_UCP), 'f' every case flipped. */
static void add_case_variant(subjects *set, const char *s, char how) {
  size_t n = strlen(s);
  char *out = malloc(3 * n + 1), *w = out;
  assert_non_null(out);
  for (const char *p = s; *p; p++) {
    char c = *p;
    int upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
    if (how == 'k' && (c == 'k' || c == 'K')) {
      memcpy(w, "\xE2\x84\xAA", 3);
      w += 3;
      continue;
    }
    if (how == 'k' && (c == 's' || c == 'S')) {
      memcpy(w, "\xC5\xBF", 2);
      w += 2;
      continue;
    }
    if ((how == 'u' && lower) || (how == 'l' && upper) || (how == 'f' && (upper || lower)))
      c = (char)(c ^ 0x20);
    *w++ = c;
  }
  add_subject(set, out, (size_t)(w - out));
  free(out);
}

static size_t utf8_back(const char *s, size_t i) {
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
    i--;
  return i;
}

/* The example and its variants: cases, prefixes and suffixes cut at code point boundaries,
 * text before and after it, and padding that pushes it past the cut-tail window. */
static void add_variants(subjects *set, const char *s) {
  size_t n = strlen(s);
  add_subject(set, s, n);
  add_case_variant(set, s, 'u');
  add_case_variant(set, s, 'l');
  add_case_variant(set, s, 'k');
  add_case_variant(set, s, 'f');
  for (size_t cut = 1; cut < n; cut += cut < 8 ? 1 : 5) {
    size_t i = utf8_back(s, n - cut);
    add_subject(set, s, i);                                         /* a prefix */
    add_subject(set, s + utf8_back(s, cut), n - utf8_back(s, cut)); /* a suffix */
  }
  char buf[2048];
  snprintf(buf, sizeof buf, "Kata pembuka. %s", s);
  add_subject(set, buf, strlen(buf));
  snprintf(buf, sizeof buf, "%s Kalimat penutup.", s);
  add_subject(set, buf, strlen(buf));
  snprintf(buf, sizeof buf, "  %s", s);
  add_subject(set, buf, strlen(buf));
  /* right after a character of each kind a lookbehind, \b or \B can tell apart: ASCII and
   * other word characters, punctuation, an em dash, a newline */
  static const char *before[] = {"x",  "Z", "7", "_", "\xC3\xA9",     "\xE2\x84\xAA", ".", "(",
                                 "\"", ",", "-", "/", "\xE2\x80\x94", "\xC2\xA0",     "\n"};
  for (size_t i = 0; i < sizeof before / sizeof *before; i++) {
    snprintf(buf, sizeof buf, "%s%s", before[i], s);
    add_subject(set, buf, strlen(buf));
    snprintf(buf, sizeof buf, "Kata%s%s", before[i], s);
    add_subject(set, buf, strlen(buf));
  }
  memset(buf, 'x', 700);
  buf[350] = ' ';
  snprintf(buf + 700, sizeof buf - 700, " %s", s);
  add_subject(set, buf, strlen(buf));
  /* after more bytes of the rules' lead classes than a block's list of them holds (96): the
   * crowd has about ten such bytes, twelve times */
  static const char crowd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ ([{\"'.,:;-/ ";
  size_t w = 0;
  for (int k = 0; k < 12; k++, w += sizeof crowd - 1)
    memcpy(buf + w, crowd, sizeof crowd - 1);
  snprintf(buf + w, sizeof buf - w, "%s", s);
  add_subject(set, buf, strlen(buf));
}

/* The `...` spans of the rule list in docs/boilerplate.md, without the ⟦ ⟧ marks. */
static void add_doc_examples(subjects *set) {
  size_t len = 0;
  char *doc = test_read_bytes(KABAR_TEST_CORPORA "/../docs/boilerplate.md", &len);
  assert_non_null(doc);
  size_t found = 0;
  for (char *line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
    if (strncmp(line, "- `", 3) != 0)
      continue;
    char *p = strchr(line + 3, '`'); /* past the rule name */
    while (p && (p = strchr(p + 1, '`')) != NULL) {
      char *e = strchr(p + 1, '`');
      if (!e)
        break;
      char ex[1024];
      size_t w = 0;
      for (char *q = p + 1; q < e && w + 1 < sizeof ex; q++) {
        if (strncmp(q, "\xE2\x9F\xA6", 3) == 0 || strncmp(q, "\xE2\x9F\xA7", 3) == 0) {
          q += 2; /* ⟦ or ⟧ */
          continue;
        }
        ex[w++] = *q;
      }
      ex[w] = '\0';
      add_variants(set, ex);
      found++;
      p = e;
    }
  }
  free(doc);
  assert_true(found > 60);
}

static void add_sample_lines(subjects *set) {
  static const char *names[] = {"id-banjir-quote.txt",   "id-cyber-pact.txt",  "id-ktt-piala.txt",
                                "id-mixed-nl-quote.txt", "nl-chipfabriek.txt", "nl-top-wk.txt",
                                "nl-wrapped.txt"};
  for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
    size_t len = 0;
    char *text = test_read_sample(names[k], &len);
    assert_non_null(text);
    for (char *line = strtok(text, "\r\n"); line; line = strtok(NULL, "\r\n"))
      add_subject(set, line, strlen(line));
    free(text);
  }
}

/* Random strings over pieces that rules start with, end with or must contain. */
static void add_random(subjects *set, unsigned seed, size_t count) {
  static const char *pieces[] = {"A",
                                 "a",
                                 "K",
                                 "k",
                                 "S",
                                 "s",
                                 "\xE2\x84\xAA",
                                 "\xC5\xBF",
                                 " ",
                                 "  ",
                                 "-",
                                 "--",
                                 "\xE2\x80\x93",
                                 "\xE2\x80\x94",
                                 "(",
                                 ")",
                                 "[",
                                 "]",
                                 ":",
                                 ",",
                                 ".",
                                 "/",
                                 "@",
                                 "*",
                                 "\xC2\xA9",
                                 "Baca",
                                 "juga",
                                 "Lihat",
                                 "ANP",
                                 "Reuters",
                                 "Jakarta",
                                 "KOMPAS.com",
                                 "CNN Indonesia",
                                 "Foto/",
                                 "Ikuti",
                                 "WhatsApp",
                                 "Channel",
                                 "Artikel ini telah tayang di",
                                 "Scroll to continue",
                                 "Advertisement",
                                 "ADVERTISEMENT",
                                 "Lees ook",
                                 "Door",
                                 "(ANP)",
                                 "Reageren?",
                                 "Tips?",
                                 "nl",
                                 "com",
                                 "www.",
                                 "https://",
                                 "pic.twitter.com/x1",
                                 "date 2023-11",
                                 "\xE2\x80\x9C",
                                 "x",
                                 "1",
                                 "2024",
                                 "Kelvin",
                                 "sumber",
                                 "\n",
                                 "\t",
                                 "\xC3\xA9",
                                 "Zwolle",
                                 "De",
                                 "Rp"};
  size_t np = sizeof pieces / sizeof *pieces;
  for (size_t i = 0; i < count; i++) {
    char buf[512];
    size_t w = 0, parts = 1 + (seed = seed * 1103515245u + 12345u) % 12;
    for (size_t j = 0; j < parts; j++) {
      seed = seed * 1103515245u + 12345u;
      const char *piece = pieces[(seed >> 8) % np];
      size_t pl = strlen(piece);
      if (w + pl + 1 >= sizeof buf)
        break;
      memcpy(buf + w, piece, pl);
      w += pl;
    }
    add_subject(set, buf, w);
  }
}

static void check_rules(const kabar_rules *rules, const subjects *set, size_t *matches,
                        size_t *skips) {
  for (size_t r = 0; r < kabar__rules_count(rules); r++) {
    size_t rule_matches = 0;
    const char *name = "";
    for (size_t k = 0; k < set->n; k++) {
      const char *s = set->v[k];
      size_t n = strlen(s);
      /* offset 0, the cut-tail window's start and a few offsets after a match would end */
      size_t froms[] = {0, n > 600 ? n - 600 : 0, n / 3, n / 2, n};
      for (size_t f = 0; f < sizeof froms / sizeof *froms; f++) {
        size_t from = froms[f];
        while (from < n && ((unsigned char)s[from] & 0xC0) == 0x80)
          from++;
        int may = -1;
        int rc = kabar__rule_check(test_group_ctx, rules, r, s, n, from, &may, &name);
        assert_true(rc >= 0);
        if (rc == 1 && !may)
          fail_msg("rule %s matches \"%s\" from %zu, but the filter skips it", name, s, from);
        rule_matches += rc == 1;
        *skips += !may;
      }
    }
    if (rule_matches == 0)
      fail_msg("rule %s matched no test subject: the test proves nothing for it", name);
    *matches += rule_matches;
  }
}

static void test_filter_never_drops_a_match(void **state) {
  (void)state;
  subjects set = {0};
  add_doc_examples(&set);
  add_sample_lines(&set);
  add_random(&set, 12345u, 3000);
  const kabar_ctx *ctx = test_group_ctx;
  size_t matches = 0, skips = 0;
  assert_non_null(ctx->common_rules);
  check_rules(ctx->common_rules, &set, &matches, &skips);
  for (size_t l = 0; l < ctx->nlangs; l++) {
    if (ctx->langs[l].rules)
      check_rules(ctx->langs[l].rules, &set, &matches, &skips);
    /* the merged set kabar__clean visits has tables of its own */
    const kabar_rules *merged = kabar__rules_with_common(ctx->langs[l].rules);
    assert_non_null(merged);
    assert_int_equal(kabar__rules_count(merged), kabar__rules_count(ctx->common_rules) +
                                                     kabar__rules_count(ctx->langs[l].rules));
    check_rules(merged, &set, &matches, &skips);
  }
  print_message("%zu subjects, %zu matches, %zu skipped by the filter\n", set.n, matches, skips);
  assert_true(skips > matches); /* the filter does skip */
  free_subjects(&set);
}

/* Rules whose matches depend on what comes before them (lookbehinds, \b and \B, ^ under
 * (?m), \G), or that open caselessly, each with subjects that match right after characters of
 * every kind: the filter must let each through however its openings were found. */
static void test_filter_on_context_rules(void **state) {
  (void)state;
  static const char *rules_text =
      "cut not-at-word-start \\Bfoo\n"
      "cut word-or-z (?:\\B|z)qu\n"
      "cut after-digit (?<=[0-9])px\n"
      "cut digit-switch (?<![0-9])rx|(?<=[0-9])qx\n"
      "cut after-space (?<!\\S)kg\\b\n"
      "cut line-start (?m)^Baca\n"
      "cut at-offset \\Gab\n"
      "cut-tail inner-tail \\Bend$\n"
      "cut lookahead-word (?=\\Bx)xy\n"
      "block caseless-block ^(?i)kelvin\\b.{0,20}$\n"
      "dateline caseless-dateline ^(?i:sk)\\w+\\s+--\\s*\n"
      /* bytes every match holds, read from the pattern's text */
      "block dash-end ^\\w+\\s*(?:-{1,2}|\xE2\x80\x93|\xE2\x80\x94)[\\s,.;]*$\n"
      "cut optional-parts (?:Q\\+)?w(?:x|y?)z{0,2}(?<n>v)*[\\]]?(?i)\\x{41}?jk\n"
      "cut caseless-need (?i:kelvin|sanak)\\d\n"
      /* a "[:" in a class that is no POSIX class, and a non-atomic lookbehind "(?<*": the
       * pattern reader once took the text up to a later ":]" or ">" for them (review) */
      "block posix-lookalike [[:a]|x:]]q\n"
      "cut non-atomic-lookbehind (?<*q)(?:z|>w)\n"
      /* anchored rules' prefixes (prefix_of): the bytes before the first required literal */
      "block prefix-optional-stop ^(?:www\\.)?\\w+\\.com\n"
      "block prefix-class ^[a-c\\d-]+:\n"
      "block prefix-unicode ^\\p{Lu}+\\s*(?:--|\xE2\x80\x94)\n"
      "block prefix-lookahead ^(?=\\w)[\\w ]*?x\n"
      "block prefix-group ^(?:ab)+c\n"
      "block prefix-recursion ^(?:a|\\((?R)\\))\n"
      "block prefix-caseless ^(?i)\\w*?sk\n"
      "block prefix-caseless-literal ^(?i)k?[a-c]*x\n"
      "dateline prefix-dash ^\\w*\xE2\x80\x94\n"
      "block prefix-escapes ^[ \\t]*\\t!\n"
      "block prefix-branches ^x$|^\\d+y\n"
      "block prefix-class-escapes ^[\\]\\-\\s\\p{N}]*\\.\n"
      /* rules that end at the subject's end: the bytes after the last required literal */
      "cut-tail tail-newline x-$\n"
      "block tail-optional ^a(?:b-)?c?$\n"
      "cut tail-caseless (?i)zk$\n"
      "cut tail-multiline (?m)q$\n"
      "block tail-z ^w\\Z\n"
      "block tail-group ^(?:a-|b\xE2\x80\x94)[ ,]*$\n"
      "cut tail-lookbehind x(?<=x)$\n"
      "block tail-branches ^a$|^b-c$\n"
      /* the literal text a match opens with (strings_of) */
      "cut strings-optional (?:abc)?cdef\n"
      "cut strings-quantified xyz?zw\n"
      "cut strings-plus abc+d\n"
      "cut strings-alternatives \\b(?:Foo|Barbaz)x\n"
      "block strings-utf8 ^\xC3\xA9t\xC3\xA9s\n"
      "cut strings-escapes (?=a)a\\.b\\+c\n"
      "cut strings-long abcdefghijkl\n"
      "cut strings-then-class Wor[dk]s\n"
      /* more strings than opens_with_string compares without a loop (STRING_SLOTS), the
       * last ones matching */
      "block strings-many ^(?:Alfa|Bravo|Charlie|Delta|Echo|Foxtrot|Golf)!\n"
      /* a class range that starts with a character of several bytes: its inner code points'
       * bytes are none of the ends' (review) */
      "block range-utf8 ^[\xC3\xA0-\xC3\xBC]+,\n"
      "block range-utf8-group ^(?:[\xC3\xA0-\xC3\xBC]|x)+,$\n"
      "cut-tail range-utf8-tail x[\xC3\xA0-\xC3\xBC]+$\n"
      /* anchored rules that end at the subject's end: every byte is one a match may hold
       * (has_whole), punctuation and symbols (\p{P}, \p{S} and their parts) among them */
      "block whole-punct ^[\\p{P}\\p{S}\\s]{1,40}$\n"
      "block whole-parts ^(?:\\p{Sm}|\\p{Pd}|[\\p{Ps}\\p{Pe}]|x)+$\n"
      "block whole-caseless (?i)^(?:\\p{Po}|k)+$\n"
      "block whole-dotall (?s)^a.*$\n"
      "dateline whole-z ^x[ab]*\\z\n"
      "block whole-long ^[a ]+$\n"
      "block whole-lookahead ^(?=\\p{P})[\\p{P}a]+$\n"
      "block whole-newline ^-+$\n"
      "block whole-multiline (?m)^y+$\n"
      /* three-byte openings (follow[k][2..3]): caseless k and s, whose other cases are not
       * ASCII, whitespace runs, third bytes after different second ones, subjects that end
       * after two bytes, \b and \B */
      "block third-caseless ^(?i:bak|bas)x\n"
      "cut third-space \\bA\\s+post\n"
      "cut third-union Q(?:ax|by)\n"
      "cut third-short Zq(?:r|$)\n"
      "dateline third-word \\bzo\\Bq\n";
  static const char *matches[] = {"foo",
                                  "qu",
                                  "zqu",
                                  "px",
                                  "rx",
                                  "qx",
                                  "kg",
                                  "Baca",
                                  "ab",
                                  "end",
                                  "xy",
                                  "Kelvin",
                                  "KELVIN",
                                  "\xE2\x84\xAA\x65lvin",
                                  "kelvin x",
                                  "SKOPJE -- ",
                                  "\xC5\xBFkopje -- ",
                                  "Jakarta -",
                                  "Jakarta \xE2\x80\x94 ",
                                  "Jakarta--;",
                                  "wjk",
                                  "Q+wxzzvv]JK",
                                  "wyJk",
                                  "KELVIN7",
                                  "\xE2\x84\xAA\x65lvin7",
                                  "\xC5\xBF\x61nak1",
                                  "a",
                                  "qz",
                                  "www.example.com",
                                  "example.com",
                                  "b-9:",
                                  "\xC3\x89" "COLE --",
                                  "\xC3\x89" "COLE\xE2\x80\x94",
                                  "ab cx",
                                  "ababc",
                                  "((a))",
                                  "ab\xC5\xBF\xE2\x84\xAA",
                                  "xSK",
                                  "\xE2\x84\xAA" "abx",
                                  "abc\xE2\x80\x94",
                                  "\xC3\xA9\xE2\x80\x94",
                                  "\t \t!",
                                  "12y",
                                  "x",
                                  "] -\xE2\x80\x83\xD9\xA3.",
                                  "x-\n",
                                  "ab-",
                                  "abc",
                                  "z\xE2\x84\xAA",
                                  "ZK",
                                  "q\nrest",
                                  "w\n",
                                  "b\xE2\x80\x94 ,",
                                  "a-",
                                  "yx",
                                  "b-c",
                                  "cdef",
                                  "abccdef",
                                  "xyzw",
                                  "xyzzw",
                                  "abccd",
                                  "abcd",
                                  "Foox",
                                  "Barbazx",
                                  "\xC3\xA9t\xC3\xA9s",
                                  "a.b+c",
                                  "abcdefghijkl",
                                  "Works",
                                  "Echo!",
                                  "Foxtrot!",
                                  "Golf!",
                                  "Golf! x Alfa!",
                                  "\xC3\xA9, kata",
                                  "x\xC3\xA9x,",
                                  "abc x\xC3\xA9",
                                  "!?$^`|~{} \xC2\xA1\r",
                                  "+<=>-([{)]}x",
                                  "!k?K\xE2\x84\xAA",
                                  "a\nb",
                                  "xab",
                                  "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a",
                                  "!a!",
                                  "---\n",
                                  "yy\nz",
                                  "BAKx",
                                  "ba\xE2\x84\xAAx",
                                  "bA\xC5\xBFx",
                                  "A post",
                                  "A\t\tpost",
                                  "Qax",
                                  "Qby",
                                  "Zq",
                                  "Zqr",
                                  "zoq"};
  static const char *before[] = {
      "", "x", "9", "_", " ", "\n", ".", "\xC3\xA9", "\xE2\x80\x94", "a\n", "ab\nc"};
  char path[64];
  snprintf(path, sizeof path, "/tmp/kabar-test-rules-%ld.rules", (long)getpid());
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(rules_text, f);
  fclose(f);
  kabar_rules *rules = NULL;
  kabar_error err;
  assert_int_equal(kabar__rules_load(test_group_ctx, path, 0, &rules, &err), KABAR_OK);
  unlink(path);
  subjects set = {0};
  char buf[128];
  for (size_t m = 0; m < sizeof matches / sizeof *matches; m++)
    for (size_t b = 0; b < sizeof before / sizeof *before; b++) {
      snprintf(buf, sizeof buf, "%s%s", before[b], matches[m]);
      add_subject(&set, buf, strlen(buf));
      snprintf(buf, sizeof buf, "%s%s tail", before[b], matches[m]);
      add_subject(&set, buf, strlen(buf));
    }
  size_t nmatches = 0, skips = 0;
  check_rules(rules, &set, &nmatches, &skips);
  kabar__rules_free(rules);
  free_subjects(&set);
}

/* The class of a byte as documented at byte_class in lib/clean/rules.c. */
static unsigned expected_class(unsigned c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' || c < 0x20 || c == 0x7F)
    return 63;
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 0x21 && c <= 0x2F)
    return 26 + c - 0x21;
  if (c >= 0x3A && c <= 0x40)
    return 41 + c - 0x3A;
  if (c >= 0x5B && c <= 0x60)
    return 48 + c - 0x5B;
  if (c >= 0x7B && c <= 0x7E)
    return 54 + c - 0x7B;
  return c == 0xC2 ? 58 : c == 0xE2 ? 59 : c == 0xA0 ? 60 : c <= 0x9F ? 61 : 62;
}

/* The class mask of s[0, n) computed here, byte by byte. */
static uint64_t expected_classes(const char *s, size_t n) {
  uint64_t m = (uint64_t)1 << 63;
  for (size_t i = 0; i < n; i++)
    m |= (uint64_t)1 << expected_class((unsigned char)s[i]);
  return m;
}

/* Classes listed by check_classes: all; none; capitals and punctuation only (the rules'
 * usual leads); every other class, and the bytes from 0x80 up only. */
static const uint64_t listings[] = {~(uint64_t)0, 0, ((uint64_t)1 << 58) - 1,
                                    0x5555555555555555u, (uint64_t)0x1F << 58};

static void check_classes_listed(const char *s, size_t n, uint64_t listed) {
  uint64_t want = expected_classes(s, n);
  uint32_t want_rare[96], rare[2][96];
  size_t want_n = 0, nrare[2];
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' ||
        !(listed >> expected_class(c) & 1))
      continue;
    if (want_n == SIZE_MAX || want_n == 96)
      want_n = SIZE_MAX;
    else
      want_rare[want_n++] = (uint32_t)i;
  }
  for (int simd = 0; simd < 2; simd++) {
    uint64_t got = kabar__rules_byte_classes(s, n, simd, listed, rare[simd], &nrare[simd]);
    if (got != want || nrare[simd] != want_n)
      fail_msg("bytes of %zu bytes (simd %d, listed %llx): want classes %llx and %zu rare, got "
               "%llx and %zu",
               n, simd, (unsigned long long)listed, (unsigned long long)want, want_n,
               (unsigned long long)got, nrare[simd]);
    if (want_n != SIZE_MAX && memcmp(rare[simd], want_rare, want_n * sizeof *want_rare) != 0)
      fail_msg("rare byte offsets of %zu bytes differ (simd %d)", n, simd);
  }
}

static void check_classes(const char *s, size_t n) {
  for (size_t l = 0; l < sizeof listings / sizeof *listings; l++)
    check_classes_listed(s, n, listings[l]);
}

/* The SSE2 scan of a block's byte classes and uncommon bytes and the portable loop agree
 * with each other and with the documented classes (the lists overflow past 96; several sets
 * of listed classes): every byte value at every position of lengths 0-40, random
 * and adversarial bytes (>= 0x80, NUL, letters' neighbours), every alignment, and subjects
 * that end exactly at the end of their allocation (ASan sees a read past it). */
static void test_byte_classes(void **state) {
  (void)state;
  for (unsigned c = 0; c < 256; c++)
    assert_int_equal(kabar__rules_byte_class((unsigned char)c), expected_class(c));
  static const unsigned char edges[] = {0,    '`',  'a',  'z',  '{',  '/',  '0',  '9',
                                        ':',  ' ',  '\t', 0x1F, 0x7F, 0x80, 0x9F, 0xA0,
                                        0xA9, 0xC2, 0xE2, 0xFF, '@',  'A',  'Z',  '['};
  unsigned seed = 777u;
  for (size_t n = 0; n <= 40; n++) {
    char *buf = malloc(n ? n : 1); /* the subject ends where the allocation does */
    assert_non_null(buf);
    for (size_t at = 0; at < n; at++) /* one odd byte in plain text, at every position */
      for (unsigned c = 0; c < 256; c++) {
        memset(buf, 'e', n);
        buf[at] = (char)c;
        check_classes(buf, n);
      }
    for (unsigned round = 0; round < 300; round++) {
      for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 16;
        unsigned byte = r % 4 == 0   ? edges[(r >> 2) % sizeof edges]
                        : r % 4 == 1 ? (r >> 2) & 0xFF
                                     : (unsigned char)"ab c9"[(r >> 2) % 5];
        buf[i] = (char)byte;
      }
      check_classes(buf, n);
      check_classes(buf, 0);
    }
    free(buf);
  }
  /* every alignment and the tail of longer subjects */
  char big[300];
  for (size_t i = 0; i < sizeof big; i++) {
    seed = seed * 1103515245u + 12345u;
    big[i] = (char)(seed >> 16);
  }
  for (size_t off = 0; off < 32; off++)
    for (size_t n = 0; off + n <= sizeof big; n += 7)
      check_classes(big + off, n);
}

/* ---- merging a block's cuts ------------------------------------------------------------ */

static kabar_cut make_cut(uint32_t start, uint32_t end, uint8_t kind) {
  kabar_cut c = {start, end, 0, kind, "test"};
  return c;
}

/* Whether byte b of kind `kind` is covered by one of the n cuts. */
static int covered(const kabar_cut *c, size_t n, uint8_t kind, uint32_t b) {
  for (size_t i = 0; i < n; i++)
    if (c[i].kind == kind && c[i].start <= b && b < c[i].end)
      return 1;
  return 0;
}

/* Checks what kabar__cuts_merge promises: the output in order of start, each kind's cuts
 * disjoint, and each kind covering the bytes it covered before, no more. */
static void check_merge(const kabar_cut *in, size_t n) {
  kabar_cut out[64];
  assert_true(n <= 64);
  memcpy(out, in, n * sizeof *in);
  size_t w = kabar__cuts_merge(out, n);
  assert_true(w <= n);
  for (size_t i = 0; i < w; i++) {
    assert_true(out[i].start < out[i].end);
    if (i > 0)
      assert_true(out[i - 1].start <= out[i].start);
    for (size_t j = i + 1; j < w; j++)
      if (out[j].kind == out[i].kind && out[j].start < out[i].end)
        fail_msg("cuts %zu [%u,%u) and %zu [%u,%u) of kind %u overlap after merging", i,
                 out[i].start, out[i].end, j, out[j].start, out[j].end, out[i].kind);
  }
  for (uint8_t kind = KABAR_CUT_BOILERPLATE; kind <= KABAR_CUT_DATELINE; kind++)
    for (uint32_t b = 0; b < 80; b++)
      assert_int_equal(covered(in, n, kind, b), covered(out, w, kind, b));
}

/* A dateline sorting between two boilerplate cuts that overlap: merge_cuts compared each cut
 * with the last one kept, the dateline, and left the two boilerplate cuts overlapping (the
 * clean text then had a piece that ends before it starts). The shipped pipeline never hands
 * merge_cuts a dateline (they are found afterwards, between the cuts), so this is tested here
 * and on random lists of both kinds. */
static void test_cuts_merge_by_kind(void **state) {
  (void)state;
  kabar_cut c[3] = {make_cut(4, 12, KABAR_CUT_BOILERPLATE), make_cut(0, 10, KABAR_CUT_BOILERPLATE),
                    make_cut(3, 5, KABAR_CUT_DATELINE)};
  check_merge(c, 3);
  assert_int_equal(kabar__cuts_merge(c, 3), 2);
  assert_int_equal(c[0].start, 0);
  assert_int_equal(c[0].end, 12);
  assert_int_equal(c[0].kind, KABAR_CUT_BOILERPLATE);
  assert_int_equal(c[1].start, 3);
  assert_int_equal(c[1].end, 5);
  assert_int_equal(c[1].kind, KABAR_CUT_DATELINE);
  /* adjacent cuts stay apart; nested and equal ones merge */
  kabar_cut d[4] = {make_cut(0, 4, KABAR_CUT_BOILERPLATE), make_cut(4, 9, KABAR_CUT_BOILERPLATE),
                    make_cut(5, 6, KABAR_CUT_BOILERPLATE), make_cut(4, 9, KABAR_CUT_BOILERPLATE)};
  check_merge(d, 4);
  assert_int_equal(kabar__cuts_merge(d, 4), 2);
  assert_int_equal(kabar__cuts_merge(d, 0), 0);
  unsigned seed = 4242u;
  for (unsigned round = 0; round < 20000; round++) {
    kabar_cut r[12];
    size_t n = (seed = seed * 1103515245u + 12345u) >> 16 & 7;
    n += 1 + (round & 3);
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      uint32_t start = (seed >> 8) % 60, len = 1 + (seed >> 20) % 15;
      r[i] = make_cut(start, start + len, (seed >> 4 & 3) == 0 ? KABAR_CUT_DATELINE
                                                               : KABAR_CUT_BOILERPLATE);
    }
    check_merge(r, n);
  }
}

/* Made-up articles built from boilerplate, datelines and plain sentences at random: every cut
 * kabar_doc_cut() reports lies in its block, and they come in order of start, none
 * overlapping another (datelines are found between a block's boilerplate cuts). */
static void test_article_cuts_in_order(void **state) {
  (void)state;
  static const char *pieces[] = {
      "SEMARANG - ",          "Semarang, BERITAKITA.com - ", "BERITAKITA.com - ",
      "ADVERTISEMENT ",       "Baca juga: Harga Gula Turun ", "Baca Juga ",
      "[Gambas:Video 20x] ",  "SCROLL TO CONTINUE WITH CONTENT ", "date 2021-07 ",
      "pic.twitter.com/q1 ",  "View this post on Instagram ", "Foto/dok SindoNews ",
      "Warga menanam padi. ", "ujarnya. ",                   "(abc)",
      "Ikuti Whatsapp Channel Koranku", ", ",                "\xC2\xA0",
      " ",                    "Foto/Ani Lestari",            "\xC2\xA9 2022 Koranku",
      " -- ",                 "Semarang, CNN Indonesia -- ", "\n\n",
      "\n\n",                 "UTRECHT - ",                  "(ANP) ",
      "Artikel ini telah tayang di Koranku.com dengan judul Y"};
  size_t np = sizeof pieces / sizeof *pieces, total = 0, datelines = 0;
  unsigned seed = 99u;
  for (unsigned round = 0; round < 3000; round++) {
    char text[2048];
    size_t w = 0, parts = 1 + ((seed = seed * 1103515245u + 12345u) >> 16) % 24;
    for (size_t j = 0; j < parts; j++) {
      seed = seed * 1103515245u + 12345u;
      const char *p = pieces[(seed >> 8) % np];
      size_t len = strlen(p);
      if (w + len >= sizeof text)
        break;
      memcpy(text + w, p, len);
      w += len;
    }
    kabar_error err;
    kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, text, w, round % 2 ? "id" : "nl", 0, &err);
    assert_non_null(doc);
    kabar_span prev = {0, 0};
    for (size_t i = 0; i < kabar_doc_cut_count(doc); i++) {
      kabar_span sp, bs;
      kabar_cut_kind kind;
      size_t block;
      assert_int_equal(kabar_doc_cut(doc, i, &sp, &kind, &block, NULL), KABAR_OK);
      assert_int_equal(kabar_doc_block(doc, block, &bs, NULL), KABAR_OK);
      if (sp.start >= sp.end || sp.start < bs.start || sp.end > bs.end || sp.start < prev.end)
        fail_msg("cut %zu [%zu,%zu) (block [%zu,%zu), the cut before ends at %zu) in \"%.*s\"", i,
                 sp.start, sp.end, bs.start, bs.end, prev.end, (int)w, text);
      datelines += kind == KABAR_CUT_DATELINE;
      total++;
      prev = sp;
    }
    kabar_doc_free(doc);
  }
  assert_true(datelines > 100 && total > datelines * 3); /* both kinds were made */
}

/* Longer subjects, which the SSE2 scan takes 64 bytes at a time with an overlapping last
 * group: every length up to 200 (ending where the allocation does), one odd byte next to
 * each 16- and 64-byte boundary, random text, and lists that hold 95, 96 and 97 bytes of
 * the listed classes (the last fits, the next overflows) placed first, last or spread. */
static void test_byte_classes_long(void **state) {
  (void)state;
  unsigned seed = 4242u;
  for (size_t n = 16; n <= 200; n++) {
    char *buf = malloc(n);
    assert_non_null(buf);
    for (size_t at = 0; at < n; at++) {
      size_t r = at % 16;
      if (r != 0 && r != 15 && at + 1 != n && at + 2 != n)
        continue;
      static const unsigned char odd[] = {'A', 'Z', '(', 0x80, 0xC2, 0xE2, 0xFF, 0};
      for (size_t k = 0; k < sizeof odd; k++) {
        memset(buf, 'e', n);
        buf[at] = (char)odd[k];
        check_classes(buf, n);
      }
    }
    for (unsigned round = 0; round < 20; round++) {
      for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 16;
        buf[i] = r % 3 == 0 ? (char)((r >> 2) & 0xFF) : (char)"ab c9"[(r >> 2) % 5];
      }
      check_classes(buf, n);
    }
    for (size_t count = 95; count <= 97 && count <= n; count++)
      for (int place = 0; place < 3; place++) {
        memset(buf, 'e', n);
        for (size_t k = 0; k < count; k++) {
          size_t at = place == 0 ? k : place == 1 ? n - 1 - k : k * n / count;
          buf[at] = (char)('A' + k % 26);
        }
        check_classes(buf, n);
      }
    free(buf);
  }
}

/* A language's rules and the common ones are visited as one merged set: the common rules
 * still come first for each action (the first block or dateline rule that matches names the
 * result), the language's rules all still apply, and a rule file of either kind keeps working
 * alone. */
static void test_common_rules_first(void **state) {
  (void)state;
  char *dir = test_make_data_dir();
  test_write_file(dir, "common/boilerplate.rules",
                  "block shared-common ^Shared line$\n"
                  "cut cut-common XQX\n"
                  "dateline dateline-common ^KOTA -\\s\n");
  test_write_file(dir, "id/boilerplate.rules",
                  "block shared-id ^Shared line$\n"
                  "block only-id ^Only id line$\n"
                  "cut cut-id QZQ\n"
                  "dateline dateline-id ^KOTA -\\s\n"
                  "dateline dateline-id-only ^DESA -\\s\n");
  test_write_file(dir, "nl/boilerplate.rules", "# none\n");
  kabar_ctx *ctx = test_ctx_at(dir);
  kabar_error err;
  static const char text[] = "KOTA - Warga menanam padi di sawah, XQX dan QZQ lagi.\n\n"
                             "DESA - Warga lain menanam jagung di ladang hari ini.\n\n"
                             "Shared line\n\nOnly id line\n\nWarga menanam padi lagi.";
  static const char *const langs[] = {"id", "nl"};
  for (size_t l = 0; l < 2; l++) {
    kabar_doc *doc = kabar_doc_new_lang(ctx, text, sizeof text - 1, langs[l], 0, &err);
    assert_non_null(doc);
    int id = l == 0;
    assert_string_equal(kabar_doc_block_rule(doc, 2), "shared-common");
    if (id)
      assert_string_equal(kabar_doc_block_rule(doc, 3), "only-id");
    else
      assert_null(kabar_doc_block_rule(doc, 3));
    /* in input order; in Dutch the common rules' two come first (the Indonesian blocks may
     * bring the Indonesian rules along) */
    const char *want[][2] = {{"KOTA - ", "dateline-common"}, {" XQX", "cut-common"},
                             {" QZQ", "cut-id"},           {"DESA - ", "dateline-id-only"}};
    size_t ncuts = id ? 4 : 2;
    assert_true(kabar_doc_cut_count(doc) == 4 || (!id && kabar_doc_cut_count(doc) >= 2));
    for (size_t i = 0; i < ncuts; i++) {
      kabar_span sp;
      const char *rule = NULL;
      assert_int_equal(kabar_doc_cut(doc, i, &sp, NULL, NULL, &rule), KABAR_OK);
      assert_string_equal(rule, want[i][1]);
      assert_int_equal(sp.end - sp.start, strlen(want[i][0]));
      assert_memory_equal(text + sp.start, want[i][0], strlen(want[i][0]));
    }
    kabar_doc_free(doc);
  }
  kabar_ctx_free(ctx);
  test_rm_tree(dir);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_byte_classes),
      cmocka_unit_test(test_byte_classes_long),
      cmocka_unit_test(test_filter_never_drops_a_match),
      cmocka_unit_test(test_filter_on_context_rules),
      cmocka_unit_test(test_cuts_merge_by_kind),
      cmocka_unit_test(test_article_cuts_in_order),
      cmocka_unit_test(test_common_rules_first),
  };
  return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
