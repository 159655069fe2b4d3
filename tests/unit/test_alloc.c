/* Allocation failure: the Nth allocation (through the library's internal allocator) fails,
 * for every N over a whole call. Each failing call must return KABAR_ENOMEM, leave the
 * context usable and leak nothing (the ASan CI job checks leaks). ICU, PCRE2's JIT compiler
 * and libstemmer allocate on their own and are outside this test. */
#include "helpers.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct result {
  char *text;
  size_t nblocks, ncuts, nsentences, ntokens;
  uint64_t simhash;
} result;

static result summarise(const kabar_doc *doc) {
  result r;
  size_t len;
  const char *t = kabar_doc_text(doc, &len);
  r.text = malloc(len + 1);
  memcpy(r.text, t, len + 1);
  r.nblocks = kabar_doc_block_count(doc);
  r.ncuts = kabar_doc_cut_count(doc);
  r.nsentences = kabar_doc_sentence_count(doc);
  r.ntokens = kabar_doc_token_count(doc);
  r.simhash = kabar_doc_simhash(doc);
  return r;
}

static void assert_same(const result *a, const result *b) {
  assert_string_equal(a->text, b->text);
  assert_int_equal(a->nblocks, b->nblocks);
  assert_int_equal(a->ncuts, b->ncuts);
  assert_int_equal(a->nsentences, b->nsentences);
  assert_int_equal(a->ntokens, b->ntokens);
  assert_int_equal(a->simhash, b->simhash);
}

/* Analyses text with every allocation in turn failing; returns how many failed first. */
static size_t walk_doc_failures(const kabar_ctx *ctx, const char *text, size_t len,
                                uint32_t flags) {
  kabar_error err;
  kabar_doc *ref_doc = kabar_doc_new(ctx, text, len, flags, &err);
  assert_non_null(ref_doc);
  result ref = summarise(ref_doc);
  kabar_doc_free(ref_doc);
  size_t n = 1;
  for (;; n++) {
    kabar__alloc_fail_after(n);
    kabar_doc *doc = kabar_doc_new(ctx, text, len, flags, &err);
    kabar__alloc_fail_after(0);
    if (doc) {
      result r = summarise(doc);
      assert_same(&ref, &r);
      free(r.text);
      kabar_doc_free(doc);
      break;
    }
    if (err.code != KABAR_ENOMEM)
      fail_msg("allocation %zu failed: got %s, want KABAR_ENOMEM", n, kabar_strerror(err.code));
    /* the context is still fine */
    kabar_doc *again = kabar_doc_new(ctx, text, len, flags, &err);
    assert_non_null(again);
    kabar_doc_free(again);
  }
  free(ref.text);
  return n - 1;
}

static void test_doc_allocation_failures(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  size_t len;
  char *text = test_read_sample("id-cyber-pact.txt", &len);
  size_t failures = walk_doc_failures(ctx, text, len, 0);
  assert_true(failures > 20); /* a real analysis makes many allocations */
  free(text);
  text = test_read_sample("nl-chipfabriek.txt", &len);
  walk_doc_failures(ctx, text, len, KABAR_DOC_BORROW);
  free(text);
  /* the repair path */
  static const char bad[] = "Judul\n\nParagraf \xff pertama. Paragraf \xe2\x82 kedua.\n";
  walk_doc_failures(ctx, bad, sizeof bad - 1, KABAR_DOC_REPLACE_INVALID);
  kabar_ctx_free(ctx);
}

static void test_ctx_allocation_failures(void **state) {
  (void)state;
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = KABAR_TEST_CORPORA;
  kabar_error err;
  size_t n = 1;
  for (;; n++) {
    kabar__alloc_fail_after(n);
    kabar_ctx *ctx = kabar_ctx_new(&opts, &err);
    kabar__alloc_fail_after(0);
    if (ctx) {
      assert_int_equal(kabar_ctx_lang_count(ctx), 2);
      kabar_ctx_free(ctx);
      break;
    }
    if (err.code != KABAR_ENOMEM)
      fail_msg("allocation %zu failed: got %s (%s), want KABAR_ENOMEM", n,
               kabar_strerror(err.code), err.path);
  }
  assert_true(n > 100); /* word lists and rules */
}

