/* Summaries and keywords: chosen sentences on the project's own sample articles, the length
 * modes, order, scores, what is never chosen, redundancy, short and empty inputs, keywords,
 * option errors and the model file's loading errors. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, symlink */
#include "helpers.h"
#include "summary/summary.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct art {
  char *text;
  size_t len;
  kabar_doc *doc;
} art;

static art open_sample(const char *name) {
  art a;
  a.text = test_read_sample(name, &a.len);
  kabar_error err;
  a.doc = kabar_doc_new(test_group_ctx, a.text, a.len, 0, &err);
  assert_non_null(a.doc);
  return a;
}

static art open_text(const char *text) {
  art a;
  a.len = strlen(text);
  a.text = malloc(a.len + 1);
  assert_non_null(a.text);
  memcpy(a.text, text, a.len + 1);
  kabar_error err;
  a.doc = kabar_doc_new(test_group_ctx, a.text, a.len, 0, &err);
  assert_non_null(a.doc);
  return a;
}

static void close_art(art *a) {
  kabar_doc_free(a->doc);
  free(a->text);
}

static kabar_summary *summarize(const art *a, size_t sentences, double ratio, size_t words,
                                uint32_t flags) {
  kabar_summary_options o = KABAR_SUMMARY_OPTIONS_INIT;
  o.sentences = sentences;
  o.ratio = ratio;
  o.max_words = words;
  o.flags = flags;
  kabar_error err;
  kabar_summary *s = kabar_doc_summarize(a->doc, &o, &err);
  assert_non_null(s);
  assert_int_equal(err.code, KABAR_OK);
  return s;
}

/* Asserts that chosen sentence i starts with `prefix`. */
static void assert_pick(const art *a, const kabar_summary *s, size_t i, const char *prefix) {
  kabar_span sp;
  assert_int_equal(kabar_summary_sentence(s, i, &sp, NULL, NULL), KABAR_OK);
  size_t n = strlen(prefix);
  if (sp.end - sp.start < n || memcmp(a->text + sp.start, prefix, n) != 0)
    fail_msg("summary sentence %zu is \"%.*s\", want it to start with \"%s\"", i,
             (int)(sp.end - sp.start), a->text + sp.start, prefix);
}

static size_t candidates(const art *a, const kabar_summary *s) {
  size_t n = 0;
  for (size_t i = 0; i < kabar_doc_sentence_count(a->doc); i++)
    n += kabar_summary_score(s, i) >= 0;
  return n;
}

/* Every chosen sentence is a doc sentence of a kept body block, outside every cut. */
static void assert_never_bad(const art *a, const kabar_summary *s) {
  for (size_t i = 0; i < kabar_summary_count(s); i++) {
    kabar_span sp, ssp;
    size_t sent, block, sblock;
    kabar_block_kind kind;
    assert_int_equal(kabar_summary_sentence(s, i, &sp, &sent, &block), KABAR_OK);
    assert_int_equal(kabar_doc_sentence(a->doc, sent, &ssp, &sblock), KABAR_OK);
    assert_int_equal(sp.start, ssp.start);
    assert_int_equal(sp.end, ssp.end);
    assert_int_equal(block, sblock);
    assert_int_equal(kabar_doc_block(a->doc, block, NULL, &kind), KABAR_OK);
    assert_int_equal(kind, KABAR_BLOCK_BODY);
    assert_int_not_equal(kabar_doc_block_repeat(a->doc, block), KABAR_REPEAT_STRUCTURAL);
    for (size_t c = 0; c < kabar_doc_cut_count(a->doc); c++) {
      kabar_span cs;
      kabar_doc_cut(a->doc, c, &cs, NULL, NULL, NULL);
      assert_true(cs.end <= sp.start || cs.start >= sp.end);
    }
    assert_true(kabar_summary_score(s, sent) > 0 && kabar_summary_score(s, sent) < 1);
  }
}

