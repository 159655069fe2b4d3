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

/* Splits the working text into blocks: one per line, or per blank-line paragraph when the
 * text is hard-wrapped. */
kabar_status kabar__segment_blocks(kabar_doc *doc);
/* Word tokens of every block (ICU word breaks), with their case-folded type. */
kabar_status kabar__segment_tokens(kabar_doc *doc);
/* Test hook: non-zero sends every block to ICU instead of the fast tokenizer. */
extern int kabar__tokens_force_icu;
/* Test hook: non-zero finds sentence boundaries with ICU instead of the built-in rules. */
extern int kabar__sentences_force_icu;
/* Sentences of title and body blocks; needs languages (abbreviations) and cuts. */
kabar_status kabar__segment_sentences(kabar_doc *doc);

/* ---- 16-byte scans ---------------------------------------------------------------------
 * The segmenters and the clean-text builder look for the next byte that needs a decision
 * (a terminator, a control byte...) in text where such bytes are rare. With
 * SSE2 (baseline on x86-64) a scan tests 16 bytes per step: a mask function turns 16 bytes
 * into a 16-bit mask of the bytes that stop the scan. Other targets use the scalar twins,
 * which the tests also hold to the same answers on the same inputs. */
#if defined(__SSE2__)
#include <emmintrin.h>

typedef unsigned (*kabar__mask16_fn)(__m128i x);

/* Offset of the first byte of s[0, n) whose bit mask() sets, or n. Steps of step bytes (16,
 * or 15 for masks that look at a byte's left neighbour in the same load, so that each pair
 * of neighbours meets in one load). The last step loads the 16 bytes that end at s + n and
 * drops the bits of bytes already passed; under 16 bytes are copied after pad bytes (which
 * mask() must not mark), so no load reads outside s[0, n). */
static inline size_t kabar__scan16(const unsigned char *s, size_t n, size_t step,
                                   unsigned char pad, kabar__mask16_fn mask) {
  size_t i = 0;
  for (; i + 16 <= n; i += step) {
    unsigned m = mask(_mm_loadu_si128((const __m128i *)(const void *)(s + i)));
    if (m)
      return i + (size_t)__builtin_ctz(m);
  }
  if (i >= n)
    return n;
  unsigned m;
  if (n >= 16) {
    m = mask(_mm_loadu_si128((const __m128i *)(const void *)(s + n - 16))) >> (i - (n - 16));
  } else {
    unsigned char buf[16];
    memset(buf, pad, sizeof buf);
    memcpy(buf, s, n);
    m = mask(_mm_loadu_si128((const __m128i *)(const void *)buf)) & ((1u << n) - 1);
  }
  return m ? i + (size_t)__builtin_ctz(m) : n;
}
#endif

/* Offset of the first '.', '!', '?' or byte from 0x80 up in s[0, n), or n: the bytes that the
 * sentence rules decide on (sentences.c). */
size_t kabar__sentence_stop(const char *s, size_t n);
size_t kabar__sentence_stop_scalar(const char *s, size_t n);
/* Length of the prefix of s[0, n) that the clean text copies unchanged: no byte below 0x20
 * and no space right after a space (s[0] has no left neighbour here; core/doc.c). */
size_t kabar__flat_run(const char *s, size_t n);
size_t kabar__flat_run_scalar(const char *s, size_t n);
/* kabar__utf8_check without SSE2 (text/utf8.c); its home would be text/text.h. */
size_t kabar__utf8_check_scalar(const char *s, size_t n);

#endif
