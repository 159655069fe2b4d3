/* The analysis of one document as JSON, shared by the tools (dedup --json, kabar-batch): one
 * place for the fields DESIGN.md names as the contract. Public API only. */
#ifndef KABAR_EXAMPLES_DOCJSON_H
#define KABAR_EXAMPLES_DOCJSON_H

#include <kabar.h>
#include <jansson.h>
#include <stdio.h>

/* The full object: file, lang, lang_confidence, bytes, blocks, cuts, sentences, text,
 * entities, summary and keywords (when sum is not NULL), fingerprint. input is the text the
 * doc was made from (mention and summary texts are cut from it). A new reference. */
json_t *docjson_doc(const kabar_doc *doc, const char *file, const kabar_summary *sum,
                    const char *input);
/* s[sp] as a JSON string, white space runs made one space and trimmed. A new reference. */
json_t *docjson_flat_string(const char *s, kabar_span sp);
/* [{"type", "name", "mentions": [{"start", "end", "text"}]}]. A new reference. */
json_t *docjson_entities(const kabar_doc *doc, const char *input);
/* [{"block", "start", "end", "text", "score"}]. A new reference. */
json_t *docjson_summary(const kabar_summary *sum, const char *input);
/* ["keyword as written", ...]. A new reference. */
json_t *docjson_keywords(const kabar_summary *sum, const char *input);
/* {"simhash": "<16 hex>", "minhash": ["<8 hex>", ...], "shingles": N}. A new reference. */
json_t *docjson_fingerprint(const kabar_doc *doc);

/* Serialises o (compact: one line) followed by a newline into *out and its length into
 * *len, in a buffer reused by the calling thread's next call: valid until then. 0 or -1. */
int docjson_serialise(json_t *o, int compact, const char **out, size_t *len);
/* Serialises o and writes it to f with one fwrite; reports failures on stderr. */
void docjson_print(json_t *o, int compact, FILE *f);
/* Frees the calling thread's buffer. */
void docjson_cleanup(void);

#endif
