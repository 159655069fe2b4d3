/* text/: UTF-8 validation and repair, normalisation for matching. */
#ifndef KABAR_TEXT_H
#define KABAR_TEXT_H

#include "../core/internal.h"

/* Offset of the first byte of the first ill-formed sequence, or n if s is valid UTF-8. */
size_t kabar__utf8_check(const char *s, size_t n);
/* Length (1-4) of the maximal well-formed prefix of a sequence starting at s[0], 0 if s[0]
 * starts a complete valid code point (then *cp_len gets its length). */
size_t kabar__utf8_bad_prefix(const unsigned char *s, size_t n, size_t *cp_len);
/* Decodes the valid code point at s (n >= 1 bytes available); *len gets its length. */
int32_t kabar__utf8_decode(const unsigned char *s, size_t n, size_t *len);
/* Encodes cp; returns bytes written (1-4) into out[4]. */
size_t kabar__utf8_encode(int32_t cp, char *out);

/* Copies s into out with every ill-formed sequence (maximal subpart) replaced by U+FFFD and
 * records anchors in map so working offsets map back to the input. 0 or -1 (no memory). */
int kabar__utf8_repair(const char *s, size_t n, kabar_buf *out, kabar_offmap *map);
/* Working-text offset -> input offset. */
size_t kabar__offmap_orig(const kabar_offmap *map, size_t work);

/* Code points treated as white space when trimming and collapsing (ASCII white space, NUL,
 * NBSP, the Unicode spaces, zero-width characters and the BOM). */
int kabar__is_space_cp(int32_t cp);

/* Normalises s[0..n) (valid UTF-8) onto out. If map is non-NULL, for every byte appended
 * map gets base + the input offset it came from. Returns KABAR_OK, KABAR_ENOMEM, KABAR_EDEP. */
kabar_status kabar__normalize(const kabar_ctx *ctx, const char *s, size_t n, kabar_buf *out,
                              kabar_sizevec *map, size_t base);
#endif
