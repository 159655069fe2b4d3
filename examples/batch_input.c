/* kabar-batch's input readers. JSON through jansson; feeds through libxml2 (RSS and Atom mix
 * namespaces, CDATA, entities and escaped HTML: a small hand-written reader would be the
 * weakest code in the tool, and libxml2 is in every distribution). Network access and entity
 * expansion are off: a feed cannot make the reader fetch or blow up anything. */
#include "batch_input.h"

#include <ctype.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void batch_record_clear(batch_record *r) {
  free(r->id);
  free(r->text);
  free(r->title);
  free(r->url);
  free(r->lang);
  free(r->error);
  memset(r, 0, sizeof *r);
  r->date = BATCH_NO_DATE;
}

static char *dup_n(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    if (n)
      memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

static int set_error(batch_record *r, const char *fmt, const char *arg) {
  char buf[512];
  snprintf(buf, sizeof buf, fmt, arg ? arg : "");
  free(r->error);
  r->error = dup_n(buf, strlen(buf));
  return r->error ? 0 : -1;
}

/* ---- dates ------------------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

/* "HH:MM[:SS][.frac][Z|+HH:MM|+HHMM| +0700| GMT]" from s; seconds into the day minus offset. */
static int parse_time(const char *s, int64_t *secs) {
  int h, mi, se = 0;
  if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &mi) || h > 23 || mi > 59)
    return 0;
  s += 5;
  if (*s == ':') {
    if (!digits(s + 1, 2, &se) || se > 60)
      return 0;
    s += 3;
  }
  if (*s == '.')
    for (s++; *s >= '0' && *s <= '9'; s++)
      ;
  while (*s == ' ')
    s++;
  int64_t off = 0;
  if (*s == '+' || *s == '-') {
    int oh, om = 0;
    if (!digits(s + 1, 2, &oh))
      return 0;
    const char *q = s + 3;
    if (*q == ':')
      q++;
    if (*q >= '0' && *q <= '9' && !digits(q, 2, &om))
      return 0;
    off = (int64_t)(oh * 3600 + om * 60) * (*s == '-' ? -1 : 1);
  }
  *secs = (int64_t)h * 3600 + mi * 60 + se - off;
  return 1;
}

int64_t batch_parse_date(const char *s) {
  if (!s)
    return BATCH_NO_DATE;
  while (*s == ' ')
    s++;
  int y, m, d;
  if (digits(s, 4, &y) && s[4] == '-' && digits(s + 5, 2, &m) && s[7] == '-' &&
      digits(s + 8, 2, &d) && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
    int64_t t = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400, secs = 0;
    if ((s[10] == 'T' || s[10] == ' ') && parse_time(s + 11, &secs))
      t += secs;
    return t;
  }
  /* RFC 822: [Wed, ]18 Jun 2025 10:20:30 +0700 */
  static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
  const char *p = strchr(s, ',');
  p = p ? p + 1 : s;
  while (*p == ' ')
    p++;
  char mon[4] = {0};
  int n = 0;
  if (sscanf(p, "%2d %3s %4d%n", &d, mon, &y, &n) == 3 && d >= 1 && d <= 31) {
    for (int i = 0; i < 3; i++)
      mon[i] = (char)tolower((unsigned char)mon[i]);
    const char *f = strstr(months, mon);
    if (f && (f - months) % 3 == 0) {
      int64_t t = days_from_civil(y, (unsigned)((f - months) / 3 + 1), (unsigned)d) * 86400;
      int64_t secs = 0;
      const char *q = p + n;
      while (*q == ' ')
        q++;
      if (parse_time(q, &secs))
        t += secs;
      return t;
    }
  }
  /* seconds since 1970 */
  char *end;
  long long v = strtoll(s, &end, 10);
  if (end != s && *end == '\0' && end - s <= 12 && v > -(1LL << 40) && v < (1LL << 40))
    return (int64_t)v;
  return BATCH_NO_DATE;
}

/* ---- JSON Lines ------------------------------------------------------------------------ */

static char *json_str_field(json_t *rec, const char *key) {
  json_t *v = json_object_get(rec, key);
  if (json_is_string(v))
    return dup_n(json_string_value(v), json_string_length(v));
  return NULL;
}

