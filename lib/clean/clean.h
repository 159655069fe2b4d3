/* clean/: boilerplate blocks and spans, datelines and the title, from PCRE2 rules kept as
 * data in corpora/<lang>/boilerplate.rules. */
#ifndef KABAR_CLEAN_H
#define KABAR_CLEAN_H

#include "../core/internal.h"

/* Loads a rule file. A missing file gives an empty rule set when `optional`. On a bad rule,
 * err gets KABAR_EINVAL, the path, the line (offset) and PCRE2's code (detail). */
kabar_status kabar__rules_load(const kabar_ctx *ctx, const char *path, int optional,
                               kabar_rules **out, kabar_error *err);
void kabar__rules_free(kabar_rules *rules);

/* Gives a language's rules a copy merged with the common rules (the common ones first, for
 * each action), which kabar__clean then visits as one set; `common` must outlive `rules`.
 * kabar__rules_with_common returns it (NULL: none). */
kabar_status kabar__rules_add_common(kabar_rules *rules, const kabar_rules *common);
const kabar_rules *kabar__rules_with_common(const kabar_rules *rules);

/* Test hooks for the rules' prefilter. Rules are numbered by action, in file order within
 * each. kabar__rule_check matches rule i (< kabar__rules_count) in s[from, n) with
 * pcre2_match and returns 1 (match), 0 (none) or a negative PCRE2 code; *verdict gets the
 * prefilter's verdict on the same subject, which must be 1 whenever there is a match. */
size_t kabar__rules_count(const kabar_rules *rules);
int kabar__rule_check(const kabar_ctx *ctx, const kabar_rules *rules, size_t i, const char *s,
                      size_t n, size_t from, int *verdict, const char **name);

/* Test hooks for what the filters know of a subject: the class (0-63) of a byte; the mask of
 * the classes of s[0, n) (class 63 always in), with the offsets of its bytes other than a-z,
 * 0-9 and space whose class is in `listed` (bit k: class k) in rare (room for 96; *nrare =
 * (size_t)-1 when there are more), from the SSE2 scan where there is one (simd = 1) or from
 * the portable loop (simd = 0), which must give the same. */
unsigned kabar__rules_byte_class(unsigned char c);
uint64_t kabar__rules_byte_classes(const char *s, size_t n, int simd, uint64_t listed,
                                   uint32_t *rare, size_t *nrare);

/* Sorts n cuts (by start, then end) and merges each into the last kept cut of the same kind
 * that it overlaps: that cut then spans both (its start, the larger end). Cuts of one kind
 * come out disjoint and in order of start, whatever other kinds lie between them. Returns how
 * many are kept, at the front of c. */
size_t kabar__cuts_merge(kabar_cut *c, size_t n);

/* Classifies blocks (title/body/boilerplate), records cuts and marks tokens inside them. */
kabar_status kabar__clean(kabar_doc *doc, kabar_error *err);
#endif
