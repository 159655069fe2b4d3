/* lib/segment through the public API: blocks (paragraphs and their lines), word tokens with
 * stems and stopword flags, sentences, and edge-case inputs. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers --------------------------------------------------------------------------- */

static int setup_ctx(void **state) {
  *state = test_ctx();
  return *state ? 0 : -1;
}

static int teardown_ctx(void **state) {
  kabar_ctx_free(*state);
  return 0;
}

/* Documents of the running test, freed by its teardown when an assertion jumps out early
 * (so that ASan's leak check reports library leaks only). */
#define MAX_LIVE 8
static kabar_doc *live[MAX_LIVE];

static kabar_doc *keep(kabar_doc *doc) {
  for (size_t i = 0; doc && i < MAX_LIVE; i++)
    if (!live[i]) {
      live[i] = doc;
      return doc;
    }
  if (doc)
    fail_msg("too many live documents");
  return doc;
}

static void release(kabar_doc *doc) {
  for (size_t i = 0; doc && i < MAX_LIVE; i++)
    if (live[i] == doc)
      live[i] = NULL;
  kabar_doc_free(doc);
}

static int release_all(void **state) {
  (void)state;
  for (size_t i = 0; i < MAX_LIVE; i++) {
    kabar_doc_free(live[i]);
    live[i] = NULL;
  }
  return 0;
}

static kabar_doc *make_doc(const kabar_ctx *ctx, const char *text, size_t len, const char *lang) {
  kabar_error err;
  kabar_doc *doc = keep(kabar_doc_new_lang(ctx, text, len, lang, 0, &err));
  if (!doc)
    fail_msg("kabar_doc_new_lang(%s): %s at %zu", lang ? lang : "auto", kabar_strerror(err.code),
             err.offset);
  assert_int_equal(err.code, KABAR_OK);
  test_assert_spans_valid(doc, text, len);
  return doc;
}

static kabar_doc *make_doc_str(const kabar_ctx *ctx, const char *text, const char *lang) {
  return make_doc(ctx, text, strlen(text), lang);
}

/* Offset of the first occurrence of `needle` in `text` (which must contain it). */
static size_t offset_of(const char *text, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(text + i, needle, n) == 0)
      return i;
  fail_msg("\"%s\" not found", needle);
  return 0;
}

/* Asserts block `i` starts on `line` and spans exactly the first occurrence of `content`. */
static void assert_block(const kabar_doc *doc, const char *text, size_t len, size_t i,
                         size_t line, const char *content) {
  kabar_span sp;
  assert_int_equal(kabar_doc_block(doc, i, &sp, NULL), KABAR_OK);
  size_t start = offset_of(text, len, content);
  if (sp.start != start || sp.end != start + strlen(content))
    fail_msg("block %zu is [%zu, %zu) \"%.*s\", expected [%zu, %zu) \"%s\"", i, sp.start,
             sp.end, (int)(sp.end - sp.start), text + sp.start, start,
             start + strlen(content), content);
  assert_int_equal(kabar_doc_block_line(doc, i), line);
}

static int is_ws_byte(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
}

/* Every sentence lies inside its block, in order, and neither starts nor ends in white space;
 * every token lies inside a block. */
static void assert_sentences_sane(const kabar_doc *doc, const char *text) {
  size_t prev_end = 0;
  for (size_t i = 0; i < kabar_doc_sentence_count(doc); i++) {
    kabar_span s, b;
    size_t bi = KABAR_NO_INDEX;
    assert_int_equal(kabar_doc_sentence(doc, i, &s, &bi), KABAR_OK);
    assert_true(bi < kabar_doc_block_count(doc));
    assert_int_equal(kabar_doc_block(doc, bi, &b, NULL), KABAR_OK);
    assert_true(s.start < s.end);
    assert_true(b.start <= s.start && s.end <= b.end);
    assert_true(s.start >= prev_end);
    assert_false(is_ws_byte(text[s.start]));
    assert_false(is_ws_byte(text[s.end - 1]));
    /* nor with a no-break space */
    assert_false(s.end - s.start >= 2 && (unsigned char)text[s.start] == 0xC2 &&
                 (unsigned char)text[s.start + 1] == 0xA0);
    assert_false(s.end - s.start >= 2 && (unsigned char)text[s.end - 2] == 0xC2 &&
                 (unsigned char)text[s.end - 1] == 0xA0);
    prev_end = s.end;
  }
  size_t nb = kabar_doc_block_count(doc);
  for (size_t i = 0; i < kabar_doc_token_count(doc); i++) {
    kabar_span t, b;
    assert_int_equal(kabar_doc_token(doc, i, &t, NULL, NULL), KABAR_OK);
    int inside = 0;
    for (size_t k = 0; k < nb && !inside; k++) {
      assert_int_equal(kabar_doc_block(doc, k, &b, NULL), KABAR_OK);
      inside = b.start <= t.start && t.end <= b.end;
    }
    assert_true(inside);
  }
}

