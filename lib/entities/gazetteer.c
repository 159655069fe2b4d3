/* Gazetteers (corpora/.../entities.gaz, dbpedia.gaz) and trigger words (entities.rules). */
#include "entities.h"
#include "../text/text.h"

#include <errno.h>
#include <stdio.h>
#include <unicode/uchar.h>

static int is_word_cp(int32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  int8_t gc = u_charType(cp);
  return u_isalnum(cp) || gc == U_NON_SPACING_MARK || gc == U_COMBINING_SPACING_MARK;
}

/* Appends the alphanumeric runs of already case-folded s to out. */
int kabar__ner_runs_append(kabar_buf *out, const char *s, size_t n) {
  if (kabar__buf_reserve(out, n + n / 2 + 2) != 0)
    return -1; /* each run adds at most one space before it */
  char *o = out->p + out->len;
  int runs = 0, in_run = 0;
  for (size_t i = 0; i < n;) {
    size_t cl = 1;
    unsigned char c = (unsigned char)s[i];
    int word = c < 0x80 ? (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
                        : is_word_cp(kabar__utf8_decode((const unsigned char *)s + i, n - i, &cl));
    if (word) {
      if (!in_run) {
        if (o > out->p)
          *o++ = ' ';
        in_run = 1;
        runs++;
      }
      memcpy(o, s + i, cl);
      o += cl;
    } else {
      in_run = 0;
    }
    i += cl;
  }
  out->len = (size_t)(o - out->p);
  out->p[out->len] = '\0';
  return runs;
}

int kabar__ner_key_append(const kabar_ctx *ctx, kabar_buf *out, const char *s, size_t n) {
  char small[64];
  int ascii = n <= sizeof small;
  for (size_t i = 0; ascii && i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80)
      ascii = 0;
    else
      small[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  if (ascii)
    return kabar__ner_runs_append(out, small, n);
  kabar_buf folded = {0};
  int runs = -1;
  if (kabar__normalize(ctx, s, n, &folded, NULL, 0) == KABAR_OK)
    runs = kabar__ner_runs_append(out, folded.p ? folded.p : "", folded.len);
  kabar__buf_free(&folded);
  return runs;
}

/* Calls fn for every non-comment line split at TABs (at most 3 fields, CR stripped). */
typedef kabar_status (*line_fn)(void *ud, const char **f, const size_t *fl, size_t nf);
static kabar_status for_each_line(const char *path, line_fn fn, void *ud, kabar_error *err) {
  kabar_buf file = {0};
  if (kabar__read_file(path, &file) != 0) {
    int e = errno;
    kabar__buf_free(&file);
    if (e == ENOENT)
      return KABAR_OK; /* every entity file is optional */
    return kabar__fail_path(err, e == ENOMEM ? KABAR_ENOMEM : KABAR_EIO, path, KABAR_NO_OFFSET, e);
  }
  const char *p = file.p ? file.p : "";
  size_t bad = kabar__utf8_check(p, file.len);
  if (bad < file.len) {
    kabar__buf_free(&file);
    return kabar__fail_path(err, KABAR_EUTF8, path, bad, 0);
  }
  kabar_status rc = KABAR_OK;
  size_t line = 0;
  const char *end = p + file.len;
  while (p < end && rc == KABAR_OK) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    const char *le = e ? e : end;
    line++;
    if (le > p && le[-1] == '\r')
      le--;
    if (le > p && *p != '#') {
      const char *f[3];
      size_t fl[3], nf = 0;
      for (const char *q = p; q <= le && nf < 3;) {
        const char *t = memchr(q, '\t', (size_t)(le - q));
        const char *fe = t ? t : le;
        f[nf] = q;
        fl[nf++] = (size_t)(fe - q);
        if (!t)
          break;
        q = t + 1;
      }
      rc = fn(ud, f, fl, nf);
      if (rc != KABAR_OK)
        kabar__fail_path(err, rc, path, line, 0);
    }
    p = e ? e + 1 : end;
  }
  kabar__buf_free(&file);
  return rc;
}

static const char *const type_names[KABAR_NER_NTYPES] = {"PER", "ORG", "LOC", "EVENT"};

/* Builds the key of a name written with spaces; returns the number of words or -1. */
static int name_key(const kabar_ctx *ctx, kabar_buf *key, const char *s, size_t n) {
  key->len = 0;
  int words = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && s[j] != ' ')
      j++;
    int r = j > i ? kabar__ner_key_append(ctx, key, s + i, j - i) : 0;
    if (r < 0)
      return -1;
    words += r;
    i = j + 1;
  }
  if (kabar__buf_reserve(key, 0) != 0)
    return -1;
  return words;
}

