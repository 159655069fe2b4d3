/* dedup: print an article without its scraping boilerplate and repeated paragraphs, or the
 * full analysis as JSON. Uses only the public header. See docs/man/dedup.1. */
#include <kabar.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOOL "dedup"

typedef enum { OUT_TEXT, OUT_JSON, OUT_REPORT } out_mode;

typedef struct options {
  out_mode mode;
  int batch;          /* one compact JSON object per line */
  int jsonl;          /* inputs are JSON Lines article records */
  const char *lang;   /* NULL = auto */
  const char *data_dir;
  uint32_t flags;
  uint32_t ctx_flags;
  size_t summary;     /* --summary N: sentences; 0 = not asked (text mode prints the text) */
} options;

#define DEFAULT_SUMMARY 3 /* sentences in --json when --summary is not given */
#define JSON_KEYWORDS 10

static void usage(FILE *out) {
  fprintf(out,
          "usage: " TOOL " [options] FILE...   ('-' reads standard input)\n"
          "Prints each article without boilerplate and repeated paragraphs.\n\n"
          "  --json             the full analysis as JSON, one object per file\n"
          "  --batch            with --json: one compact object per line\n"
          "  --report           what was removed and why, for a person\n"
          "  --jsonl            inputs are JSON Lines, one article per line: {\"text\": ...,\n"
          "                     \"id\": ...}; output is one JSON object per line\n"
          "  --summary N        print the N best sentences (document order, one a line)\n"
          "                     instead of the text; with --json: N summary sentences\n"
          "                     (default 3) next to 10 keywords\n"
          "  --lang id|nl|auto  the articles' language (default: auto)\n"
          "  --replace-invalid  repair invalid UTF-8 with U+FFFD instead of failing\n"
          "  --data-dir DIR     language data (default: $KABAR_DATA_DIR, then the install)\n"
          "  --no-jit           run the rules without PCRE2's JIT (slower; for memory checkers)\n"
          "  -h, --help         this text\n"
          "  --version          tool and library versions\n\n"
          "Exit status: 0 ok, 1 an input could not be read or analysed, 2 usage.\n");
}

