/* The entity stage of a document: tag each sentence, add what gazetteers and trigger words
 * find, choose non-overlapping mentions, and group them under canonical names. */
#include "entities.h"
#include "../text/text.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- language data ------------------------------------------------------------------------ */

static char *path_join3(const char *a, const char *b, const char *c) {
  size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
  char *p = kabar__malloc(na + nb + nc + 3);
  if (p)
    snprintf(p, na + nb + nc + 3, "%s/%s/%s", a, b, c);
  return p;
}

kabar_status kabar__ner_lang_load(const kabar_ctx *ctx, const char *data_dir, const char *tag,
                                  kabar_ner_lang *nl, kabar_error *err) {
  static const struct {
    int common;
    const char *file;
    uint8_t source; /* 0 = rules, 0xff = model */
  } files[] = {{1, "entities.gaz", KABAR_GAZ_CURATED},
               {0, "entities.gaz", KABAR_GAZ_CURATED},
               {0, "dbpedia.gaz", KABAR_GAZ_LARGE},
               {0, "entities.rules", 0},
               {0, "ner.model", 0xff}};
  kabar_status rc = KABAR_OK;
  for (size_t i = 0; i < sizeof files / sizeof *files && rc == KABAR_OK; i++) {
    char *path = path_join3(data_dir, files[i].common ? "common" : tag, files[i].file);
    if (!path)
      return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    if (files[i].source == 0xff) {
      FILE *f = fopen(path, "rb");
      if (f) {
        fclose(f);
        rc = kabar__ner_model_read(path, &nl->model, err);
      }
    } else if (files[i].source) {
      rc = kabar__gaz_load(ctx, path, files[i].source, &nl->gaz, err);
    } else {
      rc = kabar__triggers_load(ctx, path, &nl->trig, err);
    }
    kabar__free(path);
  }
  if (rc == KABAR_OK)
    kabar__gaz_index(&nl->gaz);
  return rc;
}

void kabar__ner_lang_free(kabar_ner_lang *nl) {
  kabar__gaz_free(&nl->gaz);
  kabar__triggers_free(&nl->trig);
  kabar__ner_model_destroy(nl->model);
}

/* ---- one document ------------------------------------------------------------------------- */

enum { PRI_WEAK = 0, PRI_RULE = 1, PRI_MODEL = 2, PRI_GAZ = 3, PRI_MODEL_STRONG = 4, PRI_EVENT = 5 };

typedef struct candidate {
  uint32_t a, b;       /* token range [a, b) in the sentence */
  uint8_t type, pri;
  const char *canon;   /* canonical name from the gazetteer (ctx-owned), or NULL */
  uint32_t canon_len;
  uint32_t canon_off;  /* or: offset + 1 of a name built in run->names, 0 = none */
} candidate;

typedef struct ent_run {
  kabar_doc *doc;
  kabar_ner_run ner;
  uint8_t ner_lang;
  int ner_ready;
  KABAR_VEC(const char *) tok;
  KABAR_VEC(size_t) len;
  KABAR_VEC(uint32_t) start; /* working-text offsets */
  KABAR_VEC(uint8_t) tags;
  KABAR_VEC(candidate) cands;
  KABAR_VEC(struct raw_mention) raw;
  KABAR_VEC(struct cap_token) caps; /* capitalised words outside any mention */
  kabar_buf key, names; /* names: canonical strings built here ("RSA Conference") */
} ent_run;

typedef struct cap_token {
  uint32_t start, end;
  uint64_t lower; /* hash of the folded word, as kabar_ner_tokinfo.lower */
} cap_token;

typedef struct raw_mention {
  uint32_t start, end; /* working-text offsets */
  uint8_t type;
  uint32_t canon;      /* offset into run->names + 1, 0 = none */
  uint32_t key;        /* offset into run->names of the folded surface key */
  uint32_t group;
} raw_mention;

static int is_space_at(const char *s, size_t n, size_t *cl) {
  unsigned char c = (unsigned char)s[0];
  if (c < 0x80) {
    *cl = 1;
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0;
  }
  int32_t cp = kabar__utf8_decode((const unsigned char *)s, n, cl);
  return kabar__is_space_cp(cp);
}

/* Tokens of one sentence: the doc's word tokens outside boilerplate cuts, and every other
 * non-space character between them as a one-character token. */
/* The tagger sees at most this many tokens at once: a longer "sentence" (a whole article
 * without a full stop, a hostile flood of words) is tagged in windows of this size, so the
 * features and Viterbi tables stay small whatever the input (each token costs ~500 bytes). */
#define ENT_WINDOW_TOKENS 512

/* Collects the tokens of s from byte *from on, at most ENT_WINDOW_TOKENS of them; *from
 * becomes where the next window starts, or s->end. */
static kabar_status sentence_tokens(ent_run *run, const kabar_sentence *s, size_t *tok_at,
                                    uint32_t *from) {
  kabar_doc *doc = run->doc;
  run->tok.n = run->len.n = run->start.n = 0;
  size_t t = *tok_at;
  while (t < doc->tokens.n && doc->tokens.v[t].end <= *from)
    t++;
  *tok_at = t;
  uint32_t pos = *from;
  *from = s->end;
  while (pos < s->end) {
    const kabar_token *tk = t < doc->tokens.n && doc->tokens.v[t].start < s->end ? &doc->tokens.v[t] : NULL;
    uint32_t gap_end = tk ? tk->start : s->end;
    while (pos < gap_end) {
      size_t cl;
      if (run->tok.n >= ENT_WINDOW_TOKENS) {
        *from = pos;
        return KABAR_OK;
      }
      if (!is_space_at(doc->text + pos, gap_end - pos, &cl)) {
        if (KABAR_VEC_PUSH(run->tok, doc->text + pos) != 0 || KABAR_VEC_PUSH(run->len, cl) != 0 ||
            KABAR_VEC_PUSH(run->start, pos) != 0)
          return KABAR_ENOMEM;
      }
      pos += (uint32_t)cl;
    }
    if (!tk)
      break;
    if (!(tk->flags & KABAR_TOK_CUT)) {
      if (run->tok.n >= ENT_WINDOW_TOKENS) {
        *from = pos;
        return KABAR_OK;
      }
      if (KABAR_VEC_PUSH(run->tok, doc->text + tk->start) != 0 ||
          KABAR_VEC_PUSH(run->len, (size_t)(tk->end - tk->start)) != 0 ||
          KABAR_VEC_PUSH(run->start, tk->start) != 0)
        return KABAR_ENOMEM;
    }
    pos = tk->end > pos ? tk->end : pos;
    t++;
  }
  return KABAR_OK;
}

static uint32_t tok_end(const ent_run *run, size_t i) {
  return run->start.v[i] + (uint32_t)run->len.v[i];
}

