/* The tagger's features and its Viterbi decoder. Every feature is a 64-bit hash of a template
 * number and a value; the model maps hashes to weight rows, so no feature dictionary is kept
 * at training time or shipped. */
#include "entities.h"
#include "../text/text.h"

#include <libstemmer.h>
#include <unicode/uchar.h>

kabar_status kabar__ner_run_init(kabar_ner_run *run, const kabar_ctx *ctx, uint8_t lang) {
  memset(run, 0, sizeof *run);
  run->ctx = ctx;
  run->lang = lang;
  run->nl = lang < ctx->nlangs ? ctx->langs[lang].ner : NULL;
  const char *algo = lang < ctx->nlangs ? ctx->langs[lang].stemmer : NULL;
  if (algo && !(run->stemmer = sb_stemmer_new(algo, "UTF_8")))
    return KABAR_ENOMEM;
  return KABAR_OK;
}

void kabar__ner_run_free(kabar_ner_run *run) {
  if (run->stemmer)
    sb_stemmer_delete(run->stemmer);
  kabar__buf_free(&run->scratch);
  kabar__buf_free(&run->key);
  kabar__buf_free(&run->keys);
  KABAR_VEC_FREE(run->info);
  KABAR_VEC_FREE(run->feats);
  KABAR_VEC_FREE(run->score);
  KABAR_VEC_FREE(run->vit);
  KABAR_VEC_FREE(run->back);
}

int kabar__ner_token_key(const kabar_ner_run *run, kabar_buf *out, size_t i) {
  const kabar_ner_tokinfo *ti = &run->info.v[i];
  if (ti->key_runs <= 0)
    return 0;
  if ((out->len > 0 && kabar__buf_putc(out, ' ') != 0) ||
      kabar__buf_put(out, run->keys.p + ti->key_off, ti->key_len) != 0)
    return -1;
  return ti->key_runs;
}

static uint64_t feat(uint32_t tmpl, uint64_t value) {
  uint64_t h = kabar__mix64(value ^ ((uint64_t)tmpl * 0x9e3779b97f4a7c15ULL));
  return h ? h : 1;
}
static uint64_t pair(uint64_t a, uint64_t b) { return kabar__mix64(a * 31 + b); }

/* Case-folds token s into run->scratch (ASCII without ICU). */
static kabar_status fold_token(kabar_ner_run *run, const char *s, size_t n) {
  run->scratch.len = 0;
  int ascii = 1;
  for (size_t i = 0; i < n && ascii; i++)
    ascii = (unsigned char)s[i] < 0x80;
  if (!ascii)
    return kabar__normalize(run->ctx, s, n, &run->scratch, NULL, 0);
  if (kabar__buf_reserve(&run->scratch, n) != 0)
    return KABAR_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    run->scratch.p[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  run->scratch.len = n;
  run->scratch.p[n] = '\0';
  return KABAR_OK;
}

static char shape_of(int32_t cp) {
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z')
      return 'X';
    if (cp >= 'a' && cp <= 'z')
      return 'x';
    if (cp >= '0' && cp <= '9')
      return 'd';
    return (char)cp;
  }
  if (u_isupper(cp))
    return 'X';
  if (u_isalpha(cp))
    return 'x';
  if (u_isdigit(cp))
    return 'd';
  return '*';
}

