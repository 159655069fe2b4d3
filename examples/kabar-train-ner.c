/* kabar-train-ner: trains a named-entity tagger model from CoNLL-style files.
 *
 *   kabar-train-ner -o MODEL [--lang id|nl] [--dev FILE] [--epochs N] [--seed N]
 *                   [--prune W] [--kabar-types] [--data-dir DIR] TRAIN...
 *
 * Prints the dev set's entity F1 after every epoch (conlleval's definition) and keeps the
 * model of the best epoch; without --dev it keeps the last. Malformed lines are reported with
 * their file and line; their sentence is skipped and training goes on. */
#include <kabar.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conll.h"

typedef struct options {
  const char *out, *lang, *dev, *data_dir;
  int epochs, kabar_types;
  double prune;
  unsigned long seed;
} options;

static void usage(FILE *f) {
  fprintf(f,
          "usage: kabar-train-ner -o MODEL [--lang id|nl] [--dev FILE] [--epochs N] [--seed N]\n"
          "                       [--prune W] [--kabar-types] [--data-dir DIR] TRAIN...\n"
          "  -o MODEL        where to write the model (best dev epoch, else the last)\n"
          "  --lang L        language of the data (default id)\n"
          "  --dev FILE      CoNLL file scored after every epoch\n"
          "  --epochs N      passes over the data (default 12)\n"
          "  --seed N        shuffling seed (default 1)\n"
          "  --prune W       drop features whose weights are all below W in absolute value\n"
          "  --kabar-types   map dataset types (PERSON, PLC, IND, EVT ...) to PER/ORG/LOC/EVENT\n"
          "  --data-dir DIR  language data (gazetteers, stemmer) instead of the default\n");
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Adds every sentence of path; returns the number of tokens, or -1 if the file can't be read. */
static long add_file(kabar_ner_trainer *tr, const char *path, conll_arrays *a, size_t *skipped) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "kabar-train-ner: %s: %s\n", path, strerror(errno));
    return -1;
  }
  conll_reader r = {f, 0, NULL, 0, 0, NULL};
  conll_sentence s = {0};
  long tokens = 0;
  int st;
  while ((st = conll_read_sentence(&r, &s)) == CONLL_SENTENCE) {
    int bad = 0;
    for (size_t i = 0; i < s.n && !bad; i++)
      if (!s.v[i].tag) {
        fprintf(stderr, "kabar-train-ner: %s:%zu: no tag column; sentence skipped\n", path,
                s.v[i].lineno);
        bad = 1;
      }
    kabar_error err;
    if (!bad && conll_arrays_fill(a, &s) != 0)
      st = CONLL_NOMEM;
    if (!bad && st != CONLL_NOMEM &&
        kabar_ner_trainer_add(tr, a->tok, a->len, a->tag, s.n, &err) != KABAR_OK) {
      size_t line = err.offset < s.n ? s.v[err.offset].lineno : s.v[0].lineno;
      fprintf(stderr, "kabar-train-ner: %s:%zu: %s; sentence skipped\n", path, line,
              kabar_strerror(err.code));
      if (err.code == KABAR_ENOMEM)
        st = CONLL_NOMEM;
      bad = 1;
    }
    if (st == CONLL_NOMEM)
      break;
    if (bad)
      ++*skipped;
    else
      tokens += (long)s.n;
  }
  conll_sentence_free(&s);
  free(r.buf);
  free(r.docstart);
  fclose(f);
  if (st == CONLL_NOMEM) {
    fprintf(stderr, "kabar-train-ner: %s: out of memory\n", path);
    return -1;
  }
  return tokens;
}

/* Gold tags in the library's types ("B-PERSON" -> "B-PER"; MISC -> "O"), as the model was
 * trained with --kabar-types. */
