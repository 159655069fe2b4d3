/* Hostile inputs (issue 6): every class of ill-formed UTF-8, NULs, bidi and zero-width
 * controls, combining-mark floods, emoji sequences, one huge paragraph, a flood of tiny
 * paragraphs, text built to make every boilerplate rule backtrack, and a tiny regex limit.
 *
 * Every case asserts a clear status and the invariants (spans in bounds and on boundaries of
 * the input, the cleaned text well-formed UTF-8); none asserts a time. bench/hostile.sh times
 * the same classes at N and 4N to show they are linear.
 *
 * Sizes: the long paragraph is 8 MB and the paragraph flood 100,000 paragraphs; with
 * KABAR_HOSTILE_FULL=1 in the environment they are 100 MB and 1,000,000 (and the rule floods
 * 4x larger), as the issue asks. */
#define _XOPEN_SOURCE 700
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int full_size(void) {
  const char *v = getenv("KABAR_HOSTILE_FULL");
  return v && strcmp(v, "1") == 0;
}

/* ---- a growable byte buffer ------------------------------------------------------------ */

typedef struct buf {
  char *p;
  size_t n, cap;
} buf;

static void put(buf *b, const void *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1)
      cap *= 2;
    b->p = realloc(b->p, cap);
    assert_non_null(b->p);
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_rep(buf *b, const char *s, size_t times) {
  size_t n = strlen(s);
  for (size_t i = 0; i < times; i++)
    put(b, s, n);
}

/* ---- a reference UTF-8 segmenter (Unicode 15, table 3-7; maximal subparts) ------------- */

/* Length of the well-formed sequence at s[0..n) (*ok = 1), or of its maximal ill-formed
 * subpart (*ok = 0): what a U+FFFD replaces under the W3C/Unicode practice. */
static size_t ref_unit(const unsigned char *s, size_t n, int *ok) {
  unsigned char c = s[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  *ok = 0;
  if (c < 0x80) {
    *ok = 1;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF)
    need = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    lo = c == 0xE0 ? 0xA0 : 0x80;
    hi = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;
  } else
    return 1;
  for (size_t i = 1; i < need; i++) {
    if (i >= n || s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF))
      return i;
  }
  *ok = 1;
  return need;
}

/* Offset of the first ill-formed byte, or n. */
static size_t ref_first_bad(const char *text, size_t n) {
  const unsigned char *s = (const unsigned char *)text;
  for (size_t i = 0; i < n;) {
    int ok;
    size_t u = ref_unit(s + i, n - i, &ok);
    if (!ok)
      return i;
    i += u;
  }
  return n;
}

/* boundary[i] (i in [0, n]) says whether offset i starts a unit (a code point or a maximal
 * ill-formed subpart) or is the end. */
static unsigned char *ref_boundaries(const char *text, size_t n) {
  const unsigned char *s = (const unsigned char *)text;
  unsigned char *b = calloc(n + 1, 1);
  assert_non_null(b);
  for (size_t i = 0; i < n;) {
    int ok;
    b[i] = 1;
    i += ref_unit(s + i, n - i, &ok);
  }
  b[n] = 1;
  return b;
}

static void assert_well_formed(const char *s, size_t n, const char *what) {
  size_t bad = ref_first_bad(s, n);
  if (bad != n)
    fail_msg("%s: ill-formed UTF-8 at byte %zu of %zu", what, bad, n);
}

/* ---- invariants of a document --------------------------------------------------------- */

static void check_span(const unsigned char *bound, size_t len, kabar_span sp, const char *what,
                       size_t i) {
  if (sp.start > sp.end || sp.end > len || !bound[sp.start] || !bound[sp.end])
    fail_msg("%s %zu: span [%zu, %zu) of %zu bytes is out of bounds or not on a boundary", what,
             i, sp.start, sp.end, len);
}

/* Every span of the doc lies in [0, len] on a boundary of the input's units: code points
 * where the input is valid, and the ends of the ill-formed subparts a U+FFFD replaced. */
