/* The built-in word and sentence boundaries must be exactly ICU's: the fast tokenizer's
 * tokens (spans and number status) and the UAX #29 sentence rules' sentences. The test hooks
 * kabar__tokens_force_icu and kabar__sentences_force_icu run ICU on the same text. */
#include "helpers.h"
#include "core/internal.h"
#include "segment/segment.h"

#include <stdlib.h>
#include <string.h>

static int teardown(void **state) {
  kabar__tokens_force_icu = 0;
  kabar__sentences_force_icu = 0;
  return test_group_teardown(state);
}

static void assert_same_tokens(const char *text, size_t len) {
  kabar_error err;
  kabar__tokens_force_icu = kabar__sentences_force_icu = 0;
  kabar_doc *fast = kabar_doc_new(test_group_ctx, text, len, 0, &err);
  kabar__tokens_force_icu = kabar__sentences_force_icu = 1;
  kabar_doc *icu = kabar_doc_new(test_group_ctx, text, len, 0, &err);
  kabar__tokens_force_icu = kabar__sentences_force_icu = 0;
  assert_non_null(fast);
  assert_non_null(icu);
  size_t n = fast->tokens.n < icu->tokens.n ? fast->tokens.n : icu->tokens.n;
  for (size_t i = 0; i < n; i++) {
    const kabar_token *a = &fast->tokens.v[i], *b = &icu->tokens.v[i];
    if (a->start != b->start || a->end != b->end || a->flags != b->flags)
      fail_msg("token %zu at %u, context \"%.12s\": fast '%.*s' (flags %u), ICU '%.*s' (flags %u)", i,
               a->start, text + (a->start > 5 ? a->start - 5 : 0), (int)(a->end - a->start), text + a->start, a->flags, (int)(b->end - b->start),
               text + b->start, b->flags);
  }
  if (fast->tokens.n != icu->tokens.n)
    fail_msg("%zu tokens fast, %zu with ICU in \"%.60s\"", fast->tokens.n, icu->tokens.n, text);
  size_t ns = fast->sentences.n < icu->sentences.n ? fast->sentences.n : icu->sentences.n;
  for (size_t i = 0; i < ns; i++) {
    const kabar_sentence *a = &fast->sentences.v[i], *b = &icu->sentences.v[i];
    if (a->start != b->start || a->end != b->end)
      fail_msg("sentence %zu: fast [%u,%u) \"%.*s\", ICU [%u,%u) \"%.*s\"", i, a->start, a->end,
               (int)(a->end - a->start), text + a->start, b->start, b->end,
               (int)(b->end - b->start), text + b->start);
  }
  if (fast->sentences.n != icu->sentences.n)
    fail_msg("%zu sentences fast, %zu with ICU", fast->sentences.n, icu->sentences.n);
  kabar_doc_free(fast);
  kabar_doc_free(icu);
}

