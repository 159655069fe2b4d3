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
#endif
