/* lib/text: UTF-8 validation and repair, the offset map, and the public kabar_normalize(). */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "text/text.h"

/* ---- helpers --------------------------------------------------------------------------- */

static int setup_ctx(void **state) {
  *state = test_ctx();
  return *state ? 0 : -1;
}

static int teardown_ctx(void **state) {
  kabar_ctx_free(*state);
  return 0;
}

/* kabar__utf8_check over a byte string given with its length (it may hold NULs). */
#define CHECK_AT(lit, expected)                                                                \
  assert_int_equal(kabar__utf8_check((lit), sizeof(lit) - 1), (size_t)(expected))

/* Asserts the invariants of a kabar_normalize() map over `in[0, in_len)`. */
static void assert_map_valid(const char *in, size_t in_len, const size_t *map, size_t out_len) {
  assert_non_null(map);
  assert_int_equal(map[out_len], in_len);
  for (size_t i = 0; i <= out_len; i++) {
    assert_true(map[i] <= in_len);
    if (i > 0)
      assert_true(map[i - 1] <= map[i]);
    if (map[i] < in_len)
      assert_true(((unsigned char)in[map[i]] & 0xC0) != 0x80);
  }
}

/* Normalises `in` (with a map), checks the map's invariants and compares with `expected`. */
static void check_norm_len(const kabar_ctx *ctx, const char *in, size_t in_len,
                           const char *expected) {
  kabar_error err;
  size_t out_len = 12345, *map = NULL;
  char *out = kabar_normalize(ctx, in, in_len, 0, &out_len, &map, &err);
  if (!out)
    fail_msg("kabar_normalize(\"%.*s\") failed: %s at %zu", (int)in_len, in,
             kabar_strerror(err.code), err.offset);
  assert_int_equal(err.code, KABAR_OK);
  if (out_len != strlen(expected) || memcmp(out, expected, out_len) != 0)
    fail_msg("kabar_normalize(\"%.*s\") = \"%.*s\" (%zu bytes), expected \"%s\" (%zu bytes)",
             (int)in_len, in, (int)out_len, out, out_len, expected, strlen(expected));
  assert_int_equal(out[out_len], '\0');
  assert_map_valid(in, in_len, map, out_len);
  assert_int_equal(kabar__utf8_check(out, out_len), out_len);
  kabar_free(map);
  kabar_free(out);
}

static void check_norm(const kabar_ctx *ctx, const char *in, const char *expected) {
  check_norm_len(ctx, in, strlen(in), expected);
}

/* Normalised bytes of `in` without a map (caller frees with kabar_free). */
static char *norm(const kabar_ctx *ctx, const char *in, size_t *out_len) {
  kabar_error err;
  char *out = kabar_normalize(ctx, in, strlen(in), 0, out_len, NULL, &err);
  assert_non_null(out);
  return out;
}

/* ---- kabar__utf8_check ----------------------------------------------------------------- */

static void utf8_check_valid(void **state) {
  (void)state;
  CHECK_AT("", 0);
  CHECK_AT("plain ASCII text, no surprises", 30);
  CHECK_AT("\xC2\x80", 2);                 /* U+0080, smallest 2-byte */
  CHECK_AT("\xC3\xA9t\xC3\xA9", 5);        /* été */
  CHECK_AT("\xDF\xBF", 2);                 /* U+07FF */
  CHECK_AT("\xE0\xA0\x80", 3);             /* U+0800, smallest 3-byte */
  CHECK_AT("\xE2\x82\xAC 5", 5);           /* € */
  CHECK_AT("\xED\x9F\xBF", 3);             /* U+D7FF, just below the surrogates */
  CHECK_AT("\xEE\x80\x80", 3);             /* U+E000, just above them */
  CHECK_AT("\xEF\xBF\xBF", 3);             /* U+FFFF */
  CHECK_AT("\xF0\x90\x80\x80", 4);         /* U+10000, smallest 4-byte */
  CHECK_AT("\xF0\x9F\x93\xB0 berita", 11); /* U+1F4F0 newspaper */
  CHECK_AT("\xF4\x8F\xBF\xBF", 4);         /* U+10FFFF, the last code point */
  /* a long ASCII run (the 8-byte fast path) followed by multi-byte characters */
  CHECK_AT("abcdefghijklmnopqrstuvwxyz \xC3\xA9\xE2\x80\x94\xF0\x9F\x98\x80", 36);
  /* NUL bytes are valid UTF-8 */
  CHECK_AT("a\0b", 3);
  CHECK_AT("\0\0\0\0\0\0\0\0\0\0\0\0", 12);
  CHECK_AT("caf\xC3\xA9\0\xC3\xA9", 8);
}