/* Asserts the doc's sentences are exactly `want` (NULL-terminated) as substrings of text. */
static void assert_sentences(const kabar_doc *doc, const char *text, const char *const *want) {
  size_t n = 0;
  while (want[n])
    n++;
  size_t got = kabar_doc_sentence_count(doc);
  for (size_t i = 0; i < got || i < n; i++) {
    kabar_span s = {0, 0};
    if (i < got)
      assert_int_equal(kabar_doc_sentence(doc, i, &s, NULL), KABAR_OK);
    const char *w = i < n ? want[i] : "(none)";
    if (i >= got || i >= n || s.end - s.start != strlen(w) ||
        memcmp(text + s.start, w, strlen(w)) != 0)
      fail_msg("sentence %zu of %zu is [%zu, %zu) \"%.*s\", expected \"%s\" (of %zu)", i, got,
               s.start, s.end, (int)(s.end - s.start), text + s.start, w, n);
  }
  assert_sentences_sane(doc, text);
}

/* Index of the token whose span is exactly `word` (the first such), or KABAR_NO_INDEX. */
static size_t find_token(const kabar_doc *doc, const char *text, const char *word) {
  size_t n = strlen(word);
  for (size_t i = 0; i < kabar_doc_token_count(doc); i++) {
    kabar_span sp;
    assert_int_equal(kabar_doc_token(doc, i, &sp, NULL, NULL), KABAR_OK);
    if (sp.end - sp.start == n && memcmp(text + sp.start, word, n) == 0)
      return i;
  }
  return KABAR_NO_INDEX;
}

static void dump_tokens(const kabar_doc *doc, const char *text) {
  for (size_t i = 0; i < kabar_doc_token_count(doc); i++) {
    kabar_span sp;
    const char *stem = NULL;
    if (kabar_doc_token(doc, i, &sp, &stem, NULL) == KABAR_OK)
      print_message("  token %zu [%zu,%zu) \"%.*s\" stem \"%s\"\n", i, sp.start, sp.end,
                    (int)(sp.end - sp.start), text + sp.start, stem ? stem : "(null)");
  }
}

static size_t expect_token(const kabar_doc *doc, const char *text, const char *word) {
  size_t i = find_token(doc, text, word);
  if (i == KABAR_NO_INDEX) {
    dump_tokens(doc, text);
    fail_msg("no token \"%s\"", word);
  }
  return i;
}

static int token_is_stopword(const kabar_doc *doc, const char *text, const char *word) {
  int stop = -1;
  assert_int_equal(kabar_doc_token(doc, expect_token(doc, text, word), NULL, NULL, &stop),
                   KABAR_OK);
  assert_true(stop == 0 || stop == 1);
  return stop;
}

/* ---- blocks ---------------------------------------------------------------------------- */

static void blocks_one_paragraph_per_line(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] =
      "Banjir rendam tiga kecamatan\n"
      "  \tWarga di tepi sungai sudah mengungsi sejak Senin malam karena air terus naik dan "
      "hujan belum juga berhenti turun sepanjang hari.  \n"
      "\xC2\xA0Petugas membagikan makanan.\xC2\xA0\t\n"
      "\n"
      "Sekolah di tiga kecamatan ditutup sampai pekan depan, kata kepala dinas pendidikan "
      "setempat kepada wartawan di posko utama.\n"
      " \t \n"
      "Hujan reda.";
  size_t len = sizeof text - 1;
  kabar_doc *doc = make_doc(ctx, text, len, "id");
  assert_int_equal(kabar_doc_block_count(doc), 5);
  assert_block(doc, text, len, 0, 1, "Banjir rendam tiga kecamatan");
  assert_block(doc, text, len, 1, 2,
               "Warga di tepi sungai sudah mengungsi sejak Senin malam karena air terus naik dan "
               "hujan belum juga berhenti turun sepanjang hari.");
  assert_block(doc, text, len, 2, 3, "Petugas membagikan makanan.");
  assert_block(doc, text, len, 3, 5,
               "Sekolah di tiga kecamatan ditutup sampai pekan depan, kata kepala dinas "
               "pendidikan setempat kepada wartawan di posko utama.");
  assert_block(doc, text, len, 4, 7, "Hujan reda.");
  assert_int_equal(test_block_at_line(doc, 4), KABAR_NO_INDEX);
  assert_int_equal(test_block_at_line(doc, 6), KABAR_NO_INDEX);
  /* out of range */
  kabar_span sp;
  assert_int_equal(kabar_doc_block(doc, 5, &sp, NULL), KABAR_EINVAL);
  assert_int_equal(kabar_doc_block_line(doc, 5), 0);
  assert_sentences_sane(doc, text);
  release(doc);
}

/* One-sentence paragraphs, one per line, all of similar length (40-100 bytes) and each
 * ending a sentence: a common news layout that is not hard-wrapped text. */
static void blocks_one_per_line_similar_lengths(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] =
      "Polisi menutup jalan utama menuju pelabuhan sejak pagi hari ini.\n"
      "Ratusan truk tertahan di gerbang tol karena antrean sangat panjang.\n"
      "Pengemudi mengeluh karena tidak ada pemberitahuan sebelumnya.\n"
      "Jalan itu dijadwalkan dibuka kembali besok sore setelah perbaikan.\n";
  size_t len = sizeof text - 1;
  kabar_doc *doc = make_doc(ctx, text, len, "id");
  assert_int_equal(kabar_doc_block_count(doc), 4);
  assert_block(doc, text, len, 0, 1,
               "Polisi menutup jalan utama menuju pelabuhan sejak pagi hari ini.");
  assert_block(doc, text, len, 1, 2,
               "Ratusan truk tertahan di gerbang tol karena antrean sangat panjang.");
  assert_block(doc, text, len, 2, 3,
               "Pengemudi mengeluh karena tidak ada pemberitahuan sebelumnya.");
  assert_block(doc, text, len, 3, 4,
               "Jalan itu dijadwalkan dibuka kembali besok sore setelah perbaikan.");
  release(doc);
}