static void check_doc(const kabar_doc *doc, const char *text, size_t len) {
  assert_int_equal(kabar_doc_input_size(doc), len);
  unsigned char *bound = ref_boundaries(text, len);
  kabar_span sp;
  for (size_t i = 0; i < kabar_doc_block_count(doc); i++) {
    assert_int_equal(kabar_doc_block(doc, i, &sp, NULL), KABAR_OK);
    check_span(bound, len, sp, "block", i);
    size_t dup = kabar_doc_block_duplicate_of(doc, i);
    assert_true(dup == KABAR_NO_INDEX || dup < i);
  }
  size_t prev = 0;
  for (size_t i = 0; i < kabar_doc_cut_count(doc); i++) {
    size_t block;
    assert_int_equal(kabar_doc_cut(doc, i, &sp, NULL, &block, NULL), KABAR_OK);
    check_span(bound, len, sp, "cut", i);
    assert_true(sp.start >= prev && block < kabar_doc_block_count(doc));
    prev = sp.start;
  }
  for (size_t i = 0; i < kabar_doc_sentence_count(doc); i++) {
    assert_int_equal(kabar_doc_sentence(doc, i, &sp, NULL), KABAR_OK);
    check_span(bound, len, sp, "sentence", i);
  }
  for (size_t i = 0; i < kabar_doc_token_count(doc); i++) {
    const char *stem = NULL;
    assert_int_equal(kabar_doc_token(doc, i, &sp, &stem, NULL), KABAR_OK);
    check_span(bound, len, sp, "token", i);
    assert_non_null(stem);
    assert_well_formed(stem, strlen(stem), "stem");
  }
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    size_t mentions = 0;
    const char *name = NULL;
    assert_int_equal(kabar_doc_entity(doc, e, NULL, &name, &mentions), KABAR_OK);
    assert_non_null(name);
    assert_well_formed(name, strlen(name), "entity name");
    assert_true(mentions >= 1);
    for (size_t m = 0; m < mentions; m++) {
      assert_int_equal(kabar_doc_entity_mention(doc, e, m, &sp), KABAR_OK);
      check_span(bound, len, sp, "mention", m);
    }
  }
  size_t clen = 0;
  const char *clean = kabar_doc_text(doc, &clen);
  assert_non_null(clean);
  assert_int_equal(clean[clen], '\0');
  assert_null(memchr(clean, '\0', clen)); /* NULs are spaces */
  assert_well_formed(clean, clen, "cleaned text");
  free(bound);
}

/* Analyses text; asserts OK and the invariants. */
static void expect_ok(const kabar_ctx *ctx, const char *text, size_t len, uint32_t flags,
                      const char *what) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(ctx, text, len, flags, &err);
  if (!doc)
    fail_msg("%s: %s at byte %zu", what, kabar_strerror(err.code), err.offset);
  assert_int_equal(err.code, KABAR_OK);
  check_doc(doc, text, len);
  kabar_doc_free(doc);
}

static kabar_ctx *ctx_with(size_t max_input, size_t max_blocks, size_t max_tokens,
                           uint32_t match_limit) {
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = KABAR_TEST_CORPORA;
  opts.max_input_bytes = max_input;
  opts.max_blocks = max_blocks;
  opts.max_tokens = max_tokens;
  opts.regex_match_limit = match_limit;
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&opts, &err);
  if (!ctx)
    fail_msg("kabar_ctx_new: %s", kabar_strerror(err.code));
  return ctx;
}

/* ---- ill-formed UTF-8 ----------------------------------------------------------------- */

typedef struct bad_case {
  const char *name;
  const char *bytes;
  size_t len;
  int at_end; /* the bytes end the input (a truncation at the very end) */
  size_t first_bad; /* offset of the first bad byte in bytes */
} bad_case;

#define BAD(name, s, at_end) {name, s, sizeof s - 1, at_end, 0}
static const bad_case bad_cases[] = {
    BAD("overlong 2-byte NUL C0 80", "\xC0\x80", 0),
    BAD("overlong 2-byte C1 BF", "\xC1\xBF", 0),
    BAD("overlong 3-byte E0 80 80", "\xE0\x80\x80", 0),
    BAD("overlong 3-byte E0 9F BF", "\xE0\x9F\xBF", 0),
    BAD("overlong 4-byte F0 80 80 80", "\xF0\x80\x80\x80", 0),
    BAD("overlong 4-byte F0 8F BF BF", "\xF0\x8F\xBF\xBF", 0),
    BAD("high surrogate ED A0 80", "\xED\xA0\x80", 0),
    BAD("low surrogate ED BF BF", "\xED\xBF\xBF", 0),
    BAD("surrogate pair as CESU-8", "\xED\xA0\xBD\xED\xB8\x80", 0),
    BAD("above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80", 0),
    BAD("above U+10FFFF F5 80 80 80", "\xF5\x80\x80\x80", 0),
    BAD("above U+10FFFF F7 BF BF BF", "\xF7\xBF\xBF\xBF", 0),
    BAD("5-byte form F8 88 80 80 80", "\xF8\x88\x80\x80\x80", 0),
    BAD("6-byte form FC 84 80 80 80 80", "\xFC\x84\x80\x80\x80\x80", 0),
    BAD("FE", "\xFE", 0),
    BAD("FF", "\xFF", 0),
    BAD("FE FF byte-order mark of UTF-16", "\xFE\xFF", 0),
    BAD("stray continuation 80", "\x80", 0),
    BAD("stray continuations BF 80 BF", "\xBF\x80\xBF", 0),
    {"continuation after a complete sequence", "\xC3\xA9\x80", 3, 0, 2},
    BAD("truncated 2-byte in the middle", "\xC3", 0),
    BAD("truncated 3-byte in the middle", "\xE2\x82", 0),
    BAD("truncated 4-byte in the middle", "\xF0\x9F\x98", 0),
    BAD("truncated 2-byte at the end", "\xC3", 1),
    BAD("truncated 3-byte at the end", "\xE2\x82", 1),
    BAD("truncated 4-byte at the end", "\xF0\x9F\x98", 1),
    BAD("lead byte then ASCII", "\xE2\x41\x42", 0),
    BAD("lead byte then a lead byte", "\xE2\xE2\x82\xAC", 0),
    BAD("many bad bytes", "\xC0\xC1\xF5\xF6\xF7\xF8\xF9\xFA\xFB\xFC\xFD\xFE\xFF", 0),
};