static void utf8_check_invalid(void **state) {
  (void)state;
  /* stray continuation bytes */
  CHECK_AT("\x80", 0);
  CHECK_AT("ab\x80", 2);
  CHECK_AT("\xC3\xA9\xA9", 2);
  CHECK_AT("0123456789abcdefghij\xBF tail", 20); /* after the 8-byte fast path */
  CHECK_AT("abcdefg\x80hijklmnop", 7);            /* inside an 8-byte word */
  /* overlong forms */
  CHECK_AT("\xC0\xAF", 0);
  CHECK_AT("x\xC1\xBF", 1);
  CHECK_AT("\xE0\x80\xAF", 0);
  CHECK_AT("ok \xE0\x9F\xBF", 3);
  CHECK_AT("\xF0\x80\x80\xAF", 0);
  CHECK_AT("\xF0\x8F\xBF\xBF", 0);
  /* UTF-16 surrogates */
  CHECK_AT("\xED\xA0\x80", 0);
  CHECK_AT("kata \xED\xBF\xBF", 5);
  /* beyond U+10FFFF */
  CHECK_AT("\xF4\x90\x80\x80", 0);
  CHECK_AT("zz\xF4\xBF\xBF\xBF", 2);
  /* F5..FF never start a sequence */
  for (unsigned c = 0xF5; c <= 0xFF; c++) {
    char buf[8] = {'o', 'k', (char)c, (char)0x80, (char)0x80, (char)0x80, 'x', 0};
    assert_int_equal(kabar__utf8_check(buf, 7), 2);
  }
  /* truncated sequences: at the end of the input, and followed by ASCII */
  CHECK_AT("ab\xE2\x82", 2);
  CHECK_AT("a\xE2\x82" "b", 1);
  CHECK_AT("\xC3", 0);
  CHECK_AT("hal\xC3", 3);
  CHECK_AT("\xF0\x9F\x98", 0);
  CHECK_AT("x\xF0\x9F\x98 y", 1);
  CHECK_AT("\xE2\xC3\xA9", 0);
  /* the first error is reported even if later bytes are fine or also bad */
  CHECK_AT("\xC3\xA9 \xFF \x80", 3);
  /* a length that cuts a valid character in half */
  assert_int_equal(kabar__utf8_check("\xE2\x82\xAC", 2), 0);
  assert_int_equal(kabar__utf8_check("a\xF0\x9F\x98\x80", 4), 1);
}

static void utf8_bad_prefix_lengths(void **state) {
  (void)state;
  size_t cp_len = 0;
  /* complete code points: 0, with their length */
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"A", 1, &cp_len), 0);
  assert_int_equal(cp_len, 1);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xC3\xA9", 2, &cp_len), 0);
  assert_int_equal(cp_len, 2);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xE2\x80\x9C", 3, &cp_len), 0);
  assert_int_equal(cp_len, 3);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xF0\x9F\x98\x80", 4, &cp_len),
                   0);
  assert_int_equal(cp_len, 4);
  /* maximal subparts */
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\x80", 1, &cp_len), 1);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xC0\xAF", 2, &cp_len), 1);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xE2\x82" "b", 3, &cp_len), 2);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xE2\x82", 2, &cp_len), 2);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xF0\x9F\x98", 3, &cp_len), 3);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xF0\x80\x80", 3, &cp_len), 1);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xED\xA0\x80", 3, &cp_len), 1);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp_len),
                   1);
  assert_int_equal(kabar__utf8_bad_prefix((const unsigned char *)"\xFE", 1, &cp_len), 1);
}

