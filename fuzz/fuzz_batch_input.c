/* libFuzzer target for kabar-batch's readers (examples/batch_input.c): JSON Lines records,
 * RSS/Atom feeds and dates. Byte 0 picks the reader; the rest is its input.
 *   0  batch_parse_jsonl    1  batch_parse_feed    2  batch_parse_date (NUL-terminated copy)
 * Invariants: a record is either an error (no text) or a non-empty text within the limit,
 * and always has an id when a fallback is given. */
#include "../examples/batch_input.h"
#include "fuzz_common.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BYTES 4096

static void check_record(const batch_record *r, int need_id) {
  KF_CHECK(!need_id || r->id != NULL);
  if (r->error) {
    KF_CHECK(r->text == NULL);
  } else {
    KF_CHECK(r->text != NULL);
    KF_CHECK(r->text_len > 0 && r->text_len <= MAX_BYTES);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const char *in = (const char *)data + 1;
  size_t len = size - 1;
  switch (data[0] % 3) {
  case 0: {
    batch_record r;
    memset(&r, 0, sizeof r);
    KF_CHECK(batch_parse_jsonl(in, len, "fallback", MAX_BYTES, &r) == 0);
    check_record(&r, 1);
    batch_record_clear(&r);
    break;
  }
  case 1: {
    batch_feed_item *items;
    size_t n;
    const char *why;
    if (batch_parse_feed(in, len, "feed", MAX_BYTES, &items, &n, &why) == 0) {
      for (size_t i = 0; i < n; i++) {
        check_record(&items[i].rec, 1);
        batch_record_clear(&items[i].rec);
      }
      free(items);
    } else {
      KF_CHECK(why != NULL);
    }
    break;
  }
  default: {
    char *s = malloc(len + 1);
    KF_CHECK(s != NULL);
    memcpy(s, in, len);
    s[len] = '\0';
    (void)batch_parse_date(s);
    free(s);
    break;
  }
  }
  return 0;
}
