/* kabar-ner: tags tokenised text with a named-entity model.
 *
 *   kabar-ner --lang id|nl [--model MODEL] [--data-dir DIR] [--stats] [FILE...]
 *   kabar-ner --text [--jsonl] --lang id|nl [--data-dir DIR] FILE...
 *
 * Reads tokens one per line (only the first column is read; a blank line between sentences;
 * "-DOCSTART-" lines are passed through) from the files or standard input, and writes every
 * line back with a TAB and the predicted IOB2 tag appended, so any CoNLL scorer can score it.
 * Without --model it uses the language's shipped model. --stats prints tokens/s on stderr.
 *
 * --text analyses whole articles instead (one a file, or with --jsonl one JSON record with a
 * "text" a line) with the full entity stage (model, gazetteers, trigger words, the document-wide
 * second look) and writes their sentences as CoNLL, one token and its tag (PER/ORG/LOC/EVENT)
 * a line. With a data directory holding no model this labels text with gazetteers and rules
 * alone: the silver data the Dutch model is trained on. --silver (implies --text) leaves out
 * the sentences where a capitalised word other than the first has no tag, since the rules
 * cannot tell whether it is a name they missed. */
#include <kabar.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "conll.h"

static void usage(FILE *f) {
  fprintf(f, "usage: kabar-ner --lang id|nl [--model MODEL] [--data-dir DIR] [--stats] [FILE...]\n"
             "       kabar-ner --text|--silver [--jsonl] --lang id|nl [--data-dir DIR] FILE...\n");
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct tag_state {
  kabar_tagger *tagger;
  conll_arrays a; /* tag[] receives the predictions */
  size_t tokens;
  double seconds;
} tag_state;

static void print_docstart(const conll_reader *r) {
  printf("%s\tO\n", r->docstart ? r->docstart : "-DOCSTART-");
}

/* Tags and prints one sentence; -1 when out of memory. */
static int tag_sentence(tag_state *t, const conll_sentence *s, const char *path) {
  if (conll_arrays_fill(&t->a, s) != 0)
    return -1;
  kabar_error err;
  double t0 = now();
  kabar_status rc = kabar_tagger_tag(t->tagger, t->a.tok, t->a.len, s->n, t->a.tag, &err);
  t->seconds += now() - t0;
  t->tokens += s->n;
  if (rc != KABAR_OK) {
    size_t line = err.offset < s->n ? s->v[err.offset].lineno : s->v[0].lineno;
    fprintf(stderr, "kabar-ner: %s:%zu: %s; sentence tagged O\n", path, line, kabar_strerror(rc));
    if (rc == KABAR_ENOMEM)
      return -1;
    for (size_t i = 0; i < s->n; i++)
      t->a.tag[i] = "O";
  }
  for (size_t i = 0; i < s->n; i++)
    printf("%s\t%s\n", s->v[i].text, t->a.tag[i]);
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

/* ---- --text: whole articles through the library ---------------------------------------- */

typedef struct tagged_span {
  size_t start, end;
  kabar_entity_type type;
} tagged_span;

static int by_span_start(const void *pa, const void *pb) {
  const tagged_span *a = pa, *b = pb;
  return a->start < b->start ? -1 : a->start > b->start;
}

/* White space as the library trims it: ASCII blanks, NUL, NBSP, the Unicode spaces and
 * zero-width characters, the BOM. */
static int is_space_at(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  if (u[0] < 0x80)
    return u[0] == ' ' || u[0] == '\t' || u[0] == '\n' || u[0] == '\r' || u[0] == '\f' ||
           u[0] == '\v' || u[0] == 0;
  if (n >= 2 && u[0] == 0xC2)
    return u[1] == 0xA0 || u[1] == 0x85;
  if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80)
    return u[2] <= 0x8F || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF;
  if (n >= 3 && u[0] == 0xE2 && u[1] == 0x81)
    return u[2] == 0x9F || u[2] == 0xA0;
  if (n >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
    return 1;
  return n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
}

/* A sentence's CoNLL lines, held back until it is known whether to print it. */
typedef struct sentence_out {
  char *p;
  size_t n, cap;
  size_t tokens;
  int unsure; /* a capitalised word inside the sentence that no mention covers */
} sentence_out;

static int out_put(sentence_out *o, const char *s, size_t n) {
  if (o->n + n + 1 > o->cap) {
    size_t nc = (o->n + n + 1) * 2;
    char *p = realloc(o->p, nc);
    if (!p)
      return -1;
    o->p = p;
    o->cap = nc;
  }
  memcpy(o->p + o->n, s, n);
  o->n += n;
  return 0;
}

/* Upper-case first letter (ASCII or Latin-1 supplement). */
static int starts_upper(const char *s, size_t n) {
  unsigned char c = (unsigned char)s[0];
  if (c >= 'A' && c <= 'Z')
    return 1;
  return n >= 2 && c == 0xC3 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9E &&
         (unsigned char)s[1] != 0x97;
}

/* Capitalised adjectives of nationality and origin ("Nederlandse", "Belgische", "Indonesische"):
 * not names, so they don't make a sentence unsure. */
static int adjective_like(const char *s, size_t n) {
  return (n > 4 && memcmp(s + n - 2, "se", 2) == 0) || (n > 5 && memcmp(s + n - 3, "sch", 3) == 0) ||
         (n > 6 && memcmp(s + n - 4, "sche", 4) == 0);
}

static int add_token(sentence_out *o, const char *s, size_t a, size_t b, const tagged_span *m,
                     size_t nm, size_t *mi) {
  while (*mi < nm && m[*mi].end <= a)
    ++*mi;
  const char *tag = "O", *type = "";
  if (*mi < nm && m[*mi].start <= a && a < m[*mi].end) {
    tag = m[*mi].start == a ? "B-" : "I-";
    type = kabar_entity_type_name(m[*mi].type);
  } else if (o->tokens > 0 && starts_upper(s + a, b - a) && !adjective_like(s + a, b - a)) {
    o->unsure = 1;
  }
  o->tokens++;
  return out_put(o, s + a, b - a) != 0 || out_put(o, "\t", 1) != 0 ||
                 out_put(o, tag, strlen(tag)) != 0 || out_put(o, type, strlen(type)) != 0 ||
                 out_put(o, "\n", 1) != 0
             ? -1
             : 0;
}

/* One code point's length at s[i] (s is valid UTF-8 where the library accepted it). */
static size_t cp_len(const char *s, size_t i, size_t end) {
  unsigned char c = (unsigned char)s[i];
  size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return i + n <= end ? n : end - i;
}

/* Every sentence of the article's title and body blocks, tokens as the entity stage sees
 * them: the library's word tokens and each other non-space character. */
static int print_article(const kabar_ctx *ctx, const char *lang, const char *text, size_t len,
                         const char *where, int silver) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(ctx, text, len, lang, KABAR_DOC_REPLACE_INVALID, &err);
  if (!doc) {
    fprintf(stderr, "kabar-ner: %s: %s\n", where, kabar_strerror(err.code));
    return err.code == KABAR_ENOMEM ? -1 : 0;
  }
  size_t nm = 0;
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    size_t k;
    kabar_doc_entity(doc, e, NULL, NULL, &k);
    nm += k;
  }
  tagged_span *m = malloc((nm + 1) * sizeof *m);
  if (!m) {
    kabar_doc_free(doc);
    return -1;
  }
  nm = 0;
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    kabar_entity_type type;
    size_t k;
    kabar_doc_entity(doc, e, &type, NULL, &k);
    for (size_t j = 0; j < k; j++) {
      kabar_span sp;
      kabar_doc_entity_mention(doc, e, j, &sp);
      m[nm++] = (tagged_span){sp.start, sp.end, type};
    }
  }
  qsort(m, nm, sizeof *m, by_span_start);
  size_t tok = 0, ntok = kabar_doc_token_count(doc), mi = 0;
  sentence_out so = {0};
  for (size_t si = 0; si < kabar_doc_sentence_count(doc); si++) {
    kabar_span ss;
    size_t block;
    kabar_block_kind kind;
    kabar_doc_sentence(doc, si, &ss, &block);
    kabar_doc_block(doc, block, NULL, &kind);
    if (kind == KABAR_BLOCK_BOILERPLATE || kabar_doc_block_repeat(doc, block) == KABAR_REPEAT_STRUCTURAL)
      continue;
    kabar_span ts = {0, 0};
    while (tok < ntok && kabar_doc_token(doc, tok, &ts, NULL, NULL) == KABAR_OK && ts.end <= ss.start)
      tok++;
    size_t pos = ss.start;
    sentence_out out = {so.p, 0, so.cap, 0, 0};
    int oom = 0;
    while (pos < ss.end && !oom) {
      int have = tok < ntok && kabar_doc_token(doc, tok, &ts, NULL, NULL) == KABAR_OK && ts.start < ss.end;
      size_t gap_end = have ? ts.start : ss.end;
      for (; pos < gap_end; pos += cp_len(text, pos, gap_end)) {
        if (!is_space_at(text + pos, gap_end - pos))
          oom |= add_token(&out, text, pos, pos + cp_len(text, pos, gap_end), m, nm, &mi);
      }
      if (!have)
        break;
      oom |= add_token(&out, text, ts.start, ts.end, m, nm, &mi);
      pos = ts.end > pos ? ts.end : pos;
      tok++;
    }
    so.p = out.p;
    so.cap = out.cap;
    if (oom) {
      free(so.p);
      free(m);
      kabar_doc_free(doc);
      return -1;
    }
    if (out.tokens && !(silver && out.unsure)) {
      fwrite(out.p, 1, out.n, stdout);
      putchar('\n');
    }
  }
  free(so.p);
  free(m);
  kabar_doc_free(doc);
  return 0;
}

