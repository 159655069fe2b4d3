#include "segment.h"
#include "../text/text.h"

#include <stddef.h>
#include <unicode/utext.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Words up to this many bytes that are all ASCII are case-folded here; longer or non-ASCII
 * ones go through ICU's case folding. */
#define SMALL_WORD 64

enum { ASCII_HIGH = 0x80 };

/* Lower-cases the ASCII letters of 8 ASCII bytes at once: a byte is upper case when adding
 * 0x80 - 'A' sets its top bit and adding 0x80 - ('Z' + 1) does not (no byte carries, as
 * every byte is below 0x80). */
static uint64_t fold8(uint64_t w) {
  uint64_t ge_a = w + KABAR_BYTES8(0x80 - 'A'), gt_z = w + KABAR_BYTES8(0x80 - 'Z' - 1);
  return w | ((ge_a & ~gt_z & KABAR_BYTES8(ASCII_HIGH)) >> 2);
}

/* Case-folds s[0, n) into out (SMALL_WORD + 8 bytes) eight bytes at a time, reading only s's
 * own bytes, and sets *hash to the folded word's kabar__hash; 0 when s is too long or not all
 * ASCII. */
static int fold_small(const char *s, size_t n, char *out, uint64_t *hash) {
  const unsigned char *u = (const unsigned char *)s;
  if (n > SMALL_WORD)
    return 0;
  uint64_t w;
  if (n < 8) { /* most words: hashed from the register that holds them */
    w = kabar__load_short(u, n);
    if (w & KABAR_BYTES8(ASCII_HIGH))
      return 0;
    w = fold8(w);
    memcpy(out, &w, 8);
    *hash = KABAR_LITTLE_ENDIAN ? kabar__hash_short(w, n) : kabar__hash(out, n, 0);
    return 1;
  }
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    memcpy(&w, u + i, 8);
    if (w & KABAR_BYTES8(ASCII_HIGH))
      return 0;
    w = fold8(w);
    memcpy(out + i, &w, 8);
  }
  if (i < n) { /* the last 8 bytes again, overlapping what is done */
    memcpy(&w, u + n - 8, 8);
    if (w & KABAR_BYTES8(ASCII_HIGH))
      return 0;
    w = fold8(w);
    memcpy(out + n - 8, &w, 8);
  }
  *hash = kabar__hash(out, n, 0);
  return 1;
}

/* Case-folds one token into doc->types. */
static uint32_t intern_type(kabar_doc *doc, const char *s, size_t n, kabar_buf *scratch) {
  char small[SMALL_WORD + 8];
  uint64_t h;
  if (fold_small(s, n, small, &h))
    return kabar__strtab_intern_hashed(&doc->types, small, n, h);
  scratch->len = 0;
  kabar_status rc = kabar__normalize(doc->ctx, s, n, scratch, NULL, 0);
  if (rc != KABAR_OK)
    return KABAR_STRTAB_NONE;
  return kabar__strtab_intern(&doc->types, scratch->p ? scratch->p : "", scratch->len);
}

/* ---- fast path ------------------------------------------------------------------------
 * Most news paragraphs hold only Latin letters, digits, spaces and common punctuation. For
 * those, UAX #29 word boundaries reduce to a few rules (WB5-WB13b), applied here without
 * ICU's UText and state machine. Any other code point sends the block to ICU. */

/* The classes that are no part of a word come first: after a letter, a class up to WB_MIDNUM
 * ends the word; between words, one up to WB_MIDNUMLETQ is skipped. */
typedef enum wb_class {
  WB_OTHER,     /* breaks on both sides, not part of a word */
  WB_MIDNUM,    /* ',' ';' */
  WB_MIDNUMLETQ,/* '.' '\'' U+2018 U+2019 */
  WB_LETTER,    /* ALetter */
  WB_NUMERIC,
  WB_EXTNUMLET, /* '_' */
  WB_MIDLETTER, /* none in ASCII under ICU's root rules */
  WB_UNKNOWN    /* outside the fast path */
} wb_class;