static void utf8_decode_encode_roundtrip(void **state) {
  (void)state;
  static const int32_t cps[] = {0x0, 0x41, 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0x20AC,
                                0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F4F0, 0x10FFFF};
  for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
    char buf[4];
    size_t n = kabar__utf8_encode(cps[i], buf);
    assert_true(n >= 1 && n <= 4);
    assert_int_equal(kabar__utf8_check(buf, n), n);
    size_t len = 0;
    assert_int_equal(kabar__utf8_decode((const unsigned char *)buf, n, &len), cps[i]);
    assert_int_equal(len, n);
  }
}

/* ---- kabar__utf8_repair and the offset map ------------------------------------------------ */

typedef struct repaired {
  kabar_buf out;
  kabar_offmap map;
} repaired;

static void repair(repaired *r, const char *s, size_t n) {
  memset(r, 0, sizeof *r);
  assert_int_equal(kabar__utf8_repair(s, n, &r->out, &r->map), 0);
  assert_int_equal(kabar__utf8_check(r->out.p, r->out.len), r->out.len);
}

static void repaired_free(repaired *r) {
  kabar__buf_free(&r->out);
  KABAR_VEC_FREE(r->map.anchors);
}

static void assert_bytes(const char *got, size_t got_len, const char *want, size_t want_len) {
  if (got_len != want_len || memcmp(got, want, want_len) != 0)
    fail_msg("got %zu bytes, expected %zu", got_len, want_len);
}

#define FFFD "\xEF\xBF\xBD"

static void utf8_repair_truncated_middle(void **state) {
  (void)state;
  static const char in[] = "a\xE2\x82" "b";
  static const char want[] = "a" FFFD "b";
  repaired r;
  repair(&r, in, sizeof in - 1);
  assert_bytes(r.out.p, r.out.len, want, sizeof want - 1);
  /* 'a' is at 0 in both; the U+FFFD at work 1 came from input 1; 'b' at work 4 is input 3 */
  assert_int_equal(kabar__offmap_orig(&r.map, 0), 0);
  assert_int_equal(kabar__offmap_orig(&r.map, 1), 1);
  assert_int_equal(kabar__offmap_orig(&r.map, 4), 3);
  assert_int_equal(kabar__offmap_orig(&r.map, 5), 4); /* end of text -> end of input */
  repaired_free(&r);
}

static void utf8_repair_overlong_two_replacements(void **state) {
  (void)state;
  static const char in[] = "\xC0\xAF";
  static const char want[] = FFFD FFFD;
  repaired r;
  repair(&r, in, sizeof in - 1);
  assert_bytes(r.out.p, r.out.len, want, sizeof want - 1);
  assert_int_equal(kabar__offmap_orig(&r.map, 0), 0);
  assert_int_equal(kabar__offmap_orig(&r.map, 3), 1);
  assert_int_equal(kabar__offmap_orig(&r.map, 6), 2);
  repaired_free(&r);
}

static void utf8_repair_maximal_subparts(void **state) {
  (void)state;
  repaired r;
  /* a truncated 4-byte sequence is one maximal subpart: one U+FFFD */
  static const char in1[] = "\xF0\x9F\x98" "x";
  static const char want1[] = FFFD "x";
  repair(&r, in1, sizeof in1 - 1);
  assert_bytes(r.out.p, r.out.len, want1, sizeof want1 - 1);
  assert_int_equal(kabar__offmap_orig(&r.map, 3), 3);
  repaired_free(&r);
  /* a surrogate: ED cannot be followed by A0, so every byte is replaced */
  static const char in2[] = "\xED\xA0\x80";
  static const char want2[] = FFFD FFFD FFFD;
  repair(&r, in2, sizeof in2 - 1);
  assert_bytes(r.out.p, r.out.len, want2, sizeof want2 - 1);
  assert_int_equal(kabar__offmap_orig(&r.map, 6), 2);
  assert_int_equal(kabar__offmap_orig(&r.map, 9), 3);
  repaired_free(&r);
  /* > U+10FFFF: four replacements */
  static const char in3[] = "\xF4\x90\x80\x80";
  static const char want3[] = FFFD FFFD FFFD FFFD;
  repair(&r, in3, sizeof in3 - 1);
  assert_bytes(r.out.p, r.out.len, want3, sizeof want3 - 1);
  repaired_free(&r);
  /* E0 80 AF: overlong 3-byte lead, each byte replaced */
  static const char in4[] = "\xE0\x80\xAF";
  static const char want4[] = FFFD FFFD FFFD;
  repair(&r, in4, sizeof in4 - 1);
  assert_bytes(r.out.p, r.out.len, want4, sizeof want4 - 1);
  repaired_free(&r);
}