static void test_tricky_strings(void **state) {
  (void)state;
  static const char *cases[] = {
      "Liputan6.com, Jakarta - harga naik 2,5 persen menjadi Rp6.500 per kg.",
      "U.S.A. dan e.g. serta a.b.c; 09.00 WIB, 1.000.000 dan 3,14;15 angka.",
      "Jum’at pagi, warga Ma'ruf datang; it's Bob's car.",
      "D66 en CO2 en Trans7 en A10 en XL7 en 6abc en abc6 en ___ en __init__.",
      "mail@example.com, @akun_resmi, #tagar dan e:HEV atau 10:30 serta a:b.",
      "Kata \u201cdalam kutip\u201d dan \u201emet\u201d \u00abguillemets\u00bb \u2013 tanda \u2014 pisah\u2026",
      "Café, financiële, één, naïef, Curaçao en Ærø zijn woorden.",
      "3×4 en 8÷2 zijn 12 en 4; 10² m² 10³ x¹ en 1ª 2º 5µm, µ-wave, nºx; zero\u200bwidth\u200b space.",
      "Emoji 😀 dan CJK 日本語 dan Arab العربية lewat ICU.",
      "angka-angka, perusahaan-perusahaan, berlari-lari, Microsoft-baas.",
      "a..b a.,b 1.,2 1..2 .5 5. ,5 'quoted' ‘single’",
      "Dia pergi. \"Saya ikut!\" katanya. (Benar.) Lalu? ya. Lalu... Ya; tidak: mungkin.",
      "Harga Rp5.000.000. Pukul 09.00 WIB. U.S. Army. e.g. this. Mr. Smith kwam. etc.) En toen.",
      "Klaar.\u2028Nieuwe regel.\u2029En nog een. «Quote.» „Ja.” ‘Nee.’ “Oke.” Einde",
      "Ein Satz.\u0301 Noch einer.\u00ad Und \u3002 mehr\u3002 Ende! ? ! . , ; : -",
      "UPPER. lower. Upper. 1. 2. a. B. .. ... !!! ??? ?! !?",
      /* plain ASCII runs longer than eight bytes before terminators and non-ASCII (the fast
       * rules skip such runs a word at a time) */
      "Pemerintahań. Berikutnya pemerintahań.Berikutnya abcdefg­. selanjutnya",
      "ABCDEFGHIJKLMNÓ.PQRSTUVW abcdefghijklmno.PQRSTUVW 12345678.90 abcdefgh.12345678",
      "Kalimat panjang sekali tanpa tanda… Lalu kalimat lain。 Selesai Baris baru",
      "Sebuah kalimat (dalam kurung.) Lalu “kutipan panjang sekali.” Kemudian lagi!",
      "Kata kata kata kata kata kata kata kata kata kata. kata kata kata kata kata kata kata?",
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    assert_same_tokens(cases[i], strlen(cases[i]));
}

static void test_samples(void **state) {
  (void)state;
  static const char *names[] = {"id-cyber-pact.txt",        "id-banjir-quote.txt",
                                "id-mixed-nl-quote.txt",    "id-short.txt",
                                "nl-chipfabriek.txt",       "nl-verkiezingen-crlf.txt",
                                "nl-wrapped.txt", KABAR_TEST_DATA "/mixed-scripts.txt"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    size_t len;
    char *text = test_read_sample(names[i], &len);
    assert_same_tokens(text, len);
    free(text);
  }
}

static void test_random_text(void **state) {
  (void)state;
  /* random strings over the characters the word-break rules care about */
  static const char *alphabet[] = {"a", "Z", "0", "9", ".", "_", ",", ";", ":", "'", "@", "-",
                                   " ", "\n", "\xc3\xa9", "\xe2\x80\x99", "\xc2\xa0", "!",
                                   "?", "\"", "(", ")", "\xe2\x80\x9d", "\xc3\x89",
                                   "\xcc\x81", "\xe3\x80\x82", "\xe2\x80\xa8", "\xc2\xad",
                                   "\xe3\x83\xbc", "\r", "\xc3\x97", "\xc3\xb7",
                                   "\xc2\xb2", "\xc2\xb3", "\xc2\xb9", "\xe2\x80\x8b",
                                   "\xc2\xaa", "\xc2\xb5", "\xc2\xba"};
  const size_t nalpha = sizeof alphabet / sizeof *alphabet;
  char buf[4096 + 8];
  unsigned seed = 12345;
  for (int round = 0; round < 300; round++) {
    size_t n = 0;
    while (n < 4096) {
      seed = seed * 1103515245u + 12345u;
      const char *c = alphabet[(seed >> 16) % nalpha];
      memcpy(buf + n, c, strlen(c));
      n += strlen(c);
    }
    assert_same_tokens(buf, n);
  }
}

/* Runs of letters are scanned eight bytes at a time: words of every length up to 40 from
 * letters and the bytes around 'A'-'Z' and 'a'-'z' ('@' is a letter for ICU, '[' '`' '{' are
 * not), a letter with a high bit (é), digits and '.', so that each byte position of a step
 * meets each, and a block's end falls at each position too. */
static void test_letter_runs(void **state) {
  (void)state;
  static const char *alphabet[] = {"a", "z", "A",        "Z", "m", "Q", "@", "[",
                                   "`", "{", "\xc3\xa9", "5", ".", " ", "-", "'"};
  const size_t nalpha = sizeof alphabet / sizeof *alphabet;
  char buf[512];
  unsigned seed = 4242;
  for (int round = 0; round < 3000; round++) {
    size_t n = 0, words = 1 + (size_t)round % 9;
    for (size_t w = 0; w < words; w++) {
      seed = seed * 1103515245u + 12345u;
      size_t len = 1 + (seed >> 16) % 40;
      for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        /* mostly letters, so that long runs occur */
        const char *c =
            (seed >> 16) % 4 ? alphabet[(seed >> 20) % 6] : alphabet[(seed >> 20) % nalpha];
        memcpy(buf + n, c, strlen(c));
        n += strlen(c);
      }
      buf[n++] = w % 3 == 2 ? '\n' : ' ';
    }
    assert_same_tokens(buf, n - (size_t)(round % 2)); /* with and without the final space */
  }
}

