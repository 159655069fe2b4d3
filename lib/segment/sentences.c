#include "segment.h"

#include <unicode/uchar.h>
#include <unicode/utext.h>

/* The code point before byte b (b > a), its start in *p. */
static int32_t cp_before(const char *text, uint32_t a, uint32_t b, uint32_t *p) {
  uint32_t q = b - 1;
  if ((unsigned char)text[q] < 0x80) {
    *p = q;
    return (unsigned char)text[q];
  }
  while (q > a && ((unsigned char)text[q] & 0xC0) == 0x80)
    q--;
  size_t len;
  *p = q;
  return kabar__utf8_decode((const unsigned char *)text + q, b - q, &len);
}

/* Characters that open a word's context: spaces, brackets and opening quotes. */
static int opens_word(int32_t cp) {
  if (cp < 0x80)
    return kabar__seg_space(cp) || cp == '(' || cp == '[' || cp == '"' || cp == '\'';
  return kabar__seg_space(cp) || cp == 0x201C || cp == 0x201E || cp == 0x2018 || cp == 0x201A ||
         cp == 0x00AB || cp == 0x2039;
}

/* ASCII opens_word. */
static int ascii_opens_word(unsigned char c) {
  return kabar__seg_space(c) || c == '(' || c == '[' || c == '"' || c == '\'';
}

/* One step of the word-start scan at w: 1 if text[w - 1] ends a character that opens a
 * word, else 0 with *w moved to that character's start. */
static int opener_before(const char *s, uint32_t a, uint32_t *w) {
  unsigned char c = (unsigned char)s[*w - 1];
  uint32_t p;
  if (c < 0x80 ? ascii_opens_word(c) : opens_word(cp_before(s, a, *w, &p)))
    return 1;
  *w = c < 0x80 ? *w - 1 : p;
  return 0;
}

uint32_t kabar__word_start_scalar(const char *s, uint32_t a, uint32_t b) {
  uint32_t w = b;
  while (w > a && !opener_before(s, a, &w))
    ;
  return w;
}

#if defined(__SSE2__)
/* Bytes that may open a word or end a character that does: those up to 0x28 (white space,
 * NUL, '"', '\'', '(' and some that do not), '[' and those from 0x80 up (their high bit). */
static __m128i word_openers(__m128i x) {
  __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x28)), x);
  return _mm_or_si128(_mm_or_si128(low, _mm_cmpeq_epi8(x, _mm_set1_epi8('['))), x);
}

/* Sixteen bytes at a time, from the 16 that end at w (bytes before a, which the text has,
 * are dropped from the mask): a word, under 16 bytes nearly always, is one step, so whether
 * a step holds a mark is predictable. The last mark gets the exact test. At the text's
 * first 16 bytes the scalar steps go on. */
uint32_t kabar__word_start(const char *s, uint32_t a, uint32_t b) {
  uint32_t w = b;
  while (w > a) {
    if (w < 16)
      return kabar__word_start_scalar(s, a, w);
    uint32_t lo = w - 16;
    unsigned m = kabar__stops16(s + lo, word_openers);
    if (a > lo)
      m &= 0xFFFFu << (a - lo);
    if (!m) {
      if (a >= lo)
        return a;
      w = lo;
      continue;
    }
    w = lo + 32 - (uint32_t)__builtin_clz(m); /* just after the last mark */
    if (opener_before(s, a, &w))
      break;
  }
  return w;
}
#else
/* Eight bytes at a time: bytes that may open a word or start one that does are those below
 * 0x29 (white space, NUL, '"', '\'', '(' and some that do not), '[' and bytes from 0x80 up.
 * (v - k * ones) & ~v & highs marks every byte below k (and maybe, by a borrow, a byte just
 * above a marked one: never one that is missed), so the bytes after the last mark are plain
 * and skipped; the marked one gets the exact test. */
