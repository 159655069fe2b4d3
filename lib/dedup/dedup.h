/* dedup/: repeated blocks inside one article, and the document's fingerprints. */
#ifndef KABAR_DEDUP_H
#define KABAR_DEDUP_H

#include "../core/internal.h"

/* Sets dup_of, similarity and repeat on title/body blocks. Linear in the number of blocks. */
kabar_status kabar__dedup_blocks(kabar_doc *doc);
/* Test hook: nonzero makes kabar__dedup_blocks compute every long block's MinHash anchors,
 * which must change no answer (the tests compare both ways). */
extern int kabar__dedup_all_anchors;
/* SimHash and MinHash of the kept body's content-word shingles. */
kabar_status kabar__fingerprint(kabar_doc *doc);
#endif