/* Every ASCII token of text[0, n) has as its type the word lower-cased, and the table finds
 * that type again (one type per folded word: the inline probes must find what the tokenizer
 * stored). Other tokens are normalized by ICU ("’" becomes "'"), so they are left out. */
static void assert_ascii_types(const char *text, size_t n) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(test_group_ctx, text, n, 0, &err);
  assert_non_null(doc);
  for (size_t t = 0; t < doc->tokens.n; t++) {
    const kabar_token *tok = &doc->tokens.v[t];
    uint32_t len = kabar__strtab_len(&doc->types, tok->type);
    const char *type = kabar__strtab_str(&doc->types, tok->type);
    int ascii = 1;
    for (uint32_t i = tok->start; i < tok->end; i++)
      ascii &= (unsigned char)doc->text[i] < 0x80;
    if (!ascii)
      continue;
    assert_int_equal(len, tok->end - tok->start);
    for (uint32_t i = 0; i < len; i++) {
      char c = doc->text[tok->start + i];
      if (c >= 'A' && c <= 'Z')
        c = (char)(c + 32);
      if (type[i] != c)
        fail_msg("type '%.*s' of '%.*s'", (int)len, type, (int)len, doc->text + tok->start);
    }
    assert_int_equal(kabar__strtab_find(&doc->types, type, len), tok->type);
  }
  kabar_doc_free(doc);
}

/* A word of under 16 ASCII letters followed by a space or punctuation, with 16 bytes of its
 * block from its start, is found, folded and interned from the words it was loaded in; any
 * other byte after the letters ('@' and '_' join, é and digits too), and '.' or '\'' before
 * a letter or a byte from 0x80 up, sends it the long way.
 * Words of 1 to 20 mixed-case letters before each such byte, at each alignment, with and
 * without 16 bytes after: the same tokens as ICU, and each ASCII token's type its lower-cased
 * bytes, found again by the table's own lookup. */
static void test_plain_words(void **state) {
  (void)state;
  static const char *after[] = {" ",
                                ".",
                                ",",
                                ";",
                                "-",
                                "'",
                                "@",
                                "_",
                                "\xc3\xa9",
                                "5",
                                "(",
                                ")",
                                "\"",
                                ":",
                                "/",
                                "`",
                                "[",
                                "{",
                                "\n",
                                ". ",
                                ", ",
                                ".5",
                                ",5",
                                "'s",
                                ".a",
                                "'A",
                                ".@",
                                ";a",
                                ",a",
                                "..",
                                ".,",
                                "'.",
                                ".-",
                                ".\x01",
                                ". ",
                                ".\xc3\xa9",
                                "'\xc3\xa9",
                                ".\xe2\x80\x99",
                                "\xe2\x80\x99s",
                                ";5",
                                "._",
                                ".["};
  static const char letters[] = "aZbYcXmNqQzA";
  char text[128];
  for (size_t lead = 0; lead < 8; lead++)
    for (size_t len = 1; len <= 20; len++)
      for (size_t a = 0; a < sizeof after / sizeof *after; a++)
        for (int tail = 0; tail < 2; tail++) {
          size_t n = 0;
          for (size_t i = 0; i < lead; i++)
            text[n++] = ' ';
          for (size_t i = 0; i < len; i++)
            text[n++] = letters[(i * 5 + len + a) % (sizeof letters - 1)];
          memcpy(text + n, after[a], strlen(after[a]));
          n += strlen(after[a]);
          if (tail) {
            static const char more[] = " dan kata berikutnya";
            memcpy(text + n, more, sizeof more - 1);
            n += sizeof more - 1;
          }
          assert_same_tokens(text, n);
          assert_ascii_types(text, n);
        }
}

