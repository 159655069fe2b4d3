/* libFuzzer target for the index: a program of operations on two indexes, with invariants.
 *
 * Input: a sequence of operations, each one opcode byte, then its operand:
 *   0  add:    u8 date step, u8 length L, then L*4 bytes of text (analysed as one article;
 *              invalid UTF-8 is repaired) added under the id "aN"
 *   1  import: u8 length L, then L*8 bytes given to kabar_index_import() as a record
 *   2  evict:  u8 days; evicts what is older than the clock minus that many days
 *   3  query:  like add, without adding
 * After every add, the article is exported and imported into a second index, which must then
 * give the same count and export the same bytes. */
#include "fuzz_common.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(const kabar_index_result *r, int query) {
  KF_CHECK(r->jaccard >= 0.0 && r->jaccard <= 1.0);
  KF_CHECK(r->containment >= 0.0 && r->containment <= 1.0);
  if (query) {
    KF_CHECK(r->seq == KABAR_INDEX_NONE);
    KF_CHECK((r->cluster == KABAR_INDEX_NONE) == (r->cluster_id == NULL));
    return;
  }
  KF_CHECK(r->cluster <= r->seq && r->story <= r->seq);
  KF_CHECK(r->cluster_id != NULL && r->story_id != NULL);
  KF_CHECK(r->matched == KABAR_INDEX_NONE || r->matched < r->seq);
  KF_CHECK((r->matched == KABAR_INDEX_NONE) == (r->cluster == r->seq));
  KF_CHECK(r->story_matched == KABAR_INDEX_NONE || r->story_matched < r->seq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const kabar_ctx *ctx = kf_ctx();
  kabar_index *a = kabar_index_new(NULL, NULL), *b = kabar_index_new(NULL, NULL);
  KF_CHECK(a && b);
  static unsigned char rec[70000], rec2[70000];
  int64_t date = 0;
  unsigned added = 0;
  size_t pos = 0;
  while (pos < size) {
    uint8_t op = data[pos++] % 4;
    if ((op == 0 || op == 3) && pos + 2 <= size) {
      date += data[pos] * 3600;
      size_t len = (size_t)data[pos + 1] * 4;
      pos += 2;
      if (len > size - pos)
        len = size - pos;
      kabar_error err;
      kabar_doc *doc = kabar_doc_new(ctx, (const char *)data + pos, len,
                                     KABAR_DOC_REPLACE_INVALID, &err);
      pos += len;
      if (!doc)
        continue;
      kabar_index_item *it = kabar_index_item_new(doc, &err);
      kabar_doc_free(doc);
      KF_CHECK(it != NULL);
      kabar_index_result r = KABAR_INDEX_RESULT_INIT;
      if (op == 3) {
        KF_CHECK(kabar_index_query(a, date, it, &r) == KABAR_OK);
        check_result(&r, 1);
      } else {
        char id[16];
        snprintf(id, sizeof id, "a%u", added++);
        size_t before = kabar_index_count(a);
        KF_CHECK(kabar_index_add(a, id, strlen(id), date, it, &r) == KABAR_OK);
        check_result(&r, 0);
        KF_CHECK(kabar_index_count(a) == before + 1);
        size_t n = 0, n2 = 0;
        KF_CHECK(kabar_index_export(a, r.seq, rec, sizeof rec, &n) == KABAR_OK);
        kabar_status rc = kabar_index_import(b, rec, n);
        /* b may be ahead after fuzzed imports: then the number does not increase */
        KF_CHECK(rc == KABAR_OK || rc == KABAR_EINVAL);
        if (rc == KABAR_OK) {
          KF_CHECK(kabar_index_export(b, r.seq, rec2, sizeof rec2, &n2) == KABAR_OK);
          KF_CHECK(n == n2 && memcmp(rec, rec2, n) == 0);
        }
      }
      kabar_index_item_free(it);
    } else if (op == 1 && pos + 1 <= size) {
      size_t len = (size_t)data[pos++] * 8;
      if (len > size - pos)
        len = size - pos;
      size_t before = kabar_index_count(b);
      kabar_status rc = kabar_index_import(b, data + pos, len);
      KF_CHECK(rc == KABAR_OK || rc == KABAR_EINVAL);
      KF_CHECK(kabar_index_count(b) == before + (rc == KABAR_OK));
      pos += len;
    } else if (op == 2 && pos + 1 <= size) {
      int64_t clock = kabar_index_clock(a);
      int64_t before = (clock == KABAR_INDEX_NO_DATE ? 0 : clock) - (int64_t)data[pos++] * 86400;
      size_t ca = kabar_index_count(a);
      size_t gone = kabar_index_evict(a, before);
      KF_CHECK(kabar_index_count(a) == ca - gone);
      (void)kabar_index_evict(b, before);
    } else {
      break;
    }
  }
  KF_CHECK(kabar_index_memory(a) > 0);
  kabar_index_free(a);
  kabar_index_free(b);
  return 0;
}
