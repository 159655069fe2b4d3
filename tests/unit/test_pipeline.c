/* lang/, clean/, terms/ and dedup/ through the public API, on the project's sample articles
 * (corpora/samples/README.md lists what each contains, by line). */
#include "helpers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>


typedef struct sample {
  char *text;
  size_t len;
  kabar_doc *doc;
} sample;

static sample load(const char *name) {
  sample s;
  s.text = test_read_sample(name, &s.len);
  kabar_error err;
  s.doc = kabar_doc_new(test_group_ctx, s.text, s.len, 0, &err);
  if (!s.doc)
    fail_msg("%s: %s", name, kabar_strerror(err.code));
  test_assert_spans_valid(s.doc, s.text, s.len);
  return s;
}
static void unload(sample *s) {
  kabar_doc_free(s->doc);
  free(s->text);
}

static kabar_block_kind kind_at(const sample *s, size_t line) {
  size_t b = test_block_at_line(s->doc, line);
  assert_int_not_equal(b, KABAR_NO_INDEX);
  kabar_block_kind k;
  assert_int_equal(kabar_doc_block(s->doc, b, NULL, &k), KABAR_OK);
  return k;
}

static size_t dup_line(const sample *s, size_t line) {
  size_t b = test_block_at_line(s->doc, line);
  size_t d = kabar_doc_block_duplicate_of(s->doc, b);
  return d == KABAR_NO_INDEX ? 0 : kabar_doc_block_line(s->doc, d);
}

/* The text of block `line` (its original bytes) occurs `times` times in the cleaned text. */
static void assert_in_text(const sample *s, size_t line, int times) {
  kabar_span sp;
  assert_int_equal(kabar_doc_block(s->doc, test_block_at_line(s->doc, line), &sp, NULL), KABAR_OK);
  size_t n = sp.end - sp.start < 60 ? sp.end - sp.start : 60;
  char needle[61];
  memcpy(needle, s->text + sp.start, n);
  needle[n] = '\0';
  int count = 0;
  for (const char *p = kabar_doc_text(s->doc, NULL); (p = strstr(p, needle)) != NULL; p += n)
    count++;
  assert_int_equal(count, times);
}

static void test_structural_copy_id(void **state) {
  (void)state;
  sample s = load("id-cyber-pact.txt");
  assert_string_equal(kabar_doc_lang(s.doc), "id");
  assert_true(kabar_doc_lang_confidence(s.doc) > 0.5);
  assert_int_equal(kind_at(&s, 1), KABAR_BLOCK_TITLE);
  static const size_t boiler[] = {2, 3, 4, 8, 11, 22};
  for (size_t i = 0; i < sizeof boiler / sizeof *boiler; i++)
    assert_int_equal(kind_at(&s, boiler[i]), KABAR_BLOCK_BOILERPLATE);
  /* lines 15-21 repeat 6, 7, 9, 10, 12, 13, 14 (the copy skips the boilerplate lines) */
  static const size_t copy[][2] = {{15, 6}, {16, 7}, {17, 9}, {18, 10}, {19, 12}, {20, 13}, {21, 14}};
  for (size_t i = 0; i < 7; i++) {
    assert_int_equal(dup_line(&s, copy[i][0]), copy[i][1]);
    size_t b = test_block_at_line(s.doc, copy[i][0]);
    assert_int_equal(kabar_doc_block_repeat(s.doc, b), KABAR_REPEAT_STRUCTURAL);
    assert_true(kabar_doc_block_similarity(s.doc, b) > 0.99);
    assert_in_text(&s, copy[i][1], 1);
  }
  assert_int_equal(dup_line(&s, 5), 0); /* the lead is not repeated */
  assert_in_text(&s, 5, 1);
  assert_null(strstr(kabar_doc_text(s.doc, NULL), "Baca juga"));
  assert_null(strstr(kabar_doc_text(s.doc, NULL), "SCROLL TO CONTINUE"));
  unload(&s);
}