/* Token types: ASCII words up to 64 bytes are case-folded eight bytes at a time, others by
 * ICU; both must give the lower-cased word, and each folded word one type (words below 16
 * bytes are loaded as whole words, or near the text's end in smaller loads, and interned
 * inline). Words of every length from 1 to 80 bytes, made of letters, digits and the bytes
 * next to 'A'-'Z' and 'a'-'z' ('@', '[', '`', '{'), so that each byte position of the 8-byte
 * folding meets each case. */
static void test_types_fold(void **state) {
  (void)state;
  static const char bytes[] = "AZaz@`[{09_MQmq.'";
  char text[128];
  unsigned seed = 99;
  for (int round = 0; round < 2000; round++) {
    size_t n = 1 + (size_t)round % 80;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      text[i] = bytes[(seed >> 16) % (sizeof bytes - 1)];
    }
    assert_ascii_types(text, n);
  }
}

/* The plain-word scan's letter bits: SSE2 where the target has it, and the scalar version
 * other targets take, on the same 16 bytes: every byte value at every position among letters
 * and among non-letters, random bytes (NUL, bytes from 0x80 up), and loads at every alignment
 * up to one ending at a buffer's last byte. */
static void test_letters16(void **state) {
  (void)state;
  unsigned char buf[64];
  for (int fill = 0; fill < 2; fill++)
    for (unsigned pos = 0; pos < 16; pos++)
      for (unsigned b = 0; b < 256; b++) {
        memset(buf, fill ? 'q' : ' ', 16);
        buf[pos] = (unsigned char)b;
        uint32_t want = 0;
        for (unsigned i = 0; i < 16; i++) {
          unsigned c = buf[i] | 0x20u;
          want |= (uint32_t)(c >= 'a' && c <= 'z' && buf[i] < 0x80) << i;
        }
        assert_int_equal(kabar__letters16_scalar(buf), want);
        assert_int_equal(kabar__letters16(buf), want);
      }
  unsigned seed = 777;
  for (int round = 0; round < 20000; round++) {
    for (size_t i = 0; i < sizeof buf; i++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 16;
      /* half the bytes around the letters, the others any byte */
      static const char near[] = "@AZ[`az{\0\x80\xc1\xe1\xfa Mm";
      buf[i] = r & 1 ? (unsigned char)(r >> 8) : (unsigned char)near[(r >> 8) % (sizeof near - 1)];
    }
    for (size_t at = 0; at + 16 <= sizeof buf; at++)
      assert_int_equal(kabar__letters16(buf + at), kabar__letters16_scalar(buf + at));
  }
  unsigned char *exact = malloc(40); /* a load ending at the buffer's last byte */
  assert_non_null(exact);
  memset(exact, 'a', 40);
  exact[39] = ' ';
  for (size_t at = 0; at + 16 <= 40; at++)
    assert_int_equal(kabar__letters16(exact + at), kabar__letters16_scalar(exact + at));
  assert_int_equal(kabar__letters16(exact + 24), 0x7FFF);
  free(exact);
}

/* Plain words are found in batches and interned after: runs of more words than a batch holds,
 * reduplications ("kata-kata") at every place in a batch and across two, words of every length
 * before a block's end at every distance, with more text after the block (the bytes after a
 * block count as letters for the scan), and '.' or '\'' right before a block's end. */
