#include "clean.h"
#include "../text/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef enum rule_action {
  RULE_BLOCK,
  RULE_CUT,
  RULE_CUT_TAIL,
  RULE_DATELINE,
  RULE_ACTIONS
} rule_action;

/* cut-tail rules end in $ and see only this many bytes at the end of a block, so a long
 * paragraph is not scanned from its start for a tail that can only be near its end. */
#define TAIL_WINDOW 600

/* Opening strings (strings_of): at most this many, of at most this many bytes. */
#define OPEN_STRINGS 8
#define OPEN_STRING_MAX 8
/* opens_with_string compares this many without a branch on how many a rule has */
#define STRING_SLOTS 4
_Static_assert(OPEN_STRING_MAX == sizeof(uint64_t), "an opening string fits a word");

/* A set of byte values. */
typedef struct byte_set {
  uint64_t w[4];
} byte_set;

static void set_add(byte_set *set, unsigned c) { set->w[c >> 6] |= (uint64_t)1 << (c & 63); }

static int set_has(const byte_set *set, unsigned c) {
  return (int)((set->w[c >> 6] >> (c & 63)) & 1);
}

/* A block's bytes for the filters, folded into 64 classes (bit k: a byte of class k may be
 * in the block): holding every byte value costs far more per block than the few tests that
 * use them gain. Class 63 is the bytes every paragraph holds anyway (small ASCII letters,
 * digits, the space) and the control characters, no rule's rare byte: it is always in a
 * block's mask, and a filter's set that holds one of them always passes. The other bytes
 * that rules look for get a class each: capitals 0-25, ASCII punctuation 26-57; the lead
 * bytes C2 (©, no-break space) and E2 (dashes, curly quotes) 58 and 59, A0 (the no-break
 * space's second byte, frequent in scraped text) 60, the other continuation bytes 80-9F 61,
 * and all other bytes from 0x80 up 62. A coarser class only lets more blocks through. */
#define COMMON_CLASS 63
static const uint8_t byte_class[256] = {
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, /* controls */
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    63, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, /* space ! ... / */
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 41, 42, 43, 44, 45, 46, /* 0-9 : ... ? */
    47, 0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, /* @ A-O */
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 48, 49, 50, 51, 52, /* P-Z [ \ ] ^ _ */
    53, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, /* ` a-o */
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 54, 55, 56, 57, 63, /* p-z { | } ~ DEL */
    61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, /* 80-9F */
    61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61,
    60, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, /* A0-BF */
    62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62,
    62, 62, 58, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, /* C0-DF */
    62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62,
    62, 62, 59, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, /* E0-FF */
    62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62};

static uint64_t class_bit(unsigned char c) { return (uint64_t)1 << byte_class[c]; }

/* The classes of a set's bytes. */
static uint64_t classes_of(const byte_set *set) {
  uint64_t m = 0;
  for (unsigned w = 0; w < 4; w++)
    for (uint64_t b = set->w[w]; b; b &= b - 1)
      m |= class_bit((unsigned char)(w * 64 + (unsigned)__builtin_ctzll(b)));
  return m;
}

/* Bytes the SSE2 scan does not look up: those of class 63 that are common in text. */
static inline int is_common_byte(unsigned char c) {
  return (unsigned)(c - 'a') < 26u || (unsigned)(c - '0') < 10u || c == ' ';
}

/* What the filters know of a block (or any subject): the classes of its bytes, and where
 * its uncommon bytes of the `listed` classes are, chained by class, so that rules that open
 * with a capital or punctuation visit the places of those bytes only (may_open_in) instead of
 * searching the block for each. Only the classes the rules open with are listed (a rule set's
 * lead_classes): most uncommon bytes are of no rule's lead class, and listing them cost more
 * than anything else in the scan. */
#define RARE_MAX 96
#define RARE_NONE 0xFF
typedef struct block_bytes {
  const char *base; /* the text the offsets in `rare` count from */
  uint64_t classes;
  uint64_t listed; /* the classes whose bytes are in `rare` (0 once it overflowed) */
  size_t nrare;    /* RARE_UNKNOWN when there are more than RARE_MAX */
  /* offsets of the bytes that are not is_common_byte and of a listed class, in order (the
   * SSE2 scan writes every uncommon byte to the next free slot, RARE_MAX past the end) */
  uint32_t rare[RARE_MAX + 1];
  /* last[k]: the last index in `rare` of a byte of class k, before[i]: the index before i
   * of a byte of the same class (RARE_NONE: none) */
  uint8_t last[64], before[RARE_MAX + 1];
} block_bytes;
#define RARE_UNKNOWN SIZE_MAX

static void add_rare(block_bytes *b, const char *s, size_t i) {
  unsigned k = byte_class[(unsigned char)s[i]];
  b->classes |= (uint64_t)1 << k;
  if (!(b->listed >> k & 1))
    return;
  if (b->nrare < RARE_MAX) {
    b->before[b->nrare] = b->last[k];
    b->last[k] = (uint8_t)b->nrare;
    b->rare[b->nrare++] = (uint32_t)i;
  } else {
    b->nrare = RARE_UNKNOWN;
    b->listed = 0;
  }
}

static void bytes_init(block_bytes *b, const char *s, uint64_t listed) {
  b->base = s;
  b->classes = (uint64_t)1 << COMMON_CLASS;
  b->listed = listed;
  b->nrare = 0;
  memset(b->last, RARE_NONE, sizeof b->last);
}

/* bytes_of without SIMD. */
static void bytes_of_scalar(block_bytes *b, const char *s, size_t n, uint64_t listed) {
  bytes_init(b, s, listed);
  for (size_t i = 0; i < n; i++)
    if (!is_common_byte((unsigned char)s[i]))
      add_rare(b, s, i);
}

#if defined(__SSE2__)
/* Bit j set when byte j of x is not a common byte (is_common_byte). */
static unsigned uncommon_lanes(__m128i x) {
  /* c - lo as a signed byte, biased by 0x80, is below the range's length for c in range */
  __m128i common = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - 'a'))),
                                  _mm_set1_epi8((char)(0x80 + 26)));
  common = _mm_or_si128(common, _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - '0'))),
                                               _mm_set1_epi8((char)(0x80 + 10))));
  common = _mm_or_si128(common, _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
  return ~(unsigned)_mm_movemask_epi8(common) & 0xFFFFu;
}

static uint64_t uncommon_lanes_at(const char *s) {
  return uncommon_lanes(_mm_loadu_si128((const __m128i *)(const void *)s));
}

/* Bit j set when s[j] is not a common byte, for the 64 bytes at s. */
static uint64_t uncommon_lanes64(const char *s) {
  return uncommon_lanes_at(s) | (uint64_t)uncommon_lanes_at(s + 16) << 16 |
         (uint64_t)uncommon_lanes_at(s + 32) << 32 | (uint64_t)uncommon_lanes_at(s + 48) << 48;
}

/* The same for the n bytes at s (16 <= n <= 64), bits from n up clear. */
static uint64_t uncommon_lanes_upto64(const char *s, size_t n) {
  uint64_t m = 0;
  size_t j = 0;
  for (; j + 16 <= n; j += 16)
    m |= (uint64_t)uncommon_lanes_at(s + j) << j;
  if (j < n) /* the last sixteen bytes, without the lanes already seen */
    m |= ((uint64_t)uncommon_lanes_at(s + n - 16) << (n - 16)) & (~(uint64_t)0 << j);
  return m;
}

/* add_rare for the bytes s[at + j] of the set bits j of m, with no branch on a byte's class:
 * every byte is written to the next free slot of `rare` (RARE_MAX once the list is full),
 * and the count and the chain move on only for a listed one. A byte's class decides nothing
 * predictable, and a branch on it was mispredicted about one time in three. Returns the new
 * count, which goes past RARE_MAX when the list overflowed (bytes_of tells). */
static size_t add_rare_lanes(block_bytes *b, const char *s, size_t at, uint64_t m, size_t nrare,
                             uint64_t listed_classes, uint64_t *classes) {
  for (; m; m &= m - 1) {
    size_t i = at + (size_t)__builtin_ctzll(m);
    unsigned k = byte_class[(unsigned char)s[i]];
    *classes |= (uint64_t)1 << k;
    unsigned listed = (unsigned)(listed_classes >> k & 1);
    unsigned slot = nrare < RARE_MAX ? (unsigned)nrare : RARE_MAX, last = b->last[k];
    b->before[slot] = (uint8_t)last;
    b->rare[slot] = (uint32_t)i;
    b->last[k] = (uint8_t)(last ^ ((last ^ slot) & (0u - listed)));
    nrare += listed;
  }
  return nrare;
}
#endif

/* The classes of s[0, n) (class 63 always in) and its uncommon bytes of the `listed`
 * classes: sixty-four bytes at a time, where only the uncommon ones (capitals, punctuation,
 * UTF-8: about one in fifteen) are looked at; one loop per 64 bytes, not per 16, so that
 * its exit, which depends on the text, is mispredicted four times less often. Equal to
 * bytes_of_scalar. */
static void bytes_of(block_bytes *b, const char *s, size_t n, uint64_t listed) {
#if defined(__SSE2__)
  if (n >= 16) {
    bytes_init(b, s, listed);
    uint64_t classes = b->classes;
    size_t nrare = 0, i = 0;
    for (; i + 64 <= n; i += 64)
      nrare = add_rare_lanes(b, s, i, uncommon_lanes64(s + i), nrare, listed, &classes);
    if (i < n && n >= 64) /* the last 64 bytes, without those already seen */
      nrare = add_rare_lanes(b, s, n - 64,
                             uncommon_lanes64(s + n - 64) & (~(uint64_t)0 << (i - (n - 64))), nrare,
                             listed, &classes);
    else if (i < n)
      nrare = add_rare_lanes(b, s, 0, uncommon_lanes_upto64(s, n), nrare, listed, &classes);
    b->classes = classes;
    b->nrare = nrare;
    if (nrare > RARE_MAX) {
      b->nrare = RARE_UNKNOWN;
      b->listed = 0;
    }
    return;
  }
#endif
  bytes_of_scalar(b, s, n, listed);
}

uint64_t kabar__rules_byte_classes(const char *s, size_t n, int simd, uint64_t listed,
                                   uint32_t *rare, size_t *nrare) {
  block_bytes b;
  if (simd)
    bytes_of(&b, s, n, listed);
  else
    bytes_of_scalar(&b, s, n, listed);
  *nrare = b.nrare == RARE_UNKNOWN ? (size_t)-1 : b.nrare;
  if (b.nrare != RARE_UNKNOWN)
    memcpy(rare, b.rare, b.nrare * sizeof *rare);
  return b.classes;
}

unsigned kabar__rules_byte_class(unsigned char c) { return byte_class[c]; }

/* What every match of a rule looks like, so most rules are ruled out for a block without
 * calling PCRE2 at all: almost every call finds nothing, and a call costs ~500 instructions
 * even then. Two sources: PCRE2's own start-of-match analysis (the facts pcre2_match uses to
 * skip start positions), and test matches run at load time (see find_openings). A filter may
 * only let through too much, never too little: may_match() is 0 only when pcre2_match cannot
 * find a match. */
