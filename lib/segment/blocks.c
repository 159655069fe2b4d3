#include "segment.h"

typedef struct line {
  uint32_t start, end; /* content, without the line break, trimmed */
} line;

void kabar__seg_trim_cp(const char *text, uint32_t *a, uint32_t *b) {
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

/* Offset of the first c in s[from, n), or n. The first byte is tested before memchr is
 * called: paragraphs end in a blank line, whose break comes right after the one before. */
static uint32_t find_byte(const char *s, uint32_t from, uint32_t n, char c) {
  if (from < n && s[from] == c)
    return from;
  const char *p = memchr(s + from, c, n - from);
  return p ? (uint32_t)(p - s) : n;
}

/* A walk over the text's lines (breaks: LF, CR or CRLF). memchr finds the breaks far faster
 * than a byte loop (and than a 16-byte SSE2 scan: libc's is wider); each kind's next position
 * is kept until passed, so the walk stays linear. The text's end closes a last line only if
 * something follows the last break, or if the text is empty. */
typedef struct line_walk {
  const char *s;
  uint32_t n, next; /* next: where the line after the last one given starts */
  uint32_t lf, cr;  /* the first LF and CR at or after the last line's start (n for none) */
  int done;
} line_walk;

static void walk_start(line_walk *w, const kabar_doc *doc) {
  w->s = doc->text;
  w->n = (uint32_t)doc->len;
  w->next = 0;
  w->lf = find_byte(w->s, 0, w->n, '\n');
  w->cr = find_byte(w->s, 0, w->n, '\r');
  w->done = 0;
}

/* The next line's content, trimmed, in *l; 0 after the last. */
static inline int next_line(line_walk *w, line *l) {
  uint32_t a = w->next, n = w->n;
  if (w->done || (a == n && n != 0))
    return 0;
  if (w->lf < a)
    w->lf = find_byte(w->s, a, n, '\n');
  if (w->cr < a)
    w->cr = find_byte(w->s, a, n, '\r');
  uint32_t i = w->lf < w->cr ? w->lf : w->cr;
  if (i == n)
    w->done = 1;
  else
    w->next = i + 1 + (w->s[i] == '\r' && i + 1 < n && w->s[i + 1] == '\n');
  l->start = a;
  l->end = i;
  kabar__seg_trim(w->s, &l->start, &l->end);
  return 1;
}

/* A wrapped line breaks mid-sentence; one that ends a sentence is a paragraph of its own. */
static int ends_sentence(const kabar_doc *doc, uint32_t b) {
  char c = doc->text[b - 1];
  return c == '.' || c == '!' || c == '?' || c == ':' || c == '"' ||
         (b >= 3 && memcmp(doc->text + b - 3, "\xE2\x80\x9D", 3) == 0); /* ” */
}

/* Hard-wrapped text has blank-line paragraphs whose lines, except each paragraph's last, are
 * filled close to one width and break mid-sentence. Counted over each pair of neighbouring
 * lines as they come. */
typedef struct wrap_stats {
  size_t joined, filled, blank; /* pairs of non-blank lines, those filled; blank lines */
  uint32_t width;               /* the longest first line of a pair, up to 100 bytes */
} wrap_stats;

static void wrap_count(const kabar_doc *doc, wrap_stats *w, const line *prev, const line *l) {
  w->blank += l->start == l->end;
  if (!prev || prev->start == prev->end || l->start == l->end)
    return;
  uint32_t len = prev->end - prev->start;
  w->joined++;
  if (len >= 40 && len <= 100 && !ends_sentence(doc, prev->end))
    w->filled++;
  if (len > w->width && len <= 100)
    w->width = len;
}

/* The wrap width, or 0 for one-paragraph-per-line text. */
static uint32_t wrap_width(const wrap_stats *w) {
  return w->blank && w->joined >= 2 && w->filled * 10 >= w->joined * 8 ? w->width : 0;
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

/* Hard-wrapped text: a block per blank-line paragraph, whose lines are joined while the line
 * before is long enough to have been wrapped. */
static kabar_status wrapped_blocks(kabar_doc *doc, uint32_t width) {
  line_walk walk;
  walk_start(&walk, doc);
  line l;
  int open = 0; /* the last block may take the next line */
  uint32_t prev_len = 0;
  for (uint32_t i = 0; next_line(&walk, &l); i++) {
    if (l.start == l.end) {
      open = 0;
      continue;
    }
    if (open && prev_len * 10 >= width * 6)
      doc->blocks.v[doc->blocks.n - 1].end = l.end; /* continuation of a wrapped paragraph */
    else if (push_block(doc, l.start, l.end, i + 1) != 0)
      return KABAR_ENOMEM;
    open = 1;
    prev_len = l.end - l.start;
  }
  return KABAR_OK;
}

/* One block per non-blank line; wrap statistics on the way, and if the text turns out to be
 * hard-wrapped (rare), its blocks are made again by paragraph. */
kabar_status kabar__segment_blocks(kabar_doc *doc) {
  size_t first = doc->blocks.n;
  /* room for a block per 256 bytes up front (news averages one per 200; few need a grow),
   * capped: a 100 MB line is one block, and a long text's blocks grow as usual */
  size_t guess = doc->len / 256 + 8;
  guess = guess < 4096 ? guess : 4096;
  if (kabar__grow((void **)&doc->blocks.v, &doc->blocks.cap, first + guess,
                  sizeof *doc->blocks.v) != 0)
    return KABAR_ENOMEM;
  line_walk walk;
  walk_start(&walk, doc);
  wrap_stats stats = {0, 0, 0, 0};
  line l, prev = {0, 0};
  for (uint32_t i = 0; next_line(&walk, &l); i++) {
    wrap_count(doc, &stats, i ? &prev : NULL, &l);
    if (l.start != l.end && push_block(doc, l.start, l.end, i + 1) != 0)
      return KABAR_ENOMEM;
    prev = l;
  }
  uint32_t width = wrap_width(&stats);
  if (width == 0)
    return KABAR_OK;
  doc->blocks.n = first;
  return wrapped_blocks(doc, width);
}