static void test_plain_batches(void **state) {
  (void)state;
  static const char *words[] = {"kata", "Dan", "x", "perusahaan", "ABCDEFGHIJKLMNO", "di",
                                "ke", "Pemerintah", "yang", "itu"};
  static const char *seps[] = {" ", " ", " ", ", ", ". ", "-", " (", "; ", "'", " - "};
  char text[4096];
  unsigned seed = 31337;
  for (int round = 0; round < 600; round++) {
    size_t n = 0, count = 1 + (size_t)round % 150;
    for (size_t w = 0; w < count; w++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 16;
      const char *word = words[r % 10];
      memcpy(text + n, word, strlen(word));
      n += strlen(word);
      if (r % 7 == 0) { /* a reduplication */
        text[n++] = '-';
        memcpy(text + n, word, strlen(word));
        n += strlen(word);
      }
      const char *sep = (r >> 4) % 3 ? " " : seps[(r >> 6) % 10];
      memcpy(text + n, sep, strlen(sep));
      n += strlen(sep);
    }
    assert_same_tokens(text, n);
  }
  static const char *before_end[] = {"", ".", "'", ",", "-", "a.", "a'", "@"};
  for (size_t lead = 0; lead < 20; lead++)
    for (size_t len = 1; len <= 18; len++)
      for (size_t be = 0; be < sizeof before_end / sizeof *before_end; be++) {
        size_t n = 0;
        for (size_t i = 0; i < lead; i++)
          text[n++] = i % 5 == 4 ? ' ' : (char)('a' + i % 26);
        text[n++] = ' ';
        for (size_t i = 0; i < len; i++)
          text[n++] = (char)((i % 3 ? 'a' : 'A') + (i * 7 + len) % 26);
        memcpy(text + n, before_end[be], strlen(before_end[be]));
        n += strlen(before_end[be]);
        static const char after[] = "\nBaris berikutnya dengan kata kata lagi.";
        memcpy(text + n, after, sizeof after - 1);
        n += sizeof after - 1;
        assert_same_tokens(text, n);
      }
}

static void test_random_prose(void **state) {
  (void)state;
  /* words of plain letters with now and then the characters the sentence rules decide on,
   * so that long runs without them meet every kind of stop at every offset */
  static const char *rare[] = {".", "!", "?", ". ", "\n", "\xcc\x81", "\xc2\xad",
                               "\xe2\x80\x9d", "\xe2\x80\xa8", "\xe3\x80\x82", "\xc3\xa9",
                               "\xc2\xa0", ")", "\"", "1", ",", ":", "\r"};
  static const char *common[] = {"a", "k", "Z", "M", " ", " ", "e"};
  const size_t nrare = sizeof rare / sizeof *rare, ncommon = sizeof common / sizeof *common;
  char buf[4096 + 8];
  unsigned seed = 4242;
  for (int round = 0; round < 300; round++) {
    size_t n = 0;
    while (n < 4096) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 16;
      const char *c = r % 13 == 0 ? rare[(r / 13) % nrare] : common[(r / 13) % ncommon];
      memcpy(buf + n, c, strlen(c));
      n += strlen(c);
    }
    assert_same_tokens(buf, n);
  }
}

/* ---- 16-byte scans against their scalar twins -------------------------------------------
 * Each scan (SSE2 where the build has it) must give its scalar twin's answer on the same
 * bytes, each string in a heap block that ends exactly at its last byte (a read past it trips
 * ASan and valgrind), at every alignment: random strings over the bytes it stops at, their
 * neighbours, NUL and bytes from 0x80 up, of every length from 0 to 40 and some longer; and
 * plain strings of lengths 1 to 40 with one or two stop bytes at every position. */

typedef size_t (*scan_fn)(const char *s, size_t n);

typedef struct scan_case {
  const char *name;
  scan_fn fast, scalar;
  const char *stops; /* bytes (or, doubled, pairs) it stops at, NUL-separated */
  size_t nstops;
} scan_case;

/* The bytes the random strings are made of: every scan's stops and their neighbours. */
static const char scan_alphabet[] = {'a', 'Z', ' ', ' ', ' ', '.', '!', '?', '\n', '\r', '\t', '\v',
                                     '\0', 0x1F, 0x20, 0x21, 0x2D, 0x2F, 0x3E, 0x40, 0x7F,
                                     (char)0x80, (char)0xBF, (char)0xC3, (char)0xA9, (char)0xE2,
                                     (char)0xF0, (char)0xFF, 'x', 'y', 'z'};

static void check_scan(const scan_case *c, const char *s, size_t n, size_t align) {
  size_t want = c->scalar(s, n), got = c->fast(s, n);
  if (want != got)
    fail_msg("%s: %zu, scalar %zu, on %zu bytes at alignment %zu", c->name, got, want, n, align);
}