static void blocks_blank_line_paragraphs(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] = "\n\nParagraf satu.\n\nParagraf dua ada di sini.\n\n\n\n"
                             "Paragraf tiga.\n\n";
  size_t len = sizeof text - 1;
  kabar_doc *doc = make_doc(ctx, text, len, "id");
  assert_int_equal(kabar_doc_block_count(doc), 3);
  assert_block(doc, text, len, 0, 3, "Paragraf satu.");
  assert_block(doc, text, len, 1, 5, "Paragraf dua ada di sini.");
  assert_block(doc, text, len, 2, 9, "Paragraf tiga.");
  release(doc);
}

static void blocks_crlf_and_cr(void **state) {
  const kabar_ctx *ctx = *state;
  static const char *const texts[] = {"Regel een\r\nRegel twee  \r\n\r\nRegel vier\r\n",
                                      "Regel een\rRegel twee\r\rRegel vier"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    const char *text = texts[i];
    size_t len = strlen(text);
    kabar_doc *doc = make_doc(ctx, text, len, "nl");
    assert_int_equal(kabar_doc_block_count(doc), 3);
    assert_block(doc, text, len, 0, 1, "Regel een");
    assert_block(doc, text, len, 1, 2, "Regel twee");
    assert_block(doc, text, len, 2, 4, "Regel vier");
    size_t n;
    const char *clean = kabar_doc_text(doc, &n);
    assert_null(memchr(clean, '\r', n));
    release(doc);
  }
}

/* Every mix of LF, CR and CRLF, at the start and the end too, counts lines the same way. */
static void blocks_mixed_breaks(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] = "\rEen\n\rTwee\r\n\nDrie\r\r\nVier\n\n\r";
  size_t len = sizeof text - 1;
  kabar_doc *doc = make_doc(ctx, text, len, "nl");
  assert_int_equal(kabar_doc_block_count(doc), 4);
  assert_block(doc, text, len, 0, 2, "Een");
  assert_block(doc, text, len, 1, 4, "Twee");
  assert_block(doc, text, len, 2, 6, "Drie");
  assert_block(doc, text, len, 3, 8, "Vier");
  release(doc);
}

static void blocks_hard_wrapped(void **state) {
  const kabar_ctx *ctx = *state;
  /* two paragraphs wrapped at about 70 columns */
  static const char text[] =
      "De gemeenteraad van Utrecht heeft dinsdagavond ingestemd met een plan\n"
      "om het fietsverkeer rond het centraal station beter te spreiden. Er\n"
      "komen twee nieuwe stallingen aan de westkant en de bestaande tunnel\n"
      "wordt verbreed, zodat voetgangers er meer ruimte krijgen.\n"
      "\n"
      "Wethouder Lotte Vermeulen verwacht dat de werkzaamheden in het voorjaar\n"
      "beginnen. Omwonenden kunnen tot het einde van de maand hun mening geven\n"
      "tijdens een inspraakavond in het stadskantoor.\n";
  size_t len = sizeof text - 1;
  kabar_doc *doc = make_doc(ctx, text, len, "nl");
  assert_int_equal(kabar_doc_block_count(doc), 2);
  kabar_span sp;
  assert_int_equal(kabar_doc_block(doc, 0, &sp, NULL), KABAR_OK);
  assert_int_equal(sp.start, 0);
  assert_int_equal(sp.end, offset_of(text, len, "krijgen.") + strlen("krijgen."));
  assert_int_equal(kabar_doc_block_line(doc, 0), 1);
  assert_int_equal(kabar_doc_block(doc, 1, &sp, NULL), KABAR_OK);
  assert_int_equal(sp.start, offset_of(text, len, "Wethouder"));
  assert_int_equal(sp.end, len - 1);
  assert_int_equal(kabar_doc_block_line(doc, 1), 6);
  /* sentences run across the line breaks */
  static const char *const sentences[] = {
      "De gemeenteraad van Utrecht heeft dinsdagavond ingestemd met een plan\n"
      "om het fietsverkeer rond het centraal station beter te spreiden.",
      "Er\n"
      "komen twee nieuwe stallingen aan de westkant en de bestaande tunnel\n"
      "wordt verbreed, zodat voetgangers er meer ruimte krijgen.",
      "Wethouder Lotte Vermeulen verwacht dat de werkzaamheden in het voorjaar\n"
      "beginnen.",
      "Omwonenden kunnen tot het einde van de maand hun mening geven\n"
      "tijdens een inspraakavond in het stadskantoor.",
      NULL};
  assert_sentences(doc, text, sentences);
  /* the cleaned text joins each paragraph's lines with one space */
  size_t n;
  const char *clean = kabar_doc_text(doc, &n);
  assert_null(memchr(clean, '\n', offset_of(clean, n, "\n\n")));
  assert_non_null(strstr(clean, "met een plan om het fietsverkeer"));
  release(doc);
}

