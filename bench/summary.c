/* bench_summary: 3-sentence extractive summaries of IndoSum articles, scored with ROUGE.
 *
 * Usage: bench_summary [--self-test] [--runs N] [--ots-dict LANG] [--show I] [FILE.jsonl]
 *   --self-test      run the scorer's and the text reconstruction's checks, print them, and
 *                    exit non-zero if one fails (with FILE, go on to the evaluation after them)
 *   --runs N         time each system N times (default 3) and report the median; the scores
 *                    come from the first run
 *   --ots-dict LANG  OTS dictionary, /usr/share/ots/LANG.xml (default "id")
 *   --show I         also print article I's text, its reference and every system's summary
 *
 * FILE is IndoSum JSON Lines (one article a line: "paragraphs" = paragraphs of sentences of
 * tokens, "summary" = sentences of tokens). Each article's tokens are turned back into text
 * (see detok_paragraph below), every system summarises that text to 3 sentences, and the
 * summary is scored against the gold "summary", turned into text the same way, with the
 * scorer in rouge.h (ROUGE-1/2/L F1 over lower-cased alphanumeric tokens, no stemming).
 * Printed per system: the mean F1 over the articles in percent, and the throughput of the
 * summarisation step alone (texts already in memory): articles/s and MB/s of article text.
 *
 * Systems, all at 3 sentences:
 *  - lead-3: the first 3 sentences of kabar's sentence splitter (kabar_doc_new, public API),
 *    leaving out the title block, boilerplate blocks and structural repeats; the summary is
 *    those sentences' original bytes joined by spaces. Timed with kabar_doc_new.
 *  - kabar: kabar_doc_summarize() (public API) with 3 sentences, in document order, joined
 *    like lead-3. Two rows: "analysis + summary" timed with kabar_doc_new (the whole library
 *    call, comparable with lead-3's row), and "summary step alone" without it (the summariser
 *    itself, comparable with OTS, which parses the text with much less analysis).
 *  - ots: the Open Text Summarizer (Debian libots-dev) through libots, when the build found
 *    it (KABAR_BENCH_HAVE_OTS), with ots_highlight_doc_lines(article, 3). Debian ships an
 *    Indonesian dictionary (/usr/share/ots/id.xml: a stemmer with only punctuation rules,
 *    sentence-break rules and 13 pronouns for its grader), used by default. libots keeps the
 *    dictionary in the article, so it is loaded for every article, as the ots tool does; that
 *    is part of the OTS time.
 */
#define _POSIX_C_SOURCE 200809L
#include <kabar.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

#ifdef KABAR_BENCH_HAVE_OTS
#include <ots/libots.h> /* after <stdio.h>: it uses FILE without including it */
#endif

#include "rouge.h"

/* The summary reads neither entities nor fingerprints, so the analysis skips those stages
 * (as a summarising service would ask for; `dedup --summary N` does the same). */
#define DOC_FLAGS (KABAR_DOC_BORROW | KABAR_DOC_NO_ENTITIES | KABAR_DOC_NO_FINGERPRINTS)
#include "indosum.h"


/* ------------------------------------------------------------------------------------------ */
/* Systems */

#define SUMMARY_SENTENCES 3

/* The first @p k sentences of @p doc outside the title block, boilerplate blocks and
 * structural repeats, as their original bytes joined by spaces. */
static void lead_k_from_doc(const kabar_doc *doc, const char *text, size_t k, sbuf *out) {
  size_t ns = kabar_doc_sentence_count(doc), taken = 0;
  for (size_t i = 0; i < ns && taken < k; i++) {
    kabar_span sp, bsp;
    size_t blk;
    kabar_block_kind kind;
    if (kabar_doc_sentence(doc, i, &sp, &blk) != KABAR_OK ||
        kabar_doc_block(doc, blk, &bsp, &kind) != KABAR_OK)
      continue;
    if (kind != KABAR_BLOCK_BODY || kabar_doc_block_repeat(doc, blk) == KABAR_REPEAT_STRUCTURAL)
      continue;
    size_t before = out->n;
    sbuf_put_sentence(out, text + sp.start, sp.end - sp.start);
    taken += out->n > before;
  }
}