/* Word-break classes of ASCII as ICU's root rules have them ('@' is a letter there, ':' is
 * not MidLetter); controls other than white space go to ICU. Bytes from 0x80 up are
 * WB_UNKNOWN here: their code points are decoded and classified by wb_classify. */
#define O WB_OTHER
#define L WB_LETTER
#define N WB_NUMERIC
#define E WB_EXTNUMLET
#define ML WB_MIDLETTER
#define MN WB_MIDNUM
#define Q WB_MIDNUMLETQ
#define U WB_UNKNOWN
static const uint8_t wb_byte[256] = {
    U, U, U, U, U, U, U, U, U, O, O, O, O, O, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    O, O, O, O, O, O, O, Q, O, O, O, O, MN, O, Q, O,
    N, N, N, N, N, N, N, N, N, N, O, MN, O, O, O, O,
    L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, O, O, O, O, E,
    O, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, O, O, O, O, O,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
};
#undef O
#undef L
#undef N
#undef E
#undef ML
#undef MN
#undef Q
#undef U

static wb_class wb_classify(int32_t cp) {
  if (cp < 0x80)
    return (wb_class)wb_byte[cp];
  if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7))
    return WB_LETTER;
  switch (cp) {
  case 0x2018: case 0x2019:
    return WB_MIDNUMLETQ;
  case 0x00AA: case 0x00B5: case 0x00BA: /* ª µ º */
    return WB_LETTER;
  case 0x00A0: case 0x201C: case 0x201D: case 0x201E: case 0x00AB: case 0x00BB: case 0x2013:
  case 0x2014: case 0x2026: case 0x2022: case 0x00B0: case 0x00A9: case 0x00AE: case 0x2122:
  case 0x20AC: case 0x00A3: case 0x00A7: case 0x00B4: case 0x2032: case 0x2033:
  /* × ÷ ² ³ ¹ ZWSP */
  case 0x00D7: case 0x00F7: case 0x00B2: case 0x00B3: case 0x00B9: case 0x200B:
    return WB_OTHER;
  default:
    return WB_UNKNOWN;
  }
}

static int wb_is_word(wb_class c) {
  return c == WB_LETTER || c == WB_NUMERIC || c == WB_EXTNUMLET;
}

static wb_class class_at_multibyte(const unsigned char *s, uint32_t p, uint32_t end,
                                   uint32_t *next) {
  size_t len;
  int32_t cp = kabar__utf8_decode(s + p, end - p, &len);
  *next = p + (uint32_t)len;
  return wb_classify(cp);
}

/* Class of the code point at p (p < end); *next gets the offset after it. */
static inline wb_class class_at(const unsigned char *s, uint32_t p, uint32_t end, uint32_t *next) {
  if (s[p] < 0x80) {
    *next = p + 1;
    return (wb_class)wb_byte[s[p]];
  }
  return class_at_multibyte(s, p, end, next);
}

#if KABAR_LITTLE_ENDIAN && (defined(__GNUC__) || defined(__clang__))
#define WORD_AT_A_TIME 1
#else
#define WORD_AT_A_TIME 0
#endif

/* The high bit of each byte of w that is not A-Z or a-z: a byte is a letter when, lower-cased
 * (| 0x20) and without its top bit, it lies in 'a'..'z' (the sums carry into no other byte)
 * and its top bit is clear. '@', a letter for ICU, is not one here. */
static inline uint64_t non_letters(uint64_t w) {
  uint64_t v = (w | KABAR_BYTES8(0x20)) & KABAR_BYTES8(0x7F);
  uint64_t ge_a = v + KABAR_BYTES8(0x80 - 'a'), gt_z = v + KABAR_BYTES8(0x80 - 'z' - 1);
  return ~(ge_a & ~gt_z & ~w) & KABAR_BYTES8(ASCII_HIGH);
}