static void blocks_sample_nl_wrapped(void **state) {
  const kabar_ctx *ctx = *state;
  size_t len;
  char *text = test_read_sample("nl-wrapped.txt", &len);
  kabar_doc *doc = make_doc(ctx, text, len, NULL);
  assert_string_equal(kabar_doc_lang(doc), "nl");
  assert_int_equal(kabar_doc_block_count(doc), 6);
  static const size_t lines[] = {1, 3, 10, 16, 22, 28};
  for (size_t i = 0; i < 6; i++) {
    kabar_block_kind kind = 0;
    assert_int_equal(kabar_doc_block(doc, i, NULL, &kind), KABAR_OK);
    assert_int_equal(kabar_doc_block_line(doc, i), lines[i]);
    assert_int_equal(kind, i == 0 ? KABAR_BLOCK_TITLE : KABAR_BLOCK_BODY);
  }
  /* paragraph 1 runs from "ROTTERDAM" on line 3 to the end of line 8 */
  kabar_span sp;
  assert_int_equal(kabar_doc_block(doc, 1, &sp, NULL), KABAR_OK);
  assert_int_equal(sp.start, offset_of(text, len, "ROTTERDAM - "));
  assert_int_equal(sp.end, offset_of(text, len, "ingrijpen.") + strlen("ingrijpen."));
  /* the last paragraph ends at the final full stop, before the final newline */
  assert_int_equal(kabar_doc_block(doc, 5, &sp, NULL), KABAR_OK);
  assert_int_equal(sp.end, len - 1);
  assert_sentences_sane(doc, text);
  release(doc);
  free(text);
}

/* ---- tokens ---------------------------------------------------------------------------- */

static void tokens_reduplication(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] = "Perusahaan-perusahaan itu menolak aturan baru.";
  kabar_doc *doc = make_doc_str(ctx, text, "id");
  size_t i = expect_token(doc, text, "Perusahaan-perusahaan");
  assert_int_equal(i, 0);
  assert_int_equal(find_token(doc, text, "Perusahaan"), KABAR_NO_INDEX);
  assert_int_equal(find_token(doc, text, "perusahaan"), KABAR_NO_INDEX);
  const char *stem = NULL;
  assert_int_equal(kabar_doc_token(doc, i, NULL, &stem, NULL), KABAR_OK);
  assert_non_null(stem);
  /* the next token is "itu" */
  kabar_span sp;
  assert_int_equal(kabar_doc_token(doc, 1, &sp, NULL, NULL), KABAR_OK);
  assert_int_equal(sp.start, 22);
  assert_int_equal(sp.end, 25);

  static const char single[] = "Satu perusahaan menolak aturan baru.";
  kabar_doc *doc2 = make_doc_str(ctx, single, "id");
  const char *stem2 = NULL;
  assert_int_equal(kabar_doc_token(doc2, expect_token(doc2, single, "perusahaan"), NULL, &stem2,
                                   NULL),
                   KABAR_OK);
  assert_non_null(stem2);
  assert_string_equal(stem, stem2);
  release(doc2);
  release(doc);
}

static void tokens_reduplication_partial(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] = "Anak itu berlari-lari di taman kota setiap sore.";
  kabar_doc *doc = make_doc_str(ctx, text, "id");
  expect_token(doc, text, "berlari-lari");
  assert_int_equal(find_token(doc, text, "berlari"), KABAR_NO_INDEX);
  assert_int_equal(find_token(doc, text, "lari"), KABAR_NO_INDEX);
  assert_int_equal(kabar_doc_token_count(doc), 8);
  release(doc);
}

static void tokens_compound_with_hyphen_splits(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] = "De Microsoft-baas sprak gisteren in Amsterdam.";
  kabar_doc *doc = make_doc_str(ctx, text, "nl");
  size_t a = expect_token(doc, text, "Microsoft");
  size_t b = expect_token(doc, text, "baas");
  assert_int_equal(b, a + 1);
  assert_int_equal(find_token(doc, text, "Microsoft-baas"), KABAR_NO_INDEX);
  assert_int_equal(kabar_doc_token_count(doc), 7);
  release(doc);
}

static void tokens_numbers(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] = "Nilai proyek itu Rp 2,5 triliun pada 2018 dan naik 12.000 unit.";
  kabar_doc *doc = make_doc_str(ctx, text, "id");
  expect_token(doc, text, "2,5");
  expect_token(doc, text, "2018");
  expect_token(doc, text, "12.000");
  assert_int_equal(find_token(doc, text, "2"), KABAR_NO_INDEX);
  assert_int_equal(find_token(doc, text, "5"), KABAR_NO_INDEX);
  release(doc);

  static const char nl[] = "De omzet steeg in 2023 met 3,7 procent.";
  doc = make_doc_str(ctx, nl, "nl");
  expect_token(doc, nl, "2023");
  expect_token(doc, nl, "3,7");
  release(doc);
}

static void tokens_stopwords(void **state) {
  const kabar_ctx *ctx = *state;
  static const char id[] = "Pemerintah yang baru dan parlemen itu sepakat membangun jembatan.";
  kabar_doc *doc = make_doc_str(ctx, id, "id");
  assert_true(token_is_stopword(doc, id, "yang"));
  assert_true(token_is_stopword(doc, id, "dan"));
  assert_true(token_is_stopword(doc, id, "itu"));
  assert_false(token_is_stopword(doc, id, "jembatan"));
  assert_false(token_is_stopword(doc, id, "Pemerintah"));
  release(doc);

  static const char nl[] = "De burgemeester opende het nieuwe zwembad in de wijk.";
  doc = make_doc_str(ctx, nl, "nl");
  assert_true(token_is_stopword(doc, nl, "De")); /* case-folded */
  assert_true(token_is_stopword(doc, nl, "het"));
  assert_true(token_is_stopword(doc, nl, "de"));
  assert_false(token_is_stopword(doc, nl, "zwembad"));
  assert_false(token_is_stopword(doc, nl, "burgemeester"));
  release(doc);
}

