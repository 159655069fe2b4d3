/* indosum.h: reads IndoSum JSON Lines and turns its tokenised articles back into text, for
 * the summary benchmark (summary.c) and the model trainer (train_summary.c); header only.
 * Needs <jansson.h>, and rouge.h for rouge_utf8(). Nothing in here copies data into the
 * repository: the files are read from ../shared at run time. */
#ifndef KABAR_BENCH_INDOSUM_H
#define KABAR_BENCH_INDOSUM_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "rouge.h"

/* ------------------------------------------------------------------------------------------ */
/* Growable byte buffer; the program gives up on out-of-memory. */

typedef struct sbuf {
  char *p;
  size_t n, cap;
} sbuf;

static inline void die_oom(void) {
  fprintf(stderr, "indosum: out of memory\n");
  exit(1);
}

static inline void sbuf_put(sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1)
      cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
      die_oom();
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static inline void sbuf_puts(sbuf *b, const char *s) { sbuf_put(b, s, strlen(s)); }

static inline void sbuf_clear(sbuf *b) {
  b->n = 0;
  if (b->p)
    b->p[0] = '\0';
}

/* Appends @p s with surrounding white space trimmed, after a space if @p b is not empty. */
static inline void sbuf_put_sentence(sbuf *b, const char *s, size_t n) {
  while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
    s++, n--;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
    n--;
  if (n == 0)
    return;
  if (b->n > 0)
    sbuf_put(b, " ", 1);
  sbuf_put(b, s, n);
}

/* ------------------------------------------------------------------------------------------ */
/* Text reconstruction.
 *
 * IndoSum gives every paragraph as sentences of tokens, punctuation split off ("Jakarta" ","
 * "CNN" ... "(" "21" "/" "9" ")" "."). The text is rebuilt so that it reads like the article:
 *  - tokens are joined by one space, except that:
 *  - no space goes before , . ! ? ; : % ) ] } ” ’ » … and runs of dots ("...");
 *  - no space goes after ( [ { “ ‘ «;
 *  - the straight quotes " and ' have no direction, so within a paragraph they alternate:
 *    the first opens (space before, none after), the next closes (none before), and so on;
 *  - "/" is attached on both sides ("21 / 9" -> "21/9");
 *  - a lone "-" is attached on both sides when the token before ends with a letter or digit
 *    and the token after starts with a lower-case letter or digit ("Bersenang - senang" ->
 *    "Bersenang-senang", "2014 - 2019" -> "2014-2019"); otherwise it stays spaced ("Suara.com
 *    - Perayaan"). A run of "-" tokens is one spaced dash ("Indonesia - - Edward" ->
 *    "Indonesia -- Edward");
 *  - tokens of white space only (the data has "\xa0", " ", "\r\n", "\n\n" as tokens) are
 *    dropped, and any other white space control inside a token (\t \r \n \v \f) becomes a space,
 *    so that a paragraph stays on one line;
 *  - sentences of a paragraph are joined like tokens (a space after the final "."), and each
 *    paragraph is one line with a blank line between paragraphs, so kabar's block splitting
 *    sees the article's paragraphs. Paragraphs that come out empty are left out.
 * The gold summary's sentences are rebuilt the same way, as one paragraph. The ROUGE tokens
 * (rouge.h) do not depend on these spacing choices: no rule above joins two words.
 */

typedef enum tok_class { TK_WORD, TK_OPEN, TK_CLOSE, TK_QUOTE, TK_JOIN, TK_DASH } tok_class;

static inline int tok_is(const char *t, size_t n, const char *lit) {
  return n == strlen(lit) && memcmp(t, lit, n) == 0;
}

static inline tok_class tok_classify(const char *t, size_t n) {
  static const char *const open[] = {"(", "[", "{", "\xe2\x80\x9c", "\xe2\x80\x98", "\xc2\xab"};
  static const char *const close[] = {",", ".", "!", "?", ";", ":", "%", ")", "]", "}",
                                      "\xe2\x80\x9d", "\xe2\x80\x99", "\xc2\xbb",
                                      "\xe2\x80\xa6"};
  for (size_t i = 0; i < sizeof open / sizeof *open; i++)
    if (tok_is(t, n, open[i]))
      return TK_OPEN;
  for (size_t i = 0; i < sizeof close / sizeof *close; i++)
    if (tok_is(t, n, close[i]))
      return TK_CLOSE;
  size_t dots = 0;
  while (dots < n && t[dots] == '.')
    dots++;
  if (n > 0 && dots == n)
    return TK_CLOSE;
  if (tok_is(t, n, "\"") || tok_is(t, n, "'"))
    return TK_QUOTE;
  if (tok_is(t, n, "/"))
    return TK_JOIN;
  if (tok_is(t, n, "-"))
    return TK_DASH;
  return TK_WORD;
}

/* Is the token nothing but white space (ASCII, NBSP, U+2000-U+200B, U+202F, U+205F, U+3000,
 * U+FEFF)? */
