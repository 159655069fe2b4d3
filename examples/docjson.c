/* The analysis of one document as JSON, shared by dedup and kabar-batch. */
#include "docjson.h"

#include <stdlib.h>
#include <string.h>

static const char *kind_name(kabar_block_kind k) {
  return k == KABAR_BLOCK_TITLE ? "title" : k == KABAR_BLOCK_BODY ? "body" : "boilerplate";
}
static const char *repeat_name(kabar_repeat_kind r) {
  return r == KABAR_REPEAT_STRUCTURAL ? "structural" : r == KABAR_REPEAT_NATURAL ? "natural" : NULL;
}

static json_t *span_object(kabar_span sp) {
  return json_pack("{s:I,s:I}", "start", (json_int_t)sp.start, "end", (json_int_t)sp.end);
}

static json_t *blocks_json(const kabar_doc *doc) {
  json_t *arr = json_array();
  for (size_t i = 0; i < kabar_doc_block_count(doc); i++) {
    kabar_span sp;
    kabar_block_kind kind;
    kabar_doc_block(doc, i, &sp, &kind);
    json_t *b = span_object(sp);
    size_t dup = kabar_doc_block_duplicate_of(doc, i);
    const char *rule = kabar_doc_block_rule(doc, i);
    const char *rep = repeat_name(kabar_doc_block_repeat(doc, i));
    json_object_set_new(b, "line", json_integer((json_int_t)kabar_doc_block_line(doc, i)));
    json_object_set_new(b, "kind", json_string(kind_name(kind)));
    json_object_set_new(b, "lang", json_string(kabar_doc_block_lang(doc, i)));
    json_object_set_new(b, "duplicate_of",
                        dup == KABAR_NO_INDEX ? json_null() : json_integer((json_int_t)dup));
    json_object_set_new(b, "similarity", json_real(kabar_doc_block_similarity(doc, i)));
    json_object_set_new(b, "repeat", rep ? json_string(rep) : json_null());
    json_object_set_new(b, "rule", rule ? json_string(rule) : json_null());
    json_array_append_new(arr, b);
  }
  return arr;
}

static json_t *cuts_json(const kabar_doc *doc) {
  json_t *arr = json_array();
  for (size_t i = 0; i < kabar_doc_cut_count(doc); i++) {
    kabar_span sp;
    kabar_cut_kind kind;
    size_t block;
    const char *rule;
    kabar_doc_cut(doc, i, &sp, &kind, &block, &rule);
    json_t *c = span_object(sp);
    json_object_set_new(c, "block", json_integer((json_int_t)block));
    json_object_set_new(c, "kind",
                        json_string(kind == KABAR_CUT_DATELINE ? "dateline" : "boilerplate"));
    json_object_set_new(c, "rule", json_string(rule));
    json_array_append_new(arr, c);
  }
  return arr;
}

static json_t *sentences_json(const kabar_doc *doc) {
  json_t *arr = json_array();
  for (size_t i = 0; i < kabar_doc_sentence_count(doc); i++) {
    kabar_span sp;
    size_t block;
    kabar_doc_sentence(doc, i, &sp, &block);
    json_t *s = span_object(sp);
    json_object_set_new(s, "block", json_integer((json_int_t)block));
    json_array_append_new(arr, s);
  }
  return arr;
}

json_t *docjson_fingerprint(const kabar_doc *doc) {
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)kabar_doc_simhash(doc));
  json_t *mh = json_array();
  size_t n;
  const uint32_t *v = kabar_doc_minhash(doc, &n);
  for (size_t i = 0; i < n; i++) {
    char h[9];
    snprintf(h, sizeof h, "%08lx", (unsigned long)v[i]);
    json_array_append_new(mh, json_string(h));
  }
  return json_pack("{s:s,s:o,s:I}", "simhash", hex, "minhash", mh, "shingles",
                   (json_int_t)kabar_doc_shingle_count(doc));
}

json_t *docjson_flat_string(const char *s, kabar_span sp) {
  char *buf = malloc(sp.end - sp.start + 1);
  if (!buf)
    return json_null();
  size_t n = 0;
  for (size_t i = sp.start; i < sp.end; i++) {
    char c = s[i];
    int space = c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0';
    if (space && (n == 0 || buf[n - 1] == ' '))
      continue;
    buf[n++] = space ? ' ' : c;
  }
  while (n > 0 && buf[n - 1] == ' ')
    n--;
  json_t *j = json_stringn(buf, n);
  free(buf);
  return j;
}

