/* lang/: document and block language from stopword evidence. */
#ifndef KABAR_LANG_H
#define KABAR_LANG_H

#include "../core/internal.h"

/* Flags every token type with the languages whose stopword lists hold it (doc->type_stop). */
kabar_status kabar__lang_mark_types(kabar_doc *doc);
/* Sets doc->lang / lang_conf (unless forced >= 0) and each block's language. */
void kabar__lang_detect(kabar_doc *doc, int forced);
#endif
