#include "segment.h"
#include "../text/text.h"

#include <unicode/utext.h>

/* Case-folds one token into doc->types. */
static uint32_t intern_type(kabar_doc *doc, const char *s, size_t n, kabar_buf *scratch) {
  char small[64];
  int ascii = n <= sizeof small;
  for (size_t i = 0; ascii && i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80)
      ascii = 0;
    else
      small[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  if (ascii)
    return kabar__strtab_intern(&doc->types, small, n);
  scratch->len = 0;
  kabar_status rc = kabar__normalize(doc->ctx, s, n, scratch, NULL, 0);
  if (rc != KABAR_OK)
    return KABAR_STRTAB_NONE;
  return kabar__strtab_intern(&doc->types, scratch->p ? scratch->p : "", scratch->len);
}

/* Reduplication ("anak-anak", "perusahaan-perusahaan", "berlari-lari") is one word. */
static int is_reduplication(const kabar_doc *doc, const kabar_token *a, const kabar_token *b) {
  if (b->start != a->end + 1 || doc->text[a->end] != '-')
    return 0;
  if (a->type == b->type)
    return 1;
  uint32_t la = kabar__strtab_len(&doc->types, a->type);
  uint32_t lb = kabar__strtab_len(&doc->types, b->type);
  const char *sa = kabar__strtab_str(&doc->types, a->type);
  const char *sb = kabar__strtab_str(&doc->types, b->type);
  return lb >= 3 && la > lb && memcmp(sa + la - lb, sb, lb) == 0;
}

static kabar_status block_tokens(kabar_doc *doc, uint32_t bi, kabar_buf *scratch) {
  kabar_block *blk = &doc->blocks.v[bi];
  UErrorCode ec = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, doc->text + blk->start, (int64_t)(blk->end - blk->start), &ec);
  ubrk_setUText(doc->word_bi, &ut, &ec);
  if (U_FAILURE(ec)) {
    utext_close(&ut);
    return KABAR_EDEP;
  }
  blk->tok_first = (uint32_t)doc->tokens.n;
  kabar_status rc = KABAR_OK;
  int32_t prev = ubrk_first(doc->word_bi);
  for (int32_t next = ubrk_next(doc->word_bi); next != UBRK_DONE;
       prev = next, next = ubrk_next(doc->word_bi)) {
    int32_t status = ubrk_getRuleStatus(doc->word_bi);
    if (status < UBRK_WORD_NONE_LIMIT)
      continue;
    kabar_token t;
    memset(&t, 0, sizeof t);
    t.start = blk->start + (uint32_t)prev;
    t.end = blk->start + (uint32_t)next;
    t.block = bi;
    t.flags = status < UBRK_WORD_NUMBER_LIMIT ? KABAR_TOK_NUMBER : 0;
    t.type = intern_type(doc, doc->text + t.start, t.end - t.start, scratch);
    if (t.type == KABAR_STRTAB_NONE) {
      rc = KABAR_ENOMEM;
      break;
    }
    if (doc->tokens.n > blk->tok_first &&
        is_reduplication(doc, &doc->tokens.v[doc->tokens.n - 1], &t)) {
      doc->tokens.v[doc->tokens.n - 1].end = t.end;
      continue;
    }
    if (KABAR_VEC_PUSH(doc->tokens, t) != 0) {
      rc = KABAR_ENOMEM;
      break;
    }
  }
  blk->tok_end = (uint32_t)doc->tokens.n;
  utext_close(&ut);
  return rc;
}

kabar_status kabar__segment_tokens(kabar_doc *doc) {
  kabar_buf scratch = {0};
  kabar_status rc = KABAR_OK;
  for (size_t i = 0; i < doc->blocks.n && rc == KABAR_OK; i++)
    rc = block_tokens(doc, (uint32_t)i, &scratch);
  kabar__buf_free(&scratch);
  return rc;
}
