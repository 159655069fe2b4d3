/* libFuzzer target for the CoNLL reader of the NER tools (examples/conll.h) and, through it,
 * the tagger's trainer and tagger: the bytes are read as a CoNLL file through fmemopen, every
 * sentence is checked and added to a kabar_ner_trainer; after one epoch the model tags every
 * sentence again, and the tags must be well-formed IOB2 and scorable.
 *
 * Input layout: byte 0 picks the options, the rest is the file.
 *   bit 0  KABAR_NER_TRAIN_KABAR_TYPES
 *   bit 1  language: "id" or "nl" */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_common.h"
#include "conll.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SENTENCES 64

typedef struct sent {
  const char **tok, **tag;
  size_t *len, n;
} sent;

static void sent_free(sent *s) {
  for (size_t i = 0; i < s->n; i++) {
    free((void *)s->tok[i]);
    free((void *)s->tag[i]);
  }
  free(s->tok);
  free(s->tag);
  free(s->len);
}

/* Whether tags[0..n) is IOB2: every I-X follows B-X or I-X. */
static int valid_iob2(const char *const *tags, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *t = tags[i];
    if (strcmp(t, "O") == 0)
      continue;
    if (strlen(t) < 3 || (t[0] != 'B' && t[0] != 'I') || t[1] != '-')
      return 0;
    if (t[0] == 'I' && (i == 0 || strlen(tags[i - 1]) < 3 || strcmp(tags[i - 1] + 1, t + 1) != 0))
      return 0;
  }
  return 1;
}

/* Reads every sentence, checking the reader's invariants; copies up to MAX_SENTENCES. */
static size_t read_all(FILE *f, const unsigned char *text, size_t len, sent *out) {
  conll_reader r = {f, 0, NULL, 0, 0, NULL};
  conll_sentence s = {0};
  size_t nsent = 0, last_line = 0;
  int st;
  while ((st = conll_read_sentence(&r, &s)) == CONLL_SENTENCE) {
    KF_CHECK(s.n > 0);
    for (size_t i = 0; i < s.n; i++) {
      const conll_line *l = &s.v[i];
      KF_CHECK(l->text != NULL && l->token != NULL);
      KF_CHECK(l->token_len > 0);
      KF_CHECK(l->token[0] != ' ' && l->token[0] != '\t');
      KF_CHECK(l->lineno > last_line);
      last_line = l->lineno;
      KF_CHECK(l->lineno <= len + 1);
      if (l->tag) {
        /* a tag may hold NUL bytes; as a C string it is then shorter (and rejected) */
        KF_CHECK(strchr(l->tag, ' ') == NULL && strchr(l->tag, '\t') == NULL);
      }
      /* no token holds a line end */
      KF_CHECK(memchr(l->token, '\n', l->token_len) == NULL);
    }
    if (nsent < MAX_SENTENCES) {
      sent *o = &out[nsent];
      o->tok = calloc(s.n, sizeof *o->tok);
      o->tag = calloc(s.n, sizeof *o->tag);
      o->len = calloc(s.n, sizeof *o->len);
      KF_CHECK(o->tok && o->tag && o->len);
      o->n = s.n;
      for (size_t i = 0; i < s.n; i++) {
        o->tok[i] = conll_dup(s.v[i].token, s.v[i].token_len);
        o->len[i] = s.v[i].token_len;
        o->tag[i] = conll_dup(s.v[i].tag ? s.v[i].tag : "O", s.v[i].tag ? strlen(s.v[i].tag) : 1);
        KF_CHECK(o->tok[i] && o->tag[i]);
      }
      nsent++;
    }
  }
  KF_CHECK(st == CONLL_EOF);
  KF_CHECK(r.lineno <= len + 1);
  (void)text;
  conll_sentence_free(&s);
  free(r.buf);
  free(r.docstart);
  return nsent;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  uint32_t flags = data[0] & 1u ? KABAR_NER_TRAIN_KABAR_TYPES : 0;
  const char *lang = data[0] & 2u ? "nl" : "id";
  const unsigned char *text = data + 1;
  size_t len = size - 1;
  FILE *f = fmemopen((void *)text, len, "r");
  KF_CHECK(f != NULL);
  sent sents[MAX_SENTENCES];
  size_t ns = read_all(f, text, len, sents);
  fclose(f);

  const kabar_ctx *ctx = kf_ctx();
  kabar_error err;
  kabar_ner_trainer *tr = kabar_ner_trainer_new(ctx, lang, flags, &err);
  KF_CHECK(tr != NULL);
  char *ok = calloc(ns + 1, 1);
  KF_CHECK(ok != NULL);
  size_t added = 0;
  for (size_t i = 0; i < ns; i++) {
    sent *s = &sents[i];
    size_t bad = KABAR_NO_OFFSET;
    for (size_t k = 0; k < s->n && bad == KABAR_NO_OFFSET; k++)
      if (kf_utf8_first_invalid((const unsigned char *)s->tok[k], s->len[k]) != s->len[k])
        bad = k;
    kabar_status rc = kabar_ner_trainer_add(tr, s->tok, s->len, s->tag, s->n, &err);
    if (rc == KABAR_OK) {
      ok[i] = 1;
      added++;
      continue;
    }
    KF_CHECK(rc == err.code);
    KF_CHECK(rc == KABAR_EINVAL || rc == KABAR_ELIMIT || rc == KABAR_EUTF8 || rc == KABAR_ENOMEM);
    if (rc == KABAR_EINVAL || rc == KABAR_ELIMIT)
      KF_CHECK(err.offset < s->n);
  }
  if (added > 0) {
    KF_CHECK(kabar_ner_trainer_epoch(tr, 1, &err) == KABAR_OK);
    kabar_ner_model *m = kabar_ner_trainer_model(tr, &err);
    KF_CHECK(m != NULL);
    kabar_tagger *tg = kabar_tagger_new(ctx, m, &err);
    KF_CHECK(tg != NULL);
    for (size_t i = 0; i < ns; i++) {
      sent *s = &sents[i];
      const char **pred = calloc(s->n, sizeof *pred);
      KF_CHECK(pred != NULL);
      kabar_status rc = kabar_tagger_tag(tg, s->tok, s->len, s->n, pred, &err);
      if (rc == KABAR_OK) {
        KF_CHECK(valid_iob2(pred, s->n));
        conll_score sc;
        memset(&sc, 0, sizeof sc);
        KF_CHECK(conll_score_add(&sc, s->tag, pred, s->n) == 0);
        size_t c, g, p;
        conll_totals(&sc, &c, &g, &p);
        KF_CHECK(c <= g && c <= p);
        double f1 = conll_overall_f1(&sc);
        KF_CHECK(f1 >= 0.0 && f1 <= 100.0);
      } else {
        KF_CHECK(rc == KABAR_EUTF8 || rc == KABAR_ENOMEM);
        if (rc == KABAR_EUTF8)
          KF_CHECK(err.offset < s->n &&
                   kf_utf8_first_invalid((const unsigned char *)s->tok[err.offset],
                                         s->len[err.offset]) != s->len[err.offset]);
      }
      free(pred);
    }
    kabar_tagger_free(tg);
    kabar_ner_model_free(m);
  }
  free(ok);
  kabar_ner_trainer_free(tr);
  for (size_t i = 0; i < ns; i++)
    sent_free(&sents[i]);
  return 0;
}