static const char bad_before[] = "Harga beras di Pasar Induk naik lagi ";
static const char bad_after[] = " pada Senin pagi.\n\nPedagang mengeluh pembeli sepi.";

static void test_invalid_utf8_classes(void **state) {
  (void)state;
  for (size_t k = 0; k < sizeof bad_cases / sizeof *bad_cases; k++) {
    const bad_case *c = &bad_cases[k];
    buf b = {0};
    puts_(&b, bad_before);
    size_t at = b.n + c->first_bad;
    put(&b, c->bytes, c->len);
    assert_int_equal(ref_first_bad(b.p, b.n), at);
    if (!c->at_end)
      puts_(&b, bad_after);
    kabar_error err;
    /* strict: KABAR_EUTF8 at the first bad byte, for documents and normalisation */
    kabar_doc *doc = kabar_doc_new(test_group_ctx, b.p, b.n, 0, &err);
    if (doc || err.code != KABAR_EUTF8 || err.offset != at)
      fail_msg("%s: expected KABAR_EUTF8 at %zu, got %s at %zu", c->name, at,
               kabar_strerror(err.code), err.offset);
    assert_null(kabar_normalize(test_group_ctx, b.p, b.n, 0, NULL, NULL, &err));
    assert_int_equal(err.code, KABAR_EUTF8);
    assert_int_equal(err.offset, at);
    /* repaired: a document over the original bytes */
    expect_ok(test_group_ctx, b.p, b.n, KABAR_DOC_REPLACE_INVALID, c->name);
    doc = kabar_doc_new(test_group_ctx, b.p, b.n, KABAR_DOC_REPLACE_INVALID, &err);
    assert_non_null(doc);
    size_t clen;
    const char *clean = kabar_doc_text(doc, &clen);
    assert_non_null(strstr(clean, "\xEF\xBF\xBD")); /* U+FFFD where the bad bytes were */
    kabar_doc_free(doc);
    /* normalisation: well-formed output, a map into the original in order */
    size_t nlen, *map;
    char *norm = kabar_normalize(test_group_ctx, b.p, b.n, KABAR_NORMALIZE_REPLACE_INVALID,
                                 &nlen, &map, &err);
    assert_non_null(norm);
    assert_well_formed(norm, nlen, c->name);
    for (size_t i = 0; i < nlen; i++)
      assert_true(map[i] <= map[i + 1] && map[i] < b.n);
    assert_int_equal(map[nlen], b.n);
    kabar_free(norm);
    kabar_free(map);
    free(b.p);
  }
}

/* Every lead byte 80..FF followed by bytes from each interesting range: the library's first
 * bad offset is the reference's, and the repaired document keeps the invariants. */
static void test_invalid_utf8_exhaustive(void **state) {
  (void)state;
  static const unsigned char second[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90,
                                         0x9F, 0xA0, 0xBF, 0xC0, 0xC3, 0xFF};
  static const unsigned char third[] = {0x80, 0xBF, 0x41};
  static const unsigned char fourth[] = {0x80, 0x20};
  for (unsigned lead = 0x80; lead <= 0xFF; lead++)
    for (size_t i = 0; i < sizeof second; i++)
      for (size_t j = 0; j < sizeof third; j++)
        for (size_t k = 0; k < sizeof fourth; k++) {
          char text[] = "kata XXXX lain";
          text[5] = (char)lead;
          text[6] = (char)second[i];
          text[7] = (char)third[j];
          text[8] = (char)fourth[k];
          size_t len = sizeof text - 1, bad = ref_first_bad(text, len);
          kabar_error err;
          kabar_doc *doc = kabar_doc_new(test_group_ctx, text, len, 0, &err);
          if (bad == len) {
            if (!doc)
              fail_msg("%02X %02X %02X %02X: valid, got %s", lead, second[i], third[j],
                       fourth[k], kabar_strerror(err.code));
            check_doc(doc, text, len);
            kabar_doc_free(doc);
            continue;
          }
          if (doc || err.code != KABAR_EUTF8 || err.offset != bad)
            fail_msg("%02X %02X %02X %02X: expected KABAR_EUTF8 at %zu, got %s at %zu", lead,
                     second[i], third[j], fourth[k], bad, kabar_strerror(err.code), err.offset);
          if (k == 0 && j == 0)
            expect_ok(test_group_ctx, text, len, KABAR_DOC_REPLACE_INVALID, "exhaustive");
        }
}

/* Invalid bytes in every position of a longer text, repaired: spans stay on the input's
 * boundaries even with many replacements before them. */