json_t *docjson_summary(const kabar_summary *sum, const char *input) {
  json_t *arr = json_array();
  for (size_t i = 0; i < kabar_summary_count(sum); i++) {
    kabar_span sp;
    size_t sentence, block;
    kabar_summary_sentence(sum, i, &sp, &sentence, &block);
    json_t *o = json_pack("{s:I,s:I,s:I}", "block", (json_int_t)block, "start",
                          (json_int_t)sp.start, "end", (json_int_t)sp.end);
    json_object_set_new(o, "text", docjson_flat_string(input, sp));
    json_object_set_new(o, "score", json_real(kabar_summary_score(sum, sentence)));
    json_array_append_new(arr, o);
  }
  return arr;
}

json_t *docjson_keywords(const kabar_summary *sum, const char *input) {
  json_t *arr = json_array();
  for (size_t i = 0; i < kabar_summary_keyword_count(sum); i++) {
    kabar_span sp;
    kabar_summary_keyword(sum, i, &sp, NULL, NULL);
    json_array_append_new(arr, json_stringn(input + sp.start, sp.end - sp.start));
  }
  return arr;
}

json_t *docjson_entities(const kabar_doc *doc, const char *input) {
  json_t *a = json_array();
  for (size_t i = 0; i < kabar_doc_entity_count(doc); i++) {
    kabar_entity_type type;
    const char *name;
    size_t nm;
    kabar_doc_entity(doc, i, &type, &name, &nm);
    json_t *e = json_object(), *ms = json_array();
    json_object_set_new(e, "type", json_string(kabar_entity_type_name(type)));
    json_object_set_new(e, "name", json_string(name));
    for (size_t j = 0; j < nm; j++) {
      kabar_span sp;
      kabar_doc_entity_mention(doc, i, j, &sp);
      json_t *m = span_object(sp);
      json_object_set_new(m, "text", docjson_flat_string(input, sp));
      json_array_append_new(ms, m);
    }
    json_object_set_new(e, "mentions", ms);
    json_array_append_new(a, e);
  }
  return a;
}

json_t *docjson_doc(const kabar_doc *doc, const char *file, const kabar_summary *sum,
                    const char *input) {
  size_t tlen;
  const char *text = kabar_doc_text(doc, &tlen);
  json_t *o = json_object();
  json_object_set_new(o, "file", json_string(file));
  json_object_set_new(o, "lang", json_string(kabar_doc_lang(doc)));
  json_object_set_new(o, "lang_confidence", json_real(kabar_doc_lang_confidence(doc)));
  json_object_set_new(o, "bytes", json_integer((json_int_t)kabar_doc_input_size(doc)));
  json_object_set_new(o, "blocks", blocks_json(doc));
  json_object_set_new(o, "cuts", cuts_json(doc));
  json_object_set_new(o, "sentences", sentences_json(doc));
  json_object_set_new(o, "text", json_stringn(text, tlen));
  json_object_set_new(o, "entities", docjson_entities(doc, input));
  if (sum) {
    json_object_set_new(o, "summary", docjson_summary(sum, input));
    json_object_set_new(o, "keywords", docjson_keywords(sum, input));
  }
  json_object_set_new(o, "fingerprint", docjson_fingerprint(doc));
  return o;
}

/* JSON is serialised into one reused buffer per thread and written with a single fwrite per
 * record: json_dumpf would go through stdio's locked path once per token. */
typedef struct out_buf {
  char *p;
  size_t len, cap;
} out_buf;

static _Thread_local out_buf json_out;

static int out_append(const char *chunk, size_t n, void *ud) {
  out_buf *b = ud;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + n)
      cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np)
      return -1;
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, chunk, n);
  b->len += n;
  return 0;
}

int docjson_serialise(json_t *o, int compact, const char **out, size_t *len) {
  json_out.len = 0;
  if (json_dump_callback(o, out_append, &json_out, compact ? JSON_COMPACT : JSON_INDENT(2)) != 0 ||
      out_append("\n", 1, &json_out) != 0)
    return -1;
  *out = json_out.p;
  *len = json_out.len;
  return 0;
}

void docjson_print(json_t *o, int compact, FILE *f) {
  const char *p;
  size_t n;
  if (docjson_serialise(o, compact, &p, &n) == 0)
    fwrite(p, 1, n, f);
  else
    fprintf(stderr, "kabar: out of memory writing JSON\n");
}

void docjson_cleanup(void) {
  free(json_out.p);
  memset(&json_out, 0, sizeof json_out);
}