static void test_natural_repeat_kept(void **state) {
  (void)state;
  sample s = load("id-banjir-quote.txt");
  assert_string_equal(kabar_doc_lang(s.doc), "id");
  assert_int_equal(dup_line(&s, 23), 7);
  size_t b = test_block_at_line(s.doc, 23);
  assert_int_equal(kabar_doc_block_repeat(s.doc, b), KABAR_REPEAT_NATURAL);
  assert_in_text(&s, 7, 2); /* said twice, kept twice */
  static const size_t boiler[] = {11, 17, 27, 29, 30};
  for (size_t i = 0; i < sizeof boiler / sizeof *boiler; i++)
    assert_int_equal(kind_at(&s, boiler[i]), KABAR_BLOCK_BOILERPLATE);
  /* the dateline is reported, kept in the text */
  kabar_span sp;
  kabar_cut_kind kind;
  size_t block;
  const char *rule;
  int found = 0;
  for (size_t i = 0; i < kabar_doc_cut_count(s.doc); i++) {
    assert_int_equal(kabar_doc_cut(s.doc, i, &sp, &kind, &block, &rule), KABAR_OK);
    if (kind == KABAR_CUT_DATELINE) {
      found = 1;
      assert_int_equal(kabar_doc_block_line(s.doc, block), 3);
      assert_memory_equal(s.text + sp.start, "Liputan6.com, Semarang", 22);
      assert_non_null(rule);
    }
  }
  assert_true(found);
  assert_non_null(strstr(kabar_doc_text(s.doc, NULL), "Liputan6.com, Semarang"));
  unload(&s);
}

static void test_glued_metadata_cut(void **state) {
  (void)state;
  sample s = load("nl-chipfabriek.txt");
  assert_string_equal(kabar_doc_lang(s.doc), "nl");
  assert_int_equal(kind_at(&s, 1), KABAR_BLOCK_BODY); /* a lead paragraph, not a title */
  assert_int_equal(kind_at(&s, 7), KABAR_BLOCK_BODY); /* subheading */
  assert_int_equal(kind_at(&s, 17), KABAR_BLOCK_BOILERPLATE);
  assert_int_equal(kind_at(&s, 19), KABAR_BLOCK_BOILERPLATE);
  size_t len;
  const char *text = kabar_doc_text(s.doc, &len);
  assert_null(strstr(text, "date 2024"));
  assert_memory_equal(text, "EINDHOVEN - ", 12); /* the rest of line 1 is kept */
  for (size_t i = 0; i < kabar_doc_block_count(s.doc); i++)
    assert_int_equal(kabar_doc_block_duplicate_of(s.doc, i), KABAR_NO_INDEX);
  unload(&s);
}

static void test_crlf_structural_copy_nl(void **state) {
  (void)state;
  sample s = load("nl-verkiezingen-crlf.txt");
  assert_string_equal(kabar_doc_lang(s.doc), "nl");
  for (size_t line = 17; line <= 27; line += 2) {
    assert_int_equal(dup_line(&s, line), line - 14);
    assert_int_equal(kabar_doc_block_repeat(s.doc, test_block_at_line(s.doc, line)),
                     KABAR_REPEAT_STRUCTURAL);
  }
  assert_int_equal(kind_at(&s, 15), KABAR_BLOCK_BOILERPLATE);
  assert_int_equal(kind_at(&s, 29), KABAR_BLOCK_BOILERPLATE);
  assert_null(strchr(kabar_doc_text(s.doc, NULL), '\r'));
  kabar_span sp;
  for (size_t i = 0; i < kabar_doc_block_count(s.doc); i++) {
    kabar_doc_block(s.doc, i, &sp, NULL);
    assert_int_not_equal(s.text[sp.end - 1], '\r');
  }
  unload(&s);
}

static void test_block_language(void **state) {
  (void)state;
  sample s = load("id-mixed-nl-quote.txt");
  assert_string_equal(kabar_doc_lang(s.doc), "id");
  for (size_t line = 2; line <= 9; line++)
    assert_string_equal(kabar_doc_block_lang(s.doc, test_block_at_line(s.doc, line)),
                        line == 6 ? "nl" : "id");
  unload(&s);
}

/* Past 64 blocks the language votes are counted by the general path: eight copies of the
 * mixed sample get the document's language and confidence and every block's language the
 * one copy gets. */
static void test_block_language_many_blocks(void **state) {
  (void)state;
  sample s = load("id-mixed-nl-quote.txt");
  size_t nb = kabar_doc_block_count(s.doc), copies = 8;
  assert_true(nb * copies > 64 && nb <= 64);
  char *text = malloc(copies * (s.len + 2));
  assert_non_null(text);
  size_t len = 0;
  for (size_t c = 0; c < copies; c++) {
    memcpy(text + len, s.text, s.len);
    len += s.len;
    memcpy(text + len, "\n\n", 2);
    len += 2;
  }
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(test_group_ctx, text, len, 0, &err);
  assert_non_null(doc);
  assert_int_equal(kabar_doc_block_count(doc), nb * copies);
  assert_string_equal(kabar_doc_lang(doc), kabar_doc_lang(s.doc));
  assert_true(kabar_doc_lang_confidence(doc) == kabar_doc_lang_confidence(s.doc));
  for (size_t b = 0; b < nb * copies; b++)
    assert_string_equal(kabar_doc_block_lang(doc, b), kabar_doc_block_lang(s.doc, b % nb));
  kabar_doc_free(doc);
  free(text);
  unload(&s);
}