static void test_invalid_utf8_dense(void **state) {
  (void)state;
  size_t len;
  char *text = test_read_sample("id-cyber-pact.txt", &len);
  static const char *const junk[] = {"\xFF", "\xC3", "\xE2\x82", "\xED\xA0\x80", "\x80\x80",
                                     "\xF0\x9F\x98", "\xF8\x88\x80\x80\x80"};
  buf b = {0};
  for (size_t i = 0; i < len; i++) {
    put(&b, text + i, 1);
    if (i % 37 == 0 && ((unsigned char)text[i + 1] & 0xC0) != 0x80)
      puts_(&b, junk[(i / 37) % (sizeof junk / sizeof *junk)]);
  }
  expect_ok(test_group_ctx, b.p, b.n, KABAR_DOC_REPLACE_INVALID, "dense invalid bytes");
  kabar_error err;
  assert_null(kabar_doc_new(test_group_ctx, b.p, b.n, 0, &err));
  assert_int_equal(err.code, KABAR_EUTF8);
  assert_int_equal(err.offset, ref_first_bad(b.p, b.n));
  /* only invalid bytes */
  b.n = 0;
  for (size_t i = 0; i < 4096; i++)
    puts_(&b, junk[i % (sizeof junk / sizeof *junk)]);
  expect_ok(test_group_ctx, b.p, b.n, KABAR_DOC_REPLACE_INVALID, "only invalid bytes");
  free(b.p);
  free(text);
}

/* ---- NULs, controls, combining marks, emoji ------------------------------------------- */

static void test_nul_bytes(void **state) {
  (void)state;
  static const char text[] = "Satu\0dua tiga.\0\0 Empat lima\0\n\nEnam\0\0\0tujuh delapan.\0";
  expect_ok(test_group_ctx, text, sizeof text - 1, 0, "NULs in text");
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(test_group_ctx, text, sizeof text - 1, 0, &err);
  assert_non_null(doc);
  assert_int_equal(kabar_doc_block_count(doc), 2);
  assert_true(kabar_doc_token_count(doc) >= 8);
  kabar_doc_free(doc);
  /* only NULs, and NULs between every word */
  buf b = {0};
  for (int i = 0; i < 1 << 14; i++)
    put(&b, "\0\0\0\0\0\0\0\0", 8); /* 128 KiB */
  expect_ok(test_group_ctx, b.p, b.n, 0, "only NULs");
  b.n = 0;
  for (int i = 0; i < 20000; i++)
    put(&b, "kata\0", 5);
  expect_ok(test_group_ctx, b.p, b.n, 0, "NUL-separated words");
  free(b.p);
}

static void test_bidi_and_zero_width(void **state) {
  (void)state;
  static const char *const controls[] = {
      "\xE2\x80\xAE", /* U+202E RIGHT-TO-LEFT OVERRIDE */
      "\xE2\x80\xAD", /* U+202D LEFT-TO-RIGHT OVERRIDE */
      "\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", /* LRE, RLE, PDF */
      "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9", /* U+2066..2069 */
      "\xE2\x80\x8E", "\xE2\x80\x8F", /* LRM, RLM */
      "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", /* ZWSP, ZWNJ, ZWJ */
      "\xE2\x81\xA0", "\xEF\xBB\xBF", "\xC2\xAD",     /* WJ, BOM, soft hyphen */
  };
  size_t nc = sizeof controls / sizeof *controls;
  buf b = {0};
  /* inside words, between words, alone as paragraphs, and unbalanced at the end */
  for (int i = 0; i < 400; i++) {
    const char *c = controls[(size_t)i % nc];
    puts_(&b, "Pre");
    puts_(&b, c);
    puts_(&b, "siden Jo");
    puts_(&b, c);
    puts_(&b, "kowi ");
    puts_(&b, c);
    puts_(&b, " berkunjung ke Sura");
    puts_(&b, controls[(size_t)(i + 3) % nc]);
    puts_(&b, "baya.");
    if (i % 10 == 9) {
      puts_(&b, "\n\n");
      puts_(&b, c);
      puts_(&b, controls[(size_t)(i + 1) % nc]);
      puts_(&b, "\n\n");
    } else
      puts_(&b, " ");
  }
  put_rep(&b, "\xE2\x80\xAE", 2000);
  expect_ok(test_group_ctx, b.p, b.n, 0, "bidi and zero-width controls");
  /* normalisation removes them */
  kabar_error err;
  size_t nlen;
  char *norm = kabar_normalize(test_group_ctx, b.p, b.n, 0, &nlen, NULL, &err);
  assert_non_null(norm);
  assert_well_formed(norm, nlen, "normalised controls");
  for (size_t i = 0; i < nc; i++)
    if (strstr(norm, controls[i]))
      fail_msg("control %zu survived normalisation", i);
  kabar_free(norm);
  /* a flood of one control: 1 MB of U+202E, then of U+200B */
  b.n = 0;
  put_rep(&b, "\xE2\x80\xAE", 1 << 18);
  put_rep(&b, "kata \xE2\x80\x8B", 1 << 14);
  expect_ok(test_group_ctx, b.p, b.n, 0, "control flood");
  free(b.p);
}

