/* entities/: named entities. A sequence tagger (averaged perceptron, Viterbi under IOB2
 * constraints) over hashed features, gazetteers and trigger words kept as data, and the
 * grouping of a document's mentions under canonical names. */
#ifndef KABAR_ENTITIES_H
#define KABAR_ENTITIES_H

#include "../core/internal.h"

struct sb_stemmer;
typedef struct UCaseMap UCaseMap;

/* Entity types the library knows; a model may carry others (MISC, FNB), which are tagged
 * but never become document entities. */
#define KABAR_NER_NTYPES 4 /* PER ORG LOC EVENT = kabar_entity_type 1..4 */

/* ---- gazetteers and trigger words (loaded into the ctx per language) ---------------------- */

/* Where a gazetteer entry came from: curated lists may name entities directly and carry
 * canonical names; the large lists only feed the tagger's features. */
#define KABAR_GAZ_CURATED 0x1u
#define KABAR_GAZ_LARGE 0x2u

typedef struct kabar_gaz_entry {
  uint8_t types;      /* bit (t - 1) for kabar_entity_type t */
  uint8_t sources;    /* KABAR_GAZ_* */
  uint8_t prefix;     /* a longer entry starts with this key */
  uint8_t full;       /* the key is an entry (not only a prefix) */
  uint8_t acronym;    /* every name with this key is a short all-capitals word ("OM", "BI") */
  uint32_t canonical; /* id in kabar_gazetteer.names, KABAR_STRTAB_NONE = the entry's own name */
  uint32_t name;      /* id in names: the entry as written in the list */
} kabar_gaz_entry;

/* Keys are case-folded alphanumeric runs joined by single spaces ("rsa conferentie" for
 * "RSA-conferentie"), so entries and text tokens meet whatever their punctuation. */
typedef struct kabar_gazetteer {
  kabar_strtab keys;
  KABAR_VEC(kabar_gaz_entry) entries; /* parallel to keys */
  kabar_strtab names;                 /* display and canonical names */
  /* curated keys sorted by first byte and length, for fuzzy lookup of misspellings */
  KABAR_VEC(uint32_t) curated;
} kabar_gazetteer;

#define KABAR_GAZ_MAX_TOKENS 8

/* Trigger actions (corpora/<lang>/entities.rules). */
enum {
  KABAR_TRIG_TITLE = 1u << 0,
  KABAR_TRIG_FIRSTNAME = 1u << 1,
  KABAR_TRIG_ORG_PREFIX = 1u << 2,
  KABAR_TRIG_ORG_SUFFIX = 1u << 3,
  KABAR_TRIG_LOC_PREFIX = 1u << 4,
  KABAR_TRIG_EVENT_PREFIX = 1u << 5,
  KABAR_TRIG_EVENT_SUFFIX = 1u << 6,
  KABAR_TRIG_PARTICLE = 1u << 7 /* lower-case word inside a person's name: de, van, bin */
};
typedef struct kabar_trigger {
  uint8_t actions;
  uint8_t ntokens;
  uint32_t head; /* canonical head for events (id in kabar_triggers.heads) or NONE */
} kabar_trigger;
typedef struct kabar_triggers {
  kabar_strtab keys; /* gazetteer-style keys */
  KABAR_VEC(kabar_trigger) v;
  kabar_strtab heads;
} kabar_triggers;

/* Everything the entity stage reads for one language. */
typedef struct kabar_ner_lang {
  kabar_gazetteer gaz;
  kabar_triggers trig;
  struct kabar_ner_model *model; /* shipped model or NULL */
} kabar_ner_lang;

/* Loads corpora/common/entities.gaz, corpora/<tag>/{entities.gaz,dbpedia.gaz,entities.rules,
 * ner.model}; every file is optional. */
kabar_status kabar__ner_lang_load(const kabar_ctx *ctx, const char *data_dir, const char *tag,
                                  kabar_ner_lang *nl, kabar_error *err);
void kabar__ner_lang_free(kabar_ner_lang *nl);

/* Gazetteer and trigger files. */
kabar_status kabar__gaz_load(const kabar_ctx *ctx, const char *path, uint8_t source,
                             kabar_gazetteer *g, kabar_error *err);
