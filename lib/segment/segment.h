/* segment/: blocks (paragraphs), word tokens and sentences. */
#ifndef KABAR_SEGMENT_H
#define KABAR_SEGMENT_H

#include "../core/internal.h"
#include "../text/text.h"

/* kabar__is_space_cp without the call for ASCII: the segmenters ask it about block and
 * sentence edges, which are nearly always ASCII. */
static inline int kabar__seg_space(int32_t cp) {
  if (cp < 0x80)
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0;
  return kabar__is_space_cp(cp);
}

/* Trims white-space code points (kabar__seg_space) from both ends of text[*a, *b). */
void kabar__seg_trim_cp(const char *text, uint32_t *a, uint32_t *b);
/* The same, with ASCII edges (nearly all) trimmed inline: a span is trimmed the same whether
 * its ASCII white space goes first or not. */
static inline void kabar__seg_trim(const char *text, uint32_t *a, uint32_t *b) {
  const unsigned char *s = (const unsigned char *)text;
  while (*a < *b && s[*a] < 0x80 && kabar__seg_space(s[*a]))
    ++*a;
  while (*b > *a && s[*b - 1] < 0x80 && kabar__seg_space(s[*b - 1]))
    --*b;
  if (*a < *b && (s[*a] >= 0x80 || s[*b - 1] >= 0x80))
    kabar__seg_trim_cp(text, a, b);
}

/* Splits the working text into blocks: one per line, or per blank-line paragraph when the
 * text is hard-wrapped. */
kabar_status kabar__segment_blocks(kabar_doc *doc);
/* Word tokens of every block (ICU word breaks), with their case-folded type. */
kabar_status kabar__segment_tokens(kabar_doc *doc);
/* Test hook: non-zero sends every block to ICU instead of the fast tokenizer. */
extern int kabar__tokens_force_icu;
/* Bit i set when s[i], i < 16, is an ASCII letter (A-Z, a-z): the tokenizer's scan of plain
 * words, with SSE2 where the target has it, and its scalar version for other targets; tests
 * compare both. */
uint32_t kabar__letters16(const unsigned char *s);
uint32_t kabar__letters16_scalar(const unsigned char *s);
/* Test hook: non-zero finds sentence boundaries with ICU instead of the built-in rules. */
extern int kabar__sentences_force_icu;
/* Sentences of title and body blocks; needs languages (abbreviations) and cuts. */
kabar_status kabar__segment_sentences(kabar_doc *doc);

/* ---- 16-byte scans ---------------------------------------------------------------------
 * The segmenters and the clean-text builder look for the next byte that needs a decision
 * (a terminator, a control byte...) in text where such bytes are rare. With SSE2 (baseline
 * on x86-64) a scan tests 16 bytes per load: a stops function marks the bytes that stop the
 * scan by their high bit. Other targets use the scalar twins, which the tests also hold to
 * the same answers on the same inputs. */
#if defined(__SSE2__)
#include <emmintrin.h>

typedef __m128i (*kabar__stops16_fn)(__m128i x);

/* The 16-bit mask of the bytes that stops() marks in the 16 bytes at p. */
static inline unsigned kabar__stops16(const void *p, kabar__stops16_fn stops) {
  return (unsigned)_mm_movemask_epi8(stops(_mm_loadu_si128((const __m128i *)p)));
}

/* Offset of the first byte of s[0, n) that stops() marks, or n, 16 bytes a step. The last
 * step loads the 16 bytes that end at s + n and drops the bits of bytes already passed;
 * under 16 bytes are copied after pad bytes (which stops() must not mark), so no load reads
 * outside s[0, n). */
static inline size_t kabar__scan16(const unsigned char *s, size_t n, unsigned char pad,
                                   kabar__stops16_fn stops) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    unsigned m = kabar__stops16(s + i, stops);
    if (m)
      return i + (size_t)__builtin_ctz(m);
  }
  if (i >= n)
    return n;
  unsigned m;
  if (n >= 16) {
    m = kabar__stops16(s + n - 16, stops) >> (i - (n - 16));
  } else {
    unsigned char buf[16];
    memset(buf, pad, sizeof buf);
    memcpy(buf, s, n);
    m = kabar__stops16(buf, stops) & ((1u << n) - 1);
  }
  return m ? i + (size_t)__builtin_ctz(m) : n;
}
#endif

/* Offset of the first '.', '!', '?' or byte from 0x80 up in s[0, n), or n: the bytes that the
 * sentence rules decide on (sentences.c). */
size_t kabar__sentence_stop(const char *s, size_t n);
size_t kabar__sentence_stop_scalar(const char *s, size_t n);
/* Offset of the first LF or CR in s[0, n), or n: the line breaks (blocks.c). */
size_t kabar__line_break(const char *s, size_t n);
size_t kabar__line_break_scalar(const char *s, size_t n);
/* Copies to dst the prefix of s[0, n) that the clean text takes unchanged (no byte below
 * 0x20, no space right after a space; s[0] has no left neighbour here) and returns its
 * length. dst has room for n bytes, and those after the prefix may be written too
 * (core/doc.c). */
size_t kabar__flat_copy(char *dst, const char *s, size_t n);
size_t kabar__flat_copy_scalar(char *dst, const char *s, size_t n);
/* Start of the word that ends at b (a <= b): just after the last character of text[a, b)
 * that opens a word (white space, '(', '[', opening quotes), or a (sentences.c). */
uint32_t kabar__word_start(const char *text, uint32_t a, uint32_t b);
uint32_t kabar__word_start_scalar(const char *text, uint32_t a, uint32_t b);
/* kabar__utf8_check without SSE2 (text/utf8.c); its home would be text/text.h. */
size_t kabar__utf8_check_scalar(const char *s, size_t n);

#endif