typedef struct sys_state {
  const kabar_ctx *ctx;
  const char *ots_dict;
  size_t failed;  /* kabar_doc_new or OTS failures */
  double excluded; /* seconds inside run() that are not the system's own work */
} sys_state;

static int run_lead3(sys_state *st, const article *a, sbuf *out) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(st->ctx, a->text, a->len, DOC_FLAGS, &err);
  if (!doc) {
    st->failed++;
    return -1;
  }
  lead_k_from_doc(doc, a->text, SUMMARY_SENTENCES, out);
  kabar_doc_free(doc);
  return 0;
}

/* kabar's own 3-sentence summary of @p doc (kabar_doc_summarize, public API): the chosen
 * sentences' original bytes in document order, joined by spaces. */
static int kabar_summary_3(const kabar_doc *doc, const char *text, sbuf *out) {
  kabar_summary_options so = KABAR_SUMMARY_OPTIONS_INIT;
  so.sentences = SUMMARY_SENTENCES;
  so.keywords = 0;
  kabar_error err;
  kabar_summary *sum = kabar_doc_summarize(doc, &so, &err);
  if (!sum)
    return -1;
  for (size_t i = 0; i < kabar_summary_count(sum); i++) {
    kabar_span sp;
    if (kabar_summary_sentence(sum, i, &sp, NULL, NULL) == KABAR_OK)
      sbuf_put_sentence(out, text + sp.start, sp.end - sp.start);
  }
  kabar_summary_free(sum);
  return 0;
}

/* The whole library call: analysis (kabar_doc_new) and summary. */
static int run_kabar(sys_state *st, const article *a, sbuf *out) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(st->ctx, a->text, a->len, DOC_FLAGS, &err);
  if (!doc || kabar_summary_3(doc, a->text, out) != 0) {
    kabar_doc_free(doc);
    st->failed++;
    return -1;
  }
  kabar_doc_free(doc);
  return 0;
}

/* The summary step alone: the analysis is made first and its time left out (st->excluded),
 * to compare the summariser itself with OTS, whose time includes only its own parsing. */
static int run_kabar_step(sys_state *st, const article *a, sbuf *out) {
  kabar_error err;
  double t0 = bench_now();
  kabar_doc *doc = kabar_doc_new(st->ctx, a->text, a->len, DOC_FLAGS, &err);
  st->excluded += bench_now() - t0;
  if (!doc || kabar_summary_3(doc, a->text, out) != 0) {
    kabar_doc_free(doc);
    st->failed++;
    return -1;
  }
  t0 = bench_now();
  kabar_doc_free(doc);
  st->excluded += bench_now() - t0;
  return 0;
}

#ifdef KABAR_BENCH_HAVE_OTS
/* OTS through libots: the same steps as the ots tool (new article, dictionary, parse, grade),
 * then the 3 best sentences (ots_highlight_doc_lines), in article order, joined by spaces. */
static int run_ots(sys_state *st, const article *a, sbuf *out) {
  OtsArticle *art = ots_new_article();
  if (!art || !ots_load_xml_dictionary(art, (const unsigned char *)st->ots_dict)) {
    if (art)
      ots_free_article(art);
    st->failed++;
    return -1;
  }
  ots_parse_stream((const unsigned char *)a->text, a->len, art);
  ots_grade_doc(art);
  ots_highlight_doc_lines(art, SUMMARY_SENTENCES);
  for (GList *li = art->lines; li != NULL; li = li->next) {
    const OtsSentence *s = li->data;
    if (!s || !ots_is_line_selected(s))
      continue;
    size_t n = 0;
    unsigned char *t = ots_get_line_text(s, TRUE, &n);
    if (t) {
      sbuf_put_sentence(out, (const char *)t, n);
      g_free(t);
    }
  }
  ots_free_article(art);
  return 0;
}

/* Can libots load @p dict? (It prints nothing when it cannot.) */
static int ots_dict_ok(const char *dict) {
  OtsArticle *art = ots_new_article();
  int ok = ots_load_xml_dictionary(art, (const unsigned char *)dict) != 0;
  ots_free_article(art);
  return ok;
}
#endif

typedef struct system_def {
  const char *label;
  int (*run)(sys_state *, const article *, sbuf *);
} system_def;

/* ------------------------------------------------------------------------------------------ */
/* Self-test */

static int st_pass, st_fail;