static void map_gold(const char **tags, size_t n) {
  static const char *const names[][2] = {{"", ""},       {"B-PER", "I-PER"}, {"B-ORG", "I-ORG"},
                                         {"B-LOC", "I-LOC"}, {"B-EVENT", "I-EVENT"}};
  for (size_t i = 0; i < n; i++) {
    const char *t = tags[i];
    int type = strlen(t) > 2 && t[1] == '-' ? kabar_entity_type_parse(t + 2) : 0;
    tags[i] = type ? names[type][t[0] == 'I'] : "O";
  }
}

/* Tags the dev file with m and scores it. */
static int score_dev(const kabar_ctx *ctx, const kabar_ner_model *m, const char *path,
                     int kabar_types, conll_score *sc) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "kabar-train-ner: %s: %s\n", path, strerror(errno));
    return -1;
  }
  kabar_error err;
  kabar_tagger *tg = kabar_tagger_new(ctx, m, &err);
  if (!tg) {
    fclose(f);
    fprintf(stderr, "kabar-train-ner: tagger: %s\n", kabar_strerror(err.code));
    return -1;
  }
  conll_reader r = {f, 0, NULL, 0, 0, NULL};
  conll_sentence s = {0};
  conll_arrays a = {0};
  const char **pred = NULL;
  size_t pred_cap = 0;
  int st, rc = 0;
  memset(sc, 0, sizeof *sc);
  while (rc == 0 && (st = conll_read_sentence(&r, &s)) == CONLL_SENTENCE) {
    if (s.n > pred_cap) {
      const char **p = realloc(pred, s.n * 2 * sizeof *p);
      if (!p) {
        rc = -1;
        break;
      }
      pred = p;
      pred_cap = s.n * 2;
    }
    if (conll_arrays_fill(&a, &s) != 0) {
      rc = -1;
      break;
    }
    if (kabar_tagger_tag(tg, a.tok, a.len, s.n, pred, &err) != KABAR_OK) {
      fprintf(stderr, "kabar-train-ner: %s:%zu: %s; sentence not scored\n", path,
              s.v[0].lineno, kabar_strerror(err.code));
      continue;
    }
    if (kabar_types)
      map_gold(a.tag, s.n);
    if (conll_score_add(sc, a.tag, pred, s.n) != 0)
      rc = -1;
  }
  if (st == CONLL_NOMEM)
    rc = -1;
  free(pred);
  conll_arrays_free(&a);
  conll_sentence_free(&s);
  free(r.buf);
  free(r.docstart);
  kabar_tagger_free(tg);
  fclose(f);
  return rc;
}

static int parse_args(int argc, char **argv, options *o, int *first) {
  memset(o, 0, sizeof *o);
  o->lang = "id";
  o->epochs = 12;
  o->seed = 1;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *a = argv[i];
    int has_value = i + 1 < argc;
    if (strcmp(a, "-o") == 0 && has_value)
      o->out = argv[++i];
    else if (strcmp(a, "--lang") == 0 && has_value)
      o->lang = argv[++i];
    else if (strcmp(a, "--dev") == 0 && has_value)
      o->dev = argv[++i];
    else if (strcmp(a, "--data-dir") == 0 && has_value)
      o->data_dir = argv[++i];
    else if (strcmp(a, "--epochs") == 0 && has_value)
      o->epochs = atoi(argv[++i]);
    else if (strcmp(a, "--seed") == 0 && has_value)
      o->seed = strtoul(argv[++i], NULL, 10);
    else if (strcmp(a, "--prune") == 0 && has_value)
      o->prune = atof(argv[++i]);
    else if (strcmp(a, "--kabar-types") == 0)
      o->kabar_types = 1;
    else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      exit(0);
    } else {
      fprintf(stderr, "kabar-train-ner: unknown or incomplete option %s\n", a);
      usage(stderr);
      return -1;
    }
  }
  if (!o->out || i >= argc || o->epochs < 1) {
    usage(stderr);
    return -1;
  }
  *first = i;
  return 0;
}