void kabar__gaz_free(kabar_gazetteer *g);
const kabar_gaz_entry *kabar__gaz_find(const kabar_gazetteer *g, const char *key, size_t n);
/* Sorts the curated keys by first byte and length for kabar__gaz_fuzzy; after loading. */
void kabar__gaz_index(kabar_gazetteer *g);
/* The curated entry whose key is within a small edit distance of key, or NULL. */
const kabar_gaz_entry *kabar__gaz_fuzzy(const kabar_gazetteer *g, const char *key, size_t n);
kabar_status kabar__triggers_load(const kabar_ctx *ctx, const char *path, kabar_triggers *t,
                                  kabar_error *err);
void kabar__triggers_free(kabar_triggers *t);
const kabar_trigger *kabar__trigger_find(const kabar_triggers *t, const char *key, size_t n);

/* Appends s[0..n)'s key part to out: its case-folded alphanumeric runs, each preceded by a
 * space when out is not empty (scratch holds the folded text). Returns the number of runs
 * added (0 for punctuation), or -1 when out of memory. */
int kabar__ner_key_append(const kabar_ctx *ctx, kabar_buf *out, kabar_buf *scratch,
                          const char *s, size_t n);
/* The same for s already case-folded. */
int kabar__ner_runs_append(kabar_buf *out, const char *s, size_t n);

/* ---- the tagger ---------------------------------------------------------------------------- */

#define KABAR_NER_MAX_TAGS 32

/* Feature weights: an open-addressing map from 64-bit feature hashes to rows of ntags. */
typedef struct kabar_ner_weights {
  uint64_t *keys; /* 0 = empty */
  uint32_t *rows;
  size_t nslots, count;
  float *w; /* count rows of ntags */
  size_t wcap;
  float *ws; /* frozen models: the rows again in slot order (nslots x ntags), so that a lookup
                touches the key and its weights at addresses known at once */
} kabar_ner_weights;

struct kabar_ner_model {
  char lang[8];
  size_t ntags;
  char *tag_names[KABAR_NER_MAX_TAGS]; /* "O", "B-PER", ... */
  uint8_t tag_type[KABAR_NER_MAX_TAGS];  /* kabar_entity_type, 0 = none */
  uint8_t tag_inside[KABAR_NER_MAX_TAGS];/* 1 for I- tags */
  uint8_t tag_class[KABAR_NER_MAX_TAGS]; /* index of the raw type, for the IOB2 constraint */
  uint8_t allowed[(KABAR_NER_MAX_TAGS + 1) * KABAR_NER_MAX_TAGS]; /* [prev * T + tag], IOB2 */
  uint8_t o_tag;                          /* index of "O" */
  float trans[(KABAR_NER_MAX_TAGS + 1) * KABAR_NER_MAX_TAGS]; /* row ntags = start */
  kabar_ner_weights weights;
};

/* Per-thread state: a stemmer, a case mapper and scratch arrays. */
/* Case of a whole sentence (a feature, and the entity stage's rules read it). */
enum { KABAR_SENT_MIXED, KABAR_SENT_UPPER, KABAR_SENT_LOWER };

typedef struct kabar_ner_run {
  const kabar_ctx *ctx;
  int sentence_case; /* KABAR_SENT_* of the sentence kabar__ner_features saw last */
  int documents; /* running for the document stage (see kabar_ner_tokinfo.force_o) */
  const kabar_ner_lang *nl;
  uint8_t lang;
  struct sb_stemmer *stemmer;
  kabar_buf scratch, key;
  kabar_buf keys; /* every token's key, for gazetteer and trigger lookups */
  KABAR_VEC(struct kabar_ner_tokinfo) info;
  KABAR_VEC(uint64_t) feats;  /* all tokens' features, KABAR_NER_FEATS per token */
  KABAR_VEC(float) score;     /* n x ntags emissions */
  KABAR_VEC(float) vit;       /* Viterbi scores */
  KABAR_VEC(uint8_t) back;
} kabar_ner_run;

#define KABAR_NER_FEATS 48 /* feature slots per token; unused slots are 0 */

