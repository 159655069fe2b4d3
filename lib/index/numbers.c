/* Numbers written in digits or in words, for same-story evidence: "34", "vierendertig" and
 * "tiga puluh empat" are the same key. The words are data (corpora/<lang>/numbers.txt). */
#include "index.h"
#include "../text/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

void kabar__numwords_free(kabar_numwords *nw) {
  if (!nw)
    return;
  kabar__strtab_free(&nw->words);
  kabar__free(nw->vals);
  kabar__free(nw);
}

static kabar_status load_fail(kabar_error *err, kabar_status code, const char *path,
                              size_t line) {
  kabar__fail(err, code, line, 0);
  if (err)
    snprintf(err->path, sizeof err->path, "%s", path);
  return code;
}

/* The next field of a line split on spaces and tabs (NUL-terminated in place), or NULL. */
static char *next_field(char **p) {
  char *s = *p;
  while (*s == ' ' || *s == '\t' || *s == '\r')
    s++;
  if (!*s)
    return NULL;
  char *e = s;
  while (*e && *e != ' ' && *e != '\t' && *e != '\r')
    e++;
  if (*e)
    *e++ = '\0';
  *p = e;
  return s;
}

/* One "WORD VALUE [KIND]" line; -1 when malformed. */
static int parse_line(char *p, char **word, size_t *wlen, uint64_t *value, uint8_t *kind,
                      uint8_t *weak) {
  char *w = next_field(&p), *v = w ? next_field(&p) : NULL;
  if (!w || !v)
    return -1;
  char *end;
  errno = 0;
  unsigned long long x = strtoull(v, &end, 10);
  if (*end || errno || v[0] == '-')
    return -1;
  *word = w;
  *wlen = strlen(w);
  *value = x;
  *kind = KABAR_NUM_ADD;
  *weak = 0;
  for (char *k; (k = next_field(&p)) != NULL;) {
    if (strcmp(k, "mul") == 0)
      *kind = KABAR_NUM_MUL;
    else if (strcmp(k, "scale") == 0)
      *kind = KABAR_NUM_SCALE;
    else if (strcmp(k, "join") == 0)
      *kind = KABAR_NUM_JOIN;
    else if (strcmp(k, "weak") == 0)
      *weak = 1;
    else
      return -1;
  }
  return (*kind == KABAR_NUM_MUL || *kind == KABAR_NUM_SCALE) && x < 10 ? -1 : 0;
}

kabar_status kabar__numwords_load(const kabar_ctx *ctx, const char *path, kabar_numwords **out,
                                  kabar_error *err) {
  kabar_buf file = {0}, norm = {0};
  *out = NULL;
  if (kabar__read_file(path, &file) != 0) {
    int e = errno;
    kabar__buf_free(&file);
    if (e == ENOENT)
      return KABAR_OK;
    return load_fail(err, e == ENOMEM ? KABAR_ENOMEM : KABAR_EIO, path, KABAR_NO_OFFSET);
  }
  kabar_numwords *nw = kabar__calloc(1, sizeof *nw);
  if (!nw) {
    kabar__buf_free(&file);
    return load_fail(err, KABAR_ENOMEM, path, KABAR_NO_OFFSET);
  }
  kabar_status rc = KABAR_OK;
  size_t line = 0;
  char *p = file.p ? file.p : (char *)"";
  if (kabar__utf8_check(p, file.len) < file.len)
    rc = load_fail(err, KABAR_EUTF8, path, KABAR_NO_OFFSET);
  while (rc == KABAR_OK && *p) {
    char *e = strchr(p, '\n');
    if (e)
      *e = '\0';
    line++;
    char *word;
    size_t wlen;
    uint64_t value;
    uint8_t kind, weak;
    if (*p && *p != '#' && strspn(p, " \t\r") < strlen(p)) {
      if (parse_line(p, &word, &wlen, &value, &kind, &weak) != 0) {
        rc = load_fail(err, KABAR_EINVAL, path, line);
        break;
      }
      norm.len = 0;
      rc = kabar__normalize(ctx, word, wlen, &norm, NULL, 0);
      uint32_t id = rc == KABAR_OK && norm.len > 0 && norm.len < 255
                        ? kabar__strtab_intern(&nw->words, norm.p, norm.len)
                        : KABAR_STRTAB_NONE;
      if (rc == KABAR_OK && (norm.len == 0 || norm.len >= 255))
        rc = KABAR_EINVAL;
      else if (rc == KABAR_OK && id == KABAR_STRTAB_NONE)
        rc = KABAR_ENOMEM;
      else if (rc == KABAR_OK &&
               kabar__grow((void **)&nw->vals, &nw->cap, (size_t)id + 1, sizeof *nw->vals) != 0)
        rc = KABAR_ENOMEM;
      if (rc != KABAR_OK) {
        load_fail(err, rc, path, line);
        break;
      }
      nw->vals[id].value = value;
      nw->vals[id].kind = kind;
      nw->vals[id].weak = weak;
      if (norm.len > nw->max_len)
        nw->max_len = (uint8_t)norm.len;
      unsigned char c = (unsigned char)norm.p[0];
      nw->first[c >> 3] |= (uint8_t)(1u << (c & 7));
    }
    p = e ? e + 1 : p + strlen(p);
  }
  kabar__buf_free(&file);
  kabar__buf_free(&norm);
  if (rc == KABAR_OK)
    *out = nw;
  else
    kabar__numwords_free(nw);
  return rc;
}

