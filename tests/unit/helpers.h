/* Shared helpers for the cmocka unit tests. */
#ifndef KABAR_TEST_HELPERS_H
#define KABAR_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kabar.h"

/* A context over the project's corpora/ (fails the test if it cannot be made). */
kabar_ctx *test_ctx(void);
/* The same over the data directory dir (e.g. one from test_make_data_dir). */
kabar_ctx *test_ctx_at(const char *dir);
/* cmocka group setup/teardown that make and free test_group_ctx. */
extern kabar_ctx *test_group_ctx;
int test_group_setup(void **state);
int test_group_teardown(void **state);
/* Reads corpora/samples/<name> (or an absolute path); free() the result. */
char *test_read_sample(const char *name, size_t *len);
/* Index of the block starting on 1-based line `line`, or KABAR_NO_INDEX. */
size_t test_block_at_line(const kabar_doc *doc, size_t line);
/* Asserts every span the doc reports lies in [0, len] on UTF-8 boundaries of `text`. */
void test_assert_spans_valid(const kabar_doc *doc, const char *text, size_t len);
/* A new temporary data directory (free() the name) holding the project's id/nl language
 * files and common/boilerplate.rules, without entity files; test_rm_tree() removes it. */
char *test_make_data_dir(void);
void test_rm_tree(const char *dir);
/* Writes text to dir/rel. */
void test_write_file(const char *dir, const char *rel, const char *text);
/* Whole-file write and read (free() the result). */
void test_write_bytes(const char *path, const void *p, size_t n);
char *test_read_bytes(const char *path, size_t *n);
#endif
