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

/* The first LF or CR of s[0, n), or n; 8 bytes a step: (y - ones) & ~y & highs marks the
 * first zero byte of y exactly (a borrow can mark only bytes after it), and y = x ^ c has
 * one where x holds c, so the lowest mark of the two is the first break. */
size_t kabar__line_break_scalar(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
#if KABAR_LITTLE_ENDIAN
  const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, lf, cr;
    memcpy(&x, s + i, 8);
    lf = x ^ ('\n' * ones);
    cr = x ^ ('\r' * ones);
    uint64_t m = (((lf - ones) & ~lf) | ((cr - ones) & ~cr)) & highs;
    if (m)
      return i + (size_t)__builtin_ctzll(m) / 8;
  }
#endif
  while (i < n && s[i] != '\n' && s[i] != '\r')
    i++;
  return i;
}

#if defined(__SSE2__)
static __m128i line_breaks(__m128i x) {
  return _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                      _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
}

/* Bit i set when s[i], i < 64, is LF or CR. */
static uint64_t line_breaks64(const unsigned char *s) {
  const __m128i *p = (const __m128i *)s;
  return (uint64_t)kabar__stops16(p, line_breaks) |
         (uint64_t)kabar__stops16(p + 1, line_breaks) << 16 |
         (uint64_t)kabar__stops16(p + 2, line_breaks) << 32 |
         (uint64_t)kabar__stops16(p + 3, line_breaks) << 48;
}

/* 64 bytes a step (lines average 200 bytes: the steps are most of the cost), each tested
 * for bytes up to CR (max(x, CR) == CR) with two operations per 16 bytes, and only a step
 * that has one (a line break, or now and then a tab) for the breaks themselves; the last
 * bytes by kabar__scan16. */
size_t kabar__line_break(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  const __m128i cr = _mm_set1_epi8('\r');
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m128i *p = (const __m128i *)(s + i);
    __m128i x0 = _mm_cmpeq_epi8(_mm_max_epu8(_mm_loadu_si128(p), cr), cr);
    __m128i x1 = _mm_cmpeq_epi8(_mm_max_epu8(_mm_loadu_si128(p + 1), cr), cr);
    __m128i x2 = _mm_cmpeq_epi8(_mm_max_epu8(_mm_loadu_si128(p + 2), cr), cr);
    __m128i x3 = _mm_cmpeq_epi8(_mm_max_epu8(_mm_loadu_si128(p + 3), cr), cr);
    if (!_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(x0, x1), _mm_or_si128(x2, x3))))
      continue;
    uint64_t m = line_breaks64(s + i);
    if (m)
      return i + (size_t)__builtin_ctzll(m);
  }
  return i + kabar__scan16(s + i, n - i, 'a', line_breaks);
}
#else
size_t kabar__line_break(const char *s, size_t n) { return kabar__line_break_scalar(s, n); }
#endif

/* A walk over the text's lines (breaks: LF, CR or CRLF), found by one scan for both kinds
 * (libc's memchr, one kind a call, takes fewer instructions but mispredicted about two
 * branches a call where this scan's loop exit is one). The first byte is tested before the scan: paragraphs end in a blank line, whose
 * break comes right after the one before. The text's end closes a last line only if
 * something follows the last break, or if the text is empty. */
typedef struct line_walk {
  const char *s;
  uint32_t n, next; /* next: where the line after the last one given starts */
  int done;
} line_walk;

static void walk_start(line_walk *w, const kabar_doc *doc) {
  w->s = doc->text;
  w->n = (uint32_t)doc->len;
  w->next = 0;
  w->done = 0;
}

/* The next line's content, trimmed, in *l; 0 after the last. */
static inline int next_line(line_walk *w, line *l) {
  uint32_t a = w->next, n = w->n;
  if (w->done || (a == n && n != 0))
    return 0;
  uint32_t i = a;
  if (i < n && w->s[i] != '\n' && w->s[i] != '\r')
    i += (uint32_t)kabar__line_break(w->s + a, n - a);
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
