/* Averaged perceptron training (Collins 2002) with the lazy averaging trick: alongside each
 * weight w the trainer keeps acc = sum of (time of update x update), and the average after
 * c steps is w - acc / c. Features are computed once per sentence when it is added. */
#include "entities.h"

struct kabar_ner_trainer {
  const kabar_ctx *ctx;
  uint32_t flags;
  kabar_ner_run run;
  struct kabar_ner_model model; /* current (not averaged) weights */
  double *acc;                  /* parallel to model.weights.w */
  size_t acc_n, acc_cap;
  double tacc[(KABAR_NER_MAX_TAGS + 1) * KABAR_NER_MAX_TAGS];
  uint64_t steps;
  KABAR_VEC(uint64_t) feats;  /* every sentence's features, back to back */
  KABAR_VEC(uint8_t) gold;    /* every token's tag */
  KABAR_VEC(size_t) starts;   /* first token of each sentence; one extra at the end */
  KABAR_VEC(uint8_t) pred;
  KABAR_VEC(size_t) order;
};

kabar_ner_trainer *kabar_ner_trainer_new(const kabar_ctx *ctx, const char *lang, uint32_t flags,
                                         kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!ctx || !lang || (flags & ~KABAR_NER_TRAIN_KABAR_TYPES)) {
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  int l = -1;
  for (size_t i = 0; i < ctx->nlangs; i++)
    if (strcmp(ctx->langs[i].tag, lang) == 0)
      l = (int)i;
  if (l < 0) {
    kabar__fail(err, KABAR_ELANG, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  kabar_ner_trainer *tr = kabar__calloc(1, sizeof *tr);
  if (!tr) {
    kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  tr->ctx = ctx;
  tr->flags = flags;
  memcpy(tr->model.lang, ctx->langs[l].tag, sizeof tr->model.lang);
  if (kabar__ner_run_init(&tr->run, ctx, (uint8_t)l) != KABAR_OK ||
      !(tr->model.tag_names[0] = kabar__strndup("O", 1)) ||
      KABAR_VEC_PUSH(tr->starts, (size_t)0) != 0) {
    kabar_ner_trainer_free(tr);
    kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  tr->model.ntags = 1;
  return tr;
}

void kabar_ner_trainer_free(kabar_ner_trainer *tr) {
  if (!tr)
    return;
  kabar__ner_run_free(&tr->run);
  for (size_t t = 0; t < KABAR_NER_MAX_TAGS; t++)
    kabar__free(tr->model.tag_names[t]);
  kabar__ner_weights_free(&tr->model.weights);
  kabar__free(tr->acc);
  KABAR_VEC_FREE(tr->feats);
  KABAR_VEC_FREE(tr->gold);
  KABAR_VEC_FREE(tr->starts);
  KABAR_VEC_FREE(tr->pred);
  KABAR_VEC_FREE(tr->order);
  kabar__free(tr);
}

/* Index of tag prefix-type (e.g. 'B', "PER"), adding the B- and I- tags of a new type. */
static int tag_index(kabar_ner_trainer *tr, char prefix, const char *type, size_t n) {
  struct kabar_ner_model *m = &tr->model;
  for (size_t t = 1; t < m->ntags; t++)
    if (m->tag_names[t][0] == prefix && strlen(m->tag_names[t] + 2) == n &&
        memcmp(m->tag_names[t] + 2, type, n) == 0)
      return (int)t;
  if (m->ntags + 2 > KABAR_NER_MAX_TAGS)
    return -2;
  if (tr->steps)
    return -3; /* the transition matrix is laid out for the tags of the first epoch */
  for (int k = 0; k < 2; k++) {
    char *s = kabar__malloc(n + 3);
    if (!s)
      return -1;
    s[0] = k == 0 ? 'B' : 'I';
    s[1] = '-';
    memcpy(s + 2, type, n);
    s[n + 2] = '\0';
    m->tag_names[m->ntags++] = s;
  }
  if (kabar__ner_model_index_tags(m) != KABAR_OK)
    return -1;
  return (int)m->ntags - (prefix == 'B' ? 2 : 1);
}

static const char *const kabar_type_names[KABAR_NER_NTYPES + 1] = {"", "PER", "ORG", "LOC",
                                                                   "EVENT"};

kabar_status kabar_ner_trainer_add(kabar_ner_trainer *tr, const char *const *tokens,
                                   const size_t *lens, const char *const *tags, size_t n,
                                   kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!tr || (n && (!tokens || !lens || !tags)))
    return kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
  if (n == 0)
    return KABAR_OK;
  size_t base = tr->gold.n;
  int prev_type_tag = 0; /* B- tag index of the previous token's entity, 0 = O */
  for (size_t i = 0; i < n; i++) {
    const char *s = tags[i];
    if (!tokens[i] || !s)
      return kabar__fail(err, KABAR_EINVAL, i, 0);
    size_t sl = strlen(s);
    int idx = 0;
    if (!(sl == 1 && s[0] == 'O')) {
      if (sl < 3 || (s[0] != 'B' && s[0] != 'I') || s[1] != '-') {
        tr->gold.n = base;
        return kabar__fail(err, KABAR_EINVAL, i, 0);
      }
      const char *type = s + 2;
      size_t tl = sl - 2;
      if (tr->flags & KABAR_NER_TRAIN_KABAR_TYPES) {
        int kt = kabar__ner_type_of(type, tl);
        type = kabar_type_names[kt];
        tl = strlen(type);
      }
      if (tl > 0) {
        int b = tag_index(tr, 'B', type, tl);
        if (b < 0) {
          tr->gold.n = base;
          return kabar__fail(err, b == -2 ? KABAR_ELIMIT : b == -3 ? KABAR_EINVAL : KABAR_ENOMEM, i, 0);
        }
        /* IOB1 and stray I- tags: an I- that does not continue its type begins an entity */
        idx = s[0] == 'I' && prev_type_tag == b ? b + 1 : b;
      }
    }
    prev_type_tag = idx ? (tr->model.tag_inside[idx] ? idx - 1 : idx) : 0;
    if (KABAR_VEC_PUSH(tr->gold, (uint8_t)idx) != 0) {
      tr->gold.n = base;
      return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    }
  }
  kabar_status rc = kabar__ner_features(&tr->run, tokens, lens, n);
  if (rc == KABAR_OK &&
      kabar__grow((void **)&tr->feats.v, &tr->feats.cap, tr->feats.n + n * KABAR_NER_FEATS,
                  sizeof(uint64_t)) != 0)
    rc = KABAR_ENOMEM;
  if (rc == KABAR_OK && KABAR_VEC_PUSH(tr->starts, tr->gold.n) != 0)
    rc = KABAR_ENOMEM;
  if (rc != KABAR_OK) {
    tr->gold.n = base;
    return kabar__fail(err, rc, KABAR_NO_OFFSET, 0);
  }
  memcpy(tr->feats.v + tr->feats.n, tr->run.feats.v, n * KABAR_NER_FEATS * sizeof(uint64_t));
  tr->feats.n += n * KABAR_NER_FEATS;
  return KABAR_OK;
}

/* Adds d to weight (key, tag), keeping the running sum for the average. */
static int update(kabar_ner_trainer *tr, uint64_t key, size_t tag, double d) {
  size_t T = tr->model.ntags;
  kabar_ner_weights *w = &tr->model.weights;
  float *row = kabar__ner_weights_add(w, T, key);
  if (!row)
    return -1;
  size_t r = (size_t)(row - w->w) / T;
  if (w->count * T > tr->acc_n) {
    if (kabar__grow((void **)&tr->acc, &tr->acc_cap, w->count * T, sizeof(double)) != 0)
      return -1;
    memset(tr->acc + tr->acc_n, 0, (w->count * T - tr->acc_n) * sizeof(double));
    tr->acc_n = w->count * T;
  }
  row[tag] += (float)d;
  tr->acc[r * T + tag] += (double)tr->steps * d;
  return 0;
}

static void update_trans(kabar_ner_trainer *tr, size_t from, size_t to, double d) {
  size_t T = tr->model.ntags;
  tr->model.trans[from * T + to] += (float)d;
  tr->tacc[from * T + to] += (double)tr->steps * d;
}

static uint64_t next_random(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545f4914f6cdd1dULL;
}

/* Transitions are indexed [from * T + to] with from == T for the sentence start; the matrix
 * is laid out for the final T, so trainer_add must not add tags after training starts. */
kabar_status kabar_ner_trainer_epoch(kabar_ner_trainer *tr, uint64_t seed, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!tr)
    return kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
  size_t ns = tr->starts.n - 1, T = tr->model.ntags;
  tr->order.n = 0;
  if (kabar__grow((void **)&tr->order.v, &tr->order.cap, ns + 1, sizeof(size_t)) != 0 ||
      kabar__grow((void **)&tr->pred.v, &tr->pred.cap, tr->gold.n + 1, 1) != 0)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  for (size_t i = 0; i < ns; i++)
    tr->order.v[i] = i;
  uint64_t rs = seed * 0x9e3779b97f4a7c15ULL + 1;
  for (size_t i = ns; i > 1; i--) {
    size_t j = (size_t)(next_random(&rs) % i);
    size_t t = tr->order.v[i - 1];
    tr->order.v[i - 1] = tr->order.v[j];
    tr->order.v[j] = t;
  }
  for (size_t k = 0; k < ns; k++) {
    size_t s = tr->order.v[k], a = tr->starts.v[s], n = tr->starts.v[s + 1] - a;
    const uint64_t *f = tr->feats.v + a * KABAR_NER_FEATS;
    const uint8_t *gold = tr->gold.v + a;
    uint8_t *pred = tr->pred.v + a;
    tr->steps++;
    kabar_status rc = kabar__ner_decode(&tr->run, &tr->model, f, n, pred);
    if (rc != KABAR_OK)
      return kabar__fail(err, rc, KABAR_NO_OFFSET, 0);
    for (size_t i = 0; i < n; i++) {
      size_t gp = i ? gold[i - 1] : T, pp = i ? pred[i - 1] : T;
      if (gold[i] != pred[i]) {
        for (size_t q = 0; q < KABAR_NER_FEATS; q++) {
          uint64_t key = f[i * KABAR_NER_FEATS + q];
          if (key && (update(tr, key, gold[i], 1) != 0 || update(tr, key, pred[i], -1) != 0))
            return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
        }
      }
      if (gold[i] != pred[i] || gp != pp) {
        update_trans(tr, gp, gold[i], 1);
        update_trans(tr, pp, pred[i], -1);
      }
    }
  }
  return KABAR_OK;
}

kabar_ner_model *kabar_ner_trainer_model(const kabar_ner_trainer *tr, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!tr) {
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  struct kabar_ner_model *m = kabar__calloc(1, sizeof *m);
  if (!m)
    goto oom;
  memcpy(m->lang, tr->model.lang, sizeof m->lang);
  m->ntags = tr->model.ntags;
  size_t T = m->ntags;
  for (size_t t = 0; t < T; t++)
    if (!(m->tag_names[t] = kabar__strndup(tr->model.tag_names[t], strlen(tr->model.tag_names[t]))))
      goto oom;
  if (kabar__ner_model_index_tags(m) != KABAR_OK)
    goto oom;
  double c = tr->steps ? (double)tr->steps : 1.0;
  for (size_t i = 0; i < (T + 1) * T; i++)
    m->trans[i] = (float)(tr->model.trans[i] - tr->tacc[i] / c);
  const kabar_ner_weights *w = &tr->model.weights;
  for (size_t s = 0; s < w->nslots; s++) {
    if (!w->keys[s])
      continue;
    size_t r = w->rows[s];
    float avg[KABAR_NER_MAX_TAGS];
    int any = 0;
    for (size_t t = 0; t < T; t++) {
      avg[t] = (float)(w->w[r * T + t] - tr->acc[r * T + t] / c);
      any |= avg[t] != 0;
    }
    if (!any)
      continue;
    float *row = kabar__ner_weights_add(&m->weights, T, w->keys[s]);
    if (!row)
      goto oom;
    memcpy(row, avg, T * sizeof *row);
  }
  if (kabar__ner_weights_freeze(&m->weights, T) != KABAR_OK)
    goto oom;
  return m;
oom:
  kabar__ner_model_destroy(m);
  kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  return NULL;
}
