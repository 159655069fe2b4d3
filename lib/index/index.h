/* index/: near-duplicate clusters and same-story links over many documents' fingerprints, and
 * the language-independent evidence story links are made from. Never installed. */
#ifndef KABAR_INDEX_H
#define KABAR_INDEX_H

#include "../core/internal.h"

/* ---- number words (corpora/<lang>/numbers.txt) ---------------------------------------- */

#define KABAR_NUM_ADD 0   /* adds its value: "tiga", "dertig", "belas" */
#define KABAR_NUM_MUL 1   /* multiplies the group before it: "puluh", "honderd" */
#define KABAR_NUM_SCALE 2 /* multiplies all before it and closes the group: "ribu", "miljoen" */
#define KABAR_NUM_JOIN 3  /* only links parts inside one word: Dutch "en" in vierendertig */

typedef struct kabar_numword {
  uint64_t value;
  uint8_t kind;
  uint8_t weak; /* a number only next to other number words ("een" is also "a") */
} kabar_numword;

struct kabar_numwords {
  kabar_strtab words;     /* case-folded */
  kabar_numword *vals;    /* per word id */
  size_t cap;
  uint8_t max_len;        /* longest word in bytes */
  uint8_t first[32];      /* bit set of words' first bytes */
};

/* Loads path into a new *out (a missing file is fine: *out stays NULL, the language has no
 * number words). */
kabar_status kabar__numwords_load(const kabar_ctx *ctx, const char *path, kabar_numwords **out,
                                  kabar_error *err);
void kabar__numwords_free(kabar_numwords *nw); /* NULL is a no-op */

/* The number a run of tokens spells: tokens[first, *end) where *end is as far as the run
 * goes. Returns 1 and sets *value when tokens[first] starts a number (digits or number
 * words), 0 otherwise. */
int kabar__number_at(const kabar_doc *doc, size_t first, size_t *end, uint64_t *value);

/* ---- story keys ----------------------------------------------------------------------- */

/* A story key: a hash with the top bit telling names (1) from numbers (0), and the next bit
 * marking a name of two words ("brad smith"), stronger evidence than one word. */
#define KABAR_KEY_NAME 0x80000000u
#define KABAR_KEY_PAIR 0x40000000u
#define KABAR_STORY_MAX_KEYS 64

typedef struct kabar_story_key {
  uint32_t key;
  uint16_t count; /* mentions in the document */
  uint16_t first; /* rank of its first mention */
} kabar_story_key;

/* The document's story evidence, language-independent: name keys (capitalised tokens that are
 * not stopwords and not sentence-initial, and adjacent pairs of them: "brad smith"), and
 * numbers of 10 or more, written in digits or in words. Distinct keys, most mentioned first,
 * at most `max`; *n_out gets how many. KABAR_ENOMEM or KABAR_OK.
 *
 * THE PLACE FOR CANONICAL ENTITIES: when the entity stage lands, emit one name key per
 * canonical entity (kabar__story_name_key() of its canonical name) instead of, or before, the
 * capitalised-token heuristic in story.c (see add_name_keys()). */
kabar_status kabar__story_keys(const kabar_doc *doc, kabar_story_key *out, size_t max,
                               size_t *n_out);
/* The key of a name (case-folded UTF-8) or of a number. */
uint32_t kabar__story_name_key(const char *name, size_t len);
uint32_t kabar__story_number_key(uint64_t value);

#endif