static void tokens_accessors(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] = "Rumah rumah RUMAH.";
  kabar_doc *doc = make_doc_str(ctx, text, "id");
  assert_int_equal(kabar_doc_token_count(doc), 3);
  /* equal stems (after case folding) share a term id */
  assert_int_equal(kabar_doc_token_term(doc, 0), kabar_doc_token_term(doc, 1));
  assert_int_equal(kabar_doc_token_term(doc, 0), kabar_doc_token_term(doc, 2));
  assert_int_equal(kabar_doc_token_term(doc, 3), UINT32_MAX);
  assert_int_equal(kabar_doc_token(doc, 3, NULL, NULL, NULL), KABAR_EINVAL);
  assert_int_equal(kabar_doc_token(doc, 0, NULL, NULL, NULL), KABAR_OK);
  release(doc);
}

/* ---- sentences ------------------------------------------------------------------------- */

static void sentences_id_abbreviations(void **state) {
  const kabar_ctx *ctx = *state;
  static const char t1[] = "Kantornya di Jl. Sudirman No. 5 Jakarta. Dia datang pukul 09.00.";
  kabar_doc *doc = make_doc_str(ctx, t1, "id");
  static const char *const w1[] = {"Kantornya di Jl. Sudirman No. 5 Jakarta.",
                                   "Dia datang pukul 09.00.", NULL};
  assert_sentences(doc, t1, w1);
  release(doc);

  static const char t2[] = "Harganya Rp. 5 juta per unit. Stoknya terbatas.";
  doc = make_doc_str(ctx, t2, "id");
  static const char *const w2[] = {"Harganya Rp. 5 juta per unit.", "Stoknya terbatas.", NULL};
  assert_sentences(doc, t2, w2);
  release(doc);

  static const char t3[] = "Pasien itu diperiksa dr. Andi di klinik. Hasilnya baik.";
  doc = make_doc_str(ctx, t3, "id");
  static const char *const w3[] = {"Pasien itu diperiksa dr. Andi di klinik.", "Hasilnya baik.",
                                   NULL};
  assert_sentences(doc, t3, w3);
  release(doc);
}

static void sentences_nl_abbreviations(void **state) {
  const kabar_ctx *ctx = *state;
  static const char t1[] = "Dat zei o.a. mr. Jansen gisteren. Hij komt bijv. morgen.";
  kabar_doc *doc = make_doc_str(ctx, t1, "nl");
  static const char *const w1[] = {"Dat zei o.a. mr. Jansen gisteren.", "Hij komt bijv. morgen.",
                                   NULL};
  assert_sentences(doc, t1, w1);
  release(doc);

  static const char t2[] = "J. Smith zei het gisteren.";
  doc = make_doc_str(ctx, t2, "nl");
  static const char *const w2[] = {"J. Smith zei het gisteren.", NULL};
  assert_sentences(doc, t2, w2);
  release(doc);

  /* a real sentence end is still a sentence end */
  static const char t3[] = "Het regent. De wind draait naar het noorden.";
  doc = make_doc_str(ctx, t3, "nl");
  static const char *const w3[] = {"Het regent.", "De wind draait naar het noorden.", NULL};
  assert_sentences(doc, t3, w3);
  release(doc);
}

/* Sentences in `text` of language `lang`. */
static size_t sentence_count_of(const kabar_ctx *ctx, const char *text, const char *lang) {
  kabar_doc *doc = make_doc_str(ctx, text, lang);
  size_t n = kabar_doc_sentence_count(doc);
  release(doc);
  return n;
}

/* Every abbreviation of the shipped lists keeps its sentence whole, as written, capitalised
 * and in capitals, at the text's start (under 16 bytes of text before its end: a path of its
 * own) and after words; a plain word of the same length in its place ends the sentence.
 * The words' lengths cover every split of the folded word between the two words it is
 * hashed in. */
static void sentences_every_abbreviation(void **state) {
  const kabar_ctx *ctx = *state;
  static const char *const langs[] = {"id", "nl"};
  /* in the language's words: a block's own language, if detected, picks the abbreviations */
  static const char *const before[2][3] = {{"", "Ini ", "Kemarin pagi sekali, kata "},
                                           {"", "Dat ", "Gisteren in de ochtend zei de "}};
  for (size_t li = 0; li < 2; li++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/abbreviations.txt", KABAR_TEST_CORPORA, langs[li]);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024]; /* room for the comment lines */
    size_t seen = 0;
    while (fgets(line, sizeof line, f)) {
      line[strcspn(line, "\r\n")] = 0;
      size_t n = strlen(line);
      if (n == 0 || line[0] == '#')
        continue;
      assert_true(n < 100);
      seen++;
      for (size_t bi = 0; bi < 3; bi++)
        for (int form = 0; form < 4; form++) {
          char word[128], text[256];
          memcpy(word, line, n + 1);
          for (size_t i = 0; i < n; i++)
            if ((form == 1 && i == 0) || form == 2)
              word[i] = (char)(word[i] >= 'a' && word[i] <= 'z' ? word[i] - 32 : word[i]);
            else if (form == 3 && i + 1 < n)
              word[i] = 'k'; /* a plain word */
          if (form == 3 && n == 2)
            continue; /* "k." is an initial */
          snprintf(text, sizeof text, "%s%s Budi datang. Dia pergi.", before[li][bi], word);
          size_t got = sentence_count_of(ctx, text, langs[li]), want = form == 3 ? 3 : 2;
          if (got != want)
            fail_msg("%zu sentences in \"%s\" (%s), want %zu", got, text, langs[li], want);
        }
    }
    fclose(f);
    assert_true(seen > 50);
  }
}