static void test_combining_flood(void **state) {
  (void)state;
  buf b = {0};
  /* 1 MB of U+0301 on one letter */
  puts_(&b, "Kata pertama e");
  put_rep(&b, "\xCC\x81", 1 << 19);
  puts_(&b, " kata terakhir.");
  expect_ok(test_group_ctx, b.p, b.n, 0, "1 MB of U+0301 on one letter");
  size_t nlen;
  kabar_error err;
  char *norm = kabar_normalize(test_group_ctx, b.p, b.n, 0, &nlen, NULL, &err);
  assert_non_null(norm);
  assert_well_formed(norm, nlen, "normalised flood");
  kabar_free(norm);
  /* marks with no base at all, mixed marks, and a mark on every letter */
  b.n = 0;
  put_rep(&b, "\xCC\x81\xCC\x82\xCC\x83\xCC\x84\xD9\x8B\xE0\xA4\xBC\xE2\x83\x9D", 1 << 15);
  puts_(&b, "\n\n");
  put_rep(&b, "k\xCC\x81" "a\xCC\x88t\xCC\xA7" "a ", 1 << 14);
  expect_ok(test_group_ctx, b.p, b.n, 0, "mixed mark floods");
  free(b.p);
}

static void test_emoji_sequences(void **state) {
  (void)state;
  static const char *const emoji[] = {
      /* family, ZWJ sequence */
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D\xF0\x9F\x91\xA6",
      "\xF0\x9F\x87\xAE\xF0\x9F\x87\xA9",               /* flag ID */
      "\xF0\x9F\x87\xB3",                               /* a lone regional indicator */
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",               /* thumbs up, skin tone */
      "1\xEF\xB8\x8F\xE2\x83\xA3",                      /* keycap 1 */
      "\xF0\x9F\x8F\xB3\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x8C\x88", /* rainbow flag */
      "\xE2\x80\x8D\xE2\x80\x8D\xE2\x80\x8D",           /* ZWJ alone */
  };
  size_t ne = sizeof emoji / sizeof *emoji;
  buf b = {0};
  for (int i = 0; i < 3000; i++) {
    puts_(&b, "Warga");
    puts_(&b, emoji[(size_t)i % ne]);
    puts_(&b, " merayakan ");
    puts_(&b, emoji[(size_t)(i + 1) % ne]);
    puts_(&b, emoji[(size_t)(i + 2) % ne]);
    puts_(&b, i % 20 == 19 ? ".\n\n" : ". ");
  }
  /* a ZWJ chain of 20,000 emoji in one "word" */
  put_rep(&b, "\xF0\x9F\x91\xA8\xE2\x80\x8D", 20000);
  expect_ok(test_group_ctx, b.p, b.n, 0, "emoji and ZWJ sequences");
  free(b.p);
}

/* ---- size and count limits ------------------------------------------------------------- */