typedef struct rule_filter {
  /* The fields every candidate reads come first (and kabar_rule puts the filter right after
   * the PCRE2 code), in one cache line or two: a rule's data falls out of the L1 cache
   * between articles, and may_match used to touch six lines of it. */
  uint32_t min_len;  /* PCRE2_INFO_MINLENGTH: characters, so also a lower bound in bytes */
  uint8_t anchored;  /* a match starts at the start offset only (every branch opens with ^) */
  uint8_t has_first; /* a match starts with one of `first` */
  uint8_t has_last;  /* a match contains one of `last` (PCRE2's required unit, or need_of) */
  uint8_t has_open;  /* a match that starts at the subject's start opens as `open` allows */
  uint8_t has_start; /* a match starts with one of `start`, at any offset */
  /* `open` and `follow` hold at every offset, not only at the subject's start: an attempt at
   * offset p depends on what lies before p in no way the test matches did not try */
  uint8_t anywhere;
  /* the bytes of `open` when they are few, for memchr (0: not so); rare_leads: none of them
   * is_common_byte */
  uint8_t nlead, rare_leads;
  /* has_prefix (anchored rules): from the match's start to its first byte of prefix_of's
   * `stop`, every byte is one of its `before`; has_suffix (rules that end at the subject's
   * end): after its last `tail_stop` byte every byte is one of `after`. scan_step[c] holds
   * the SCAN_ flags of byte c. */
  uint8_t has_prefix, has_suffix;
  /* has_whole (anchored rules that end at the subject's end): every byte of a match, so of
   * the subject from its start offset, is one of prefix_of's `all` (SCAN_ALL) */
  uint8_t has_whole;
  /* a match opens with one of `strings` (strings_of; nstrings == 0: not known) */
  uint8_t nstrings;
  uint8_t lead[4];
  uint64_t lead_classes; /* with rare_leads: the classes of the lead bytes (else 0) */
  /* the classes (byte_class) of last, open, first and start, all ones where the filter has
   * no such set: a block's class mask must meet each (first_classes and start_classes, read
   * rarely or when the rules are loaded, are below) */
  uint64_t last_classes, open_classes;
  /* string i as the 8-byte word of a subject that opens with it (memcpy order, so either byte
   * order), masked by `mask`: a subject of 8 bytes or more is compared with one load and no
   * call to memcmp */
  struct {
    uint64_t word, mask;
  } string_word[OPEN_STRINGS];
  /* The bytes a match may start with (the ASCII ones by test matches, the others from
   * `first`, or all of them), and for an ASCII first byte c, follow_of[c] is 0 (anything may
   * follow) or 1 + the index k in `follow` of the ASCII bytes that may come next
   * (follow[k][0..1]) and of those that may come third after c and any of them
   * (follow[k][2..3]); a byte from 0x80 up may always come second or third. */
  byte_set open;
  uint8_t follow_of[128];
  uint64_t (*follow)[4];
  uint8_t scan_step[256];
  /* the rest is read when the filter is built, or rarely */
  uint64_t first_classes, start_classes;
  byte_set first, last, start;
  uint8_t string_len[OPEN_STRINGS];
  char strings[OPEN_STRINGS][OPEN_STRING_MAX];
} rule_filter;

typedef struct kabar_rule {
  pcre2_code *code;
  rule_action action;
  int jit; /* JIT-compiled: matched through pcre2_jit_match, PCRE2's documented fast path */
  rule_filter filter;
  char *name;
} kabar_rule;

/* Rules grouped by action, each group in file order (the first block or dateline rule that
 * matches names the result), so a pass over one action visits no other. */
struct kabar_rules {
  KABAR_VEC(kabar_rule) by_action[RULE_ACTIONS];
  /* For each action, open_mask[c * words + w] has bit j set when rule 64w + j may match at
   * the start of a subject that begins with byte c (may_match still decides), so a block
   * visits only the few rules that may open it. */
  uint64_t *open_mask[RULE_ACTIONS];
  /* tested[a][w] bit j: rule 64w + j has a start or last set that a block can fail to meet
   * (one without class 63); this array follows open_mask[a] in the same allocation */
  uint64_t *tested[RULE_ACTIONS];
  /* needs[a][2i] and [2i + 1]: the start_classes and last_classes of rule i, side by side
   * for the per-block tests (same allocation) */
  uint64_t *needs[RULE_ACTIONS];
  /* all[a][w] bit j: rule 64w + j exists (same allocation) */
  uint64_t *all[RULE_ACTIONS];
  size_t words[RULE_ACTIONS];
  /* the lead_classes of all the rules: the classes a block's scan lists for them */
  uint64_t lead_classes;
  /* A language's rules: the common rules then these, as one set (kabar__rules_add_common),
   * so that a block visits one set, not two. NULL: none was made. */
  kabar_rules *with_common;
  /* the rules' code, names and follow tables belong to the sets they were copied from */
  int borrowed;
};

void kabar__rules_free(kabar_rules *rules) {
  if (!rules)
    return;
  kabar__rules_free(rules->with_common);
  for (size_t a = 0; a < RULE_ACTIONS; a++) {
    for (size_t i = 0; i < rules->by_action[a].n && !rules->borrowed; i++) {
      kabar__free(rules->by_action[a].v[i].name);
      pcre2_code_free(rules->by_action[a].v[i].code);
      kabar__free(rules->by_action[a].v[i].filter.follow);
    }
    KABAR_VEC_FREE(rules->by_action[a]);
    kabar__free(rules->open_mask[a]);
  }
  kabar__free(rules);
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Splits "action name pattern" (already trimmed). 0 ok, -1 malformed. */
static int parse_rule_line(char *s, rule_action *action, char **name, char **pattern) {
  char *p = s;
  while (*p && !is_blank(*p))
    p++;
  if (!*p)
    return -1;
  *p++ = '\0';
  if (strcmp(s, "block") == 0)
    *action = RULE_BLOCK;
  else if (strcmp(s, "cut") == 0)
    *action = RULE_CUT;
  else if (strcmp(s, "cut-tail") == 0)
    *action = RULE_CUT_TAIL;
  else if (strcmp(s, "dateline") == 0)
    *action = RULE_DATELINE;
  else
    return -1;
  while (is_blank(*p))
    p++;
  *name = p;
  while (*p && !is_blank(*p))
    p++;
  if (!*p || p == *name)
    return -1;
  *p++ = '\0';
  while (is_blank(*p))
    p++;
  *pattern = p;
  return **pattern ? 0 : -1;
}

static kabar_status fail_at(kabar_error *err, kabar_status code, const char *path, size_t line,
                            int32_t detail) {
  if (err) {
    kabar__fail(err, code, line, detail);
    snprintf(err->path, sizeof err->path, "%s", path);
  }
  return code;
}

/* Whether an option may be on in some part of the pattern (`flag` among its options, or an
 * option setting "(?" with `letter` among its letters: "(?i)", "(?i:", "(?-i)", "(?^i"...,
 * the only ways to turn it on inside a pattern). A false yes (a literal "\(?i" or one inside
 * a class) only weakens the filter. */
static int may_set_option(const char *pattern, uint32_t options, uint32_t flag, char letter) {
  if (options & flag)
    return 1;
  for (const char *p = strstr(pattern, "(?"); p; p = strstr(p + 2, "(?"))
    for (const char *q = p + 2;
         (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '^' || *q == '-'; q++)
      if (*q == letter)
        return 1;
  return 0;
}

/* Whether any part of the pattern can match caselessly. */
static int may_be_caseless(const char *pattern, uint32_t options) {
  return may_set_option(pattern, options, PCRE2_CASELESS, 'i');
}

/* Adds a code unit that PCRE2 reports as the first or a required one of every match. The
 * report does not say whether the unit is caseless, so in a pattern that may match
 * caselessly both ASCII cases go in. A caseless letter with more than one other case is not
 * reported as a single unit, but the two such ASCII letters under PCRE2_UCP, k (KELVIN SIGN,
 * E2 84 AA) and s (LATIN SMALL LETTER LONG S, C5 BF), bring their other case's first byte
 * along all the same: a match that starts with or contains that character contains that byte
 * too. Extra bytes only weaken the filter. Units from 0x80 up are UTF-8 lead or continuation
 * bytes, which have no other case. 0 when the unit is not a byte (not in the 8-bit library). */
static int add_unit(byte_set *set, uint32_t unit, int caseless) {
  if (unit > 0xFF)
    return 0;
  set_add(set, unit);
  if (!caseless)
    return 1;
  if ((unit >= 'a' && unit <= 'z') || (unit >= 'A' && unit <= 'Z'))
    set_add(set, unit ^ 0x20);
  if (unit == 'k' || unit == 'K')
    set_add(set, 0xE2);
  if (unit == 's' || unit == 'S')
    set_add(set, 0xC5);
  return 1;
}

/* ---- bytes every match holds, read from the pattern's text ------------------------------ */

/* PCRE2 reports one required code unit at most; a pattern such as "(?:-|–|—)$" requires one
 * of several. need_of() reads the pattern (a conservative subset of PCRE2's syntax: anything
 * else gives up) for a set of bytes every match holds one of: a literal character that every
 * match consumes gives its first byte, a group whose every branch requires one of a set gives
 * the union. The bytes lie in the subject, which is all a byte set (`seen`) has to cover. */
typedef struct need_reader {
  const char *p;
  int caseless; /* the pattern may match caselessly somewhere: take it so everywhere */
  int failed;   /* a construct outside the subset: no answer */
} need_reader;

typedef struct byte_need {
  int has; /* 0: no byte is known to be required */
  byte_set set;
} byte_need;

/* How common a set's bytes are in text (letters, digits, space, '.' and ','): the rarer set
 * rules out more blocks. */
static unsigned need_commonness(const byte_set *set) {
  static const byte_set common = {{0x03ff500100000000u, 0x07fffffe07fffffeu, 0, 0}};
  unsigned n = 0;
  for (unsigned k = 0; k < 4; k++)
    n += (unsigned)__builtin_popcountll(set->w[k] & common.w[k]);
  return n;
}

static unsigned set_size(const byte_set *set) {
  unsigned n = 0;
  for (unsigned k = 0; k < 4; k++)
    n += (unsigned)__builtin_popcountll(set->w[k]);
  return n;
}

/* Keeps the better of two requirements (either holds for every match). */
static void need_pick(byte_need *best, const byte_need *other) {
  if (!other->has)
    return;
  if (!best->has || need_commonness(&other->set) < need_commonness(&best->set) ||
      (need_commonness(&other->set) == need_commonness(&best->set) &&
       set_size(&other->set) < set_size(&best->set)))
    *best = *other;
}

static byte_need need_of_alternatives(need_reader *r);

/* A literal character at r->p (advanced past it). */
static byte_need need_of_literal(need_reader *r) {
  byte_need n = {1, {{0}}};
  unsigned char c = (unsigned char)*r->p;
  size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  for (size_t i = 0; i < len; i++)
    if (!r->p[i]) {
      r->failed = 1;
      return n;
    }
  r->p += len;
  if (c >= 0x80 && r->caseless) /* another case may start with another byte */
    n.has = 0;
  else
    add_unit(&n.set, c, r->caseless);
  return n;
}

/* Skips a class "[...]" at r->p. */
static void skip_class(need_reader *r) {
  const char *p = r->p + 1;
  if (*p == '^')
    p++;
  if (*p == ']')
    p++;
  while (*p && *p != ']') {
    if (*p == '\\' && p[1])
      p += 2;
    else if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '='))
      break; /* POSIX classes end where PCRE2's own scan decides: not worth copying it */
    else
      p++;
  }
  r->failed |= *p != ']';
  r->p = *p ? p + 1 : p;
}

/* An escape at r->p: a literal, or a class of characters or an assertion (no requirement). */
static byte_need need_of_escape(need_reader *r) {
  byte_need n = {0, {{0}}};
  char e = r->p[1];
  static const char literal[][2] = {{'t', '\t'}, {'n', '\n'}, {'r', '\r'},
                                    {'f', '\f'}, {'e', 27},   {'a', 7}};
  if (!e) {
    r->failed = 1;
    return n;
  }
  if (!((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))) {
    r->p++; /* an escaped punctuation character or any other: itself */
    return need_of_literal(r);
  }
  r->p += 2;
  for (size_t i = 0; i < sizeof literal / sizeof *literal; i++)
    if (e == literal[i][0]) {
      add_unit(&n.set, (unsigned char)literal[i][1], r->caseless);
      n.has = 1;
      return n;
    }
  if (e == 'p' || e == 'P') {
    if (*r->p == '{') {
      const char *end = strchr(r->p, '}');
      r->failed |= !end;
      r->p = end ? end + 1 : r->p;
    } else if (*r->p) {
      r->p++;
    }
  } else if (!strchr("bBAzZGdDsSwWhHvVRX", e) && !(e == 'N' && *r->p != '{')) {
    r->failed = 1; /* back references, \x, \Q, \K and the rest */
  }
  return n;
}

typedef enum group_kind {
  GROUP_PLAIN,     /* capturing, non-capturing, atomic or with options: its text is matched */
  GROUP_LOOKAROUND, /* matched where it stands, consuming nothing */
  GROUP_SETTING,   /* "(?i)" and the like, "(?R)" and "(?C)" too: read up to its ')' */
  GROUP_OTHER      /* verbs, comments, conditions...: r->failed */
} group_kind;

