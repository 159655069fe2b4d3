/* libFuzzer target for kabar_normalize(): normalises untrusted bytes and checks the output
 * and its offset map.
 *
 * Input layout: byte 0 picks the flags (bit 0: KABAR_NORMALIZE_REPLACE_INVALID), the rest is
 * the text. An empty input is normalised as empty text with no flags. */
#include "fuzz_common.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const kabar_ctx *ctx = kf_ctx();
  uint32_t flags = 0;
  const unsigned char *text = data;
  size_t len = size;
  if (size > 0) {
    if (data[0] & 0x1)
      flags |= KABAR_NORMALIZE_REPLACE_INVALID;
    text++;
    len--;
  }
  size_t bad = kf_utf8_first_invalid(text, len);

  kabar_error err;
  memset(&err, 0, sizeof err);
  size_t out_len = (size_t)-1, *map = NULL;
  char *out = kabar_normalize(ctx, (const char *)text, len, flags, &out_len, &map, &err);
  if (out == NULL) {
    KF_CHECK(map == NULL);
    kf_check_failure("fuzz_normalize", &err, (flags & KABAR_NORMALIZE_REPLACE_INVALID) != 0, len,
                     bad);
    return 0;
  }
  /* ill-formed input is an error unless it is repaired */
  KF_CHECK(bad == len || (flags & KABAR_NORMALIZE_REPLACE_INVALID));
  KF_CHECK(map != NULL);
  /* output: well-formed UTF-8, NUL-terminated at its length, no NUL inside */
  KF_CHECK(strlen(out) == out_len);
  KF_CHECK(kf_utf8_first_invalid((const unsigned char *)out, out_len) == out_len);
  /* map: out_len + 1 non-decreasing offsets into the input, ending at its length; reading
   * map[out_len] also lets ASan catch a map that is too short */
  KF_CHECK(map[out_len] == len);
  for (size_t i = 0; i < out_len; i++) {
    KF_CHECK(map[i] <= len);
    KF_CHECK(map[i] <= map[i + 1]);
  }
  kabar_free(out);
  kabar_free(map);
  return 0;
}