uint32_t kabar__word_start(const char *s, uint32_t a, uint32_t b) {
#if KABAR_LITTLE_ENDIAN
  const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;
  uint32_t w = b;
  while (w > a) {
    if (w - a >= 8) {
      uint64_t x, y;
      memcpy(&x, s + w - 8, 8);
      y = x ^ ('[' * ones);
      uint64_t m = (((x - 0x29 * ones) & ~x) | ((y - ones) & ~y) | x) & highs;
      if (!m) {
        w -= 8;
        continue;
      }
      w -= (uint32_t)__builtin_clzll(m) / 8; /* the bytes above the last mark */
    }
    if (opener_before(s, a, &w))
      break;
  }
  return w;
#else
  return kabar__word_start_scalar(s, a, b);
#endif
}
#endif

#if KABAR_LITTLE_ENDIAN
/* The word's bytes 'A'-'Z' lower-cased, 8 at a time: a byte's low seven bits plus 0x3F
 * reach 0x80 iff they are 'A' or above, plus 0x25 iff above 'Z' (no carry leaves a byte);
 * bytes from 0x80 up are left alone. */
static uint64_t lower_ascii_word(uint64_t x) {
  const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;
  uint64_t low7 = x & ~highs;
  uint64_t upper = (low7 + (0x80 - 'A') * ones) & ~(low7 + (0x80 - 'Z' - 1) * ones) & ~x & highs;
  return x | (upper >> 2);
}
#endif

/* True when s[w, b) lower-cased ('A'-'Z' only) is in the abbreviation table. Words under 16
 * bytes are folded in registers and tried on the language's filter first (nearly no word is
 * an abbreviation); with 16 bytes of text before b (nearly always) they come from the 16
 * bytes that end at b, shifted by masks rather than by branches on the word's length (a coin
 * toss). Those the filter lets through are hashed as kabar__hash would hash them. */
static int is_abbreviation(const kabar_lang *lang, const char *s, uint32_t w, uint32_t b) {
  uint32_t n = b - w;
#if KABAR_LITTLE_ENDIAN
  if (n < 16) {
    uint64_t x[2] = {0, 0};
    if (b >= 16) {
      uint64_t lo, hi;
      memcpy(&lo, s + b - 16, 8);
      memcpy(&hi, s + b - 8, 8);
      /* the word is the top n bytes of hi:lo; r is the shift that brings it down, less 64
       * when it fits in hi (n <= 8) */
      unsigned r = 8 * (16 - n) % 64;
      uint64_t top = hi >> r, both = lo >> r | (hi << 1) << (63 - r);
      uint64_t two = 0 - (uint64_t)(n > 8); /* all ones when the word takes two words */
      x[0] = (both & two) | (top & ~two);
      x[1] = top & two;
    } else {
      memcpy(x, s + w, n); /* at the text's start */
    }
    x[0] = lower_ascii_word(x[0]);
    x[1] = lower_ascii_word(x[1]);
    uint32_t bit = kabar__abbrev_bit(x[0], x[1], n);
    if (!(lang->abbrev_filter[bit / 64] >> (bit % 64) & 1))
      return 0;
    uint64_t h = n < 8 ? kabar__hash_short(x[0], n) : kabar__hash_short2(x[0], x[1], n);
    char low[16];
    memcpy(low, x, sizeof low);
    return kabar__strtab_find_hashed(&lang->abbrevs, low, n, h) != KABAR_STRTAB_NONE;
  }
#endif
  char low[24];
  if (n > sizeof low)
    return 0;
  for (size_t i = 0; i < sizeof low && i < n; i++)
    low[i] = (char)(s[w + i] >= 'A' && s[w + i] <= 'Z' ? s[w + i] + 32 : s[w + i]);
  return kabar__strtab_find(&lang->abbrevs, low, n) != KABAR_STRTAB_NONE;
}

/* True when the sentence candidate [a, b) ends in an abbreviation or an initial ("J."), so
 * the break after it is not a sentence end. */
static int ends_in_abbreviation(const kabar_doc *doc, const kabar_lang *lang, uint32_t a,
                                uint32_t b) {
  const char *s = doc->text;
  uint32_t p;
  while (b > a && kabar__seg_space(cp_before(s, a, b, &p)))
    b = p;
  if (b == a || s[b - 1] != '.')
    return 0;
  uint32_t w = kabar__word_start(s, a, b);
  uint32_t n = b - w;
  /* an initial: a letter and its '.' (as one test: initials are rare) */
  if ((n == 2) & ((unsigned)(((unsigned char)s[w] | 0x20) - 'a') < 26))
    return 1;
  if (!lang || n > 24)
    return 0;
  return is_abbreviation(lang, s, w, b);
}

