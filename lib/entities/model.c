/* Tagger models: the weight map, the model file format and the tagging API.
 *
 * File format (little-endian), version 1:
 *   "KABARNER" u32 version u32 feature_set  char lang[8]  u32 ntags  ntags x (u8 len, bytes)
 *   f32 trans[(ntags + 1) * ntags]  f32 scale  u32 nrows  nrows x (u64 key, i16 w[ntags])
 *   u64 checksum (kabar__hash of everything before it)
 * Weights are quantised to 16 bits with one scale; rows whose weights all round to 0 are
 * left out. */
#include "entities.h"
#include "../text/text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>

#define MODEL_MAGIC "KABARNER"
#define MODEL_VERSION 1u
#define FEATURE_SET 1u /* bump when kabar__ner_features changes meaning */

/* ---- weight map ----------------------------------------------------------------------- */

static int weights_rehash(kabar_ner_weights *w, size_t nslots) {
  uint64_t *keys = kabar__calloc(nslots, sizeof *keys);
  uint32_t *rows = kabar__malloc(nslots * sizeof *rows);
  if (!keys || !rows) {
    kabar__free(keys);
    kabar__free(rows);
    return -1;
  }
  for (size_t i = 0; i < w->nslots; i++) {
    if (!w->keys[i])
      continue;
    size_t s = kabar__ner_slot(w->keys[i], nslots);
    while (keys[s])
      s = (s + 1) & (nslots - 1);
    keys[s] = w->keys[i];
    rows[s] = w->rows[i];
  }
  kabar__free(w->keys);
  kabar__free(w->rows);
  w->keys = keys;
  w->rows = rows;
  w->nslots = nslots;
  return 0;
}

float *kabar__ner_weights_add(kabar_ner_weights *w, size_t ntags, uint64_t key) {
  if (w->ws) {
    kabar__free(w->ws); /* the frozen copy would go stale */
    w->ws = NULL;
  }
  if ((w->count + 1) * 2 > w->nslots && weights_rehash(w, w->nslots ? w->nslots * 2 : 1024) != 0)
    return NULL;
  size_t s = kabar__ner_slot(key, w->nslots);
  for (; w->keys[s]; s = (s + 1) & (w->nslots - 1))
    if (w->keys[s] == key)
      return w->w + (size_t)w->rows[s] * ntags;
  if (w->count == UINT32_MAX ||
      kabar__grow((void **)&w->w, &w->wcap, (w->count + 1) * ntags, sizeof(float)) != 0)
    return NULL;
  w->keys[s] = key;
  w->rows[s] = (uint32_t)w->count;
  float *row = w->w + w->count * ntags;
  memset(row, 0, ntags * sizeof *row);
  w->count++;
  return row;
}

kabar_status kabar__ner_weights_freeze(kabar_ner_weights *w, size_t ntags) {
  kabar__free(w->ws);
  w->ws = NULL;
  if (!w->nslots)
    return KABAR_OK;
  float *ws = kabar__calloc(w->nslots * ntags, sizeof *ws);
  if (!ws)
    return KABAR_ENOMEM;
  for (size_t s = 0; s < w->nslots; s++)
    if (w->keys[s])
      memcpy(ws + s * ntags, w->w + (size_t)w->rows[s] * ntags, ntags * sizeof *ws);
  w->ws = ws;
  return KABAR_OK;
}

void kabar__ner_weights_free(kabar_ner_weights *w) {
  kabar__free(w->ws);
  kabar__free(w->keys);
  kabar__free(w->rows);
  kabar__free(w->w);
  memset(w, 0, sizeof *w);
}

/* ---- tags ------------------------------------------------------------------------------- */