static inline int tok_is_space(const char *t, size_t n) {
  const unsigned char *s = (const unsigned char *)t;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t k = rouge_utf8(s, n, i, &cp);
    int space = cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 ||
                (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F ||
                cp == 0x3000 || cp == 0xFEFF;
    if (!space)
      return 0;
    i += k;
  }
  return 1;
}

static inline void put_token(sbuf *b, const char *t, size_t n) {
  size_t from = 0;
  for (size_t i = 0; i < n; i++)
    if (t[i] == '\t' || t[i] == '\r' || t[i] == '\n' || t[i] == '\v' || t[i] == '\f') {
      sbuf_put(b, t + from, i - from);
      sbuf_put(b, " ", 1);
      from = i + 1;
    }
  sbuf_put(b, t + from, n - from);
}

static inline int byte_wordlike(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Appends one paragraph's tokens (white-space-only tokens already removed) to @p b as text.
 * When @p starts is not NULL, starts[i] gets the offset in @p b where token i's text (or the
 * space before it) begins. */
static inline void detok_paragraph(sbuf *b, const char *const *tok, const size_t *len, size_t n,
                                   size_t *starts) {
  int glue = 1;            /* no space before the next token */
  int quote_open[2] = {0}; /* '"' and '\'' */
  tok_class prev = TK_OPEN;
  for (size_t i = 0; i < n; i++) {
    const char *t = tok[i];
    size_t tn = len[i];
    tok_class c = tok_classify(t, tn);
    if (starts)
      starts[i] = b->n;
    switch (c) {
    case TK_OPEN:
      if (!glue)
        sbuf_put(b, " ", 1);
      put_token(b, t, tn);
      glue = 1;
      break;
    case TK_CLOSE:
      put_token(b, t, tn);
      glue = 0;
      break;
    case TK_QUOTE: {
      int q = t[0] == '\'';
      if (!quote_open[q]) {
        if (!glue)
          sbuf_put(b, " ", 1);
        glue = 1;
      } else {
        glue = 0;
      }
      put_token(b, t, tn);
      quote_open[q] = !quote_open[q];
      break;
    }
    case TK_JOIN:
      put_token(b, t, tn);
      glue = 1;
      break;
    case TK_DASH: {
      size_t run = 1;
      while (i + run < n && tok_classify(tok[i + run], len[i + run]) == TK_DASH) {
        if (starts)
          starts[i + run] = b->n;
        run++;
      }
      int attach = run == 1 && prev == TK_WORD && i > 0 && i + 1 < n &&
                   byte_wordlike((unsigned char)tok[i - 1][len[i - 1] - 1]) &&
                   tok_classify(tok[i + 1], len[i + 1]) == TK_WORD &&
                   ((tok[i + 1][0] >= 'a' && tok[i + 1][0] <= 'z') ||
                    (tok[i + 1][0] >= '0' && tok[i + 1][0] <= '9'));
      if (attach) {
        sbuf_put(b, "-", 1);
        glue = 1;
      } else {
        if (!glue)
          sbuf_put(b, " ", 1);
        for (size_t k = 0; k < run; k++)
          sbuf_put(b, "-", 1);
        glue = 0;
      }
      i += run - 1;
      break;
    }
    case TK_WORD:
      if (!glue)
        sbuf_put(b, " ", 1);
      put_token(b, t, tn);
      glue = 0;
      break;
    }
    prev = c;
  }
}

/* Token list of one paragraph (or of the whole summary), borrowed from the JSON. */
typedef struct toklist {
  const char **tok;
  size_t *len;
  size_t *sent; /* index of the token's sentence in the article */
  size_t *start; /* detok_paragraph's starts */
  size_t n, cap;
} toklist;

/* Adds the tokens of @p sentences; *next_sent numbers the sentences (every one, also those
 * left with no token). */