static kabar_gaz_entry *gaz_slot(kabar_gazetteer *g, const char *key, size_t n) {
  size_t before = g->keys.count;
  uint32_t id = kabar__strtab_intern(&g->keys, key, n);
  if (id == KABAR_STRTAB_NONE)
    return NULL;
  if (id == before) {
    kabar_gaz_entry e = {0, 0, 0, 0, 0, KABAR_STRTAB_NONE, KABAR_STRTAB_NONE};
    if (KABAR_VEC_PUSH(g->entries, e) != 0)
      return NULL;
  }
  return &g->entries.v[id];
}

typedef struct gaz_load {
  const kabar_ctx *ctx;
  kabar_gazetteer *g;
  uint8_t source;
  kabar_buf key;
} gaz_load;

static kabar_status gaz_line(void *ud, const char **f, const size_t *fl, size_t nf) {
  gaz_load *gl = ud;
  if (nf < 2)
    return KABAR_EINVAL;
  int type = 0;
  for (int t = 0; t < KABAR_NER_NTYPES; t++)
    if (fl[0] == strlen(type_names[t]) && memcmp(f[0], type_names[t], fl[0]) == 0)
      type = t + 1;
  if (!type)
    return KABAR_EINVAL;
  int words = name_key(gl->ctx, &gl->key, f[1], fl[1]);
  if (words < 0)
    return KABAR_ENOMEM;
  if (words == 0 || words > KABAR_GAZ_MAX_TOKENS)
    return KABAR_OK; /* punctuation only, or too long to match token by token */
  /* every word-boundary prefix, so matching can stop as soon as no entry continues */
  for (size_t i = 0; i < gl->key.len; i++)
    if (gl->key.p[i] == ' ') {
      kabar_gaz_entry *pre = gaz_slot(gl->g, gl->key.p, i);
      if (!pre)
        return KABAR_ENOMEM;
      pre->prefix = 1;
    }
  kabar_gaz_entry *e = gaz_slot(gl->g, gl->key.p, gl->key.len);
  if (!e)
    return KABAR_ENOMEM;
  uint32_t id = (uint32_t)(e - gl->g->entries.v);
  int fresh = !e->full;
  int acronym = words == 1 && fl[1] >= 2 && fl[1] <= 5;
  for (size_t i = 0; i < fl[1] && acronym; i++)
    acronym = (f[1][i] >= 'A' && f[1][i] <= 'Z') || (i > 0 && f[1][i] >= '0' && f[1][i] <= '9');
  e->acronym = (uint8_t)(fresh ? acronym : e->acronym && acronym);
  e->full = 1;
  e->types |= (uint8_t)(1u << (type - 1));
  e->sources |= gl->source;
  if (e->name == KABAR_STRTAB_NONE &&
      (e->name = kabar__strtab_intern(&gl->g->names, f[1], fl[1])) == KABAR_STRTAB_NONE)
    return KABAR_ENOMEM;
  if (nf > 2 && fl[2] > 0 && e->canonical == KABAR_STRTAB_NONE &&
      (e->canonical = kabar__strtab_intern(&gl->g->names, f[2], fl[2])) == KABAR_STRTAB_NONE)
    return KABAR_ENOMEM;
  if (fresh && (gl->source & KABAR_GAZ_CURATED) && KABAR_VEC_PUSH(gl->g->curated, id) != 0)
    return KABAR_ENOMEM;
  return KABAR_OK;
}

