/* kabar-ner: tags tokenised text with a named-entity model.
 *
 *   kabar-ner --lang id|nl [--model MODEL] [--data-dir DIR] [--stats] [FILE...]
 *
 * Reads tokens one per line (only the first column is read; a blank line between sentences;
 * "-DOCSTART-" lines are passed through) from the files or standard input, and writes every
 * line back with a TAB and the predicted IOB2 tag appended, so any CoNLL scorer can score it.
 * Without --model it uses the language's shipped model. --stats prints tokens/s on stderr. */
#include <kabar.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conll.h"

static void usage(FILE *f) {
  fprintf(f, "usage: kabar-ner --lang id|nl [--model MODEL] [--data-dir DIR] [--stats] [FILE...]\n");
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct tag_state {
  kabar_tagger *tagger;
  const char **tok, **tags;
  size_t *len, cap;
  size_t tokens;
  double seconds;
} tag_state;

static void print_docstart(const conll_reader *r) {
  printf("%s\tO\n", r->docstart ? r->docstart : "-DOCSTART-");
}

/* Tags and prints one sentence; -1 when out of memory. */
static int tag_sentence(tag_state *t, const conll_sentence *s, const char *path) {
  if (s->n > t->cap) {
    size_t nc = s->n * 2;
    const char **a = realloc(t->tok, nc * sizeof *a), **b = NULL;
    if (a)
      t->tok = a;
    b = realloc(t->tags, nc * sizeof *b);
    if (b)
      t->tags = b;
    size_t *l = realloc(t->len, nc * sizeof *l);
    if (l)
      t->len = l;
    if (!a || !b || !l)
      return -1;
    t->cap = nc;
  }
  for (size_t i = 0; i < s->n; i++) {
    t->tok[i] = s->v[i].token;
    t->len[i] = s->v[i].token_len;
  }
  kabar_error err;
  double t0 = now();
  kabar_status rc = kabar_tagger_tag(t->tagger, t->tok, t->len, s->n, t->tags, &err);
  t->seconds += now() - t0;
  t->tokens += s->n;
  if (rc != KABAR_OK) {
    size_t line = err.offset < s->n ? s->v[err.offset].lineno : s->v[0].lineno;
    fprintf(stderr, "kabar-ner: %s:%zu: %s; sentence tagged O\n", path, line, kabar_strerror(rc));
    if (rc == KABAR_ENOMEM)
      return -1;
    for (size_t i = 0; i < s->n; i++)
      t->tags[i] = "O";
  }
  for (size_t i = 0; i < s->n; i++)
    printf("%s\t%s\n", s->v[i].text, t->tags[i]);
  putchar('\n');
  return 0;
}

static int tag_file(tag_state *t, FILE *f, const char *path) {
  conll_reader r = {f, 0, NULL, 0, 0, NULL};
  conll_sentence s = {0};
  int st, rc = 0;
  while ((st = conll_read_sentence(&r, &s)) == CONLL_SENTENCE) {
    if (r.pending_docstart == 1) {
      print_docstart(&r);
      r.pending_docstart = 0;
    }
    if (tag_sentence(t, &s, path) != 0) {
      st = CONLL_NOMEM;
      break;
    }
    if (r.pending_docstart == 2) {
      print_docstart(&r);
      r.pending_docstart = 0;
    }
  }
  if (st == CONLL_EOF && r.pending_docstart)
    print_docstart(&r);
  if (st == CONLL_NOMEM || ferror(f)) {
    fprintf(stderr, "kabar-ner: %s: %s\n", path, st == CONLL_NOMEM ? "out of memory" : "read error");
    rc = -1;
  }
  conll_sentence_free(&s);
  free(r.buf);
  free(r.docstart);
  return rc;
}

int main(int argc, char **argv) {
  const char *lang = NULL, *model_path = NULL, *data_dir = NULL;
  int stats = 0, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    int has_value = i + 1 < argc;
    if (strcmp(argv[i], "--lang") == 0 && has_value)
      lang = argv[++i];
    else if (strcmp(argv[i], "--model") == 0 && has_value)
      model_path = argv[++i];
    else if (strcmp(argv[i], "--data-dir") == 0 && has_value)
      data_dir = argv[++i];
    else if (strcmp(argv[i], "--stats") == 0)
      stats = 1;
    else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 0;
    } else {
      fprintf(stderr, "kabar-ner: unknown or incomplete option %s\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (!lang) {
    usage(stderr);
    return 2;
  }
  kabar_ctx_options copts;
  kabar_ctx_options_init(&copts, KABAR_CTX_OPTIONS_VERSION);
  copts.data_dir = data_dir;
  copts.languages = lang;
  kabar_error err;
  double t0 = now();
  kabar_ctx *ctx = kabar_ctx_new(&copts, &err);
  if (!ctx) {
    fprintf(stderr, "kabar-ner: cannot load language data%s%s: %s\n", err.path[0] ? " " : "",
            err.path, kabar_strerror(err.code));
    return 1;
  }
  kabar_ner_model *own = NULL;
  const kabar_ner_model *model = kabar_ctx_ner_model(ctx, lang);
  if (model_path) {
    own = kabar_ner_model_load(model_path, &err);
    if (!own) {
      fprintf(stderr, "kabar-ner: %s: %s\n", model_path, kabar_strerror(err.code));
      kabar_ctx_free(ctx);
      return 1;
    }
    model = own;
  }
  if (!model) {
    fprintf(stderr, "kabar-ner: no model for language %s; give one with --model\n", lang);
    kabar_ctx_free(ctx);
    return 1;
  }
  double load = now() - t0;
  tag_state t = {0};
  t.tagger = kabar_tagger_new(ctx, model, &err);
  int status = 0;
  if (!t.tagger) {
    fprintf(stderr, "kabar-ner: %s\n", kabar_strerror(err.code));
    status = 1;
  } else if (i == argc) {
    status = tag_file(&t, stdin, "<stdin>") != 0;
  }
  for (; i < argc && status == 0; i++) {
    FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "rb");
    if (!f) {
      fprintf(stderr, "kabar-ner: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    if (tag_file(&t, f, argv[i]) != 0)
      status = 1;
    if (f != stdin)
      fclose(f);
  }
  if (stats)
    fprintf(stderr, "kabar-ner: %zu tokens tagged in %.3f s = %.0f tokens/s; context+model load %.3f s\n",
            t.tokens, t.seconds, t.seconds > 0 ? (double)t.tokens / t.seconds : 0, load);
  free(t.tok);
  free(t.tags);
  free(t.len);
  kabar_tagger_free(t.tagger);
  kabar_ner_model_free(own);
  kabar_ctx_free(ctx);
  if (fflush(stdout) != 0)
    status = 1;
  return status;
}
