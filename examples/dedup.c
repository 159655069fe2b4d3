/* dedup: print an article without its scraping boilerplate and repeated paragraphs, or the
 * full analysis as JSON. Uses only the public header. See docs/man/dedup.1. */
#include <kabar.h>

#include "docjson.h"

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
    json_t *o = docjson_doc(doc, name, sum, buf);
    if (extra)
      json_object_update(o, extra);
    docjson_print(o, opt->batch, stdout);
    json_decref(o);
  } else if (opt->mode == OUT_REPORT) {
    print_report(stdout, doc, where, buf);
  } else if (opt->summary) {
    for (size_t i = 0; i < kabar_summary_count(sum); i++) {
      kabar_span sp;
      kabar_summary_sentence(sum, i, &sp, NULL, NULL);
      json_t *line = docjson_flat_string(buf, sp);
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
  if (opt->mode != OUT_JSON) /* the text, its summary and the report show neither */
    opt->flags |= KABAR_DOC_NO_ENTITIES | KABAR_DOC_NO_FINGERPRINTS;
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
  docjson_cleanup();
  if (fflush(stdout) != 0) {
    fprintf(stderr, TOOL ": cannot write output: %s\n", strerror(errno));
    return 1;
  }
  return failed;
}