static void test_long_paragraph(void **state) {
  (void)state;
  size_t mb = full_size() ? 100 : 8;
  static const char unit[] = "kata yang panjang sekali dan terus berlanjut tanpa henti, ";
  buf b = {0};
  size_t want = mb << 20;
  b.p = malloc(want + sizeof unit);
  assert_non_null(b.p);
  b.cap = want + sizeof unit;
  while (b.n + sizeof unit - 1 <= want)
    put(&b, unit, sizeof unit - 1);
  while (b.n < want)
    put(&b, "a", 1);
  expect_ok(test_group_ctx, b.p, b.n, 0, "one long paragraph");
  /* a smaller input limit: KABAR_ELIMIT at the limit */
  size_t limit = b.n / 2 + 3;
  kabar_ctx *small = ctx_with(limit, 0, 0, 0);
  kabar_error err;
  assert_null(kabar_doc_new(small, b.p, b.n, 0, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, limit);
  assert_null(kabar_normalize(small, b.p, b.n, 0, NULL, NULL, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, limit);
  /* at the limit is fine */
  expect_ok(small, b.p, limit, 0, "input at the limit");
  kabar_ctx_free(small);
  /* one "sentence" of 20,000 words: tagged in windows, names still found near its end */
  b.n = 0;
  for (int i = 0; i < 2000; i++)
    puts_(&b, i == 1990 ? "kemudian Presiden Joko Widodo datang ke Surabaya dan "
                        : "warga kota yang terus menunggu hasil rapat tanpa henti ");
  kabar_doc *doc = kabar_doc_new(test_group_ctx, b.p, b.n, 0, &err);
  assert_non_null(doc);
  check_doc(doc, b.p, b.n);
  assert_int_equal(kabar_doc_sentence_count(doc), 1);
  size_t found = 0;
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    const char *name;
    assert_int_equal(kabar_doc_entity(doc, e, NULL, &name, NULL), KABAR_OK);
    found += strstr(name, "Widodo") != NULL;
  }
  assert_int_equal(found, 1);
  kabar_doc_free(doc);
  free(b.p);
}

static void test_paragraph_flood(void **state) {
  (void)state;
  size_t n = full_size() ? 1000000 : 100000;
  buf b = {0};
  put_rep(&b, "a\n\n", n);
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(test_group_ctx, b.p, b.n, 0, &err);
  if (!doc)
    fail_msg("paragraph flood: %s at %zu", kabar_strerror(err.code), err.offset);
  assert_int_equal(kabar_doc_block_count(doc), n);
  assert_int_equal(kabar_doc_token_count(doc), n);
  check_doc(doc, b.p, b.n);
  kabar_doc_free(doc);
  /* max_blocks: KABAR_ELIMIT at the first block over, i.e. block 1000's start */
  kabar_ctx *few = ctx_with(0, 1000, 0, 0);
  assert_null(kabar_doc_new(few, b.p, b.n, 0, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, 1000 * 3);
  expect_ok(few, b.p, 1000 * 3, 0, "1000 blocks under max_blocks 1000");
  kabar_ctx_free(few);
  /* max_tokens likewise */
  few = ctx_with(0, 0, 1000, 0);
  assert_null(kabar_doc_new(few, b.p, b.n, 0, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, 1000 * 3);
  expect_ok(few, b.p, 1000 * 3, 0, "1000 tokens under max_tokens 1000");
  /* tokens in one paragraph, and after repaired bytes: the offset is the input's */
  b.n = 0;
  put_rep(&b, "\xFF" "kata ", 2000);
  assert_null(kabar_doc_new(few, b.p, b.n, KABAR_DOC_REPLACE_INVALID, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, 1000 * 6 + 1);
  kabar_ctx_free(few);
  free(b.p);
}

/* ---- boilerplate rules made to backtrack ----------------------------------------------- */

/* One piece of a pattern: a sample of the text it matches, and whether it is repeated. */
typedef struct atom {
  char s[16];
  int repeated;
} atom;

static void set_sample(atom *a, const char *s) {
  snprintf(a->s, sizeof a->s, "%s", s);
  a->repeated = 0;
}

/* A sample for an escape at p (after the backslash); returns the bytes consumed. */
static size_t escape_sample(const char *p, char *out, size_t cap) {
  char c = p[0];
  if (c == 'p' || c == 'P') {
    const char *name = p + 1;
    size_t used = 2, nlen = 1;
    if (*name == '{') {
      const char *end = strchr(name, '}');
      assert_non_null(end);
      name++;
      nlen = (size_t)(end - name);
      used = (size_t)(end - p) + 1;
    }
    const char *s = "a";
    if (c == 'P')
      s = "!";
    else if (nlen >= 2 && strncmp(name, "Lu", 2) == 0)
      s = "A";
    else if (name[0] == 'N')
      s = "7";
    else if (name[0] == 'P')
      s = ",";
    else if (name[0] == 'S')
      s = "+";
    snprintf(out, cap, "%s", s);
    return used;
  }
  const char *s;
  switch (c) {
  case 's': s = " "; break;
  case 'S': s = "x"; break;
  case 'd': s = "5"; break;
  case 'D': s = "x"; break;
  case 'w': s = "w"; break;
  case 'W': s = " "; break;
  case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': s = ""; break;
  default: {
    size_t n = 1;
    while (((unsigned char)p[n] & 0xC0) == 0x80)
      n++;
    snprintf(out, cap, "%.*s", (int)n, p);
    return n;
  }
  }
  snprintf(out, cap, "%s", s);
  return 1;
}

/* Splits a PCRE2 pattern into atoms: literal runs, escapes, classes and dots, each with a
 * sample; group syntax, anchors and alternation bars are dropped, quantifiers mark the atom
 * before them as repeated. Crude, but every literal and class fragment gets a sample. */
static size_t atomize(const char *pat, atom *out, size_t max) {
  size_t n = 0;
  const char *p = pat;
  while (*p && n < max) {
    char c = *p;
    if (c == '(') {
      p++;
      if (*p == '?') {
        p++;
        while (*p && *p != ':' && *p != ')' && *p != '=' && *p != '!')
          p++; /* (?i:  (?<=  (?<! */
        if (*p == ')') {
          p++; /* (?i) */
          continue;
        }
        if (*p)
          p++;
      }
      continue;
    }
    if (c == ')' || c == '|' || c == '^' || c == '$') {
      p++;
      continue;
    }
    if (c == '*' || c == '+' || c == '?' || c == '{') {
      if (c == '{') {
        const char *end = strchr(p, '}');
        assert_non_null(end);
        p = end + 1;
      } else
        p++;
      if (*p == '+' || *p == '?')
        p++; /* possessive or lazy */
      if (n > 0)
        out[n - 1].repeated = 1;
      continue;
    }
    atom *a = &out[n++];
    if (c == '\\') {
      p += 1 + escape_sample(p + 1, a->s, sizeof a->s);
      a->repeated = 0;
      if (!a->s[0])
        n--; /* an assertion */
    } else if (c == '[') {
      const char *q = p + 1;
      int neg = *q == '^';
      if (neg)
        q++;
      char first[16] = "";
      if (*q == ']') {
        snprintf(first, sizeof first, "]");
        q++;
      }
      while (*q && *q != ']') {
        if (*q == '\\') {
          char tmp[16];
          size_t used = escape_sample(q + 1, tmp, sizeof tmp);
          if (!first[0])
            snprintf(first, sizeof first, "%s", tmp);
          q += 1 + used;
        } else {
          size_t k = 1;
          while (((unsigned char)q[k] & 0xC0) == 0x80)
            k++;
          if (!first[0])
            snprintf(first, sizeof first, "%.*s", (int)k, q);
          q += k;
        }
      }
      assert_int_equal(*q, ']');
      p = q + 1;
      set_sample(a, neg ? "q" : first);
    } else if (c == '.') {
      p++;
      set_sample(a, "x");
    } else {
      /* a literal run; a quantifier after it repeats its last character only, but the run is
       * what the generator floods */
      size_t k = 0;
      while (p[k] && !strchr("\\[().*+?{|^$)", p[k]) && k < sizeof a->s - 5) {
        size_t m = 1;
        while (((unsigned char)p[k + m] & 0xC0) == 0x80)
          m++;
        k += m;
      }
      snprintf(a->s, sizeof a->s, "%.*s", (int)k, p);
      a->repeated = 0;
      p += k;
    }
  }
  return n;
}

typedef struct rule_stats {
  size_t rules, docs, bytes, limited;
} rule_stats;

/* Analyses one adversarial text for a rule: OK (with the invariants) or KABAR_ELIMIT from
 * the regex limit, with an offset inside the input; never anything else. */
static void try_text(rule_stats *st, const char *rule, const char *lang, const char *text,
                     size_t len) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, text, len, lang,
                                      KABAR_DOC_NO_ENTITIES, &err);
  st->docs++;
  st->bytes += len;
  if (doc) {
    check_doc(doc, text, len);
    kabar_doc_free(doc);
    return;
  }
  if (err.code != KABAR_ELIMIT || err.offset > len)
    fail_msg("rule %s: %s at %zu on \"%.40s...\" (%zu bytes)", rule, kabar_strerror(err.code),
             err.offset, text, len);
  st->limited++;
  print_message("rule %s: KABAR_ELIMIT at byte %zu of %zu (\"%.30s...\")\n", rule, err.offset,
                len, text);
}

static void flood_rule(rule_stats *st, const char *name, const char *lang, const char *pat,
                       size_t flood) {
  atom atoms[512];
  size_t n = atomize(pat, atoms, 512);
  buf b = {0};
  /* the whole sample, and the sample many times over */
  for (size_t i = 0; i < n; i++)
    put_rep(&b, atoms[i].s, atoms[i].repeated ? 2 : 1);
  char *sample = strdup(b.p ? b.p : "");
  assert_non_null(sample);
  try_text(st, name, lang, b.p, b.n);
  size_t one = strlen(sample);
  while (one > 0 && b.n < flood)
    put(&b, sample, one);
  free(sample);
  try_text(st, name, lang, b.p, b.n);
  /* for each fragment: what precedes it once, then the fragment repeated, with and without
   * spaces between, and never the pattern's end */
  for (size_t i = 0; i < n; i++) {
    int seen = 0;
    for (size_t j = 0; j < i; j++)
      seen |= strcmp(atoms[j].s, atoms[i].s) == 0;
    if (seen || !atoms[i].s[0])
      continue;
    for (int spaced = 0; spaced < 2; spaced++) {
      if (spaced && strcmp(atoms[i].s, " ") == 0)
        continue;
      b.n = 0;
      for (size_t j = 0; j < i; j++)
        puts_(&b, atoms[j].s);
      size_t unit = strlen(atoms[i].s) + (size_t)spaced;
      size_t times = flood / unit + 1;
      for (size_t t = 0; t < times; t++) {
        puts_(&b, atoms[i].s);
        if (spaced)
          puts_(&b, " ");
      }
      puts_(&b, "\x01");
      try_text(st, name, lang, b.p, b.n);
    }
  }
  free(b.p);
}

static void flood_rules_file(rule_stats *st, const char *dir, const char *lang, size_t flood) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s/boilerplate.rules", KABAR_TEST_CORPORA, dir);
  size_t len;
  char *text = test_read_bytes(path, &len);
  text = realloc(text, len + 1);
  assert_non_null(text);
  text[len] = '\0';
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    while (*line == ' ' || *line == '\t')
      line++;
    if (!*line || *line == '#')
      continue;
    char action[32], name[64];
    int used = 0;
    if (sscanf(line, "%31s %63s %n", action, name, &used) != 2 || used == 0)
      fail_msg("%s: cannot read rule line \"%s\"", path, line);
    const char *pat = line + used;
    assert_true(*pat != '\0');
    st->rules++;
    flood_rule(st, name, lang, pat, flood);
  }
  free(text);
}