/* Abbreviations of every length from 3 bytes to 24 (the longest looked up), from a list of
 * this test's own (the shipped lists have none of 9 bytes or more): each keeps its sentence
 * whole in any case, at the text's start and after words, and the same word with another
 * first letter, or with one more letter, ends its sentence. */
static void sentences_abbreviations_of_every_length(void **state) {
  (void)state;
  static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
  char list[1024] = "";
  for (size_t n = 3; n <= 25; n++) /* 25: too long to be looked up */
    snprintf(list + strlen(list), sizeof list - strlen(list), "%.*s.\n", (int)n - 1, letters);
  char *dir = test_make_data_dir();
  test_write_file(dir, "id/abbreviations.txt", list);
  kabar_ctx *ctx = test_ctx_at(dir);
  static const char *const before[] = {"", "Ini ", "Kemarin pagi sekali, kata "};
  for (size_t n = 3; n <= 25; n++)
    for (size_t bi = 0; bi < 3; bi++)
      for (int form = 0; form < 4; form++) {
        char word[32], text[256];
        snprintf(word, sizeof word, "%.*s.", (int)n - 1, letters);
        if (form == 1)
          word[0] = 'A';
        else if (form == 2)
          word[0] = 'z'; /* not listed */
        else if (form == 3)
          snprintf(word, sizeof word, "%.*sx.", (int)n - 1, letters); /* not listed */
        snprintf(text, sizeof text, "%s%s Budi datang. Dia pergi.", before[bi], word);
        size_t got = sentence_count_of(ctx, text, "id");
        size_t want = form >= 2 || n == 25 ? 3 : 2;
        if (got != want)
          fail_msg("%zu sentences in \"%s\", want %zu", got, text, want);
      }
  kabar_ctx_free(ctx);
  test_rm_tree(dir);
  free(dir);
}

/* A no-break space (common in scraped HTML) between sentences or after an abbreviation. */
static void sentences_nbsp(void **state) {
  const kabar_ctx *ctx = *state;
  static const char t1[] = "Satu kalimat pendek.\xC2\xA0Kalimat kedua di sini.";
  kabar_doc *doc = make_doc_str(ctx, t1, "id");
  static const char *const w1[] = {"Satu kalimat pendek.", "Kalimat kedua di sini.", NULL};
  assert_sentences(doc, t1, w1);
  release(doc);

  static const char t2[] = "Kantornya di Jl.\xC2\xA0Sudirman nomor lima. Dia datang.";
  doc = make_doc_str(ctx, t2, "id");
  static const char *const w2[] = {"Kantornya di Jl.\xC2\xA0Sudirman nomor lima.", "Dia datang.",
                                   NULL};
  assert_sentences(doc, t2, w2);
  release(doc);

  static const char t3[] = "Kantornya di\xC2\xA0Jl. Sudirman nomor lima. Dia datang.";
  doc = make_doc_str(ctx, t3, "id");
  static const char *const w3[] = {"Kantornya di\xC2\xA0Jl. Sudirman nomor lima.", "Dia datang.",
                                   NULL};
  assert_sentences(doc, t3, w3);
  release(doc);
}

/* An abbreviation right after an opening typographic quote. */
static void sentences_abbreviation_after_quote(void **state) {
  const kabar_ctx *ctx = *state;
  static const char t1[] =
      "Dia berkata, \xE2\x80\x9C" "Dr. Andi sudah datang.\xE2\x80\x9D Lalu dia pergi.";
  kabar_doc *doc = make_doc_str(ctx, t1, "id");
  static const char *const w1[] = {
      "Dia berkata, \xE2\x80\x9C" "Dr. Andi sudah datang.\xE2\x80\x9D", "Lalu dia pergi.", NULL};
  assert_sentences(doc, t1, w1);
  release(doc);

  static const char t2[] =
      "Hij zei: \xE2\x80\x9E" "Mr. De Boer komt later.\xE2\x80\x9D Daarna ging hij weg.";
  doc = make_doc_str(ctx, t2, "nl");
  static const char *const w2[] = {
      "Hij zei: \xE2\x80\x9E" "Mr. De Boer komt later.\xE2\x80\x9D", "Daarna ging hij weg.",
      NULL};
  assert_sentences(doc, t2, w2);
  release(doc);
}

