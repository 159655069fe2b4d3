/* perturb: a feed of N articles made from JSON Lines inputs, for kabar-batch's throughput
 * bench. The inputs come first as they are; then perturbed copies of them in turn: a sentence
 * dropped, two neighbouring sentences swapped, about one word in forty replaced or dropped.
 * Each copy carries "orig" (the id it was made from), so recall can be measured too.
 * Deterministic (fixed seed). Usage: perturb N FILE.jsonl... > feed.jsonl */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static int chance(unsigned percent) { return next_rand() % 100 < percent; }

typedef struct art {
  char *id, *text, *lang;
} art;

typedef struct span {
  const char *p;
  size_t n;
} span;

/* Sentences: cut after ". ", "! ", "? " or a line break. */
static size_t split(const char *t, span *out, size_t max) {
  size_t n = 0, start = 0, len = strlen(t);
  for (size_t i = 0; i < len && n + 1 < max; i++) {
    int end = t[i] == '\n' || ((t[i] == '.' || t[i] == '!' || t[i] == '?') && t[i + 1] == ' ');
    if (end) {
      out[n].p = t + start;
      out[n++].n = i + 1 - start;
      start = i + 1;
    }
  }
  if (start < len) {
    out[n].p = t + start;
    out[n++].n = len - start;
  }
  return n;
}

static const char *const words[] = {"pula", "juga", "lagi", "ook", "nog", "baru", "nieuw",
                                    "besar", "groot", "kecil"};

static void emit_copy(const art *a, size_t k, FILE *out, char *buf, size_t cap, span *sents) {
  size_t ns = split(a->text, sents, 4096);
  size_t drop = ns > 3 && chance(50) ? next_rand() % ns : SIZE_MAX;
  size_t swap = ns > 2 && chance(50) ? next_rand() % (ns - 1) : SIZE_MAX;
  size_t len = 0;
  for (size_t i = 0; i < ns; i++) {
    if (i == drop)
      continue;
    size_t j = i == swap ? i + 1 : i == swap + 1 && swap != SIZE_MAX ? i - 1 : i;
    const span *s = &sents[j];
    /* word edits inside the sentence */
    size_t w = 0;
    while (w < s->n && len + 16 < cap) {
      size_t e = w;
      while (e < s->n && s->p[e] != ' ')
        e++;
      unsigned r = (unsigned)(next_rand() % 80);
      if (r == 0) {
        /* drop the word */
      } else if (r == 1) {
        const char *x = words[next_rand() % (sizeof words / sizeof *words)];
        size_t xl = strlen(x);
        if (len + xl + 1 < cap) {
          memcpy(buf + len, x, xl);
          len += xl;
          buf[len++] = ' ';
        }
      } else if (len + (e - w) + 1 < cap) {
        memcpy(buf + len, s->p + w, e - w);
        len += e - w;
        if (e < s->n)
          buf[len++] = ' ';
      }
      w = e < s->n ? e + 1 : e;
    }
    if (len > 0 && buf[len - 1] != ' ' && buf[len - 1] != '\n' && len + 1 < cap)
      buf[len++] = ' ';
  }
  char id[600];
  snprintf(id, sizeof id, "%.500s#%zu", a->id, k);
  json_t *o = json_pack("{s:s,s:s%,s:s}", "id", id, "text", buf, len, "orig", a->id);
  if (a->lang)
    json_object_set_new(o, "lang", json_string(a->lang));
  char *s = json_dumps(o, JSON_COMPACT);
  if (s) {
    fputs(s, out);
    fputc('\n', out);
    free(s);
  }
  json_decref(o);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: perturb N FILE.jsonl...\n");
    return 2;
  }
  size_t want = strtoull(argv[1], NULL, 10), n = 0, cap = 0;
  art *arts = NULL;
  for (int f = 2; f < argc; f++) {
    FILE *in = fopen(argv[f], "rb");
    if (!in) {
      perror(argv[f]);
      return 1;
    }
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    while ((got = getline(&line, &lcap, in)) > 0) {
      json_t *o = json_loadb(line, (size_t)got, 0, NULL);
      json_t *id = json_object_get(o, "id"), *text = json_object_get(o, "text");
      if (json_is_string(id) && json_is_string(text) && json_string_length(text) > 0) {
        fwrite(line, 1, (size_t)got, stdout);
        if (n == cap) {
          cap = cap ? cap * 2 : 1024;
          arts = realloc(arts, cap * sizeof *arts);
          if (!arts)
            return 1;
        }
        json_t *lang = json_object_get(o, "lang");
        arts[n].id = strdup(json_string_value(id));
        arts[n].text = strdup(json_string_value(text));
        arts[n].lang = json_is_string(lang) ? strdup(json_string_value(lang)) : NULL;
        n++;
      }
      json_decref(o);
    }
    free(line);
    fclose(in);
  }
  if (n == 0)
    return 1;
  size_t bufcap = 1 << 22;
  char *buf = malloc(bufcap);
  span *sents = malloc(4096 * sizeof *sents);
  for (size_t i = n; i < want; i++)
    emit_copy(&arts[i % n], i / n, stdout, buf, bufcap, sents);
  free(buf);
  free(sents);
  for (size_t i = 0; i < n; i++) {
    free(arts[i].id);
    free(arts[i].text);
    free(arts[i].lang);
  }
  free(arts);
  return 0;
}