static void test_normalize_allocation_failures(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  static const char in[] = "  \xe2\x80\x9c\xc3\x89" "COLE\xe2\x80\x9d  \xff na\xc3\xaf" "ef\xef\xac\x81  ";
  size_t ref_len, *ref_map;
  kabar_error err;
  char *ref = kabar_normalize(ctx, in, sizeof in - 1, KABAR_NORMALIZE_REPLACE_INVALID, &ref_len,
                              &ref_map, &err);
  assert_non_null(ref);
  for (size_t n = 1;; n++) {
    size_t len, *map;
    kabar__alloc_fail_after(n);
    char *out = kabar_normalize(ctx, in, sizeof in - 1, KABAR_NORMALIZE_REPLACE_INVALID, &len,
                                &map, &err);
    kabar__alloc_fail_after(0);
    if (out) {
      assert_int_equal(len, ref_len);
      assert_memory_equal(out, ref, len);
      assert_memory_equal(map, ref_map, (len + 1) * sizeof *map);
      kabar_free(out);
      kabar_free(map);
      break;
    }
    assert_int_equal(err.code, KABAR_ENOMEM);
    assert_null(map);
  }
  kabar_free(ref);
  kabar_free(ref_map);
  kabar_ctx_free(ctx);
}

/* kabar_doc_summarize with every allocation in turn failing: KABAR_ENOMEM, then the same
 * summary as without failures. */
static void walk_summary_failures(const kabar_ctx *ctx, const char *text, size_t len) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(ctx, text, len, 0, &err);
  assert_non_null(doc);
  kabar_summary *ref = kabar_doc_summarize(doc, NULL, &err);
  assert_non_null(ref);
  size_t n = 1;
  for (;; n++) {
    kabar__alloc_fail_after(n);
    kabar_summary *s = kabar_doc_summarize(doc, NULL, &err);
    kabar__alloc_fail_after(0);
    if (!s) {
      if (err.code != KABAR_ENOMEM)
        fail_msg("allocation %zu failed: got %s, want KABAR_ENOMEM", n, kabar_strerror(err.code));
      continue;
    }
    assert_int_equal(kabar_summary_count(s), kabar_summary_count(ref));
    assert_int_equal(kabar_summary_keyword_count(s), kabar_summary_keyword_count(ref));
    for (size_t i = 0; i < kabar_summary_count(s); i++) {
      size_t a, b;
      kabar_summary_sentence(s, i, NULL, &a, NULL);
      kabar_summary_sentence(ref, i, NULL, &b, NULL);
      assert_int_equal(a, b);
    }
    kabar_summary_free(s);
    break;
  }
  assert_true(n > 3);
  kabar_summary_free(ref);
  kabar_doc_free(doc);
}

static void test_summary_allocation_failures(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  size_t len;
  char *text = test_read_sample("id-cyber-pact.txt", &len);
  walk_summary_failures(ctx, text, len);
  free(text);
  text = test_read_sample("nl-chipfabriek.txt", &len);
  walk_summary_failures(ctx, text, len);
  free(text);
  kabar_ctx_free(ctx);
}

/* The index: every allocation of new, item_new, add, import and a compacting evict in turn
 * fails; each call reports KABAR_ENOMEM and leaves the index as it was (an evict that cannot
 * compact keeps its articles marked dead, and still counts them out). */
