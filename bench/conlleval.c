/* conlleval: exact-match entity precision, recall and F1 per type (the CoNLL shared tasks'
 * definition, scorer in examples/conll.h) of a tagged CoNLL file such as kabar-ner's output:
 * the gold tag is the second-to-last column, the predicted tag the last; blank lines end
 * sentences and -DOCSTART- lines are skipped. IOB1 and IOB2 are both accepted.
 *
 *   conlleval [FILE]        (standard input without FILE)
 *
 * Prints conlleval's summary lines; exit status 1 if a line has fewer than three columns. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conll.h"

/* The last two whitespace-separated fields of text, as NUL-terminated copies in gold/pred. */
static int last_two(const char *text, char *gold, char *pred, size_t cap) {
  const char *f[3] = {NULL, NULL, NULL};
  size_t fl[3] = {0, 0, 0}, nf = 0;
  for (const char *p = text; *p;) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p)
      break;
    const char *s = p;
    while (*p && *p != ' ' && *p != '\t')
      p++;
    f[0] = f[1], fl[0] = fl[1];
    f[1] = f[2], fl[1] = fl[2];
    f[2] = s, fl[2] = (size_t)(p - s);
    nf++;
  }
  if (nf < 3 || fl[1] >= cap || fl[2] >= cap)
    return -1;
  memcpy(gold, f[1], fl[1]);
  gold[fl[1]] = '\0';
  memcpy(pred, f[2], fl[2]);
  pred[fl[2]] = '\0';
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 2 || (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))) {
    fprintf(argc > 2 ? stderr : stdout, "usage: conlleval [FILE]\n");
    return argc > 2 ? 2 : 0;
  }
  const char *path = argc == 2 ? argv[1] : "<stdin>";
  FILE *f = argc == 2 ? fopen(argv[1], "rb") : stdin;
  if (!f) {
    fprintf(stderr, "conlleval: %s: %s\n", path, strerror(errno));
    return 1;
  }
  conll_reader r = {f, 0, NULL, 0, 0, NULL};
  conll_sentence s = {0};
  conll_score sc;
  memset(&sc, 0, sizeof sc);
  char **gold = NULL, **pred = NULL;
  size_t cap = 0, sentences = 0;
  int st, status = 0;
  while ((st = conll_read_sentence(&r, &s)) == CONLL_SENTENCE) {
    if (s.n > cap) {
      char **g = realloc(gold, s.n * 2 * sizeof *g), **p = g ? realloc(pred, s.n * 2 * sizeof *p) : NULL;
      if (g)
        gold = g;
      if (p)
        pred = p;
      if (!g || !p) {
        st = CONLL_NOMEM;
        break;
      }
      for (size_t i = cap; i < s.n * 2; i++) {
        gold[i] = malloc(64);
        pred[i] = malloc(64);
        if (!gold[i] || !pred[i]) {
          cap = i + 1;
          st = CONLL_NOMEM;
          break;
        }
      }
      if (st == CONLL_NOMEM)
        break;
      cap = s.n * 2;
    }
    for (size_t i = 0; i < s.n; i++)
      if (last_two(s.v[i].text, gold[i], pred[i], 64) != 0) {
        fprintf(stderr, "conlleval: %s:%zu: need token, gold and predicted tag columns\n", path,
                s.v[i].lineno);
        status = 1;
        strcpy(gold[i], "O");
        strcpy(pred[i], "O");
      }
    if (conll_score_add(&sc, (const char *const *)gold, (const char *const *)pred, s.n) != 0) {
      st = CONLL_NOMEM;
      break;
    }
    sentences++;
  }
  if (st == CONLL_NOMEM) {
    fprintf(stderr, "conlleval: out of memory\n");
    status = 1;
  }
  size_t c, g, p;
  conll_totals(&sc, &c, &g, &p);
  printf("processed %zu tokens in %zu sentences with %zu phrases; found: %zu phrases; correct: %zu.\n",
         sc.tokens, sentences, g, p, c);
  conll_score_print(stdout, &sc, "");
  for (size_t i = 0; i < cap; i++) {
    free(gold[i]);
    free(pred[i]);
  }
  free(gold);
  free(pred);
  conll_sentence_free(&s);
  free(r.buf);
  free(r.docstart);
  if (f != stdin)
    fclose(f);
  return status;
}