static inline void toklist_add_sentences(toklist *tl, json_t *sentences, size_t *next_sent) {
  size_t si;
  json_t *sent;
  json_array_foreach(sentences, si, sent) {
    size_t this_sent = (*next_sent)++;
    size_t ti;
    json_t *tok;
    json_array_foreach(sent, ti, tok) {
      if (!json_is_string(tok))
        continue;
      const char *s = json_string_value(tok);
      size_t n = json_string_length(tok);
      if (n == 0 || tok_is_space(s, n))
        continue;
      if (tl->n == tl->cap) {
        tl->cap = tl->cap ? tl->cap * 2 : 256;
        tl->tok = realloc(tl->tok, tl->cap * sizeof *tl->tok);
        tl->len = realloc(tl->len, tl->cap * sizeof *tl->len);
        tl->sent = realloc(tl->sent, tl->cap * sizeof *tl->sent);
        tl->start = realloc(tl->start, tl->cap * sizeof *tl->start);
        if (!tl->tok || !tl->len || !tl->sent || !tl->start)
          die_oom();
      }
      tl->tok[tl->n] = s;
      tl->len[tl->n] = n;
      tl->sent[tl->n] = this_sent;
      tl->n++;
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Articles */

typedef struct article {
  char *id;
  char *text; /* reconstructed article */
  size_t len;
  char *ref; /* reconstructed gold summary */
  size_t ref_len;
  /* the article's own sentences, in order: where each starts in text ((size_t)-1 when it has
   * no token) and its gold extractive label ("gold_labels") */
  size_t nsent;
  size_t *sent_start;
  unsigned char *label;
} article;

typedef struct corpus {
  article *v;
  size_t n, cap;
  size_t bytes;   /* article text */
  size_t skipped; /* records without paragraphs or summary */
} corpus;

static inline char *dup_buf(const sbuf *b) {
  char *p = malloc(b->n + 1);
  if (!p)
    die_oom();
  memcpy(p, b->p ? b->p : "", b->n);
  p[b->n] = '\0';
  return p;
}

static inline int load_corpus(const char *path, corpus *c) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return -1;
  }
  char *line = NULL;
  size_t lcap = 0;
  ssize_t len;
  sbuf text = {0}, ref = {0};
  toklist tl = {0};
  size_t lineno = 0, *starts = NULL, starts_cap = 0;
  unsigned char *labels = NULL;
  while ((len = getline(&line, &lcap, f)) >= 0) {
    lineno++;
    if (len <= 1)
      continue;
    json_error_t jerr;
    json_t *r = json_loadb(line, (size_t)len, 0, &jerr);
    json_t *paras = r ? json_object_get(r, "paragraphs") : NULL;
    json_t *summ = r ? json_object_get(r, "summary") : NULL;
    json_t *id = r ? json_object_get(r, "id") : NULL;
    if (!r)
      fprintf(stderr, "indosum: %s:%zu: %s\n", path, lineno, jerr.text);
    sbuf_clear(&text);
    sbuf_clear(&ref);
    size_t nsent = 0, nsumm = 0;
    if (json_is_array(paras) && json_is_array(summ)) {
      size_t pi;
      json_t *para, *glabels = json_object_get(r, "gold_labels");
      json_array_foreach(paras, pi, para) {
        size_t first_sent = nsent;
        tl.n = 0;
        toklist_add_sentences(&tl, para, &nsent);
        if (nsent > starts_cap) {
          starts_cap = 2 * nsent;
          starts = realloc(starts, starts_cap * sizeof *starts);
          labels = realloc(labels, starts_cap);
          if (!starts || !labels)
            die_oom();
        }
        for (size_t k = first_sent; k < nsent; k++) {
          json_t *gl = json_array_get(json_array_get(glabels, pi), k - first_sent);
          starts[k] = (size_t)-1;
          labels[k] = json_is_true(gl);
        }
        if (tl.n == 0)
          continue;
        if (text.n > 0)
          sbuf_put(&text, "\n\n", 2);
        detok_paragraph(&text, tl.tok, tl.len, tl.n, tl.start);
        for (size_t k = 0; k < tl.n; k++)
          if (starts[tl.sent[k]] == (size_t)-1)
            starts[tl.sent[k]] = tl.start[k];
      }
      tl.n = 0;
      toklist_add_sentences(&tl, summ, &nsumm);
      detok_paragraph(&ref, tl.tok, tl.len, tl.n, NULL);
    }
    if (text.n == 0 || ref.n == 0) {
      c->skipped++;
    } else {
      if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        if (!c->v)
          die_oom();
      }
      article *a = &c->v[c->n++];
      sbuf_put(&text, "\n", 1); /* the last paragraph ends its line too */
      a->text = dup_buf(&text);
      a->len = text.n;
      a->ref = dup_buf(&ref);
      a->ref_len = ref.n;
      a->nsent = nsent;
      a->sent_start = malloc((nsent ? nsent : 1) * sizeof *a->sent_start);
      a->label = malloc(nsent ? nsent : 1);
      if (!a->sent_start || !a->label)
        die_oom();
      if (nsent) {
        memcpy(a->sent_start, starts, nsent * sizeof *starts);
        memcpy(a->label, labels, nsent);
      }
      sbuf idb = {0};
      sbuf_puts(&idb, json_is_string(id) ? json_string_value(id) : "?");
      a->id = dup_buf(&idb);
      free(idb.p);
      c->bytes += a->len;
    }
    json_decref(r);
  }
  free(line);
  free(text.p);
  free(ref.p);
  free(tl.tok);
  free(tl.len);
  free(tl.sent);
  free(tl.start);
  free(starts);
  free(labels);
  fclose(f);
  return 0;
}

/* Frees what load_corpus() allocated. */
static inline void free_corpus(corpus *c) {
  for (size_t i = 0; i < c->n; i++) {
    free(c->v[i].id);
    free(c->v[i].text);
    free(c->v[i].ref);
    free(c->v[i].sent_start);
    free(c->v[i].label);
  }
  free(c->v);
  memset(c, 0, sizeof *c);
}

#endif /* KABAR_BENCH_INDOSUM_H */