/* Bit i set when s[i], i < 16, is an ASCII letter A-Z or a-z. Little-endian targets take two
 * 8-byte words: each word's letter bits (the top bit of each byte) gathered into one byte by
 * a multiply, byte k's bit landing on bit 56 + k (no two products meet, so nothing carries). */
uint32_t kabar__letters16_scalar(const unsigned char *s) {
#if KABAR_LITTLE_ENDIAN
  uint64_t w0, w1;
  memcpy(&w0, s, 8);
  memcpy(&w1, s + 8, 8);
  const uint64_t gather = 0x0102040810204080ULL;
  uint64_t l0 = (~non_letters(w0) & KABAR_BYTES8(ASCII_HIGH)) >> 7;
  uint64_t l1 = (~non_letters(w1) & KABAR_BYTES8(ASCII_HIGH)) >> 7;
  return (uint32_t)((l0 * gather) >> 56 | ((l1 * gather) >> 56) << 8);
#else
  uint32_t bits = 0;
  for (unsigned i = 0; i < 16; i++)
    bits |= (uint32_t)(((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')) << i;
  return bits;
#endif
}

#if defined(__SSE2__)
/* The same with SSE2: (byte | 0x20) + 0x1F takes 'a'-'z', and only the bytes that fold to
 * them, to 0x80-0x99, the smallest signed bytes. */
static inline uint32_t letters16(const unsigned char *s) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
  __m128i x = _mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x1F));
  return (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8((char)(0x80 + 26))));
}
#else
#define letters16 kabar__letters16_scalar
#endif

uint32_t kabar__letters16(const unsigned char *s) { return letters16(s); }

/* The end of the run of ASCII letters (wb_byte's WB_LETTER) that starts at q < end. */
static inline uint32_t letters_end(const unsigned char *s, uint32_t q, uint32_t end) {
#if WORD_AT_A_TIME
  /* eight bytes at a time; '@' ends such a step, and the byte loop below, or the caller's
   * next run, takes it */
  while (end - q >= 8) {
    uint64_t w;
    memcpy(&w, s + q, 8);
    uint64_t other = non_letters(w);
    if (other)
      return q + (uint32_t)(__builtin_ctzll(other) >> 3);
    q += 8;
  }
#endif
  while (q < end && wb_byte[s[q]] == WB_LETTER)
    q++;
  return q;
}

/* The type of the word [a, b). Words of fewer than 16 ASCII bytes, nearly all, are folded,
 * hashed and interned from registers. A word with 8 bytes of text from its start is loaded
 * as a whole word and the bytes after it masked off; only the text's last bytes take
 * kabar__load_short's smaller loads. */
static inline uint32_t word_type(kabar_doc *doc, uint32_t a, uint32_t b, kabar_buf *scratch) {
  const char *s = doc->text + a;
  uint32_t n = b - a;
#if KABAR_LITTLE_ENDIAN
  if (n < 8) {
    uint64_t w;
    if (doc->len - a >= 8) {
      memcpy(&w, s, 8);
      w &= kabar__low_bytes(n);
    } else {
      w = kabar__load_short(s, n);
    }
    if (!(w & KABAR_BYTES8(ASCII_HIGH))) {
      w = fold8(w);
      return kabar__strtab_intern_short(&doc->types, w, n, kabar__hash_short(w, n));
    }
  } else if (n < 16) {
    uint64_t w0, w1;
    memcpy(&w0, s, 8);
    if (doc->len - a >= 16) {
      memcpy(&w1, s + 8, 8);
      w1 &= kabar__low_bytes(n - 8);
    } else {
      w1 = kabar__load_short(s + 8, n - 8);
    }
    if (!((w0 | w1) & KABAR_BYTES8(ASCII_HIGH))) {
      w0 = fold8(w0);
      w1 = fold8(w1);
      return kabar__strtab_intern_short2(&doc->types, w0, w1, n, kabar__hash_short2(w0, w1, n));
    }
  }
#endif
  return intern_type(doc, s, n, scratch);
}

