/* libFuzzer target for kabar_doc_new_lang(): analyses untrusted bytes and checks the
 * document's invariants.
 *
 * Input layout: byte 0 picks the options, the rest is the article.
 *   bit 0     KABAR_DOC_REPLACE_INVALID
 *   bit 1     KABAR_DOC_BORROW
 *   bits 2-3  language: NULL, "auto", "id", "nl"
 *   bit 4     KABAR_DOC_NO_FINGERPRINTS
 * An empty input is analysed as an empty article with no flags. */
#include "fuzz_common.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct doc_check {
  const unsigned char *text; /* the original input */
  size_t len;
  int boundaries; /* 0 when REPLACE_INVALID repaired the input: spans are only bounded */
  uint32_t flags;
} doc_check;

static void check_span(const doc_check *c, kabar_span s) {
  KF_CHECK(s.start <= s.end);
  KF_CHECK(s.end <= c->len);
  if (c->boundaries) {
    KF_CHECK(kf_utf8_boundary(c->text, c->len, s.start));
    KF_CHECK(kf_utf8_boundary(c->text, c->len, s.end));
  }
}

static int span_inside(kabar_span inner, kabar_span outer) {
  return outer.start <= inner.start && inner.end <= outer.end;
}

static int cmp_span(const void *a, const void *b) {
  const kabar_span *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

static void check_doc(const kabar_doc *doc, const doc_check *c) {
  KF_CHECK(kabar_doc_input_size(doc) == c->len);
  KF_CHECK(kabar_doc_lang(doc) != NULL);
  double conf = kabar_doc_lang_confidence(doc);
  KF_CHECK(conf >= 0.0 && conf <= 1.0);

  /* blocks: in input order, not overlapping */
  size_t nb = kabar_doc_block_count(doc);
  kabar_span *blocks = malloc((nb ? nb : 1) * sizeof *blocks);
  kabar_block_kind *kinds = malloc((nb ? nb : 1) * sizeof *kinds);
  KF_CHECK(blocks != NULL && kinds != NULL);
  for (size_t i = 0; i < nb; i++) {
    KF_CHECK(kabar_doc_block(doc, i, &blocks[i], &kinds[i]) == KABAR_OK);
    check_span(c, blocks[i]);
    KF_CHECK(i == 0 || blocks[i - 1].end <= blocks[i].start);
    KF_CHECK(kinds[i] == KABAR_BLOCK_TITLE || kinds[i] == KABAR_BLOCK_BODY ||
             kinds[i] == KABAR_BLOCK_BOILERPLATE);
    KF_CHECK(kabar_doc_block_line(doc, i) >= 1);
    size_t dup = kabar_doc_block_duplicate_of(doc, i);
    KF_CHECK(dup == KABAR_NO_INDEX || dup < i);
    double sim = kabar_doc_block_similarity(doc, i);
    KF_CHECK(sim >= 0.0 && sim <= 1.0);
    kabar_repeat_kind rep = kabar_doc_block_repeat(doc, i);
    KF_CHECK(rep == KABAR_REPEAT_NONE || rep == KABAR_REPEAT_STRUCTURAL ||
             rep == KABAR_REPEAT_NATURAL);
    KF_CHECK(rep == KABAR_REPEAT_NONE || dup != KABAR_NO_INDEX);
    KF_CHECK(kabar_doc_block_lang(doc, i) != NULL);
    (void)kabar_doc_block_rule(doc, i);
  }
  KF_CHECK(kabar_doc_block(doc, nb, NULL, NULL) == KABAR_EINVAL);
  KF_CHECK(kabar_doc_block_line(doc, nb) == 0);
  KF_CHECK(kabar_doc_block_duplicate_of(doc, nb) == KABAR_NO_INDEX);

  /* cuts: in input order, inside their (title or body) block */
  size_t ncut = kabar_doc_cut_count(doc);
  for (size_t i = 0, prev = 0; i < ncut; i++) {
    kabar_span s;
    kabar_cut_kind kind;
    size_t block = KABAR_NO_INDEX;
    const char *rule = NULL;
    KF_CHECK(kabar_doc_cut(doc, i, &s, &kind, &block, &rule) == KABAR_OK);
    check_span(c, s);
    KF_CHECK(kind == KABAR_CUT_BOILERPLATE || kind == KABAR_CUT_DATELINE);
    KF_CHECK(block < nb);
    KF_CHECK(span_inside(s, blocks[block]));
    KF_CHECK(kinds[block] != KABAR_BLOCK_BOILERPLATE);
    KF_CHECK(s.start >= prev);
    prev = s.start;
  }
  KF_CHECK(kabar_doc_cut(doc, ncut, NULL, NULL, NULL, NULL) == KABAR_EINVAL);

  /* sentences: inside their (title or body) block */
  size_t nsent = kabar_doc_sentence_count(doc);
  for (size_t i = 0; i < nsent; i++) {
    kabar_span s;
    size_t block = KABAR_NO_INDEX;
    KF_CHECK(kabar_doc_sentence(doc, i, &s, &block) == KABAR_OK);
    check_span(c, s);
    KF_CHECK(block < nb);
    KF_CHECK(span_inside(s, blocks[block]));
    KF_CHECK(kinds[block] != KABAR_BLOCK_BOILERPLATE);
  }
  KF_CHECK(kabar_doc_sentence(doc, nsent, NULL, NULL) == KABAR_EINVAL);

  /* tokens: in input order, each inside a block */
  size_t ntok = kabar_doc_token_count(doc);
  for (size_t i = 0, prev = 0, b = 0; i < ntok; i++) {
    kabar_span s;
    const char *stem = NULL;
    int stop = -1;
    KF_CHECK(kabar_doc_token(doc, i, &s, &stem, &stop) == KABAR_OK);
    check_span(c, s);
    KF_CHECK(stem != NULL);
    KF_CHECK(stop == 0 || stop == 1);
    KF_CHECK(s.start >= prev);
    prev = s.start;
    while (b < nb && blocks[b].end < s.end)
      b++;
    KF_CHECK(b < nb && span_inside(s, blocks[b]));
  }
  KF_CHECK(kabar_doc_token(doc, ntok, NULL, NULL, NULL) == KABAR_EINVAL);

  /* entities: known types, non-empty UTF-8 names, mentions in text order inside title/body
   * blocks, entities in order of first mention, no two mentions overlapping */
  size_t nent = kabar_doc_entity_count(doc);
  size_t prev_first = 0, nmen = 0;
  for (size_t e = 0; e < nent; e++) {
    kabar_entity_type type = 0;
    const char *name = NULL;
    size_t nm = 0;
    KF_CHECK(kabar_doc_entity(doc, e, &type, &name, &nm) == KABAR_OK);
    KF_CHECK(type >= KABAR_ENTITY_PER && type <= KABAR_ENTITY_EVENT);
    KF_CHECK(name != NULL && name[0] != '\0');
    KF_CHECK(kf_utf8_first_invalid((const unsigned char *)name, strlen(name)) == strlen(name));
    KF_CHECK(nm >= 1);
    size_t prev = 0;
    for (size_t k = 0; k < nm; k++) {
      kabar_span s;
      KF_CHECK(kabar_doc_entity_mention(doc, e, k, &s) == KABAR_OK);
      check_span(c, s);
      KF_CHECK(s.start < s.end);
      KF_CHECK(k == 0 || s.start > prev);
      prev = s.start;
      if (k == 0) {
        KF_CHECK(e == 0 || s.start > prev_first);
        prev_first = s.start;
      }
      size_t b = 0;
      while (b < nb && blocks[b].end < s.end)
        b++;
      KF_CHECK(b < nb && span_inside(s, blocks[b]));
      KF_CHECK(kinds[b] != KABAR_BLOCK_BOILERPLATE);
      KF_CHECK(kabar_doc_block_repeat(doc, b) != KABAR_REPEAT_STRUCTURAL);
    }
    KF_CHECK(kabar_doc_entity_mention(doc, e, nm, NULL) == KABAR_EINVAL);
    nmen += nm;
  }
  KF_CHECK(kabar_doc_entity(doc, nent, NULL, NULL, NULL) == KABAR_EINVAL);
  if (nmen > 1 && nmen <= 4096) {
    kabar_span *all = malloc(nmen * sizeof *all);
    KF_CHECK(all != NULL);
    size_t k = 0;
    for (size_t e = 0; e < nent; e++) {
      size_t nm = 0;
      kabar_doc_entity(doc, e, NULL, NULL, &nm);
      for (size_t q = 0; q < nm; q++)
        kabar_doc_entity_mention(doc, e, q, &all[k++]);
    }
    qsort(all, nmen, sizeof *all, cmp_span);
    for (size_t i = 1; i < nmen; i++)
      KF_CHECK(all[i - 1].end <= all[i].start);
    free(all);
  }

  /* cleaned text: well-formed UTF-8, NUL-terminated at its length, no NUL inside */
  size_t tlen = (size_t)-1;
  const char *t = kabar_doc_text(doc, &tlen);
  KF_CHECK(t != NULL);
  KF_CHECK(strlen(t) == tlen);
  KF_CHECK(kf_utf8_first_invalid((const unsigned char *)t, tlen) == tlen);

  /* summary: every chosen sentence is one of the doc's, in bounds, of a kept body block, with
   * a score in (0, 1]; keywords lie inside the input; the summary is never longer than asked */
  kabar_summary_options so = KABAR_SUMMARY_OPTIONS_INIT;
  so.sentences = 2 + (c->len & 3);
  kabar_error serr;
  kabar_summary *sum = kabar_doc_summarize(doc, &so, &serr);
  KF_CHECK(sum != NULL || serr.code == KABAR_ENOMEM);
  if (sum) {
    size_t npick = kabar_summary_count(sum), nsents = kabar_doc_sentence_count(doc);
    KF_CHECK(npick <= so.sentences && npick <= nsents);
    for (size_t i = 0; i < npick; i++) {
      kabar_span sp, ss;
      size_t si = (size_t)-1, sb = (size_t)-1, db = (size_t)-1;
      KF_CHECK(kabar_summary_sentence(sum, i, &sp, &si, &sb) == KABAR_OK);
      KF_CHECK(si < nsents);
      KF_CHECK(kabar_doc_sentence(doc, si, &ss, &db) == KABAR_OK);
      KF_CHECK(sp.start >= ss.start && sp.end <= ss.end && sp.start < sp.end && sp.end <= c->len);
      KF_CHECK(sb == db && kinds[sb] == KABAR_BLOCK_BODY);
      KF_CHECK(kabar_doc_block_repeat(doc, sb) != KABAR_REPEAT_STRUCTURAL);
      double score = kabar_summary_score(sum, si);
      KF_CHECK(score > 0 && score <= 1);
    }
    KF_CHECK(kabar_summary_sentence(sum, npick, NULL, NULL, NULL) == KABAR_EINVAL);
    for (size_t i = 0; i < kabar_summary_keyword_count(sum); i++) {
      kabar_span kp;
      KF_CHECK(kabar_summary_keyword(sum, i, &kp, NULL, NULL) == KABAR_OK);
      KF_CHECK(kp.start < kp.end && kp.end <= c->len);
    }
    kabar_summary_free(sum);
  }

  /* fingerprints */
  size_t nmin = (size_t)-1;
  const uint32_t *mh = kabar_doc_minhash(doc, &nmin);
  KF_CHECK(nmin == 0 || nmin == KABAR_MINHASH_SIZE);
  KF_CHECK(nmin == 0 || mh != NULL);
  KF_CHECK(!(c->flags & KABAR_DOC_NO_FINGERPRINTS) ||
           (nmin == 0 && kabar_doc_simhash(doc) == 0 && kabar_doc_shingle_count(doc) == 0));
  (void)kabar_doc_simhash(doc);
  (void)kabar_doc_shingle_count(doc);

  free(blocks);
  free(kinds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const langs[4] = {NULL, "auto", "id", "nl"};
  const kabar_ctx *ctx = kf_ctx();
  uint32_t flags = 0;
  const char *lang = NULL;
  const unsigned char *text = data;
  size_t len = size;
  if (size > 0) {
    if (data[0] & 0x1)
      flags |= KABAR_DOC_REPLACE_INVALID;
    if (data[0] & 0x2)
      flags |= KABAR_DOC_BORROW;
    if (data[0] & 0x10)
      flags |= KABAR_DOC_NO_FINGERPRINTS;
    flags &= KABAR_DOC_FLAGS_ALL;
    lang = langs[(data[0] >> 2) & 0x3];
    text++;
    len--;
  }
  size_t bad = kf_utf8_first_invalid(text, len);

  kabar_error err;
  memset(&err, 0, sizeof err);
  kabar_doc *doc = kabar_doc_new_lang(ctx, (const char *)text, len, lang, flags, &err);
  if (doc == NULL) {
    kf_check_failure("fuzz_doc", &err, (flags & KABAR_DOC_REPLACE_INVALID) != 0, len, bad);
    return 0;
  }
  /* ill-formed input is an error unless it is repaired */
  KF_CHECK(bad == len || (flags & KABAR_DOC_REPLACE_INVALID));
  doc_check c = {text, len, bad == len, flags};
  check_doc(doc, &c);
  kabar_doc_free(doc);
  return 0;
}