static void test_wrapped_paragraphs(void **state) {
  (void)state;
  sample s = load("nl-wrapped.txt");
  assert_int_equal(kabar_doc_block_count(s.doc), 6);
  static const size_t starts[] = {1, 3, 10, 16, 22, 28};
  for (size_t i = 0; i < 6; i++)
    assert_int_equal(kabar_doc_block_line(s.doc, i), starts[i]);
  size_t len;
  const char *text = kabar_doc_text(s.doc, &len);
  int paragraphs = 1;
  for (const char *p = text; (p = strstr(p, "\n\n")) != NULL; p += 2)
    paragraphs++;
  assert_int_equal(paragraphs, 6);
  unload(&s);
}

static void test_language_other_and_forced(void **state) {
  (void)state;
  const char *en = "The committee said on Tuesday that the new rules would take effect next "
                   "year, after a long consultation with the industry and its workers.";
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(test_group_ctx, en, strlen(en), 0, &err);
  assert_non_null(doc);
  assert_string_equal(kabar_doc_lang(doc), "other");
  kabar_doc_free(doc);
  doc = kabar_doc_new_lang(test_group_ctx, en, strlen(en), "nl", 0, &err);
  assert_non_null(doc);
  assert_string_equal(kabar_doc_lang(doc), "nl");
  kabar_doc_free(doc);
  assert_null(kabar_doc_new_lang(test_group_ctx, en, strlen(en), "xx", 0, &err));
  assert_int_equal(err.code, KABAR_ELANG);
}

static void test_stems_and_stopwords(void **state) {
  (void)state;
  const char *t = "Pengungkapan-pengungkapan itu dilakukan oleh perusahaan-perusahaan besar.";
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, t, strlen(t), "id", 0, &err);
  assert_non_null(doc);
  assert_int_equal(kabar_doc_token_count(doc), 6);
  const char *stem;
  int stop;
  kabar_span sp;
  assert_int_equal(kabar_doc_token(doc, 0, &sp, &stem, &stop), KABAR_OK);
  assert_int_equal(sp.end - sp.start, strlen("Pengungkapan-pengungkapan"));
  assert_string_equal(stem, "ungkap");
  assert_false(stop);
  assert_int_equal(kabar_doc_token(doc, 1, NULL, &stem, &stop), KABAR_OK);
  assert_true(stop); /* "itu" */
  assert_int_equal(kabar_doc_token(doc, 4, NULL, &stem, NULL), KABAR_OK);
  assert_string_equal(stem, "usaha");
  assert_int_equal(kabar_doc_token(doc, 99, NULL, NULL, NULL), KABAR_EINVAL);
  kabar_doc_free(doc);
}

static void test_near_repeat_with_edits(void **state) {
  (void)state;
  const char *t =
      "Pemerintah kota mengumumkan rencana pembangunan jembatan baru di atas sungai yang "
      "membelah kawasan pasar lama, dengan anggaran yang disetujui dewan bulan lalu.\n"
      "Warga menyambut rencana itu dengan antusias karena jembatan lama sering macet.\n"
      "Pemerintah kota mengumumkan rencana pembangunan jembatan baru di atas sungai yang "
      "membelah kawasan pasar lama, dengan anggaran yang telah disetujui dewan bulan lalu.\n";
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, t, strlen(t), "id", 0, &err);
  assert_non_null(doc);
  assert_int_equal(kabar_doc_block_count(doc), 3);
  assert_int_equal(kabar_doc_block_duplicate_of(doc, 2), 0);
  double sim = kabar_doc_block_similarity(doc, 2);
  assert_true(sim > 0.6 && sim < 1.0);
  assert_int_equal(kabar_doc_block_duplicate_of(doc, 1), KABAR_NO_INDEX);
  kabar_doc_free(doc);
}