int kabar__ner_type_of(const char *name, size_t n) {
  static const struct {
    const char *name;
    int type;
  } map[] = {{"PER", 1}, {"PERSON", 1}, {"PPL", 1}, {"ORG", 2}, {"ORGANISATION", 2},
             {"ORGANIZATION", 2}, {"IND", 2}, {"LOC", 3}, {"PLACE", 3}, {"PLC", 3}, {"GPE", 3},
             {"EVENT", 4}, {"EVT", 4}};
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (strlen(map[i].name) == n && memcmp(map[i].name, name, n) == 0)
      return map[i].type;
  return 0;
}

kabar_status kabar__ner_model_index_tags(struct kabar_ner_model *m) {
  if (m->ntags == 0 || m->ntags > KABAR_NER_MAX_TAGS)
    return KABAR_EINVAL;
  for (size_t t = 0; t < m->ntags; t++) {
    const char *s = m->tag_names[t];
    m->tag_inside[t] = s[0] == 'I';
    m->tag_type[t] = 0;
    m->tag_class[t] = 0;
    if (strcmp(s, "O") == 0)
      continue;
    if ((s[0] != 'B' && s[0] != 'I') || s[1] != '-' || !s[2])
      return KABAR_EINVAL;
    m->tag_type[t] = (uint8_t)kabar__ner_type_of(s + 2, strlen(s + 2));
    /* the class is the index of the B- tag of the same type */
    for (size_t u = 0; u < m->ntags; u++)
      if (m->tag_names[u][0] == 'B' && strcmp(m->tag_names[u] + 1, s + 1) == 0)
        m->tag_class[t] = (uint8_t)u;
  }
  size_t T = m->ntags;
  m->o_tag = 0;
  for (size_t t = 0; t < T; t++)
    if (strcmp(m->tag_names[t], "O") == 0)
      m->o_tag = (uint8_t)t;
  /* IOB2: I-X only after B-X or I-X; p == T is the sentence start */
  for (size_t p = 0; p <= T; p++)
    for (size_t t = 0; t < T; t++)
      m->allowed[p * T + t] = !m->tag_inside[t] ||
                              (p < T && strcmp(m->tag_names[p], "O") != 0 &&
                               m->tag_class[p] == m->tag_class[t]);
  return KABAR_OK;
}

void kabar__ner_model_destroy(struct kabar_ner_model *m) {
  if (!m)
    return;
  for (size_t t = 0; t < KABAR_NER_MAX_TAGS; t++)
    kabar__free(m->tag_names[t]);
  kabar__ner_weights_free(&m->weights);
  kabar__free(m);
}

void kabar_ner_model_free(kabar_ner_model *model) { kabar__ner_model_destroy(model); }
const char *kabar_ner_model_lang(const kabar_ner_model *model) { return model ? model->lang : ""; }
size_t kabar_ner_model_feature_count(const kabar_ner_model *model) {
  return model ? model->weights.count : 0;
}

kabar_status kabar_ner_model_prune(kabar_ner_model *m, double min_weight) {
  if (!m || !(min_weight >= 0))
    return KABAR_EINVAL;
  size_t T = m->ntags;
  kabar_ner_weights kept = {0};
  for (size_t s = 0; s < m->weights.nslots; s++) {
    if (!m->weights.keys[s])
      continue;
    const float *row = m->weights.w + (size_t)m->weights.rows[s] * T;
    int big = 0;
    for (size_t t = 0; t < T && !big; t++)
      big = fabsf(row[t]) >= min_weight;
    if (!big)
      continue;
    float *dst = kabar__ner_weights_add(&kept, T, m->weights.keys[s]);
    if (!dst) {
      kabar__ner_weights_free(&kept);
      return KABAR_ENOMEM;
    }
    memcpy(dst, row, T * sizeof *dst);
  }
  kabar__ner_weights_free(&m->weights);
  m->weights = kept;
  return kabar__ner_weights_freeze(&m->weights, T);
}

/* ---- reading and writing ------------------------------------------------------------------ */