/* Reads the opening of a group at r->p ("(" ...) up to its contents. */
static group_kind read_group_open(need_reader *r) {
  const char *p = r->p + 1;
  group_kind kind = GROUP_PLAIN;
  if (*p == '?') {
    p++;
    if (*p == ':' || *p == '>' || *p == '|') {
      p++;
    } else if (*p == '=' || *p == '!') {
      kind = GROUP_LOOKAROUND;
      p++;
    } else if (*p == '<' && (p[1] == '=' || p[1] == '!')) {
      kind = GROUP_LOOKAROUND;
      p += 2;
    } else if (*p == '<' || (*p == 'P' && p[1] == '<')) { /* a named group */
      const char *name = p + (*p == 'P' ? 2 : 1);
      /* anything else after "(?<" ("(?<*" is a non-atomic lookbehind) is not a name */
      int name_start = (*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
                       *name == '_';
      p = name_start ? strchr(name, '>') : NULL;
      if (!p) {
        r->failed = 1;
        return GROUP_OTHER;
      }
      p++;
    } else { /* option letters, then ':' (a group) or ')' (a setting) */
      while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '^' || *p == '-') {
        if (*p == 'x') { /* extended syntax: spaces and # mean other things */
          r->failed = 1;
          return GROUP_OTHER;
        }
        p++;
      }
      if (*p == ')') { /* a setting (or (?R) or (?C): they add no requirement either) */
        r->p = p + 1;
        return GROUP_SETTING;
      }
      if (*p != ':') { /* comments, recursion, conditions, callouts */
        r->failed = 1;
        return GROUP_OTHER;
      }
      p++;
    }
  } else if (*p == '*') { /* verbs and alpha assertions */
    r->failed = 1;
    return GROUP_OTHER;
  }
  r->p = p;
  return kind;
}

/* A group at r->p ("(" ...): its requirement, or none for a lookaround or an option setting. */
static byte_need need_of_group(need_reader *r) {
  byte_need n = {0, {{0}}};
  group_kind kind = read_group_open(r);
  if (kind == GROUP_SETTING || kind == GROUP_OTHER)
    return n;
  n = need_of_alternatives(r);
  if (*r->p != ')') {
    r->failed = 1;
    return n;
  }
  r->p++;
  if (kind == GROUP_LOOKAROUND)
    n.has = 0;
  return n;
}

/* Reads a quantifier at r->p, if any; 1 when it allows zero repetitions. */
static int read_quantifier(need_reader *r) {
  int optional = 0;
  char q = *r->p;
  if (q == '?' || q == '*' || q == '+') {
    optional = q != '+';
    r->p++;
  } else if (q == '{') {
    const char *p = r->p + 1;
    unsigned long min = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++)
      min = min * 10 + (unsigned long)(*p - '0') > 1000000 ? 1000000
                                                           : min * 10 + (unsigned long)(*p - '0');
    if (*p == ',')
      for (p++; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p != '}' || digits == 0) { /* a literal '{': not in the subset */
      r->failed = 1;
      return 0;
    }
    optional = min == 0;
    r->p = p + 1;
  } else {
    return 0;
  }
  if (*r->p == '+' || *r->p == '?') /* possessive or lazy */
    r->p++;
  return optional;
}

/* A branch: the best requirement among the items every match goes through. */
static byte_need need_of_branch(need_reader *r) {
  byte_need best = {0, {{0}}};
  while (*r->p && *r->p != '|' && *r->p != ')' && !r->failed) {
    byte_need n = {0, {{0}}};
    char c = *r->p;
    if (c == '(') {
      n = need_of_group(r);
    } else if (c == '[') {
      skip_class(r);
    } else if (c == '\\') {
      n = need_of_escape(r);
    } else if (c == '.' || c == '^' || c == '$') {
      r->p++;
    } else if (c == '*' || c == '+' || c == '?' || c == '{') {
      r->failed = 1;
    } else {
      n = need_of_literal(r);
    }
    if (!r->failed && read_quantifier(r))
      n.has = 0;
    need_pick(&best, &n);
  }
  return best;
}

/* Alternatives up to ')' or the end: every branch must require something. */
static byte_need need_of_alternatives(need_reader *r) {
  byte_need all = need_of_branch(r);
  while (*r->p == '|' && !r->failed) {
    r->p++;
    byte_need n = need_of_branch(r);
    if (!n.has)
      all.has = 0;
    for (unsigned k = 0; k < 4; k++)
      all.set.w[k] |= n.set.w[k];
  }
  return all;
}

/* A set of bytes one of which every match of the pattern holds (has == 0: none found). */
static byte_need need_of(const char *pattern, int caseless) {
  need_reader r = {pattern, caseless, 0};
  byte_need n = need_of_alternatives(&r);
  if (r.failed || *r.p) /* an unbalanced ')' */
    n.has = 0;
  return n;
}

/* ---- the bytes a match may hold before its first required one --------------------------- */

/* url-only and the datelines are anchored rules that every paragraph opens as they may (a
 * letter, then letters), so their test matches let every block through. But what such a rule
 * needs early fails early: url-only's first word must reach a '.' through letters, digits,
 * '-', ':' and '/' only, and "Jakarta," meets a ',' first. prefix_of() reads the pattern (the
 * subset need_of reads, the classes too) for `stop`, the bytes that open the first required
 * literal of each branch, and `before`, every byte a match may hold ahead of it; a match that
 * starts at p then has only `before` bytes from p to its first `stop` byte (may_open_prefix).
 * Classes and escapes give their ASCII members and, under PCRE2_UCP, every byte from 0x80
 * up; what the reader does not know gives every byte. */
enum {
  SCAN_BEFORE = 1,
  SCAN_STOP = 2,
  SCAN_AFTER = 4,
  SCAN_TAIL_STOP = 8,
  /* BEFORE and not STOP, AFTER and not TAIL_STOP: the bytes a scan steps over, so that its
   * loop tests one flag per byte */
  SCAN_PASS = 16,
  SCAN_TAIL_PASS = 32,
  SCAN_ALL = 64, /* a byte that a match may hold */
  SCAN_MAX = 48  /* bytes looked at from either end */
};

typedef struct prefix_sets {
  int found; /* every branch has a required literal: stop and before hold */
  byte_set before, stop;
  byte_set all; /* every byte a match may hold */
  /* The same from the end: tail_stop holds the bytes that close the last required literal
   * of each branch, `after` every byte a match may hold after it. `ends`: every branch ends
   * with $, \z or \Z. */
  int tail_found, ends;
  byte_set after, tail_stop;
} prefix_sets;

static void set_fill(byte_set *set) { memset(set->w, 0xFF, sizeof set->w); }

static void set_add_range(byte_set *set, unsigned lo, unsigned hi) {
  for (unsigned c = lo; c <= hi; c++)
    set_add(set, c);
}

static void set_union(byte_set *a, const byte_set *b) {
  for (unsigned k = 0; k < 4; k++)
    a->w[k] |= b->w[k];
}

/* An ASCII character a match may hold: caselessly its other case too, and the bytes from
 * 0x80 up (KELVIN SIGN and LONG S match k and s). */
static void add_ascii(byte_set *set, unsigned char c, int caseless) {
  set_add(set, c);
  if (caseless && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
    set_add(set, c ^ 0x20u);
    set_add_range(set, 0x80, 0xFF);
  }
}

/* The bytes of the class escape \e (\d, \w, \s, \h, \v, \p{..} and their negations), r->p
 * just after e. 0 when e is no such escape. */
static int class_escape_bytes(need_reader *r, char e, byte_set *set) {
  /* letters (1-7), digits (8-9), punctuation and symbols (10-22) */
  static const char *named[] = {"L",  "Lu", "Ll", "Lt", "Lm", "Lo", "L&", "N",  "Nd", "P",  "Pc",
                                "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S",  "Sm", "Sc", "Sk", "So"};
  set_add_range(set, 0x80, 0xFF);
  if (e == 'd') {
    set_add_range(set, '0', '9');
  } else if (e == 'w') {
    set_add_range(set, '0', '9');
    set_add_range(set, 'A', 'Z');
    set_add_range(set, 'a', 'z');
    set_add(set, '_');
  } else if (e == 's' || e == 'h' || e == 'v') {
    set_add(set, ' ');
    set_add_range(set, '\t', '\r');
  } else if (e == 'p' || e == 'P') {
    const char *name = r->p, *end = r->p + (*r->p != 0);
    if (*r->p == '{') {
      name = r->p + 1;
      end = strchr(name, '}');
      if (!end) {
        r->failed = 1;
        return 1;
      }
      r->p = end + 1;
    } else {
      r->p = end;
    }
    size_t len = (size_t)(end - name), known = 0;
    for (size_t i = 0; e == 'p' && i < sizeof named / sizeof *named; i++)
      known += strlen(named[i]) == len && strncmp(named[i], name, len) == 0 ? i + 1 : 0;
    if (known == 0) {
      set_fill(set);
    } else if (known >= 10) { /* every ASCII character other than a letter or digit is P or S */
      set_add_range(set, 0x21, 0x2F);
      set_add_range(set, 0x3A, 0x40);
      set_add_range(set, 0x5B, 0x60);
      set_add_range(set, 0x7B, 0x7E);
    } else if (known >= 8) {
      set_add_range(set, '0', '9');
    } else {
      set_add_range(set, 'A', 'Z');
      set_add_range(set, 'a', 'z');
    }
  } else if (strchr("DWSHVR", e)) {
    set_fill(set);
  } else {
    return 0;
  }
  return 1;
}

/* The bytes of the class at r->p ("[" ...), advancing past it. */
static void class_bytes(need_reader *r, byte_set *set) {
  need_reader end = *r;
  skip_class(&end);
  if (end.failed) {
    r->failed = 1;
    return;
  }
  const char *p = r->p + 1, *close = end.p - 1;
  r->p = end.p;
  if (*p == '^') {
    set_fill(set);
    return;
  }
  /* the character before: ASCII (>= 0), none that opens a range (-1), or one of several bytes
   * (OPENS_UNREAD), whose range ("[à-ü]") would need its code points decoded */
  enum { OPENS_UNREAD = -2 };
  int prev = -1;
  while (p < close) {
    unsigned char c = (unsigned char)*p;
    if (c == '-' && prev == OPENS_UNREAD && p + 1 < close) {
      set_fill(set);
      return;
    }
    if (c == '\\') {
      char e = p[1];
      need_reader sub = {p + 2, r->caseless, 0};
      if (!((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))) {
        add_ascii(set, (unsigned char)e, r->caseless); /* (a byte from 0x80 up: fill below) */
        prev = (unsigned char)e < 0x80 ? (unsigned char)e : OPENS_UNREAD;
        if ((unsigned char)e >= 0x80)
          set_fill(set);
        p += 2;
      } else if (class_escape_bytes(&sub, e, set) && !sub.failed) {
        p = sub.p;
        prev = -1;
      } else { /* \p in a class, \t, \x{..} and the rest: not worth reading */
        set_fill(set);
        return;
      }
    } else if (c == '-' && prev >= 0 && p + 1 < close) {
      unsigned char hi = (unsigned char)p[1];
      if (hi == '\\' || hi >= 0x80 || (int)hi < prev) {
        set_fill(set);
        return;
      }
      for (unsigned k = (unsigned)prev; k <= hi; k++)
        add_ascii(set, (unsigned char)k, r->caseless);
      p += 2;
      prev = -1;
    } else if (c >= 0x80) { /* a literal character of several bytes */
      size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      for (size_t i = 0; i < len && p + i < close; i++)
        set_add(set, (unsigned char)p[i]);
      if (r->caseless) /* another case may be ASCII */
        set_fill(set);
      p += len;
      prev = OPENS_UNREAD;
    } else {
      add_ascii(set, c, r->caseless);
      prev = c;
      p++;
    }
  }
}

static prefix_sets prefix_of_alternatives(need_reader *r);

/* One item at r->p (a literal, class, escape or group), its quantifier read by the caller:
 * item->found when a match of the item opens with a `stop` byte. */
static void prefix_of_item(need_reader *r, prefix_sets *item) {
  char c = *r->p;
  if (c == '(') {
    if (r->p[1] == '?' && r->p[2] >= 'A' && r->p[2] <= 'Z') { /* (?R), (?C)...: not read */
      r->failed = 1;
      return;
    }
    group_kind kind = read_group_open(r);
    if (kind == GROUP_SETTING || kind == GROUP_OTHER)
      return;
    prefix_sets inner = prefix_of_alternatives(r);
    if (*r->p != ')') {
      r->failed = 1;
      return;
    }
    r->p++;
    if (kind == GROUP_PLAIN) /* a lookaround consumes nothing */
      *item = inner;
  } else if (c == '[') {
    class_bytes(r, &item->all);
  } else if (c == '.') {
    r->p++;
    set_fill(&item->all);
  } else if (c == '^' || c == '$') {
    item->ends = c == '$';
    r->p++;
  } else if (c == '*' || c == '+' || c == '?' || c == '{') {
    r->failed = 1;
  } else if (c == '\\' && r->p[1] && strchr("bBAzZG", r->p[1])) {
    item->ends = r->p[1] == 'z' || r->p[1] == 'Z';
    r->p += 2;
  } else if (c == '\\' &&
             ((r->p[1] >= 'a' && r->p[1] <= 'z') || (r->p[1] >= 'A' && r->p[1] <= 'Z')) &&
             !strchr("tnrfea", r->p[1])) {
    char e = r->p[1];
    r->p += 2;
    if (!class_escape_bytes(r, e, &item->all))
      r->failed = 1; /* back references, \x, \Q, \K, \N and the rest */
  } else {           /* a literal character, maybe escaped: need_of_literal's bytes open it */
    need_reader lit = *r;
    byte_need n = c == '\\' ? need_of_escape(&lit) : need_of_literal(&lit);
    if (lit.failed) {
      r->failed = 1;
      return;
    }
    if (c == '\\' && r->p[1] >= 'a' && r->p[1] <= 'z') /* \t, \n...: n.set holds it */
      set_union(&item->all, &n.set);
    else
      for (const char *p = r->p + (c == '\\'); p < lit.p; p++)
        add_ascii(&item->all, (unsigned char)*p, r->caseless);
    if ((unsigned char)lit.p[-1] >= 0x80 && r->caseless)
      set_fill(&item->all);
    item->found = n.has;
    item->stop = n.set;
    item->tail_found = n.has; /* closed by its last byte, or by the other case's */
    if ((unsigned char)lit.p[-1] >= 0x80)
      set_add(&item->tail_stop, (unsigned char)lit.p[-1]);
    else if (c == '\\' && r->p[1] >= 'a' && r->p[1] <= 'z')
      item->tail_stop = n.set;
    else
      add_ascii(&item->tail_stop, (unsigned char)lit.p[-1], r->caseless);
    r->p = lit.p;
  }
}