/* Index of the first cut ending after pos (cuts are sorted and do not overlap). */
static size_t first_cut_after(const kabar_doc *doc, uint32_t pos) {
  size_t lo = 0, hi = doc->cuts.n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (doc->cuts.v[mid].end <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The cut containing pos, or NULL. */
static const kabar_cut *cut_at(const kabar_doc *doc, uint32_t pos) {
  size_t i = first_cut_after(doc, pos);
  return i < doc->cuts.n && doc->cuts.v[i].start <= pos ? &doc->cuts.v[i] : NULL;
}

static int space_at(const char *text, uint32_t pos, uint32_t end, uint32_t *next) {
  if ((unsigned char)text[pos] < 0x80) {
    *next = pos + 1;
    return kabar__seg_space((unsigned char)text[pos]);
  }
  size_t len;
  int32_t cp = kabar__utf8_decode((const unsigned char *)text + pos, end - pos, &len);
  *next = pos + (uint32_t)len;
  return kabar__seg_space(cp);
}

/* Moves the sentence's edges out of cut spans and white space (any kind, NUL included);
 * empty if nothing is left. */
static void clip_sentence(const kabar_doc *doc, uint32_t *a, uint32_t *b) {
  uint32_t next, p;
  const kabar_cut *c;
  for (int changed = 1; changed && *a < *b;) {
    changed = 0;
    while (*a < *b && space_at(doc->text, *a, *b, &next))
      *a = next, changed = 1;
    if (*a < *b && (c = cut_at(doc, *a)) != NULL) {
      *a = c->end < *b ? c->end : *b;
      changed = 1;
    }
  }
  for (int changed = 1; changed && *a < *b;) {
    changed = 0;
    while (*b > *a && kabar__seg_space(cp_before(doc->text, *a, *b, &p)))
      *b = p, changed = 1;
    if (*b > *a && (c = cut_at(doc, *b - 1)) != NULL && c->start >= *a) {
      *b = c->start;
      changed = 1;
    }
  }
}

/* Adds the sentence [a, b) of block bi, clipped; cuts says whether the block has any (cuts
 * lie inside their block, so in a block without them none can touch the sentence). */
static kabar_status push_sentence(kabar_doc *doc, uint32_t a, uint32_t b, uint32_t bi,
                                  int cuts) {
  if (cuts)
    clip_sentence(doc, &a, &b);
  else
    kabar__seg_trim(doc->text, &a, &b); /* what clip_sentence does without cuts */
  if (a >= b)
    return KABAR_OK;
  kabar_sentence s = {a, b, bi};
  return KABAR_VEC_PUSH(doc->sentences, s) == 0 ? KABAR_OK : KABAR_ENOMEM;
}

/* ---- sentence boundaries ---------------------------------------------------------------
 * UAX #29 sentence rules (SB3-SB11, as ICU's root rules have them), over ICU's own
 * Sentence_Break property, without ICU's UText and rule machine. Line breaks inside a block
 * count as spaces (a block is one paragraph). kabar__sentences_force_icu runs ICU instead,
 * and a test holds both to the same boundaries. */

int kabar__sentences_force_icu;

enum { SB_NONE = -1 };

/* Sentence_Break of ASCII, from u_getIntPropertyValue; CR and LF read as Sp here. */
#define O U_SB_OTHER
#define AT U_SB_ATERM
#define CL U_SB_CLOSE
#define LO U_SB_LOWER
#define NU U_SB_NUMERIC
#define SP U_SB_SP
#define ST U_SB_STERM
#define UP U_SB_UPPER
#define SC U_SB_SCONTINUE
static const uint8_t sb_ascii[128] = {
    O,  O,  O,  O,  O,  O,  O,  O,  O,  SP, SP, SP, SP, SP, O,  O,
    O,  O,  O,  O,  O,  O,  O,  O,  O,  O,  O,  O,  O,  O,  O,  O,
    SP, ST, CL, O,  O,  O,  O,  CL, CL, CL, O,  O,  SC, SC, AT, O,
    NU, NU, NU, NU, NU, NU, NU, NU, NU, NU, SC, O,  O,  O,  O,  ST,
    O,  UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP,
    UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, CL, O,  CL, O,  O,
    O,  LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO,
    LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, CL, O,  CL, O,  O,
};
#undef O
#undef AT
#undef CL
#undef LO
#undef NU
#undef SP
#undef ST
#undef UP
#undef SC

static int sb_raw(const unsigned char *s, size_t p, size_t n, size_t *next) {
  if (s[p] < 0x80) {
    *next = p + 1;
    return sb_ascii[s[p]];
  }
  size_t len;
  int32_t cp = kabar__utf8_decode(s + p, n - p, &len);
  *next = p + len;
  int c = u_getIntPropertyValue(cp, UCHAR_SENTENCE_BREAK);
  return c == U_SB_CR || c == U_SB_LF ? U_SB_SP : c;
}

static int sb_at_slow(const unsigned char *s, size_t p, size_t n, size_t *next) {
  if (p >= n) {
    *next = n;
    return SB_NONE;
  }
  int c = sb_raw(s, p, n, next);
  if (*next >= n || s[*next] < 0x80) /* no Extend or Format is ASCII */
    return c == U_SB_EXTEND || c == U_SB_FORMAT ? U_SB_OTHER : c;
  if (c == U_SB_SEP)
    return c;
  if (c == U_SB_EXTEND || c == U_SB_FORMAT)
    c = U_SB_OTHER; /* a mark with nothing before it stands alone */
  size_t q;
  while (*next < n) {
    int e = sb_raw(s, *next, n, &q);
    if (e != U_SB_EXTEND && e != U_SB_FORMAT)
      break;
    *next = q;
  }
  return c;
}

/* Class at p with the Extend/Format characters after it (SB5); SB_NONE at the end. An ASCII
 * byte before another (or before the end) is its own unit: no Extend or Format is ASCII. */
static inline int sb_at(const unsigned char *s, size_t p, size_t n, size_t *next) {
  if (p + 1 < n ? (s[p] | s[p + 1]) < 0x80 : p < n && s[p] < 0x80) {
    *next = p + 1;
    return sb_ascii[s[p]];
  }
  if (p >= n) {
    *next = n;
    return SB_NONE;
  }
  return sb_at_slow(s, p, n, next);
}

static int is_saterm(int c) { return c == U_SB_ATERM || c == U_SB_STERM; }

/* SB8: after "ATerm Close* Sp*", no break if the first letter, terminator or separator
 * that follows is lower case. */
static int lower_follows(const unsigned char *s, size_t k, size_t n) {
  size_t next;
  for (; k < n; k = next) {
    int c = sb_at(s, k, n, &next);
    if (c == U_SB_OLETTER || c == U_SB_UPPER || c == U_SB_SEP || is_saterm(c))
      return 0;
    if (c == U_SB_LOWER)
      return 1;
  }
  return 0;
}

/* The run before kabar__sentence_stop holds only ASCII bytes other than the terminators '.',
 * '!' and '?'. No rule decides anything inside such a run: ASCII has no separator, Extend or
 * Format, so each byte is its own unit and only sets the class before the next one. News
 * text has about one terminator or non-ASCII byte per 50. This one goes eight bytes at a time. */
size_t kabar__sentence_stop_scalar(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    /* With every byte below 0x80, y - ones has a high bit set iff y has a zero byte (no
     * borrow crosses a non-zero byte), and x ^ c has one iff x holds byte c. */
    uint64_t hit =
        x | ((x ^ ('.' * ones)) - ones) | ((x ^ ('!' * ones)) - ones) | ((x ^ ('?' * ones)) - ones);
    if (hit & highs)
      break;
  }
  while (i < n && s[i] < 0x80 && s[i] != '.' && s[i] != '!' && s[i] != '?')
    i++;
  return i;
}

#if defined(__SSE2__)
/* The terminators, and bytes from 0x80 up (their high bit goes straight to the mask). */
static __m128i sentence_stops(__m128i x) {
  __m128i t = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')),
                           _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('!')),
                                        _mm_cmpeq_epi8(x, _mm_set1_epi8('?'))));
  return _mm_or_si128(t, x);
}

