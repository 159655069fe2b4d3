/* The analysis of one document as JSON, shared by the tools (dedup --json, kabar-batch): one
 * place for the fields DESIGN.md names as the contract. Public API only. */
#ifndef KABAR_EXAMPLES_DOCJSON_H
#define KABAR_EXAMPLES_DOCJSON_H

#include <kabar.h>
#include <jansson.h>
#include <stdio.h>

/* The full object: file, lang, lang_confidence, bytes, blocks, cuts, sentences, text,
 * fingerprint. A new reference. */
json_t *docjson_doc(const kabar_doc *doc, const char *file);
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