static kabar_status add_candidate(ent_run *run, size_t a, size_t b, int type, int pri,
                                  const char *canon, size_t canon_len, size_t canon_off) {
  /* trailing punctuation never ends a mention; outside the gazetteer ("De Telegraaf") a
   * leading article or preposition does not start one */
  while (b > a && run->ner.info.v[b - 1].punct)
    b--;
  while (pri != PRI_GAZ && b > a + 1 && run->ner.info.v[a].stop)
    a++;
  if (b <= a || type < 1 || type > KABAR_NER_NTYPES)
    return KABAR_OK;
  int content = 0;
  for (size_t i = a; i < b && !content; i++)
    content = !run->ner.info.v[i].punct && !run->ner.info.v[i].stop &&
              !(run->ner.info.v[i].trig & KABAR_TRIG_TITLE);
  if (!content)
    return KABAR_OK; /* "De", "Het" at the start of a sentence; a title alone ("Kamerlid") */
  candidate c = {(uint32_t)a, (uint32_t)b, (uint8_t)type, (uint8_t)pri, canon,
                 (uint32_t)canon_len, (uint32_t)canon_off};
  return KABAR_VEC_PUSH(run->cands, c) == 0 ? KABAR_OK : KABAR_ENOMEM;
}

/* Capitalised words from i on (joined by '-', '.', '&' or "'"), as in "Juniper Networks",
 * "Coca-Cola"; returns the end. */
/* Gazetteer bits (kabar_ner_tokinfo.gaz) of a listed place or organisation starting at a
 * token, curated or large list. */
#define PLACE_OR_ORG                                                                            \
  ((1u << 2 * (KABAR_ENTITY_ORG - 1)) | (1u << 2 * (KABAR_ENTITY_LOC - 1)) |                   \
   (1u << (8 + 2 * (KABAR_ENTITY_ORG - 1))) | (1u << (8 + 2 * (KABAR_ENTITY_LOC - 1))))

/* Whether token j and the '.' right after it form an abbreviation of the language ("No.",
 * "Jl."): such a word ends a name. */