kabar_status kabar__gaz_load(const kabar_ctx *ctx, const char *path, uint8_t source,
                             kabar_gazetteer *g, kabar_error *err) {
  gaz_load gl = {ctx, g, source, {0}};
  kabar_status rc = for_each_line(path, gaz_line, &gl, err);
  kabar__buf_free(&gl.key);
  return rc;
}

void kabar__gaz_free(kabar_gazetteer *g) {
  kabar__strtab_free(&g->keys);
  KABAR_VEC_FREE(g->entries);
  kabar__strtab_free(&g->names);
  KABAR_VEC_FREE(g->curated);
}

const kabar_gaz_entry *kabar__gaz_find(const kabar_gazetteer *g, const char *key, size_t n) {
  uint32_t id = kabar__strtab_find(&g->keys, key, n);
  return id == KABAR_STRTAB_NONE ? NULL : &g->entries.v[id];
}

/* Levenshtein distance of a and b if it is at most max, else max + 1 (bytes; keys are
 * case-folded, so a misspelt ASCII letter costs 1). */
static size_t bounded_distance(const char *a, size_t na, const char *b, size_t nb, size_t max) {
  enum { W = 64 };
  if (na >= W || nb >= W)
    return max + 1;
  size_t row[W], prev[W];
  for (size_t j = 0; j <= nb; j++)
    prev[j] = j;
  for (size_t i = 1; i <= na; i++) {
    row[0] = i;
    size_t best = row[0];
    for (size_t j = 1; j <= nb; j++) {
      size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      size_t del = prev[j] + 1, ins = row[j - 1] + 1;
      row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
      if (row[j] < best)
        best = row[j];
    }
    if (best > max)
      return max + 1;
    memcpy(prev, row, (nb + 1) * sizeof *row);
  }
  return prev[nb];
}

static int by_u64(const void *pa, const void *pb) {
  uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
  return (a > b) - (a < b);
}

/* Curated keys in order of first byte, then length: each packed as byte << 56 | length << 32
 * | id and sorted as numbers. Without memory to sort, the order stays as loaded and fuzzy
 * lookups only see part of the list. */
void kabar__gaz_index(kabar_gazetteer *g) {
  uint64_t *v = kabar__malloc((g->curated.n + 1) * sizeof *v);
  if (!v)
    return;
  for (size_t i = 0; i < g->curated.n; i++) {
    uint32_t id = g->curated.v[i];
    uint64_t len = kabar__strtab_len(&g->keys, id) & 0xffffffu;
    v[i] = (uint64_t)(unsigned char)kabar__strtab_str(&g->keys, id)[0] << 56 | len << 32 | id;
  }
  qsort(v, g->curated.n, sizeof *v, by_u64);
  for (size_t i = 0; i < g->curated.n; i++)
    g->curated.v[i] = (uint32_t)v[i];
  kabar__free(v);
}

const kabar_gaz_entry *kabar__gaz_fuzzy(const kabar_gazetteer *g, const char *key, size_t n) {
  if (n < 6)
    return NULL; /* short names and acronyms are too easily confused */
  size_t max = n >= 12 ? 2 : 1;
  const kabar_gaz_entry *best = NULL;
  size_t best_d = max + 1;
  /* the first curated key with the same first byte and a length of at least n - max */
  size_t lo = 0, hi = g->curated.n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    uint32_t id = g->curated.v[mid];
    unsigned char c = (unsigned char)kabar__strtab_str(&g->keys, id)[0];
    size_t m = kabar__strtab_len(&g->keys, id);
    if (c < (unsigned char)key[0] || (c == (unsigned char)key[0] && m + max < n))
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < g->curated.n; i++) {
    uint32_t id = g->curated.v[i];
    size_t m = kabar__strtab_len(&g->keys, id);
    const char *s = kabar__strtab_str(&g->keys, id);
    if (s[0] != key[0] || m > n + max)
      break;
    size_t d = bounded_distance(key, n, s, m, best_d - 1 < max ? best_d - 1 : max);
    if (d < best_d) {
      best_d = d;
      best = &g->entries.v[id];
      if (d == 0)
        break;
    }
  }
  return best;
}