static void test_dutch_samples(void **state) {
  (void)state;
  art a = open_sample("nl-chipfabriek.txt");
  kabar_summary *s = summarize(&a, 3, 0, 0, 0);
  assert_string_equal(kabar_summary_scorer(s), "fallback"); /* no Dutch model file */
  assert_int_equal(kabar_summary_count(s), 3);
  assert_pick(&a, s, 0, "Chipmachinemaker ASML en de Taiwanese chipproducent TSMC");
  assert_pick(&a, s, 1, "De fabriek zou vanaf 2027 o.a. testchips");
  assert_pick(&a, s, 2, "Volgens betrokkenen gaat het om een investering");
  assert_never_bad(&a, s);
  kabar_summary_free(s);
  close_art(&a);

  /* the whole body was scraped twice: the summary comes from the first copy */
  a = open_sample("nl-verkiezingen-crlf.txt");
  s = summarize(&a, 2, 0, 0, 0);
  assert_int_equal(kabar_summary_count(s), 2);
  assert_pick(&a, s, 0, "De lokale partij Stadsbelang Delft is bij de gemeenteraadsverkiezingen");
  assert_pick(&a, s, 1, "Volgens de voorlopige uitslag haalt de partij negen");
  assert_never_bad(&a, s);
  kabar_summary_free(s);
  close_art(&a);

  /* hard-wrapped: the lead sentence, without its "ROTTERDAM - " dateline */
  a = open_sample("nl-wrapped.txt");
  s = summarize(&a, 1, 0, 0, 0);
  assert_int_equal(kabar_summary_count(s), 1);
  assert_pick(&a, s, 0, "Het Havenbedrijf Rotterdam is deze week begonnen");
  assert_never_bad(&a, s);
  kabar_summary_free(s);
  close_art(&a);
}

static void test_indonesian_samples(void **state) {
  (void)state;
  art a = open_sample("id-cyber-pact.txt");
  kabar_summary *s = summarize(&a, 3, 0, 0, 0);
  assert_string_equal(kabar_summary_scorer(s), "model"); /* corpora/id/summary.model */
  assert_int_equal(kabar_summary_count(s), 3);
  assert_pick(&a, s, 0, "Sebanyak 17 perusahaan digital"); /* after the JAKARTA dateline */
  assert_pick(&a, s, 1, "Pakta itu mewajibkan para penandatangan");
  assert_never_bad(&a, s);
  /* the title's sentence and the scraped-twice copies are never candidates */
  for (size_t i = 0; i < kabar_doc_sentence_count(a.doc); i++) {
    size_t block;
    kabar_block_kind kind;
    kabar_doc_sentence(a.doc, i, NULL, &block);
    kabar_doc_block(a.doc, block, NULL, &kind);
    if (kind == KABAR_BLOCK_TITLE ||
        kabar_doc_block_repeat(a.doc, block) == KABAR_REPEAT_STRUCTURAL)
      assert_true(kabar_summary_score(s, i) == -1.0);
  }
  kabar_summary_free(s);
  close_art(&a);

  a = open_sample("id-banjir-quote.txt");
  s = summarize(&a, 4, 0, 0, 0);
  assert_int_equal(kabar_summary_count(s), 4);
  assert_pick(&a, s, 0, "Banjir rob kembali merendam permukiman di Kelurahan Tambakrejo");
  assert_never_bad(&a, s);
  /* the short quote said twice is chosen at most once; the bylines never */
  int quotes = 0;
  for (size_t i = 0; i < kabar_summary_count(s); i++) {
    kabar_span sp;
    kabar_summary_sentence(s, i, &sp, NULL, NULL);
    quotes += memcmp(a.text + sp.start, "\xe2\x80\x9c" "Air boleh datang", 19) == 0;
    assert_true(memcmp(a.text + sp.start, "Reporter:", 9) != 0);
  }
  assert_true(quotes <= 1);
  kabar_summary_free(s);
  close_art(&a);
}

