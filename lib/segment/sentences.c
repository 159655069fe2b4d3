#include "segment.h"
#include "../text/text.h"

#include <unicode/utext.h>

/* True when the sentence candidate [a, b) ends in an abbreviation or an initial ("J."), so
 * the break after it is not a sentence end. */
static int ends_in_abbreviation(const kabar_doc *doc, const kabar_lang *lang, uint32_t a,
                                uint32_t b) {
  const char *s = doc->text;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\n' || s[b - 1] == '\r'))
    b--;
  if (b == a || s[b - 1] != '.')
    return 0;
  uint32_t w = b;
  while (w > a && s[w - 1] != ' ' && s[w - 1] != '\t' && s[w - 1] != '\n' && s[w - 1] != '(' &&
         s[w - 1] != '"' && s[w - 1] != '\'')
    w--;
  uint32_t n = b - w;
  if (n == 2 && ((s[w] >= 'A' && s[w] <= 'Z') || (s[w] >= 'a' && s[w] <= 'z')))
    return 1; /* an initial */
  if (!lang || n > 24)
    return 0;
  char low[24];
  for (uint32_t i = 0; i < n; i++)
    low[i] = (char)(s[w + i] >= 'A' && s[w + i] <= 'Z' ? s[w + i] + 32 : s[w + i]);
  return kabar__strtab_find(&lang->abbrevs, low, n) != KABAR_STRTAB_NONE;
}

static int in_cut(const kabar_doc *doc, size_t *ci, uint32_t pos) {
  while (*ci < doc->cuts.n && doc->cuts.v[*ci].end <= pos)
    (*ci)++;
  return *ci < doc->cuts.n && doc->cuts.v[*ci].start <= pos;
}

/* Moves the sentence's edges out of cut spans and white space; empty if nothing is left. */
static void clip_sentence(const kabar_doc *doc, uint32_t *a, uint32_t *b) {
  size_t ci = 0;
  for (int changed = 1; changed && *a < *b;) {
    changed = 0;
    while (*a < *b && (doc->text[*a] == ' ' || doc->text[*a] == '\n' || doc->text[*a] == '\r' ||
                       doc->text[*a] == '\t'))
      (*a)++, changed = 1;
    if (*a < *b && in_cut(doc, &ci, *a)) {
      *a = doc->cuts.v[ci].end < *b ? doc->cuts.v[ci].end : *b;
      changed = 1;
    }
  }
  for (int changed = 1; changed && *a < *b;) {
    changed = 0;
    while (*b > *a && (doc->text[*b - 1] == ' ' || doc->text[*b - 1] == '\n' ||
                       doc->text[*b - 1] == '\r' || doc->text[*b - 1] == '\t'))
      (*b)--, changed = 1;
    for (size_t k = 0; k < doc->cuts.n && *b > *a; k++) {
      const kabar_cut *c = &doc->cuts.v[k];
      if (c->start < *b && c->end >= *b && c->start >= *a) {
        *b = c->start;
        changed = 1;
      }
    }
  }
}

static kabar_status push_sentence(kabar_doc *doc, uint32_t a, uint32_t b, uint32_t bi) {
  clip_sentence(doc, &a, &b);
  if (a >= b)
    return KABAR_OK;
  kabar_sentence s = {a, b, bi};
  return KABAR_VEC_PUSH(doc->sentences, s) == 0 ? KABAR_OK : KABAR_ENOMEM;
}

static kabar_status block_sentences(kabar_doc *doc, uint32_t bi, kabar_buf *flat) {
  const kabar_block *blk = &doc->blocks.v[bi];
  const char *src = doc->text + blk->start;
  size_t n = blk->end - blk->start;
  if (memchr(src, '\n', n) || memchr(src, '\r', n)) {
    /* ICU ends a sentence at every line break; wrapped paragraphs must read as one line */
    flat->len = 0;
    if (kabar__buf_put(flat, src, n) != 0)
      return KABAR_ENOMEM;
    for (size_t i = 0; i < n; i++)
      if (flat->p[i] == '\n' || flat->p[i] == '\r')
        flat->p[i] = ' ';
    src = flat->p;
  }
  UErrorCode ec = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, src, (int64_t)n, &ec);
  ubrk_setUText(doc->sent_bi, &ut, &ec);
  if (U_FAILURE(ec)) {
    utext_close(&ut);
    return KABAR_EDEP;
  }
  uint8_t li = blk->lang != KABAR_LANG_OTHER ? blk->lang : doc->lang;
  const kabar_lang *lang = li != KABAR_LANG_OTHER ? &doc->ctx->langs[li] : NULL;
  kabar_status rc = KABAR_OK;
  uint32_t start = blk->start;
  ubrk_first(doc->sent_bi);
  for (int32_t brk = ubrk_next(doc->sent_bi); brk != UBRK_DONE && rc == KABAR_OK;
       brk = ubrk_next(doc->sent_bi)) {
    uint32_t end = blk->start + (uint32_t)brk;
    if (end < blk->end && ends_in_abbreviation(doc, lang, start, end))
      continue;
    rc = push_sentence(doc, start, end, bi);
    start = end;
  }
  if (rc == KABAR_OK && start < blk->end)
    rc = push_sentence(doc, start, blk->end, bi);
  utext_close(&ut);
  return rc;
}

kabar_status kabar__segment_sentences(kabar_doc *doc) {
  kabar_buf flat = {0};
  kabar_status rc = KABAR_OK;
  for (size_t i = 0; i < doc->blocks.n && rc == KABAR_OK; i++)
    if (doc->blocks.v[i].kind != KABAR_BLOCK_BOILERPLATE)
      rc = block_sentences(doc, (uint32_t)i, &flat);
  kabar__buf_free(&flat);
  return rc;
}