static void sentences_inside_blocks(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] =
      "   Hari pertama berjalan lancar. Semua peserta hadir tepat waktu.   \n"
      "\n"
      "\t Menurut panitia, acara ditutup pukul 17.00 WIB. Peserta pulang dengan bus.\xC2\xA0\n";
  size_t len = sizeof text - 1;
  kabar_doc *doc = make_doc(ctx, text, len, "id");
  static const char *const want[] = {"Hari pertama berjalan lancar.",
                                     "Semua peserta hadir tepat waktu.",
                                     "Menurut panitia, acara ditutup pukul 17.00 WIB.",
                                     "Peserta pulang dengan bus.", NULL};
  assert_sentences(doc, text, want);
  size_t b = KABAR_NO_INDEX;
  assert_int_equal(kabar_doc_sentence(doc, 3, NULL, &b), KABAR_OK);
  assert_int_equal(b, 1);
  assert_int_equal(kabar_doc_sentence(doc, 4, NULL, NULL), KABAR_EINVAL);
  release(doc);
}

/* ---- edge inputs ----------------------------------------------------------------------- */

static void assert_empty_doc(const kabar_doc *doc) {
  assert_int_equal(kabar_doc_block_count(doc), 0);
  assert_int_equal(kabar_doc_token_count(doc), 0);
  assert_int_equal(kabar_doc_sentence_count(doc), 0);
  assert_int_equal(kabar_doc_cut_count(doc), 0);
  size_t n = 99;
  const char *clean = kabar_doc_text(doc, &n);
  assert_non_null(clean);
  assert_int_equal(n, 0);
  assert_string_equal(clean, "");
}

static void edge_empty_input(void **state) {
  const kabar_ctx *ctx = *state;
  kabar_error err;
  err.code = KABAR_ERROR;
  kabar_doc *doc = keep(kabar_doc_new(ctx, "", 0, 0, &err));
  assert_non_null(doc);
  assert_int_equal(err.code, KABAR_OK);
  assert_int_equal(kabar_doc_input_size(doc), 0);
  assert_empty_doc(doc);
  release(doc);

  err.code = KABAR_ERROR;
  doc = keep(kabar_doc_new(ctx, NULL, 0, 0, &err));
  assert_non_null(doc);
  assert_int_equal(err.code, KABAR_OK);
  assert_empty_doc(doc);
  release(doc);

  doc = keep(kabar_doc_new(ctx, "", 0, KABAR_DOC_BORROW, &err));
  assert_non_null(doc);
  assert_empty_doc(doc);
  release(doc);
}

static void edge_only_whitespace(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] = " \n\t\r\n\xC2\xA0 \n\n\xE3\x80\x80\r   \n";
  kabar_error err;
  kabar_doc *doc = keep(kabar_doc_new(ctx, text, sizeof text - 1, 0, &err));
  assert_non_null(doc);
  assert_int_equal(err.code, KABAR_OK);
  assert_empty_doc(doc);
  release(doc);
}

/* The cleaned text of a one-line document is the line with every run of spaces, tabs and
 * NULs as one space and all other bytes kept. The lines mix long stretches that need no
 * change (copied a word at a time) with the bytes that do, at every offset. */
static void edge_clean_text_flattened(void **state) {
  const kabar_ctx *ctx = *state;
  static const char common[] = "akZe .", rare[] = " \t\0\x01\x0b\x7f";
  char text[512], want[512];
  unsigned seed = 777;
  for (int round = 0; round < 400; round++) {
    size_t n = 0, len = 20 + (size_t)round % 200;
    while (n < len) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 16;
      if (r % 11 == 0) {
        text[n++] = rare[(r / 11) % (sizeof rare - 1)];
      } else if (r % 11 == 1) {
        text[n++] = '\xc3'; /* é */
        text[n++] = '\xa9';
      } else {
        text[n++] = common[(r / 11) % (sizeof common - 1)];
      }
    }
    size_t a = 0, b = n, m = 0; /* the block: the line without its ASCII white space ends */
    while (a < b && (is_ws_byte(text[a]) || text[a] == '\x0b'))
      a++;
    while (b > a && (is_ws_byte(text[b - 1]) || text[b - 1] == '\x0b'))
      b--;
    for (size_t i = a; i < b; i++)
      if (!is_ws_byte(text[i]))
        want[m++] = text[i];
      else if (want[m - 1] != ' ')
        want[m++] = ' ';
    kabar_doc *doc = make_doc(ctx, text, n, "id");
    assert_int_equal(kabar_doc_block_count(doc), a < b);
    assert_int_equal(kabar_doc_cut_count(doc), 0);
    size_t got;
    const char *clean = kabar_doc_text(doc, &got);
    if (got != m || memcmp(clean, want, m) != 0)
      fail_msg("round %d: cleaned text \"%.*s\" (%zu bytes), expected \"%.*s\" (%zu)", round,
               (int)got, clean, got, (int)m, want, m);
    release(doc);
  }
}

static void edge_nul_bytes(void **state) {
  const kabar_ctx *ctx = *state;
  static const char text[] =
      "Paragraf ini\0berisi byte nol\0\0di tengah kalimat yang panjang.\n\nParagraf kedua.";
  size_t len = sizeof text - 1;
  kabar_doc *doc = make_doc(ctx, text, len, "id");
  assert_int_equal(kabar_doc_block_count(doc), 2);
  kabar_span sp;
  assert_int_equal(kabar_doc_block(doc, 0, &sp, NULL), KABAR_OK);
  assert_int_equal(sp.start, 0);
  assert_int_equal(sp.end, offset_of(text, len, "panjang.") + strlen("panjang."));
  assert_int_equal(kabar_doc_block_line(doc, 1), 3);
  expect_token(doc, text, "ini");
  expect_token(doc, text, "berisi");
  expect_token(doc, text, "nol");
  expect_token(doc, text, "di");
  assert_sentences_sane(doc, text);
  size_t n;
  const char *clean = kabar_doc_text(doc, &n);
  assert_int_equal(strlen(clean), n); /* no NUL inside the cleaned text */
  release(doc);

  /* a NUL (treated as a space) right after a full stop: the next sentence starts after it */
  static const char t2[] = "Kalimat pertama selesai.\0Kalimat kedua di sini.";
  doc = make_doc(ctx, t2, sizeof t2 - 1, "id");
  static const char *const w2[] = {"Kalimat pertama selesai.", "Kalimat kedua di sini.", NULL};
  assert_sentences(doc, t2, w2);
  release(doc);
}