/* Reduplication ("anak-anak", "perusahaan-perusahaan", "berlari-lari") is one word: does the
 * word at b of type b_type repeat the token before it in its block, `last`? */
static int is_reduplication(const kabar_doc *doc, const kabar_token *last, uint32_t b,
                            uint32_t b_type) {
  if (b != last->end + 1 || doc->text[last->end] != '-')
    return 0;
  if (last->type == b_type)
    return 1;
  uint32_t la = kabar__strtab_len(&doc->types, last->type);
  uint32_t lb = kabar__strtab_len(&doc->types, b_type);
  const char *sa = kabar__strtab_str(&doc->types, last->type);
  const char *sb = kabar__strtab_str(&doc->types, b_type);
  return lb >= 3 && la > lb && memcmp(sa + la - lb, sb, lb) == 0;
}

/* Where a block's tokens go: doc->tokens.v[first, n). The fast path keeps this in locals
 * and sets doc->tokens.n when the block is done: a token's byte-sized flags may alias any
 * of the doc's fields, so storing a token through the doc makes the compiler reload them
 * for every word. */
typedef struct tok_out {
  kabar_token *v;
  size_t first, n, cap;
  uint32_t block, block_start;
} tok_out;

#if defined(__GNUC__) || defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* Room for out's next token (out->n == out->cap); 0 or -1 (no memory). */
NOINLINE static int tok_room(kabar_doc *doc, tok_out *out) {
  doc->tokens.n = out->n;
  if (kabar__grow((void **)&doc->tokens.v, &doc->tokens.cap, out->n + 1, sizeof *doc->tokens.v))
    return -1;
  out->v = doc->tokens.v;
  out->cap = doc->tokens.cap;
  return 0;
}

#if KABAR_LITTLE_ENDIAN
/* A token of no flags but its block and type, from its span = end << 32 | start: 8-byte
 * stores of the span and of term and flags with the padding after them. */
static inline void put_span(kabar_token *t, uint64_t span) {
  const uint64_t rest = 0;
  memcpy((char *)t + offsetof(kabar_token, start), &span, 8);
  memcpy((char *)t + offsetof(kabar_token, term), &rest, 8);
}
#endif

static inline void put_token(kabar_token *t, uint32_t a, uint32_t b, uint32_t block,
                             uint32_t type, uint8_t flags) {
#if KABAR_LITTLE_ENDIAN
  /* the fields as three 8-byte words: compilers otherwise pack the four 32-bit fields into
   * one vector store, which takes more instructions than it saves */
  uint64_t id = (uint64_t)type << 32 | block;
  put_span(t, (uint64_t)b << 32 | a);
  memcpy((char *)t + offsetof(kabar_token, block), &id, 8);
  t->flags = flags;
#else
  t->start = a;
  t->end = b;
  t->block = block;
  t->type = type;
  t->term = 0;
  t->flags = flags;
#endif
}
#if KABAR_LITTLE_ENDIAN
_Static_assert(offsetof(kabar_token, end) == offsetof(kabar_token, start) + 4 &&
                   offsetof(kabar_token, type) == offsetof(kabar_token, block) + 4 &&
                   offsetof(kabar_token, flags) == offsetof(kabar_token, term) + 4 &&
                   offsetof(kabar_token, term) + 8 <= sizeof(kabar_token),
               "put_token stores the token as three words");
#endif

/* Appends the token [a, b) of type `type`, or extends the last one when the two spell a
 * reduplication; 0 or -1 (no memory). */
static inline int add_token(kabar_doc *doc, tok_out *out, const char *text, uint32_t a, uint32_t b,
                            uint8_t flags, uint32_t type) {
  /* most words follow a space: the byte before a word decides before the tokens are read */
  if (a > out->block_start && text[a - 1] == '-' && out->n > out->first &&
      is_reduplication(doc, &out->v[out->n - 1], a, type)) {
    out->v[out->n - 1].end = b;
    return 0;
  }
  if (out->n == out->cap && tok_room(doc, out) != 0)
    return -1;
  put_token(&out->v[out->n++], a, b, out->block, type, flags);
  return 0;
}

