/* Context: finds the data directory, loads every language folder, compiles rules and opens
 * the ICU objects documents clone. */
#include "internal.h"
#include "../clean/clean.h"
#include "../entities/entities.h"
#include "../lang/lang.h"
#include "../index/index.h"
#include "../summary/summary.h"
#include "../terms/terms.h"
#include "../text/text.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#ifndef KABAR_INSTALL_DATADIR
#define KABAR_INSTALL_DATADIR "/usr/local/share/kabar"
#endif

kabar_status kabar__fail(kabar_error *err, kabar_status code, size_t offset, int32_t detail) {
  if (err) {
    err->code = code;
    err->offset = offset;
    err->detail = detail;
    err->path[0] = '\0';
  }
  return code;
}

kabar_status kabar__fail_path(kabar_error *err, kabar_status code, const char *path, size_t line,
                              int32_t detail) {
  kabar__fail(err, code, line, detail);
  if (err)
    snprintf(err->path, sizeof err->path, "%s", path);
  return code;
}

kabar_status kabar_ctx_options_init(kabar_ctx_options *opts, uint32_t version) {
  if (!opts)
    return KABAR_EINVAL;
  if (version < 1 || version > KABAR_CTX_OPTIONS_VERSION)
    return KABAR_EVERSION;
  kabar_ctx_options def = KABAR_CTX_OPTIONS_INIT;
  def.version = version;
  /* an older caller's struct is only as long as its version's fields */
  memcpy(opts, &def, version == 1 ? offsetof(kabar_ctx_options, max_blocks) : sizeof def);
  return KABAR_OK;
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *join_path(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = kabar__malloc(a + b + 2);
  if (p) {
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
  }
  return p;
}

/* Reads a word list (one entry a line, '#' comments) into t, case-folded like tokens. */
static kabar_status load_words(const kabar_ctx *ctx, const char *path, kabar_strtab *t,
                               kabar_error *err) {
  kabar_buf file = {0}, norm = {0};
  if (kabar__read_file(path, &file) != 0) {
    int e = errno;
    kabar__buf_free(&file);
    if (e == ENOENT)
      return KABAR_OK; /* a language may do without a list */
    return kabar__fail_path(err, e == ENOMEM ? KABAR_ENOMEM : KABAR_EIO, path, KABAR_NO_OFFSET, e);
  }
  size_t bad = kabar__utf8_check(file.p ? file.p : "", file.len);
  if (bad < file.len) {
    kabar__buf_free(&file);
    return kabar__fail_path(err, KABAR_EUTF8, path, bad, 0);
  }
  kabar_status rc = KABAR_OK;
  char *p = file.p ? file.p : (char *)"";
  while (*p && rc == KABAR_OK) {
    char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n > 0 && p[0] != '#') {
      norm.len = 0;
      rc = kabar__normalize(ctx, p, n, &norm, NULL, 0);
      if (rc == KABAR_OK && norm.len > 0 &&
          kabar__strtab_intern(t, norm.p, norm.len) == KABAR_STRTAB_NONE)
        rc = KABAR_ENOMEM;
      if (rc != KABAR_OK)
        kabar__fail_path(err, rc, path, KABAR_NO_OFFSET, 0);
    }
    p += n + (e != NULL);
  }
  kabar__buf_free(&file);
  kabar__buf_free(&norm);
  return rc;
}

/* language.conf: "key = value" lines. */
static kabar_status load_conf(kabar_lang *lang, const char *path, kabar_error *err) {
  kabar_buf file = {0};
  if (kabar__read_file(path, &file) != 0) {
    int e = errno;
    kabar__buf_free(&file);
    return kabar__fail_path(err, e == ENOENT ? KABAR_ELANG : e == ENOMEM ? KABAR_ENOMEM : KABAR_EIO, path,
                     KABAR_NO_OFFSET, e);
  }
  kabar_status rc = KABAR_OK;
  size_t line = 0;
  for (char *p = file.p ? file.p : (char *)""; *p && rc == KABAR_OK;) {
    char *e = strchr(p, '\n');
    if (e)
      *e = '\0';
    line++;
    char *eq = strchr(p, '=');
    if (*p && *p != '#' && eq) {
      char *k = p, *ke = eq, *v = eq + 1, *ve = v + strlen(v);
      while (*k == ' ' || *k == '\t')
        k++;
      while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
        ke--;
      while (*v == ' ' || *v == '\t')
        v++;
      while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
        ve--;
      char **dst = NULL;
      if ((size_t)(ke - k) == 4 && memcmp(k, "name", 4) == 0)
        dst = &lang->name;
      else if ((size_t)(ke - k) == 7 && memcmp(k, "stemmer", 7) == 0)
        dst = &lang->stemmer;
      if (dst) {
        kabar__free(*dst);
        if (!(*dst = kabar__strndup(v, (size_t)(ve - v))))
          rc = kabar__fail_path(err, KABAR_ENOMEM, path, line, 0);
      }
    }
    p = e ? e + 1 : p + strlen(p);
  }
  kabar__buf_free(&file);
  if (rc == KABAR_OK && lang->stemmer && !kabar__stemmer_available(lang->stemmer))
    rc = kabar__fail_path(err, KABAR_ELANG, path, KABAR_NO_OFFSET, 0);
  return rc;
}