static void test_index_allocation_failures(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  size_t len;
  char *text = test_read_sample("id-cyber-pact.txt", &len);
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(ctx, text, len, 0, &err);
  assert_non_null(doc);
  size_t n;
  for (n = 1;; n++) {
    kabar__alloc_fail_after(n);
    kabar_index_item *it = kabar_index_item_new(doc, &err);
    kabar__alloc_fail_after(0);
    if (it) {
      kabar_index_item_free(it);
      break;
    }
    assert_int_equal(err.code, KABAR_ENOMEM);
  }
  for (n = 1;; n++) {
    kabar__alloc_fail_after(n);
    kabar_index *idx = kabar_index_new(NULL, &err);
    kabar__alloc_fail_after(0);
    if (idx) {
      kabar_index_free(idx);
      break;
    }
    assert_int_equal(err.code, KABAR_ENOMEM);
  }
  kabar_index_item *it = kabar_index_item_new(doc, &err);
  assert_non_null(it);
  kabar_index *idx = kabar_index_new(NULL, &err);
  unsigned char rec[4096];
  size_t rec_len = 0;
  char id[16];
  /* 200 additions (dates 0..199), each walked through its allocations */
  for (int k = 0; k < 200; k++) {
    snprintf(id, sizeof id, "a%d", k);
    for (n = 1;; n++) {
      kabar_index_result r = KABAR_INDEX_RESULT_INIT;
      kabar__alloc_fail_after(n);
      kabar_status rc = kabar_index_add(idx, id, strlen(id), k, it, &r);
      kabar__alloc_fail_after(0);
      if (rc == KABAR_OK) {
        assert_int_equal(r.seq, (uint64_t)k);
        assert_string_equal(r.cluster_id, "a0");
        break;
      }
      assert_int_equal(rc, KABAR_ENOMEM);
      assert_int_equal(kabar_index_count(idx), (size_t)k);
    }
  }
  assert_int_equal(kabar_index_export(idx, 199, rec, sizeof rec, &rec_len), KABAR_OK);
  /* a compacting evict under failing allocations: the articles are out either way */
  for (n = 1; n < 40; n++) {
    kabar_index *copy = kabar_index_new(NULL, &err);
    for (uint64_t s = 0; s < 200; s++) {
      unsigned char buf[4096];
      size_t bl;
      assert_int_equal(kabar_index_export(idx, s, buf, sizeof buf, &bl), KABAR_OK);
      assert_int_equal(kabar_index_import(copy, buf, bl), KABAR_OK);
    }
    kabar__alloc_fail_after(n);
    size_t gone = kabar_index_evict(copy, 150);
    kabar__alloc_fail_after(0);
    assert_int_equal(gone, 150);
    assert_int_equal(kabar_index_count(copy), 50);
    kabar_index_result r = KABAR_INDEX_RESULT_INIT;
    assert_int_equal(kabar_index_add(copy, "late", 4, 300, it, &r), KABAR_OK);
    assert_string_equal(r.cluster_id, "a0"); /* the cluster keeps its first article's name */
    kabar_index_free(copy);
  }
  /* import into a fresh index, every allocation failing in turn */
  for (n = 1;; n++) {
    kabar_index *fresh = kabar_index_new(NULL, &err);
    kabar__alloc_fail_after(n);
    kabar_status rc = kabar_index_import(fresh, rec, rec_len);
    kabar__alloc_fail_after(0);
    if (rc == KABAR_OK) {
      assert_int_equal(kabar_index_count(fresh), 1);
      kabar_index_free(fresh);
      break;
    }
    assert_int_equal(rc, KABAR_ENOMEM);
    assert_int_equal(kabar_index_count(fresh), 0);
    kabar_index_free(fresh);
  }
  kabar_index_item_free(it);
  kabar_index_free(idx);
  kabar_doc_free(doc);
  free(text);
  kabar_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_doc_allocation_failures),
      cmocka_unit_test(test_ctx_allocation_failures),
      cmocka_unit_test(test_normalize_allocation_failures),
      cmocka_unit_test(test_summary_allocation_failures),
      cmocka_unit_test(test_index_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