static tok_out tok_out_start(const kabar_doc *doc, uint32_t bi) {
  tok_out out = {.v = doc->tokens.v, .first = doc->tokens.n, .n = doc->tokens.n};
  out.cap = doc->tokens.cap;
  out.block = bi;
  out.block_start = doc->blocks.v[bi].start;
  return out;
}

#if WORD_AT_A_TIME
/* The type of the word of 0 < n < 16 ASCII letters at s, with 16 bytes readable from s:
 * folded (| 0x20 lower-cases a letter), hashed and interned into `types` from the one or two
 * words it is loaded in; KABAR_STRTAB_NONE when out of memory. */
static inline uint32_t plain_type(kabar_strtab *types, const unsigned char *s, uint32_t n) {
  uint64_t w0, w1;
  memcpy(&w0, s, 8);
  w0 |= KABAR_BYTES8(0x20);
  if (n < 8) {
    w0 &= kabar__low_bytes(n);
    return kabar__strtab_intern_pair(types, w0, 0, n, kabar__hash_short(w0, n));
  }
  memcpy(&w1, s + 8, 8);
  w1 = (w1 | KABAR_BYTES8(0x20)) & kabar__low_bytes(n - 8);
  return kabar__strtab_intern_pair(types, w0, w1, n, kabar__hash_short2(w0, w1, n));
}

#define NO_MEMORY UINT32_MAX

/* The most tokens plain_words stores between two passes of interning. */
#define PLAIN_BATCH 64

/* Most words are under 16 ASCII letters followed by a space or punctuation. Finds such words
 * from *p while 16 bytes of the text remain, up to max, and stores their spans in t[0, max)
 * (their ids are plain_words' to store). A word is the run of letter bits from *p, ended by
 * a space or punctuation (or '.' or '\'' before no letter), and most often the next starts
 * at the bit after that byte. Returns how many it stored; *p is then where the first other
 * word or byte starts, or the word after the last. Stops before a word right after the last
 * and a '-' (a reduplication, maybe), with *dash set. */
static inline uint32_t find_plain_words(const kabar_doc *doc, uint32_t *pp, uint32_t end,
                                        kabar_token *t, uint32_t max, int *dash) {
  const unsigned char *s = (const unsigned char *)doc->text;
  uint32_t p = *pp;
  kabar_token *w = t, *const last = t + max;
  *dash = 0;
  while (w < last) {
    uint32_t letters;
    if (p + 16 <= end) {
      letters = letters16(s + p);
    } else { /* the block's last bytes: those after it count as letters */
      uint32_t room = end - p;
      if (room == 0 || doc->len - p < 16)
        break;
      letters = letters16(s + p) | (0xFFFFu << room & 0xFFFFu);
    }
    uint32_t k = (uint32_t)__builtin_ctz(~letters); /* ~letters has bit 16 set */
    if (k - 1 >= 15) /* no letter at p, or 16 or more, or up to the block's end */
      break;
    uint32_t e = p + k;
    unsigned char c = s[e];
    wb_class stop = (wb_class)wb_byte[c];
    if (stop > WB_MIDNUM) { /* '.' and '\'' end the word unless a letter follows */
      if (stop != WB_MIDNUMLETQ)
        break;
      wb_class after = e + 1 < end ? (wb_class)wb_byte[s[e + 1]] : WB_OTHER;
      if (after == WB_LETTER || after == WB_UNKNOWN)
        break;
    }
    put_span(w++, (uint64_t)e << 32 | p);
    p = e + 1;
    if (letters >> (k + 1) & 1) {
      if (c == '-') {
        *dash = 1;
        break;
      }
    } else { /* more than one byte between the words: skip those that join none */
      while (p < end && wb_byte[s[p]] <= WB_MIDNUMLETQ)
        p++;
      if (c == '-' && p == e + 1 && p < end) { /* a word of 15 letters: the bits end at c */
        *dash = 1;
        break;
      }
    }
  }
  *pp = p;
  return (uint32_t)(w - t);
}

