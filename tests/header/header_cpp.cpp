// Header test (STYLE §13): kabar.h alone, first and only include, compiled as C++11 with
// -pedantic -Werror (tests/CMakeLists.txt) and linked to libkabar, which checks the header's
// extern "C" block: without it the calls below would not link.
#include <kabar.h>

int main() {
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  if (kabar_ctx_options_init(&opts, KABAR_CTX_OPTIONS_VERSION) != KABAR_OK)
    return 1;
  kabar_error err;
  err.code = KABAR_OK;
  err.offset = KABAR_NO_OFFSET;
  kabar_span span = {0, 0};
  kabar_block_kind kind = KABAR_BLOCK_TITLE;
  kabar_repeat_kind repeat = KABAR_REPEAT_STRUCTURAL;
  kabar_cut_kind cut = KABAR_CUT_BOILERPLATE;
  const uint32_t flags = KABAR_DOC_FLAGS_ALL | KABAR_NORMALIZE_REPLACE_INVALID;
  const kabar_doc *doc = nullptr;
  kabar_ctx *ctx = nullptr;

  if (kabar_version() != KABAR_VERSION_NUMBER)
    return 1;
  if (kabar_strerror(err.code) == nullptr || kabar_doc_block_count(doc) != 0)
    return 1;
  if (span.start != span.end || kind != KABAR_BLOCK_TITLE || repeat == KABAR_REPEAT_NONE ||
      cut != KABAR_CUT_BOILERPLATE || flags == 0 || err.offset != KABAR_NO_OFFSET)
    return 1;
  if (kabar_doc_block(doc, 0, &span, &kind) != KABAR_EINVAL)
    return 1;
  kabar_ctx_free(ctx);
  kabar_free(nullptr);
  return KABAR_MINHASH_SIZE == 64 ? 0 : 1;
}
