/* CoNLL-style token files and the conlleval entity score, shared by kabar-train-ner, kabar-ner
 * and bench/ner. Header-only (static functions); uses only the C library.
 *
 * Format: one token a line, the token in the first column and (when tagged) the IOB tag in the
 * last, columns separated by spaces or TABs; a blank line ends a sentence; "-DOCSTART-" lines
 * are skipped (they also end a sentence); CRLF line ends are accepted. */
#ifndef KABAR_EXAMPLES_CONLL_H
#define KABAR_EXAMPLES_CONLL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define CONLL_UNUSED __attribute__((unused))
#else
#define CONLL_UNUSED
#endif

typedef struct conll_line {
  char *text;       /* the line without its line end (owned) */
  char *token;      /* first column, NUL-terminated copy (owned) */
  size_t token_len;
  char *tag;        /* last column when there are two or more, else NULL (owned) */
  size_t lineno;
} conll_line;

typedef struct conll_sentence {
  conll_line *v;
  size_t n, cap;
} conll_sentence;

CONLL_UNUSED static void conll_sentence_clear(conll_sentence *s) {
  for (size_t i = 0; i < s->n; i++) {
    free(s->v[i].text);
    free(s->v[i].token);
    free(s->v[i].tag);
  }
  s->n = 0;
}

CONLL_UNUSED static void conll_sentence_free(conll_sentence *s) {
  conll_sentence_clear(s);
  free(s->v);
  s->v = NULL;
  s->cap = 0;
}

CONLL_UNUSED static char *conll_dup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

/* Reads one line of any length into *buf; returns its length without the line end, or -1 at
 * end of file. *crlf tells whether it ended in CR LF. */
CONLL_UNUSED static long conll_getline(FILE *f, char **buf, size_t *cap) {
  size_t n = 0;
  int c;
  while ((c = getc(f)) != EOF && c != '\n') {
    if (n + 2 > *cap) {
      size_t nc = *cap ? *cap * 2 : 256;
      char *p = realloc(*buf, nc);
      if (!p)
        return -2;
      *buf = p;
      *cap = nc;
    }
    (*buf)[n++] = (char)c;
  }
  if (c == EOF && n == 0)
    return -1;
  if (!*buf) {
    *buf = malloc(1);
    if (!*buf)
      return -2;
    *cap = 1;
  }
  if (n > 0 && (*buf)[n - 1] == '\r')
    n--;
  (*buf)[n] = '\0';
  return (long)n;
}

enum { CONLL_SENTENCE = 1, CONLL_EOF = 0, CONLL_NOMEM = -1 };

typedef struct conll_reader {
  FILE *f;
  size_t lineno;
  char *buf;
  size_t cap;
  int pending_docstart; /* a -DOCSTART- line was read before (1) or after (2) the sentence
                           returned; kabar-ner echoes it in place */
  char *docstart;
} conll_reader;

CONLL_UNUSED static int conll_is_space(char c) { return c == ' ' || c == '\t'; }

/* Next sentence into s (cleared first). Blank lines between sentences are skipped;
 * -DOCSTART- lines are kept in r->docstart when keep_docstart is set (for echoing). */
