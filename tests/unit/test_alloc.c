#define _POSIX_C_SOURCE 200809L
/* Allocation failure: the Nth allocation (through the library's internal allocator) fails,
 * for every N over a whole call. Each failing call must return KABAR_ENOMEM, leave the
 * context usable and leak nothing (the ASan CI job checks leaks). ICU, PCRE2's JIT compiler
 * and libstemmer allocate on their own and are outside this test. */
#include "helpers.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- named entities ---------------------------------------------------------------------- */

/* Tagged sentences ("tok/TAG", untagged = O) for a small model, written for this test. */
static const char *const ner_sentences[] = {
    "Menteri Yudi/B-PER Prakoso/I-PER tiba di Bogor/B-LOC .",
    "PT/B-ORG Surya/I-ORG Kencana/I-ORG membuka gudang di Cirebon/B-LOC .",
    "Bank/B-ORG Sentosa/I-ORG (/O BS/B-ORG )/O menaikkan bunga .",
    "Menurut Prakoso/B-PER , konferensi/B-EVENT Bahari/I-EVENT digelar di Bogor/B-LOC .",
    "Warga Tegal/B-LOC menyambut Gubernur Lina/B-PER Marlina/I-PER .",
};
#define N_NER (sizeof ner_sentences / sizeof *ner_sentences)

typedef struct ner_sent {
  char *buf;
  const char *tok[32], *tag[32];
  size_t len[32], n;
} ner_sent;

static void ner_sent_parse(ner_sent *s, const char *text) {
  s->buf = strdup(text);
  assert_non_null(s->buf);
  s->n = 0;
  for (char *p = strtok(s->buf, " "); p; p = strtok(NULL, " ")) {
    char *slash = strrchr(p, '/');
    s->tag[s->n] = "O";
    if (slash && slash != p) {
      *slash = '\0';
      s->tag[s->n] = slash + 1;
    }
    s->tok[s->n] = p;
    s->len[s->n] = strlen(p);
    s->n++;
  }
}

/* new + add every sentence + 2 epochs + model; NULL with err on failure (nothing leaks). */
static kabar_ner_model *train_small(const kabar_ctx *ctx, kabar_error *err) {
  kabar_ner_trainer *tr = kabar_ner_trainer_new(ctx, "id", 0, err);
  if (!tr)
    return NULL;
  kabar_ner_model *m = NULL;
  int ok = 1;
  for (size_t i = 0; i < N_NER && ok; i++) {
    ner_sent s;
    ner_sent_parse(&s, ner_sentences[i]);
    ok = kabar_ner_trainer_add(tr, s.tok, s.len, s.tag, s.n, err) == KABAR_OK;
    free(s.buf);
  }
  for (uint64_t e = 1; e <= 2 && ok; e++)
    ok = kabar_ner_trainer_epoch(tr, e, err) == KABAR_OK;
  if (ok)
    m = kabar_ner_trainer_model(tr, err);
  kabar_ner_trainer_free(tr);
  return m;
}

/* The tags of every training sentence, joined, into out. */
static void tag_all(const kabar_ctx *ctx, const kabar_ner_model *m, char *out, size_t cap) {
  kabar_error err;
  kabar_tagger *tg = kabar_tagger_new(ctx, m, &err);
  assert_non_null(tg);
  out[0] = '\0';
  for (size_t i = 0; i < N_NER; i++) {
    ner_sent s;
    ner_sent_parse(&s, ner_sentences[i]);
    const char *tags[32];
    assert_int_equal(kabar_tagger_tag(tg, s.tok, s.len, s.n, tags, &err), KABAR_OK);
    for (size_t k = 0; k < s.n; k++) {
      strncat(out, tags[k], cap - strlen(out) - 1);
      strncat(out, " ", cap - strlen(out) - 1);
    }
    free(s.buf);
  }
  kabar_tagger_free(tg);
}

/* A data dir with a gazetteer, trigger rules and a model for id. */
static char *entity_data_dir(void) {
  char *dir = test_make_data_dir();
  test_write_file(dir, "id/entities.gaz",
                  "LOC\tBogor\nORG\tBank Sentosa\nPER\tLina Marlina\nLOC\tSan Marino\tSan Marino\n");
  test_write_file(dir, "id/entities.rules",
                  "title\tMenteri\ntitle\tGubernur\norg-prefix\tBank\nevent-prefix\tkonferensi\tConference\n");
  test_write_file(dir, "nl/entities.rules", "title\tminister\nevent-suffix\tconferentie\tConference\n");
  test_write_file(dir, "common/entities.gaz", "ORG\tKantor Berita Nusa\n");
  kabar_ctx_options o = KABAR_CTX_OPTIONS_INIT;
  o.data_dir = dir;
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&o, &err);
  assert_non_null(ctx);
  kabar_ner_model *m = train_small(ctx, &err);
  assert_non_null(m);
  char path[512];
  snprintf(path, sizeof path, "%s/id/ner.model", dir);
  assert_int_equal(kabar_ner_model_save(m, path, &err), KABAR_OK);
  kabar_ner_model_free(m);
  kabar_ctx_free(ctx);
  return dir;
}