/* Tokenizes the plain words (find_plain_words') from p, a letter. Returns where the first
 * other word or byte starts (p itself when the word at p is not plain), or NO_MEMORY. The
 * words are found in batches and then interned, each loop with its state in registers; a
 * word after a '-' is a batch of its own, as it may extend the token before it. Its own
 * function, with the block's tokens in locals: out's fields, which a store into the table's
 * strings may alias, are read and written once. */
NOINLINE static uint32_t plain_words(kabar_doc *doc, tok_out *out, uint32_t p, uint32_t end) {
  const unsigned char *s = (const unsigned char *)doc->text;
  kabar_token *t = out->v + out->n;
  size_t room = out->cap - out->n;
  const uint64_t block = out->block;
  /* the first word may follow a token of the block and a '-' */
  int dash = out->n > out->first && s[p - 1] == '-';
  for (;;) {
    if (room == 0) {
      out->n = (size_t)(t - out->v);
      if (tok_room(doc, out) != 0)
        return NO_MEMORY;
      t = out->v + out->n;
      room = out->cap - out->n;
    }
    uint32_t max = dash ? 1 : room < PLAIN_BATCH ? (uint32_t)room : PLAIN_BATCH;
    int next_dash;
    uint32_t n = find_plain_words(doc, &p, end, t, max, &next_dash);
    for (kabar_token *w = t; w < t + n; w++) {
      uint32_t a = w->start, type = plain_type(&doc->types, s + a, w->end - a);
      if (type == KABAR_STRTAB_NONE) {
        out->n = (size_t)(t - out->v);
        return NO_MEMORY;
      }
      uint64_t id = (uint64_t)type << 32 | block;
      memcpy((char *)w + offsetof(kabar_token, block), &id, 8);
    }
    if (dash && n == 1 && is_reduplication(doc, t - 1, t->start, t->type)) {
      t[-1].end = t->end;
      n = 0;
    }
    t += n;
    room -= n;
    if (!next_dash && n < max)
      break;
    dash = next_dash;
  }
  out->n = (size_t)(t - out->v);
  return p;
}
#endif

/* Returned by word_end when the word runs into a code point outside the fast path. */
#define NEEDS_ICU UINT32_MAX

/* The end of the word whose last code point so far is of class prev (a word class) and
 * continues at q, after WB5-WB13b; NEEDS_ICU when a code point on the way is outside the fast
 * path. *number is the word's number status so far, and then at its end: ICU's rule status
 * follows the last letter or digit; one '_' after a digit keeps the number status, a second
 * makes it a word ("1_" is a number, "1__" a word). Two code points of look-ahead. */
static uint32_t word_end(const unsigned char *s, uint32_t q, uint32_t end, wb_class prev,
                         int *number) {
  int num = *number;
  while (q < end) {
    /* ASCII letters and digits, most of a word's bytes, need no look-ahead */
    wb_class fc = (wb_class)wb_byte[s[q]];
    if (fc == WB_LETTER) { /* a run of one class: the status is the class's */
      q = letters_end(s, q + 1, end);
      num = 0;
      prev = fc;
      continue;
    }
    if (fc == WB_NUMERIC) {
      do
        q++;
      while (q < end && wb_byte[s[q]] == WB_NUMERIC);
      num = 1;
      prev = fc;
      continue;
    }
    if (fc == WB_OTHER) /* a space or punctuation: no rule joins a word across it */
      break;
    uint32_t q1, q2;
    wb_class nc = class_at(s, q, end, &q1);
    if (nc == WB_UNKNOWN)
      return NEEDS_ICU;
    if (wb_is_word(nc)) { /* WB5, WB8-WB10, WB13a/b */
      num = nc == WB_NUMERIC || (nc == WB_EXTNUMLET && prev != WB_EXTNUMLET && num);
      prev = nc;
      q = q1;
      continue;
    }
    if (q1 >= end)
      break;
    wb_class after = class_at(s, q1, end, &q2);
    if (after == WB_UNKNOWN)
      return NEEDS_ICU;
    int mid_letter = (nc == WB_MIDLETTER || nc == WB_MIDNUMLETQ) && prev == WB_LETTER &&
                     after == WB_LETTER; /* WB6/7 */
    int mid_num = (nc == WB_MIDNUM || nc == WB_MIDNUMLETQ) && prev == WB_NUMERIC &&
                  after == WB_NUMERIC; /* WB11/12 */
    if (!mid_letter && !mid_num)
      break;
    num = after == WB_NUMERIC;
    prev = after;
    q = q2;
  }
  *number = num;
  return q;
}

