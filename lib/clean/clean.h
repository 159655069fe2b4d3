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

/* Classifies blocks (title/body/boilerplate), records cuts and marks tokens inside them. */
kabar_status kabar__clean(kabar_doc *doc, kabar_error *err);
#endif
