/* dedup/: repeated blocks inside one article, and the document's fingerprints. */
#ifndef KABAR_DEDUP_H
#define KABAR_DEDUP_H

#include "../core/internal.h"

/* Sets dup_of, similarity and repeat on title/body blocks. Linear in the number of blocks. */
kabar_status kabar__dedup_blocks(kabar_doc *doc);
/* Test hook: nonzero makes kabar__dedup_blocks compute every long block's MinHash anchors,
 * which must change no answer (the tests compare both ways). */
extern int kabar__dedup_all_anchors;
/* Test hook: checks, on an analysed document, what kabar__dedup_blocks relies on. Over every
 * pair of long title/body blocks (exact repeats included), counts those whose shingles have a
 * Jaccard similarity of 0.6 or more (`near`), and as `wrong` those of them that the pair bound
 * rules out, plus the blocks without a cut whose signature changes when the tokens' cut flags
 * are read (every count must be 0 in `wrong`). */
typedef struct kabar__dedup_bound_check {
  size_t pairs, near, cut_blocks, wrong;
} kabar__dedup_bound_check;
kabar_status kabar__dedup_check_bound(const kabar_doc *doc, kabar__dedup_bound_check *out);
/* Bits set in the four words a[w] & b[w] (the shared buckets of two long blocks): SSE2 where
 * the target has it, and the scalar version for other targets; tests compare both. */
uint32_t kabar__dedup_shared_bits(const uint64_t a[4], const uint64_t b[4]);
uint32_t kabar__dedup_shared_bits_scalar(const uint64_t a[4], const uint64_t b[4]);
/* SimHash and MinHash of the kept body's content-word shingles. */
kabar_status kabar__fingerprint(kabar_doc *doc);
#endif