static void test_length_modes(void **state) {
  (void)state;
  art a = open_sample("id-cyber-pact.txt");
  /* every limit zero: 3 sentences */
  kabar_summary *s = summarize(&a, 0, 0, 0, 0);
  assert_int_equal(kabar_summary_count(s), 3);
  size_t ncand = candidates(&a, s);
  assert_true(ncand >= 10);
  kabar_summary_free(s);
  /* ratio: ceil(ratio * candidates) */
  s = summarize(&a, 0, 0.25, 0, 0);
  assert_int_equal(kabar_summary_count(s), (ncand + 3) / 4);
  kabar_summary_free(s);
  /* the smaller limit wins */
  s = summarize(&a, 2, 0.5, 0, 0);
  assert_int_equal(kabar_summary_count(s), 2);
  kabar_summary_free(s);
  /* word budget: never passed, and a long best sentence is skipped for shorter ones */
  s = summarize(&a, 0, 0, 20, 0);
  assert_true(kabar_summary_count(s) >= 1);
  assert_true(kabar_summary_word_count(s) <= 20);
  for (size_t i = 0; i < kabar_summary_count(s); i++) {
    kabar_span sp;
    kabar_summary_sentence(s, i, &sp, NULL, NULL);
    assert_true(memcmp(a.text + sp.start, "Sebanyak 17", 11) != 0); /* 28 words */
  }
  assert_pick(&a, s, 0, "Pakta itu mewajibkan"); /* the best one that fits: 17 words */
  kabar_summary_free(s);
  s = summarize(&a, 0, 0, 5, 0); /* no sentence is that short */
  assert_int_equal(kabar_summary_count(s), 0);
  assert_int_equal(kabar_summary_word_count(s), 0);
  kabar_summary_free(s);
  /* ratio 1: every candidate that is no near-repeat */
  s = summarize(&a, 0, 1.0, 0, 0);
  assert_int_equal(kabar_summary_count(s), ncand);
  kabar_summary_free(s);
  close_art(&a);
}

static void test_order_and_scores(void **state) {
  (void)state;
  art a = open_sample("id-banjir-quote.txt");
  kabar_summary *doc_order = summarize(&a, 5, 0, 0, 0);
  kabar_summary *rank = summarize(&a, 5, 0, 0, KABAR_SUMMARY_RANK_ORDER);
  size_t n = kabar_summary_count(doc_order);
  assert_int_equal(n, 5);
  assert_int_equal(kabar_summary_count(rank), n);
  size_t prev = 0;
  double prev_score = 2, min_chosen = 2;
  int seen[64] = {0};
  for (size_t i = 0; i < n; i++) {
    size_t si, ri;
    kabar_summary_sentence(doc_order, i, NULL, &si, NULL);
    kabar_summary_sentence(rank, i, NULL, &ri, NULL);
    assert_true(i == 0 || si > prev); /* document order */
    prev = si;
    double sc = kabar_summary_score(rank, ri);
    assert_true(sc <= prev_score); /* best first */
    prev_score = sc;
    if (sc < min_chosen)
      min_chosen = sc;
    assert_true(si < 64 && ri < 64);
    seen[si]++;
    seen[ri]++;
    /* the same scores whatever the order */
    assert_true(kabar_summary_score(doc_order, ri) == sc);
  }
  for (size_t i = 0; i < 64; i++)
    assert_true(seen[i] == 0 || seen[i] == 2); /* the same sentences */
  /* no unchosen candidate outscores a chosen one (none is a near-repeat here but the quote) */
  for (size_t i = 0; i < kabar_doc_sentence_count(a.doc); i++)
    if (i < 64 && !seen[i] && kabar_summary_score(rank, i) > min_chosen) {
      kabar_span sp;
      kabar_doc_sentence(a.doc, i, &sp, NULL);
      assert_memory_equal(a.text + sp.start, "\xe2\x80\x9c" "Air boleh datang", 19);
    }
  assert_true(kabar_summary_score(rank, kabar_doc_sentence_count(a.doc)) == -1.0);
  kabar_summary_free(doc_order);
  kabar_summary_free(rank);
  close_art(&a);
}

static void test_redundancy(void **state) {
  (void)state;
  /* Paragraph 2 restates the lead in other words order; it is not a repeated block, but it is a
   * near-repeat of the lead and must not be chosen next to it. */
  static const char text[] =
      "Pemerintah Kota Bandung menutup tiga pasar tradisional selama sepekan untuk perbaikan "
      "saluran air yang rusak akibat hujan deras.\n\n"
      "Selama sepekan, Pemerintah Kota Bandung menutup tiga pasar tradisional untuk perbaikan "
      "saluran air yang rusak akibat hujan deras, kata pejabat.\n\n"
      "Para pedagang dipindahkan sementara ke lapangan parkir stadion di dekat terminal bus.\n\n"
      "Dinas perdagangan menyediakan tenda dan listrik gratis bagi seribu lebih pedagang.\n";
  art a = open_text(text);
  kabar_summary *s = summarize(&a, 3, 0, 0, 0);
  assert_int_equal(kabar_summary_count(s), 3);
  assert_pick(&a, s, 0, "Pemerintah Kota Bandung menutup");
  assert_pick(&a, s, 1, "Para pedagang dipindahkan");
  assert_pick(&a, s, 2, "Dinas perdagangan menyediakan");
  /* scored, but left out */
  assert_true(kabar_summary_score(s, 1) > 0);
  kabar_summary_free(s);
  close_art(&a);
}

