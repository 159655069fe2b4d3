/* Header test (STYLE §13): kabar.h alone, first and only include, compiled as C99 with
 * -pedantic -Werror (tests/CMakeLists.txt). Links to libkabar and checks that the header's
 * version macros agree with the library's kabar_version() (STYLE §11). */
#include <kabar.h>

static int check_types(void) {
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  kabar_error err;
  kabar_span span = {0, 0};
  kabar_block_kind kind = KABAR_BLOCK_BODY;
  kabar_repeat_kind repeat = KABAR_REPEAT_NONE;
  kabar_cut_kind cut = KABAR_CUT_DATELINE;
  size_t none = KABAR_NO_INDEX;
  uint32_t flags = KABAR_DOC_FLAGS_ALL | KABAR_NORMALIZE_REPLACE_INVALID;

  err.code = KABAR_OK;
  err.offset = KABAR_NO_OFFSET;
  if (opts.version != KABAR_CTX_OPTIONS_VERSION || opts.flags != 0 || opts.languages != NULL)
    return 1;
  if (kabar_ctx_options_init(&opts, KABAR_CTX_OPTIONS_VERSION) != KABAR_OK)
    return 1;
  if (span.start != span.end || kind != KABAR_BLOCK_BODY || repeat != KABAR_REPEAT_NONE ||
      cut != KABAR_CUT_DATELINE || none != err.offset || flags == 0 || err.code != KABAR_OK)
    return 1;
  return 0;
}

int main(void) {
  const char *s = kabar_version_string();
  const char *e = KABAR_VERSION_STRING;
  /* the header documents NULL as a no-op for every free */
  kabar_doc_free(NULL);
  kabar_ctx_free(NULL);
  kabar_free(NULL);
  if (kabar_version() != KABAR_VERSION_NUMBER)
    return 1;
  if (((KABAR_VERSION_MAJOR << 16) | (KABAR_VERSION_MINOR << 8) | KABAR_VERSION_PATCH) !=
      KABAR_VERSION_NUMBER)
    return 1;
  while (*s != '\0' && *s == *e) {
    s++;
    e++;
  }
  if (*s != *e)
    return 1;
  if (kabar_strerror(KABAR_EUTF8) == NULL || KABAR_MINHASH_SIZE != 64)
    return 1;
  return check_types();
}