/* Surface facts of one token: hashes of its form, folded form, shapes, affixes and stem. */
static kabar_status token_info(kabar_ner_run *run, const char *s, size_t n, kabar_ner_tokinfo *ti) {
  memset(ti, 0, sizeof *ti);
  char shape[16], sshape[16];
  size_t ns = 0, nss = 0, letters = 0, uppers = 0, alnum = 0;
  for (size_t i = 0; i < n;) {
    size_t cl = 1;
    unsigned char c = (unsigned char)s[i];
    int32_t cp = c < 0x80 ? c : kabar__utf8_decode((const unsigned char *)s + i, n - i, &cl);
    char sh = shape_of(cp);
    if (sh == 'X' || sh == 'x') {
      letters++;
      uppers += sh == 'X';
      if (letters == 1 && sh == 'X')
        ti->cap = 1;
    }
    alnum += sh == 'X' || sh == 'x' || sh == 'd';
    if (ns < sizeof shape)
      shape[ns++] = sh;
    if (nss < sizeof sshape && (nss == 0 || sshape[nss - 1] != sh))
      sshape[nss++] = sh;
    i += cl;
  }
  if (letters > 1 && uppers == letters)
    ti->cap = 2;
  ti->alpha = letters > 0;
  ti->punct = alnum == 0;
  ti->form = kabar__hash(s, n, 1);
  ti->shape = kabar__hash(shape, ns, 2);
  ti->sshape = kabar__hash(sshape, nss, 3);
  kabar_status rc = fold_token(run, s, n);
  if (rc != KABAR_OK)
    return rc;
  const char *low = run->scratch.p ? run->scratch.p : "";
  size_t nl = run->scratch.len;
  ti->lower = kabar__hash(low, nl, 4);
  /* the key: the folded form's alphanumeric runs, kept apart in run->keys */
  size_t before = run->keys.len;
  int runs = kabar__ner_runs_append(&run->keys, low, nl);
  if (runs < 0)
    return KABAR_ENOMEM;
  size_t sp = runs > 0 && before > 0; /* the space put before the first run */
  ti->key_off = (uint32_t)(before + sp);
  ti->key_len = (uint32_t)(run->keys.len - before - sp);
  ti->key_runs = (int8_t)(runs > 100 ? 100 : runs);
  if (run->lang < run->ctx->nlangs)
    ti->stop = kabar__strtab_find(&run->ctx->langs[run->lang].stopwords, low, nl) != KABAR_STRTAB_NONE;
  /* affixes by code points: bounds[k] is the byte offset of code point k */
  size_t bounds[66], ncp = 0;
  for (size_t i = 0; i < nl && ncp < 65; ncp++) {
    bounds[ncp] = i;
    unsigned char c = (unsigned char)low[i];
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  }
  bounds[ncp] = nl;
  if (ncp < 65) {
    for (size_t k = 0; k < 4 && k < ncp; k++) {
      ti->pre[k] = kabar__hash(low, bounds[k + 1], 10 + k);
      ti->suf[k] = kabar__hash(low + bounds[ncp - k - 1], nl - bounds[ncp - k - 1], 20 + k);
    }
  }
  ti->stem = ti->lower;
  if (run->stemmer && ti->alpha && nl < 64) {
    const sb_symbol *st = sb_stemmer_stem(run->stemmer, (const sb_symbol *)low, (int)nl);
    if (!st)
      return KABAR_ENOMEM;
    ti->stem = kabar__hash(st, (size_t)sb_stemmer_length(run->stemmer), 5);
  }
  return KABAR_OK;
}

/* Gazetteer bits: the longest entry starting at each token marks B on its first token and I
 * on the rest, per type and per source (curated: bits 0-7, large lists: bits 8-15). */