static void test_short_and_empty(void **state) {
  (void)state;
  static const char *const empty[] = {
      "",
      "   \n\n  \n",
      /* title only: a headline is not a sentence to summarise */
      "Banjir Rob Rendam Permukiman Warga Semarang\n",
      /* all boilerplate */
      "ADVERTISEMENT\n\nBaca juga: Harga cabai turun lagi di Jakarta\n\n(ant)\n",
      /* a headline and boilerplate */
      "Banjir Rob Rendam Permukiman Warga Semarang\n\nADVERTISEMENT\n",
      /* a fragment */
      "Oke.\n",
  };
  for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
    art a = open_text(empty[i]);
    kabar_error err;
    kabar_summary *s = kabar_doc_summarize(a.doc, NULL, &err);
    assert_non_null(s);
    assert_int_equal(err.code, KABAR_OK);
    assert_int_equal(kabar_summary_count(s), 0);
    assert_int_equal(kabar_summary_keyword_count(s), 0);
    assert_int_equal(kabar_summary_sentence(s, 0, NULL, NULL, NULL), KABAR_EINVAL);
    kabar_summary_free(s);
    close_art(&a);
  }
  /* one sentence: that sentence */
  art a = open_sample("id-short.txt");
  kabar_summary *s = summarize(&a, 3, 0, 0, 0);
  assert_int_equal(kabar_summary_count(s), 1);
  assert_pick(&a, s, 0, "Harga cabai rawit di Pasar Induk Kramat Jati");
  kabar_span sp;
  kabar_summary_sentence(s, 0, &sp, NULL, NULL);
  assert_int_equal(sp.end, a.len - 1); /* the whole line */
  kabar_summary_free(s);
  close_art(&a);
}

static void test_keywords(void **state) {
  (void)state;
  static const char *const samples[] = {"id-cyber-pact.txt", "nl-chipfabriek.txt",
                                        "nl-wrapped.txt", "id-banjir-quote.txt"};
  for (size_t k = 0; k < sizeof samples / sizeof *samples; k++) {
    art a = open_sample(samples[k]);
    kabar_summary_options o = KABAR_SUMMARY_OPTIONS_INIT;
    o.keywords = 8;
    kabar_summary *s = kabar_doc_summarize(a.doc, &o, NULL);
    assert_non_null(s);
    assert_int_equal(kabar_summary_keyword_count(s), 8);
    double prev = 2;
    for (size_t i = 0; i < 8; i++) {
      kabar_span sp;
      const char *stem;
      double score;
      assert_int_equal(kabar_summary_keyword(s, i, &sp, &stem, &score), KABAR_OK);
      assert_true(sp.start < sp.end && sp.end <= a.len);
      assert_true(score > 0 && score <= 1 && score <= prev);
      prev = score;
      /* the span is one token of the article, whose stem is the keyword's, or the first
       * mention of a name of several words */
      int found = 0;
      for (size_t t = 0; t < kabar_doc_token_count(a.doc) && !found; t++) {
        kabar_span ts;
        const char *tstem;
        int stop;
        kabar_doc_token(a.doc, t, &ts, &tstem, &stop);
        found = ts.start == sp.start && ts.end == sp.end && strcmp(tstem, stem) == 0 && !stop;
      }
      for (size_t e = 0; e < kabar_doc_entity_count(a.doc) && !found; e++) {
        kabar_span ms;
        kabar_doc_entity_mention(a.doc, e, 0, &ms);
        found = ms.start == sp.start && ms.end == sp.end && memchr(a.text + sp.start, ' ', sp.end - sp.start);
      }
      assert_true(found);
    }
    assert_int_equal(kabar_summary_keyword(s, 8, NULL, NULL, NULL), KABAR_EINVAL);
    if (k == 0) {
      /* a name, written as in the article */
      int bssn = 0;
      for (size_t i = 0; i < 8; i++) {
        kabar_span sp;
        kabar_summary_keyword(s, i, &sp, NULL, NULL);
        bssn |= sp.end - sp.start == 4 && memcmp(a.text + sp.start, "BSSN", 4) == 0;
      }
      assert_true(bssn);
    }
    kabar_summary_free(s);
    close_art(&a);
  }
  /* no keywords asked */
  art a = open_sample("id-cyber-pact.txt");
  kabar_summary_options o = KABAR_SUMMARY_OPTIONS_INIT;
  o.keywords = 0;
  kabar_summary *s = kabar_doc_summarize(a.doc, &o, NULL);
  assert_int_equal(kabar_summary_keyword_count(s), 0);
  assert_int_equal(kabar_summary_count(s), 3);
  kabar_summary_free(s);
  close_art(&a);
}