static void edge_fifty_megabyte_line(void **state) {
  const kabar_ctx *ctx = *state;
  static const char words[] = "Sungai itu meluap lagi pagi ini dan warga kembali mengungsi. ";
  const size_t wlen = sizeof words - 1, target = (size_t)50 << 20;
  size_t reps = target / wlen + 1, len = reps * wlen - 1; /* no trailing space */
  char *text = malloc(len + 1);
  assert_non_null(text);
  for (size_t i = 0; i < reps; i++)
    memcpy(text + i * wlen, words, i + 1 < reps ? wlen : wlen - 1);
  text[len] = '\0';
  kabar_error err;
  kabar_doc *doc = keep(kabar_doc_new_lang(ctx, text, len, "id", KABAR_DOC_BORROW, &err));
  if (!doc)
    fail_msg("50 MB line: %s at %zu", kabar_strerror(err.code), err.offset);
  assert_int_equal(kabar_doc_block_count(doc), 1);
  kabar_span sp;
  assert_int_equal(kabar_doc_block(doc, 0, &sp, NULL), KABAR_OK);
  assert_int_equal(sp.start, 0);
  assert_int_equal(sp.end, len);
  assert_int_equal(kabar_doc_block_line(doc, 0), 1);
  assert_int_equal(kabar_doc_token_count(doc), reps * 10);
  test_assert_spans_valid(doc, text, len);
  release(doc);
  free(text);
}

static void edge_hundred_thousand_paragraphs(void **state) {
  const kabar_ctx *ctx = *state;
  const size_t count = 100000;
  size_t cap = count * 48, len = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  for (size_t i = 0; i < count; i++)
    len += (size_t)snprintf(text + len, cap - len, "Paragraf nomor %zu berisi kata unik.\n", i + 1);
  kabar_doc *doc = make_doc(ctx, text, len, "id");
  assert_int_equal(kabar_doc_block_count(doc), count);
  size_t pos = 0;
  for (size_t i = 0; i < count; i++) {
    kabar_span sp;
    assert_int_equal(kabar_doc_block(doc, i, &sp, NULL), KABAR_OK);
    assert_int_equal(sp.start, pos);
    const char *nl = memchr(text + pos, '\n', len - pos);
    assert_non_null(nl);
    assert_int_equal(sp.end, (size_t)(nl - text));
    assert_int_equal(kabar_doc_block_line(doc, i), i + 1);
    pos = sp.end + 1;
  }
  release(doc);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(blocks_one_paragraph_per_line, release_all),
      cmocka_unit_test_teardown(blocks_one_per_line_similar_lengths, release_all),
      cmocka_unit_test_teardown(blocks_blank_line_paragraphs, release_all),
      cmocka_unit_test_teardown(blocks_crlf_and_cr, release_all),
      cmocka_unit_test_teardown(blocks_mixed_breaks, release_all),
      cmocka_unit_test_teardown(blocks_hard_wrapped, release_all),
      cmocka_unit_test_teardown(blocks_sample_nl_wrapped, release_all),
      cmocka_unit_test_teardown(tokens_reduplication, release_all),
      cmocka_unit_test_teardown(tokens_reduplication_partial, release_all),
      cmocka_unit_test_teardown(tokens_compound_with_hyphen_splits, release_all),
      cmocka_unit_test_teardown(tokens_numbers, release_all),
      cmocka_unit_test_teardown(tokens_stopwords, release_all),
      cmocka_unit_test_teardown(tokens_accessors, release_all),
      cmocka_unit_test_teardown(sentences_id_abbreviations, release_all),
      cmocka_unit_test_teardown(sentences_nl_abbreviations, release_all),
      cmocka_unit_test_teardown(sentences_every_abbreviation, release_all),
      cmocka_unit_test_teardown(sentences_abbreviations_of_every_length, release_all),
      cmocka_unit_test_teardown(sentences_nbsp, release_all),
      cmocka_unit_test_teardown(sentences_abbreviation_after_quote, release_all),
      cmocka_unit_test_teardown(sentences_inside_blocks, release_all),
      cmocka_unit_test_teardown(edge_empty_input, release_all),
      cmocka_unit_test_teardown(edge_only_whitespace, release_all),
      cmocka_unit_test_teardown(edge_nul_bytes, release_all),
      cmocka_unit_test_teardown(edge_clean_text_flattened, release_all),
      cmocka_unit_test_teardown(edge_fifty_megabyte_line, release_all),
      cmocka_unit_test_teardown(edge_hundred_thousand_paragraphs, release_all),
  };
  return cmocka_run_group_tests(tests, setup_ctx, teardown_ctx);
}