static kabar_status mark_gazetteer(kabar_ner_run *run, const char *const *tok, const size_t *len,
                                   size_t n) {
  const kabar_gazetteer *g = &run->nl->gaz;
  if (g->keys.count == 0)
    return KABAR_OK;
  kabar_ner_tokinfo *info = run->info.v;
  for (size_t i = 0; i < n; i++) {
    if (info[i].punct)
      continue;
    run->key.len = 0;
    /* the longest entry of each source: a curated name inside a longer listed one counts */
    const kabar_gaz_entry *best[2] = {NULL, NULL};
    size_t best_end[2] = {i, i};
    for (size_t j = i; j < n && j < i + 2 * KABAR_GAZ_MAX_TOKENS; j++) {
      int r = kabar__ner_token_key(run, &run->key, j);
      if (r < 0)
        return KABAR_ENOMEM;
      if (r == 0) {
        if (tok[j][0] == '-' || tok[j][0] == '.' || tok[j][0] == '&' || tok[j][0] == '\'')
          continue; /* "Coca-Cola", "N.V.", "AT&T" */
        break;
      }
      const kabar_gaz_entry *e = kabar__gaz_find(g, run->key.p, run->key.len);
      if (!e)
        break;
      for (int src = 0; src < 2 && e->full; src++)
        if (e->sources >> src & 1u) {
          best[src] = e;
          best_end[src] = j;
        }
      if (!e->prefix)
        break;
    }
    for (int src = 0; src < 2; src++) {
      if (!best[src])
        continue;
      for (int t = 0; t < KABAR_NER_NTYPES; t++) {
        if (!(best[src]->types >> t & 1u))
          continue;
        unsigned base = (unsigned)(src * 8 + t * 2);
        info[i].gaz |= (uint16_t)(1u << base);
        for (size_t k = i + 1; k <= best_end[src]; k++)
          info[k].gaz |= (uint16_t)(1u << (base + 1));
      }
    }
  }
  return KABAR_OK;
}

/* Trigger words of one or two tokens starting at each token. */
static kabar_status mark_triggers(kabar_ner_run *run, const char *const *tok, const size_t *len,
                                  size_t n) {
  const kabar_triggers *t = &run->nl->trig;
  if (t->keys.count == 0)
    return KABAR_OK;
  for (size_t i = 0; i < n; i++) {
    if (run->info.v[i].punct)
      continue;
    run->key.len = 0;
    if (kabar__ner_token_key(run, &run->key, i) < 0)
      return KABAR_ENOMEM;
    const kabar_trigger *tr = kabar__trigger_find(t, run->key.p, run->key.len);
    if (tr)
      run->info.v[i].trig_start = 1; /* a trigger, or the first word of a longer one */
    if (tr && tr->ntokens == 1)
      run->info.v[i].trig |= tr->actions;
    if (i + 1 < n && kabar__ner_token_key(run, &run->key, i + 1) > 0 &&
        (tr = kabar__trigger_find(t, run->key.p, run->key.len)) != NULL && tr->ntokens == 2) {
      run->info.v[i].trig |= tr->actions;
      run->info.v[i + 1].trig |= tr->actions;
    }
  }
  return KABAR_OK;
}


static int sentence_case(const kabar_ner_tokinfo *info, size_t n) {
  size_t alpha = 0, upper = 0, capital = 0;
  for (size_t i = 0; i < n; i++) {
    alpha += info[i].alpha;
    upper += info[i].cap == 2;
    capital += info[i].cap != 0;
  }
  if (capital == 0)
    return KABAR_SENT_LOWER;
  if (alpha >= 3 && upper * 5 >= alpha * 4)
    return KABAR_SENT_UPPER;
  return KABAR_SENT_MIXED;
}

static uint64_t len_bucket(size_t n) {
  return n <= 4 ? n : n <= 6 ? 5 : n <= 9 ? 6 : 7;
}