/* A language's boilerplate rules, and their merge with the common ones (loaded before any
 * language), the set kabar__clean visits. */
static kabar_status load_rules(kabar_ctx *ctx, kabar_lang *lang, const char *path,
                               kabar_error *err) {
  kabar_status rc = kabar__rules_load(ctx, path, 1, &lang->rules, err);
  if (rc == KABAR_OK && (rc = kabar__rules_add_common(lang->rules, ctx->common_rules)) != KABAR_OK)
    rc = kabar__fail(err, rc, KABAR_NO_OFFSET, 0);
  return rc;
}

/* The language's abbreviation filter (used on little-endian machines only, where the
 * words' bytes in memory order are those of kabar__abbrev_bit's numbers). */
static void fill_abbrev_filter(kabar_lang *lang) {
  memset(lang->abbrev_filter, 0, sizeof lang->abbrev_filter);
  for (size_t i = 0; i < lang->abbrevs.count; i++) {
    const struct kabar_strtab_entry *e = &lang->abbrevs.entries[i];
    uint64_t x[2] = {0, 0};
    if (e->len >= sizeof x)
      continue; /* looked up without the filter */
    memcpy(x, lang->abbrevs.chars.p + e->off, e->len);
    uint32_t bit = kabar__abbrev_bit(x[0], x[1], e->len);
    lang->abbrev_filter[bit / 64] |= (uint64_t)1 << (bit % 64);
  }
}

static kabar_status load_lang(kabar_ctx *ctx, const char *tag, kabar_error *err) {
  if (ctx->nlangs >= KABAR_MAX_LANGS)
    return kabar__fail(err, KABAR_ELIMIT, KABAR_NO_OFFSET, 0);
  size_t tl = strlen(tag);
  if (tl == 0 || tl >= sizeof ctx->langs[0].tag)
    return kabar__fail(err, KABAR_ELANG, KABAR_NO_OFFSET, 0);
  kabar_lang *lang = &ctx->langs[ctx->nlangs++];
  memcpy(lang->tag, tag, tl + 1);
  char *dir = join_path(ctx->data_dir, tag);
  if (!dir)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  static const char *files[] = {"language.conf", "stopwords.txt", "abbreviations.txt",
                                "boilerplate.rules", "summary.model", "numbers.txt"};
  kabar_status rc = KABAR_OK;
  for (size_t i = 0; i < 6 && rc == KABAR_OK; i++) {
    char *path = join_path(dir, files[i]);
    if (!path)
      rc = kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    else if (i == 0)
      rc = load_conf(lang, path, err);
    else if (i == 1)
      rc = load_words(ctx, path, &lang->stopwords, err);
    else if (i == 2)
      rc = load_words(ctx, path, &lang->abbrevs, err);
    else if (i == 3)
      rc = load_rules(ctx, lang, path, err);
    else if (i == 4)
      rc = kabar__summary_model_load(path, &lang->summary_model, err);
    else
      rc = kabar__numwords_load(ctx, path, &lang->numwords, err);
    kabar__free(path);
  }
  kabar__free(dir);
  fill_abbrev_filter(lang);
  if (rc == KABAR_OK) {
    if (!(lang->ner = kabar__calloc(1, sizeof *lang->ner)))
      rc = kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    else
      rc = kabar__ner_lang_load(ctx, ctx->data_dir, tag, lang->ner, err);
  }
  return rc;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every sub-directory with a language.conf, in name order so indices are stable. */
static kabar_status load_all_langs(kabar_ctx *ctx, kabar_error *err) {
  DIR *d = opendir(ctx->data_dir);
  if (!d)
    return kabar__fail_path(err, KABAR_EIO, ctx->data_dir, KABAR_NO_OFFSET, errno);
  char *names[KABAR_MAX_LANGS] = {0};
  size_t n = 0;
  kabar_status rc = KABAR_OK;
  for (struct dirent *e; (e = readdir(d)) != NULL && rc == KABAR_OK;) {
    if (e->d_name[0] == '.')
      continue;
    char *dir = join_path(ctx->data_dir, e->d_name);
    char *conf = dir ? join_path(dir, "language.conf") : NULL;
    struct stat st;
    if (!conf)
      rc = kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    else if (stat(conf, &st) == 0 && S_ISREG(st.st_mode)) {
      if (n == KABAR_MAX_LANGS)
        rc = kabar__fail(err, KABAR_ELIMIT, KABAR_NO_OFFSET, 0);
      else if (!(names[n] = kabar__strndup(e->d_name, strlen(e->d_name))))
        rc = kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
      else
        n++;
    }
    kabar__free(conf);
    kabar__free(dir);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    if (rc == KABAR_OK)
      rc = load_lang(ctx, names[i], err);
    kabar__free(names[i]);
  }
  if (rc == KABAR_OK && ctx->nlangs == 0)
    rc = kabar__fail_path(err, KABAR_ELANG, ctx->data_dir, KABAR_NO_OFFSET, 0);
  return rc;
}

static kabar_status load_listed_langs(kabar_ctx *ctx, const char *list, kabar_error *err) {
  kabar_status rc = KABAR_OK;
  for (const char *p = list; *p && rc == KABAR_OK;) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char tag[8];
    if (n == 0 || n >= sizeof tag)
      return kabar__fail(err, KABAR_ELANG, KABAR_NO_OFFSET, 0);
    memcpy(tag, p, n);
    tag[n] = '\0';
    rc = load_lang(ctx, tag, err);
    p += n + (e != NULL);
  }
  return rc;
}