int batch_parse_jsonl(const char *line, size_t len, const char *fallback_id, size_t max_bytes,
                      batch_record *r) {
  batch_record_clear(r);
  json_error_t jerr;
  json_t *rec = json_loadb(line, len, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
  int rc = 0;
  if (rec && json_is_object(rec)) {
    json_t *id = json_object_get(rec, "id");
    if (json_is_string(id) && json_string_length(id) > 0 &&
        !memchr(json_string_value(id), 0, json_string_length(id)) &&
        json_string_length(id) <= 1024) {
      r->id = dup_n(json_string_value(id), json_string_length(id));
    } else if (json_is_integer(id)) {
      char buf[32];
      snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
      r->id = dup_n(buf, strlen(buf));
    }
  }
  if (!r->id && fallback_id && !(r->id = dup_n(fallback_id, strlen(fallback_id))))
    rc = -1;
  if (rc != 0) {
  } else if (!rec) {
    rc = set_error(r, "bad JSON: %s", jerr.text);
  } else if (!json_is_object(rec)) {
    rc = set_error(r, "record is not a JSON object%s", NULL);
  } else {
    json_t *text = json_object_get(rec, "text");
    if (!json_is_string(text))
      rc = set_error(r, "record has no \"text\" string%s", NULL);
    else if (json_string_length(text) == 0)
      rc = set_error(r, "empty text%s", NULL);
    else if (json_string_length(text) > max_bytes)
      rc = set_error(r, "text over the size limit%s", NULL);
    else {
      r->text_len = json_string_length(text);
      r->text = dup_n(json_string_value(text), r->text_len);
      r->title = json_str_field(rec, "title");
      r->url = json_str_field(rec, "url");
      r->lang = json_str_field(rec, "lang");
      json_t *date = json_object_get(rec, "date");
      json_int_t secs = json_is_integer(date) ? json_integer_value(date) : 0;
      r->date = json_is_string(date) ? batch_parse_date(json_string_value(date))
                : json_is_integer(date) && secs > -((json_int_t)1 << 40) &&
                        secs < ((json_int_t)1 << 40)
                    ? (int64_t)secs
                    : BATCH_NO_DATE;
      if (!r->text)
        rc = -1;
    }
  }
  json_decref(rec);
  return rc;
}

/* ---- feeds ----------------------------------------------------------------------------- */

int batch_looks_like_xml(const char *buf, size_t len) {
  size_t i = 0;
  if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
      (unsigned char)buf[2] == 0xBF)
    i = 3;
  while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
    i++;
  return i < len && buf[i] == '<';
}

typedef struct text_buf {
  char *p;
  size_t len, cap;
  int failed;
} text_buf;

static void tb_put(text_buf *b, const char *s, size_t n) {
  if (b->failed || n == 0)
    return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
      b->failed = 1;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void tb_break(text_buf *b) {
  while (b->len > 0 && (b->p[b->len - 1] == ' ' || b->p[b->len - 1] == '\n'))
    b->len--;
  if (b->len > 0)
    tb_put(b, "\n\n", 2);
}

static int is_block(const char *name) {
  static const char *const blocks[] = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5",
                                       "h6", "blockquote", "tr", "section", "article", "figure",
                                       "ul", "ol", "table", "pre", NULL};
  for (int i = 0; blocks[i]; i++)
    if (strcmp(name, blocks[i]) == 0)
      return 1;
  return 0;
}

/* Text of an HTML tree: text nodes, block elements as paragraph breaks, scripts left out. */
static void html_text(xmlNode *n, text_buf *b, int depth) {
  for (; n && depth < 256; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      const char *s = (const char *)n->content;
      if (s)
        tb_put(b, s, strlen(s));
    } else if (n->type == XML_ELEMENT_NODE) {
      const char *name = (const char *)n->name;
      if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)
        continue;
      int block = is_block(name);
      if (block)
        tb_break(b);
      html_text(n->children, b, depth + 1);
      if (block)
        tb_break(b);
    }
  }
}

/* Reduces an HTML fragment to text: paragraphs separated by blank lines. */
static char *html_to_text(const char *html, size_t *len_out) {
  text_buf b = {0};
  htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                      HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (doc) {
    html_text(xmlDocGetRootElement(doc), &b, 0);
    xmlFreeDoc(doc);
  }
  tb_break(&b);
  if (b.failed) {
    free(b.p);
    return NULL;
  }
  while (b.len > 0 && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == ' '))
    b.len--;
  if (!b.p && !(b.p = calloc(1, 1)))
    return NULL;
  b.p[b.len] = '\0';
  *len_out = b.len;
  return b.p;
}

static int name_is(const xmlNode *n, const char *name, const char *prefix) {
  if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
    return 0;
  if (!prefix)
    return 1;
  return n->ns && n->ns->prefix && strcmp((const char *)n->ns->prefix, prefix) == 0;
}

static char *node_text(xmlNode *n) {
  xmlChar *c = xmlNodeGetContent(n);
  if (!c)
    return NULL;
  char *s = dup_n((const char *)c, strlen((const char *)c));
  xmlFree(c);
  /* trim */
  if (s) {
    size_t a = 0, e = strlen(s);
    while (a < e && isspace((unsigned char)s[a]))
      a++;
    while (e > a && isspace((unsigned char)s[e - 1]))
      e--;
    memmove(s, s + a, e - a);
    s[e - a] = '\0';
  }
  return s;
}