static void scan_both_ways(const scan_case *c) {
  unsigned seed = 777;
  char text[600]; /* up to 40 + 159 * 3 bytes */
  for (size_t align = 0; align < 16; align++) {
    for (size_t len = 0; len < 200; len++) {
      size_t n = len <= 40 ? len : 40 + (len - 40) * 3;
      for (int fill = 0; fill < (len <= 40 ? 12 : 2); fill++) {
        for (size_t i = 0; i < n; i++) {
          seed = seed * 1103515245u + 12345u;
          /* now and then a long plain run, so that whole steps pass */
          text[i] = (seed >> 16) % 7 < 3 ? 'a' : scan_alphabet[(seed >> 19) % sizeof scan_alphabet];
        }
        char *buf = malloc(align + n + (align + n == 0));
        assert_non_null(buf);
        memcpy(buf + align, text, n);
        check_scan(c, buf + align, n, align);
        free(buf);
      }
    }
    /* one stop byte, or two at k and k + 1 (space pairs), at every position */
    for (size_t n = 1; n <= 40; n++)
      for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < c->nstops; j++) {
          char *buf = malloc(align + n);
          assert_non_null(buf);
          char *p = buf + align;
          memset(p, 'b', n);
          p[k] = c->stops[j];
          check_scan(c, p, n, align);
          if (k + 1 < n) {
            p[k + 1] = c->stops[j];
            check_scan(c, p, n, align);
          }
          free(buf);
        }
  }
}

static size_t utf8_check_fast(const char *s, size_t n) { return kabar__utf8_check(s, n); }

/* The copy's length, after checking what it copied, into a heap block of exactly n bytes. */
static size_t flat_copy_checked(size_t (*copy)(char *, const char *, size_t), const char *s,
                                size_t n) {
  char *dst = malloc(n + (n == 0));
  assert_non_null(dst);
  size_t k = copy(dst, s, n);
  assert_true(k <= n);
  assert_memory_equal(dst, s, k);
  free(dst);
  return k;
}
static size_t flat_copy_fast(const char *s, size_t n) {
  return flat_copy_checked(kabar__flat_copy, s, n);
}
static size_t flat_copy_scalar(const char *s, size_t n) {
  return flat_copy_checked(kabar__flat_copy_scalar, s, n);
}