size_t kabar__sentence_stop(const char *s, size_t n) {
  return kabar__scan16((const unsigned char *)s, n, 'a', sentence_stops);
}
#else
size_t kabar__sentence_stop(const char *s, size_t n) { return kabar__sentence_stop_scalar(s, n); }
#endif

typedef KABAR_VEC(uint32_t) break_vec;

/* Where a block's boundaries go: each one ends a sentence unless it follows an
 * abbreviation; the fast rules hand them over as they find them, ICU's are collected. */
typedef struct sentence_sink {
  kabar_doc *doc;
  const kabar_lang *lang; /* abbreviations; NULL for none */
  uint32_t bi, base, end;  /* the block: index, start and end in the text */
  uint32_t start;          /* where the sentence being read starts */
  int cuts;                /* the block has cuts */
} sentence_sink;

/* The boundary at offset off of the block. */
static kabar_status sink_break(sentence_sink *k, uint32_t off) {
  uint32_t end = k->base + off;
  if (end < k->end && ends_in_abbreviation(k->doc, k->lang, k->start, end))
    return KABAR_OK;
  kabar_status st = push_sentence(k->doc, k->start, end, k->bi, k->cuts);
  k->start = end;
  return st;
}

/* The rules' walk over a block's text s[0, n): i is where it stands, prev the class of the
 * unit before i. */
