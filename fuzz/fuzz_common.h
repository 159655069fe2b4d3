/* Shared by the libFuzzer targets: the context made once, a UTF-8 validator written apart from
 * the library's (so a bug there cannot hide itself), and the check macro. Not installed. */
#ifndef KABAR_FUZZ_COMMON_H
#define KABAR_FUZZ_COMMON_H

#include "kabar.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef KABAR_FUZZ_CORPORA
#define KABAR_FUZZ_CORPORA "corpora"
#endif

/* Fails the run (libFuzzer saves the input) when an invariant does not hold. */
#define KF_CHECK(cond)                                                                         \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);             \
      abort();                                                                                 \
    }                                                                                          \
  } while (0)

static kabar_ctx *kf_ctx_ptr;

static inline void kf_ctx_free(void) {
  kabar_ctx_free(kf_ctx_ptr);
  kf_ctx_ptr = NULL;
}

/* The context every input shares: data from $KABAR_DATA_DIR, else the source tree's corpora. */
static inline const kabar_ctx *kf_ctx(void) {
  if (kf_ctx_ptr == NULL) {
    kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
    const char *dir = getenv("KABAR_DATA_DIR");
    opts.data_dir = dir != NULL && dir[0] != '\0' ? dir : KABAR_FUZZ_CORPORA;
    kabar_error err;
    kf_ctx_ptr = kabar_ctx_new(&opts, &err);
    if (kf_ctx_ptr == NULL) {
      fprintf(stderr, "fuzz: cannot load data from %s: %s (%s, line %zu)\n", opts.data_dir,
              kabar_strerror(err.code), err.path, err.offset);
      abort();
    }
    atexit(kf_ctx_free);
  }
  return kf_ctx_ptr;
}

/* Offset of the first ill-formed sequence's first byte (Unicode 15, table 3-7), or @p n when
 * all of s[0, n) is well-formed UTF-8. */
static inline size_t kf_utf8_first_invalid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c <= 0x7F) {
      i++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      len = 3;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;
    } else {
      return i;
    }
    if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
      return i;
    for (size_t k = 2; k < len; k++)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF)
        return i;
    i += len;
  }
  return n;
}

/* Whether @p pos is a code point boundary of s[0, n): the end, or not a continuation byte. */
static inline int kf_utf8_boundary(const unsigned char *s, size_t n, size_t pos) {
  return pos == n || (pos < n && (s[pos] & 0xC0) != 0x80);
}

/* A call that returned NULL: only a documented failure is fine. KABAR_EUTF8 must name the
 * first ill-formed sequence, and only when the caller did not ask for repair. */
static inline void kf_check_failure(const char *target, const kabar_error *err, int repair,
                                    size_t len, size_t first_bad) {
  switch (err->code) {
  case KABAR_EUTF8:
    KF_CHECK(!repair);
    KF_CHECK(err->offset < len);
    KF_CHECK(err->offset == first_bad);
    break;
  case KABAR_ELIMIT:
  case KABAR_ENOMEM:
    break;
  default:
    fprintf(stderr, "%s: unexpected status %d (%s) at %zu\n", target, (int)err->code,
            kabar_strerror(err->code), err->offset);
    abort();
  }
}

#endif /* KABAR_FUZZ_COMMON_H */