static void test_fingerprints(void **state) {
  (void)state;
  sample a = load("id-cyber-pact.txt");
  size_t n;
  const uint32_t *mh = kabar_doc_minhash(a.doc, &n);
  assert_int_equal(n, KABAR_MINHASH_SIZE);
  assert_true(kabar_doc_shingle_count(a.doc) > 50);
  /* the structural copy does not change the fingerprint: analyse the article without it */
  size_t cut = 0;
  kabar_span sp;
  kabar_doc_block(a.doc, test_block_at_line(a.doc, 15), &sp, NULL);
  cut = sp.start;
  kabar_error err;
  kabar_doc *b = kabar_doc_new(test_group_ctx, a.text, cut, 0, &err);
  assert_non_null(b);
  assert_int_equal(kabar_doc_simhash(a.doc), kabar_doc_simhash(b));
  size_t nb;
  const uint32_t *mb = kabar_doc_minhash(b, &nb);
  assert_memory_equal(mh, mb, n * sizeof *mh);
  /* an unrelated article differs in most MinHash values */
  sample c = load("id-banjir-quote.txt");
  const uint32_t *mc = kabar_doc_minhash(c.doc, NULL);
  size_t same = 0;
  for (size_t i = 0; i < n; i++)
    same += mh[i] == mc[i];
  assert_true(same < n / 8);
  assert_int_not_equal(kabar_doc_simhash(a.doc), kabar_doc_simhash(c.doc));
  kabar_doc_free(b);
  unload(&a);
  unload(&c);
}