static int read_all(FILE *f, char **buf, size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *p = malloc(cap);
  if (!p)
    return -1;
  for (;;) {
    if (n == cap) {
      char *np = cap > SIZE_MAX / 2 ? NULL : realloc(p, cap * 2);
      if (!np) {
        free(p);
        errno = ENOMEM;
        return -1;
      }
      p = np;
      cap *= 2;
    }
    size_t got = fread(p + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    free(p);
    return -1;
  }
  *buf = p;
  *len = n;
  return 0;
}

static int load_input(const char *path, char **buf, size_t *len) {
  if (strcmp(path, "-") == 0)
    return read_all(stdin, buf, len);
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  int rc = read_all(f, buf, len);
  int saved = errno;
  fclose(f);
  errno = saved;
  return rc;
}

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

static json_t *fingerprint_json(const kabar_doc *doc) {
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

/* s[sp] with every run of white space (line breaks included) as one space. */
static json_t *flat_string(const char *s, kabar_span sp) {
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

static json_t *summary_json(const kabar_summary *sum, const char *input) {
  json_t *arr = json_array();
  for (size_t i = 0; i < kabar_summary_count(sum); i++) {
    kabar_span sp;
    size_t sentence, block;
    kabar_summary_sentence(sum, i, &sp, &sentence, &block);
    json_t *o = json_pack("{s:I,s:I,s:I}", "block", (json_int_t)block, "start",
                          (json_int_t)sp.start, "end", (json_int_t)sp.end);
    json_object_set_new(o, "text", flat_string(input, sp));
    json_object_set_new(o, "score", json_real(kabar_summary_score(sum, sentence)));
    json_array_append_new(arr, o);
  }
  return arr;
}

static json_t *keywords_json(const kabar_summary *sum, const char *input) {
  json_t *arr = json_array();
  for (size_t i = 0; i < kabar_summary_keyword_count(sum); i++) {
    kabar_span sp;
    kabar_summary_keyword(sum, i, &sp, NULL, NULL);
    json_array_append_new(arr, json_stringn(input + sp.start, sp.end - sp.start));
  }
  return arr;
}

static json_t *entities_json(const kabar_doc *doc, const char *input) {
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
      json_object_set_new(m, "text", flat_string(input, sp));
      json_array_append_new(ms, m);
    }
    json_object_set_new(e, "mentions", ms);
    json_array_append_new(a, e);
  }
  return a;
}

static json_t *doc_json(const kabar_doc *doc, const char *file, const kabar_summary *sum,
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
  json_object_set_new(o, "entities", entities_json(doc, input));
  json_object_set_new(o, "summary", summary_json(sum, input));
  json_object_set_new(o, "keywords", keywords_json(sum, input));
  json_object_set_new(o, "fingerprint", fingerprint_json(doc));
  return o;
}

/* Up to `max` bytes of s[sp], cut on a UTF-8 boundary, line breaks shown as spaces. */
static void print_preview(FILE *out, const char *s, kabar_span sp, size_t max) {
  size_t n = sp.end - sp.start;
  int more = n > max;
  if (more) {
    n = max;
    while (n > 0 && ((unsigned char)s[sp.start + n] & 0xC0) == 0x80)
      n--;
  }
  fputc('"', out);
  for (size_t i = 0; i < n; i++) {
    char c = s[sp.start + i];
    fputc(c == '\n' || c == '\r' || c == '\t' || c == '\0' ? ' ' : c, out);
  }
  fputs(more ? "...\"" : "\"", out);
}

static void print_report(FILE *out, const kabar_doc *doc, const char *file, const char *input) {
  size_t nb = kabar_doc_block_count(doc), kept = 0;
  for (size_t i = 0; i < nb; i++) {
    kabar_block_kind k;
    kabar_doc_block(doc, i, NULL, &k);
    kept += k != KABAR_BLOCK_BOILERPLATE &&
            kabar_doc_block_repeat(doc, i) != KABAR_REPEAT_STRUCTURAL;
  }
  fprintf(out, "%s: language %s (confidence %.2f), %zu blocks, %zu kept\n", file,
          kabar_doc_lang(doc), kabar_doc_lang_confidence(doc), nb, kept);
  size_t c = 0, ncuts = kabar_doc_cut_count(doc);
  for (size_t i = 0; i < nb; i++) {
    kabar_span sp;
    kabar_block_kind k;
    kabar_doc_block(doc, i, &sp, &k);
    size_t line = kabar_doc_block_line(doc, i), dup = kabar_doc_block_duplicate_of(doc, i);
    if (k == KABAR_BLOCK_TITLE) {
      fprintf(out, "  line %zu: title ", line);
      print_preview(out, input, sp, 60);
      fputc('\n', out);
    } else if (k == KABAR_BLOCK_BOILERPLATE) {
      fprintf(out, "  line %zu: removed boilerplate [%s] ", line, kabar_doc_block_rule(doc, i));
      print_preview(out, input, sp, 60);
      fputc('\n', out);
    } else if (dup != KABAR_NO_INDEX) {
      int structural = kabar_doc_block_repeat(doc, i) == KABAR_REPEAT_STRUCTURAL;
      fprintf(out, "  line %zu: %s repeat of line %zu (similarity %.2f), %s\n", line,
              structural ? "structural" : "natural", kabar_doc_block_line(doc, dup),
              kabar_doc_block_similarity(doc, i), structural ? "removed" : "kept");
    }
    for (; c < ncuts; c++) {
      kabar_span cs;
      kabar_cut_kind ck;
      size_t cb;
      const char *rule;
      kabar_doc_cut(doc, c, &cs, &ck, &cb, &rule);
      if (cb != i)
        break;
      fprintf(out, "  line %zu: %s [%s] ", line,
              ck == KABAR_CUT_DATELINE ? "dateline, kept" : "removed span", rule);
      print_preview(out, input, cs, 60);
      fputc('\n', out);
    }
  }
}

/* JSON is serialised into one reused buffer and written with a single fwrite per record:
 * json_dumpf would go through stdio's locked path once per token. */
typedef struct out_buf {
  char *p;
  size_t len, cap;
} out_buf;

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

static out_buf json_out;

static void print_json(json_t *o, int compact) {
  json_out.len = 0;
  if (json_dump_callback(o, out_append, &json_out, compact ? JSON_COMPACT : JSON_INDENT(2)) == 0 &&
      out_append("\n", 1, &json_out) == 0)
    fwrite(json_out.p, 1, json_out.len, stdout);
  else
    fprintf(stderr, TOOL ": out of memory writing JSON\n");
}

/* Analyses one article and prints it. 0 ok, 1 bad input. `where` names it in messages. */
static int process(const kabar_ctx *ctx, const options *opt, const char *buf, size_t len,
                   const char *name, const char *where, json_t *extra) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(ctx, buf, len, opt->lang, opt->flags, &err);
  if (!doc) {
    if (err.offset != KABAR_NO_OFFSET)
      fprintf(stderr, TOOL ": %s: %s at byte %zu\n", where, kabar_strerror(err.code), err.offset);
    else
      fprintf(stderr, TOOL ": %s: %s\n", where, kabar_strerror(err.code));
    json_decref(extra);
    return 1;
  }
  kabar_summary *sum = NULL;
  if (opt->mode == OUT_JSON || (opt->mode == OUT_TEXT && opt->summary)) {
    kabar_summary_options so = KABAR_SUMMARY_OPTIONS_INIT;
    so.sentences = opt->summary ? opt->summary : DEFAULT_SUMMARY;
    so.keywords = opt->mode == OUT_JSON ? JSON_KEYWORDS : 0;
    if (!(sum = kabar_doc_summarize(doc, &so, &err))) {
      fprintf(stderr, TOOL ": %s: summary: %s\n", where, kabar_strerror(err.code));
      json_decref(extra);
      kabar_doc_free(doc);
      return 1;
    }
  }
  if (opt->mode == OUT_JSON) {
    json_t *o = doc_json(doc, name, sum, buf);
    if (extra)
      json_object_update(o, extra);
    print_json(o, opt->batch);
    json_decref(o);
  } else if (opt->mode == OUT_REPORT) {
    print_report(stdout, doc, where, buf);
  } else if (opt->summary) {
    for (size_t i = 0; i < kabar_summary_count(sum); i++) {
      kabar_span sp;
      kabar_summary_sentence(sum, i, &sp, NULL, NULL);
      json_t *line = flat_string(buf, sp);
      fwrite(json_string_value(line), 1, json_string_length(line), stdout);
      fputc('\n', stdout);
      json_decref(line);
    }
  } else {
    size_t tlen;
    const char *text = kabar_doc_text(doc, &tlen);
    fwrite(text, 1, tlen, stdout);
    if (tlen)
      fputc('\n', stdout);
  }
  json_decref(extra);
  kabar_summary_free(sum);
  kabar_doc_free(doc);
  return 0;
}