static int text_mode(const kabar_ctx *ctx, const char *lang, int jsonl, int silver, char **files,
                     int n) {
  for (int i = 0; i < n; i++) {
    FILE *f = fopen(files[i], "rb");
    if (!f) {
      fprintf(stderr, "kabar-ner: %s: %s\n", files[i], strerror(errno));
      return 1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    long len;
    int rc = 0;
    if (!jsonl) {
      char *buf = NULL;
      size_t n_read = 0, bcap = 0;
      for (int c; (c = getc(f)) != EOF;) {
        if (n_read + 1 >= bcap) {
          char *p = realloc(buf, bcap = bcap ? bcap * 2 : 65536);
          if (!p) {
            rc = -1;
            break;
          }
          buf = p;
        }
        buf[n_read++] = (char)c;
      }
      if (rc == 0)
        rc = print_article(ctx, lang, buf ? buf : "", n_read, files[i], silver);
      free(buf);
    }
    while (jsonl && rc == 0 && (len = conll_getline(f, &line, &cap)) >= 0) {
      lineno++;
      json_error_t jerr;
      json_t *rec = json_loadb(line, (size_t)len, 0, &jerr);
      json_t *t = rec ? json_object_get(rec, "text") : NULL;
      if (!json_is_string(t)) {
        fprintf(stderr, "kabar-ner: %s:%zu: %s; record skipped\n", files[i], lineno,
                rec ? "no \"text\" string" : jerr.text);
      } else {
        char where[512];
        snprintf(where, sizeof where, "%s:%zu", files[i], lineno);
        rc = print_article(ctx, lang, json_string_value(t), json_string_length(t), where, silver);
      }
      json_decref(rec);
    }
    free(line);
    fclose(f);
    if (rc != 0) {
      fprintf(stderr, "kabar-ner: %s: out of memory\n", files[i]);
      return 1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *lang = NULL, *model_path = NULL, *data_dir = NULL;
  int stats = 0, text = 0, jsonl = 0, silver = 0, i = 1;
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
    else if (strcmp(argv[i], "--text") == 0)
      text = 1;
    else if (strcmp(argv[i], "--jsonl") == 0)
      jsonl = 1;
    else if (strcmp(argv[i], "--silver") == 0)
      text = silver = 1;
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
  if (text) {
    int st = text_mode(ctx, lang, jsonl, silver, argv + i, argc - i);
    kabar_ctx_free(ctx);
    return fflush(stdout) != 0 ? 1 : st;
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
  conll_arrays_free(&t.a);
  kabar_tagger_free(t.tagger);
  kabar_ner_model_free(own);
  kabar_ctx_free(ctx);
  if (fflush(stdout) != 0)
    status = 1;
  return status;
}