/* Tokenizes the block without ICU; returns 0, 1 when the block needs ICU, -1 on no memory.
 * Most words are a run of ASCII letters followed by a space or punctuation (or the block's
 * end): the loop finds those with one table load for the first byte, the run's 8-byte steps
 * and one load for the byte after, and hands every other word to word_end. Kept small so the
 * common path holds its state in registers. */
static int fast_block_tokens(kabar_doc *doc, uint32_t bi, kabar_buf *scratch) {
  const kabar_block *blk = &doc->blocks.v[bi];
  const unsigned char *s = (const unsigned char *)doc->text;
  const uint32_t end = blk->end;
  tok_out out = tok_out_start(doc, bi);
  int rc = 0;
  uint32_t walked = UINT32_MAX; /* where plain_words stopped: no plain word starts there */
  for (uint32_t p = blk->start; p < end;) {
    wb_class c = (wb_class)wb_byte[s[p]];
    if (c == WB_OTHER) {
      p++;
      continue;
    }
    uint32_t start = p, q, type;
    int number = 0;
    if (c == WB_LETTER) {
#if WORD_AT_A_TIME
      if (p != walked && (q = plain_words(doc, &out, p, end)) != p) {
        if (q == NO_MEMORY) {
          rc = -1;
          break;
        }
        p = walked = q;
        continue;
      }
#endif
      q = letters_end(s, p + 1, end);
      if (q < end && wb_byte[s[q]] != WB_OTHER)
        q = word_end(s, q, end, WB_LETTER, &number);
    } else {
      uint32_t next;
      c = class_at(s, p, end, &next); /* a byte from 0x80 up starts a longer code point */
      if (c == WB_UNKNOWN) {
        rc = 1; /* the caller drops this block's tokens and asks ICU */
        break;
      }
      if (!wb_is_word(c)) {
        p = next;
        continue;
      }
      number = c == WB_NUMERIC;
      q = word_end(s, next, end, c, &number);
      /* a lone '_' is no word for ICU, though "__" is */
      if (c == WB_EXTNUMLET && q == next) {
        p = q < end && wb_byte[s[q]] == WB_OTHER ? q + 1 : q;
        continue;
      }
    }
    if (q == NEEDS_ICU) {
      rc = 1;
      break;
    }
    type = word_type(doc, start, q, scratch);
    if (type == KABAR_STRTAB_NONE ||
        add_token(doc, &out, (const char *)s, start, q, number ? KABAR_TOK_NUMBER : 0, type)) {
      rc = -1;
      break;
    }
    /* the byte after a word is most often a space, which is no part of the next */
    p = q < end && wb_byte[s[q]] == WB_OTHER ? q + 1 : q;
  }
  doc->tokens.n = out.n;
  return rc;
}

/* Test hook: 1 sends every block to ICU, so tests can compare both paths. */
int kabar__tokens_force_icu;