static void put_u32(kabar_buf *b, uint32_t v, int *ok) {
  unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                        (unsigned char)(v >> 24)};
  *ok &= kabar__buf_put(b, c, 4) == 0;
}
static void put_u64(kabar_buf *b, uint64_t v, int *ok) {
  put_u32(b, (uint32_t)v, ok);
  put_u32(b, (uint32_t)(v >> 32), ok);
}
static void put_f32(kabar_buf *b, float f, int *ok) {
  uint32_t v;
  memcpy(&v, &f, 4);
  put_u32(b, v, ok);
}

kabar_status kabar_ner_model_save(const kabar_ner_model *m, const char *path, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!m || !path)
    return kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
  size_t T = m->ntags;
  float max = 0;
  for (size_t i = 0; i < m->weights.count * T; i++)
    if (fabsf(m->weights.w[i]) > max)
      max = fabsf(m->weights.w[i]);
  float scale = max > 0 ? max / 32767.0f : 1.0f;
  kabar_buf b = {0};
  int ok = kabar__buf_put(&b, MODEL_MAGIC, 8) == 0;
  put_u32(&b, MODEL_VERSION, &ok);
  put_u32(&b, FEATURE_SET, &ok);
  char lang[8] = {0};
  for (size_t i = 0; i < 7 && m->lang[i]; i++)
    lang[i] = m->lang[i];
  ok &= kabar__buf_put(&b, lang, 8) == 0;
  put_u32(&b, (uint32_t)T, &ok);
  for (size_t t = 0; t < T; t++) {
    size_t n = strlen(m->tag_names[t]);
    ok &= kabar__buf_putc(&b, (char)n) == 0 && kabar__buf_put(&b, m->tag_names[t], n) == 0;
  }
  for (size_t i = 0; i < (T + 1) * T; i++)
    put_f32(&b, m->trans[i], &ok);
  put_f32(&b, scale, &ok);
  size_t count_at = b.len, rows = 0;
  put_u32(&b, 0, &ok);
  for (size_t s = 0; s < m->weights.nslots && ok; s++) {
    if (!m->weights.keys[s])
      continue;
    const float *row = m->weights.w + (size_t)m->weights.rows[s] * T;
    int16_t q[KABAR_NER_MAX_TAGS];
    int any = 0;
    for (size_t t = 0; t < T; t++) {
      float v = roundf(row[t] / scale);
      q[t] = (int16_t)(v > 32767 ? 32767 : v < -32767 ? -32767 : v);
      any |= q[t] != 0;
    }
    if (!any)
      continue;
    put_u64(&b, m->weights.keys[s], &ok);
    for (size_t t = 0; t < T; t++) {
      unsigned char c[2] = {(unsigned char)((uint16_t)q[t] & 0xff), (unsigned char)((uint16_t)q[t] >> 8)};
      ok &= kabar__buf_put(&b, c, 2) == 0;
    }
    rows++;
  }
  if (ok) {
    for (int k = 0; k < 4; k++)
      b.p[count_at + (size_t)k] = (char)(rows >> (8 * k));
    put_u64(&b, kabar__hash(b.p, b.len, 0x6b6e6572), &ok);
  }
  if (!ok) {
    kabar__buf_free(&b);
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  }
  size_t pl = strlen(path);
  char *tmp = kabar__malloc(pl + 5);
  kabar_status rc = KABAR_OK;
  if (!tmp) {
    rc = kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  } else {
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    int wok = f && fwrite(b.p, 1, b.len, f) == b.len;
    int e = errno;
    if (f && fclose(f) != 0)
      wok = 0, e = errno;
    if (!wok || rename(tmp, path) != 0) {
      if (wok)
        e = errno;
      remove(tmp);
      rc = kabar__fail_path(err, KABAR_EIO, path, KABAR_NO_OFFSET, e);
    }
  }
  kabar__free(tmp);
  kabar__buf_free(&b);
  return rc;
}

typedef struct reader {
  const unsigned char *p;
  size_t n, at;
  int ok;
} reader;