/* The union of the languages' stopword lists, each word with the set of its languages: the
 * language stage marks a document's word types with one lookup each, whatever the number of
 * languages. The lookups go to the index kabar__lang_stop_index builds from the union (a bit
 * filter, then buckets of one cache line); the union's own table only answers for the types
 * that index leaves to it (long words, full buckets). */
static kabar_status merge_stopwords(kabar_ctx *ctx, kabar_error *err) {
  size_t total = 0, cap = 0;
  for (size_t l = 0; l < ctx->nlangs; l++)
    total += ctx->langs[l].stopwords.count;
  if (kabar__strtab_reserve(&ctx->stopwords, total, 0) != 0 ||
      kabar__grow((void **)&ctx->stop_langs, &cap, total ? total : 1, sizeof *ctx->stop_langs) != 0)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  for (size_t l = 0; l < ctx->nlangs; l++) {
    const kabar_strtab *words = &ctx->langs[l].stopwords;
    for (uint32_t w = 0; w < words->count; w++) {
      uint32_t before = (uint32_t)ctx->stopwords.count;
      uint32_t id =
          kabar__strtab_intern_hashed(&ctx->stopwords, kabar__strtab_str(words, w),
                                      kabar__strtab_len(words, w), kabar__strtab_hash(words, w));
      if (id == KABAR_STRTAB_NONE)
        return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
      if (id == before) /* new: ids are dense, and there is room for every word */
        ctx->stop_langs[id] = 0;
      ctx->stop_langs[id] |= 1u << l;
    }
  }
  if (kabar__lang_stop_index(ctx) != KABAR_OK)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  return KABAR_OK;
}

static void *pcre_alloc(PCRE2_SIZE n, void *ud) {
  (void)ud;
  return kabar__malloc(n);
}
static void pcre_free(void *p, void *ud) {
  (void)ud;
  kabar__free(p);
}

static kabar_status open_deps(kabar_ctx *ctx, kabar_error *err) {
  UErrorCode ec = U_ZERO_ERROR;
  ctx->nfkc_cf = unorm2_getNFKCCasefoldInstance(&ec);
  if (U_SUCCESS(ec))
    ctx->word_tmpl = ubrk_open(UBRK_WORD, "root", NULL, 0, &ec);
  if (U_SUCCESS(ec))
    ctx->sent_tmpl = ubrk_open(UBRK_SENTENCE, "root", NULL, 0, &ec);
  if (U_FAILURE(ec))
    return kabar__fail(err, ec == U_MEMORY_ALLOCATION_ERROR ? KABAR_ENOMEM : KABAR_EDEP,
                       KABAR_NO_OFFSET, ec);
  ctx->pcre_gctx = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
  ctx->pcre_mctx = ctx->pcre_gctx ? pcre2_match_context_create(ctx->pcre_gctx) : NULL;
  if (!ctx->pcre_mctx)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  pcre2_set_match_limit(ctx->pcre_mctx, ctx->match_limit);
  pcre2_set_depth_limit(ctx->pcre_mctx, ctx->match_limit);
  pcre2_set_heap_limit(ctx->pcre_mctx, 64 * 1024); /* KiB */
  return KABAR_OK;
}