static kabar_status icu_block_tokens(kabar_doc *doc, uint32_t bi, kabar_buf *scratch) {
  kabar_block *blk = &doc->blocks.v[bi];
  kabar_status rc = KABAR_OK;
  UBreakIterator *wb = kabar__doc_iterator(doc, 0, &rc);
  if (!wb)
    return rc;
  UErrorCode ec = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, doc->text + blk->start, (int64_t)(blk->end - blk->start), &ec);
  ubrk_setUText(wb, &ut, &ec);
  if (U_FAILURE(ec)) {
    utext_close(&ut);
    return KABAR_EDEP;
  }
  tok_out out = tok_out_start(doc, bi);
  int32_t prev = ubrk_first(wb);
  for (int32_t next = ubrk_next(wb); next != UBRK_DONE; prev = next, next = ubrk_next(wb)) {
    int32_t status = ubrk_getRuleStatus(wb);
    if (status < UBRK_WORD_NONE_LIMIT)
      continue;
    uint32_t a = blk->start + (uint32_t)prev, b = blk->start + (uint32_t)next;
    uint32_t type = intern_type(doc, doc->text + a, b - a, scratch);
    if (type == KABAR_STRTAB_NONE ||
        add_token(doc, &out, doc->text, a, b,
                  status < UBRK_WORD_NUMBER_LIMIT ? KABAR_TOK_NUMBER : 0, type) != 0) {
      rc = KABAR_ENOMEM;
      break;
    }
  }
  doc->tokens.n = out.n;
  utext_close(&ut);
  return rc;
}

static kabar_status block_tokens(kabar_doc *doc, uint32_t bi, kabar_buf *scratch) {
  kabar_block *blk = &doc->blocks.v[bi];
  blk->tok_first = (uint32_t)doc->tokens.n;
  int fast = kabar__tokens_force_icu ? 1 : fast_block_tokens(doc, bi, scratch);
  kabar_status rc = fast < 0 ? KABAR_ENOMEM : KABAR_OK;
  if (fast == 1) {
    doc->tokens.n = blk->tok_first;
    rc = icu_block_tokens(doc, bi, scratch);
  }
  blk->tok_end = (uint32_t)doc->tokens.n;
  return rc;
}

/* News text has a token per 7 bytes and a new type per 11 (at least 6 and 7 in IndoSum), the
 * types' bytes about two thirds of the text's: room for that up front saves the rehashes and
 * reallocations of growing from empty. The tokens get room for the most, the types for the
 * usual: their buckets are zeroed per document, and one rehash in the few documents with
 * more types costs less than zeroing twice the buckets in all. Capped, as a long text repeats
 * its words; past the caps the vectors grow as usual. */
/* Buckets per type reserved: plain_type's intern takes a bucket's chain only when the
 * bucket's first string is another, which a sparse table makes rare. */
#define TYPE_BUCKETS 8
static kabar_status reserve_tokens(kabar_doc *doc) {
  size_t bytes = 0;
  for (size_t i = 0; i < doc->blocks.n; i++)
    bytes += doc->blocks.v[i].end - doc->blocks.v[i].start;
  size_t tokens = bytes / 6 + 16, types = bytes / 11 + 16, chars = bytes - bytes / 4;
  tokens = tokens < ((size_t)1 << 16) ? tokens : ((size_t)1 << 16);
  types = types < ((size_t)1 << 14) ? types : ((size_t)1 << 14);
  chars = chars < ((size_t)1 << 17) ? chars : ((size_t)1 << 17);
  if (kabar__grow((void **)&doc->tokens.v, &doc->tokens.cap, tokens, sizeof *doc->tokens.v) != 0 ||
      kabar__strtab_spread(&doc->types, types, TYPE_BUCKETS) != 0 ||
      kabar__strtab_reserve(&doc->types, types, chars) != 0)
    return KABAR_ENOMEM;
  return KABAR_OK;
}

kabar_status kabar__segment_tokens(kabar_doc *doc) {
  kabar_buf scratch = {0};
  kabar_status rc = reserve_tokens(doc);
  for (size_t i = 0; i < doc->blocks.n && rc == KABAR_OK; i++)
    rc = block_tokens(doc, (uint32_t)i, &scratch);
  kabar__buf_free(&scratch);
  return rc;
}