kabar_status kabar__ner_features(kabar_ner_run *run, const char *const *tok, const size_t *len,
                                 size_t n) {
  run->info.n = run->feats.n = 0;
  run->keys.len = 0;
  if (kabar__grow((void **)&run->info.v, &run->info.cap, n + 1, sizeof *run->info.v) != 0 ||
      kabar__grow((void **)&run->feats.v, &run->feats.cap, n * KABAR_NER_FEATS + 1,
                  sizeof *run->feats.v) != 0)
    return KABAR_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    kabar_status rc = token_info(run, tok[i], len[i], &run->info.v[i]);
    if (rc != KABAR_OK)
      return rc;
  }
  run->info.n = n;
  if (run->nl) {
    kabar_status rc = mark_gazetteer(run, tok, len, n);
    if (rc == KABAR_OK)
      rc = mark_triggers(run, tok, len, n);
    if (rc != KABAR_OK)
      return rc;
  }
  const kabar_ner_tokinfo *in = run->info.v;
  const kabar_ner_tokinfo none = {0};
  run->sentence_case = sentence_case(in, n);
  uint64_t sc = (uint64_t)run->sentence_case;
  for (size_t i = 0; i < n; i++) {
    kabar_ner_tokinfo *ti = &run->info.v[i];
    /* names are capitalised words, with a particle, trigger or number beside them: a token
     * with none of those within one place is outside every name */
    int near = 0;
    for (size_t q = i ? i - 1 : 0; q <= i + 1 && q < n && !near; q++)
      near = in[q].cap || in[q].trig || in[q].trig_start || (in[q].gaz & 0xffu);
    ti->force_o = run->documents && sc == KABAR_SENT_MIXED && !near;
    if (ti->force_o) {
      memset(run->feats.v + i * KABAR_NER_FEATS, 0, KABAR_NER_FEATS * sizeof(uint64_t));
      continue;
    }
    const kabar_ner_tokinfo *c = &in[i];
    const kabar_ner_tokinfo *p1 = i > 0 ? &in[i - 1] : &none, *p2 = i > 1 ? &in[i - 2] : &none;
    const kabar_ner_tokinfo *n1 = i + 1 < n ? &in[i + 1] : &none;
    const kabar_ner_tokinfo *n2 = i + 2 < n ? &in[i + 2] : &none;
    uint64_t *f = run->feats.v + i * KABAR_NER_FEATS;
    size_t k = 0;
    uint64_t cap = c->cap;
    uint64_t pos = i == 0 ? 1 : i + 1 == n ? 2 : 0;
    f[k++] = feat(0, 0);
    f[k++] = feat(1, c->lower);
    f[k++] = feat(2, c->form);
    f[k++] = feat(3, c->shape);
    f[k++] = feat(4, c->sshape);
    for (int a = 0; a < 4; a++) {
      f[k++] = c->pre[a] ? feat(5 + (uint32_t)a, c->pre[a]) : 0;
      f[k++] = c->suf[a] ? feat(9 + (uint32_t)a, c->suf[a]) : 0;
    }
    f[k++] = feat(13, c->stem);
    f[k++] = feat(14, p1->lower);
    f[k++] = feat(15, n1->lower);
    f[k++] = feat(16, p2->lower);
    f[k++] = feat(17, n2->lower);
    f[k++] = feat(18, p1->sshape);
    f[k++] = feat(19, n1->sshape);
    f[k++] = feat(20, pair(p1->lower, c->lower));
    f[k++] = feat(21, pair(c->lower, n1->lower));
    f[k++] = feat(22, c->gaz);
    f[k++] = feat(23, pair(c->gaz, cap));
    f[k++] = feat(24, p1->gaz);
    f[k++] = feat(25, n1->gaz);
    f[k++] = feat(26, c->trig);
    f[k++] = feat(27, p1->trig);
    f[k++] = feat(28, n1->trig);
    f[k++] = feat(29, p2->trig);
    f[k++] = feat(30, pos * 4 + cap);
    f[k++] = feat(31, sc * 4 + cap);
    f[k++] = feat(32, pair(sc, c->sshape));
    f[k++] = feat(33, pair(pair(p1->sshape, c->sshape), n1->sshape));
    f[k++] = feat(34, (uint64_t)p1->cap * 16 + cap * 4 + n1->cap);
    f[k++] = feat(35, p1->stem);
    f[k++] = feat(36, n1->stem);
    f[k++] = feat(37, pair(c->suf[2], cap));
    f[k++] = feat(38, len_bucket(len[i]) * 4 + cap);
    f[k++] = feat(39, pair(c->lower, sc));
    f[k++] = feat(40, pair(p1->lower, cap));
    f[k++] = feat(41, pair(n1->lower, cap));
    f[k++] = feat(42, pair(p1->gaz, c->gaz));
    f[k++] = feat(43, pair(c->trig, p1->trig) * 4 + cap);
    f[k++] = feat(44, (uint64_t)c->stop * 16 + pos * 4 + cap);
    f[k++] = feat(45, (uint64_t)p1->stop * 4 + cap);
    while (k < KABAR_NER_FEATS)
      f[k++] = 0;
  }
  run->feats.n = n * KABAR_NER_FEATS;
  return KABAR_OK;
}

