/* summary/: the sentence scorer's model file.
 *
 * Format (UTF-8 text, one item a line, '#' starts a comment line, blank lines ignored):
 *   kabar-summary-model 1          first non-comment line: magic and format version
 *   <feature> <weight>             one line per feature, names from kabar__summary_feature_names,
 *                                  weight a decimal number ("-1.25", "3e-2"); each at most once;
 *                                  features not listed weigh 0
 * Numbers are parsed here, not with strtod, so that the C locale of the host never matters. */
#include "summary.h"

#include <errno.h>
#include <math.h>

const char *const kabar__summary_feature_names[KABAR_SUM_NFEAT] = {
    "bias",         "first",       "second",      "third",      "fourth",       "pos_inv",
    "pos_rel",      "para0",       "para1",       "para2",      "para_first",   "para_second",
    "para_single",  "words_log",   "short",       "long",       "centroid",     "title_overlap",
    "lead_overlap", "caps",        "numbers",     "quote",      "quote_start",  "question",
    "dateline",     "words_before"};

/* Hand-set weights for languages without a model file: the lead matters most, then the first
 * sentence of each paragraph, then similarity to the rest of the article and to the title;
 * fragments and questions are unlikely summary sentences. */
static const kabar_summary_model fallback = {{
    -1.5, /* bias */
    2.0,  /* first */
    1.0,  /* second */
    0.5,  /* third */
    0.25, /* fourth */
    1.0,  /* pos_inv */
    -0.5, /* pos_rel */
    0.5,  /* para0 */
    0.25, /* para1 */
    0.0,  /* para2 */
    0.5,  /* para_first */
    0.0,  /* para_second */
    0.0,  /* para_single */
    0.5,  /* words_log */
    -1.0, /* short */
    -0.5, /* long */
    1.5,  /* centroid */
    1.0,  /* title_overlap */
    0.5,  /* lead_overlap */
    0.0,  /* caps */
    0.0,  /* numbers */
    -0.3, /* quote */
    -0.5, /* quote_start */
    -1.0, /* question */
    0.0,  /* dateline */
    -0.5, /* words_before */
}};

const kabar_summary_model *kabar__summary_fallback(void) { return &fallback; }

/* Parses [+-]digits[.digits][(e|E)[+-]digits] spanning all of s[0, n). 0 ok, -1 not a number. */
static int parse_number(const char *s, size_t n, double *out) {
  size_t i = 0;
  int neg = 0, digits = 0;
  double v = 0;
  if (i < n && (s[i] == '+' || s[i] == '-'))
    neg = s[i++] == '-';
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
    v = v * 10 + (s[i] - '0');
  if (i < n && s[i] == '.') {
    double scale = 0.1;
    for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++, scale /= 10)
      v += (s[i] - '0') * scale;
  }
  if (!digits)
    return -1;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    int eneg = 0, e = 0, edig = 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
      eneg = s[i++] == '-';
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, edig++)
      if (e < 400)
        e = e * 10 + (s[i] - '0');
    if (!edig)
      return -1;
    v *= pow(10.0, eneg ? -e : e);
  }
  if (i != n || !isfinite(v))
    return -1;
  *out = neg ? -v : v;
  return 0;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

kabar_status kabar__summary_model_load(const char *path, kabar_summary_model **out,
                                       kabar_error *err) {
  *out = NULL;
  kabar_buf file = {0};
  if (kabar__read_file(path, &file) != 0) {
    int e = errno;
    kabar__buf_free(&file);
    if (e == ENOENT)
      return KABAR_OK; /* optional: the fallback scorer */
    return kabar__fail_path(err, e == ENOMEM ? KABAR_ENOMEM : KABAR_EIO, path, KABAR_NO_OFFSET,
                            e);
  }
  kabar_summary_model *m = kabar__calloc(1, sizeof *m);
  if (!m) {
    kabar__buf_free(&file);
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  }
  uint8_t seen[KABAR_SUM_NFEAT] = {0};
  int header = 0;
  size_t line = 0;
  kabar_status rc = KABAR_OK;
  const char *p = file.p ? file.p : "", *end = p + file.len;
  while (p < end && rc == KABAR_OK) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    const char *le = e ? e : end;
    line++;
    const char *a = p, *b = le;
    p = e ? e + 1 : end;
    while (a < b && is_blank(*a))
      a++;
    while (b > a && is_blank(b[-1]))
      b--;
    if (a == b || *a == '#')
      continue;
    /* two fields: name and value */
    const char *k = a, *ke = a;
    while (ke < b && !is_blank(*ke))
      ke++;
    const char *v = ke;
    while (v < b && is_blank(*v))
      v++;
    size_t kn = (size_t)(ke - k), vn = (size_t)(b - v);
    int bad = vn == 0 || memchr(v, ' ', vn) != NULL || memchr(v, '\t', vn) != NULL;
    double x = 0;
    if (!header) {
      size_t mn = strlen(KABAR_SUM_MODEL_MAGIC);
      if (bad || kn != mn || memcmp(k, KABAR_SUM_MODEL_MAGIC, mn) != 0 ||
          parse_number(v, vn, &x) != 0 || x != KABAR_SUM_MODEL_VERSION)
        rc = kabar__fail_path(err, KABAR_EINVAL, path, line, 0);
      header = 1;
      continue;
    }
    size_t f = 0;
    while (f < KABAR_SUM_NFEAT && !(strlen(kabar__summary_feature_names[f]) == kn &&
                                    memcmp(kabar__summary_feature_names[f], k, kn) == 0))
      f++;
    if (bad || f == KABAR_SUM_NFEAT || seen[f] || parse_number(v, vn, &x) != 0)
      rc = kabar__fail_path(err, KABAR_EINVAL, path, line, 0);
    else
      m->w[f] = x, seen[f] = 1;
  }
  if (rc == KABAR_OK && !header)
    rc = kabar__fail_path(err, KABAR_EINVAL, path, line ? line : 1, 0); /* empty file */
  kabar__buf_free(&file);
  if (rc != KABAR_OK) {
    kabar__free(m);
    return rc;
  }
  *out = m;
  return KABAR_OK;
}

void kabar__summary_model_free(kabar_summary_model *m) { kabar__free(m); }