static void test_scans_match_scalar(void **state) {
  (void)state;
  static const scan_case cases[] = {
      {"kabar__sentence_stop", kabar__sentence_stop, kabar__sentence_stop_scalar, ".!?\x80\xff\xc3",
       6},
      {"kabar__flat_copy", flat_copy_fast, flat_copy_scalar, " \n\r\t\x1f\x01\x00\x80",
       8},
      {"kabar__utf8_check", utf8_check_fast, kabar__utf8_check_scalar, "\x80\xc3\xe2\xf0\xff",
       5},
      {"kabar__line_break", kabar__line_break, kabar__line_break_scalar, "\n\r", 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    scan_both_ways(&cases[i]);
}

/* kabar__word_start (16 bytes a step with SSE2, else 8) against its scalar twin: random text
 * of characters that open a word, that do not, and bytes next to the ones its filter marks
 * (')' right after a marked byte can be marked by a borrow; '!' '#' '&' are marked and open
 * nothing), for every span [a, b) between character boundaries, each text in a heap block of
 * exactly its size at every alignment. */
static void test_word_start_match_scalar(void **state) {
  (void)state;
  static const char *units[] = {"a", "Z", ".", " ", "\t", "\n", "(", ")", "[", "]", "\"", "'",
                                "!", "#", "&", "\x01", "\x1f", "\x28", "\x29", "\x5a",
                                "\x5c", "\0", "\xc3\xa9", "\xc2\xa0", "\xc2\xab",
                                "\xe2\x80\x9c", "\xe2\x80\x99", "\xe2\x80\xa8",
                                "\xf0\x9f\x98\x80", "k", "m", "q"};
  const size_t nunits = sizeof units / sizeof *units;
  unsigned seed = 2024;
  char text[128];
  uint32_t starts[64];
  for (int round = 0; round < 1500; round++) {
    size_t n = 0, nstarts = 0, want = (size_t)round % 40;
    while (nstarts < want && n + 4 <= sizeof text) {
      seed = seed * 1103515245u + 12345u;
      /* mostly plain letters, so that whole steps are skipped */
      const char *u = (seed >> 16) % 3 ? "b" : units[(seed >> 18) % nunits];
      size_t ul = u[0] ? strlen(u) : 1;
      starts[nstarts++] = (uint32_t)n;
      memcpy(text + n, u, ul);
      n += ul;
    }
    starts[nstarts] = (uint32_t)n;
    size_t align = (size_t)round % 16;
    char *buf = malloc(align + n + (align + n == 0));
    assert_non_null(buf);
    memcpy(buf + align, text, n);
    const char *t = buf + align;
    for (size_t ia = 0; ia <= nstarts; ia++)
      for (size_t ib = ia; ib <= nstarts; ib++) {
        uint32_t a = starts[ia], b = starts[ib];
        uint32_t got = kabar__word_start(t, a, b), exp = kabar__word_start_scalar(t, a, b);
        if (got != exp)
          fail_msg("kabar__word_start: %u, scalar %u, for [%u, %u) of %zu bytes", got, exp, a, b, n);
      }
    free(buf);
  }
}

/* kabar__utf8_check against its scalar twin on random well-formed and broken UTF-8: whole
 * code points of every length, with a byte changed or the text cut short now and then, the
 * non-ASCII ones at every offset of the 16- and 32-byte steps. */
static void test_utf8_check_match_scalar(void **state) {
  (void)state;
  static const char *units[] = {"a", "b", " ", "\xc3\xa9", "\xe2\x80\x9c", "\xf0\x9f\x98\x80",
                                "\xed\x9f\xbf", "\xef\xbf\xbd", "\xc2\x80", "\xf4\x8f\xbf\xbf"};
  const size_t nunits = sizeof units / sizeof *units;
  static const char broken[] = {(char)0x80, (char)0xC0, (char)0xED, (char)0xF5, (char)0xFF,
                                (char)0xE0, (char)0xF4, 'a'};
  unsigned seed = 31337;
  char text[200];
  for (int round = 0; round < 20000; round++) {
    size_t n = 0, want = 1 + (size_t)round % 120;
    while (n + 4 <= want) {
      seed = seed * 1103515245u + 12345u;
      const char *u = (seed >> 16) % 4 ? "abcd" : units[(seed >> 18) % nunits];
      size_t ul = (seed >> 16) % 4 ? 1 + (seed >> 20) % 4 : strlen(u);
      memcpy(text + n, u, ul);
      n += ul;
    }
    seed = seed * 1103515245u + 12345u;
    if (n > 0 && (seed >> 16) % 3 == 0) /* one byte broken */
      text[(seed >> 18) % n] = broken[(seed >> 24) % sizeof broken];
    if (n > 0 && (seed >> 16) % 5 == 1) /* cut, maybe inside a code point */
      n -= (seed >> 20) % (n < 4 ? n : 4);
    size_t align = (size_t)round % 16;
    char *buf = malloc(align + n + (align + n == 0));
    assert_non_null(buf);
    memcpy(buf + align, text, n);
    size_t got = kabar__utf8_check(buf + align, n), exp = kabar__utf8_check_scalar(buf + align, n);
    if (got != exp)
      fail_msg("kabar__utf8_check: %zu, scalar %zu, on %zu bytes at alignment %zu", got, exp, n,
               align);
    free(buf);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tricky_strings), cmocka_unit_test(test_samples),
      cmocka_unit_test(test_random_text),    cmocka_unit_test(test_letter_runs),
      cmocka_unit_test(test_types_fold),
      cmocka_unit_test(test_plain_words),
      cmocka_unit_test(test_random_prose),
      cmocka_unit_test(test_scans_match_scalar),
      cmocka_unit_test(test_utf8_check_match_scalar),
      cmocka_unit_test(test_word_start_match_scalar),
      cmocka_unit_test(test_letters16),
      cmocka_unit_test(test_plain_batches),
  };
  return cmocka_run_group_tests(tests, test_group_setup, teardown);
}