/* A branch: `before` and `stop` by its first required item that opens with a stop byte. */
static prefix_sets prefix_of_branch(need_reader *r) {
  prefix_sets b;
  memset(&b, 0, sizeof b);
  while (*r->p && *r->p != '|' && *r->p != ')' && !r->failed) {
    prefix_sets item;
    memset(&item, 0, sizeof item);
    prefix_of_item(r, &item);
    int optional = !r->failed && read_quantifier(r);
    if (!b.found && item.found && !optional) {
      set_union(&b.before, &item.before);
      b.stop = item.stop;
      b.found = 1;
    } else if (!b.found) {
      set_union(&b.before, &item.all);
    }
    set_union(&b.all, &item.all);
    if (item.tail_found && !optional) {
      b.tail_found = 1;
      b.after = item.after;
      b.tail_stop = item.tail_stop;
    } else if (b.tail_found) {
      set_union(&b.after, &item.all);
    }
    b.ends = item.ends && !optional;
  }
  return b;
}

/* Alternatives up to ')' or the end: a match holds the bytes of one branch, so the sets join. */
static prefix_sets prefix_of_alternatives(need_reader *r) {
  prefix_sets all = prefix_of_branch(r);
  while (*r->p == '|' && !r->failed) {
    r->p++;
    prefix_sets b = prefix_of_branch(r);
    all.found &= b.found;
    set_union(&all.before, &b.before);
    set_union(&all.stop, &b.stop);
    set_union(&all.all, &b.all);
    all.tail_found &= b.tail_found;
    all.ends &= b.ends;
    set_union(&all.after, &b.after);
    set_union(&all.tail_stop, &b.tail_stop);
  }
  return all;
}

/* The pattern's prefix sets (found == 0: none known). */
static prefix_sets prefix_of(const char *pattern, int caseless) {
  need_reader r = {pattern, caseless, 0};
  prefix_sets p = prefix_of_alternatives(&r);
  if (r.failed || *r.p) {
    p.found = p.tail_found = p.ends = 0;
    set_fill(&p.all);
  }
  return p;
}

/* ---- the literal text every match opens with ------------------------------------------- */

/* Most rules open with words ("Baca juga", "Artikel ini", "pic.twitter.com/"), and the
 * openings found by test matches look at two bytes only, which "Bank" and "Bali" pass as well
 * as "Baca". strings_of() reads the pattern (no caseless part: the strings are compared
 * byte for byte) for the literal text each branch opens with, after zero-width items: a
 * match opens with one of the strings, which may_open_at then compares. */
typedef struct open_strings {
  unsigned n;
  uint8_t len[OPEN_STRINGS];
  char s[OPEN_STRINGS][OPEN_STRING_MAX];
} open_strings;

/* Skips items up to the end of the branch. */
static void skip_branch(need_reader *r) {
  while (*r->p && *r->p != '|' && *r->p != ')' && !r->failed) {
    prefix_sets item;
    memset(&item, 0, sizeof item);
    prefix_of_item(r, &item);
    if (!r->failed)
      read_quantifier(r);
  }
}

/* The length of the literal character at p (a plain one or an escaped punctuation
 * character, p advanced to its text), or 0 when p holds no such character. */
static size_t literal_at(const char **p) {
  unsigned char c = (unsigned char)**p;
  if (c == '\\') {
    unsigned char e = (unsigned char)(*p)[1];
    if (e == 0 || e >= 0x80 || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
        (e >= '0' && e <= '9'))
      return 0;
    (*p)++;
    return 1;
  }
  if (c == 0 || strchr("()[].^$|*+?{", c))
    return 0;
  size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  for (size_t i = 1; i < len; i++)
    if (((unsigned char)(*p)[i] & 0xC0) != 0x80)
      return 0;
  return len;
}

static void strings_of_alternatives(need_reader *r, open_strings *out);

/* A branch's opening strings, added to out (r->failed: none known). */
static void strings_of_branch(need_reader *r, open_strings *out) {
  for (;;) { /* zero-width items first */
    if (*r->p == '^') {
      r->p++;
    } else if (r->p[0] == '\\' && (r->p[1] == 'b' || r->p[1] == 'B' || r->p[1] == 'A')) {
      r->p += 2;
    } else if (*r->p == '(') {
      need_reader peek = *r;
      if (read_group_open(&peek) != GROUP_LOOKAROUND)
        break;
      prefix_sets junk;
      memset(&junk, 0, sizeof junk);
      prefix_of_item(r, &junk);
    } else {
      break;
    }
    if (r->failed || (*r->p && strchr("?*+{", *r->p))) { /* a quantified assertion */
      r->failed = 1;
      return;
    }
  }
  if (*r->p == '(') { /* a group: its strings, when it is not optional */
    need_reader peek = *r;
    if (read_group_open(&peek) != GROUP_PLAIN ||
        (r->p[1] == '?' && r->p[2] >= 'A' && r->p[2] <= 'Z')) { /* (?R)...: not read */
      r->failed = 1;
      return;
    }
    *r = peek;
    strings_of_alternatives(r, out);
    if (r->failed || *r->p != ')') {
      r->failed = 1;
      return;
    }
    r->p++;
    if (read_quantifier(r))
      r->failed = 1;
    skip_branch(r);
    return;
  }
  char text[OPEN_STRING_MAX];
  size_t len = 0;
  for (;;) {
    const char *p = r->p;
    size_t n = literal_at(&p);
    if (n == 0 || len + n > sizeof text)
      break;
    need_reader q = {p + n, 0, 0};
    int optional = read_quantifier(&q);
    if (q.failed || optional)
      break;
    memcpy(text + len, p, n);
    len += n;
    int repeated = q.p != p + n;
    r->p = q.p;
    if (repeated) /* "c+" or "c{2}": the text goes on with c, or something else */
      break;
  }
  if (len == 0 || out->n == OPEN_STRINGS) {
    r->failed = 1;
    return;
  }
  memcpy(out->s[out->n], text, len);
  out->len[out->n++] = (uint8_t)len;
  skip_branch(r);
}

static void strings_of_alternatives(need_reader *r, open_strings *out) {
  strings_of_branch(r, out);
  while (*r->p == '|' && !r->failed) {
    r->p++;
    strings_of_branch(r, out);
  }
}

/* The strings one of which every match opens with (n == 0: none known). Strings shorter
 * than three bytes tell no more than the openings' two bytes. */
static open_strings strings_of(const char *pattern, int caseless) {
  open_strings out;
  memset(&out, 0, sizeof out);
  if (caseless)
    return out;
  need_reader r = {pattern, 0, 0};
  strings_of_alternatives(&r, &out);
  unsigned shortest = OPEN_STRING_MAX;
  for (unsigned i = 0; i < out.n; i++)
    shortest = out.len[i] < shortest ? out.len[i] : shortest;
  if (r.failed || *r.p || shortest < 3)
    out.n = 0;
  return out;
}

/* Reads PCRE2's start-of-match facts. The first code unit and the bitmap of first code units
 * are documented for unanchored patterns; PCRE2 10.42 also computes them for anchored ones,
 * with the same meaning (the first code unit of any match). Where PCRE2 reports nothing, the
 * filter lets everything through. */
static void filter_init(rule_filter *f, const pcre2_code *code, const char *pattern) {
  uint32_t options = 0, type = 0, unit = 0;
  const uint8_t *bitmap = NULL;
  memset(f, 0, sizeof *f);
  if (pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &f->min_len) != 0)
    f->min_len = 0;
  if (pcre2_pattern_info(code, PCRE2_INFO_ALLOPTIONS, &options) != 0)
    options = PCRE2_CASELESS; /* unknown: assume the worst */
  f->anchored = (options & PCRE2_ANCHORED) != 0;
  int caseless = may_be_caseless(pattern, options);
  /* type 2 (a match starts at a line start) gives no bytes */
  if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type) == 0 && type == 1 &&
      pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0) {
    f->has_first = (uint8_t)add_unit(&f->first, unit, caseless);
  } else if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &bitmap) == 0 && bitmap) {
    /* the bitmap is PCRE2's own, caseless variants and all */
    for (unsigned c = 0; c < 256; c++)
      if (bitmap[c / 8] & (1u << (c % 8)))
        set_add(&f->first, c);
    f->has_first = 1;
  }
  if (pcre2_pattern_info(code, PCRE2_INFO_LASTCODETYPE, &type) == 0 && type == 1 &&
      pcre2_pattern_info(code, PCRE2_INFO_LASTCODEUNIT, &unit) == 0) {
    f->has_last = (uint8_t)add_unit(&f->last, unit, caseless);
  }
  byte_need text = need_of(pattern, caseless), pcre = {f->has_last, f->last};
  need_pick(&pcre, &text);
  f->has_last = (uint8_t)pcre.has;
  f->last = pcre.set;
  prefix_sets prefix = prefix_of(pattern, caseless);
  /* $ and \Z may match before a final newline, which the match then does not hold */
  set_add(&prefix.after, '\n');
  f->has_prefix = f->anchored && prefix.found && set_size(&prefix.before) < 256;
  /* under (?m) $ matches before any newline */
  f->has_suffix = prefix.ends && prefix.tail_found && set_size(&prefix.after) < 256 &&
                  !may_set_option(pattern, options, PCRE2_MULTILINE, 'm');
  f->has_whole = f->anchored && prefix.ends && set_size(&prefix.all) < 256 &&
                 !may_set_option(pattern, options, PCRE2_MULTILINE, 'm');
  open_strings strings = strings_of(pattern, caseless);
  f->nstrings = (uint8_t)strings.n;
  memcpy(f->string_len, strings.len, sizeof strings.len);
  memcpy(f->strings, strings.s, sizeof strings.s);
  for (unsigned i = 0; i < f->nstrings; i++) {
    unsigned char word[OPEN_STRING_MAX] = {0}, mask[OPEN_STRING_MAX] = {0};
    memcpy(word, f->strings[i], f->string_len[i]);
    memset(mask, 0xFF, f->string_len[i]);
    memcpy(&f->string_word[i].word, word, sizeof word);
    memcpy(&f->string_word[i].mask, mask, sizeof mask);
  }
  for (unsigned i = f->nstrings; i < OPEN_STRINGS; i++) /* under a zero mask: never a match */
    f->string_word[i].word = 1;
  for (unsigned c = 0; c < 256 && (f->has_prefix || f->has_suffix || f->has_whole); c++) {
    unsigned step = (set_has(&prefix.before, c) ? SCAN_BEFORE : 0) |
                    (set_has(&prefix.stop, c) ? SCAN_STOP : 0) |
                    (set_has(&prefix.after, c) ? SCAN_AFTER : 0) |
                    (set_has(&prefix.tail_stop, c) ? SCAN_TAIL_STOP : 0) |
                    (set_has(&prefix.all, c) ? SCAN_ALL : 0);
    if ((step & (SCAN_BEFORE | SCAN_STOP)) == SCAN_BEFORE)
      step |= SCAN_PASS;
    if ((step & (SCAN_AFTER | SCAN_TAIL_STOP)) == SCAN_AFTER)
      step |= SCAN_TAIL_PASS;
    f->scan_step[c] = (uint8_t)step;
  }
}

/* How much an attempt to match at offset p depends on what lies before p. */
typedef enum rule_reach {
  REACH_NONE, /* not at all */
  REACH_WORD, /* only on whether the character before p is a word character */
  REACH_ANY   /* in any way */
} rule_reach;