typedef struct sb_walk {
  const unsigned char *s;
  size_t n, i;
  int prev;
} sb_walk;

/* The next sentence boundary (an end offset) from the walk's position on, or n when the
 * text ends first. */
static size_t next_sentence_break(sb_walk *w) {
  const unsigned char *s = w->s;
  size_t n = w->n, i = w->i, next, brk = n;
  int prev = w->prev;
  while (i < n) {
    size_t j = i + kabar__sentence_stop((const char *)s + i, n - i);
    if (j > i) {
      if (j < n && s[j] >= 0x80)
        j--; /* the last plain byte takes the Extend or Format after it, if any (SB5) */
      if (j > i)
        prev = sb_ascii[s[j - 1]];
      i = j;
      if (i == n)
        break;
    }
    int c = sb_at(s, i, n, &next);
    if (c == U_SB_SEP) { /* SB4 */
      prev = c;
      i = brk = next;
      break;
    }
    if (!is_saterm(c)) {
      prev = c;
      i = next;
      continue;
    }
    size_t k = next, q;
    int nc = sb_at(s, k, n, &q);
    if (c == U_SB_ATERM &&
        (nc == U_SB_NUMERIC || ((prev == U_SB_UPPER || prev == U_SB_LOWER) && nc == U_SB_UPPER))) {
      prev = c; /* SB6, SB7 */
      i = next;
      continue;
    }
    int last = c;
    while (nc == U_SB_CLOSE) /* SB9 */
      k = q, last = nc, nc = sb_at(s, k, n, &q);
    while (nc == U_SB_SP) /* SB10 */
      k = q, last = nc, nc = sb_at(s, k, n, &q);
    if (nc == U_SB_SCONTINUE || is_saterm(nc) || /* SB8a */
        (c == U_SB_ATERM && lower_follows(s, k, n))) { /* SB8 */
      prev = last;
      i = k;
      continue;
    }
    if (nc == U_SB_SEP)
      k = q; /* SB11: the separator ends the sentence */
    prev = nc == U_SB_SEP ? U_SB_SEP : last;
    i = k;
    if (k < n) {
      brk = k;
      break;
    }
  }
  w->i = i;
  w->prev = prev;
  return brk;
}

/* Sentence boundaries in s[0, n), the block's text (end offsets of each sentence; the last
 * is n), to the sink. A boundary at n before the end (a separator there) would be given
 * twice; the second would add nothing. */
