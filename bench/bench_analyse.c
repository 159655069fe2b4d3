/* bench_analyse: library throughput on one core, without the tool's JSON in and out.
 * Usage: bench_analyse [--no-entities] RUNS FILE.jsonl...
 * Loads every record's "text" first, then analyses all of them RUNS times with
 * kabar_doc_new and prints, per run and as the median: seconds, MB/s and articles/s.
 * --no-entities analyses with KABAR_DOC_NO_ENTITIES (what a dedup-only run needs). */
#define _POSIX_C_SOURCE 200809L
#include <kabar.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

typedef struct article {
  char *p;
  size_t n;
} article;

int main(int argc, char **argv) {
  uint32_t flags = KABAR_DOC_BORROW;
  if (argc > 1 && strcmp(argv[1], "--no-entities") == 0) {
    flags |= KABAR_DOC_NO_ENTITIES;
    argv++;
    argc--;
  }
  if (argc < 3) {
    fprintf(stderr, "usage: bench_analyse [--no-entities] RUNS FILE.jsonl...\n");
    return 2;
  }
  int runs = atoi(argv[1]);
  if (runs < 1 || runs > 100)
    runs = 5;
  article *v = NULL;
  size_t n = 0, cap = 0, bytes = 0;
  for (int a = 2; a < argc; a++) {
    FILE *f = fopen(argv[a], "r");
    if (!f) {
      perror(argv[a]);
      return 1;
    }
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) >= 0) {
      json_t *r = json_loadb(line, (size_t)len, JSON_ALLOW_NUL, NULL);
      json_t *t = r ? json_object_get(r, "text") : NULL;
      if (json_is_string(t)) {
        if (n == cap) {
          cap = cap ? cap * 2 : 1024;
          v = realloc(v, cap * sizeof *v);
        }
        v[n].n = json_string_length(t);
        v[n].p = malloc(v[n].n ? v[n].n : 1);
        memcpy(v[n].p, json_string_value(t), v[n].n);
        bytes += v[n].n;
        n++;
      }
      json_decref(r);
    }
    free(line);
    fclose(f);
  }
  kabar_error err;
  double t0 = bench_now();
  kabar_ctx *ctx = kabar_ctx_new(NULL, &err);
  double load = bench_now() - t0;
  if (!ctx) {
    fprintf(stderr, "bench_analyse: %s %s\n", kabar_strerror(err.code), err.path);
    return 1;
  }
  double *secs = calloc((size_t)runs, sizeof *secs);
  size_t failed = 0;
  for (int r = 0; r < runs; r++) {
    double s = bench_now();
    for (size_t i = 0; i < n; i++) {
      kabar_doc *doc = kabar_doc_new(ctx, v[i].p, v[i].n, flags, &err);
      failed += doc == NULL;
      kabar_doc_free(doc);
    }
    secs[r] = bench_now() - s;
    printf("run %d: %.3f s, %.1f MB/s, %.0f articles/s\n", r + 1, secs[r],
           (double)bytes / 1e6 / secs[r], (double)n / secs[r]);
  }
  qsort(secs, (size_t)runs, sizeof *secs, bench_cmp_double);
  double med = secs[runs / 2];
  printf("library: %zu articles, %.1f MB, context load %.3f s; median of %d runs: %.3f s, "
         "%.1f MB/s, %.0f articles/s (%zu failed)\n",
         n, (double)bytes / 1e6, load, runs, med, (double)bytes / 1e6 / med, (double)n / med,
         failed / (size_t)runs);
  kabar_ctx_free(ctx);
  for (size_t i = 0; i < n; i++)
    free(v[i].p);
  free(v);
  free(secs);
  return 0;
}