/* An attempt at offset p reads before p through a lookbehind only: PCRE2 counts \b and \B as
 * one character long, and \A as one too, and MAXLOOKBEHIND bounds how far back any goes.
 * With no lookbehind group ("(?<" or an alpha assertion "(*...") the one-character reads are
 * \b and \B, which only ask whether that character is a word character (p == 0 counts as
 * not). \G, \A and ^ (offset 0 only, or after a newline under (?m)) depend on p itself.
 * Read from the pattern's text, where a false yes only weakens the filter: a ^ right after
 * an unescaped [ negates a class, any other is taken for an anchor; a named group "(?<name>"
 * is taken for a lookbehind. */
static rule_reach rule_reach_of(const pcre2_code *code, const char *pattern) {
  uint32_t lookbehind = 2;
  if (pcre2_pattern_info(code, PCRE2_INFO_MAXLOOKBEHIND, &lookbehind) != 0 || lookbehind > 1)
    return REACH_ANY;
  for (const char *p = pattern; *p; p++) {
    if (*p == '\\') {
      if (p[1] == 'G' || p[1] == 'A')
        return REACH_ANY;
      if (p[1])
        p++;
    } else if (*p == '^' && !(p > pattern && p[-1] == '[' && (p - 1 == pattern || p[-2] != '\\'))) {
      return REACH_ANY;
    } else if (*p == '(' && (strncmp(p, "(?<", 3) == 0 || p[1] == '*')) {
      return REACH_ANY;
    }
  }
  return lookbehind == 0 ? REACH_NONE : REACH_WORD;
}

/* At most this many ASCII first bytes get a table of the bytes that may follow them, which
 * costs 128 test matches each (per context) at load time. */
#define FOLLOW_MAX 40
/* A first byte followed by at most this many ASCII bytes gets a table of the third bytes
 * (128 test matches per second byte and context): "Ba" opens the caseless "baca", "bagikan"
 * and "bergabung" and thousands of paragraphs ("Bahkan", "Banyak"), "Bac" far fewer. */
#define THIRD_MAX 6

/* Whether a match may start at the start of s[0, n) (ASCII, so whole characters) in a
 * subject that goes on past n and has the character `before` (< 0: nothing) before s. The
 * test runs on before + s[0, n) alone, from offset 1 (or 0), with PCRE2_PARTIAL_HARD: the
 * matcher reads the same characters as on the real subject until it needs one past the
 * end, and then it stops with PCRE2_ERROR_PARTIAL (at the end, \z, \Z, \b, \B and $ give a
 * partial match too; the optimizations that look at the whole subject, the minimum length
 * and the required last unit, are off in partial matching). So where the real subject has
 * a match there, the test gives a match or a partial one, never PCRE2_ERROR_NOMATCH, as
 * long as the real subject has the same character before (or one the rule's reach cannot
 * tell from it). Other errors count as a possible match; running out of memory is
 * reported (-1). */
static int may_open_with(const pcre2_code *code, int before, const char *s, size_t n,
                         pcre2_match_data *md, pcre2_match_context *mctx) {
  char subject[4];
  size_t at = before >= 0;
  subject[0] = (char)before;
  memcpy(subject + at, s, n);
  int rc = pcre2_match(code, (PCRE2_SPTR)subject, at + n, at, PCRE2_ANCHORED | PCRE2_PARTIAL_HARD,
                       md, mctx);
  return rc == PCRE2_ERROR_NOMEMORY ? -1 : rc != PCRE2_ERROR_NOMATCH;
}

/* may_open_with in every context the rule's reach can tell apart: nothing before (the
 * subject's start), and for REACH_WORD a word and a non-word character before. Under
 * REACH_ANY the answer holds at a subject's start only. */
static int may_open_anywhere(const pcre2_code *code, rule_reach reach, const char *s, size_t n,
                             pcre2_match_data *md, pcre2_match_context *mctx) {
  static const int contexts[] = {-1, 'a', ' '};
  size_t ncontexts = reach == REACH_WORD ? 3 : 1;
  for (size_t i = 0; i < ncontexts; i++) {
    int m = may_open_with(code, contexts[i], s, n, md, mctx);
    if (m != 0)
      return m;
  }
  return 0;
}

/* Fills the filter's `open` and `follow` by test matches on every one-, two- and (after few
 * second bytes) three-byte ASCII opening (may_open_anywhere). Bytes from 0x80 up are not tried:
 * they are in `open` when PCRE2's `first` has them or gives nothing, and may always come second. */
static void find_leads(rule_filter *f);

static kabar_status find_openings(rule_filter *f, const kabar_ctx *ctx, const pcre2_code *code,
                                  rule_reach reach) {
  pcre2_match_data *md = pcre2_match_data_create(1, ctx->pcre_gctx);
  if (!md)
    return KABAR_ENOMEM;
  kabar_status rc = KABAR_OK;
  unsigned nfirst = 0;
  char s[3];
  for (unsigned c = 0; c < 0x80 && rc == KABAR_OK; c++) {
    s[0] = (char)c;
    int m = f->has_first && !set_has(&f->first, c)
                ? 0
                : may_open_anywhere(code, reach, s, 1, md, ctx->pcre_mctx);
    if (m > 0) {
      set_add(&f->open, c);
      nfirst++;
    }
    rc = m < 0 ? KABAR_ENOMEM : KABAR_OK;
  }
  for (unsigned c = 0x80; c < 0x100; c++)
    if (!f->has_first || set_has(&f->first, c))
      set_add(&f->open, c);
  if (rc == KABAR_OK && nfirst <= FOLLOW_MAX && nfirst > 0) {
    f->follow = kabar__calloc(nfirst, sizeof *f->follow);
    rc = f->follow ? KABAR_OK : KABAR_ENOMEM;
  }
  unsigned nfollow = 0;
  for (unsigned c = 0; c < 0x80 && f->follow && rc == KABAR_OK; c++) {
    if (!set_has(&f->open, c))
      continue;
    uint64_t *next = f->follow[nfollow];
    unsigned count = 0;
    s[0] = (char)c;
    for (unsigned d = 0; d < 0x80 && rc == KABAR_OK; d++) {
      s[1] = (char)d;
      int m = may_open_anywhere(code, reach, s, 2, md, ctx->pcre_mctx);
      if (m > 0) {
        next[d >> 6] |= (uint64_t)1 << (d & 63);
        count++;
      }
      rc = m < 0 ? KABAR_ENOMEM : KABAR_OK;
    }
    next[2] = next[3] = ~(uint64_t)0; /* any third byte, unless tested below */
    if (count <= THIRD_MAX) {
      next[2] = next[3] = 0;
      for (unsigned d = 0; d < 0x80 && rc == KABAR_OK; d++) {
        if (!(next[d >> 6] >> (d & 63) & 1))
          continue;
        s[1] = (char)d;
        for (unsigned e = 0; e < 0x80 && rc == KABAR_OK; e++) {
          if (next[2 + (e >> 6)] >> (e & 63) & 1)
            continue;
          s[2] = (char)e;
          int m = may_open_anywhere(code, reach, s, 3, md, ctx->pcre_mctx);
          if (m > 0)
            next[2 + (e >> 6)] |= (uint64_t)1 << (e & 63);
          rc = m < 0 ? KABAR_ENOMEM : KABAR_OK;
        }
      }
    }
    if (count < 0x80) /* else anything may follow: no table */
      f->follow_of[c] = (uint8_t)++nfollow;
    else
      next[0] = next[1] = next[2] = next[3] = 0;
  }
  pcre2_match_data_free(md);
  if (rc != KABAR_OK)
    return rc;
  f->has_open = 1;
  f->anywhere = reach != REACH_ANY;
  find_leads(f);
  return KABAR_OK;
}

/* The openings of a rule whose every match opens with one of its strings (strings_of): their
 * first three bytes, at every offset (the strings are text the match consumes, whatever lies
 * before it), without find_openings' test matches. */
static kabar_status openings_from_strings(rule_filter *f) {
  f->follow = kabar__calloc(f->nstrings, sizeof *f->follow);
  if (!f->follow)
    return KABAR_ENOMEM;
  unsigned nfollow = 0;
  for (unsigned i = 0; i < f->nstrings; i++) { /* strings_of's are 3 bytes long or more */
    unsigned char c = (unsigned char)f->strings[i][0], d = (unsigned char)f->strings[i][1],
                  e = (unsigned char)f->strings[i][2];
    set_add(&f->open, c);
    if (c >= 0x80 || d >= 0x80) /* bytes from 0x80 up may always come second */
      continue;
    if (f->follow_of[c] == 0)
      f->follow_of[c] = (uint8_t)++nfollow;
    uint64_t *next = f->follow[f->follow_of[c] - 1];
    next[d >> 6] |= (uint64_t)1 << (d & 63);
    if (e < 0x80) /* and from 0x80 up third */
      next[2 + (e >> 6)] |= (uint64_t)1 << (e & 63);
  }
  f->has_open = 1;
  f->anywhere = 1;
  find_leads(f);
  return KABAR_OK;
}

/* The filter's lead bytes, from `open`. */
static void find_leads(rule_filter *f) {
  unsigned nlead = 0;
  for (unsigned c = 0; c < 0x100 && nlead <= sizeof f->lead; c++)
    if (set_has(&f->open, c) && nlead++ < sizeof f->lead)
      f->lead[nlead - 1] = (uint8_t)c;
  f->nlead = nlead <= sizeof f->lead && f->min_len > 0 ? (uint8_t)nlead : 0;
  f->rare_leads = f->nlead > 0;
  f->lead_classes = 0;
  for (unsigned k = 0; k < f->nlead; k++) {
    f->rare_leads &= !is_common_byte(f->lead[k]);
    f->lead_classes |= class_bit(f->lead[k]);
  }
  if (!f->rare_leads)
    f->lead_classes = 0;
}

/* Whether s[0, n) opens with one of the rule's strings (n >= 8: by one load compared with
 * the first STRING_SLOTS words, with no branch on how many the rule has: filter_init makes
 * an unused slot one that never matches; the loop on the count was mispredicted as the
 * rules took turns). */
static int opens_with_string(const rule_filter *f, const unsigned char *s, size_t n) {
  if (n >= sizeof(uint64_t)) {
    uint64_t w;
    memcpy(&w, s, sizeof w);
    int hit = 0;
    for (unsigned i = 0; i < STRING_SLOTS; i++)
      hit |= (w & f->string_word[i].mask) == f->string_word[i].word;
    for (unsigned i = STRING_SLOTS; i < f->nstrings; i++) /* rules with more strings: rare */
      hit |= (w & f->string_word[i].mask) == f->string_word[i].word;
    return hit;
  }
  for (unsigned i = 0; i < f->nstrings; i++)
    if (f->string_len[i] <= n && memcmp(s, f->strings[i], f->string_len[i]) == 0)
      return 1;
  return 0;
}

/* Whether a match may start at s[p] (p < n) by `open` and `follow` (the opening strings are
 * the callers' next test: most candidates fail these first). */
static int may_open_at(const rule_filter *f, const unsigned char *s, size_t n, size_t p) {
  unsigned c = s[p];
  if (!set_has(&f->open, c))
    return 0;
  unsigned k = c < 0x80 ? f->follow_of[c] : 0;
  if (k == 0 || p + 1 >= n || s[p + 1] >= 0x80)
    return 1;
  const uint64_t *next = f->follow[k - 1];
  unsigned d = s[p + 1], e = p + 2 < n ? s[p + 2] : 0x80; /* 0x80 and up: any third byte */
  uint64_t third = next[2 + (e >> 6 & 1)] >> (e & 63) | e >> 7;
  return (int)(next[d >> 6] >> (d & 63) & third & 1);
}

/* Whether a match may start at s[p] (p < n): by its opening strings alone where it has some
 * and 8 bytes are left (one load; the shipped rules' strings are 4 bytes or more, so they
 * say more than the two bytes `open` and `follow` look at, and skipping those tests only ever
 * lets more through), else by `open` and `follow` and then the strings. */
static inline int may_open_here(const rule_filter *f, const unsigned char *s, size_t n,
                                size_t p) {
  if (f->nstrings && n - p >= sizeof(uint64_t))
    return opens_with_string(f, s + p, n - p);
  return may_open_at(f, s, n, p) && (f->nstrings == 0 || opens_with_string(f, s + p, n - p));
}

/* may_open_in for leads that `seen` does not list: memchr finds them. */
static int may_open_searched(const rule_filter *f, const char *s, size_t n, size_t from,
                             size_t end) {
  for (unsigned k = 0; k < f->nlead; k++)
    for (const char *p = s + from; (p = memchr(p, f->lead[k], (size_t)(s + end - p))) != NULL; p++)
      if (may_open_here(f, (const unsigned char *)s, n, (size_t)(p - s)))
        return 1;
  return 0;
}