static kabar_status find_data_dir(kabar_ctx *ctx, const kabar_ctx_options *opts,
                                  kabar_error *err) {
  const char *dir = opts && opts->data_dir ? opts->data_dir : getenv("KABAR_DATA_DIR");
  if (!dir || !*dir)
    dir = KABAR_INSTALL_DATADIR;
  if (!is_dir(dir))
    return kabar__fail_path(err, KABAR_EIO, dir, KABAR_NO_OFFSET, ENOENT);
  ctx->data_dir = kabar__strndup(dir, strlen(dir));
  return ctx->data_dir ? KABAR_OK : kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
}

kabar_ctx *kabar_ctx_new(const kabar_ctx_options *opts, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (opts && (opts->version < 1 || opts->version > KABAR_CTX_OPTIONS_VERSION)) {
    kabar__fail(err, opts->version > KABAR_CTX_OPTIONS_VERSION ? KABAR_EVERSION : KABAR_EINVAL,
                KABAR_NO_OFFSET, 0);
    return NULL;
  }
  if (opts && (opts->flags & ~KABAR_CTX_FLAGS_ALL)) {
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  kabar_ctx *ctx = kabar__calloc(1, sizeof *ctx);
  if (!ctx) {
    kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  ctx->use_jit = !(opts && (opts->flags & KABAR_CTX_NO_JIT));
  ctx->match_limit = opts && opts->regex_match_limit ? opts->regex_match_limit
                                                     : KABAR_DEFAULT_MATCH_LIMIT;
  ctx->max_input = opts && opts->max_input_bytes ? opts->max_input_bytes : KABAR_DEFAULT_MAX_INPUT;
  if (opts && opts->version >= 2) {
    ctx->max_blocks = opts->max_blocks;
    ctx->max_tokens = opts->max_tokens;
  }
  if (ctx->max_input > KABAR_DEFAULT_MAX_INPUT)
    ctx->max_input = KABAR_DEFAULT_MAX_INPUT; /* offsets are 32-bit and ICU indices int32 */
  kabar_status rc = open_deps(ctx, err);
  if (rc == KABAR_OK &&
      (!(ctx->stems = kabar__stem_cache_new()) || !(ctx->docs = kabar__doc_pool_new())))
    rc = kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  if (rc == KABAR_OK)
    rc = find_data_dir(ctx, opts, err);
  if (rc == KABAR_OK) {
    char *common = join_path(ctx->data_dir, "common/boilerplate.rules");
    rc = common ? kabar__rules_load(ctx, common, 1, &ctx->common_rules, err)
                : kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    kabar__free(common);
  }
  if (rc == KABAR_OK)
    rc = opts && opts->languages ? load_listed_langs(ctx, opts->languages, err)
                                 : load_all_langs(ctx, err);
  if (rc == KABAR_OK)
    rc = merge_stopwords(ctx, err);
  if (rc != KABAR_OK) {
    kabar_ctx_free(ctx);
    return NULL;
  }
  return ctx;
}

void kabar_ctx_free(kabar_ctx *ctx) {
  if (!ctx)
    return;
  for (size_t i = 0; i < ctx->nlangs; i++) {
    kabar_lang *l = &ctx->langs[i];
    kabar__free(l->name);
    kabar__free(l->stemmer);
    kabar__strtab_free(&l->stopwords);
    kabar__strtab_free(&l->abbrevs);
    kabar__rules_free(l->rules);
    if (l->ner)
      kabar__ner_lang_free(l->ner);
    kabar__free(l->ner);
    kabar__summary_model_free(l->summary_model);
    kabar__numwords_free(l->numwords);
  }
  kabar__rules_free(ctx->common_rules);
  kabar__stem_cache_free(ctx->stems);
  kabar__doc_pool_free(ctx->docs);
  kabar__strtab_free(&ctx->stopwords);
  kabar__free(ctx->stop_langs);
  kabar__free(ctx->stop_mem);
  ubrk_close(ctx->word_tmpl);
  ubrk_close(ctx->sent_tmpl);
  pcre2_match_context_free(ctx->pcre_mctx);
  pcre2_general_context_free(ctx->pcre_gctx);
  kabar__free(ctx->data_dir);
  kabar__free(ctx);
}

size_t kabar_ctx_lang_count(const kabar_ctx *ctx) { return ctx ? ctx->nlangs : 0; }
const char *kabar_ctx_lang(const kabar_ctx *ctx, size_t index) {
  return ctx && index < ctx->nlangs ? ctx->langs[index].tag : NULL;
}
const char *kabar_ctx_data_dir(const kabar_ctx *ctx) { return ctx ? ctx->data_dir : NULL; }