CONLL_UNUSED static int conll_read_sentence(conll_reader *r, conll_sentence *s) {
  conll_sentence_clear(s);
  for (;;) {
    long n = conll_getline(r->f, &r->buf, &r->cap);
    if (n == -2)
      return CONLL_NOMEM;
    if (n == -1)
      return s->n ? CONLL_SENTENCE : CONLL_EOF;
    r->lineno++;
    char *p = r->buf, *e = r->buf + n;
    while (p < e && conll_is_space(*p))
      p++;
    while (e > p && conll_is_space(e[-1]))
      e--;
    if (p == e) {
      if (s->n)
        return CONLL_SENTENCE;
      continue;
    }
    if ((size_t)(e - p) >= 10 && memcmp(p, "-DOCSTART-", 10) == 0) {
      free(r->docstart);
      r->docstart = conll_dup(r->buf, (size_t)n);
      r->pending_docstart = s->n ? 2 : 1;
      if (s->n)
        return CONLL_SENTENCE;
      continue;
    }
    if (s->n == s->cap) {
      size_t nc = s->cap ? s->cap * 2 : 64;
      conll_line *v = realloc(s->v, nc * sizeof *v);
      if (!v)
        return CONLL_NOMEM;
      s->v = v;
      s->cap = nc;
    }
    conll_line *l = &s->v[s->n];
    memset(l, 0, sizeof *l);
    l->lineno = r->lineno;
    l->text = conll_dup(r->buf, (size_t)n);
    char *te = p;
    while (te < e && !conll_is_space(*te))
      te++;
    l->token = conll_dup(p, (size_t)(te - p));
    l->token_len = (size_t)(te - p);
    if (te < e) {
      char *ts = e;
      while (ts > te && !conll_is_space(ts[-1]))
        ts--;
      l->tag = conll_dup(ts, (size_t)(e - ts));
    }
    s->n++;
    if (!l->text || !l->token || (te < e && !l->tag))
      return CONLL_NOMEM;
  }
}

/* A sentence as the library's arrays: tok[i], len[i] and tag[i] (the gold tag, "O" when the
 * line has none; callers may overwrite tag[] with predictions). */
typedef struct conll_arrays {
  const char **tok, **tag;
  size_t *len;
  size_t cap;
} conll_arrays;

CONLL_UNUSED static int conll_arrays_fill(conll_arrays *a, const conll_sentence *s) {
  if (s->n > a->cap) {
    size_t nc = s->n * 2;
    const char **t = realloc(a->tok, nc * sizeof *t);
    if (t)
      a->tok = t;
    const char **g = realloc(a->tag, nc * sizeof *g);
    if (g)
      a->tag = g;
    size_t *l = realloc(a->len, nc * sizeof *l);
    if (l)
      a->len = l;
    if (!t || !g || !l)
      return -1;
    a->cap = nc;
  }
  for (size_t i = 0; i < s->n; i++) {
    a->tok[i] = s->v[i].token;
    a->len[i] = s->v[i].token_len;
    a->tag[i] = s->v[i].tag ? s->v[i].tag : "O";
  }
  return 0;
}

CONLL_UNUSED static void conll_arrays_free(conll_arrays *a) {
  free(a->tok);
  free(a->tag);
  free(a->len);
}

/* ---- conlleval: exact-match entity scores ---------------------------------------------------- */

#define CONLL_MAX_TYPES 32

typedef struct conll_score {
  char types[CONLL_MAX_TYPES][24];
  size_t ntypes;
  size_t gold[CONLL_MAX_TYPES], pred[CONLL_MAX_TYPES], correct[CONLL_MAX_TYPES];
  size_t tokens, tokens_correct;
} conll_score;

/* Type index of tag ("B-PER" -> "PER"), added when new; -1 for "O" or a malformed tag. */
CONLL_UNUSED static int conll_type(conll_score *sc, const char *tag) {
  if (!tag || strlen(tag) < 3 || tag[1] != '-')
    return -1;
  const char *t = tag + 2;
  for (size_t i = 0; i < sc->ntypes; i++)
    if (strcmp(sc->types[i], t) == 0)
      return (int)i;
  if (sc->ntypes == CONLL_MAX_TYPES || strlen(t) >= sizeof sc->types[0])
    return -1;
  strcpy(sc->types[sc->ntypes], t);
  return (int)sc->ntypes++;
}

/* conlleval's chunk rules, which accept IOB1 and IOB2: a chunk starts at B-X, or at I-X after
 * O or after another type; it ends before the next start or O. */
CONLL_UNUSED static int conll_starts(const char *prev, const char *cur) {
  if (!cur || cur[0] == 'O' || !cur[0])
    return 0;
  if (cur[0] == 'B' || strlen(cur) < 2)
    return 1; /* a malformed tag ("E") is a chunk of its own, which conll_type drops */
  if (!prev || prev[0] == 'O' || !prev[0] || strlen(prev) < 2)
    return 1;
  return strcmp(prev + 2, cur + 2) != 0;
}

typedef struct conll_chunk {
  size_t a, b;
  int type;
} conll_chunk;