static void test_ner_ctx_allocation_failures(void **state) {
  (void)state;
  char *dir = entity_data_dir();
  kabar_ctx_options o = KABAR_CTX_OPTIONS_INIT;
  o.data_dir = dir;
  kabar_error err;
  size_t n = 1;
  for (;; n++) {
    kabar__alloc_fail_after(n);
    kabar_ctx *ctx = kabar_ctx_new(&o, &err);
    kabar__alloc_fail_after(0);
    if (ctx) {
      assert_non_null(kabar_ctx_ner_model(ctx, "id"));
      kabar_ctx_free(ctx);
      break;
    }
    if (err.code != KABAR_ENOMEM)
      fail_msg("allocation %zu failed: got %s (%s:%zu), want KABAR_ENOMEM", n,
               kabar_strerror(err.code), err.path, err.offset);
  }
  assert_true(n > 100);
  test_rm_tree(dir);
  free(dir);
}

/* Entities of a doc as one string: type, name and mention spans. */
static char *entity_string(const kabar_doc *doc) {
  size_t cap = 4096;
  char *out = malloc(cap);
  assert_non_null(out);
  out[0] = '\0';
  for (size_t e = 0; e < kabar_doc_entity_count(doc); e++) {
    kabar_entity_type t;
    const char *name;
    size_t nm;
    assert_int_equal(kabar_doc_entity(doc, e, &t, &name, &nm), KABAR_OK);
    size_t at = strlen(out);
    snprintf(out + at, cap - at, "%d:%s", (int)t, name);
    for (size_t k = 0; k < nm; k++) {
      kabar_span sp;
      kabar_doc_entity_mention(doc, e, k, &sp);
      at = strlen(out);
      snprintf(out + at, cap - at, " %zu-%zu", sp.start, sp.end);
    }
    at = strlen(out);
    snprintf(out + at, cap - at, "; ");
  }
  return out;
}

static void test_ner_doc_allocation_failures(void **state) {
  (void)state;
  char *dir = entity_data_dir();
  kabar_ctx_options o = KABAR_CTX_OPTIONS_INIT;
  o.data_dir = dir;
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&o, &err);
  assert_non_null(ctx);
  static const char text[] =
      "Gudang Baru di Bogor\n\n"
      "BOGOR - Menteri Yudi Prakoso membuka konferensi Bahari di Bogor. Menurut Prakoso, "
      "Bank Sentosa (BS) ikut mendanai gudang itu, dan BS akan membuka cabang di San Marrino.\n\n"
      "Gubernur Lina Marlina hadir bersama pengurus Kantor Berita Nusa.\n";
  kabar_doc *ref = kabar_doc_new_lang(ctx, text, sizeof text - 1, "id", 0, &err);
  assert_non_null(ref);
  char *want = entity_string(ref);
  assert_true(kabar_doc_entity_count(ref) >= 4);
  kabar_doc_free(ref);
  size_t n = 1;
  for (;; n++) {
    kabar__alloc_fail_after(n);
    kabar_doc *doc = kabar_doc_new_lang(ctx, text, sizeof text - 1, "id", 0, &err);
    kabar__alloc_fail_after(0);
    if (doc) {
      char *got = entity_string(doc);
      assert_string_equal(got, want);
      free(got);
      kabar_doc_free(doc);
      break;
    }
    if (err.code != KABAR_ENOMEM)
      fail_msg("allocation %zu failed: got %s, want KABAR_ENOMEM", n, kabar_strerror(err.code));
    kabar_doc *again = kabar_doc_new_lang(ctx, text, sizeof text - 1, "id", 0, &err);
    assert_non_null(again);
    kabar_doc_free(again);
  }
  assert_true(n > 20);
  free(want);
  kabar_ctx_free(ctx);
  test_rm_tree(dir);
  free(dir);
}