/* Reading state of one number phrase. */
typedef struct num_state {
  uint64_t total, cur;
  unsigned parts, strong;
  int digits; /* began with digits: only "mul"/"scale" words may follow ("2 juta") */
} num_state;

#define NUM_MAX ((uint64_t)1 << 53)

static void num_apply(num_state *s, const kabar_numword *w) {
  s->parts++;
  s->strong += !w->weak;
  switch (w->kind) {
  case KABAR_NUM_ADD:
    s->cur += w->value;
    break;
  case KABAR_NUM_MUL: {
    uint64_t low = s->cur % (w->value * 10);
    s->cur = s->cur - low + (low ? low : 1) * w->value;
    break;
  }
  case KABAR_NUM_SCALE:
    s->total += (s->cur ? s->cur : 1) * w->value;
    s->cur = 0;
    break;
  default:
    break;
  }
  if (s->total > NUM_MAX)
    s->total = NUM_MAX;
  if (s->cur > NUM_MAX)
    s->cur = NUM_MAX;
}

/* Splits a case-folded word into number words, longest first, and applies them: 1 when the
 * whole word is number words (and join words only between others). */
static int apply_word(const kabar_numwords *nw, const char *s, size_t n, num_state *st) {
  unsigned char c0 = (unsigned char)s[0];
  if (n == 0 || !(nw->first[c0 >> 3] >> (c0 & 7) & 1))
    return 0;
  num_state tmp = *st;
  size_t pos = 0;
  int last_join = 1;
  while (pos < n) {
    size_t maxl = n - pos < nw->max_len ? n - pos : nw->max_len, l = maxl;
    uint32_t id = KABAR_STRTAB_NONE;
    for (; l > 0; l--)
      if ((id = kabar__strtab_find(&nw->words, s + pos, l)) != KABAR_STRTAB_NONE)
        break;
    if (id == KABAR_STRTAB_NONE)
      return 0;
    const kabar_numword *w = &nw->vals[id];
    int join = w->kind == KABAR_NUM_JOIN;
    if (join && last_join)
      return 0;
    if (!join && tmp.digits && w->kind == KABAR_NUM_ADD)
      return 0;
    if (!join)
      num_apply(&tmp, w);
    last_join = join;
    pos += l;
  }
  if (last_join)
    return 0;
  *st = tmp;
  return 1;
}

/* Digits, with '.' grouping thousands ("2.000"): 1 and *v, or 0 (decimals, other forms). */
static int parse_digits(const char *s, size_t n, uint64_t *v) {
  uint64_t x = 0;
  size_t digits = 0, group = 0;
  int dotted = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= '0' && s[i] <= '9') {
      if (x > NUM_MAX)
        return 0;
      x = x * 10 + (uint64_t)(s[i] - '0');
      digits++;
      group++;
    } else if (s[i] == '.' && digits > 0 && (!dotted || group == 3) && group <= 3) {
      dotted = 1;
      group = 0;
    } else {
      return 0;
    }
  }
  if (digits == 0 || (dotted && group != 3))
    return 0;
  *v = x;
  return 1;
}

static const kabar_numwords *token_numwords(const kabar_doc *doc, const kabar_token *t) {
  uint8_t lang = doc->blocks.v[t->block].lang;
  if (lang == KABAR_LANG_OTHER)
    lang = doc->lang;
  if (lang == KABAR_LANG_OTHER || lang >= doc->ctx->nlangs)
    return NULL;
  const kabar_numwords *nw = doc->ctx->langs[lang].numwords;
  return nw && nw->words.count ? nw : NULL;
}

int kabar__number_at(const kabar_doc *doc, size_t first, size_t *end, uint64_t *value) {
  num_state st = {0, 0, 0, 0, 0};
  size_t i = first;
  for (; i < doc->tokens.n; i++) {
    const kabar_token *t = &doc->tokens.v[i];
    if (i > first) {
      /* the parts of one number are next to each other: only spaces between */
      const kabar_token *p = &doc->tokens.v[i - 1];
      if (t->block != p->block)
        break;
      size_t gap = 0;
      while (p->end + gap < t->start && doc->text[p->end + gap] == ' ')
        gap++;
      if (p->end + gap != t->start)
        break;
    }
    const char *s = kabar__strtab_str(&doc->types, t->type);
    size_t n = kabar__strtab_len(&doc->types, t->type);
    uint64_t v;
    if (t->flags & KABAR_TOK_NUMBER) {
      if (i > first || !parse_digits(s, n, &v))
        break;
      st.cur = v;
      st.digits = 1;
      st.parts++;
      st.strong++;
      continue;
    }
    const kabar_numwords *nw = token_numwords(doc, t);
    if (!nw || !apply_word(nw, s, n, &st))
      break;
  }
  if (st.parts == 0 || (st.strong == 0 && st.parts < 2))
    return 0;
  *end = i;
  *value = st.total + st.cur;
  return 1;
}