/* Each line of a JSON Lines file is one article record; bad records are reported with their
 * line number and skipped. */
static int process_jsonl(const kabar_ctx *ctx, const options *opt, const char *path, char *buf,
                         size_t len) {
  int failed = 0;
  size_t line_no = 0;
  for (size_t pos = 0; pos < len;) {
    char *nl = memchr(buf + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - buf) : len;
    line_no++;
    char where[4096];
    snprintf(where, sizeof where, "%s:%zu", path, line_no);
    size_t a = pos, b = end;
    while (a < b && (buf[a] == ' ' || buf[a] == '\t' || buf[a] == '\r'))
      a++;
    pos = end + 1;
    if (a == b)
      continue;
    json_error_t jerr;
    json_t *rec = json_loadb(buf + a, b - a, JSON_ALLOW_NUL, &jerr);
    json_t *text = rec ? json_object_get(rec, "text") : NULL;
    if (!rec) {
      fprintf(stderr, TOOL ": %s: bad JSON record: %s\n", where, jerr.text);
      failed = 1;
    } else if (!json_is_string(text)) {
      fprintf(stderr, TOOL ": %s: record has no \"text\" string\n", where);
      failed = 1;
    } else {
      json_t *extra = json_pack("{s:I}", "line", (json_int_t)line_no);
      json_t *id = json_object_get(rec, "id");
      if (id)
        json_object_set(extra, "id", id);
      failed |= process(ctx, opt, json_string_value(text), json_string_length(text), path, where,
                        extra);
    }
    json_decref(rec);
  }
  return failed;
}