static int abbreviation_at(const ent_run *run, size_t j, size_t n) {
  if (j + 1 >= n || run->len.v[j + 1] != 1 || run->tok.v[j + 1][0] != '.' ||
      run->start.v[j + 1] != tok_end(run, j) || run->len.v[j] > 14)
    return 0;
  char buf[16];
  for (size_t k = 0; k < run->len.v[j]; k++) {
    char c = run->tok.v[j][k];
    buf[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  buf[run->len.v[j]] = '.';
  const kabar_lang *l = &run->doc->ctx->langs[run->ner_lang];
  return kabar__strtab_find(&l->abbrevs, buf, run->len.v[j] + 1) != KABAR_STRTAB_NONE;
}

static size_t capital_run(const ent_run *run, size_t i, size_t n) {
  const kabar_ner_tokinfo *in = run->ner.info.v;
  size_t j = i;
  while (j < n) {
    if (in[j].cap && in[j].alpha && !abbreviation_at(run, j, n)) {
      j++;
    } else if (j > i && (in[j].trig & KABAR_TRIG_PARTICLE) && !in[j].cap) {
      size_t k = j; /* "Marieke de Groot", "Ahmad bin Salim": particles inside a name */
      while (k < n && (in[k].trig & KABAR_TRIG_PARTICLE) && !in[k].cap)
        k++;
      if (k == j || k >= n || in[k].cap != 1 || !in[k].alpha || (in[k].gaz & PLACE_OR_ORG))
        break; /* "van de TU Eindhoven", "burgemeester X van Rotterdam": not a surname */
      j = k;
    } else if (j > i && j + 1 < n && in[j].punct && run->len.v[j] == 1 &&
               strchr("-.&'", run->tok.v[j][0]) && in[j + 1].cap &&
               run->start.v[j] == tok_end(run, j - 1) && run->start.v[j + 1] == tok_end(run, j)) {
      j += 2;
    } else {
      break;
    }
  }
  return j;
}

/* Longest curated gazetteer entry starting at token i; its end in *end. */
static const kabar_gaz_entry *curated_at(ent_run *run, size_t i, size_t n, size_t *end) {
  const kabar_gazetteer *g = &run->ner.nl->gaz;
  const kabar_gaz_entry *best = NULL;
  run->key.len = 0;
  for (size_t j = i; j < n && j < i + 2 * KABAR_GAZ_MAX_TOKENS; j++) {
    int r = kabar__ner_token_key(&run->ner, &run->key, j);
    if (r < 0)
      return NULL;
    if (r == 0) {
      if (j > i && strchr("-.&'", run->tok.v[j][0]))
        continue;
      break;
    }
    const kabar_gaz_entry *e = kabar__gaz_find(g, run->key.p, run->key.len);
    if (!e)
      break;
    if (e->full && (e->sources & KABAR_GAZ_CURATED)) {
      best = e;
      *end = j + 1;
    }
    if (!e->prefix)
      break;
  }
  return best;
}

static int first_type(uint8_t types) {
  for (int t = 0; t < KABAR_NER_NTYPES; t++)
    if (types >> t & 1u)
      return t + 1;
  return 0;
}

static const char *gaz_canonical(const kabar_gazetteer *g, const kabar_gaz_entry *e,
                                 uint32_t *len) {
  uint32_t id = e->canonical != KABAR_STRTAB_NONE ? e->canonical : e->name;
  *len = kabar__strtab_len(&g->names, id);
  return kabar__strtab_str(&g->names, id);
}

static kabar_status gazetteer_candidates(ent_run *run, size_t n, int lower_sentence) {
  const kabar_gazetteer *g = &run->ner.nl->gaz;
  for (size_t i = 0; i < n; i++) {
    if (run->ner.info.v[i].punct || (!run->ner.info.v[i].cap && !lower_sentence &&
                                     !run->ner.info.v[i].alpha))
      continue;
    if (!run->ner.info.v[i].cap && !lower_sentence)
      continue;
    if (!(run->ner.info.v[i].gaz & 0x55u))
      continue; /* no curated name starts here (kabar__ner_features looked) */
    size_t end = i;
    const kabar_gaz_entry *e = curated_at(run, i, n, &end);
    if (!e || (e->acronym && run->ner.info.v[i].cap != 2))
      continue; /* "OM" the prosecution service, not "om" */
    /* only an explicit canonical name: otherwise the text's own spelling names it */
    uint32_t cl = 0;
    const char *canon = e->canonical != KABAR_STRTAB_NONE ? gaz_canonical(g, e, &cl) : NULL;
    kabar_status rc = add_candidate(run, i, end, first_type(e->types), PRI_GAZ, canon, cl, 0);
    if (rc != KABAR_OK)
      return rc;
    i = end - 1;
  }
  return KABAR_OK;
}

/* Trigger word(s) at i: actions and length in tokens. */
/* The longest trigger starting at token i, or NULL; *end gets the token after it. */
static const kabar_trigger *trigger_at(ent_run *run, size_t i, size_t n, size_t *end) {
  const kabar_triggers *t = &run->ner.nl->trig;
  const kabar_trigger *best = NULL;
  run->key.len = 0;
  for (size_t j = i, words = 0; j < n && words < 4; j++) {
    int r = kabar__ner_token_key(&run->ner, &run->key, j);
    if (r <= 0)
      break;
    words += (size_t)r;
    const kabar_trigger *tr = kabar__trigger_find(t, run->key.p, run->key.len);
    if (tr && tr->ntokens == words) {
      best = tr;
      *end = j + 1;
    }
  }
  return best;
}

static int is_stopword(ent_run *run, size_t i) {
  const kabar_lang *l = &run->doc->ctx->langs[run->ner_lang];
  run->key.len = 0;
  if (kabar__ner_token_key(&run->ner, &run->key, i) <= 0)
    return 1;
  return kabar__strtab_find(&l->stopwords, run->key.p, run->key.len) != KABAR_STRTAB_NONE;
}

static int is_year(const ent_run *run, size_t i) {
  if (run->len.v[i] != 4)
    return 0;
  const char *s = run->tok.v[i];
  for (int k = 0; k < 4; k++)
    if (s[k] < '0' || s[k] > '9')
      return 0;
  return (s[0] == '1' && s[1] >= '8') || (s[0] == '2' && s[1] == '0');
}

/* The curated event whose name is exactly tokens [a, b), or NULL. */
static const kabar_gaz_entry *curated_event(ent_run *run, size_t a, size_t b) {
  size_t end = 0;
  const kabar_gaz_entry *e = curated_at(run, a, b, &end);
  return e && end == b && (e->types >> (KABAR_ENTITY_EVENT - 1) & 1u) ? e : NULL;
}

/* The event's canonical name into run->names: the gazetteer's when it knows the whole span
 * ("Konvensi Jenewa" -> "Geneva Conventions"), else "<name tokens> <head>" ("RSA
 * Conference"). Returns its offset and length. */
static kabar_status event_name(ent_run *run, size_t span_a, size_t span_b, size_t a, size_t b,
                               const kabar_trigger *tr, size_t *off, size_t *len) {
  const kabar_triggers *t = &run->ner.nl->trig;
  size_t at = run->names.len;
  const kabar_gaz_entry *known = curated_event(run, span_a, span_b);
  if (!known && span_b > span_a + 1 && is_year(run, span_b - 1))
    known = curated_event(run, span_a, span_b - 1);
  if (known) {
    uint32_t cl;
    const char *c = gaz_canonical(&run->ner.nl->gaz, known, &cl);
    if (kabar__buf_put(&run->names, c, cl) != 0 || kabar__buf_putc(&run->names, '\0') != 0)
      return KABAR_ENOMEM;
    *off = at;
    *len = cl;
    return KABAR_OK;
  }
  for (size_t i = a; i < b; i++) {
    if (i > a && run->start.v[i] > tok_end(run, i - 1) && kabar__buf_putc(&run->names, ' ') != 0)
      return KABAR_ENOMEM;
    if (kabar__buf_put(&run->names, run->tok.v[i], run->len.v[i]) != 0)
      return KABAR_ENOMEM;
  }
  if (tr->head != KABAR_STRTAB_NONE) {
    if (kabar__buf_putc(&run->names, ' ') != 0 ||
        kabar__buf_put(&run->names, kabar__strtab_str(&t->heads, tr->head),
                       kabar__strtab_len(&t->heads, tr->head)) != 0)
      return KABAR_ENOMEM;
  }
  if (kabar__buf_putc(&run->names, '\0') != 0)
    return KABAR_ENOMEM;
  *off = at;
  *len = run->names.len - at - 1;
  return KABAR_OK;
}

/* Candidates from trigger words. Event names built here live in run->names and are kept as
 * offsets, since the buffer may move as it grows. */
static kabar_status rule_candidates(ent_run *run, size_t n) {
  const kabar_ner_tokinfo *in = run->ner.info.v;
  kabar_status rc = KABAR_OK;
  for (size_t i = 0; i < n && rc == KABAR_OK; i++) {
    if (in[i].punct || !in[i].trig_start)
      continue;
    size_t after = i;
    const kabar_trigger *tr = trigger_at(run, i, n, &after);
    if (!tr || !tr->actions)
      continue;
    if (after < n && run->len.v[after] == 1 && run->tok.v[after][0] == '.' &&
        run->start.v[after] == tok_end(run, after - 1))
      after++; /* "Jl. Sudirman", "Dr. Ratna" */
    if (tr->actions & KABAR_TRIG_TITLE) {
      size_t j = after, end;
      if (j < n && run->len.v[j] == 1 && run->tok.v[j][0] == '-' && j + 1 < n)
        j++;
      /* "Presiden Microsoft Brad Smith", "Ketua RT Sumarno": skip the organisation */
      while (j < n) {
        const kabar_gaz_entry *e = curated_at(run, j, n, &end);
        if (e && !(e->types & 1u))
          j = end;
        else if (run->ner.info.v[j].cap == 2)
          j++;
        else
          break;
      }
      size_t k = capital_run(run, j, n);
      for (size_t q = j; q < k; q++)
        if (run->ner.info.v[q].cap == 2) {
          k = q; /* acronyms are not part of a person's name */
          break;
        }
      if (k > j && k - j <= 4)
        rc = add_candidate(run, j, k, KABAR_ENTITY_PER, PRI_RULE, NULL, 0, 0);
    }
    if (rc == KABAR_OK && (tr->actions & KABAR_TRIG_FIRSTNAME) && in[i].cap) {
      size_t k = capital_run(run, after, n);
      if (k > after && k - i <= 4)
        rc = add_candidate(run, i, k, KABAR_ENTITY_PER, PRI_RULE, NULL, 0, 0);
    }
    if (rc == KABAR_OK && (tr->actions & KABAR_TRIG_ORG_PREFIX) && in[i].cap) {
      size_t k = capital_run(run, after, n);
      if (k > after)
        rc = add_candidate(run, i, k, KABAR_ENTITY_ORG, PRI_RULE, NULL, 0, 0);
    }
    if (rc == KABAR_OK && (tr->actions & KABAR_TRIG_LOC_PREFIX) && in[i].cap) {
      size_t k = capital_run(run, after, n);
      if (k > after)
        rc = add_candidate(run, i, k, KABAR_ENTITY_LOC, PRI_RULE, NULL, 0, 0);
    }
    if (rc == KABAR_OK && (tr->actions & KABAR_TRIG_ORG_SUFFIX) && i > 0 && in[i].cap) {
      size_t a = i;
      while (a > 0 && in[a - 1].cap && in[a - 1].alpha)
        a--;
      while (a < i && in[a].stop)
        a++; /* "Het Rijksmuseum": the article is not part of the name */
      if (a < i)
        rc = add_candidate(run, a, after, KABAR_ENTITY_ORG, PRI_RULE, NULL, 0, 0);
    }
    if (rc == KABAR_OK && (tr->actions & KABAR_TRIG_EVENT_PREFIX)) {
      /* trigger, up to three lower-case content words ("konferensi keamanan cyber RSA"),
       * then a name and/or a year */
      size_t j = after, look = after;
      while (look < n && look - after < 3 && in[look].alpha && !in[look].cap &&
             !is_stopword(run, look))
        look++;
      if (look > after && look < n && (in[look].cap || is_year(run, look)))
        j = look;
      size_t k = capital_run(run, j, n);
      size_t name_a = j, name_b = k;
      if (k < n && is_year(run, k))
        k++;
      else if (k == j && j < n && is_year(run, j))
        k = j + 1;
      if (k > j) {
        size_t off = 0, len = 0;
        if (name_b > name_a)
          rc = event_name(run, i, k, name_a, name_b, tr, &off, &len);
        if (rc == KABAR_OK)
          rc = add_candidate(run, i, k, KABAR_ENTITY_EVENT, PRI_EVENT, NULL, len,
                             name_b > name_a ? off + 1 : 0);
      }
    }
    if (rc == KABAR_OK && (tr->actions & KABAR_TRIG_EVENT_SUFFIX) && i > 0) {
      size_t a = i;
      if (a >= 2 && run->len.v[a - 1] == 1 && run->tok.v[a - 1][0] == '-' && in[a - 2].cap)
        a--; /* "RSA-conferentie" */
      size_t name_b = a;
      while (a > 0 && in[a - 1].cap && in[a - 1].alpha)
        a--;
      while (a < name_b && in[a].stop)
        a++; /* "Het akkoord" names nothing */
      if (a < name_b) {
        size_t off = 0, len = 0;
        rc = event_name(run, a, after, a, name_b, tr, &off, &len);
        if (rc == KABAR_OK)
          rc = add_candidate(run, a, after, KABAR_ENTITY_EVENT, PRI_EVENT, NULL, len, off + 1);
      }
    }
  }
  return rc;
}

/* Headlines capitalise every word, so capitalisation says nothing about names there. */
static int titlecase_sentence(const kabar_ner_tokinfo *in, size_t n) {
  size_t alpha = 0, cap = 0;
  for (size_t i = 0; i < n; i++)
    if (in[i].alpha) {
      alpha++;
      cap += in[i].cap != 0;
    }
  return alpha >= 4 && cap * 10 >= alpha * 7;
}


static kabar_status model_candidates(ent_run *run, size_t n, int lower) {
  const kabar_ner_model *m = run->ner.nl->model;
  if (!m)
    return KABAR_OK;
  size_t first = 0; /* the sentence's first word */
  while (first < n && run->ner.info.v[first].punct)
    first++;
  if (kabar__grow((void **)&run->tags.v, &run->tags.cap, n + 1, 1) != 0)
    return KABAR_ENOMEM;
  kabar_status rc = kabar__ner_decode(&run->ner, m, run->ner.feats.v, n, run->tags.v);
  for (size_t i = 0; i < n && rc == KABAR_OK;) {
    uint8_t t = run->tags.v[i];
    if (m->tag_names[t][0] == 'O') {
      i++;
      continue;
    }
    size_t j = i + 1;
    while (j < n && m->tag_inside[run->tags.v[j]] && m->tag_class[run->tags.v[j]] == m->tag_class[t])
      j++;
    size_t b = j;
    while (b > i + 1 && abbreviation_at(run, b - 1, n))
      b--; /* "Sudirman No." */
    /* "Sanne de Wit" tagged as two people: one name across the particles */
    size_t k = j;
    while (k < n && (run->ner.info.v[k].trig & KABAR_TRIG_PARTICLE) && !run->ner.info.v[k].cap)
      k++;
    if (m->tag_type[t] == KABAR_ENTITY_PER && k > j && k < n && run->ner.info.v[k].cap == 1 &&
        !(run->ner.info.v[k].gaz & PLACE_OR_ORG) &&
        m->tag_type[run->tags.v[k]] == KABAR_ENTITY_PER && !m->tag_inside[run->tags.v[k]]) {
      j = k + 1;
      while (j < n && m->tag_inside[run->tags.v[j]] && m->tag_class[run->tags.v[j]] == m->tag_class[run->tags.v[k]])
        j++;
      b = j;
    }
    int capital = 0;
    for (size_t q = i; q < b; q++)
      capital |= run->ner.info.v[q].cap != 0;
    /* one capitalised word opening a sentence is as often a noun as a name ("Asielzoekers
     * ...", "Warga ..."); without a gazetteer entry it needs the second look (the same word
     * tagged elsewhere in the article) */
    int lone_opener = i == first && b == i + 1 && !(run->ner.info.v[i].gaz & 0x5555u);
    if ((capital || lower) && !lone_opener)
      rc = add_candidate(run, i, b, m->tag_type[t], PRI_MODEL, NULL, 0, 0);
    i = j;
  }
  return rc;
}

static int overlaps(const candidate *a, const candidate *b) { return a->a < b->b && b->a < a->b; }
static int contains(const candidate *a, const candidate *b) {
  return a->a <= b->a && b->b <= a->b && (a->b - a->a) > (b->b - b->a);
}

/* Whether another rule or the gazetteer found exactly model span m with its type ("Ketua KPU
 * Darmawan Siregar": the title rule agrees that Darmawan Siregar is a person). */
static int confirmed(const ent_run *run, const candidate *m) {
  for (size_t k = 0; k < run->cands.n; k++) {
    const candidate *o = &run->cands.v[k];
    if (o != m && o->a == m->a && o->b == m->b && o->type == m->type &&
        (o->pri == PRI_RULE || o->pri == PRI_GAZ))
      return 1;
  }
  return 0;
}

/* A model span that holds a curated name but is more than it ("Bank Indonesia" around
 * "Indonesia") outranks the gazetteer, unless a curated name of another type sits at its
 * edge ("Microsoft Brad Smith": an organisation before a person), which splits it.
 * Organisations named after places keep the place inside. */
static void rank_model_spans(ent_run *run) {
  candidate *c = run->cands.v;
  for (size_t i = 0; i < run->cands.n; i++) {
    if (c[i].pri != PRI_MODEL)
      continue;
    int strong = 0, split = 0;
    for (size_t j = 0; j < run->cands.n; j++) {
      if (c[j].pri != PRI_GAZ || !contains(&c[i], &c[j]))
        continue;
      int edge = c[j].a == c[i].a || c[j].b == c[i].b;
      if (c[j].type != c[i].type && edge &&
          !(c[i].type == KABAR_ENTITY_ORG && c[j].type == KABAR_ENTITY_LOC) &&
          c[i].type != KABAR_ENTITY_EVENT)
        split = 1;
      else
        strong = 1;
    }
    if (strong && !split)
      c[i].pri = PRI_MODEL_STRONG;
    /* "Ketua KPU Darmawan Siregar" tagged as one organisation: the person the title rule
     * found at its edge splits it */
    for (size_t j = 0; j < run->cands.n; j++)
      if (c[j].pri == PRI_RULE && c[j].type == KABAR_ENTITY_PER && c[i].type != KABAR_ENTITY_PER &&
          contains(&c[i], &c[j]) && c[j].b == c[i].b)
        c[i].pri = PRI_WEAK;
  }
  /* a rule span around a model span adds the trigger's evidence: "Jl. Sudirman" is a place */
  for (size_t i = 0; i < run->cands.n; i++) {
    if (c[i].pri != PRI_RULE)
      continue;
    for (size_t j = 0; j < run->cands.n; j++)
      if (c[j].pri == PRI_MODEL && contains(&c[i], &c[j]) && !confirmed(run, &c[j]))
        c[i].pri = PRI_GAZ;
  }
}

static int by_rank(const void *pa, const void *pb) {
  const candidate *a = pa, *b = pb;
  if (a->pri != b->pri)
    return a->pri > b->pri ? -1 : 1;
  if (a->b - a->a != b->b - b->a)
    return a->b - a->a > b->b - b->a ? -1 : 1;
  return a->a < b->a ? -1 : a->a > b->a;
}

/* Folded key of working-text span [a, b) appended to run->names; returns its offset. */
static kabar_status surface_key(ent_run *run, size_t a, size_t b, uint32_t *off) {
  size_t at = run->names.len;
  for (size_t i = a; i < b; i++)
    if (kabar__ner_token_key(&run->ner, &run->names, i) < 0)
      return KABAR_ENOMEM;
  if (kabar__buf_putc(&run->names, '\0') != 0)
    return KABAR_ENOMEM;
  /* keys append a leading space when names is not empty */
  *off = (uint32_t)at;
  return KABAR_OK;
}

static kabar_status choose_mentions(ent_run *run) {
  rank_model_spans(run);
  if (run->cands.n > 1) /* qsort(NULL, 0, ...) is undefined behaviour */
    qsort(run->cands.v, run->cands.n, sizeof *run->cands.v, by_rank);
  size_t kept = 0;
  for (size_t i = 0; i < run->cands.n; i++) {
    int clash = 0;
    for (size_t j = 0; j < kept && !clash; j++)
      clash = overlaps(&run->cands.v[i], &run->cands.v[j]);
    if (!clash)
      run->cands.v[kept++] = run->cands.v[i];
  }
  run->cands.n = kept;
  for (size_t i = 0; i < kept; i++) {
    const candidate *c = &run->cands.v[i];
    raw_mention m = {run->start.v[c->a], tok_end(run, c->b - 1), c->type, 0, 0, 0};
    /* possessives are not part of the name: "Microsoft's", "Smith’s" */
    const char *s = run->doc->text;
    if (m.end - m.start > 3 && s[m.end - 2] == '\'' && s[m.end - 1] == 's')
      m.end -= 2;
    else if (m.end - m.start > 5 && memcmp(s + m.end - 4, "\xe2\x80\x99s", 4) == 0)
      m.end -= 4;
    if (c->canon_off) {
      m.canon = c->canon_off;
    } else if (c->canon) {
      {
        size_t at = run->names.len;
        if (kabar__buf_put(&run->names, c->canon, c->canon_len) != 0 ||
            kabar__buf_putc(&run->names, '\0') != 0)
          return KABAR_ENOMEM;
        m.canon = (uint32_t)at + 1;
      }
    }
    kabar_status rc = surface_key(run, c->a, c->b, &m.key);
    if (rc != KABAR_OK)
      return rc;
    if (KABAR_VEC_PUSH(run->raw, m) != 0)
      return KABAR_ENOMEM;
  }
  return KABAR_OK;
}

/* Capitalised words no mention covers, for the document-wide second look. */
static kabar_status remember_capitals(ent_run *run, size_t n) {
  const kabar_ner_tokinfo *in = run->ner.info.v;
  for (size_t i = 0; i < n; i++) {
    if (!in[i].cap || !in[i].alpha || in[i].stop)
      continue;
    int covered = 0;
    for (size_t k = 0; k < run->cands.n && !covered; k++)
      covered = run->cands.v[k].a <= i && i < run->cands.v[k].b;
    cap_token c = {run->start.v[i], tok_end(run, i), in[i].lower};
    if (!covered && KABAR_VEC_PUSH(run->caps, c) != 0)
      return KABAR_ENOMEM;
  }
  return KABAR_OK;
}

static kabar_status sentence_entities(ent_run *run, const kabar_sentence *s, size_t *tok_at) {
  kabar_doc *doc = run->doc;
  uint8_t lang = doc->blocks.v[s->block].lang;
  if (lang == KABAR_LANG_OTHER)
    lang = doc->lang;
  if (lang == KABAR_LANG_OTHER || !doc->ctx->langs[lang].ner)
    return KABAR_OK;
  if (!run->ner_ready || run->ner_lang != lang) {
    if (run->ner_ready)
      kabar__ner_run_free(&run->ner);
    run->ner_ready = 0;
    kabar_status rc = kabar__ner_run_init(&run->ner, doc->ctx, lang);
    if (rc != KABAR_OK) {
      kabar__ner_run_free(&run->ner);
      return rc;
    }
    run->ner_ready = 1;
    run->ner_lang = lang;
    run->ner.documents = 1;
  }
  kabar_status rc = KABAR_OK;
  for (uint32_t from = s->start; rc == KABAR_OK && from < s->end;) {
    if ((rc = sentence_tokens(run, s, tok_at, &from)) != KABAR_OK)
      break;
    size_t n = run->tok.n;
    if (n == 0)
      break;
    if ((rc = kabar__ner_features(&run->ner, run->tok.v, run->len.v, n)) != KABAR_OK)
      break;
    run->cands.n = 0;
    int lower = run->ner.sentence_case == KABAR_SENT_LOWER;
    if ((rc = model_candidates(run, n, lower)) == KABAR_OK &&
        (rc = gazetteer_candidates(run, n, lower)) == KABAR_OK &&
        (titlecase_sentence(run->ner.info.v, n) || (rc = rule_candidates(run, n)) == KABAR_OK))
      rc = choose_mentions(run);
    if (rc == KABAR_OK && !lower)
      rc = remember_capitals(run, n);
  }
  return rc;
}

/* ---- grouping ----------------------------------------------------------------------------- */

static const char *raw_key(const ent_run *run, const raw_mention *m) {
  const char *k = run->names.p + m->key;
  return *k == ' ' ? k + 1 : k;
}
static const char *raw_canon(const ent_run *run, const raw_mention *m) {
  return m->canon ? run->names.p + m->canon - 1 : NULL;
}

/* Last word of a key. */
static const char *last_word(const char *k) {
  const char *sp = strrchr(k, ' ');
  return sp ? sp + 1 : k;
}

typedef struct group {
  uint32_t parent;
  uint8_t type;
  uint32_t best;  /* mention giving the display name */
  uint32_t words; /* of best's key */
  const char *canon;
  const char *key;
  const char *ckey; /* canon's key (folded like key), used only while grouping by name */
} group;

/* Whether two groups name the same thing: equal canonical names, or equal keys, or (when only
 * one has a canonical name) the canonical name's key equal to the other's key, so that a
 * misspelling mapped to "San Francisco" joins a mention written "San Francisco". */
static int same_name(const group *x, const group *y) {
  if (strcmp(x->key, y->key) == 0)
    return 1;
  if (x->canon && y->canon)
    return strcmp(x->canon, y->canon) == 0;
  if (!x->canon && !y->canon)
    return 0;
  return strcmp(x->canon ? x->ckey : x->key, y->canon ? y->ckey : y->key) == 0;
}

static uint32_t find_root(group *g, uint32_t i) {
  while (g[i].parent != i)
    i = g[i].parent = g[g[i].parent].parent;
  return i;
}

static uint32_t count_words(const char *k) {
  uint32_t w = *k != 0;
  for (; *k; k++)
    w += *k == ' ';
  return w;
}

/* Whether text right after m is " (ACR)" and ACR's key is acr. */
static int defines_acronym(const ent_run *run, const raw_mention *m, const raw_mention *acr) {
  const char *s = run->doc->text;
  size_t p = m->end;
  while (p < acr->start && (s[p] == ' ' || s[p] == '\t'))
    p++;
  if (p >= acr->start || s[p] != '(')
    return 0;
  p++;
  if (p != acr->start)
    return 0;
  return acr->end < run->doc->len && s[acr->end] == ')';
}

/* Upper-case initials of a display name ("Bank Indonesia" -> "bi"), folded. */
static int initials_match(const char *key, const char *acr) {
  size_t n = strlen(acr);
  if (n < 2 || n > 8)
    return 0;
  size_t k = 0;
  for (const char *p = key; *p; p++)
    if (p == key || p[-1] == ' ') {
      if (k >= n || *p != acr[k])
        return 0;
      k++;
    }
  return k == n;
}

static kabar_status group_mentions(ent_run *run) {
  kabar_doc *doc = run->doc;
  size_t nm = run->raw.n;
  if (nm == 0)
    return KABAR_OK;
  raw_mention *m = run->raw.v;
  group *g = kabar__calloc(nm, sizeof *g);
  if (!g)
    return KABAR_ENOMEM;
  /* 1. canonical names from the gazetteer, exact or near; then one group per (type, name) */
  const kabar_ner_lang *nl = doc->ctx->langs[doc->lang == KABAR_LANG_OTHER ? 0 : doc->lang].ner;
  for (size_t i = 0; i < nm; i++) {
    const kabar_gazetteer *gz = &nl->gaz;
    const char *k = raw_key(run, &m[i]);
    g[i].parent = (uint32_t)i;
    g[i].type = m[i].type;
    g[i].best = (uint32_t)i;
    g[i].key = k;
    g[i].words = count_words(k);
    g[i].canon = raw_canon(run, &m[i]);
    int seen = 0;
    for (size_t j = i; j-- > 0 && !g[i].canon && !seen;)
      if (m[j].type == m[i].type && !m[j].canon && strcmp(g[j].key, k) == 0) {
        g[i].canon = g[j].canon; /* the same name looked up already */
        seen = 1;
      }
    if (!g[i].canon && !seen) {
      /* an explicit canonical name for the exact key, else the entry a misspelling is near */
      const kabar_gaz_entry *e = kabar__gaz_find(gz, k, strlen(k));
      int exact = e && e->full && (e->sources & KABAR_GAZ_CURATED);
      /* one-word person names differ by a letter too often (Sumarno, Sukarno) */
      if (!exact)
        e = m[i].type == KABAR_ENTITY_PER && g[i].words == 1 ? NULL : kabar__gaz_fuzzy(gz, k, strlen(k));
      if (e && e->full && (e->types >> (m[i].type - 1) & 1u) &&
          (!exact || e->canonical != KABAR_STRTAB_NONE)) {
        uint32_t cl;
        g[i].canon = gaz_canonical(gz, e, &cl);
      }
    }
  }
  /* keys of the canonical names, for same_name() */
  kabar_buf ckeys = {0};
  size_t *ckey_at = kabar__malloc(nm * sizeof *ckey_at);
  if (!ckey_at) {
    kabar__free(g);
    return KABAR_ENOMEM;
  }
  for (size_t i = 0; i < nm; i++) {
    ckey_at[i] = ckeys.len;
    if (g[i].canon && (kabar__ner_key_append(doc->ctx, &ckeys, &run->key, g[i].canon,
                                                       strlen(g[i].canon)) < 0 ||
                       kabar__buf_putc(&ckeys, '\0') != 0)) {
      kabar__buf_free(&ckeys);
      kabar__free(ckey_at);
      kabar__free(g);
      return KABAR_ENOMEM;
    }
  }
  for (size_t i = 0; i < nm; i++) {
    const char *ck = g[i].canon && ckeys.p ? ckeys.p + ckey_at[i] : "";
    g[i].ckey = *ck == ' ' ? ck + 1 : ck;
  }
  for (size_t i = 0; i < nm; i++)
    for (size_t j = 0; j < i; j++) {
      if (find_root(g, (uint32_t)j) != j || g[j].type != g[i].type)
        continue;
      if (same_name(&g[i], &g[j])) {
        g[i].parent = (uint32_t)j;
        break;
      }
    }
  /* 1b. the same name tagged with different types is one entity */
  for (size_t i = 0; i < nm; i++)
    for (size_t j = 0; j < i; j++) {
      if (find_root(g, (uint32_t)i) != i || find_root(g, (uint32_t)j) != j ||
          g[j].type == g[i].type)
        continue;
      if (same_name(&g[i], &g[j]))
        g[i].parent = (uint32_t)j;
    }
  for (size_t i = 0; i < nm; i++)
    g[i].ckey = NULL;
  kabar__buf_free(&ckeys);
  kabar__free(ckey_at);
  /* 1c. a place named with its kind ("Kelurahan Tambakrejo", "Kota Semarang") is the place
   * named without it */
  for (size_t i = 0; i < nm; i++) {
    if (find_root(g, (uint32_t)i) != i || g[i].type != KABAR_ENTITY_LOC || g[i].words < 2 ||
        g[i].canon)
      continue;
    const char *sp = strchr(g[i].key, ' ');
    const kabar_trigger *tr = kabar__trigger_find(&nl->trig, g[i].key, (size_t)(sp - g[i].key));
    if (!tr || !(tr->actions & KABAR_TRIG_LOC_PREFIX))
      continue;
    for (size_t j = 0; j < nm; j++)
      if (j != i && find_root(g, (uint32_t)j) == j && g[j].type == KABAR_ENTITY_LOC &&
          strcmp(g[j].key, sp + 1) == 0) {
        uint32_t a = (uint32_t)(i < j ? i : j), b = (uint32_t)(i < j ? j : i);
        g[b].parent = a; /* the earlier mention stays the root */
        break;
      }
  }
  /* 2. a one-word mention that is the surname of exactly one longer person name, or failing
   * that a person's given name ("Hendra" after "Hendra Kusumawardana") */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < nm; i++) {
      if (find_root(g, (uint32_t)i) != i || g[i].words != 1 || g[i].canon)
        continue;
      uint32_t target = UINT32_MAX;
      int many = 0;
      for (size_t j = 0; j < nm; j++) {
        if (find_root(g, (uint32_t)j) != j || j == i || g[j].type != KABAR_ENTITY_PER ||
            g[j].words < 2)
          continue;
        const char *k = g[j].key, *sp = strchr(k, ' ');
        int hit = pass == 0 ? strcmp(last_word(k), g[i].key) == 0
                            : (size_t)(sp - k) == strlen(g[i].key) &&
                                  memcmp(k, g[i].key, (size_t)(sp - k)) == 0;
        if (!hit)
          continue;
        many |= target != UINT32_MAX && target != j;
        target = (uint32_t)j;
      }
      if (target != UINT32_MAX && !many)
        g[i].parent = target;
    }
  /* 3. acronyms: "Bank Indonesia (BI)" and later "BI"; or initials of a longer name */
  for (size_t i = 0; i < nm; i++) {
    if (find_root(g, (uint32_t)i) != i || g[i].words != 1 || g[i].canon)
      continue;
    for (size_t j = 0; j < nm; j++) {
      uint32_t rj = find_root(g, (uint32_t)j);
      if (rj == i || g[rj].words < 2)
        continue;
      int defined = 0;
      for (size_t q = 0; q < nm && !defined; q++)
        if (find_root(g, (uint32_t)q) == i && q > 0 && defines_acronym(run, &m[j], &m[q]))
          defined = 1;
      if (defined || (g[rj].type == KABAR_ENTITY_ORG && initials_match(g[rj].key, g[i].key))) {
        g[i].parent = rj;
        break;
      }
    }
  }
  /* 4. the type most mentions have (the earliest mention's on a tie) */
  {
    uint32_t (*votes)[KABAR_NER_NTYPES + 1] = kabar__calloc(nm, sizeof *votes);
    if (!votes) {
      kabar__free(g);
      return KABAR_ENOMEM;
    }
    for (size_t i = 0; i < nm; i++)
      votes[find_root(g, (uint32_t)i)][m[i].type]++;
    for (size_t i = 0; i < nm; i++) {
      if (find_root(g, (uint32_t)i) != i)
        continue;
      for (int t = 1; t <= KABAR_NER_NTYPES; t++)
        if (votes[i][t] > votes[i][g[i].type])
          g[i].type = (uint8_t)t;
    }
    kabar__free(votes);
  }
  /* 5. the display name: the gazetteer's, else the mention with the most words */
  for (size_t i = 0; i < nm; i++) {
    uint32_t r = find_root(g, (uint32_t)i);
    if (!g[r].canon && g[i].canon)
      g[r].canon = g[i].canon;
    if (g[i].words > g[r].words) {
      g[r].words = g[i].words;
      g[r].best = (uint32_t)i;
    }
  }
  /* emit: entities in order of first mention (mentions are in text order) */
  kabar_status rc = KABAR_OK;
  uint32_t *ent_of = kabar__malloc(nm * sizeof *ent_of);
  if (!ent_of) {
    kabar__free(g);
    return KABAR_ENOMEM;
  }
  for (size_t i = 0; i < nm; i++)
    ent_of[i] = UINT32_MAX;
  for (size_t i = 0; i < nm && rc == KABAR_OK; i++) {
    uint32_t r = find_root(g, (uint32_t)i);
    if (ent_of[r] != UINT32_MAX)
      continue;
    kabar_entity e = {g[r].type, (uint32_t)doc->entity_names.len, 0, 0};
    if (g[r].canon) {
      if (kabar__buf_put(&doc->entity_names, g[r].canon, strlen(g[r].canon)) != 0)
        rc = KABAR_ENOMEM;
    } else {
      /* the best mention's text with white space runs collapsed */
      const raw_mention *b = &m[g[r].best];
      int space = 0;
      for (uint32_t p = b->start; p < b->end && rc == KABAR_OK; p++) {
        char c = doc->text[p];
        int sp = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (sp) {
          space = 1;
          continue;
        }
        if ((space && kabar__buf_putc(&doc->entity_names, ' ') != 0) ||
            kabar__buf_putc(&doc->entity_names, c) != 0)
          rc = KABAR_ENOMEM;
        space = 0;
      }
    }
    if (rc == KABAR_OK && kabar__buf_putc(&doc->entity_names, '\0') != 0)
      rc = KABAR_ENOMEM;
    if (rc == KABAR_OK && KABAR_VEC_PUSH(doc->entities, e) != 0)
      rc = KABAR_ENOMEM;
    ent_of[r] = (uint32_t)doc->entities.n - 1;
  }
  /* mentions grouped by entity: count, then place */
  for (size_t i = 0; i < nm && rc == KABAR_OK; i++)
    doc->entities.v[ent_of[find_root(g, (uint32_t)i)]].nmentions++;
  if (rc == KABAR_OK &&
      kabar__grow((void **)&doc->mentions.v, &doc->mentions.cap, nm, sizeof *doc->mentions.v) != 0)
    rc = KABAR_ENOMEM;
  if (rc == KABAR_OK) {
    uint32_t at = 0;
    for (size_t e = 0; e < doc->entities.n; e++) {
      doc->entities.v[e].first = at;
      at += doc->entities.v[e].nmentions;
      doc->entities.v[e].nmentions = 0;
    }
    for (size_t i = 0; i < nm; i++) {
      uint32_t e = ent_of[find_root(g, (uint32_t)i)];
      kabar_entity *ent = &doc->entities.v[e];
      kabar_mention mm = {m[i].start, m[i].end, e};
      doc->mentions.v[ent->first + ent->nmentions++] = mm;
    }
    doc->mentions.n = nm;
  }
  kabar__free(ent_of);
  kabar__free(g);
  return rc;
}

typedef struct name_word {
  uint64_t lower;
  uint8_t type; /* 0 = two types claim the word */
} name_word;

static int by_lower(const void *pa, const void *pb) {
  const name_word *a = pa, *b = pb;
  return a->lower < b->lower ? -1 : a->lower > b->lower;
}

/* A word the tagger left alone elsewhere in the article is still a mention when it is a
 * one-word name found in the article or the surname of a person found there ("Smith" at the
 * start of a sentence after "Brad Smith"). */
static kabar_status second_look(ent_run *run) {
  size_t nm = run->raw.n;
  if (nm == 0 || run->caps.n == 0)
    return KABAR_OK;
  name_word *w = kabar__malloc(nm * sizeof *w);
  if (!w)
    return KABAR_ENOMEM;
  size_t nw = 0;
  for (size_t i = 0; i < nm; i++) {
    const char *k = raw_key(run, &run->raw.v[i]);
    uint32_t words = count_words(k);
    if (words == 1 || (words > 1 && run->raw.v[i].type == KABAR_ENTITY_PER)) {
      const char *lw = last_word(k);
      name_word x = {kabar__hash(lw, strlen(lw), 4), run->raw.v[i].type};
      w[nw++] = x;
    }
  }
  qsort(w, nw, sizeof *w, by_lower);
  size_t u = 0;
  for (size_t i = 0; i < nw; i++) {
    if (u > 0 && w[u - 1].lower == w[i].lower) {
      if (w[u - 1].type != w[i].type)
        w[u - 1].type = 0;
      continue;
    }
    w[u++] = w[i];
  }
  kabar_status rc = KABAR_OK;
  for (size_t i = 0; i < run->caps.n && rc == KABAR_OK; i++) {
    name_word key = {run->caps.v[i].lower, 0};
    const name_word *hit = bsearch(&key, w, u, sizeof *w, by_lower);
    if (!hit || !hit->type)
      continue;
    raw_mention m = {run->caps.v[i].start, run->caps.v[i].end, hit->type, 0, 0, 0};
    m.key = (uint32_t)run->names.len;
    if (kabar__ner_key_append(run->doc->ctx, &run->names, &run->key, run->doc->text + m.start,
                              m.end - m.start) < 0 ||
        kabar__buf_putc(&run->names, '\0') != 0 || KABAR_VEC_PUSH(run->raw, m) != 0)
      rc = KABAR_ENOMEM;
  }
  kabar__free(w);
  return rc;
}

static int by_start(const void *pa, const void *pb) {
  const raw_mention *a = pa, *b = pb;
  return a->start < b->start ? -1 : a->start > b->start;
}

kabar_status kabar__entities(kabar_doc *doc) {
  ent_run run;
  memset(&run, 0, sizeof run);
  run.doc = doc;
  kabar_status rc = kabar__buf_putc(&run.names, '\0') == 0 ? KABAR_OK : KABAR_ENOMEM;
  size_t tok_at = 0;
  for (size_t i = 0; i < doc->sentences.n && rc == KABAR_OK; i++) {
    const kabar_sentence *s = &doc->sentences.v[i];
    const kabar_block *b = &doc->blocks.v[s->block];
    if (b->kind == KABAR_BLOCK_BOILERPLATE || b->repeat == KABAR_REPEAT_STRUCTURAL)
      continue;
    rc = sentence_entities(&run, s, &tok_at);
  }
  if (rc == KABAR_OK)
    rc = second_look(&run);
  if (rc == KABAR_OK) {
    if (run.raw.n > 1)
      qsort(run.raw.v, run.raw.n, sizeof *run.raw.v, by_start);
    rc = group_mentions(&run);
  }
  if (run.ner_ready)
    kabar__ner_run_free(&run.ner);
  KABAR_VEC_FREE(run.tok);
  KABAR_VEC_FREE(run.len);
  KABAR_VEC_FREE(run.start);
  KABAR_VEC_FREE(run.tags);
  KABAR_VEC_FREE(run.cands);
  KABAR_VEC_FREE(run.raw);
  KABAR_VEC_FREE(run.caps);
  kabar__buf_free(&run.key);
  kabar__buf_free(&run.names);
  return rc;
}

/* ---- accessors ---------------------------------------------------------------------------- */

const char *kabar_entity_type_name(kabar_entity_type type) {
  static const char *const names[] = {"", "PER", "ORG", "LOC", "EVENT"};
  return (unsigned)type <= KABAR_NER_NTYPES ? names[type] : "";
}

int kabar_entity_type_parse(const char *name) {
  return name ? kabar__ner_type_of(name, strlen(name)) : 0;
}

size_t kabar_doc_entity_count(const kabar_doc *doc) { return doc ? doc->entities.n : 0; }

kabar_status kabar_doc_entity(const kabar_doc *doc, size_t index, kabar_entity_type *type_out,
                              const char **name_out, size_t *mention_count_out) {
  if (!doc || index >= doc->entities.n)
    return KABAR_EINVAL;
  const kabar_entity *e = &doc->entities.v[index];
  if (type_out)
    *type_out = (kabar_entity_type)e->type;
  if (name_out)
    *name_out = doc->entity_names.p + e->name;
  if (mention_count_out)
    *mention_count_out = e->nmentions;
  return KABAR_OK;
}

kabar_status kabar_doc_entity_mention(const kabar_doc *doc, size_t entity, size_t mention,
                                      kabar_span *span_out) {
  if (!doc || entity >= doc->entities.n || mention >= doc->entities.v[entity].nmentions)
    return KABAR_EINVAL;
  const kabar_mention *m = &doc->mentions.v[doc->entities.v[entity].first + mention];
  if (span_out) {
    span_out->start = kabar__offmap_orig(&doc->map, m->start);
    span_out->end = kabar__offmap_orig(&doc->map, m->end);
  }
  return KABAR_OK;
}