/* ---- trigger words ------------------------------------------------------------------------ */

static const struct {
  const char *name;
  uint8_t action;
} trigger_actions[] = {
    {"title", KABAR_TRIG_TITLE},
    {"firstname", KABAR_TRIG_FIRSTNAME},
    {"org-prefix", KABAR_TRIG_ORG_PREFIX},
    {"org-suffix", KABAR_TRIG_ORG_SUFFIX},
    {"loc-prefix", KABAR_TRIG_LOC_PREFIX},
    {"event-prefix", KABAR_TRIG_EVENT_PREFIX},
    {"event-suffix", KABAR_TRIG_EVENT_SUFFIX},
    {"particle", KABAR_TRIG_PARTICLE},
};

typedef struct trig_load {
  const kabar_ctx *ctx;
  kabar_triggers *t;
  kabar_buf key;
} trig_load;

static kabar_status trigger_line(void *ud, const char **f, const size_t *fl, size_t nf) {
  trig_load *tl = ud;
  if (nf < 2)
    return KABAR_EINVAL;
  uint8_t action = 0;
  for (size_t i = 0; i < sizeof trigger_actions / sizeof *trigger_actions; i++)
    if (fl[0] == strlen(trigger_actions[i].name) &&
        memcmp(f[0], trigger_actions[i].name, fl[0]) == 0)
      action = trigger_actions[i].action;
  if (!action)
    return KABAR_EINVAL;
  int words = name_key(tl->ctx, &tl->key, f[1], fl[1]);
  if (words < 0)
    return KABAR_ENOMEM;
  if (words == 0 || words > 4)
    return KABAR_OK;
  /* the first word of a longer trigger gets an entry without actions, so the tagger can tell
   * where a trigger may start from one lookup */
  const char *sp = memchr(tl->key.p, ' ', tl->key.len);
  if (sp) {
    size_t fb = tl->t->keys.count;
    uint32_t fid = kabar__strtab_intern(&tl->t->keys, tl->key.p, (size_t)(sp - tl->key.p));
    if (fid == KABAR_STRTAB_NONE)
      return KABAR_ENOMEM;
    if (fid == fb) {
      kabar_trigger z = {0, 1, KABAR_STRTAB_NONE};
      if (KABAR_VEC_PUSH(tl->t->v, z) != 0)
        return KABAR_ENOMEM;
    }
  }
  size_t before = tl->t->keys.count;
  uint32_t id = kabar__strtab_intern(&tl->t->keys, tl->key.p, tl->key.len);
  if (id == KABAR_STRTAB_NONE)
    return KABAR_ENOMEM;
  if (id == before) {
    kabar_trigger z = {0, (uint8_t)words, KABAR_STRTAB_NONE};
    if (KABAR_VEC_PUSH(tl->t->v, z) != 0)
      return KABAR_ENOMEM;
  }
  kabar_trigger *tr = &tl->t->v.v[id];
  tr->actions |= action;
  tr->ntokens = (uint8_t)words;
  if (nf > 2 && fl[2] > 0 && tr->head == KABAR_STRTAB_NONE &&
      (tr->head = kabar__strtab_intern(&tl->t->heads, f[2], fl[2])) == KABAR_STRTAB_NONE)
    return KABAR_ENOMEM;
  return KABAR_OK;
}

kabar_status kabar__triggers_load(const kabar_ctx *ctx, const char *path, kabar_triggers *t,
                                  kabar_error *err) {
  trig_load tl = {ctx, t, {0}};
  kabar_status rc = for_each_line(path, trigger_line, &tl, err);
  kabar__buf_free(&tl.key);
  return rc;
}

void kabar__triggers_free(kabar_triggers *t) {
  kabar__strtab_free(&t->keys);
  KABAR_VEC_FREE(t->v);
  kabar__strtab_free(&t->heads);
}

const kabar_trigger *kabar__trigger_find(const kabar_triggers *t, const char *key, size_t n) {
  uint32_t id = kabar__strtab_find(&t->keys, key, n);
  return id == KABAR_STRTAB_NONE ? NULL : &t->v.v[id];
}