int main(int argc, char **argv) {
  options o;
  int first;
  if (parse_args(argc, argv, &o, &first) != 0)
    return 2;
  kabar_ctx_options copts;
  kabar_ctx_options_init(&copts, KABAR_CTX_OPTIONS_VERSION);
  copts.data_dir = o.data_dir;
  copts.languages = o.lang;
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&copts, &err);
  if (!ctx) {
    fprintf(stderr, "kabar-train-ner: cannot load language data%s%s: %s\n",
            err.path[0] ? " " : "", err.path, kabar_strerror(err.code));
    return 1;
  }
  kabar_ner_trainer *tr =
      kabar_ner_trainer_new(ctx, o.lang, o.kabar_types ? KABAR_NER_TRAIN_KABAR_TYPES : 0, &err);
  if (!tr) {
    fprintf(stderr, "kabar-train-ner: %s: %s\n", o.lang, kabar_strerror(err.code));
    kabar_ctx_free(ctx);
    return 1;
  }
  conll_arrays a = {0};
  size_t skipped = 0;
  long tokens = 0;
  int status = 0;
  double t0 = now();
  for (int i = first; i < argc && status == 0; i++) {
    long n = add_file(tr, argv[i], &a, &skipped);
    if (n < 0)
      status = 1;
    tokens += n;
  }
  conll_arrays_free(&a);
  if (status == 0)
    fprintf(stderr, "kabar-train-ner: %ld tokens read in %.1f s, %zu sentences skipped\n", tokens,
            now() - t0, skipped);
  kabar_ner_model *best = NULL;
  double best_f1 = -1;
  int best_epoch = 0;
  for (int e = 1; e <= o.epochs && status == 0; e++) {
    double te = now();
    if (kabar_ner_trainer_epoch(tr, o.seed + (unsigned long)e, &err) != KABAR_OK) {
      fprintf(stderr, "kabar-train-ner: epoch %d: %s\n", e, kabar_strerror(err.code));
      status = 1;
      break;
    }
    kabar_ner_model *m = NULL;
    if (o.dev || e == o.epochs) {
      m = kabar_ner_trainer_model(tr, &err);
      if (!m) {
        fprintf(stderr, "kabar-train-ner: %s\n", kabar_strerror(err.code));
        status = 1;
        break;
      }
    }
    if (m && o.prune > 0 && kabar_ner_model_prune(m, o.prune) != KABAR_OK) {
      fprintf(stderr, "kabar-train-ner: out of memory\n");
      kabar_ner_model_free(m);
      status = 1;
      break;
    }
    double f1 = 0;
    if (o.dev) {
      conll_score sc;
      if (score_dev(ctx, m, o.dev, o.kabar_types, &sc) != 0) {
        kabar_ner_model_free(m);
        status = 1;
        break;
      }
      f1 = conll_overall_f1(&sc);
      printf("epoch %2d (%.1f s): dev F1 %.2f\n", e, now() - te, f1);
      conll_score_print(stdout, &sc, "    ");
      fflush(stdout);
    } else {
      printf("epoch %2d (%.1f s)\n", e, now() - te);
    }
    if (m && f1 > best_f1) {
      kabar_ner_model_free(best);
      best = m;
      best_f1 = f1;
      best_epoch = e;
    } else {
      kabar_ner_model_free(m);
    }
  }
  if (status == 0 && best) {
    if (kabar_ner_model_save(best, o.out, &err) != KABAR_OK) {
      fprintf(stderr, "kabar-train-ner: %s: %s\n", o.out, kabar_strerror(err.code));
      status = 1;
    } else {
      printf("saved epoch %d%s to %s (%zu features)\n", best_epoch, o.dev ? " (best dev F1)" : "",
             o.out, kabar_ner_model_feature_count(best));
    }
  }
  kabar_ner_model_free(best);
  kabar_ner_trainer_free(tr);
  kabar_ctx_free(ctx);
  return status;
}
