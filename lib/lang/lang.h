/* lang/: document and block language from stopword evidence. */
#ifndef KABAR_LANG_H
#define KABAR_LANG_H

#include "../core/internal.h"

/* Flags every token type with the languages whose stopword lists hold it (doc->type_stop). */
kabar_status kabar__lang_mark_types(kabar_doc *doc);
/* Sets doc->lang / lang_conf (unless forced >= 0) and each block's language. */
void kabar__lang_detect(kabar_doc *doc, int forced);

/* The stopword index of a ctx (ctx->stop_*), built from ctx->stopwords and ctx->stop_langs
 * once they hold every list; KABAR_OK or KABAR_ENOMEM. kabar_ctx_free frees ctx->stop_mem. */
kabar_status kabar__lang_stop_index(kabar_ctx *ctx);

/* Stopwords of under KABAR_STOP_KEY_MAX bytes are keyed in the index by two words: their
 * bytes, zeros, and their length in the last byte, so that two keys are equal exactly when
 * the strings are. Longer words are only in ctx->stopwords. */
#define KABAR_STOP_KEY_MAX 16
/* The key of s[0, n), n < KABAR_STOP_KEY_MAX, s with a string table's padding (8 bytes
 * readable from s, 16 when n >= 8: util.h). For tests: the stage inlines it. */
void kabar__lang_stop_key(const char *s, size_t n, uint64_t key[2]);
#endif