/* KABAR_DOC_NO_FINGERPRINTS leaves the fingerprints out and changes nothing else. */
static void test_no_fingerprints(void **state) {
  (void)state;
  sample a = load("id-cyber-pact.txt");
  kabar_error err;
  kabar_doc *b = kabar_doc_new(test_group_ctx, a.text, a.len, KABAR_DOC_NO_FINGERPRINTS, &err);
  assert_non_null(b);
  size_t n = 99;
  kabar_doc_minhash(b, &n);
  assert_int_equal(n, 0);
  assert_int_equal(kabar_doc_simhash(b), 0);
  assert_int_equal(kabar_doc_shingle_count(b), 0);
  assert_int_equal(kabar_doc_block_count(b), kabar_doc_block_count(a.doc));
  for (size_t i = 0; i < kabar_doc_block_count(b); i++) {
    assert_int_equal(kabar_doc_block_repeat(b, i), kabar_doc_block_repeat(a.doc, i));
    assert_int_equal(kabar_doc_block_duplicate_of(b, i), kabar_doc_block_duplicate_of(a.doc, i));
  }
  assert_int_equal(kabar_doc_sentence_count(b), kabar_doc_sentence_count(a.doc));
  size_t la, lb;
  const char *ta = kabar_doc_text(a.doc, &la), *tb = kabar_doc_text(b, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(ta, tb, la);
  assert_int_equal(kabar_doc_entity_count(b), kabar_doc_entity_count(a.doc));
  kabar_summary *sa = kabar_doc_summarize(a.doc, NULL, &err), *sb = kabar_doc_summarize(b, NULL, &err);
  assert_non_null(sa);
  assert_non_null(sb);
  assert_int_equal(kabar_summary_count(sa), kabar_summary_count(sb));
  for (size_t i = 0; i < kabar_summary_count(sa); i++) {
    kabar_span x, y;
    kabar_summary_sentence(sa, i, &x, NULL, NULL);
    kabar_summary_sentence(sb, i, &y, NULL, NULL);
    assert_int_equal(x.start, y.start);
    assert_int_equal(x.end, y.end);
  }
  kabar_summary_free(sa);
  kabar_summary_free(sb);
  /* such a doc has nothing an index could find it by */
  assert_null(kabar_index_item_new(b, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  kabar_doc_free(b);
  unload(&a);
}

/* Text of `words` words cycling through three, in one paragraph. */
static char *cyclic_text(size_t words, size_t *len) {
  static const char *const w[3] = {"gunung", "sungai", "hutan"};
  char *s = malloc(words * 8 + 1);
  assert_non_null(s);
  size_t n = 0;
  for (size_t i = 0; i < words; i++) {
    size_t k = strlen(w[i % 3]);
    memcpy(s + n, w[i % 3], k);
    n += k;
    s[n++] = ' ';
  }
  s[n] = '\0';
  *len = n;
  return s;
}

/* Three shingles, each a third of the text: the SimHash is their bitwise majority whatever
 * the length, so a text past the SimHash counters' flush (65528 shingles) agrees with a
 * short one. */
static void test_simhash_long_text(void **state) {
  (void)state;
  kabar_error err;
  size_t short_len, long_len;
  char *short_text = cyclic_text(300, &short_len), *long_text = cyclic_text(70001, &long_len);
  kabar_doc *a = kabar_doc_new(test_group_ctx, short_text, short_len, 0, &err);
  kabar_doc *b = kabar_doc_new(test_group_ctx, long_text, long_len, 0, &err);
  assert_non_null(a);
  assert_non_null(b);
  assert_int_equal(kabar_doc_shingle_count(b), 69999);
  assert_int_equal(kabar_doc_shingle_count(a), 298);
  assert_int_not_equal(kabar_doc_simhash(a), 0);
  assert_int_equal(kabar_doc_simhash(a), kabar_doc_simhash(b));
  kabar_doc_free(a);
  kabar_doc_free(b);
  free(short_text);
  free(long_text);
}

static void test_api_errors(void **state) {
  (void)state;
  kabar_error err;
  assert_null(kabar_doc_new(NULL, "x", 1, 0, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_null(kabar_doc_new(test_group_ctx, NULL, 5, 0, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_null(kabar_doc_new(test_group_ctx, "x", 1, 0x80u, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_null(kabar_doc_new(test_group_ctx, "ab\xc3", 3, 0, &err));
  assert_int_equal(err.code, KABAR_EUTF8);
  assert_int_equal(err.offset, 2);
  kabar_doc *doc = kabar_doc_new(test_group_ctx, "ab\xc3 cd", 6, KABAR_DOC_REPLACE_INVALID, &err);
  assert_non_null(doc);
  kabar_span sp;
  assert_int_equal(kabar_doc_block(doc, 0, &sp, NULL), KABAR_OK);
  assert_int_equal(sp.start, 0);
  assert_int_equal(sp.end, 6); /* spans are offsets into the input, not the repaired copy */
  assert_int_equal(kabar_doc_token(doc, 1, &sp, NULL, NULL), KABAR_OK);
  assert_int_equal(sp.start, 4);
  assert_int_equal(kabar_doc_block(doc, 7, &sp, NULL), KABAR_EINVAL);
  assert_int_equal(kabar_doc_block_line(doc, 7), 0);
  kabar_doc_free(doc);
  doc = kabar_doc_new(test_group_ctx, NULL, 0, 0, &err); /* empty input: an empty doc */
  assert_non_null(doc);
  assert_int_equal(kabar_doc_block_count(doc), 0);
  assert_string_equal(kabar_doc_text(doc, NULL), "");
  assert_int_equal(kabar_doc_simhash(doc), 0);
  kabar_doc_free(doc);
  kabar_doc_free(NULL);
  kabar_ctx_free(NULL);
  /* a tiny input limit */
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = KABAR_TEST_CORPORA;
  opts.max_input_bytes = 10;
  kabar_ctx *small = kabar_ctx_new(&opts, &err);
  assert_non_null(small);
  assert_null(kabar_doc_new(small, "0123456789ab", 12, 0, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, 10);
  kabar_ctx_free(small);
  /* block and token limits: KABAR_ELIMIT at the first block or token over the limit */
  static const char para[] = "Satu dua tiga.\n\nEmpat lima enam.\n\nTujuh delapan sembilan.";
  opts.max_input_bytes = 0;
  opts.max_blocks = 2;
  kabar_ctx *few = kabar_ctx_new(&opts, &err);
  assert_non_null(few);
  assert_null(kabar_doc_new(few, para, sizeof para - 1, 0, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, (size_t)(strstr(para, "Tujuh") - para));
  kabar_ctx_free(few);
  opts.max_blocks = 0;
  opts.max_tokens = 4;
  few = kabar_ctx_new(&opts, &err);
  assert_non_null(few);
  assert_null(kabar_doc_new(few, para, sizeof para - 1, 0, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_int_equal(err.offset, (size_t)(strstr(para, "lima") - para));
  kabar_doc *ok = kabar_doc_new(few, "Satu dua tiga.", 14, 0, &err);
  assert_non_null(ok); /* at the limit is fine */
  kabar_doc_free(ok);
  kabar_ctx_free(few);
  opts.max_tokens = 0;
  /* a version 1 caller: its struct ends before max_blocks, which must not be written */
  struct {
    kabar_ctx_options v1;
    unsigned char guard[2 * sizeof(size_t)];
  } old;
  memset(&old, 0xab, sizeof old);
  assert_int_equal(kabar_ctx_options_init(&old.v1, 1), KABAR_OK);
  assert_int_equal(old.v1.version, 1);
  assert_int_equal(((unsigned char *)&old.v1)[offsetof(kabar_ctx_options, max_blocks)], 0xab);
  old.v1.data_dir = KABAR_TEST_CORPORA;
  kabar_ctx *v1 = kabar_ctx_new(&old.v1, &err);
  assert_non_null(v1);
  kabar_ctx_free(v1);
  /* options versions and bad data directories */
  opts.version = 99;
  assert_null(kabar_ctx_new(&opts, &err));
  assert_int_equal(err.code, KABAR_EVERSION);
  assert_int_equal(kabar_ctx_options_init(&opts, 99), KABAR_EVERSION);
  assert_int_equal(kabar_ctx_options_init(&opts, KABAR_CTX_OPTIONS_VERSION), KABAR_OK);
  opts.data_dir = "/nonexistent/kabar";
  assert_null(kabar_ctx_new(&opts, &err));
  assert_int_equal(err.code, KABAR_EIO);
  assert_string_equal(err.path, "/nonexistent/kabar");
  opts.data_dir = KABAR_TEST_CORPORA;
  opts.languages = "id,xx";
  assert_null(kabar_ctx_new(&opts, &err));
  assert_int_equal(err.code, KABAR_ELANG);
  opts.languages = "nl";
  kabar_ctx *nl = kabar_ctx_new(&opts, &err);
  assert_non_null(nl);
  assert_int_equal(kabar_ctx_lang_count(nl), 1);
  assert_string_equal(kabar_ctx_lang(nl, 0), "nl");
  assert_null(kabar_ctx_lang(nl, 1));
  kabar_ctx_free(nl);
  for (int code = 0; code >= -10; code--)
    assert_non_null(kabar_strerror(code));
  assert_string_equal(kabar_strerror(KABAR_EUTF8), "input is not valid UTF-8");
}

static void test_regex_limit(void **state) {
  (void)state;
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = KABAR_TEST_CORPORA;
  opts.regex_match_limit = 1; /* every rule runs out at once */
  kabar_error err;
  kabar_ctx *tight = kabar_ctx_new(&opts, &err);
  assert_non_null(tight);
  size_t len;
  char *text = test_read_sample("id-cyber-pact.txt", &len);
  assert_null(kabar_doc_new(tight, text, len, 0, &err));
  assert_int_equal(err.code, KABAR_ELIMIT);
  assert_true(err.offset < len); /* where the rule ran out: a block's start */
  assert_true(err.detail < 0);   /* PCRE2's own code */
  kabar_ctx_free(tight);
  free(text);
}

static void test_no_jit_same_result(void **state) {
  (void)state;
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = KABAR_TEST_CORPORA;
  opts.flags = KABAR_CTX_NO_JIT;
  kabar_error err;
  kabar_ctx *interp = kabar_ctx_new(&opts, &err);
  assert_non_null(interp);
  size_t len;
  char *text = test_read_sample("id-cyber-pact.txt", &len);
  kabar_doc *a = kabar_doc_new(test_group_ctx, text, len, 0, &err);
  kabar_doc *b = kabar_doc_new(interp, text, len, 0, &err);
  assert_non_null(a);
  assert_non_null(b);
  assert_string_equal(kabar_doc_text(a, NULL), kabar_doc_text(b, NULL));
  assert_int_equal(kabar_doc_cut_count(a), kabar_doc_cut_count(b));
  assert_int_equal(kabar_doc_simhash(a), kabar_doc_simhash(b));
  kabar_doc_free(a);
  kabar_doc_free(b);
  kabar_ctx_free(interp);
  free(text);
  opts.flags = 0x80u; /* unknown bit */
  assert_null(kabar_ctx_new(&opts, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
}

static void test_title_detection(void **state) {
  (void)state;
  /* a short lead paragraph ending in a quote is body, a headline is a title */
  static const char *leads[] = {
      "\"Kami akan datang lagi besok pagi,\" kata ketua panitia.\n"
      "Acara itu dihadiri ratusan warga dari tiga desa di sekitar lokasi.\n",
      "Ketua panitia berkata: \u201cKami akan datang lagi.\u201d\n"
      "Acara itu dihadiri ratusan warga dari tiga desa di sekitar lokasi.\n",
      "Warga desa memperbaiki jembatan gantung (foto.)\n"
      "Acara itu dihadiri ratusan warga dari tiga desa di sekitar lokasi.\n"};
  kabar_error err;
  for (size_t i = 0; i < 3; i++) {
    kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, leads[i], strlen(leads[i]), "id", 0, &err);
    assert_non_null(doc);
    kabar_block_kind kind;
    assert_int_equal(kabar_doc_block(doc, 0, NULL, &kind), KABAR_OK);
    assert_int_equal(kind, KABAR_BLOCK_BODY);
    kabar_doc_free(doc);
  }
  static const char titled[] = "Warga Tiga Desa Perbaiki Jembatan \"Harapan\"\n"
                               "Acara itu dihadiri ratusan warga dari tiga desa di sekitar lokasi.\n";
  kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, titled, sizeof titled - 1, "id", 0, &err);
  assert_non_null(doc);
  kabar_block_kind kind;
  assert_int_equal(kabar_doc_block(doc, 0, NULL, &kind), KABAR_OK);
  assert_int_equal(kind, KABAR_BLOCK_TITLE);
  kabar_doc_free(doc);
}

static void test_version(void **state) {
  (void)state;
  assert_int_equal(kabar_version(), KABAR_VERSION_NUMBER);
  assert_string_equal(kabar_version_string(), KABAR_VERSION_STRING);
  char expect[32];
  snprintf(expect, sizeof expect, "%d.%d.%d", KABAR_VERSION_MAJOR, KABAR_VERSION_MINOR,
           KABAR_VERSION_PATCH);
  assert_string_equal(kabar_version_string(), expect);
}

static void test_sentences_skip_cuts(void **state) {
  (void)state;
  sample s = load("nl-chipfabriek.txt");
  kabar_span sp;
  size_t block;
  assert_int_equal(kabar_doc_sentence(s.doc, 0, &sp, &block), KABAR_OK);
  assert_int_equal(block, 0);
  assert_true(s.text[sp.start] != ' ');
  assert_int_not_equal(strncmp(s.text + sp.start, "date", 4), 0);
  assert_int_not_equal(strncmp(s.text + sp.start, "EINDHOVEN", 9), 0);
  unload(&s);
}

/* ---- freed documents' memory, used again by the next ------------------------------------ */

typedef struct text_out {
  char *p;
  size_t len, cap;
} text_out;

static void put(text_out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  assert_true(n >= 0);
  if (o->len + (size_t)n + 1 > o->cap) {
    o->cap = (o->len + (size_t)n + 1) * 2;
    o->p = realloc(o->p, o->cap);
    assert_non_null(o->p);
  }
  va_start(ap, fmt);
  vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
  va_end(ap);
  o->len += (size_t)n;
}

/* Everything the public API tells of a document, as text. */
static char *describe(const kabar_doc *doc) {
  text_out o = {0};
  put(&o, "lang %s %.6f size %zu\n", kabar_doc_lang(doc), kabar_doc_lang_confidence(doc),
      kabar_doc_input_size(doc));
  for (size_t i = 0; i < kabar_doc_block_count(doc); i++) {
    kabar_span sp;
    kabar_block_kind k;
    const char *rule = kabar_doc_block_rule(doc, i);
    assert_int_equal(kabar_doc_block(doc, i, &sp, &k), KABAR_OK);
    put(&o, "block %zu-%zu %d line %zu dup %zu %.4f rep %d %s %s\n", sp.start, sp.end, (int)k,
        kabar_doc_block_line(doc, i), kabar_doc_block_duplicate_of(doc, i),
        kabar_doc_block_similarity(doc, i), (int)kabar_doc_block_repeat(doc, i),
        kabar_doc_block_lang(doc, i), rule ? rule : "-");
  }
  for (size_t i = 0; i < kabar_doc_cut_count(doc); i++) {
    kabar_span sp;
    kabar_cut_kind k;
    size_t b;
    const char *rule;
    assert_int_equal(kabar_doc_cut(doc, i, &sp, &k, &b, &rule), KABAR_OK);
    put(&o, "cut %zu-%zu %d %zu %s\n", sp.start, sp.end, (int)k, b, rule);
  }
  for (size_t i = 0; i < kabar_doc_sentence_count(doc); i++) {
    kabar_span sp;
    size_t b;
    assert_int_equal(kabar_doc_sentence(doc, i, &sp, &b), KABAR_OK);
    put(&o, "sentence %zu-%zu %zu\n", sp.start, sp.end, b);
  }
  for (size_t i = 0; i < kabar_doc_token_count(doc); i++) {
    kabar_span sp;
    const char *stem;
    int stop;
    assert_int_equal(kabar_doc_token(doc, i, &sp, &stem, &stop), KABAR_OK);
    put(&o, "token %zu-%zu %s %d %u\n", sp.start, sp.end, stem, stop, kabar_doc_token_term(doc, i));
  }
  size_t nmin;
  const uint32_t *min = kabar_doc_minhash(doc, &nmin);
  put(&o, "simhash %016llx shingles %zu minhash", (unsigned long long)kabar_doc_simhash(doc),
      kabar_doc_shingle_count(doc));
  for (size_t i = 0; i < nmin; i++)
    put(&o, " %u", min[i]);
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    kabar_entity_type type;
    const char *name;
    size_t nm;
    assert_int_equal(kabar_doc_entity(doc, e, &type, &name, &nm), KABAR_OK);
    put(&o, "\nentity %d %s:", (int)type, name);
    for (size_t m = 0; m < nm; m++) {
      kabar_span sp;
      assert_int_equal(kabar_doc_entity_mention(doc, e, m, &sp), KABAR_OK);
      put(&o, " %zu-%zu", sp.start, sp.end);
    }
  }
  put(&o, "\ntext %s\n", kabar_doc_text(doc, NULL));
  return o.p;
}

/* A ctx keeps freed documents' memory for the next ones (lib/core/doc.c). Every document
 * must come out as it does from a context that never made one: whatever came before it (a
 * longer one, one with entities before one without, repaired text before borrowed, a text
 * too big to be kept, two alive at once), nothing of it may show. */
static void test_freed_docs_reused(void **state) {
  (void)state;
  static const char *names[] = {"id-cyber-pact.txt", "id-short.txt",        "nl-chipfabriek.txt",
                                "id-banjir-quote.txt", "nl-verkiezingen-crlf.txt",
                                "id-mixed-nl-quote.txt", "nl-wrapped.txt",  "id-ktt-piala.txt",
                                "nl-top-wk.txt"};
  const size_t count = sizeof names / sizeof *names;
  /* the texts, with a big one (past what the pool keeps) and a broken one among them */
  enum { BIG = 9, BROKEN = 10, TEXTS = 11 };
  char *text[TEXTS];
  size_t len[TEXTS];
  for (size_t i = 0; i < count; i++)
    text[i] = test_read_sample(names[i], &len[i]);
  len[BIG] = 0;
  text[BIG] = malloc(400 * len[0] + 1);
  assert_non_null(text[BIG]);
  for (int k = 0; k < 400; k++, len[BIG] += len[0])
    memcpy(text[BIG] + len[BIG], text[0], len[0]);
  len[BROKEN] = len[1];
  text[BROKEN] = malloc(len[1]);
  assert_non_null(text[BROKEN]);
  memcpy(text[BROKEN], text[1], len[1]);
  text[BROKEN][len[1] / 2] = (char)0xFF; /* invalid UTF-8: repaired into the doc's own copy */
  static const uint32_t flags[] = {0, KABAR_DOC_NO_ENTITIES, KABAR_DOC_BORROW,
                                   KABAR_DOC_NO_FINGERPRINTS, KABAR_DOC_REPLACE_INVALID};
  static const size_t order[] = {BIG, 0, 1, 2, BROKEN, 3, 4, BIG, 5, 6, 7, 8, 0, 2, BROKEN, 1};
  const size_t steps = sizeof order / sizeof *order;
  kabar_ctx *shared = test_ctx();
  kabar_doc *alive = NULL; /* every third document stays alive until the next is made */
  for (size_t step = 0; step < steps; step++) {
    size_t t = order[step];
    uint32_t f = flags[step % 5] | (t == BROKEN ? KABAR_DOC_REPLACE_INVALID : 0);
    kabar_error err;
    kabar_ctx *fresh = test_ctx();
    kabar_doc *want = kabar_doc_new(fresh, text[t], len[t], f, &err);
    kabar_doc *got = kabar_doc_new(shared, text[t], len[t], f, &err);
    assert_non_null(want);
    assert_non_null(got);
    kabar_doc_free(alive);
    alive = NULL;
    char *w = describe(want), *g = describe(got);
    if (strcmp(w, g) != 0)
      fail_msg("step %zu (text %zu, flags %u): a reused document differs", step, t, f);
    free(w);
    free(g);
    kabar_doc_free(want);
    kabar_ctx_free(fresh);
    if (step % 3 == 2)
      alive = got;
    else
      kabar_doc_free(got);
  }
  kabar_doc_free(alive);
  kabar_ctx_free(shared);
  for (size_t i = 0; i < TEXTS; i++)
    free(text[i]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_structural_copy_id),  cmocka_unit_test(test_natural_repeat_kept),
      cmocka_unit_test(test_glued_metadata_cut),  cmocka_unit_test(test_crlf_structural_copy_nl),
      cmocka_unit_test(test_block_language),
      cmocka_unit_test(test_block_language_many_blocks),
      cmocka_unit_test(test_wrapped_paragraphs),
      cmocka_unit_test(test_language_other_and_forced), cmocka_unit_test(test_stems_and_stopwords),
      cmocka_unit_test(test_near_repeat_with_edits), cmocka_unit_test(test_fingerprints),
      cmocka_unit_test(test_simhash_long_text),   cmocka_unit_test(test_no_fingerprints),
      cmocka_unit_test(test_api_errors),          cmocka_unit_test(test_version),
      cmocka_unit_test(test_regex_limit),         cmocka_unit_test(test_no_jit_same_result),
      cmocka_unit_test(test_title_detection),
      cmocka_unit_test(test_sentences_skip_cuts),
      cmocka_unit_test(test_freed_docs_reused),
  };
  return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