/* Fills r from an <item> or <entry>. -1 when out of memory. */
static int read_item(xmlNode *item, const char *fallback_id, size_t max_bytes, batch_record *r) {
  xmlNode *content = NULL, *desc = NULL, *guid = NULL, *link = NULL, *title = NULL,
          *date = NULL;
  char *link_href = NULL;
  for (xmlNode *c = item->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (name_is(c, "encoded", "content"))
      content = c;
    else if (!content && name_is(c, "content", NULL))
      content = c;
    else if (name_is(c, "description", NULL) || name_is(c, "summary", NULL))
      desc = desc ? desc : c;
    else if (name_is(c, "guid", NULL) || name_is(c, "id", NULL))
      guid = c;
    else if (name_is(c, "link", NULL)) {
      link = link ? link : c;
      xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");
      if (href && !link_href)
        link_href = dup_n((const char *)href, strlen((const char *)href));
      xmlFree(href);
    } else if (name_is(c, "title", NULL))
      title = c;
    else if (name_is(c, "pubDate", NULL) || name_is(c, "published", NULL) ||
             name_is(c, "updated", NULL) || name_is(c, "date", "dc"))
      date = date ? date : c;
  }
  int rc = 0;
  r->url = link_href ? link_href : link ? node_text(link) : NULL;
  r->title = title ? node_text(title) : NULL;
  char *gid = guid ? node_text(guid) : NULL;
  if (gid && *gid && strlen(gid) <= 1024)
    r->id = gid;
  else {
    free(gid);
    r->id = r->url && *r->url && strlen(r->url) <= 1024 ? dup_n(r->url, strlen(r->url))
                                                          : dup_n(fallback_id, strlen(fallback_id));
  }
  if (date) {
    char *ds = node_text(date);
    r->date = batch_parse_date(ds);
    free(ds);
  }
  xmlNode *src = content ? content : desc;
  char *html = src ? node_text(src) : NULL;
  if (!r->id)
    rc = -1;
  else if (!html || !*html)
    rc = set_error(r, "item has no content:encoded or description%s", NULL);
  else {
    size_t n = 0;
    r->text = html_to_text(html, &n);
    r->text_len = n;
    if (!r->text)
      rc = -1;
    else if (n == 0) {
      free(r->text);
      r->text = NULL;
      rc = set_error(r, "empty text%s", NULL);
    } else if (n > max_bytes) {
      free(r->text);
      r->text = NULL;
      r->text_len = 0;
      rc = set_error(r, "text over the size limit%s", NULL);
    }
  }
  free(html);
  return rc;
}

static void collect_items(xmlNode *n, xmlNode ***v, size_t *cnt, size_t *cap, int depth,
                          int *oom) {
  for (; n && depth < 64 && !*oom; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (name_is(n, "item", NULL) || name_is(n, "entry", NULL)) {
      if (*cnt == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        xmlNode **nv = realloc(*v, nc * sizeof *nv);
        if (!nv) {
          *oom = 1;
          return;
        }
        *v = nv;
        *cap = nc;
      }
      (*v)[(*cnt)++] = n;
    } else {
      collect_items(n->children, v, cnt, cap, depth + 1, oom);
    }
  }
}

int batch_parse_feed(const char *buf, size_t len, const char *name, size_t max_bytes,
                     batch_feed_item **items_out, size_t *n_out, const char **error_out) {
  *items_out = NULL;
  *n_out = 0;
  *error_out = NULL;
  if (len > (size_t)INT32_MAX) {
    *error_out = "feed over 2 GB";
    return -1;
  }
  xmlDocPtr doc = xmlReadMemory(buf, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (!doc || !xmlDocGetRootElement(doc)) {
    xmlFreeDoc(doc);
    *error_out = "not an XML feed";
    return -1;
  }
  xmlNode **nodes = NULL;
  size_t cnt = 0, cap = 0;
  int oom = 0;
  collect_items(xmlDocGetRootElement(doc), &nodes, &cnt, &cap, 0, &oom);
  batch_feed_item *items = cnt ? calloc(cnt, sizeof *items) : NULL;
  if (oom || (cnt && !items)) {
    free(nodes);
    free(items);
    xmlFreeDoc(doc);
    *error_out = "out of memory";
    return -1;
  }
  for (size_t i = 0; i < cnt && !oom; i++) {
    char fallback[1100];
    long line = xmlGetLineNo(nodes[i]);
    items[i].line = line > 0 ? (size_t)line : 0;
    snprintf(fallback, sizeof fallback, "%.1000s:%zu", name, items[i].line);
    batch_record_clear(&items[i].rec);
    if (read_item(nodes[i], fallback, max_bytes, &items[i].rec) != 0)
      oom = 1;
  }
  free(nodes);
  xmlFreeDoc(doc);
  if (oom) {
    for (size_t i = 0; i < cnt; i++)
      batch_record_clear(&items[i].rec);
    free(items);
    *error_out = "out of memory";
    return -1;
  }
  *items_out = items;
  *n_out = cnt;
  return 0;
}
