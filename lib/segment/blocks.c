#include "segment.h"

typedef struct line {
  uint32_t start, end; /* content, without the line break, trimmed */
} line;

/* Trims white-space code points (kabar__is_space_cp) from both ends of [*a, *b). */
static void trim_span(const char *text, uint32_t *a, uint32_t *b) {
  const unsigned char *s = (const unsigned char *)text;
  while (*a < *b) {
    size_t len = 1;
    int32_t cp = s[*a] < 0x80 ? s[*a] : kabar__utf8_decode(s + *a, *b - *a, &len);
    if (!kabar__seg_space(cp))
      break;
    *a += (uint32_t)len;
  }
  while (*b > *a) {
    uint32_t p = *b - 1;
    while (p > *a && (s[p] & 0xC0) == 0x80)
      p--;
    size_t len = 1;
    int32_t cp = s[p] < 0x80 ? s[p] : kabar__utf8_decode(s + p, *b - p, &len);
    if (!kabar__seg_space(cp))
      break;
    *b = p;
  }
}

typedef KABAR_VEC(line) line_vec;

static int push_line(const kabar_doc *doc, line_vec *lines, uint32_t a, uint32_t b) {
  trim_span(doc->text, &a, &b);
  line l = {a, b};
  return KABAR_VEC_PUSH(*lines, l);
}

size_t kabar__find_line_break_scalar(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] != '\n' && s[i] != '\r')
    i++;
  return i;
}

#if defined(__SSE2__)
static unsigned line_breaks(__m128i x) {
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));
}

size_t kabar__find_line_break(const char *s, size_t n) {
  return kabar__scan16((const unsigned char *)s, n, 16, 'a', line_breaks);
}
#else
size_t kabar__find_line_break(const char *s, size_t n) {
  return kabar__find_line_break_scalar(s, n);
}
#endif

/* The lines of the text, trimmed (breaks: LF, CR or CRLF). */
static int split_lines(const kabar_doc *doc, line_vec *lines) {
  const char *s = doc->text;
  uint32_t n = (uint32_t)doc->len, start = 0;
  for (uint32_t i = (uint32_t)kabar__find_line_break(s, n); i < n;
       i = start + (uint32_t)kabar__find_line_break(s + start, n - start)) {
    if (push_line(doc, lines, start, i) != 0)
      return -1;
    if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
      i++;
    start = i + 1;
  }
  if ((start < n || n == 0) && push_line(doc, lines, start, n) != 0)
    return -1;
  return 0;
}

/* A wrapped line breaks mid-sentence; one that ends a sentence is a paragraph of its own. */
static int ends_sentence(const kabar_doc *doc, uint32_t b) {
  char c = doc->text[b - 1];
  return c == '.' || c == '!' || c == '?' || c == ':' || c == '"' ||
         (b >= 3 && memcmp(doc->text + b - 3, "\xE2\x80\x9D", 3) == 0); /* ” */
}

/* Hard-wrapped text has blank-line paragraphs whose lines, except each paragraph's last, are
 * filled close to one width and break mid-sentence. Returns that width, or 0 for
 * one-paragraph-per-line text. */
static uint32_t wrap_width(const kabar_doc *doc, const line *l, size_t n) {
  size_t joined = 0, filled = 0, blank = 0;
  uint32_t width = 0;
  for (size_t i = 0; i < n; i++)
    blank += l[i].start == l[i].end;
  if (blank == 0)
    return 0;
  for (size_t i = 0; i + 1 < n; i++) {
    uint32_t a = l[i].start, b = l[i].end, c = l[i + 1].start, d = l[i + 1].end;
    if (a == b || c == d)
      continue;
    joined++;
    if (b - a >= 40 && b - a <= 100 && !ends_sentence(doc, b))
      filled++;
    if (b - a > width && b - a <= 100)
      width = b - a;
  }
  return joined >= 2 && filled * 10 >= joined * 8 ? width : 0;
}

static int push_block(kabar_doc *doc, uint32_t a, uint32_t b, uint32_t line_no) {
  kabar_block blk;
  memset(&blk, 0, sizeof blk);
  blk.start = a;
  blk.end = b;
  blk.line = line_no;
  blk.dup_of = UINT32_MAX;
  blk.kind = KABAR_BLOCK_BODY;
  blk.lang = KABAR_LANG_OTHER;
  return KABAR_VEC_PUSH(doc->blocks, blk);
}

kabar_status kabar__segment_blocks(kabar_doc *doc) {
  line_vec lines = {0};
  if (split_lines(doc, &lines) != 0) {
    KABAR_VEC_FREE(lines);
    return KABAR_ENOMEM;
  }
  uint32_t width = wrap_width(doc, lines.v, lines.n);
  kabar_status rc = KABAR_OK;
  int open = 0; /* the last block may take the next line (wrapped text) */
  uint32_t prev_len = 0;
  for (size_t i = 0; i < lines.n; i++) {
    uint32_t a = lines.v[i].start, b = lines.v[i].end;
    if (a == b) {
      open = 0;
      continue;
    }
    if (open && width && prev_len * 10 >= width * 6) {
      doc->blocks.v[doc->blocks.n - 1].end = b; /* continuation of a wrapped paragraph */
    } else if (push_block(doc, a, b, (uint32_t)i + 1) != 0) {
      rc = KABAR_ENOMEM;
      break;
    }
    open = width != 0;
    prev_len = b - a;
  }
  KABAR_VEC_FREE(lines);
  return rc;
}