static void utf8_repair_several_and_valid_around(void **state) {
  (void)state;
  /* FF, "ab", "é", FE, "c" */
  static const char in[] = "\xFF" "ab\xC3\xA9\xFE" "c";
  static const char want[] = FFFD "ab\xC3\xA9" FFFD "c";
  repaired r;
  repair(&r, in, sizeof in - 1);
  assert_bytes(r.out.p, r.out.len, want, sizeof want - 1);
  assert_int_equal(kabar__offmap_orig(&r.map, 3), 1);  /* a */
  assert_int_equal(kabar__offmap_orig(&r.map, 4), 2);  /* b */
  assert_int_equal(kabar__offmap_orig(&r.map, 5), 3);  /* é */
  assert_int_equal(kabar__offmap_orig(&r.map, 7), 5);  /* second U+FFFD */
  assert_int_equal(kabar__offmap_orig(&r.map, 10), 6); /* c */
  assert_int_equal(kabar__offmap_orig(&r.map, 11), 7); /* end */
  repaired_free(&r);
}

static void utf8_repair_valid_is_identity(void **state) {
  (void)state;
  static const char in[] = "Sudah valid: \xC3\xA9\xE2\x80\x9C\xF0\x9F\x98\x80";
  repaired r;
  repair(&r, in, sizeof in - 1);
  assert_bytes(r.out.p, r.out.len, in, sizeof in - 1);
  assert_int_equal(r.map.anchors.n, 0);
  for (size_t i = 0; i <= sizeof in - 1; i++)
    assert_int_equal(kabar__offmap_orig(&r.map, i), i);
  repaired_free(&r);
}

/* ---- kabar_normalize: the mappings ---------------------------------------------------------- */

static void normalize_case_folding(void **state) {
  const kabar_ctx *ctx = *state;
  check_norm(ctx, "HELLO World", "hello world");
  check_norm(ctx, "\xC3\x89" "COLE", "\xC3\xA9" "cole");              /* ÉCOLE -> école */
  check_norm(ctx, "Stra\xC3\x9F" "e", "strasse");                       /* Straße */
  check_norm(ctx, "\xC3\x84RGER \xC3\x9C" "BER", "\xC3\xA4rger \xC3\xBC" "ber"); /* ÄRGER ÜBER */
  check_norm(ctx, "\xCE\x91\xCE\x92\xCE\x93", "\xCE\xB1\xCE\xB2\xCE\xB3"); /* ΑΒΓ -> αβγ */
}

