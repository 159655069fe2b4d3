#include "segment.h"
#include "../text/text.h"

#include <unicode/utext.h>

/* The code point before byte b (b > a), its start in *p. */
static int32_t cp_before(const char *text, uint32_t a, uint32_t b, uint32_t *p) {
  uint32_t q = b - 1;
  while (q > a && ((unsigned char)text[q] & 0xC0) == 0x80)
    q--;
  size_t len;
  *p = q;
  return kabar__utf8_decode((const unsigned char *)text + q, b - q, &len);
}

/* Characters that open a word's context: spaces, brackets and opening quotes. */
static int opens_word(int32_t cp) {
  return kabar__is_space_cp(cp) || cp == '(' || cp == '[' || cp == '"' || cp == '\'' ||
         cp == 0x201C || cp == 0x201E || cp == 0x2018 || cp == 0x201A || cp == 0x00AB ||
         cp == 0x2039;
}

/* True when the sentence candidate [a, b) ends in an abbreviation or an initial ("J."), so
 * the break after it is not a sentence end. */
static int ends_in_abbreviation(const kabar_doc *doc, const kabar_lang *lang, uint32_t a,
                                uint32_t b) {
  const char *s = doc->text;
  uint32_t p;
  while (b > a && kabar__is_space_cp(cp_before(s, a, b, &p)))
    b = p;
  if (b == a || s[b - 1] != '.')
    return 0;
  uint32_t w = b;
  while (w > a && !opens_word(cp_before(s, a, w, &p)))
    w = p;
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

/* Index of the first cut ending after pos (cuts are sorted and do not overlap). */
static size_t first_cut_after(const kabar_doc *doc, uint32_t pos) {
  size_t lo = 0, hi = doc->cuts.n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (doc->cuts.v[mid].end <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The cut containing pos, or NULL. */
static const kabar_cut *cut_at(const kabar_doc *doc, uint32_t pos) {
  size_t i = first_cut_after(doc, pos);
  return i < doc->cuts.n && doc->cuts.v[i].start <= pos ? &doc->cuts.v[i] : NULL;
}

static int space_at(const char *text, uint32_t pos, uint32_t end, uint32_t *next) {
  size_t len;
  int32_t cp = kabar__utf8_decode((const unsigned char *)text + pos, end - pos, &len);
  *next = pos + (uint32_t)len;
  return kabar__is_space_cp(cp);
}

/* Moves the sentence's edges out of cut spans and white space (any kind, NUL included);
 * empty if nothing is left. */
static void clip_sentence(const kabar_doc *doc, uint32_t *a, uint32_t *b) {
  uint32_t next, p;
  const kabar_cut *c;
  for (int changed = 1; changed && *a < *b;) {
    changed = 0;
    while (*a < *b && space_at(doc->text, *a, *b, &next))
      *a = next, changed = 1;
    if (*a < *b && (c = cut_at(doc, *a)) != NULL) {
      *a = c->end < *b ? c->end : *b;
      changed = 1;
    }
  }
  for (int changed = 1; changed && *a < *b;) {
    changed = 0;
    while (*b > *a && kabar__is_space_cp(cp_before(doc->text, *a, *b, &p)))
      *b = p, changed = 1;
    if (*b > *a && (c = cut_at(doc, *b - 1)) != NULL && c->start >= *a) {
      *b = c->start;
      changed = 1;
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