static void test_boilerplate_backtracking(void **state) {
  (void)state;
  size_t flood = full_size() ? 65536 : 16384;
  rule_stats st = {0};
  flood_rules_file(&st, "common", "id", flood);
  flood_rules_file(&st, "common", "nl", flood / 4);
  flood_rules_file(&st, "id", "id", flood);
  flood_rules_file(&st, "nl", "nl", flood);
  assert_true(st.rules >= 60);
  /* hand-made ones from the issue */
  static const struct {
    const char *lang, *head, *unit;
    size_t times;
  } hand[] = {
      {"id", "Baca juga", " ", 200000},
      {"id", "Baca juga", "a", 200000},
      {"id", "Baca juga: ", "Judul ", 30000},
      {"id", "Kata pembuka. Baca juga: ", "Judul Besar ", 15000},
      {"id", "Baca juga:", "Besar yang ", 15000},
      {"id", "(", "a", 100000},
      {"id", "(", "ab/", 30000},
      {"id", "(Kompas.com/", "Nama ", 20000},
      {"id", "", "a.", 50000},
      {"id", "Laporan ", "Nama ", 20000},
      {"id", "Reporter: ", "Nama ", 20000},
      {"id", "", "Ikuti Berita ", 10000},
      {"id", "[", "Gambas ", 20000},
      {"id", "", "SEMARANG ", 20000},
      {"id", "kata ", "Foto/", 20000},
      {"nl", "Lees ook", " ", 100000},
      {"nl", "Stuur uw mening ", "naar ", 20000},
      {"nl", "", "Tips? ", 20000},
      {"nl", "", "© ", 20000},
  };
  buf b = {0};
  for (size_t i = 0; i < sizeof hand / sizeof *hand; i++) {
    b.n = 0;
    puts_(&b, hand[i].head);
    put_rep(&b, hand[i].unit, hand[i].times);
    try_text(&st, hand[i].head, hand[i].lang, b.p, b.n);
  }
  free(b.p);
  print_message("boilerplate floods: %zu rules, %zu documents, %zu bytes, %zu at the regex "
                "limit\n", st.rules, st.docs, st.bytes, st.limited);
}