/* Whether a match may start at an offset in [from, end) by `open` and `follow` (a rule with
 * lead bytes: no others are in `open`). Leads that are all uncommon bytes are looked for
 * among the subject's listed ones (`seen`, when known), the others with memchr. Inline: it
 * runs for most blocks and cut rules, and mostly walks a short list. */
static KABAR_ALWAYS_INLINE int may_open_in(const rule_filter *f, const char *s, size_t n,
                                           size_t from, size_t end, const block_bytes *seen) {
  /* the offsets count from the block's start: a subject that starts elsewhere (a dateline
   * after a cut) may still be told "no" by seen's classes, but is searched with memchr; a
   * list that overflowed lists no class */
  if (f->rare_leads && seen && seen->base == s && !(f->lead_classes & ~seen->listed)) {
    for (unsigned k = 0; k < f->nlead; k++)
      for (unsigned i = seen->last[byte_class[f->lead[k]]]; i != RARE_NONE; i = seen->before[i]) {
        size_t p = seen->rare[i];
        if (p < from) /* the chain runs back from the last offset */
          break;
        if (p < end && may_open_here(f, (const unsigned char *)s, n, p))
          return 1;
      }
    return 0;
  }
  return may_open_searched(f, s, n, from, end);
}

/* Whether a match of an anchored rule with a prefix (has_prefix) may start at `from`: the
 * subject reaches a stop byte through bytes that may come before one. Past SCAN_MAX bytes
 * the answer is yes: the rules' stop bytes come early, and a longer scan would cost more
 * than the PCRE2 call it saves. */
static int may_open_prefix(const rule_filter *f, const unsigned char *s, size_t n, size_t from) {
  size_t end = n - from > SCAN_MAX ? from + SCAN_MAX : n, i = from;
  while (i < end && (f->scan_step[s[i]] & SCAN_PASS))
    i++;
  return i < end ? (f->scan_step[s[i]] & SCAN_STOP) != 0 : end < n;
}

/* Whether a match of an anchored rule that ends at the subject's end (has_whole) may cover
 * s[from, n): its first bytes (SCAN_MAX at most) are all bytes a match may hold. The last
 * three are not looked at: $ and \Z also match before a final newline (up to three bytes
 * under the newline conventions PCRE2 may be built with), which the match does not hold. */
static int may_be_whole(const rule_filter *f, const unsigned char *s, size_t n, size_t from) {
  size_t end = n - from > SCAN_MAX + 3 ? from + SCAN_MAX : n - from > 3 ? n - 3 : from, i = from;
  while (i < end && (f->scan_step[s[i]] & SCAN_ALL))
    i++;
  return i == end;
}

/* Whether a match of a rule with a suffix (has_suffix) may end at the subject's end: back
 * from it, the subject reaches a tail stop byte at `from` or later through bytes that may
 * come after one (SCAN_MAX bytes at most, as may_open_prefix). */
static int may_close_suffix(const rule_filter *f, const unsigned char *s, size_t n, size_t from) {
  size_t stop = n - from > SCAN_MAX ? n - SCAN_MAX : from, i = n;
  while (i > stop && (f->scan_step[s[i - 1]] & SCAN_TAIL_PASS))
    i--;
  return i > stop ? (f->scan_step[s[i - 1]] & SCAN_TAIL_STOP) != 0 : stop > from;
}

/* 0 when no match of the rule can lie in s[from, n) (from <= n). `seen` holds the class
 * (byte_class) of every byte of the subject from `from` on (more may do), or is NULL when not
 * computed. A match starts at
 * `from` or later and is at least min_len characters, hence bytes, long; an anchored rule
 * starts at `from` exactly; the match holds one of the required bytes; and it opens as the
 * test matches allow, at the subject's start or, where they hold anywhere, at every offset. */
static inline int may_match(const rule_filter *f, const char *s, size_t n, size_t from,
                     const block_bytes *seen) {
  if (n - from < f->min_len)
    return 0;
  if (seen && !(f->last_classes & seen->classes))
    return 0;
  if (from >= n) /* only an empty match is left, which min_len allowed */
    return 1;
  if (f->has_prefix && !may_open_prefix(f, (const unsigned char *)s, n, from))
    return 0;
  if (f->has_suffix && !may_close_suffix(f, (const unsigned char *)s, n, from))
    return 0;
  if (f->has_whole && !may_be_whole(f, (const unsigned char *)s, n, from))
    return 0;
  if (f->has_open && f->anchored && (from == 0 || f->anywhere))
    return may_open_here(f, (const unsigned char *)s, n, from);
  if (f->has_open && !f->anchored && f->anywhere && f->nlead) /* min_len > 0 */
    return (!seen || (f->open_classes & seen->classes)) &&
           may_open_in(f, s, n, from, n - f->min_len + 1, seen);
  if (f->has_first) {
    if (f->anchored)
      return set_has(&f->first, (unsigned char)s[from]);
    if (seen && !(f->first_classes & seen->classes))
      return 0;
  }
  return 1;
}

/* 0 when may_match(f, s, n, 0, ...) is 0 for every subject with n > 0 and s[0] == c. */
static int may_open_with_byte(const rule_filter *f, unsigned c) {
  if (!f->anchored)
    return 1;
  if (f->has_open)
    return set_has(&f->open, c);
  return !f->has_first || set_has(&f->first, c);
}

/* The bytes one of which starts every match at any offset, for filter.start: `open` may hold
 * at a subject's start only; PCRE2's `first` always holds. */
static void find_start(rule_filter *f) {
  if (f->has_open && f->anywhere)
    f->start = f->open;
  else if (f->has_first)
    f->start = f->first;
  f->has_start = (f->has_open && f->anywhere) || f->has_first;
}

/* Fills the filter's class masks. */
static void find_classes(rule_filter *f) {
  f->first_classes = f->has_first ? classes_of(&f->first) : ~(uint64_t)0;
  f->last_classes = f->has_last ? classes_of(&f->last) : ~(uint64_t)0;
  f->open_classes = f->has_open ? classes_of(&f->open) : ~(uint64_t)0;
  f->start_classes = f->has_start ? classes_of(&f->start) : ~(uint64_t)0;
}

/* Fills the rules' open_mask, tested, needs and all tables. */
static kabar_status build_open_masks(kabar_rules *rules) {
  for (size_t a = 0; a < RULE_ACTIONS; a++) {
    size_t n = rules->by_action[a].n, words = (n + 63) / 64;
    if (n == 0)
      continue;
    uint64_t *mask = kabar__calloc(258 * words + 2 * n, sizeof *mask);
    if (!mask)
      return KABAR_ENOMEM;
    rules->open_mask[a] = mask;
    rules->tested[a] = mask + 256 * words;
    rules->needs[a] = mask + 257 * words;
    rules->all[a] = mask + 257 * words + 2 * n;
    rules->words[a] = words;
    for (size_t i = 0; i < n; i++) {
      const rule_filter *f = &rules->by_action[a].v[i].filter;
      for (unsigned c = 0; c < 256; c++)
        if (may_open_with_byte(f, c))
          mask[c * words + i / 64] |= (uint64_t)1 << (i % 64);
      if (!((f->start_classes & f->last_classes) >> COMMON_CLASS & 1))
        rules->tested[a][i / 64] |= (uint64_t)1 << (i % 64);
      rules->needs[a][2 * i] = f->start_classes;
      rules->needs[a][2 * i + 1] = f->last_classes;
      rules->lead_classes |= f->lead_classes;
      rules->all[a][i / 64] |= (uint64_t)1 << (i % 64);
    }
  }
  return KABAR_OK;
}

static kabar_status compile_rule(const kabar_ctx *ctx, kabar_rules *rules, rule_action action,
                                 const char *name, const char *pattern, int32_t *detail) {
  int errcode;
  PCRE2_SIZE erroff;
  pcre2_compile_context *cc = pcre2_compile_context_create(ctx->pcre_gctx);
  if (!cc)
    return KABAR_ENOMEM;
  /* the pattern comes from a data file: PCRE2 checks its UTF-8 (fuzz_data_files crashed
   * pcre2_compile with an ill-formed pattern under PCRE2_NO_UTF_CHECK) */
  pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP, &errcode, &erroff, cc);
  pcre2_compile_context_free(cc);
  if (!code) {
    *detail = errcode;
    /* compile-time allocation failure is HEAP_FAILED; NOMEMORY is the match-time code */
    return errcode == PCRE2_ERROR_HEAP_FAILED || errcode == PCRE2_ERROR_NOMEMORY ? KABAR_ENOMEM
                                                                                 : KABAR_EINVAL;
  }
  kabar_rule r = {.code = code, .action = action, .name = kabar__strndup(name, strlen(name))};
  if (ctx->use_jit) { /* the interpreter runs when JIT is off or unavailable */
    size_t jit_size = 0;
    r.jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0 &&
            pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jit_size) == 0 && jit_size > 0;
  }
  filter_init(&r.filter, code, pattern);
  kabar_status rc = r.filter.nstrings
                        ? openings_from_strings(&r.filter)
                        : find_openings(&r.filter, ctx, code, rule_reach_of(code, pattern));
  find_start(&r.filter);
  find_classes(&r.filter);
  if (rc != KABAR_OK || !r.name || KABAR_VEC_PUSH(rules->by_action[action], r) != 0) {
    kabar__free(r.name);
    kabar__free(r.filter.follow);
    pcre2_code_free(code);
    return KABAR_ENOMEM;
  }
  return KABAR_OK;
}

kabar_status kabar__rules_load(const kabar_ctx *ctx, const char *path, int optional,
                               kabar_rules **out, kabar_error *err) {
  kabar_rules *rules = kabar__calloc(1, sizeof *rules);
  if (!rules)
    return fail_at(err, KABAR_ENOMEM, path, KABAR_NO_OFFSET, 0);
  kabar_buf file = {0};
  if (kabar__read_file(path, &file) != 0) {
    int e = errno;
    kabar__buf_free(&file);
    if (optional && e == ENOENT) {
      *out = rules;
      return KABAR_OK;
    }
    kabar__rules_free(rules);
    return fail_at(err, e == ENOMEM ? KABAR_ENOMEM : KABAR_EIO, path, KABAR_NO_OFFSET, e);
  }
  kabar_status rc = KABAR_OK;
  size_t line_no = 0;
  char *p = file.p ? file.p : (char *)"";
  while (rc == KABAR_OK && *p) {
    char *nl = strchr(p, '\n');
    char *next = nl ? nl + 1 : p + strlen(p);
    if (nl)
      *nl = '\0';
    line_no++;
    char *s = p, *e = p + strlen(p);
    while (is_blank(*s))
      s++;
    while (e > s && is_blank(e[-1]))
      *--e = '\0';
    if (*s && *s != '#') {
      rule_action action;
      char *name, *pattern;
      int32_t detail = 0;
      if (parse_rule_line(s, &action, &name, &pattern) != 0)
        rc = fail_at(err, KABAR_EINVAL, path, line_no, 0);
      else if ((rc = compile_rule(ctx, rules, action, name, pattern, &detail)) != KABAR_OK)
        rc = fail_at(err, rc, path, line_no, detail);
    }
    p = next;
  }
  kabar__buf_free(&file);
  if (rc == KABAR_OK && (rc = build_open_masks(rules)) != KABAR_OK)
    rc = fail_at(err, rc, path, KABAR_NO_OFFSET, 0);
  if (rc != KABAR_OK) {
    kabar__rules_free(rules);
    return rc;
  }
  *out = rules;
  return KABAR_OK;
}

/* The merged set holds copies of the rules (a rule's filter is read for every block, so it
 * is kept next to the others of its set rather than reached through a pointer); the copies
 * share the code, names and follow tables of the originals, which outlive it (both belong to
 * the context). Each action's rules are the common ones then the language's, in file order:
 * the order in which kabar__clean visited the two sets, so the first rule that matches, the
 * cuts and their names stay the same. */
kabar_status kabar__rules_add_common(kabar_rules *rules, const kabar_rules *common) {
  kabar_rules *merged = kabar__calloc(1, sizeof *merged);
  if (!merged)
    return KABAR_ENOMEM;
  merged->borrowed = 1;
  kabar_status rc = KABAR_OK;
  for (size_t a = 0; a < RULE_ACTIONS && rc == KABAR_OK; a++) {
    const kabar_rules *from[] = {common, rules};
    for (size_t k = 0; k < 2 && rc == KABAR_OK; k++)
      for (size_t i = 0; i < from[k]->by_action[a].n && rc == KABAR_OK; i++)
        if (KABAR_VEC_PUSH(merged->by_action[a], from[k]->by_action[a].v[i]) != 0)
          rc = KABAR_ENOMEM;
  }
  if (rc == KABAR_OK)
    rc = build_open_masks(merged);
  if (rc != KABAR_OK) {
    kabar__rules_free(merged);
    return rc;
  }
  kabar__rules_free(rules->with_common);
  rules->with_common = merged;
  return KABAR_OK;
}