static void normalize_nfkc(void **state) {
  const kabar_ctx *ctx = *state;
  check_norm(ctx, "\xEF\xAC\x81nal", "final");                            /* ﬁ ligature */
  check_norm(ctx, "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "abc");         /* ＡＢＣ */
  check_norm(ctx, "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93", "123");         /* １２３ */
  check_norm(ctx, "x\xC2\xB2", "x2");                                     /* superscript two */
}

static void normalize_quotes(void **state) {
  const kabar_ctx *ctx = *state;
  /* „a“ ”b” «c» ‘d’ */
  check_norm(ctx, "\xE2\x80\x9E" "a\xE2\x80\x9C \xE2\x80\x9D" "b\xE2\x80\x9D \xC2\xAB" "c\xC2\xBB "
                  "\xE2\x80\x98" "d\xE2\x80\x99",
             "\"a\" \"b\" \"c\" 'd'");
  check_norm(ctx, "zo\xE2\x80\x99n", "zo'n");
}

static void normalize_dashes(void **state) {
  const kabar_ctx *ctx = *state;
  /* en dash, em dash, non-breaking hyphen */
  check_norm(ctx, "2019\xE2\x80\x93" "2020", "2019-2020");
  check_norm(ctx, "JAKARTA \xE2\x80\x94 Hari", "jakarta - hari");
  check_norm(ctx, "e\xE2\x80\x91" "mail", "e-mail");
}

static void normalize_spaces(void **state) {
  const kabar_ctx *ctx = *state;
  check_norm(ctx, "Rp\xC2\xA0" "5", "rp 5");                 /* NBSP */
  check_norm(ctx, "10\xE2\x80\x89km", "10 km");              /* thin space */
  check_norm(ctx, "a\xE3\x80\x80" "b", "a b");              /* ideographic space */
  check_norm(ctx, "a\xC2\xA0\xC2\xA0\xE2\x80\x89 b", "a b"); /* a run of mixed spaces */
  check_norm(ctx, "\xC2\xA0" "x\xE3\x80\x80", "x");          /* trimmed at both ends */
}

static void normalize_invisibles_removed(void **state) {
  const kabar_ctx *ctx = *state;
  check_norm(ctx, "kata\xE2\x80\x8Bkunci", "katakunci");    /* zero-width space */
  check_norm(ctx, "a\xE2\x80\x8D" "b", "ab");               /* ZWJ */
  check_norm(ctx, "co\xC2\xAD" "operatie", "cooperatie");   /* soft hyphen */
  check_norm(ctx, "\xEF\xBB\xBFHalo", "halo");              /* BOM */
  check_norm(ctx, "ab\xE2\x80\x8E" "cd\xE2\x80\xAE" "ef", "abcdef"); /* LRM, RLO */
  check_norm(ctx, "\xE2\x80\x8B\xE2\x80\x8D\xC2\xAD", "");   /* nothing left */
}

static void normalize_whitespace_collapse(void **state) {
  const kabar_ctx *ctx = *state;
  check_norm(ctx, "  a \t\tb\r\n\r\nc  \n", "a b c");
  check_norm(ctx, "\n\n\t", "");
  check_norm(ctx, "one\r\ntwo\rthree\nfour", "one two three four");
  check_norm_len(ctx, "a\0\0b", 4, "a b"); /* NUL is white space */
}

static void normalize_combining_sequence(void **state) {
  const kabar_ctx *ctx = *state;
  size_t n1, n2;
  char *decomposed = norm(ctx, "e\xCC\x81", &n1);
  char *precomposed = norm(ctx, "\xC3\xA9", &n2);
  assert_int_equal(n1, 2);
  assert_int_equal(n2, 2);
  assert_memory_equal(decomposed, precomposed, 2);
  assert_memory_equal(decomposed, "\xC3\xA9", 2);
  kabar_free(decomposed);
  kabar_free(precomposed);
  check_norm(ctx, "E\xCC\x81", "\xC3\xA9");
  check_norm(ctx, "cafe\xCC\x81 au lait", "caf\xC3\xA9 au lait");
  check_norm(ctx, "x e\xCC\x81", "x \xC3\xA9");
}

/* ---- kabar_normalize: the map -------------------------------------------------------------- */

static void normalize_map_entries(void **state) {
  const kabar_ctx *ctx = *state;
  /* bytes: ' '0 ' '1 A2 b3 ' '4 ' '5 „6-8 C9 d10 ”11-13 */
  static const char in[] = "  Ab  \xE2\x80\x9E" "Cd\xE2\x80\x9D";
  size_t len = sizeof in - 1, n = 0, *map = NULL;
  kabar_error err;
  char *out = kabar_normalize(ctx, in, len, 0, &n, &map, &err);
  assert_non_null(out);
  assert_string_equal(out, "ab \"cd\"");
  assert_int_equal(n, 7);
  assert_map_valid(in, len, map, n);
  static const size_t want[] = {2, 3, 4, 6, 9, 10, 11, 14};
  for (size_t i = 0; i <= n; i++)
    assert_int_equal(map[i], want[i]);
  kabar_free(map);
  kabar_free(out);

  /* a combining sequence maps to its base letter; the text after it to itself */
  static const char in2[] = "ke\xCC\x81 x";
  out = kabar_normalize(ctx, in2, sizeof in2 - 1, 0, &n, &map, &err);
  assert_non_null(out);
  assert_string_equal(out, "k\xC3\xA9 x");
  assert_map_valid(in2, sizeof in2 - 1, map, n);
  assert_int_equal(map[0], 0);
  assert_int_equal(map[1], 1); /* é (both bytes) from 'e' */
  assert_int_equal(map[2], 1);
  assert_int_equal(map[3], 4); /* the space */
  assert_int_equal(map[4], 5); /* x */
  assert_int_equal(map[5], 6);
  kabar_free(map);
  kabar_free(out);

  /* a removed character leaves no entry; the next one maps to its own offset */
  static const char in3[] = "a\xC2\xAD" "b";
  out = kabar_normalize(ctx, in3, sizeof in3 - 1, 0, &n, &map, &err);
  assert_non_null(out);
  assert_string_equal(out, "ab");
  assert_int_equal(map[0], 0);
  assert_int_equal(map[1], 3);
  assert_int_equal(map[2], 4);
  kabar_free(map);
  kabar_free(out);
}

static void normalize_map_is_optional(void **state) {
  const kabar_ctx *ctx = *state;
  kabar_error err;
  char *out = kabar_normalize(ctx, "Abc", 3, 0, NULL, NULL, &err);
  assert_non_null(out);
  assert_string_equal(out, "abc");
  kabar_free(out);
  out = kabar_normalize(ctx, "Abc", 3, 0, NULL, NULL, NULL); /* err is optional too */
  assert_non_null(out);
  kabar_free(out);
}

/* ---- kabar_normalize: errors ---------------------------------------------------------------- */

static void normalize_invalid_utf8(void **state) {
  const kabar_ctx *ctx = *state;
  kabar_error err;
  size_t n = 99, *map = (size_t *)&n;
  static const char in[] = "Berita \xE2\x82" " hari ini";
  char *out = kabar_normalize(ctx, in, sizeof in - 1, 0, &n, &map, &err);
  assert_null(out);
  assert_null(map);
  assert_int_equal(err.code, KABAR_EUTF8);
  assert_int_equal(err.offset, 7);

  static const char in2[] = "\x80";
  out = kabar_normalize(ctx, in2, 1, 0, &n, NULL, &err);
  assert_null(out);
  assert_int_equal(err.code, KABAR_EUTF8);
  assert_int_equal(err.offset, 0);

  static const char in3[] = "akhir\xF0\x9F\x98";
  out = kabar_normalize(ctx, in3, sizeof in3 - 1, 0, &n, NULL, &err);
  assert_null(out);
  assert_int_equal(err.code, KABAR_EUTF8);
  assert_int_equal(err.offset, 5);
}

static void normalize_replace_invalid(void **state) {
  const kabar_ctx *ctx = *state;
  kabar_error err;
  size_t n = 0, *map = NULL;
  /* A0 1, b 2, C3 3, ( 4 ; len 5 */
  static const char in[] = "Ab\xC3(";
  char *out =
      kabar_normalize(ctx, in, sizeof in - 1, KABAR_NORMALIZE_REPLACE_INVALID, &n, &map, &err);
  assert_non_null(out);
  assert_int_equal(err.code, KABAR_OK);
  assert_string_equal(out, "ab" FFFD "(");
  assert_map_valid(in, sizeof in - 1, map, n);
  assert_int_equal(map[2], 2); /* U+FFFD from the bad byte */
  assert_int_equal(map[5], 3); /* '(' */
  kabar_free(map);
  kabar_free(out);

  /* "a\xE2\x82b": 'b' sits at 4 in the repaired text and at 3 in the input */
  static const char in2[] = "A\xE2\x82" "B";
  out = kabar_normalize(ctx, in2, sizeof in2 - 1, KABAR_NORMALIZE_REPLACE_INVALID, &n, &map,
                        &err);
  assert_non_null(out);
  assert_string_equal(out, "a" FFFD "b");
  assert_map_valid(in2, sizeof in2 - 1, map, n);
  assert_int_equal(map[0], 0);
  assert_int_equal(map[1], 1);
  assert_int_equal(map[4], 3);
  assert_int_equal(map[5], 4);
  kabar_free(map);
  kabar_free(out);

  /* truncated at the end of the input */
  static const char in3[] = "x \xF0\x9F\x98";
  out = kabar_normalize(ctx, in3, sizeof in3 - 1, KABAR_NORMALIZE_REPLACE_INVALID, &n, &map,
                        &err);
  assert_non_null(out);
  assert_string_equal(out, "x " FFFD);
  assert_map_valid(in3, sizeof in3 - 1, map, n);
  assert_int_equal(map[2], 2);
  kabar_free(map);
  kabar_free(out);

  /* two overlong bytes, two replacements */
  out = kabar_normalize(ctx, "\xC0\xAF", 2, KABAR_NORMALIZE_REPLACE_INVALID, &n, &map, &err);
  assert_non_null(out);
  assert_string_equal(out, FFFD FFFD);
  assert_map_valid("\xC0\xAF", 2, map, n);
  kabar_free(map);
  kabar_free(out);
}

static void normalize_bad_arguments(void **state) {
  const kabar_ctx *ctx = *state;
  kabar_error err;
  size_t n, *map = (size_t *)&n;
  /* unknown flag bits */
  assert_null(kabar_normalize(ctx, "abc", 3, 0x2u, &n, &map, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_int_equal(err.offset, KABAR_NO_OFFSET);
  assert_null(map);
  assert_null(kabar_normalize(ctx, "abc", 3, 0x80000000u | KABAR_NORMALIZE_REPLACE_INVALID, &n,
                              NULL, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  /* NULL ctx */
  assert_null(kabar_normalize(NULL, "abc", 3, 0, &n, NULL, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_int_equal(err.offset, KABAR_NO_OFFSET);
  /* NULL text with a length */
  assert_null(kabar_normalize(ctx, NULL, 3, 0, &n, NULL, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  /* without an error struct, still NULL */
  assert_null(kabar_normalize(NULL, "abc", 3, 0, &n, NULL, NULL));
}

static void normalize_input_limit(void **state) {
  (void)state;
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = KABAR_TEST_CORPORA;
  opts.max_input_bytes = 8;
  kabar_error err;
  kabar_ctx *small = kabar_ctx_new(&opts, &err);
  assert_non_null(small);
  size_t n;
  char *out = kabar_normalize(small, "12345678", 8, 0, &n, NULL, &err);
  assert_non_null(out);
  kabar_free(out);
  assert_null(kabar_normalize(small, "123456789", 9, 0, &n, NULL, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, 8);
  kabar_ctx_free(small);
}

static void normalize_empty(void **state) {
  const kabar_ctx *ctx = *state;
  kabar_error err;
  size_t n = 77, *map = NULL;
  char *out = kabar_normalize(ctx, "", 0, 0, &n, &map, &err);
  assert_non_null(out);
  assert_int_equal(err.code, KABAR_OK);
  assert_int_equal(n, 0);
  assert_string_equal(out, "");
  assert_non_null(map);
  assert_int_equal(map[0], 0);
  kabar_free(map);
  kabar_free(out);
  /* NULL text with length 0 is the empty string */
  n = 77;
  out = kabar_normalize(ctx, NULL, 0, 0, &n, NULL, &err);
  assert_non_null(out);
  assert_int_equal(n, 0);
  assert_string_equal(out, "");
  kabar_free(out);
}

/* ---- kabar_normalize: long inputs ----------------------------------------------------------- */

static void normalize_one_megabyte(void **state) {
  const kabar_ctx *ctx = *state;
  /* "Caf\xC3\xA9 CR\xC3\x88ME\t\xC3\xA9\xC3\xA9 " repeated: ASCII, é, È, tabs */
  static const char unit[] = "Caf\xC3\xA9 CR\xC3\x88ME\t\xC3\xA9\xC3\xA9 ";
  static const char unit_norm[] = "caf\xC3\xA9 cr\xC3\xA8me \xC3\xA9\xC3\xA9";
  const size_t ulen = sizeof unit - 1, unlen = sizeof unit_norm - 1;
  const size_t reps = (1u << 20) / ulen + 1;
  size_t len = reps * ulen;
  char *in = malloc(len);
  assert_non_null(in);
  for (size_t i = 0; i < reps; i++)
    memcpy(in + i * ulen, unit, ulen);
  size_t n = 0, *map = NULL;
  kabar_error err;
  char *out = kabar_normalize(ctx, in, len, 0, &n, &map, &err);
  assert_non_null(out);
  assert_int_equal(n, reps * unlen + (reps - 1)); /* units joined by one space */
  for (size_t i = 0; i < reps; i++) {
    const char *u = out + i * (unlen + 1);
    assert_memory_equal(u, unit_norm, unlen);
    if (i + 1 < reps)
      assert_int_equal(u[unlen], ' ');
  }
  assert_map_valid(in, len, map, n);
  kabar_free(map);
  kabar_free(out);
  free(in);
}

static void normalize_long_non_ascii_run(void **state) {
  const kabar_ctx *ctx = *state;
  /* 5000 'É' with no ASCII between them: crosses many ICU chunks */
  const size_t count = 5000;
  char *in = malloc(count * 2);
  assert_non_null(in);
  for (size_t i = 0; i < count; i++)
    memcpy(in + 2 * i, "\xC3\x89", 2);
  size_t n = 0, *map = NULL;
  kabar_error err;
  char *out = kabar_normalize(ctx, in, count * 2, 0, &n, &map, &err);
  assert_non_null(out);
  assert_int_equal(n, count * 2);
  for (size_t i = 0; i < count; i++)
    assert_memory_equal(out + 2 * i, "\xC3\xA9", 2);
  assert_map_valid(in, count * 2, map, n);
  kabar_free(map);
  kabar_free(out);
  free(in);
}

static void normalize_combining_flood(void **state) {
  const kabar_ctx *ctx = *state;
  const size_t marks = 10000;
  size_t len = 1 + 2 * marks;
  char *in = malloc(len);
  assert_non_null(in);
  in[0] = 'a';
  for (size_t i = 0; i < marks; i++)
    memcpy(in + 1 + 2 * i, "\xCC\x81", 2);
  size_t n = 0, *map = NULL;
  kabar_error err;
  char *out = kabar_normalize(ctx, in, len, 0, &n, &map, &err);
  assert_non_null(out);
  assert_int_equal(kabar__utf8_check(out, n), n);
  /* "á" followed by the other 9999 marks */
  assert_int_equal(n, 2 + 2 * (marks - 1));
  assert_memory_equal(out, "\xC3\xA1", 2);
  for (size_t i = 1; i < marks; i++)
    assert_memory_equal(out + 2 * i, "\xCC\x81", 2);
  assert_map_valid(in, len, map, n);
  assert_int_equal(map[0], 0);
  kabar_free(map);
  kabar_free(out);
  free(in);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(utf8_check_valid),
      cmocka_unit_test(utf8_check_invalid),
      cmocka_unit_test(utf8_bad_prefix_lengths),
      cmocka_unit_test(utf8_decode_encode_roundtrip),
      cmocka_unit_test(utf8_repair_truncated_middle),
      cmocka_unit_test(utf8_repair_overlong_two_replacements),
      cmocka_unit_test(utf8_repair_maximal_subparts),
      cmocka_unit_test(utf8_repair_several_and_valid_around),
      cmocka_unit_test(utf8_repair_valid_is_identity),
      cmocka_unit_test(normalize_case_folding),
      cmocka_unit_test(normalize_nfkc),
      cmocka_unit_test(normalize_quotes),
      cmocka_unit_test(normalize_dashes),
      cmocka_unit_test(normalize_spaces),
      cmocka_unit_test(normalize_invisibles_removed),
      cmocka_unit_test(normalize_whitespace_collapse),
      cmocka_unit_test(normalize_combining_sequence),
      cmocka_unit_test(normalize_map_entries),
      cmocka_unit_test(normalize_map_is_optional),
      cmocka_unit_test(normalize_invalid_utf8),
      cmocka_unit_test(normalize_replace_invalid),
      cmocka_unit_test(normalize_bad_arguments),
      cmocka_unit_test(normalize_input_limit),
      cmocka_unit_test(normalize_empty),
      cmocka_unit_test(normalize_one_megabyte),
      cmocka_unit_test(normalize_long_non_ascii_run),
      cmocka_unit_test(normalize_combining_flood),
  };
  return cmocka_run_group_tests(tests, setup_ctx, teardown_ctx);
}