static int parse_args(int argc, char **argv, options *opt, int *first_file) {
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-' || strcmp(a, "-") == 0)
      break;
    if (strcmp(a, "--json") == 0)
      opt->mode = OUT_JSON;
    else if (strcmp(a, "--batch") == 0)
      opt->batch = 1;
    else if (strcmp(a, "--report") == 0)
      opt->mode = OUT_REPORT;
    else if (strcmp(a, "--jsonl") == 0)
      opt->jsonl = 1;
    else if (strcmp(a, "--replace-invalid") == 0)
      opt->flags |= KABAR_DOC_REPLACE_INVALID;
    else if (strcmp(a, "--no-jit") == 0)
      opt->ctx_flags |= KABAR_CTX_NO_JIT;
    else if (strcmp(a, "--summary") == 0 && i + 1 < argc) {
      char *end;
      const char *v = argv[++i];
      unsigned long n = strtoul(v, &end, 10);
      if (*v < '0' || *v > '9' || *end || n == 0 || n > 1000000) {
        fprintf(stderr, TOOL ": --summary wants a number of sentences from 1, not '%s'\n", v);
        return -1;
      }
      opt->summary = (size_t)n;
    } else if ((strcmp(a, "--lang") == 0 || strcmp(a, "--data-dir") == 0) && i + 1 < argc) {
      if (a[2] == 'l')
        opt->lang = strcmp(argv[i + 1], "auto") == 0 ? NULL : argv[i + 1];
      else
        opt->data_dir = argv[i + 1];
      i++;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      exit(0);
    } else if (strcmp(a, "--version") == 0) {
      printf(TOOL " %s (libkabar %s)\n", KABAR_VERSION_STRING, kabar_version_string());
      exit(0);
    } else {
      fprintf(stderr, TOOL ": unknown or incomplete option '%s'\n", a);
      return -1;
    }
  }
  if (opt->batch || opt->jsonl) {
    if (opt->mode == OUT_TEXT && opt->batch)
      opt->mode = OUT_JSON;
    if (opt->jsonl && opt->mode == OUT_TEXT)
      opt->mode = OUT_JSON;
    if (opt->jsonl)
      opt->batch = opt->mode == OUT_JSON;
  }
  if (i >= argc) {
    fprintf(stderr, TOOL ": no input files (use '-' for standard input)\n");
    return -1;
  }
  *first_file = i;
  return 0;
}

int main(int argc, char **argv) {
  options opt;
  memset(&opt, 0, sizeof opt);
  int first;
  if (parse_args(argc, argv, &opt, &first) != 0) {
    usage(stderr);
    return 2;
  }
  kabar_ctx_options copts = KABAR_CTX_OPTIONS_INIT;
  copts.data_dir = opt.data_dir;
  copts.flags = opt.ctx_flags;
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&copts, &err);
  if (!ctx) {
    if (err.path[0] && err.offset != KABAR_NO_OFFSET)
      fprintf(stderr, TOOL ": %s:%zu: %s\n", err.path, err.offset, kabar_strerror(err.code));
    else
      fprintf(stderr, TOOL ": cannot load language data%s%s: %s\n", err.path[0] ? " from " : "",
              err.path, kabar_strerror(err.code));
    return 1;
  }
  if (opt.lang && strcmp(opt.lang, "auto") != 0) {
    int known = 0;
    for (size_t i = 0; i < kabar_ctx_lang_count(ctx); i++)
      known |= strcmp(kabar_ctx_lang(ctx, i), opt.lang) == 0;
    if (!known) {
      fprintf(stderr, TOOL ": unknown language '%s'\n", opt.lang);
      kabar_ctx_free(ctx);
      return 2;
    }
  }
  int failed = 0, nfiles = argc - first;
  for (int i = first; i < argc; i++) {
    const char *path = argv[i], *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    char *buf;
    size_t len;
    if (load_input(path, &buf, &len) != 0) {
      fprintf(stderr, TOOL ": %s: %s\n", name, strerror(errno));
      failed = 1;
      continue;
    }
    if (opt.jsonl) {
      failed |= process_jsonl(ctx, &opt, name, buf, len);
    } else {
      if (opt.mode == OUT_TEXT && nfiles > 1)
        printf("%s==> %s <==\n", i > first ? "\n" : "", name);
      failed |= process(ctx, &opt, buf, len, name, name, NULL);
    }
    free(buf);
  }
  kabar_ctx_free(ctx);
  free(json_out.p);
  if (fflush(stdout) != 0) {
    fprintf(stderr, TOOL ": cannot write output: %s\n", strerror(errno));
    return 1;
  }
  return failed;
}