static void test_options_errors(void **state) {
  (void)state;
  art a = open_sample("id-short.txt");
  kabar_summary_options o;
  assert_int_equal(kabar_summary_options_init(&o, KABAR_SUMMARY_OPTIONS_VERSION), KABAR_OK);
  assert_int_equal(o.sentences, 3);
  assert_int_equal(o.keywords, 10);
  assert_int_equal(kabar_summary_options_init(&o, 99), KABAR_EVERSION);
  assert_int_equal(kabar_summary_options_init(NULL, 1), KABAR_EINVAL);
  kabar_error err;
  kabar_summary_options bad = KABAR_SUMMARY_OPTIONS_INIT;
  bad.version = 2;
  assert_null(kabar_doc_summarize(a.doc, &bad, &err));
  assert_int_equal(err.code, KABAR_EVERSION);
  bad.version = 0;
  assert_null(kabar_doc_summarize(a.doc, &bad, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  bad = (kabar_summary_options)KABAR_SUMMARY_OPTIONS_INIT;
  bad.flags = 0x80;
  assert_null(kabar_doc_summarize(a.doc, &bad, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_int_equal(err.offset, KABAR_NO_OFFSET);
  bad.flags = 0;
  bad.ratio = 1.5;
  assert_null(kabar_doc_summarize(a.doc, &bad, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_null(kabar_doc_summarize(NULL, NULL, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  /* NULL-safe accessors */
  kabar_summary_free(NULL);
  assert_int_equal(kabar_summary_count(NULL), 0);
  assert_int_equal(kabar_summary_keyword_count(NULL), 0);
  assert_int_equal(kabar_summary_word_count(NULL), 0);
  assert_true(kabar_summary_score(NULL, 0) == -1.0);
  assert_int_equal(kabar_summary_sentence(NULL, 0, NULL, NULL, NULL), KABAR_EINVAL);
  assert_int_equal(kabar_summary_keyword(NULL, 0, NULL, NULL, NULL), KABAR_EINVAL);
  assert_string_equal(kabar_summary_scorer(NULL), "fallback");
  close_art(&a);
}

/* ---- model files ------------------------------------------------------------------------ */

/* A data directory with corpora/common and corpora/id's files linked, and `model` (if not
 * NULL) as id/summary.model. */
static char *make_data_dir(const char *model) {
  char *dir = malloc(64);
  snprintf(dir, 64, "/tmp/kabar-summary-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char p[512], q[512];
  snprintf(p, sizeof p, "%s/common", dir);
  assert_int_equal(symlink(KABAR_TEST_CORPORA "/common", p), 0);
  snprintf(p, sizeof p, "%s/id", dir);
  assert_int_equal(mkdir(p, 0700), 0);
  static const char *const files[] = {"language.conf", "stopwords.txt", "abbreviations.txt",
                                      "boilerplate.rules"};
  for (size_t i = 0; i < 4; i++) {
    snprintf(p, sizeof p, "%s/id/%s", dir, files[i]);
    snprintf(q, sizeof q, "%s/id/%s", KABAR_TEST_CORPORA, files[i]);
    assert_int_equal(symlink(q, p), 0);
  }
  if (model) {
    snprintf(p, sizeof p, "%s/id/summary.model", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(model, f);
    fclose(f);
  }
  return dir;
}

static void remove_data_dir(char *dir) {
  char p[512];
  static const char *const files[] = {"language.conf", "stopwords.txt", "abbreviations.txt",
                                      "boilerplate.rules", "summary.model"};
  for (size_t i = 0; i < 5; i++) {
    snprintf(p, sizeof p, "%s/id/%s", dir, files[i]);
    unlink(p);
  }
  snprintf(p, sizeof p, "%s/id", dir);
  rmdir(p);
  snprintf(p, sizeof p, "%s/common", dir);
  unlink(p);
  rmdir(dir);
  free(dir);
}

static kabar_ctx *ctx_with_model(const char *model, kabar_error *err, char **dir) {
  *dir = make_data_dir(model);
  kabar_ctx_options o = KABAR_CTX_OPTIONS_INIT;
  o.data_dir = *dir;
  return kabar_ctx_new(&o, err);
}

static void assert_bad_model(const char *model, size_t line) {
  kabar_error err;
  char *dir;
  kabar_ctx *ctx = ctx_with_model(model, &err, &dir);
  if (ctx)
    fail_msg("model accepted: %s", model);
  assert_int_equal(err.code, KABAR_EINVAL);
  assert_int_equal(err.offset, line);
  const char *tail = "id/summary.model";
  assert_true(strlen(err.path) > strlen(tail));
  assert_string_equal(err.path + strlen(err.path) - strlen(tail), tail);
  remove_data_dir(dir);
}

static void test_model_files(void **state) {
  (void)state;
  assert_bad_model("", 1);                                      /* empty */
  assert_bad_model("# only a comment\n", 1);                    /* no header */
  assert_bad_model("kabar-summary-model 2\nbias 1\n", 1);       /* unknown version */
  assert_bad_model("summary-model 1\n", 1);                     /* wrong magic */
  assert_bad_model("kabar-summary-model 1\n# c\nbias 1.5x\n", 3);  /* bad number */
  assert_bad_model("kabar-summary-model 1\nbias 1\nnosuch 2\n", 3); /* unknown feature */
  assert_bad_model("kabar-summary-model 1\nfirst 1\nfirst 2\n", 3); /* twice */
  assert_bad_model("kabar-summary-model 1\nfirst\n", 2);            /* no value */
  assert_bad_model("kabar-summary-model 1\nfirst 1 2\n", 2);        /* two values */

  /* a good one, with comments, blanks, CRLF and exponents; unlisted features weigh 0 */
  kabar_error err;
  char *dir;
  kabar_ctx *ctx = ctx_with_model("# test model\r\n\r\nkabar-summary-model 1\r\n"
                                  "bias -2\r\n  first 4.0e0\r\nwords_log +0.5\r\n",
                                  &err, &dir);
  assert_non_null(ctx);
  static const char text[] = "Harga cabai rawit turun tajam di pasar induk pekan ini. Pasokan "
                             "dari sentra produksi kembali normal setelah panen raya.\n";
  kabar_doc *doc = kabar_doc_new_lang(ctx, text, sizeof text - 1, "id", 0, &err);
  assert_non_null(doc);
  kabar_summary *s = kabar_doc_summarize(doc, NULL, &err);
  assert_non_null(s);
  assert_string_equal(kabar_summary_scorer(s), "model");
  assert_true(kabar_summary_score(s, 0) > 0.8); /* sigmoid(-2 + 4 + ~0.4) */
  assert_true(kabar_summary_score(s, 1) < 0.3); /* sigmoid(-2 + ~0.4) */
  kabar_summary_free(s);
  kabar_doc_free(doc);
  kabar_ctx_free(ctx);
  remove_data_dir(dir);

  /* no model file: the fallback scorer */
  ctx = ctx_with_model(NULL, &err, &dir);
  assert_non_null(ctx);
  doc = kabar_doc_new_lang(ctx, text, sizeof text - 1, "id", 0, &err);
  s = kabar_doc_summarize(doc, NULL, &err);
  assert_string_equal(kabar_summary_scorer(s), "fallback");
  assert_int_equal(kabar_summary_count(s), 2);
  kabar_summary_free(s);
  kabar_doc_free(doc);
  kabar_ctx_free(ctx);
  remove_data_dir(dir);
}

/* A long article: its scratch does not fit the summarizer's stack buffer, and more sentences
 * are chosen than the ranks it selects one by one before sorting the rest. The ranks must
 * still be in score order, ties by sentence. */
static void test_long_article(void **state) {
  (void)state;
  static const char letters[] = "bcdfghjklmnprstw";
  size_t cap = 64 * 1024, len = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  for (unsigned i = 0; i < 240; i++) {
    /* eight words of letters only, distinct per sentence: no sentence repeats another */
    for (unsigned k = 0; k < 8; k++) {
      unsigned v = i * 8 + k;
      char w[8] = {(char)(k == 0 ? 'K' : 'k'), 'a', letters[v % 16], 'u', letters[(v / 16) % 16],
                   'i', letters[(v / 256) % 16], 0};
      len += (size_t)snprintf(text + len, cap - len, "%s%s", k ? " " : "", w);
    }
    len += (size_t)snprintf(text + len, cap - len, "%s", i % 3 == 2 ? ".\n\n" : ". ");
  }
  art a = {text, len, NULL};
  kabar_error err;
  a.doc = kabar_doc_new(test_group_ctx, a.text, a.len, 0, &err);
  assert_non_null(a.doc);
  kabar_summary *rank = summarize(&a, 40, 0, 0, KABAR_SUMMARY_RANK_ORDER);
  kabar_summary *doc_order = summarize(&a, 40, 0, 0, 0);
  size_t n = kabar_summary_count(rank);
  assert_true(n > 8);
  assert_int_equal(kabar_summary_count(doc_order), n);
  size_t prev = 0;
  for (size_t i = 0; i < n; i++) {
    size_t ri, si;
    kabar_summary_sentence(rank, i, NULL, &ri, NULL);
    kabar_summary_sentence(doc_order, i, NULL, &si, NULL);
    assert_true(i == 0 || si > prev);
    prev = si;
    if (i > 0) {
      size_t rp;
      kabar_summary_sentence(rank, i - 1, NULL, &rp, NULL);
      double a1 = kabar_summary_score(rank, rp), a2 = kabar_summary_score(rank, ri);
      assert_true(a1 > a2 || (a1 == a2 && rp < ri));
    }
  }
  kabar_summary_free(rank);
  kabar_summary_free(doc_order);
  close_art(&a);
}

/* The scores of kabar_doc_summarize() are the scorer applied to the rows of
 * kabar__summary_features() (the trainer's), to the bit: the summary scores each row as it
 * makes it, the trainer stores them. And each candidate's word, capital and number features
 * hold the counts of its tokens, taken here the plain way. */
static void assert_rows_match(const kabar_doc *doc) {
  size_t ns = doc->sentences.n;
  double *feat = malloc((ns + 1) * KABAR_SUM_NFEAT * sizeof *feat);
  uint8_t *cand = malloc(ns + 1);
  uint32_t *words = malloc((ns + 1) * sizeof *words);
  assert_true(feat && cand && words);
  assert_int_equal(kabar__summary_features(doc, feat, cand, words), KABAR_OK);
  kabar_error err;
  kabar_summary *sum = kabar_doc_summarize(doc, NULL, &err);
  assert_non_null(sum);
  const kabar_summary_model *m = doc->lang != KABAR_LANG_OTHER
                                     ? doc->ctx->langs[doc->lang].summary_model
                                     : NULL;
  if (!m)
    m = kabar__summary_fallback();
  const kabar_token *t = doc->tokens.v, *tend = t + doc->tokens.n;
  for (size_t i = 0; i < ns; i++) {
    const kabar_sentence *se = &doc->sentences.v[i];
    uint32_t n = 0, cut = 0, caps = 0, nums = 0;
    while (t < tend && t->end <= se->start)
      t++;
    for (; t < tend && t->start < se->end; t++, n++) {
      if (t->flags & KABAR_TOK_CUT) {
        cut++;
        continue;
      }
      unsigned char c = (unsigned char)doc->text[t->start];
      caps += c >= 'A' && c <= 'Z' && n > 0;
      nums += (t->flags & KABAR_TOK_NUMBER) != 0;
    }
    const double *x = feat + i * KABAR_SUM_NFEAT;
    assert_int_equal(words[i], n - cut);
    if (!cand[i]) {
      assert_true(kabar_summary_score(sum, i) == -1.0);
      continue;
    }
    double w = words[i], z = 0;
    assert_true(x[13] == kabar__summary_words_log(words[i]));
    assert_true(x[19] == (w > 1 ? (double)caps / (w - 1) : 0));
    assert_true(x[20] == (double)nums / w);
    for (size_t f = 0; f < KABAR_SUM_NFEAT; f++)
      z += m->w[f] * x[f];
    double want = 1.0 / (1.0 + exp(-z)), got = kabar_summary_score(sum, i);
    assert_memory_equal(&got, &want, sizeof got);
  }
  kabar_summary_free(sum);
  free(feat);
  free(cand);
  free(words);
}

static void test_rows_and_scores(void **state) {
  (void)state;
  static const char *const samples[] = {"id-banjir-quote.txt", "id-cyber-pact.txt",
                                        "id-ktt-piala.txt",    "id-mixed-nl-quote.txt",
                                        "id-short.txt",        "nl-chipfabriek.txt",
                                        "nl-top-wk.txt",       "nl-verkiezingen-crlf.txt",
                                        "nl-wrapped.txt"};
  for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
    art a = open_sample(samples[i]);
    assert_rows_match(a.doc);
    close_art(&a);
  }
  /* datelines (cut tokens inside a sentence), numbers, capitals, short and long sentences */
  art b = open_text("JAKARTA, KOMPAS.com - Presiden Joko Widodo meresmikan 12 bendungan baru di "
                    "Jawa Tengah pada 2024.\n\nMenteri PUPR Basuki Hadimuljono mengatakan "
                    "bendungan itu menampung 50 juta meter kubik air.\n\nPendek.\n\nIni "
                    "kalimat yang cukup panjang dan tidak berakhir dengan titik sama sekali "
                    "karena memang begitu\n\nApakah Anda tahu?");
  assert_rows_match(b.doc);
  close_art(&b);
}

/* A sentence of more than 2^21 bytes: its counts are taken in parts (summary.c, FIELD_BITS),
 * whose sums must be the counts of the whole. */
static void test_huge_sentence(void **state) {
  (void)state;
  static const char unit[] = "Kota 12 warga ";
  size_t n = ((size_t)1 << 21) / (sizeof unit - 1) + 4096, len = n * (sizeof unit - 1);
  char *text = malloc(len + 2);
  assert_non_null(text);
  for (size_t i = 0; i < n; i++)
    memcpy(text + i * (sizeof unit - 1), unit, sizeof unit - 1);
  text[len - 1] = '.';
  text[len] = 0;
  art a = {text, len, NULL};
  kabar_error err;
  a.doc = kabar_doc_new(test_group_ctx, a.text, a.len, 0, &err);
  assert_non_null(a.doc);
  size_t longest = 0;
  for (size_t i = 0; i < a.doc->sentences.n; i++) {
    size_t l = a.doc->sentences.v[i].end - a.doc->sentences.v[i].start;
    longest = l > longest ? l : longest;
  }
  assert_true(longest > ((size_t)1 << 21));
  assert_rows_match(a.doc);
  close_art(&a);
}

/* The word-count feature's table holds the expression's values (to the last bit on glibc,
 * where it was made; within a rounding step on any libm). */
static void test_words_log_table(void **state) {
  (void)state;
  for (uint32_t w = 0; w < 300; w++) {
    volatile double x = w;
    double want = log(1 + x) / log(64.0), got = kabar__summary_words_log(w);
    assert_true(fabs(got - want) <= 4 * DBL_EPSILON * (want > 1 ? want : 1));
#ifdef __GLIBC__
    assert_memory_equal(&got, &want, sizeof got);
#endif
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dutch_samples),    cmocka_unit_test(test_indonesian_samples),
      cmocka_unit_test(test_length_modes),     cmocka_unit_test(test_order_and_scores),
      cmocka_unit_test(test_redundancy),       cmocka_unit_test(test_short_and_empty),
      cmocka_unit_test(test_keywords),         cmocka_unit_test(test_options_errors),
      cmocka_unit_test(test_model_files),      cmocka_unit_test(test_long_article),
      cmocka_unit_test(test_words_log_table),  cmocka_unit_test(test_rows_and_scores),
      cmocka_unit_test(test_huge_sentence),
  };
  return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