/* ---- decoding -------------------------------------------------------------------------- */

kabar_status kabar__ner_decode(kabar_ner_run *run, const struct kabar_ner_model *m,
                               const uint64_t *feats, size_t n, uint8_t *tags) {
  size_t T = m->ntags;
  if (n == 0)
    return KABAR_OK;
  if (kabar__grow((void **)&run->score.v, &run->score.cap, n * T, sizeof(float)) != 0 ||
      kabar__grow((void **)&run->vit.v, &run->vit.cap, n * T, sizeof(float)) != 0 ||
      kabar__grow((void **)&run->back.v, &run->back.cap, n * T, 1) != 0)
    return KABAR_ENOMEM;
  float *score = run->score.v, *vit = run->vit.v;
  uint8_t *back = run->back.v;
  memset(score, 0, n * T * sizeof *score);
  const float NEG = -1e30f;
  enum { AHEAD = 2 }; /* tokens whose slots are being fetched while one is summed */
  for (size_t i = 0; i < n && i < AHEAD; i++)
    for (size_t k = 0; k < KABAR_NER_FEATS; k++)
      if (feats[i * KABAR_NER_FEATS + k])
        kabar__ner_weights_prefetch(&m->weights, T, feats[i * KABAR_NER_FEATS + k]);
  for (size_t i = 0; i < n; i++) {
    const uint64_t *f = feats + i * KABAR_NER_FEATS;
    float *s = score + i * T;
    if (i + AHEAD < n) {
      const uint64_t *ahead = feats + (i + AHEAD) * KABAR_NER_FEATS;
      for (size_t k = 0; k < KABAR_NER_FEATS; k++)
        if (ahead[k])
          kabar__ner_weights_prefetch(&m->weights, T, ahead[k]);
    }
    if (run->documents && i < run->info.n && run->info.v[i].force_o) {
      for (size_t t = 0; t < T; t++)
        s[t] = t == m->o_tag ? 0.0f : NEG;
      continue;
    }
    for (size_t k = 0; k < KABAR_NER_FEATS; k++) {
      if (!f[k])
        continue;
      const float *row = kabar__ner_weights_row(&m->weights, T, f[k]);
      if (row)
        for (size_t t = 0; t < T; t++)
          s[t] += row[t];
    }
  }
  for (size_t t = 0; t < T; t++)
    vit[t] = m->allowed[T * T + t] ? score[t] + m->trans[T * T + t] : NEG;
  for (size_t i = 1; i < n; i++) {
    const float *prev = vit + (i - 1) * T;
    for (size_t t = 0; t < T; t++) {
      float best = NEG;
      size_t arg = 0;
      if (score[i * T + t] > NEG) /* forced-O tokens leave one tag to consider */
        for (size_t p = 0; p < T; p++) {
          if (prev[p] <= NEG || !m->allowed[p * T + t])
            continue;
          float v = prev[p] + m->trans[p * T + t];
          if (v > best) {
            best = v;
            arg = p;
          }
        }
      vit[i * T + t] = best <= NEG ? NEG : best + score[i * T + t];
      back[i * T + t] = (uint8_t)arg;
    }
  }
  size_t arg = 0;
  float best = NEG;
  for (size_t t = 0; t < T; t++)
    if (vit[(n - 1) * T + t] > best) {
      best = vit[(n - 1) * T + t];
      arg = t;
    }
  for (size_t i = n; i-- > 0;) {
    tags[i] = (uint8_t)arg;
    if (i > 0)
      arg = back[i * T + arg];
  }
  return KABAR_OK;
}
