/* check_json: verifies dedup's JSON against the articles it came from.
 * Usage: check_json LANG INPUT.jsonl OUTPUT.jsonl
 * INPUT holds article records ({"text": ...}); OUTPUT is `dedup --jsonl --json INPUT`. Every
 * output line must parse, every span (blocks, cuts, sentences, summary sentences, entity
 * mentions) must lie inside its record's
 * text on UTF-8 boundaries, duplicate_of must point backwards, and the language is compared
 * with LANG (records without any text have no language and are counted apart). Prints one
 * summary line; exit 1 if any record fails a check. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct text {
  char *p;
  size_t n;
} text;

static int on_boundary(const text *t, json_int_t off) {
  if (off < 0 || (size_t)off > t->n)
    return 0;
  return (size_t)off == t->n || ((unsigned char)t->p[off] & 0xC0) != 0x80;
}

static int check_spans(const text *t, json_t *arr, const char *what, size_t line) {
  size_t i;
  json_t *el;
  json_array_foreach(arr, i, el) {
    json_int_t a = json_integer_value(json_object_get(el, "start"));
    json_int_t b = json_integer_value(json_object_get(el, "end"));
    if (a > b || !on_boundary(t, a) || !on_boundary(t, b)) {
      fprintf(stderr, "line %zu: %s %zu span [%lld, %lld) invalid (text %zu bytes)\n", line,
              what, i, (long long)a, (long long)b, t->n);
      return 0;
    }
    json_t *dup = json_object_get(el, "duplicate_of");
    if (dup && json_is_integer(dup) && (size_t)json_integer_value(dup) >= i) {
      fprintf(stderr, "line %zu: block %zu duplicate_of points forward\n", line, i);
      return 0;
    }
  }
  return 1;
}

static text *read_inputs(const char *path, size_t *count) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    exit(2);
  }
  text *v = NULL;
  size_t n = 0, cap = 0, lcap = 0;
  char *line = NULL;
  ssize_t len;
  while ((len = getline(&line, &lcap, f)) >= 0) {
    if (n == cap) {
      cap = cap ? cap * 2 : 1024;
      v = realloc(v, cap * sizeof *v);
    }
    json_t *r = json_loadb(line, (size_t)len, JSON_ALLOW_NUL, NULL);
    json_t *t = r ? json_object_get(r, "text") : NULL;
    v[n].n = json_is_string(t) ? json_string_length(t) : 0;
    v[n].p = malloc(v[n].n + 1);
    if (v[n].n)
      memcpy(v[n].p, json_string_value(t), v[n].n);
    n++;
    json_decref(r);
  }
  free(line);
  fclose(f);
  *count = n;
  return v;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: check_json LANG INPUT.jsonl OUTPUT.jsonl\n");
    return 2;
  }
  size_t ninputs;
  text *inputs = read_inputs(argv[2], &ninputs);
  FILE *out = fopen(argv[3], "r");
  if (!out) {
    perror(argv[3]);
    return 2;
  }
  size_t records = 0, bad = 0, right = 0, other = 0, wrong = 0, empty = 0, lcap = 0;
  size_t entities = 0, mentions = 0;
  char *line = NULL;
  ssize_t len;
  while ((len = getline(&line, &lcap, out)) >= 0) {
    json_error_t jerr;
    json_t *o = json_loadb(line, (size_t)len, 0, &jerr);
    records++;
    if (!o) {
      fprintf(stderr, "output record %zu does not parse: %s\n", records, jerr.text);
      bad++;
      continue;
    }
    size_t in_line = (size_t)json_integer_value(json_object_get(o, "line"));
    if (in_line == 0 || in_line > ninputs) {
      fprintf(stderr, "output record %zu has no valid \"line\"\n", records);
      bad++;
    } else {
      const text *t = &inputs[in_line - 1];
      int ok = check_spans(t, json_object_get(o, "blocks"), "block", in_line) &&
               check_spans(t, json_object_get(o, "cuts"), "cut", in_line) &&
               check_spans(t, json_object_get(o, "sentences"), "sentence", in_line) &&
               check_spans(t, json_object_get(o, "summary"), "summary sentence", in_line);
      size_t ei;
      json_t *ent;
      json_array_foreach(json_object_get(o, "entities"), ei, ent) {
        ok = ok && check_spans(t, json_object_get(ent, "mentions"), "entity mention", in_line);
        entities++;
        mentions += json_array_size(json_object_get(ent, "mentions"));
      }
      bad += !ok;
      const char *lang = json_string_value(json_object_get(o, "lang"));
      if (json_array_size(json_object_get(o, "blocks")) == 0)
        empty++; /* no text at all: there is no language to find */
      else if (lang && strcmp(lang, argv[1]) == 0)
        right++;
      else if (lang && strcmp(lang, "other") == 0)
        other++;
      else
        wrong++;
    }
    json_decref(o);
  }
  free(line);
  fclose(out);
  size_t with_text = records - empty;
  printf("%s: %zu records, %zu with bad spans or JSON, %zu without text; language %s of the "
         "others: %zu right, %zu other, %zu wrong (%.2f%%); %zu entities, %zu mentions\n",
         argv[2], records, bad, empty, argv[1], right, other, wrong,
         with_text ? 100.0 * (double)right / (double)with_text : 0.0, entities, mentions);
  for (size_t i = 0; i < ninputs; i++)
    free(inputs[i].p);
  free(inputs);
  return bad ? 1 : 0;
}