static const char *const samples[] = {
    "id-banjir-quote.txt", "id-cyber-pact.txt", "id-mixed-nl-quote.txt", "id-short.txt",
    "nl-chipfabriek.txt",  "nl-verkiezingen-crlf.txt", "nl-wrapped.txt"};

/* A tiny match limit on every sample: OK, or KABAR_ELIMIT where a rule ran out. */
static void test_tiny_regex_limit(void **state) {
  (void)state;
  kabar_ctx *tight = ctx_with(0, 0, 0, 10);
  for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
    size_t len;
    char *text = test_read_sample(samples[i], &len);
    kabar_error err;
    kabar_doc *doc = kabar_doc_new(tight, text, len, 0, &err);
    if (doc) {
      check_doc(doc, text, len);
      kabar_doc_free(doc);
    } else {
      assert_int_equal(err.code, KABAR_ELIMIT);
      assert_true(err.offset < len);
      assert_true(((unsigned char)text[err.offset] & 0xC0) != 0x80);
      assert_true(err.detail < 0); /* PCRE2's code */
    }
    free(text);
  }
  kabar_ctx_free(tight);
}

/* A rule running out after repaired bytes reports an offset into the caller's input: five
 * FF bytes become five U+FFFD (15 bytes), so the offset is 10 less than for the same text
 * given with the U+FFFD already in it. */
static void test_regex_limit_offset_after_repair(void **state) {
  (void)state;
  size_t len;
  char *text = test_read_sample("id-cyber-pact.txt", &len);
  buf bad = {0}, fixed = {0};
  puts_(&bad, "\xFF\xFF\xFF\xFF\xFF\n\n");
  put_rep(&fixed, "\xEF\xBF\xBD", 5);
  puts_(&fixed, "\n\n");
  put(&bad, text, len);
  put(&fixed, text, len);
  int past = 0;
  static const uint32_t limits[] = {1, 10, 30, 100, 300, 1000, 3000, 10000};
  for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
    kabar_ctx *tight = ctx_with(0, 0, 0, limits[i]);
    kabar_error e1, e2;
    kabar_doc *d1 = kabar_doc_new(tight, bad.p, bad.n, KABAR_DOC_REPLACE_INVALID, &e1);
    kabar_doc *d2 = kabar_doc_new(tight, fixed.p, fixed.n, 0, &e2);
    assert_true((d1 == NULL) == (d2 == NULL));
    if (d1) {
      check_doc(d1, bad.p, bad.n);
      check_doc(d2, fixed.p, fixed.n);
    } else {
      assert_int_equal(e1.code, KABAR_ELIMIT);
      assert_int_equal(e2.code, KABAR_ELIMIT);
      assert_int_equal(e1.offset, e2.offset >= 15 ? e2.offset - 10 : e2.offset);
      assert_true(e1.offset < bad.n);
      past += e2.offset >= 15;
    }
    kabar_doc_free(d1);
    kabar_doc_free(d2);
    kabar_ctx_free(tight);
  }
  assert_true(past > 0); /* some limit ran out past the repaired bytes */
  free(bad.p);
  free(fixed.p);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_invalid_utf8_classes),
      cmocka_unit_test(test_invalid_utf8_exhaustive),
      cmocka_unit_test(test_invalid_utf8_dense),
      cmocka_unit_test(test_nul_bytes),
      cmocka_unit_test(test_bidi_and_zero_width),
      cmocka_unit_test(test_combining_flood),
      cmocka_unit_test(test_emoji_sequences),
      cmocka_unit_test(test_long_paragraph),
      cmocka_unit_test(test_paragraph_flood),
      cmocka_unit_test(test_boilerplate_backtracking),
      cmocka_unit_test(test_tiny_regex_limit),
      cmocka_unit_test(test_regex_limit_offset_after_repair),
  };
  return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