const kabar_rules *kabar__rules_with_common(const kabar_rules *rules) {
  return rules ? rules->with_common : NULL;
}

/* ---- matching ------------------------------------------------------------------------- */

typedef struct clean_run {
  kabar_doc *doc;
  pcre2_match_data *md;
  kabar_error *err;
  const kabar_rules *sets[3];
  size_t nsets;
} clean_run;

/* Runs PCRE2 for match_at. */
static int pcre_match_at(clean_run *run, const kabar_rule *rule, const char *s, size_t n,
                         size_t from, size_t *ms, size_t *me) {
  /* the subject is valid UTF-8 (the text stage repaired it), as the fast path requires */
  int rc = rule->jit ? pcre2_jit_match(rule->code, (PCRE2_SPTR)s, n, from, 0, run->md,
                                       run->doc->ctx->pcre_mctx)
                     : pcre2_match(rule->code, (PCRE2_SPTR)s, n, from, PCRE2_NO_UTF_CHECK, run->md,
                                   run->doc->ctx->pcre_mctx);
  if (rc == PCRE2_ERROR_NOMATCH)
    return 0;
  if (rc < 0) {
    kabar_status st = rc == PCRE2_ERROR_NOMEMORY ? KABAR_ENOMEM
                      : (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                         rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
                          ? KABAR_ELIMIT
                          : KABAR_EDEP;
    /* an offset into the caller's input, not into the repaired text */
    return kabar__fail(run->err, st,
                       kabar__offmap_orig(&run->doc->map, (size_t)(s - run->doc->text) + from), rc);
  }
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(run->md);
  *ms = ov[0];
  *me = ov[1];
  return 1;
}

/* Finds the rule in s[from, n) (subject starts at s); `seen` as for may_match. 1 found, 0 not,
 * <0 kabar_status. */
static inline int match_at(clean_run *run, const kabar_rule *rule, const char *s, size_t n,
                           size_t from, const block_bytes *seen, size_t *ms, size_t *me) {
  if (!may_match(&rule->filter, s, n, from, seen))
    return 0;
  return pcre_match_at(run, rule, s, n, from, ms, me);
}

typedef int (*rule_visit)(clean_run *run, const kabar_rule *rule, void *ud);

/* Bit j of the result: rule 64w + j of the set's `action` may match in the subject s[0, n)
 * (from offset 0 when `opening`) whose bytes' classes are in `seen` (NULL: not computed).
 * Every rule for which may_match() can be 1 is in. */
static inline uint64_t candidates(const kabar_rules *set, rule_action action, size_t w,
                                  const char *s, size_t n, int opening, const block_bytes *seen) {
  uint64_t m = set->all[action][w];
  if (opening && n > 0)
    m &= set->open_mask[action][(unsigned char)s[0] * set->words[action] + w];
  const uint64_t *needs = set->needs[action] + 2 * 64 * w;
  /* whether a rule's classes meet the block's is data, not a pattern: no branch on it */
  uint64_t drop = 0;
  for (uint64_t b = seen ? m & set->tested[action][w] : 0; b; b &= b - 1) {
    size_t j = (size_t)__builtin_ctzll(b);
    uint64_t miss =
        ((needs[2 * j] & seen->classes) == 0) | ((needs[2 * j + 1] & seen->classes) == 0);
    drop |= miss << j;
  }
  return m & ~drop;
}

/* Calls visit for every candidate() of `action` in the run's rule sets, in order, until one
 * returns non-zero (a match that settles the question, or an error). */
static KABAR_ALWAYS_INLINE int for_each_candidate(clean_run *run, rule_action action, const char *s,
                                                  size_t n, int opening, const block_bytes *seen,
                                                  rule_visit visit, void *ud) {
  for (size_t k = 0; k < run->nsets; k++) {
    const kabar_rules *set = run->sets[k];
    const kabar_rule *rule = set->by_action[action].v;
    for (size_t w = 0; w < set->words[action]; w++)
      for (uint64_t m = candidates(set, action, w, s, n, opening, seen); m; m &= m - 1) {
        int r = visit(run, &rule[w * 64 + (size_t)__builtin_ctzll(m)], ud);
        if (r)
          return r;
      }
  }
  return 0;
}

/* ---- test hooks ---------------------------------------------------------------------- */

/* Rule i in the order of kabar__rule_check: its action and its index within it. */
static const kabar_rule *rule_by_index(const kabar_rules *rules, size_t i, rule_action *action,
                                       size_t *j) {
  for (size_t a = 0; a < RULE_ACTIONS; a++) {
    if (i < rules->by_action[a].n) {
      *action = (rule_action)a;
      *j = i;
      return &rules->by_action[a].v[i];
    }
    i -= rules->by_action[a].n;
  }
  return NULL;
}

size_t kabar__rules_count(const kabar_rules *rules) {
  size_t n = 0;
  for (size_t a = 0; rules && a < RULE_ACTIONS; a++)
    n += rules->by_action[a].n;
  return n;
}

int kabar__rule_check(const kabar_ctx *ctx, const kabar_rules *rules, size_t i, const char *s,
                      size_t n, size_t from, int *verdict, const char **name) {
  rule_action action = RULE_BLOCK;
  size_t j = 0;
  const kabar_rule *rule = rule_by_index(rules, i, &action, &j);
  if (!rule || from > n)
    return PCRE2_ERROR_BADOFFSET;
  block_bytes seen;
  bytes_of(&seen, s, n, rules->lead_classes);
  /* every filter the matching passes use: the rule's own, and the tables that pick the
   * candidates (the openings at offset 0 only) */
  uint64_t listed = candidates(rules, action, j / 64, s, n, from == 0, &seen) &
                    candidates(rules, action, j / 64, s, n, from == 0, NULL);
  *verdict = (int)((listed >> (j % 64)) & 1) && may_match(&rule->filter, s, n, from, &seen) &&
             may_match(&rule->filter, s, n, from, NULL);
  *name = rule->name;
  pcre2_match_data *md = pcre2_match_data_create(1, ctx->pcre_gctx);
  if (!md)
    return PCRE2_ERROR_NOMEMORY;
  int rc = pcre2_match(rule->code, (PCRE2_SPTR)s, n, from, 0, md, ctx->pcre_mctx);
  pcre2_match_data_free(md);
  return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : rc;
}

/* ---- cuts and blocks ------------------------------------------------------------------ */

static int push_cut(kabar_doc *doc, uint32_t a, uint32_t b, uint32_t block, uint8_t kind,
                    const char *rule) {
  kabar_cut c = {a, b, block, kind, rule};
  return KABAR_VEC_PUSH(doc->cuts, c);
}

/* Block rules see only blocks up to this size: boilerplate lines are short, and long
 * paragraphs then never pay for anchored whole-line patterns. */
#define BLOCK_RULE_MAX 1000
/* Confidence reported for a language found only through boilerplate rules. */
#define CHROME_LANG_CONFIDENCE 0.3

typedef struct block_ctx {
  kabar_block *blk;
  const block_bytes *seen; /* the block's bytes (bytes_of), or NULL */
  uint32_t bi;
  uint32_t pos, limit; /* datelines: where the text proper starts, and the next cut */
  kabar_cut found;     /* datelines: the one found (found.end == 0: none) */
} block_ctx;

static int visit_block_rule(clean_run *run, const kabar_rule *rule, void *ud) {
  kabar_block *blk = ((block_ctx *)ud)->blk;
  size_t ms = 0, me = 0;
  int m = match_at(run, rule, run->doc->text + blk->start, blk->end - blk->start, 0,
                   ((block_ctx *)ud)->seen, &ms, &me);
  if (m == 1) {
    blk->kind = KABAR_BLOCK_BOILERPLATE;
    blk->rule = rule->name;
  }
  return m;
}

static kabar_status block_rules(clean_run *run, kabar_block *blk, const block_bytes *seen) {
  if (blk->end - blk->start > BLOCK_RULE_MAX)
    return KABAR_OK;
  block_ctx bc = {.blk = blk, .seen = seen};
  int r = for_each_candidate(run, RULE_BLOCK, run->doc->text + blk->start, blk->end - blk->start, 1,
                             seen, visit_block_rule, &bc);
  return r < 0 ? (kabar_status)r : KABAR_OK;
}

/* A cut takes the blanks before it along, so rules need not start with \s* (which would make
 * every position a candidate start and defeat PCRE2's first-character scan). */
static size_t absorb_blanks_before(const char *s, size_t ms) {
  while (ms > 0) {
    size_t p = ms - 1, len;
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
      p--;
    if (!kabar__is_space_cp(kabar__utf8_decode((const unsigned char *)s + p, ms - p, &len)))
      break;
    ms = p;
  }
  return ms;
}

static int visit_cut_rule(clean_run *run, const kabar_rule *rule, void *ud) {
  block_ctx *bc = ud;
  kabar_doc *doc = run->doc;
  const char *s = doc->text + bc->blk->start;
  size_t n = bc->blk->end - bc->blk->start, from = 0, ms = 0, me = 0;
  if (rule->action == RULE_CUT_TAIL && n > TAIL_WINDOW) {
    from = n - TAIL_WINDOW;
    while (from < n && ((unsigned char)s[from] & 0xC0) == 0x80)
      from++;
  }
  while (from <= n) {
    int m = match_at(run, rule, s, n, from, bc->seen, &ms, &me);
    if (m <= 0)
      return m;
    size_t start = absorb_blanks_before(s, ms);
    if (rule->action == RULE_CUT_TAIL && start > 0 && s[start - 1] == ',')
      start = absorb_blanks_before(s, start - 1); /* "..., Artikel ini telah tayang ..." */
    if (me > ms && push_cut(doc, bc->blk->start + (uint32_t)start, bc->blk->start + (uint32_t)me,
                            bc->bi, KABAR_CUT_BOILERPLATE, rule->name) != 0)
      return KABAR_ENOMEM;
    if (me > from) {
      from = me;
    } else { /* empty match: step one code point */
      from++;
      while (from < n && ((unsigned char)s[from] & 0xC0) == 0x80)
        from++;
    }
  }
  return 0;
}

static int visit_dateline_rule(clean_run *run, const kabar_rule *rule, void *ud) {
  block_ctx *bc = ud;
  size_t ms = 0, me = 0;
  /* seen (when set) is the whole block's: its classes cover the subject [pos, limit), and its
   * byte offsets are used only for a subject at the block's start (may_open_in) */
  int m = match_at(run, rule, run->doc->text + bc->pos, bc->limit - bc->pos, 0, bc->seen, &ms,
                   &me);
  if (m <= 0 || ms != 0 || me == 0)
    return m < 0 ? m : 0;
  kabar_cut c = {bc->pos, bc->pos + (uint32_t)me, bc->bi, KABAR_CUT_DATELINE, rule->name};
  bc->found = c;
  return 1;
}

static int cmp_cut(const void *a, const void *b) {
  const kabar_cut *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
}

size_t kabar__cuts_merge(kabar_cut *c, size_t n) {
  if (n == 0)
    return 0;
  qsort(c, n, sizeof *c, cmp_cut);
  /* last[k]: 1 + the index in the output of the last cut of kind k (0: none yet). A cut is
   * merged into the last one of its own kind, not into the last one kept: with a cut of
   * another kind between them, [0,10) [3,5) [4,12), comparing with the last one kept left
   * [0,10) and [4,12) overlapping. */
  size_t last[KABAR_CUT_DATELINE + 1] = {0}, w = 0;
  for (size_t i = 0; i < n; i++) {
    size_t k = c[i].kind <= KABAR_CUT_DATELINE ? c[i].kind : 0, *at = &last[k];
    if (*at > 0 && c[i].start < c[*at - 1].end) {
      if (c[i].end > c[*at - 1].end)
        c[*at - 1].end = c[i].end;
      continue;
    }
    c[w] = c[i];
    *at = ++w;
  }
  return w;
}

/* Sorts the block's cuts from index `first` on and merges overlapping ones. */
static void merge_cuts(kabar_doc *doc, size_t first) {
  if (doc->cuts.n > first) /* else cuts.v may be NULL, where even + 0 is undefined */
    doc->cuts.n = first + kabar__cuts_merge(doc->cuts.v + first, doc->cuts.n - first);
}

static kabar_status cut_rules(clean_run *run, uint32_t bi, const block_bytes *seen) {
  kabar_doc *doc = run->doc;
  size_t first = doc->cuts.n;
  block_ctx bc = {.blk = &doc->blocks.v[bi], .seen = seen, .bi = bi};
  const char *s = doc->text + bc.blk->start;
  size_t n = bc.blk->end - bc.blk->start;
  /* a cut-tail rule's first attempt is at the window's start: not `opening` */
  int r = for_each_candidate(run, RULE_CUT, s, n, 0, seen, visit_cut_rule, &bc);
  if (r == 0)
    r = for_each_candidate(run, RULE_CUT_TAIL, s, n, 0, seen, visit_cut_rule, &bc);
  if (r < 0)
    return (kabar_status)r;
  merge_cuts(doc, first);
  return KABAR_OK;
}

/* Index of the first cut starting at or after pos; cuts are sorted while datelines are
 * being looked for (they are added afterwards). */
static size_t first_cut_from(const kabar_doc *doc, uint32_t pos) {
  size_t lo = 0, hi = doc->cuts.n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (doc->cuts.v[mid].start < pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* A dateline opens the block, after any cut (such as glued metadata) at its start, and ends
 * before the block's next cut. Sets *found (found->end == 0 when there is none). */
static kabar_status find_dateline(clean_run *run, uint32_t bi, kabar_cut *found) {
  kabar_doc *doc = run->doc;
  const kabar_block *blk = &doc->blocks.v[bi];
  uint32_t pos = blk->start;
  size_t c = first_cut_from(doc, blk->start);
  for (;; c++) { /* skip the cuts that open the block */
    while (pos < blk->end && (doc->text[pos] == ' ' || doc->text[pos] == '\t'))
      pos++;
    if (c >= doc->cuts.n || doc->cuts.v[c].start > pos)
      break;
    if (doc->cuts.v[c].end > pos)
      pos = doc->cuts.v[c].end;
  }
  /* no byte set: the rules' openings leave few to try */
  block_ctx bc;
  memset(&bc, 0, sizeof bc);
  bc.blk = (kabar_block *)blk;
  bc.bi = bi;
  bc.pos = pos < blk->end ? pos : blk->end;
  bc.limit = c < doc->cuts.n && doc->cuts.v[c].start < blk->end ? doc->cuts.v[c].start : blk->end;
  if (bc.limit < bc.pos)
    bc.limit = bc.pos;
  int r = for_each_candidate(run, RULE_DATELINE, doc->text + bc.pos, bc.limit - bc.pos, 1, bc.seen,
                             visit_dateline_rule, &bc);
  *found = bc.found;
  return r < 0 ? (kabar_status)r : KABAR_OK;
}

/* Marks tokens inside cuts; returns how many of the block's tokens are left outside. */
static size_t mark_cut_tokens(kabar_doc *doc, uint32_t bi, size_t first_cut) {
  const kabar_block *blk = &doc->blocks.v[bi];
  size_t left = 0, c = first_cut;
  if (c >= doc->cuts.n || doc->cuts.v[c].start >= blk->end) /* no cut in the block: most */
    return blk->tok_end - blk->tok_first;
  for (uint32_t t = blk->tok_first; t < blk->tok_end; t++) {
    kabar_token *tok = &doc->tokens.v[t];
    while (c < doc->cuts.n && doc->cuts.v[c].end <= tok->start)
      c++;
    if (c < doc->cuts.n && doc->cuts.v[c].start < tok->end)
      tok->flags |= KABAR_TOK_CUT;
    else
      left++;
  }
  return left;
}

/* How many of the block's tokens lie outside its boilerplate cuts (sorted, merged). */
static size_t boilerplate_tokens_left(const kabar_doc *doc, uint32_t bi, size_t first_cut) {
  const kabar_block *blk = &doc->blocks.v[bi];
  size_t left = 0, c = first_cut;
  if (c == doc->cuts.n) /* no cut: most blocks */
    return blk->tok_end - blk->tok_first;
  for (uint32_t t = blk->tok_first; t < blk->tok_end; t++) {
    const kabar_token *tok = &doc->tokens.v[t];
    while (c < doc->cuts.n && doc->cuts.v[c].end < tok->end)
      c++;
    left += !(c < doc->cuts.n && doc->cuts.v[c].start <= tok->start);
  }
  return left;
}

/* The block's last character that is not a closing quote or bracket ('x."' ends in '.'). */
static char last_char_before_closers(const kabar_doc *doc, const kabar_block *blk) {
  static const char *closers[] = {"\"",           "'",       ")", "]", "\xE2\x80\x9D",
                                  "\xE2\x80\x99", "\xC2\xBB"}; /* ” ’ » */
  uint32_t end = blk->end;
  for (int again = 1; again && end > blk->start;) {
    again = 0;
    for (size_t i = 0; i < sizeof closers / sizeof *closers; i++) {
      uint32_t n = (uint32_t)strlen(closers[i]);
      if (end - blk->start >= n && memcmp(doc->text + end - n, closers[i], n) == 0) {
        end -= n;
        again = 1;
        break;
      }
    }
  }
  return end > blk->start ? doc->text[end - 1] : '\0';
}

static int is_title_block(const kabar_doc *doc, const kabar_block *blk) {
  size_t n = blk->end - blk->start;
  if (n > 250 || blk->tok_end - blk->tok_first > 30 || blk->tok_end == blk->tok_first)
    return 0;
  char last = last_char_before_closers(doc, blk);
  return last == '\0' || !strchr(".!?:;,", last);
}

static void pick_title(kabar_doc *doc) {
  size_t content = 0, first = KABAR_NO_INDEX;
  for (size_t i = 0; i < doc->blocks.n; i++)
    if (doc->blocks.v[i].kind != KABAR_BLOCK_BOILERPLATE) {
      if (first == KABAR_NO_INDEX)
        first = i;
      content++;
    }
  if (content >= 2 && is_title_block(doc, &doc->blocks.v[first]))
    doc->blocks.v[first].kind = KABAR_BLOCK_TITLE;
}

/* When function words gave no language, site chrome can: a page whose blocks only one
 * language's block or dateline rules recognise ("Halo, pembaca nawala...", "Jakarta, CNN
 * Indonesia --") is in that language. Returns the language or KABAR_LANG_OTHER. */
static int visit_any_rule(clean_run *run, const kabar_rule *rule, void *ud) {
  block_ctx *bc = ud;
  size_t ms = 0, me = 0;
  return match_at(run, rule, run->doc->text + bc->blk->start, bc->blk->end - bc->blk->start, 0,
                  bc->seen, &ms, &me);
}

static uint8_t lang_from_chrome(clean_run *run) {
  const kabar_ctx *ctx = run->doc->ctx;
  size_t best = 0, best_hits = 0, ties = 0;
  for (size_t l = 0; l < ctx->nlangs; l++) {
    run->nsets = 1;
    run->sets[0] = ctx->langs[l].rules;
    size_t hits = 0;
    for (size_t i = 0; i < run->doc->blocks.n; i++) {
      kabar_block *blk = &run->doc->blocks.v[i];
      if (blk->end - blk->start > BLOCK_RULE_MAX)
        continue;
      block_ctx bc = {.blk = blk, .bi = (uint32_t)i};
      const char *s = run->doc->text + blk->start;
      size_t n = blk->end - blk->start;
      hits += for_each_candidate(run, RULE_BLOCK, s, n, 1, NULL, visit_any_rule, &bc) > 0 ||
              for_each_candidate(run, RULE_DATELINE, s, n, 1, NULL, visit_any_rule, &bc) > 0;
    }
    if (hits > best_hits) {
      best = l;
      best_hits = hits;
      ties = 0;
    } else if (hits == best_hits && hits > 0) {
      ties++;
    }
  }
  return best_hits > 0 && ties == 0 ? (uint8_t)best : KABAR_LANG_OTHER;
}

/* The rule sets for a block in language `block_lang` of the run's document, in the order
 * the rules apply: the common ones, the document's language's, then the block's language's
 * when it is another. The first two (or the common ones and the block's language's, in a
 * document of no language) are one merged set when the context has it. */
static void pick_sets(clean_run *run, uint8_t block_lang) {
  const kabar_doc *doc = run->doc;
  const kabar_ctx *ctx = doc->ctx;
  uint8_t langs[2];
  size_t nlangs = 0;
  if (doc->lang != KABAR_LANG_OTHER)
    langs[nlangs++] = doc->lang;
  if (block_lang != doc->lang && block_lang != KABAR_LANG_OTHER)
    langs[nlangs++] = block_lang;
  const kabar_rules *first = nlangs ? ctx->langs[langs[0]].rules->with_common : NULL;
  run->nsets = 0;
  if (first) {
    run->sets[run->nsets++] = first;
  } else {
    run->sets[run->nsets++] = ctx->common_rules;
    if (nlangs)
      run->sets[run->nsets++] = ctx->langs[langs[0]].rules;
  }
  if (nlangs > 1)
    run->sets[run->nsets++] = ctx->langs[langs[1]].rules;
}

/* Datelines are looked for in the first body blocks only. */
#define DATELINE_BLOCKS 2

kabar_status kabar__clean(kabar_doc *doc, kabar_error *err) {
  const kabar_ctx *ctx = doc->ctx;
  clean_run run;
  memset(&run, 0, sizeof run);
  run.doc = doc;
  run.err = err;
  run.md = pcre2_match_data_create(1, ctx->pcre_gctx);
  if (!run.md)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  kabar_status rc = KABAR_OK;
  if (doc->lang == KABAR_LANG_OTHER && !doc->lang_forced) {
    uint8_t l = lang_from_chrome(&run);
    if (l != KABAR_LANG_OTHER) {
      doc->lang = l;
      doc->lang_conf = CHROME_LANG_CONFIDENCE;
      for (size_t i = 0; i < doc->blocks.n; i++)
        if (doc->blocks.v[i].lang == KABAR_LANG_OTHER)
          doc->blocks.v[i].lang = l;
    }
  }
  for (size_t i = 0; i < doc->blocks.n && rc == KABAR_OK; i++) {
    kabar_block *blk = &doc->blocks.v[i];
    pick_sets(&run, blk->lang);
    /* the block's bytes, shared by the filters of all its rules */
    uint64_t listed = 0;
    for (size_t k = 0; k < run.nsets; k++)
      listed |= run.sets[k]->lead_classes;
    block_bytes seen;
    bytes_of(&seen, doc->text + blk->start, blk->end - blk->start, listed);
    if ((rc = block_rules(&run, blk, &seen)) != KABAR_OK || blk->kind == KABAR_BLOCK_BOILERPLATE)
      continue;
    size_t first_cut = doc->cuts.n;
    if ((rc = cut_rules(&run, (uint32_t)i, &seen)) != KABAR_OK)
      break;
    if (boilerplate_tokens_left(doc, (uint32_t)i, first_cut) == 0) {
      blk->kind = KABAR_BLOCK_BOILERPLATE;
      blk->rule = doc->cuts.n > first_cut ? doc->cuts.v[first_cut].rule : "no-words";
      doc->cuts.n = first_cut;
    }
  }
  pick_title(doc);
  kabar_cut datelines[DATELINE_BLOCKS];
  size_t ndatelines = 0, body_seen = 0;
  for (size_t i = 0; i < doc->blocks.n && rc == KABAR_OK && body_seen < DATELINE_BLOCKS; i++) {
    if (doc->blocks.v[i].kind != KABAR_BLOCK_BODY)
      continue;
    body_seen++;
    rc = find_dateline(&run, (uint32_t)i, &datelines[ndatelines]);
    ndatelines += rc == KABAR_OK && datelines[ndatelines].end > 0;
  }
  for (size_t i = 0; i < ndatelines && rc == KABAR_OK; i++)
    if (KABAR_VEC_PUSH(doc->cuts, datelines[i]) != 0)
      rc = KABAR_ENOMEM;
  if (ndatelines > 0 && rc == KABAR_OK) /* cuts stay in input order */
    qsort(doc->cuts.v, doc->cuts.n, sizeof *doc->cuts.v, cmp_cut);
  pcre2_match_data_free(run.md);
  if (rc != KABAR_OK)
    return rc == KABAR_ENOMEM ? kabar__fail(err, rc, KABAR_NO_OFFSET, 0) : rc;
  /* Cuts were appended block by block; datelines keep each block's run sorted. */
  for (size_t i = 0, c = 0; i < doc->blocks.n; i++) {
    while (c < doc->cuts.n && doc->cuts.v[c].block < i)
      c++;
    mark_cut_tokens(doc, (uint32_t)i, c);
  }
  return KABAR_OK;
}