typedef struct kabar_ner_tokinfo {
  uint64_t form, lower, shape, sshape, stem;
  uint64_t pre[4], suf[4];
  uint16_t gaz;     /* bits 2*(t-1) (B) and 2*(t-1)+1 (I) per type, curated; +8 for large */
  uint8_t trig;     /* KABAR_TRIG_* of this token as a one-word trigger */
  uint8_t cap;      /* 1 first letter upper case, 2 all letters upper case */
  uint8_t alpha;    /* has a letter */
  uint8_t punct;    /* no alphanumeric at all */
  uint8_t stop;     /* a stopword of the language */
  uint8_t trig_start; /* a trigger word, or the first word of a trigger of several */
  int8_t key_runs;  /* alphanumeric runs in its key (see kabar__ner_key_append) */
  uint32_t key_off, key_len; /* its key in kabar_ner_run.keys */
  uint8_t force_o;  /* in documents: a lower-case content word of a mixed-case sentence, which
                       no entity holds; the decoder tags it O without scoring it */
} kabar_ner_tokinfo;

kabar_status kabar__ner_run_init(kabar_ner_run *run, const kabar_ctx *ctx, uint8_t lang);
void kabar__ner_run_free(kabar_ner_run *run);
/* Appends token i's key (computed by kabar__ner_features) to out like kabar__ner_key_append. */
int kabar__ner_token_key(const kabar_ner_run *run, kabar_buf *out, size_t i);
/* Features of a sentence of n tokens into run->feats (n * KABAR_NER_FEATS). */
kabar_status kabar__ner_features(kabar_ner_run *run, const char *const *tok, const size_t *len,
                                 size_t n);
/* Best tag sequence under IOB2 constraints for n tokens' features (KABAR_NER_FEATS each). */
kabar_status kabar__ner_decode(kabar_ner_run *run, const struct kabar_ner_model *m,
                               const uint64_t *feats, size_t n, uint8_t *tags);

/* Model files. */
kabar_status kabar__ner_model_read(const char *path, struct kabar_ner_model **out,
                                   kabar_error *err);
/* The same from a model image in memory (the fuzzer's entry point); buf is only read. */
kabar_status kabar__ner_model_parse(const void *buf, size_t len, struct kabar_ner_model **out,
                                    kabar_error *err);
void kabar__ner_model_destroy(struct kabar_ner_model *m);
static inline size_t kabar__ner_slot(uint64_t key, size_t nslots) {
  return (size_t)(key * 0x9e3779b97f4a7c15ULL >> 17) & (nslots - 1);
}
/* Row of feature key, or NULL. */
static inline const float *kabar__ner_weights_row(const kabar_ner_weights *w, size_t ntags,
                                                  uint64_t key) {
  if (!w->nslots)
    return NULL;
  for (size_t s = kabar__ner_slot(key, w->nslots);; s = (s + 1) & (w->nslots - 1)) {
    if (w->keys[s] == key)
      return w->ws ? w->ws + s * ntags : w->w + (size_t)w->rows[s] * ntags;
    if (!w->keys[s])
      return NULL;
  }
}
/* Asks the CPU to start loading key's slot: a sentence's lookups are independent, and the
 * table is larger than the caches. */
static inline void kabar__ner_weights_prefetch(const kabar_ner_weights *w, size_t ntags,
                                               uint64_t key) {
#if defined(__GNUC__)
  if (w->ws) {
    size_t s = kabar__ner_slot(key, w->nslots);
    __builtin_prefetch(&w->keys[s]);
    __builtin_prefetch(w->ws + s * ntags);
    __builtin_prefetch(w->ws + s * ntags + ntags - 1);
  }
#else
  (void)w;
  (void)ntags;
  (void)key;
#endif
}
/* Row of key, added (zeroed) if new; NULL when out of memory. */
float *kabar__ner_weights_add(kabar_ner_weights *w, size_t ntags, uint64_t key);
void kabar__ner_weights_free(kabar_ner_weights *w);
/* Builds w->ws for a model that will not change any more. KABAR_ENOMEM leaves it unbuilt
 * (lookups still work, more slowly). */
kabar_status kabar__ner_weights_freeze(kabar_ner_weights *w, size_t ntags);
/* Sets the derived tag tables (type, inside, class) from tag_names. */
kabar_status kabar__ner_model_index_tags(struct kabar_ner_model *m);
/* Maps a raw type name (PERSON, PLC, IND, EVT, ...) to kabar_entity_type or 0. */
int kabar__ner_type_of(const char *name, size_t n);

/* ---- the document stage ------------------------------------------------------------------ */

kabar_status kabar__entities(kabar_doc *doc);

#endif
