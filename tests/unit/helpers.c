#define _XOPEN_SOURCE 700
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

kabar_ctx *test_ctx(void) { return test_ctx_at(KABAR_TEST_CORPORA); }

kabar_ctx *test_ctx_at(const char *dir) {
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = dir;
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&opts, &err);
  if (!ctx)
    fail_msg("kabar_ctx_new: %s (%s:%zu)", kabar_strerror(err.code), err.path, err.offset);
  return ctx;
}

kabar_ctx *test_group_ctx;

int test_group_setup(void **state) {
  (void)state;
  test_group_ctx = test_ctx();
  return test_group_ctx ? 0 : -1;
}

int test_group_teardown(void **state) {
  (void)state;
  kabar_ctx_free(test_group_ctx);
  test_group_ctx = NULL;
  return 0;
}

char *test_read_sample(const char *name, size_t *len) {
  char path[1024];
  if (name[0] == '/')
    snprintf(path, sizeof path, "%s", name);
  else
    snprintf(path, sizeof path, "%s/samples/%s", KABAR_TEST_CORPORA, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

size_t test_block_at_line(const kabar_doc *doc, size_t line) {
  for (size_t i = 0; i < kabar_doc_block_count(doc); i++)
    if (kabar_doc_block_line(doc, i) == line)
      return i;
  return KABAR_NO_INDEX;
}

static void assert_boundary(const char *text, size_t len, size_t off) {
  assert_true(off <= len);
  if (off < len)
    assert_true(((unsigned char)text[off] & 0xC0) != 0x80);
}

static void assert_span(const char *text, size_t len, kabar_span sp) {
  assert_true(sp.start <= sp.end);
  assert_boundary(text, len, sp.start);
  assert_boundary(text, len, sp.end);
}

void test_assert_spans_valid(const kabar_doc *doc, const char *text, size_t len) {
  kabar_span sp;
  for (size_t i = 0; i < kabar_doc_block_count(doc); i++) {
    assert_int_equal(kabar_doc_block(doc, i, &sp, NULL), KABAR_OK);
    assert_span(text, len, sp);
    size_t dup = kabar_doc_block_duplicate_of(doc, i);
    assert_true(dup == KABAR_NO_INDEX || dup < i);
  }
  size_t prev_start = 0;
  for (size_t i = 0; i < kabar_doc_cut_count(doc); i++) {
    assert_int_equal(kabar_doc_cut(doc, i, &sp, NULL, NULL, NULL), KABAR_OK);
    assert_span(text, len, sp);
    assert_true(sp.start >= prev_start); /* documented: in input order */
    prev_start = sp.start;
  }
  for (size_t i = 0; i < kabar_doc_sentence_count(doc); i++) {
    assert_int_equal(kabar_doc_sentence(doc, i, &sp, NULL), KABAR_OK);
    assert_span(text, len, sp);
  }
  for (size_t i = 0; i < kabar_doc_token_count(doc); i++) {
    assert_int_equal(kabar_doc_token(doc, i, &sp, NULL, NULL), KABAR_OK);
    assert_span(text, len, sp);
  }
}

/* ---- temporary data directories ---- */

void test_write_file(const char *dir, const char *rel, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  FILE *f = fopen(path, "wb");
  if (!f)
    fail_msg("cannot write %s: %s", path, strerror(errno));
  fputs(text, f);
  fclose(f);
}

void test_write_bytes(const char *path, const void *p, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(p, 1, n, f), n);
  fclose(f);
}

char *test_read_bytes(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)len + 1);
  assert_non_null(p);
  assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
  fclose(f);
  *n = (size_t)len;
  return p;
}

static void copy_file(const char *from, const char *to) {
  size_t n;
  char *p = test_read_bytes(from, &n);
  test_write_bytes(to, p, n);
  free(p);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

void test_rm_tree(const char *dir) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

/* A data directory with the project's language files for id and nl (no entity files). */
char *test_make_data_dir(void) {
  char *dir = strdup("/tmp/kabar-test-entities-XXXXXX");
  assert_non_null(dir);
  assert_non_null(mkdtemp(dir));
  static const char *const langs[] = {"id", "nl"};
  static const char *const files[] = {"language.conf", "stopwords.txt", "abbreviations.txt",
                                      "boilerplate.rules"};
  char from[512], to[512];
  for (size_t l = 0; l < 2; l++) {
    snprintf(to, sizeof to, "%s/%s", dir, langs[l]);
    assert_int_equal(mkdir(to, 0700), 0);
    for (size_t f = 0; f < 4; f++) {
      snprintf(from, sizeof from, "%s/%s/%s", KABAR_TEST_CORPORA, langs[l], files[f]);
      snprintf(to, sizeof to, "%s/%s/%s", dir, langs[l], files[f]);
      copy_file(from, to);
    }
  }
  snprintf(to, sizeof to, "%s/common", dir);
  assert_int_equal(mkdir(to, 0700), 0);
  snprintf(from, sizeof from, "%s/common/boilerplate.rules", KABAR_TEST_CORPORA);
  snprintf(to, sizeof to, "%s/common/boilerplate.rules", dir);
  copy_file(from, to);
  return dir;
}

