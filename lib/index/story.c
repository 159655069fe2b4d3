/* Same-story evidence that does not depend on the language: names and numbers.
 *
 * Names are the document's canonical entity names ("Brad Smith", "RSA Conference", "United
 * States" for "Amerika Serikat" and "Verenigde Staten"), counted once per mention. A document
 * analysed without the entity stage (KABAR_DOC_NO_ENTITIES) falls back to capitalised body
 * tokens that are no
 * stopword, each alone (unless it only opens a sentence) and each adjacent pair of them
 * ("brad smith"), case-folded. Numbers of 10 or more count, in digits or words
 * ("vierendertig", "tiga puluh empat" and "34" are one key). Titles are left out: their
 * capitals carry no information. */
#include "index.h"

#include <stdlib.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define STORY_MIN_NUMBER 10
#define STORY_SCRATCH 256 /* distinct keys collected before the most mentioned are kept */

uint32_t kabar__story_name_key(const char *name, size_t len) {
  uint32_t pair = memchr(name, ' ', len) ? KABAR_KEY_PAIR : 0;
  return ((uint32_t)kabar__hash(name, len, 0x6e616d65u) & 0x3fffffffu) | KABAR_KEY_NAME | pair;
}

uint32_t kabar__story_number_key(uint64_t value) {
  return (uint32_t)kabar__mix64(value ^ 0x6e756d626572ULL) & 0x7fffffffu;
}

typedef struct key_set {
  kabar_story_key v[STORY_SCRATCH];
  size_t n;
  uint16_t rank;
} key_set;

static void key_add(key_set *s, uint32_t key) {
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i].key == key) {
      if (s->v[i].count < UINT16_MAX)
        s->v[i].count++;
      return;
    }
  if (s->n < STORY_SCRATCH) {
    s->v[s->n].key = key;
    s->v[s->n].count = 1;
    s->v[s->n].first = s->rank < UINT16_MAX ? s->rank++ : UINT16_MAX;
    s->n++;
  }
}

static int cmp_key(const void *a, const void *b) {
  const kabar_story_key *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return (x->first > y->first) - (x->first < y->first);
}

static int usable(const kabar_doc *doc, const kabar_token *t) {
  const kabar_block *b = &doc->blocks.v[t->block];
  return b->kind == KABAR_BLOCK_BODY && b->repeat != KABAR_REPEAT_STRUCTURAL &&
         !(t->flags & KABAR_TOK_CUT);
}

/* A name-like token: starts with a capital, two letters or more, a stopword in no language. */
static int capitalised(const kabar_doc *doc, const kabar_token *t) {
  if (t->flags & (KABAR_TOK_NUMBER | KABAR_TOK_STOP) || doc->type_stop[t->type] != 0)
    return 0;
  const uint8_t *s = (const uint8_t *)doc->text;
  int32_t i = (int32_t)t->start, n = (int32_t)t->end;
  UChar32 c;
  U8_NEXT(s, i, n, c);
  if (c < 0 || !u_isupper(c) || i >= n)
    return 0;
  return 1;
}

/* Only spaces between two tokens of one block. */
static int adjacent(const kabar_doc *doc, const kabar_token *a, const kabar_token *b) {
  if (a->block != b->block)
    return 0;
  for (uint32_t p = a->end; p < b->start; p++)
    if (doc->text[p] != ' ')
      return 0;
  return 1;
}

/* Name keys of the capitalised run tokens[a, b); `initial` is the index of the token that
 * opens the sentence the run starts in, if it is tokens[a]. */
static int add_name_keys(const kabar_doc *doc, size_t a, size_t b, int opens_sentence,
                         key_set *s, kabar_buf *pair) {
  for (size_t i = a; i < b; i++) {
    const kabar_token *t = &doc->tokens.v[i];
    const char *str = kabar__strtab_str(&doc->types, t->type);
    size_t len = kabar__strtab_len(&doc->types, t->type);
    if (!(i == a && opens_sentence && b - a == 1))
      key_add(s, kabar__story_name_key(str, len));
    if (i + 1 < b) {
      const kabar_token *u = &doc->tokens.v[i + 1];
      pair->len = 0;
      if (kabar__buf_put(pair, str, len) != 0 || kabar__buf_putc(pair, ' ') != 0 ||
          kabar__buf_put(pair, kabar__strtab_str(&doc->types, u->type),
                         kabar__strtab_len(&doc->types, u->type)) != 0)
        return -1;
      key_add(s, kabar__story_name_key(pair->p, pair->len));
    }
  }
  return 0;
}

kabar_status kabar__story_keys(const kabar_doc *doc, kabar_story_key *out, size_t max,
                               size_t *n_out) {
  *n_out = 0;
  key_set *s = kabar__malloc(sizeof *s);
  if (!s)
    return KABAR_ENOMEM;
  s->n = 0;
  s->rank = 0;
  kabar_buf pair = {0};
  size_t sent = 0, nsent = doc->sentences.n;
  size_t last_sentence_seen = (size_t)-1;
  int entities = !(doc->flags & KABAR_DOC_NO_ENTITIES);
  for (size_t e = 0; entities && e < doc->entities.n; e++) {
    const kabar_entity *ent = &doc->entities.v[e];
    const char *name = doc->entity_names.p + ent->name;
    size_t len = strlen(name);
    pair.len = 0;
    for (size_t k = 0; k < len; k++) {
      char c = name[k];
      if (kabar__buf_putc(&pair, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c)) != 0) {
        kabar__buf_free(&pair);
        kabar__free(s);
        return KABAR_ENOMEM;
      }
    }
    uint32_t key = kabar__story_name_key(pair.p ? pair.p : "", pair.len);
    for (uint32_t m = 0; m < ent->nmentions; m++)
      key_add(s, key);
  }
  for (size_t i = 0; i < doc->tokens.n;) {
    const kabar_token *t = &doc->tokens.v[i];
    if (!usable(doc, t)) {
      i++;
      continue;
    }
    while (sent < nsent && doc->sentences.v[sent].end <= t->start)
      sent++;
    int opens = 0;
    if (sent < nsent && doc->sentences.v[sent].start <= t->start && last_sentence_seen != sent) {
      opens = 1;
      last_sentence_seen = sent;
    }
    uint64_t value;
    size_t end;
    if (kabar__number_at(doc, i, &end, &value)) {
      if (value >= STORY_MIN_NUMBER)
        key_add(s, kabar__story_number_key(value));
      i = end;
      continue;
    }
    if (entities || !capitalised(doc, t)) {
      i++;
      continue;
    }
    size_t j = i + 1;
    while (j < doc->tokens.n && usable(doc, &doc->tokens.v[j]) &&
           capitalised(doc, &doc->tokens.v[j]) &&
           adjacent(doc, &doc->tokens.v[j - 1], &doc->tokens.v[j]))
      j++;
    if (add_name_keys(doc, i, j, opens, s, &pair) != 0) {
      kabar__buf_free(&pair);
      kabar__free(s);
      return KABAR_ENOMEM;
    }
    i = j;
  }
  kabar__buf_free(&pair);
  qsort(s->v, s->n, sizeof s->v[0], cmp_key);
  size_t n = s->n < max ? s->n : max;
  if (n)
    memcpy(out, s->v, n * sizeof *out);
  *n_out = n;
  kabar__free(s);
  return KABAR_OK;
}