/* Chunks of tags[0..n) into out (n entries at most); returns how many. */
CONLL_UNUSED static size_t conll_chunks(conll_score *sc, const char *const *tags, size_t n, conll_chunk *out) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!conll_starts(i ? tags[i - 1] : NULL, tags[i]))
      continue;
    size_t j = i + 1;
    while (j < n && tags[j] && tags[j][0] == 'I' && !conll_starts(tags[j - 1], tags[j]))
      j++;
    int t = conll_type(sc, tags[i]);
    if (t >= 0)
      out[k++] = (conll_chunk){i, j, t};
  }
  return k;
}

/* Adds one sentence's gold and predicted tags; returns -1 when out of memory. */
CONLL_UNUSED static int conll_score_add(conll_score *sc, const char *const *gold, const char *const *pred,
                           size_t n) {
  conll_chunk *g = malloc((n + 1) * sizeof *g), *p = malloc((n + 1) * sizeof *p);
  if (!g || !p) {
    free(g);
    free(p);
    return -1;
  }
  size_t ng = conll_chunks(sc, gold, n, g), np = conll_chunks(sc, pred, n, p);
  for (size_t i = 0; i < ng; i++)
    sc->gold[g[i].type]++;
  for (size_t i = 0; i < np; i++)
    sc->pred[p[i].type]++;
  for (size_t i = 0, j = 0; i < ng && j < np;) {
    if (g[i].a == p[j].a && g[i].b == p[j].b && g[i].type == p[j].type) {
      sc->correct[g[i].type]++;
      i++, j++;
    } else if (g[i].a < p[j].a || (g[i].a == p[j].a && g[i].b < p[j].b)) {
      i++;
    } else {
      j++;
    }
  }
  for (size_t i = 0; i < n; i++) {
    sc->tokens++;
    sc->tokens_correct += gold[i] && pred[i] && strcmp(gold[i], pred[i]) == 0;
  }
  free(g);
  free(p);
  return 0;
}

CONLL_UNUSED static double conll_f1(size_t correct, size_t gold, size_t pred) {
  double p = pred ? (double)correct / (double)pred : 0, r = gold ? (double)correct / (double)gold : 0;
  return p + r > 0 ? 200.0 * p * r / (p + r) : 0;
}

CONLL_UNUSED static void conll_totals(const conll_score *sc, size_t *c, size_t *g, size_t *p) {
  *c = *g = *p = 0;
  for (size_t i = 0; i < sc->ntypes; i++) {
    *c += sc->correct[i];
    *g += sc->gold[i];
    *p += sc->pred[i];
  }
}

CONLL_UNUSED static double conll_overall_f1(const conll_score *sc) {
  size_t c, g, p;
  conll_totals(sc, &c, &g, &p);
  return conll_f1(c, g, p);
}

/* Prints the overall and per-type precision, recall and F1 like conlleval. */
CONLL_UNUSED static void conll_score_print(FILE *out, const conll_score *sc, const char *indent) {
  size_t c, g, p;
  conll_totals(sc, &c, &g, &p);
  fprintf(out, "%saccuracy %6.2f%%; precision %6.2f%%; recall %6.2f%%; FB1 %6.2f (%zu gold, %zu found, %zu correct)\n",
          indent, sc->tokens ? 100.0 * (double)sc->tokens_correct / (double)sc->tokens : 0,
          p ? 100.0 * (double)c / (double)p : 0, g ? 100.0 * (double)c / (double)g : 0,
          conll_f1(c, g, p), g, p, c);
  for (size_t i = 0; i < sc->ntypes; i++)
    fprintf(out, "%s%14s: precision %6.2f%%; recall %6.2f%%; FB1 %6.2f  %zu\n", indent,
            sc->types[i], sc->pred[i] ? 100.0 * (double)sc->correct[i] / (double)sc->pred[i] : 0,
            sc->gold[i] ? 100.0 * (double)sc->correct[i] / (double)sc->gold[i] : 0,
            conll_f1(sc->correct[i], sc->gold[i], sc->pred[i]), sc->pred[i]);
}

#endif
