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
/* Bit i set when s[i], i < 16, is an ASCII letter (A-Z, a-z): the tokenizer's scan of plain
 * words, with SSE2 where the target has it, and its scalar version for other targets; tests
 * compare both. */
uint32_t kabar__letters16(const unsigned char *s);
uint32_t kabar__letters16_scalar(const unsigned char *s);
/* Test hook: non-zero finds sentence boundaries with ICU instead of the built-in rules. */
extern int kabar__sentences_force_icu;
/* Sentences of title and body blocks; needs languages (abbreviations) and cuts. */
kabar_status kabar__segment_sentences(kabar_doc *doc);

#endif