static const unsigned char *take(reader *r, size_t n) {
  if (!r->ok || r->n - r->at < n) {
    r->ok = 0;
    return NULL;
  }
  const unsigned char *p = r->p + r->at;
  r->at += n;
  return p;
}
static uint32_t get_u32(reader *r) {
  const unsigned char *c = take(r, 4);
  return c ? (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24 : 0;
}
static uint64_t get_u64(reader *r) {
  uint64_t lo = get_u32(r);
  return lo | (uint64_t)get_u32(r) << 32;
}
static float get_f32(reader *r) {
  uint32_t v = get_u32(r);
  float f;
  memcpy(&f, &v, 4);
  return isfinite(f) ? f : (r->ok = 0, 0.0f);
}

/* Parses a model image; KABAR_EINVAL (with the byte offset) when it is damaged. */
static kabar_status parse_model(reader *r, struct kabar_ner_model *m, kabar_error *err) {
  const unsigned char *magic = take(r, 8);
  if (!magic || memcmp(magic, MODEL_MAGIC, 8) != 0)
    return kabar__fail(err, KABAR_EINVAL, 0, 0);
  uint32_t version = get_u32(r), fset = get_u32(r);
  if (r->ok && (version > MODEL_VERSION || fset != FEATURE_SET))
    return kabar__fail(err, KABAR_EVERSION, 8, (int32_t)version);
  const unsigned char *lang = take(r, 8);
  if (lang) {
    memcpy(m->lang, lang, 7);
    m->lang[7] = '\0';
  }
  uint32_t T = get_u32(r);
  if (!r->ok || T == 0 || T > KABAR_NER_MAX_TAGS)
    return kabar__fail(err, KABAR_EINVAL, r->at, 0);
  m->ntags = T;
  for (size_t t = 0; t < T; t++) {
    const unsigned char *len = take(r, 1);
    const unsigned char *name = len ? take(r, *len) : NULL;
    if (!name || *len == 0 || memchr(name, 0, *len) || kabar__utf8_check((const char *)name, *len) < *len)
      return kabar__fail(err, KABAR_EINVAL, r->at, 0);
    if (!(m->tag_names[t] = kabar__strndup((const char *)name, *len)))
      return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  }
  if (kabar__ner_model_index_tags(m) != KABAR_OK)
    return kabar__fail(err, KABAR_EINVAL, r->at, 0);
  for (size_t i = 0; i < (size_t)(T + 1) * T; i++)
    m->trans[i] = get_f32(r);
  float scale = get_f32(r);
  uint32_t rows = get_u32(r);
  /* every weight (scale x int16) must stay finite, or saving the model again divides
   * infinities */
  if (!r->ok || !isfinite(scale * 32767.0f) || (r->n - r->at - 8) / (8 + 2 * (size_t)T) < rows)
    return kabar__fail(err, KABAR_EINVAL, r->at, 0);
  for (uint32_t i = 0; i < rows; i++) {
    uint64_t key = get_u64(r);
    if (!key)
      return kabar__fail(err, KABAR_EINVAL, r->at, 0);
    float *row = kabar__ner_weights_add(&m->weights, T, key);
    if (!row)
      return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    const unsigned char *q = take(r, 2 * (size_t)T);
    for (size_t t = 0; q && t < T; t++)
      row[t] = (float)(int16_t)(uint16_t)(q[2 * t] | q[2 * t + 1] << 8) * scale;
  }
  size_t body = r->at;
  uint64_t sum = get_u64(r);
  if (!r->ok || r->at != r->n || sum != kabar__hash(r->p, body, 0x6b6e6572))
    return kabar__fail(err, KABAR_EINVAL, body, 0);
  if (kabar__ner_weights_freeze(&m->weights, T) != KABAR_OK)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  return KABAR_OK;
}

kabar_status kabar__ner_model_parse(const void *buf, size_t len, struct kabar_ner_model **out,
                                    kabar_error *err) {
  *out = NULL;
  struct kabar_ner_model *m = kabar__calloc(1, sizeof *m);
  if (!m)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  reader r = {(const unsigned char *)(buf ? buf : ""), buf ? len : 0, 0, 1};
  kabar_status rc = parse_model(&r, m, err);
  if (rc != KABAR_OK) {
    kabar__ner_model_destroy(m);
    return rc;
  }
  *out = m;
  return KABAR_OK;
}

kabar_status kabar__ner_model_read(const char *path, struct kabar_ner_model **out,
                                   kabar_error *err) {
  *out = NULL;
  kabar_buf file = {0};
  if (kabar__read_file(path, &file) != 0) {
    int e = errno;
    kabar__buf_free(&file);
    return kabar__fail_path(err, e == ENOMEM ? KABAR_ENOMEM : KABAR_EIO, path, KABAR_NO_OFFSET, e);
  }
  kabar_status rc = kabar__ner_model_parse(file.p, file.len, out, err);
  kabar__buf_free(&file);
  if (rc != KABAR_OK && err && !err->path[0])
    snprintf(err->path, sizeof err->path, "%s", path);
  return rc;
}

kabar_ner_model *kabar_ner_model_load(const char *path, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!path) {
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  struct kabar_ner_model *m;
  kabar__ner_model_read(path, &m, err);
  return m;
}

/* ---- tagging ----------------------------------------------------------------------------- */

struct kabar_tagger {
  const kabar_ner_model *model;
  kabar_ner_run run;
  KABAR_VEC(uint8_t) tags;
};

static int lang_index(const kabar_ctx *ctx, const char *tag) {
  for (size_t i = 0; i < ctx->nlangs; i++)
    if (strcmp(ctx->langs[i].tag, tag) == 0)
      return (int)i;
  return -1;
}

const kabar_ner_model *kabar_ctx_ner_model(const kabar_ctx *ctx, const char *lang) {
  if (!ctx || !lang)
    return NULL;
  int l = lang_index(ctx, lang);
  return l < 0 || !ctx->langs[l].ner ? NULL : ctx->langs[l].ner->model;
}

kabar_tagger *kabar_tagger_new(const kabar_ctx *ctx, const kabar_ner_model *model,
                               kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!ctx || !model) {
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  int l = lang_index(ctx, model->lang);
  if (l < 0) {
    kabar__fail(err, KABAR_ELANG, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  kabar_tagger *t = kabar__calloc(1, sizeof *t);
  if (!t || kabar__ner_run_init(&t->run, ctx, (uint8_t)l) != KABAR_OK) {
    if (t)
      kabar__ner_run_free(&t->run);
    kabar__free(t);
    kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  t->model = model;
  return t;
}

void kabar_tagger_free(kabar_tagger *t) {
  if (!t)
    return;
  kabar__ner_run_free(&t->run);
  KABAR_VEC_FREE(t->tags);
  kabar__free(t);
}

kabar_status kabar_tagger_tag(kabar_tagger *t, const char *const *tokens, const size_t *lens,
                              size_t n, const char **tags_out, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!t || (n && (!tokens || !lens || !tags_out)))
    return kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
  for (size_t i = 0; i < n; i++) {
    if (!tokens[i])
      return kabar__fail(err, KABAR_EINVAL, i, 0);
    if (lens[i] && kabar__utf8_check(tokens[i], lens[i]) < lens[i])
      return kabar__fail(err, KABAR_EUTF8, i, 0);
  }
  if (kabar__grow((void **)&t->tags.v, &t->tags.cap, n + 1, 1) != 0)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  kabar_status rc = kabar__ner_features(&t->run, tokens, lens, n);
  if (rc == KABAR_OK)
    rc = kabar__ner_decode(&t->run, t->model, t->run.feats.v, n, t->tags.v);
  if (rc != KABAR_OK)
    return kabar__fail(err, rc, KABAR_NO_OFFSET, 0);
  for (size_t i = 0; i < n; i++)
    tags_out[i] = t->model->tag_names[t->tags.v[i]];
  return KABAR_OK;
}