static void check(int ok, const char *what) {
  printf("  %s %s\n", ok ? "ok  " : "FAIL", what);
  if (ok)
    st_pass++;
  else
    st_fail++;
}

static int near(double x, double y) { return x - y < 1e-9 && y - x < 1e-9; }

static void check_prf(const char *what, rouge_prf got, double p, double r, double f) {
  char msg[256];
  int ok = near(got.p, p) && near(got.r, r) && near(got.f, f);
  if (ok)
    snprintf(msg, sizeof msg, "%s: P %.4f R %.4f F %.4f", what, got.p, got.r, got.f);
  else
    snprintf(msg, sizeof msg, "%s: got P %.6f R %.6f F %.6f, want P %.6f R %.6f F %.6f", what,
             got.p, got.r, got.f, p, r, f);
  check(ok, msg);
}

static rouge_scores score_str(const char *c, const char *r) {
  rouge_scores s;
  if (rouge_score(c, strlen(c), r, strlen(r), &s) != 0)
    die_oom();
  return s;
}

static void check_tokens(const char *text, const char *want) {
  rouge_tok *t = NULL;
  size_t n = rouge_tokenize(text, strlen(text), &t);
  sbuf got = {0};
  for (size_t i = 0; i < n; i++) {
    if (i)
      sbuf_put(&got, "|", 1);
    for (size_t k = 0; k < t[i].n; k++) {
      char ch = (char)rouge_lower((unsigned char)t[i].p[k]);
      sbuf_put(&got, &ch, 1);
    }
  }
  char msg[512];
  int ok = strcmp(got.p ? got.p : "", want) == 0;
  snprintf(msg, sizeof msg, "tokens of \"%s\": %s%s%s", text, got.p ? got.p : "",
           ok ? "" : ", want ", ok ? "" : want);
  check(ok, msg);
  free(got.p);
  free(t);
}

/* @p toks: tokens separated by '\x1f'. */
static void check_detok(const char *toks, const char *want) {
  const char *tok[64];
  size_t len[64], n = 0;
  const char *p = toks;
  while (*p && n < 64) {
    const char *e = strchr(p, '\x1f');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (!tok_is_space(p, l))
      tok[n] = p, len[n] = l, n++;
    p += l + (e != NULL);
  }
  sbuf b = {0};
  detok_paragraph(&b, tok, len, n, NULL);
  char msg[512];
  int ok = strcmp(b.p ? b.p : "", want) == 0;
  snprintf(msg, sizeof msg, "text of tokens: %s%s%s", b.p ? b.p : "", ok ? "" : "  want: ",
           ok ? "" : want);
  check(ok, msg);
  free(b.p);
}