static void test_ner_trainer_allocation_failures(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_error err;
  kabar_ner_model *ref = train_small(ctx, &err);
  assert_non_null(ref);
  char want[2048], got[2048];
  tag_all(ctx, ref, want, sizeof want);
  size_t n = 1;
  for (;; n++) {
    kabar__alloc_fail_after(n);
    kabar_ner_model *m = train_small(ctx, &err);
    kabar__alloc_fail_after(0);
    if (m) {
      tag_all(ctx, m, got, sizeof got);
      assert_string_equal(got, want);
      assert_int_equal(kabar_ner_model_feature_count(m), kabar_ner_model_feature_count(ref));
      kabar_ner_model_free(m);
      break;
    }
    if (err.code != KABAR_ENOMEM)
      fail_msg("allocation %zu failed: got %s, want KABAR_ENOMEM", n, kabar_strerror(err.code));
  }
  assert_true(n > 20);
  /* a failed add leaves the trainer usable: the same sentence goes in afterwards */
  kabar_ner_trainer *tr = kabar_ner_trainer_new(ctx, "id", 0, &err);
  assert_non_null(tr);
  ner_sent s;
  ner_sent_parse(&s, ner_sentences[3]);
  for (size_t k = 1; k < 10; k++) {
    kabar__alloc_fail_after(k);
    kabar_status rc = kabar_ner_trainer_add(tr, s.tok, s.len, s.tag, s.n, &err);
    kabar__alloc_fail_after(0);
    assert_true(rc == KABAR_OK || rc == KABAR_ENOMEM);
  }
  assert_int_equal(kabar_ner_trainer_add(tr, s.tok, s.len, s.tag, s.n, &err), KABAR_OK);
  assert_int_equal(kabar_ner_trainer_epoch(tr, 1, &err), KABAR_OK);
  free(s.buf);
  kabar_ner_trainer_free(tr);
  kabar_ner_model_free(ref);
  kabar_ctx_free(ctx);
}

static void test_ner_model_file_allocation_failures(void **state) {
  (void)state;
  kabar_ctx *ctx = test_ctx();
  kabar_error err;
  kabar_ner_model *ref = train_small(ctx, &err);
  assert_non_null(ref);
  char path[256];
  snprintf(path, sizeof path, "/tmp/kabar-test-alloc-%ld.model", (long)getpid());
  /* save */
  size_t n = 1;
  for (;; n++) {
    kabar__alloc_fail_after(n);
    kabar_status rc = kabar_ner_model_save(ref, path, &err);
    kabar__alloc_fail_after(0);
    if (rc == KABAR_OK)
      break;
    assert_int_equal(rc, KABAR_ENOMEM);
  }
  assert_true(n > 1);
  /* load */
  char want[2048], got[2048];
  tag_all(ctx, ref, want, sizeof want);
  for (n = 1;; n++) {
    kabar__alloc_fail_after(n);
    kabar_ner_model *m = kabar_ner_model_load(path, &err);
    kabar__alloc_fail_after(0);
    if (m) {
      tag_all(ctx, m, got, sizeof got);
      assert_string_equal(got, want);
      kabar_ner_model_free(m);
      break;
    }
    if (err.code != KABAR_ENOMEM)
      fail_msg("allocation %zu failed: got %s, want KABAR_ENOMEM", n, kabar_strerror(err.code));
  }
  assert_true(n > 2);
  /* tagger: new, then tag */
  ner_sent s;
  ner_sent_parse(&s, ner_sentences[0]);
  for (n = 1;; n++) {
    const char *tags[32];
    kabar__alloc_fail_after(n);
    kabar_tagger *tg = kabar_tagger_new(ctx, ref, &err);
    kabar_status rc = tg ? kabar_tagger_tag(tg, s.tok, s.len, s.n, tags, &err) : err.code;
    kabar__alloc_fail_after(0);
    if (rc == KABAR_OK) {
      kabar_tagger_free(tg);
      break;
    }
    assert_int_equal(rc, KABAR_ENOMEM);
    assert_int_equal(err.code, KABAR_ENOMEM);
    /* a tagger whose tag call failed still works */
    if (tg) {
      assert_int_equal(kabar_tagger_tag(tg, s.tok, s.len, s.n, tags, &err), KABAR_OK);
      kabar_tagger_free(tg);
    }
  }
  assert_true(n > 2);
  free(s.buf);
  remove(path);
  kabar_ner_model_free(ref);
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
      cmocka_unit_test(test_ner_ctx_allocation_failures),
      cmocka_unit_test(test_ner_doc_allocation_failures),
      cmocka_unit_test(test_ner_trainer_allocation_failures),
      cmocka_unit_test(test_ner_model_file_allocation_failures),
      cmocka_unit_test(test_index_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