static kabar_status fast_sentence_breaks(const unsigned char *s, size_t n, sentence_sink *out) {
  sb_walk w = {s, n, 0, SB_NONE};
  size_t brk;
  kabar_status st;
  do {
    brk = next_sentence_break(&w);
    st = sink_break(out, (uint32_t)brk);
  } while (st == KABAR_OK && brk < n);
  return st;
}

static int icu_sentence_breaks(kabar_doc *doc, const char *s, size_t n, break_vec *out) {
  kabar_status st = KABAR_OK;
  UBreakIterator *sb = kabar__doc_iterator(doc, 1, &st);
  if (!sb)
    return st == KABAR_ENOMEM ? -1 : -2;
  UErrorCode ec = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, s, (int64_t)n, &ec);
  ubrk_setUText(sb, &ut, &ec);
  int rc = U_FAILURE(ec) ? -2 : 0;
  if (rc == 0) {
    ubrk_first(sb);
    for (int32_t brk = ubrk_next(sb); brk != UBRK_DONE && rc == 0; brk = ubrk_next(sb))
      rc = KABAR_VEC_PUSH(*out, (uint32_t)brk);
  }
  utext_close(&ut);
  return rc;
}

/* ICU's boundaries for the block's text s[0, n), to the sink. */
static kabar_status icu_block_breaks(kabar_doc *doc, const char *s, size_t n,
                                     sentence_sink *out) {
  kabar_buf flat = {0};
  break_vec breaks = {0};
  int rc = 0;
  if (memchr(s, '\n', n) || memchr(s, '\r', n)) {
    /* ICU ends a sentence at every line break; a block is one paragraph */
    rc = kabar__buf_put(&flat, s, n);
    for (size_t i = 0; rc == 0 && i < n; i++)
      if (flat.p[i] == '\n' || flat.p[i] == '\r')
        flat.p[i] = ' ';
    s = flat.p;
  }
  if (rc == 0)
    rc = icu_sentence_breaks(doc, s, n, &breaks);
  kabar_status st = rc == 0 ? KABAR_OK : rc == -2 ? KABAR_EDEP : KABAR_ENOMEM;
  for (size_t k = 0; k < breaks.n && st == KABAR_OK; k++)
    st = sink_break(out, breaks.v[k]);
  kabar__buf_free(&flat);
  KABAR_VEC_FREE(breaks);
  return st;
}

static kabar_status block_sentences(kabar_doc *doc, uint32_t bi, int cuts) {
  const kabar_block *blk = &doc->blocks.v[bi];
  uint8_t li = blk->lang != KABAR_LANG_OTHER ? blk->lang : doc->lang;
  sentence_sink sink = {doc, li != KABAR_LANG_OTHER ? &doc->ctx->langs[li] : NULL,
                        bi, blk->start, blk->end, blk->start, cuts};
  const char *src = doc->text + blk->start;
  size_t n = blk->end - blk->start;
  kabar_status st = kabar__sentences_force_icu
                        ? icu_block_breaks(doc, src, n, &sink)
                        : fast_sentence_breaks((const unsigned char *)src, n, &sink);
  if (st == KABAR_OK && sink.start < blk->end) /* the rest, if the last break was not the end */
    st = sink_break(&sink, blk->end - blk->start);
  return st;
}

kabar_status kabar__segment_sentences(kabar_doc *doc) {
  /* room for one sentence per 64 bytes up front (news averages one per 110), capped as the
   * blocks' room is (a long text's sentences grow as usual) */
  size_t guess = doc->len / 64 + 8;
  guess = guess < 16384 ? guess : 16384;
  if (kabar__grow((void **)&doc->sentences.v, &doc->sentences.cap, guess,
                  sizeof *doc->sentences.v) != 0)
    return KABAR_ENOMEM;
  kabar_status rc = KABAR_OK;
  for (size_t i = 0, c = 0; i < doc->blocks.n && rc == KABAR_OK; i++) {
    while (c < doc->cuts.n && doc->cuts.v[c].block < i)
      c++;
    if (doc->blocks.v[i].kind != KABAR_BLOCK_BOILERPLATE)
      rc = block_sentences(doc, (uint32_t)i, c < doc->cuts.n && doc->cuts.v[c].block == i);
  }
  return rc;
}
