/* kabar-batch's input readers: JSON Lines records, directories of .txt files, RSS/Atom feeds.
 * Kept apart from the tool so that fuzz/fuzz_batch_input.c can drive them. Public API only. */
#ifndef KABAR_EXAMPLES_BATCH_INPUT_H
#define KABAR_EXAMPLES_BATCH_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* One article to analyse, or the reason it cannot be. Strings are malloc'd (free with
 * batch_record_clear); text may hold NULs and is not validated here. */
typedef struct batch_record {
  char *id;        /* from the record; NULL when it gives none */
  char *text;
  size_t text_len;
  char *title, *url, *lang; /* optional, NULL if absent */
  int64_t date;    /* seconds since 1970 UTC, or BATCH_NO_DATE */
  char *error;     /* NULL, or why the record is bad (then text is NULL) */
} batch_record;

#define BATCH_NO_DATE INT64_MIN

void batch_record_clear(batch_record *r);

/* Parses one JSON Lines record: {"id": ..., "text": ..., "title", "url", "lang", "date"}.
 * `fallback_id` (may be NULL: id stays NULL) names it when it has no usable id. Sets r->error for broken JSON, a missing
 * or empty text, a text over max_bytes. Returns -1 only when out of memory. */
int batch_parse_jsonl(const char *line, size_t len, const char *fallback_id, size_t max_bytes,
                      batch_record *r);

/* Dates: "2025-06-18", "2025-06-18T10:20:30Z", "2025-06-18 10:20:30+07:00", RFC 822
 * ("Wed, 18 Jun 2025 10:20:30 +0700"), or seconds as a number. BATCH_NO_DATE otherwise. */
int64_t batch_parse_date(const char *s);

/* One item of a feed, with the line it starts on. */
typedef struct batch_feed_item {
  batch_record rec;
  size_t line;
} batch_feed_item;

/* Parses an RSS 2.0 or Atom document: each <item>/<entry> with its content:encoded, else
 * description/content/summary (HTML reduced to text, block elements to paragraph breaks).
 * Items without text get an error. *items_out is malloc'd (free each record, then it).
 * Returns 0; -1 when the document is not XML at all (*error_out then says why, static). */
int batch_parse_feed(const char *buf, size_t len, const char *name, size_t max_bytes,
                     batch_feed_item **items_out, size_t *n_out, const char **error_out);

/* Whether a buffer looks like XML (first non-space byte '<'). */
int batch_looks_like_xml(const char *buf, size_t len);

#endif