static int self_test(void) {
  printf("self-test: ROUGE scorer (rouge.h)\n");
  check_tokens("Hello, WORLD! foo_bar 3.14 Rp1,5", "hello|world|foo|bar|3|14|rp1|5");
  check_tokens("\xe2\x80\x9cSaya\xe2\x80\x9d pergi\xc2\xa0ke caf\xc3\xa9\xe2\x80\xa6",
               "saya|pergi|ke|caf\xc3\xa9");
  check_tokens("  ... -- ", "");
  check_tokens("bersenang-senang (21/9)", "bersenang|senang|21|9");

  rouge_scores s = score_str("Presiden Joko Widodo melantik menteri.",
                             "presiden joko widodo MELANTIK Menteri");
  check_prf("identical text (case and punctuation aside): R-1", s.r1, 1, 1, 1);
  check_prf("identical text: R-2", s.r2, 1, 1, 1);
  check_prf("identical text: R-L", s.rl, 1, 1, 1);
  s = score_str("satu dua tiga", "empat lima enam");
  check_prf("disjoint texts: R-1", s.r1, 0, 0, 0);
  check_prf("disjoint texts: R-2", s.r2, 0, 0, 0);
  check_prf("disjoint texts: R-L", s.rl, 0, 0, 0);
  s = score_str("", "empat lima enam");
  check_prf("empty candidate: R-1", s.r1, 0, 0, 0);
  check_prf("empty candidate: R-L", s.rl, 0, 0, 0);

  /* cand: the cat sat on the mat / ref: the cat is on the mat
   * unigrams 6 and 6, overlap the x2 + cat + on + mat = 5; bigrams 5 and 5, overlap
   * the-cat, on-the, the-mat = 3; LCS "the cat on the mat" = 5 */
  s = score_str("the cat sat on the mat", "the cat is on the mat");
  check_prf("hand case 1: R-1 = 5/6", s.r1, 5.0 / 6, 5.0 / 6, 5.0 / 6);
  check_prf("hand case 1: R-2 = 3/5", s.r2, 0.6, 0.6, 0.6);
  check_prf("hand case 1: R-L = 5/6", s.rl, 5.0 / 6, 5.0 / 6, 5.0 / 6);
  /* clipping: cand "the" x4 against "the cat": unigram overlap min(4,1) = 1, P 1/4, R 1/2,
   * F 1/3; bigrams the-the x3 against the-cat: 0; LCS 1 */
  s = score_str("the the the the", "the cat");
  check_prf("clipped counts: R-1 P 1/4 R 1/2", s.r1, 0.25, 0.5, 1.0 / 3);
  check_prf("clipped counts: R-2", s.r2, 0, 0, 0);
  check_prf("clipped counts: R-L", s.rl, 0.25, 0.5, 1.0 / 3);
  /* bigram clipping: cand "a b a b a b" has a-b x3, b-a x2; ref "a b x a b" has a-b x2,
   * b-x, x-a: overlap min(3,2) = 2, P 2/5, R 2/4 */
  s = score_str("a b a b a b", "a b x a b");
  check_prf("clipped bigrams: R-2 P 2/5 R 2/4", s.r2, 0.4, 0.5, 2 * 0.4 * 0.5 / 0.9);
  /* LCS with gaps: "a b c d e" vs "a x c y e z": LCS a c e = 3, P 3/5, R 3/6 */
  s = score_str("a b c d e", "a x c y e z");
  check_prf("LCS with gaps: R-L P 3/5 R 3/6", s.rl, 0.6, 0.5, 0.6 / 1.1);
  /* order: "d c b a" vs "a b c d": every unigram matches, no bigram, LCS 1 */
  s = score_str("d c b a", "a b c d");
  check_prf("reversed order: R-1", s.r1, 1, 1, 1);
  check_prf("reversed order: R-2", s.r2, 0, 0, 0);
  check_prf("reversed order: R-L = 1/4", s.rl, 0.25, 0.25, 0.25);
  /* summary-level R-L: sentences are one sequence, so a match may run across a boundary */
  s = score_str("Ia datang. Lalu pergi.", "ia datang lalu pergi");
  check_prf("sentences concatenated: R-L", s.rl, 1, 1, 1);

  printf("self-test: text reconstruction\n");
  check_detok("Jakarta\x1f,\x1f"
              "CNN\x1fIndonesia\x1f-\x1f-\x1f"
              "Edward\x1fSnowden\x1fmengkritik\x1f.",
              "Jakarta, CNN Indonesia -- Edward Snowden mengkritik.");
  check_detok("\"\x1f"
              "Apa\x1fitu\x1f#Allo\x1f?\x1fSebuah\x1f"
              "aplikasi\x1f,\x1f\"\x1f"
              "cuit\x1fSnowden\x1f(\x1f"
              "21\x1f/\x1f"
              "9\x1f)\x1f.",
              "\"Apa itu #Allo? Sebuah aplikasi,\" cuit Snowden (21/9).");
  check_detok("aplikasi\x1fyang\x1f'\x1f"
              "berbahaya\x1f'\x1f"
              "dan",
              "aplikasi yang 'berbahaya' dan");
  check_detok("Bersenang\x1f-\x1fsenang\x1f"
              "2014\x1f-\x1f"
              "2019\x1fSuara.com\x1f-\x1fPerayaan",
              "Bersenang-senang 2014-2019 Suara.com - Perayaan");
  check_detok("\xe2\x80\x9c\x1fSaya\x1f\xc2\xa0\x1fpergi\x1f...\x1f\xe2\x80\x9d\x1fkatanya\x1f\r\n",
              "\xe2\x80\x9cSaya pergi...\xe2\x80\x9d katanya");
  check_detok("naik\x1f"
              "5\x1f%\x1f;\x1f[\x1flihat\x1f]",
              "naik 5%; [lihat]");

  printf("%d passed, %d failed\n", st_pass, st_fail);
  return st_fail == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Evaluation */

/* Untimed look at what kabar makes of the reconstructed articles (for the report). */
static void describe_analysis(const kabar_ctx *ctx, const corpus *c) {
  size_t lang_id = 0, titles = 0, boiler = 0, structural = 0, blocks = 0, sentences = 0;
  size_t failed = 0, short_lead = 0;
  for (size_t i = 0; i < c->n; i++) {
    kabar_error err;
    kabar_doc *doc = kabar_doc_new(ctx, c->v[i].text, c->v[i].len, DOC_FLAGS, &err);
    if (!doc) {
      failed++;
      continue;
    }
    lang_id += strcmp(kabar_doc_lang(doc), "id") == 0;
    size_t nb = kabar_doc_block_count(doc), body_sent = 0;
    blocks += nb;
    for (size_t b = 0; b < nb; b++) {
      kabar_span sp;
      kabar_block_kind kind = KABAR_BLOCK_BODY;
      kabar_doc_block(doc, b, &sp, &kind);
      titles += kind == KABAR_BLOCK_TITLE;
      boiler += kind == KABAR_BLOCK_BOILERPLATE;
      structural += kabar_doc_block_repeat(doc, b) == KABAR_REPEAT_STRUCTURAL;
    }
    size_t ns = kabar_doc_sentence_count(doc);
    sentences += ns;
    for (size_t s = 0; s < ns; s++) {
      size_t b = 0;
      kabar_span sp;
      kabar_block_kind kind = KABAR_BLOCK_BODY;
      kabar_doc_sentence(doc, s, &sp, &b);
      kabar_doc_block(doc, b, &sp, &kind);
      body_sent += kind == KABAR_BLOCK_BODY && kabar_doc_block_repeat(doc, b) != KABAR_REPEAT_STRUCTURAL;
    }
    short_lead += body_sent < SUMMARY_SENTENCES;
    kabar_doc_free(doc);
  }
  printf("kabar on these texts: %zu of %zu detected as \"id\"; %zu blocks (%zu title, %zu "
         "boilerplate, %zu structural repeats); %zu sentences; %zu articles with fewer than %d "
         "usable sentences; %zu failed\n",
         lang_id, c->n, blocks, titles, boiler, structural, sentences, short_lead,
         SUMMARY_SENTENCES, failed);
}

static void show_article(const article *a, size_t index) {
  printf("--- article %zu: %s\n%s--- reference\n%s\n", index, a->id, a->text, a->ref);
}

/* --only PREFIX keeps the systems whose label starts with PREFIX (for profiling one of them). */
static size_t keep_only(system_def *systems, size_t nsys, const char *only) {
  if (!only)
    return nsys;
  size_t kept = 0;
  for (size_t k = 0; k < nsys; k++)
    if (strncmp(systems[k].label, only, strlen(only)) == 0)
      systems[kept++] = systems[k];
  return kept;
}

static int evaluate(const char *path, int runs, const char *ots_dict, long show,
                    const char *only) {
  corpus c = {0};
  if (load_corpus(path, &c) != 0)
    return 1;
  if (c.n == 0) {
    fprintf(stderr, "bench_summary: no articles in %s\n", path);
    return 1;
  }
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  printf("%s: %zu articles (%zu skipped), %.2f MB of reconstructed text\n", base, c.n,
         c.skipped, (double)c.bytes / 1e6);

  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(NULL, &err);
  if (!ctx) {
    fprintf(stderr, "bench_summary: kabar_ctx_new: %s %s\n", kabar_strerror(err.code), err.path);
    return 1;
  }
  describe_analysis(ctx, &c);
  if (show >= 0 && (size_t)show < c.n)
    show_article(&c.v[show], (size_t)show);

  system_def systems[4];
  size_t nsys = 0;
  systems[nsys++] = (system_def){"lead-3", run_lead3};
  systems[nsys++] = (system_def){"kabar (analysis + summary)", run_kabar};
  systems[nsys++] = (system_def){"kabar (summary step alone)", run_kabar_step};
  char ots_label[128];
#ifdef KABAR_BENCH_HAVE_OTS
  int have_ots = ots_dict_ok(ots_dict);
  snprintf(ots_label, sizeof ots_label, "ots (libots, dictionary \"%s\")", ots_dict);
  if (have_ots)
    systems[nsys++] = (system_def){ots_label, run_ots};
#else
  int have_ots = 0;
  (void)ots_label;
#endif
  nsys = keep_only(systems, nsys, only);

  printf("\nROUGE F1 in %%, mean over %zu articles (tokens: lower-cased alphanumeric runs, no "
         "stemming); time: median of %d run(s), summarisation only\n",
         c.n, runs);
  printf("%-46s %7s %7s %7s %12s %8s\n", "system", "R-1", "R-2", "R-L", "articles/s", "MB/s");
  sbuf sum = {0}, shown = {0};
  double *secs = calloc((size_t)runs, sizeof *secs);
  if (!secs)
    die_oom();
  for (size_t k = 0; k < nsys; k++) {
    sys_state st = {ctx, ots_dict, 0, 0};
    double r1 = 0, r2 = 0, rl = 0;
    for (int r = 0; r < runs; r++) {
      double t = 0;
      for (size_t i = 0; i < c.n; i++) {
        sbuf_clear(&sum);
        double t0 = bench_now(), ex0 = st.excluded;
        systems[k].run(&st, &c.v[i], &sum);
        t += bench_now() - t0 - (st.excluded - ex0);
        if (r == 0) {
          rouge_scores s;
          if (rouge_score(sum.p ? sum.p : "", sum.n, c.v[i].ref, c.v[i].ref_len, &s) != 0)
            die_oom();
          r1 += s.r1.f, r2 += s.r2.f, rl += s.rl.f;
          if (show >= 0 && (size_t)show == i) {
            sbuf_puts(&shown, "--- ");
            sbuf_puts(&shown, systems[k].label);
            sbuf_puts(&shown, "\n");
            sbuf_puts(&shown, sum.p ? sum.p : "");
            sbuf_puts(&shown, "\n");
          }
        }
      }
      secs[r] = t;
    }
    qsort(secs, (size_t)runs, sizeof *secs, bench_cmp_double);
    double med = secs[runs / 2], n = (double)c.n;
    printf("%-46s %7.2f %7.2f %7.2f %12.0f %8.2f", systems[k].label, 100 * r1 / n, 100 * r2 / n,
           100 * rl / n, n / med, (double)c.bytes / 1e6 / med);
    if (st.failed)
      printf("  (%zu failed)", st.failed / (size_t)runs);
    printf("\n");
  }
  if (!have_ots) {
#ifdef KABAR_BENCH_HAVE_OTS
    printf("ots: not available (libots cannot load the dictionary \"%s\")\n", ots_dict);
#else
    printf("ots: not available (built without libots: install libots-dev, then rebuild)\n");
#endif
  }
  if (shown.n)
    printf("\n%s", shown.p);
  free(secs);
  free(sum.p);
  free(shown.p);
  kabar_ctx_free(ctx);
  free_corpus(&c);
  return 0;
}

int main(int argc, char **argv) {
  int selftest = 0, runs = 3;
  long show = -1;
  const char *ots_dict = "id", *path = NULL, *only = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--self-test") == 0) {
      selftest = 1;
    } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = atoi(argv[++i]);
      if (runs < 1 || runs > 100)
        runs = 3;
    } else if (strcmp(argv[i], "--ots-dict") == 0 && i + 1 < argc) {
      ots_dict = argv[++i];
    } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else if (strcmp(argv[i], "--show") == 0 && i + 1 < argc) {
      show = atol(argv[++i]);
    } else if (argv[i][0] == '-' || path) {
      fprintf(stderr, "usage: bench_summary [--self-test] [--runs N] [--ots-dict LANG] "
                      "[--show I] [--only LABEL-PREFIX] [FILE.jsonl]\n");
      return 2;
    } else {
      path = argv[i];
    }
  }
  if (!selftest && !path) {
    fprintf(stderr, "usage: bench_summary [--self-test] [--runs N] [--ots-dict LANG] "
                    "[--show I] [--only LABEL-PREFIX] [FILE.jsonl]\n");
    return 2;
  }
  if (selftest && self_test() != 0)
    return 1;
  if (!path)
    return 0;
  if (selftest)
    printf("\n");
  return evaluate(path, runs, ots_dict, show, only);
}
