/* summary/: sentence features and scores, the extractive summary and its keywords.
 *
 * One pass maps tokens to sentences and collects each sentence's distinct content stems (not
 * stopwords, numbers or cut tokens); a second computes the features (see summary.h and
 * model.c) and the scores. The centroid feature compares each sentence with the sum of the
 * article's sentence vectors (per stem: how many candidate sentences contain it), which is
 * linear, unlike a graph over all sentence pairs. Choosing ranks the candidates by score (the
 * best few picked one at a time, the rest sorted) and takes them greedily, skipping
 * near-repeats (Jaccard of content stems >= 0.5 against the first KABAR_SUM_REDUNDANCY_CAP
 * chosen sentences) and sentences past the word budget. */
#include "summary.h"
#include "../text/text.h"

#include <math.h>
#include <stdlib.h>

#define KABAR_SUM_MIN_WORDS 4
#define KABAR_SUM_HEADING_WORDS 12 /* shorter without a final stop: a heading */
#define KABAR_SUM_REDUNDANCY 0.5
#define KABAR_SUM_REDUNDANCY_CAP 64
#define KABAR_SUM_DEFAULT_SENTENCES 3

struct kabar_summary_pick {
  uint32_t sentence, block;
  kabar_span span;
  double score;
};
struct kabar_summary_kw {
  kabar_span span;
  uint32_t term;
  double score;
};

struct kabar_summary {
  const kabar_doc *doc;
  double *scores; /* per doc sentence; -1 = never chosen */
  size_t nscores;
  struct kabar_summary_pick *picks;
  size_t npicks;
  size_t words;
  struct kabar_summary_kw *kws;
  size_t nkws;
  int from_model;
};

/* Per-sentence scratch shared by the features and the choice. */
typedef struct sent_info {
  uint32_t tfirst, tend; /* the sentence's tokens in doc->tokens */
  uint32_t cfirst, cend; /* its distinct content stems in scratch.terms */
  uint32_t words;
  uint32_t caps, nums; /* capitalised words (not the first) and numbers */
  uint8_t cand;
  uint8_t title;   /* in a title block */
  uint32_t in_title, in_lead; /* candidates: how many of its stems are title / lead stems */
  uint32_t block_cands;       /* the first candidate of a block: the block's candidates */
  union {
    uint64_t dfsum; /* candidates: the sum of their stems' df counts (centroid_sums) */
    double central; /* then their centroid similarity (feat_walk_init) */
  } c;
} sent_info;

/* df[t] packs a stem's document frequency (low 32 bits) with two flags, so that the features
 * sum all three over a sentence's stems with one addition each (see term_sums). */
#define DF_COUNT 0xffffffffu
#define DF_TITLE ((uint64_t)1 << 32) /* a stem of a title sentence */
#define DF_LEAD ((uint64_t)1 << 48)  /* a stem of the lead (first candidate) sentence */

/* The scratch of a news article's summary fits in this much of the caller's stack. */
#define SCRATCH_STACK_BYTES 16384

typedef struct scratch {
  sent_info *s;
  uint32_t *terms; /* distinct content stems, per sentence */
  uint32_t *mark;  /* per stem: a stamp (prepare: sentence index + 1; choose: above those) */
  uint64_t *df;    /* per stem: candidate sentences containing it, DF_TITLE, DF_LEAD */
  uint32_t *cands; /* the candidates' sentence indexes, in order */
  uint64_t dfsq;   /* the sum of the counts squared (features) */
  size_t ncand;
  size_t lead;   /* the first candidate; SIZE_MAX = none */
  size_t ntitle; /* distinct title stems */
  void *block;   /* all of the above in one allocation, or NULL when in the caller's buffer */
} scratch;

static void scratch_free(scratch *sc) { kabar__free(sc->block); }

static int is_content(const kabar_token *t) {
  return !(t->flags & (KABAR_TOK_STOP | KABAR_TOK_NUMBER | KABAR_TOK_CUT));
}

/* Does the sentence end like one (. ! ? … or a closing quote or bracket)? A short one that
 * does not is a headline or subheading (a lone headline is a body block to clean/). */
static int ends_sentence(const kabar_doc *doc, const kabar_sentence *se) {
  const unsigned char *s = (const unsigned char *)doc->text;
  uint32_t e = se->end;
  if (e <= se->start)
    return 0;
  unsigned char c = s[e - 1];
  /* . ! ? " ' ) are below 64: one test of a mask, not six branches */
  const uint64_t enders = 1ull << '.' | 1ull << '!' | 1ull << '?' | 1ull << '"' | 1ull << '\'' |
                          1ull << ')';
  if ((c < 64) & (unsigned)(enders >> (c & 63)))
    return 1;
  /* ” ’ … (E2 80 9D / 99 / A6) and » (C2 BB) */
  if (e - se->start >= 3 && s[e - 3] == 0xE2 && s[e - 2] == 0x80 &&
      (c == 0x9D || c == 0x99 || c == 0xA6))
    return 1;
  return e - se->start >= 2 && s[e - 2] == 0xC2 && c == 0xBB;
}

/* The scratch arrays in one block, each part aligned for its type, with `extra` bytes at the
 * end for the caller (*extra_out). The block is the caller's `local` buffer when it fits (a
 * news article's does: a malloc and free cost more than the loops that fill it), else the
 * heap. Only the per-stem arrays need zeroing. */
static kabar_status scratch_alloc(const kabar_doc *doc, scratch *sc, size_t extra,
                                  void **extra_out, void *local, size_t local_size) {
  /* mark and df: the spare slot (token_scan), a slot per stem, and one more: a slot 0 even
   * without stems (term_sums) */
  size_t ns = doc->sentences.n ? doc->sentences.n : 1, nt = doc->terms.count + 2;
  size_t ntok = doc->tokens.n + 1; /* terms: and a valid index past the last (term_sums) */
  size_t a = 16, off_s = 0, off_terms = (ns * sizeof(sent_info) + a - 1) / a * a;
  size_t off_mark = off_terms + (ntok * sizeof(uint32_t) + a - 1) / a * a;
  size_t off_df = off_mark + (nt * sizeof(uint32_t) + a - 1) / a * a;
  size_t off_cands = off_df + (nt * sizeof(uint64_t) + a - 1) / a * a;
  size_t off_extra = off_cands + (ns * sizeof(uint32_t) + a - 1) / a * a;
  char *p = local;
  sc->block = NULL;
  if (off_extra + extra > local_size) {
    if (!(p = sc->block = kabar__malloc(off_extra + extra)))
      return KABAR_ENOMEM;
  }
  sc->s = (sent_info *)(void *)(p + off_s);
  sc->terms = (uint32_t *)(void *)(p + off_terms);
  sc->mark = (uint32_t *)(void *)(p + off_mark) + 1;
  sc->df = (uint64_t *)(void *)(p + off_df) + 1;
  sc->cands = (uint32_t *)(void *)(p + off_cands);
  memset(sc->mark - 1, 0, nt * sizeof *sc->mark);
  memset(sc->df - 1, 0, nt * sizeof *sc->df);
  if (extra_out)
    *extra_out = p + off_extra;
  return KABAR_OK;
}

_Static_assert(KABAR_TOK_NUMBER == 1 && KABAR_TOK_STOP == 2 && KABAR_TOK_CUT == 4,
               "token_counts[] and scan_token() know the flags' bits");

/* A sentence's cut tokens, capitalised words and numbers are counted in three fields of one
 * word, each below 2^FIELD_BITS: scan_sentence() takes a sentence's tokens in parts of under
 * 2^FIELD_BITS bytes (tokens start at distinct bytes). */
#define FIELD_BITS 21
#define FIELD_MAX (((uint64_t)1 << FIELD_BITS) - 1)
#define CUT1 1u
#define CAP1 ((uint64_t)1 << FIELD_BITS)
#define NUM1 ((uint64_t)1 << (2 * FIELD_BITS))

/* 16 for the bytes A-Z (a capitalised word): the class bit of token_counts */
#define UP4(c) [c] = 16, [c + 1] = 16, [c + 2] = 16, [c + 3] = 16
static const uint8_t ascii_upper[256] = {UP4('A'), UP4('E'), UP4('I'), UP4('M'), UP4('Q'),
                                         UP4('U'), ['Y'] = 16, ['Z'] = 16};
#undef UP4

/* Per token class, its counts: the class is its three flag bits (12 and up: a token past
 * the sentence, which counts nowhere) plus 16 when it starts with A-Z. A cut token counts as
 * cut only; the others count as a number and as capitalised as they are. */
static const uint64_t token_counts[32] = {
    0,           NUM1,        0,           NUM1,        CUT1, CUT1, CUT1, CUT1,
    [16] = CAP1, CAP1 | NUM1, CAP1,        CAP1 | NUM1, CUT1, CUT1, CUT1, CUT1};
#undef CUT1
#undef CAP1
#undef NUM1

/* The per-stem arrays of prepare() and one sentence's running counts (scan_sentence). mark
 * and df have a spare slot before the stems (index -1), stamped with the sentence's stamp
 * before its tokens, that the tokens other than content stems use in place of their stem: it
 * never looks new, and df[-1] gets zeros. */
typedef struct token_scan {
  uint32_t *mark, *terms;
  uint64_t *df;
  const unsigned char *text;
  uint32_t stamp;
  uint64_t counts; /* the fields (FIELD_BITS) of the part so far */
  size_t n;        /* stems in terms[] */
} token_scan;

/* One token, `out` 1 if it starts past the sentence (then it counts nowhere): counts a cut
 * token, a number, a capitalised word; a content stem not yet stamped for this sentence is
 * appended to terms[] and counted in df. No branch depends on the token: which tokens are
 * stopwords is as good as random (two in five), and a mispredicted branch costs more than the
 * arithmetic. terms[n] is written whether or not n advances (n is at most the token's index,
 * so inside the array). */
static KABAR_ALWAYS_INLINE void scan_token(token_scan *s, const kabar_token *t, uint32_t out) {
  uint32_t f = (t->flags & (KABAR_TOK_CUT | KABAR_TOK_STOP | KABAR_TOK_NUMBER)) | out * 12;
  uint32_t term = t->term;
  int64_t slot = (int64_t)term | -(int64_t)((f + 15) >> 4); /* f ? -1 : term, with no branch */
  s->counts += token_counts[f | ascii_upper[s->text[t->start]]];
  uint32_t fresh = s->mark[slot] != s->stamp;
  s->mark[slot] = s->stamp;
  s->terms[s->n] = term;
  s->n += fresh;
  s->df[slot] += fresh;
}

/* The tokens from t on (at most up to `tend`) that start before `send`, counted into s->counts
 * as if the sentence were a candidate (the caller takes its stems back out of df if it is
 * not). Returns the first token past them. */
static const kabar_token *scan_part(const kabar_token *t, const kabar_token *tend, uint32_t send,
                                    token_scan *sc) {
  token_scan s = *sc; /* a local copy, kept in registers across the stores to the arrays */
  /* four at a time while the fourth starts inside the sentence (tokens are in text order),
   * then the last one to three in one masked group: the only branch that depends on the
   * sentence's length is this loop's exit */
  for (; tend - t >= 4 && t[3].start < send; t += 4) {
    scan_token(&s, t, 0);
    scan_token(&s, t + 1, 0);
    scan_token(&s, t + 2, 0);
    scan_token(&s, t + 3, 0);
  }
  if (tend - t >= 3) {
    uint32_t out0 = t[0].start >= send, out1 = t[1].start >= send, out2 = t[2].start >= send;
    scan_token(&s, t, out0);
    scan_token(&s, t + 1, out1);
    scan_token(&s, t + 2, out2);
    t += 3 - out0 - out1 - out2;
  } else {
    for (; t < tend && t->start < send; t++)
      scan_token(&s, t, 0);
  }
  *sc = s;
  return t;
}

/* A sentence's counts (scan_sentence). */
typedef struct sent_counts {
  uint32_t cut, caps, nums;
} sent_counts;

/* The tokens of the sentence ending at `send` from t on (scan_part), in parts short enough
 * for the count fields (one part but in a sentence of megabytes). */
static const kabar_token *scan_sentence(const kabar_token *t, const kabar_token *tend,
                                        uint32_t send, token_scan *s, sent_counts *c) {
  s->mark[-1] = s->stamp;
  c->cut = c->caps = c->nums = 0;
  for (;;) {
    uint32_t part_end = send;
    if (t < tend && t->start < send && send - t->start > FIELD_MAX)
      part_end = t->start + (uint32_t)FIELD_MAX;
    s->counts = 0;
    t = scan_part(t, tend, part_end, s);
    c->cut += (uint32_t)(s->counts & FIELD_MAX);
    c->caps += (uint32_t)(s->counts >> FIELD_BITS & FIELD_MAX);
    c->nums += (uint32_t)(s->counts >> 2 * FIELD_BITS & FIELD_MAX);
    if (part_end == send)
      return t;
  }
}

/* Maps tokens to sentences, counts words, capitalised words and numbers, collects distinct
 * content stems, marks the candidates and counts the stems' document frequencies; records
 * the lead and the title stems (DF_TITLE). */
static kabar_status prepare(const kabar_doc *doc, scratch *sc, size_t extra, void **extra_out,
                            void *local, size_t local_size) {
  size_t ns = doc->sentences.n, ntok = doc->tokens.n;
  if (scratch_alloc(doc, sc, extra, extra_out, local, local_size) != KABAR_OK)
    return KABAR_ENOMEM;
  const kabar_token *tokens = doc->tokens.v, *tend = tokens + ntok, *t = tokens;
  const unsigned char *text = (const unsigned char *)doc->text;
  size_t ncand = 0, ntitle = 0, lead = SIZE_MAX, run_head = 0;
  uint32_t run_block = UINT32_MAX; /* the block of the last candidate; its first is run_head */
  token_scan scan = {sc->mark, sc->terms, sc->df, text, 0, 0, 0};
  sent_counts counts;
  for (size_t i = 0; i < ns; i++) {
    const kabar_sentence *se = &doc->sentences.v[i];
    const kabar_block *b = &doc->blocks.v[se->block];
    sent_info *si = &sc->s[i];
    while (t < tend && t->end <= se->start)
      t++;
    const kabar_token *first = t;
    si->cfirst = (uint32_t)scan.n;
    scan.stamp = (uint32_t)i + 1;
    t = scan_sentence(t, tend, se->end, &scan, &counts);
    uint32_t words = (uint32_t)(t - first) - counts.cut, caps = counts.caps;
    /* a capital at the start of the sentence does not count */
    if (t > first && !(first->flags & KABAR_TOK_CUT) && ascii_upper[text[first->start]])
      caps--;
    si->tfirst = (uint32_t)(first - tokens);
    si->tend = (uint32_t)(t - tokens);
    si->cend = (uint32_t)scan.n;
    si->words = words;
    si->caps = caps;
    si->nums = counts.nums;
    si->title = b->kind == KABAR_BLOCK_TITLE;
    /* & and masks, not && and ifs: which sentences are candidates varies */
    size_t cand = (size_t)(b->kind == KABAR_BLOCK_BODY) & (b->repeat != KABAR_REPEAT_STRUCTURAL) &
                  (words >= KABAR_SUM_MIN_WORDS) &
                  ((words >= KABAR_SUM_HEADING_WORDS) | ends_sentence(doc, se));
    size_t all = 0 - cand, head = all & (0 - (size_t)(se->block != run_block));
    si->cand = (uint8_t)cand;
    si->block_cands = 0;
    sc->cands[ncand] = (uint32_t)i;
    ncand += cand;
    lead = lead < (i | ~all) ? lead : (i | ~all); /* the first candidate */
    /* a block's sentences are consecutive: a candidate in a new block heads a run */
    run_head = (run_head & ~head) | (i & head);
    run_block = (run_block & (uint32_t)~all) | (se->block & (uint32_t)all);
    sc->s[run_head].block_cands += (uint32_t)cand;
    if (cand)
      continue;
    /* not a candidate: take its stems back out of df */
    for (uint32_t k = si->cfirst; k < si->cend; k++)
      sc->df[sc->terms[k]]--;
    if (si->title)
      for (uint32_t k = si->cfirst; k < si->cend; k++)
        if (!(sc->df[sc->terms[k]] & DF_TITLE))
          sc->df[sc->terms[k]] |= DF_TITLE, ntitle++;
  }
  if (lead != SIZE_MAX)
    for (uint32_t k = sc->s[lead].cfirst; k < sc->s[lead].cend; k++)
      sc->df[sc->terms[k]] |= DF_LEAD;
  sc->terms[scan.n] = 0; /* term_sums may read one past a sentence's stems (df[0] exists) */
  sc->ncand = ncand;
  sc->lead = lead;
  sc->ntitle = ntitle;
  return KABAR_OK;
}

static int is_quote_at(const char *s, uint32_t i, uint32_t end) {
  unsigned char c = (unsigned char)s[i];
  if (c == '"')
    return 1;
  /* “ ” „ */
  return c == 0xE2 && i + 2 < end && (unsigned char)s[i + 1] == 0x80 &&
         ((unsigned char)s[i + 2] == 0x9C || (unsigned char)s[i + 2] == 0x9D ||
          (unsigned char)s[i + 2] == 0x9E);
}

/* Finds quotation marks for sentences in text order: the first '"' and the first lead byte of
 * “ ” „ at or after the last sentence's start are kept, so that each is searched for once
 * per occurrence in the document, not once per sentence (memchr's set-up dominated for
 * sentences of a hundred bytes). */
typedef struct quote_scan {
  const char *s;
  uint32_t len, from; /* the marks below are the first at or after `from` */
  int64_t dq, curly;  /* len = none, -1 = not searched yet (below every start: one test) */
} quote_scan;

static void quote_scan_init(quote_scan *q, const kabar_doc *doc) {
  q->s = doc->text;
  q->len = (uint32_t)doc->len;
  q->from = 0;
  q->dq = q->curly = -1;
}

static uint32_t find_byte(const quote_scan *q, uint32_t p, int c) {
  const char *hit = p < q->len ? memchr(q->s + p, c, q->len - p) : NULL;
  return hit ? (uint32_t)(hit - q->s) : q->len;
}

/* Whether [a, end) holds a quotation mark (as has_quote did: a '"', or a “ ” „ whose three
 * bytes end before `end`). Calls come with non-decreasing a; an earlier a starts afresh. */
static int quote_in(quote_scan *q, uint32_t a, uint32_t end) {
  if (a < q->from)
    q->dq = q->curly = -1;
  q->from = a;
  if (q->dq < a)
    q->dq = find_byte(q, a, '"');
  if (q->dq < end)
    return 1;
  if (q->curly < a) {
    uint32_t p = find_byte(q, a, 0xE2);
    while (p < q->len && !is_quote_at(q->s, p, q->len))
      p = find_byte(q, p + 1, 0xE2);
    q->curly = p;
  }
  return q->curly + 2 < end; /* none (len) is not below end - 2 */
}

/* Sums of integers below 2^53 are exact in double whatever their order, so the centroid's
 * sums are kept in integers; past that bound (not reachable by news) the double sums are
 * redone in the order that defines them. */
#define EXACT_LIMIT ((uint64_t)1 << 53)

static double centroid_norm(const kabar_doc *doc, const scratch *sc) {
  if (sc->dfsq < EXACT_LIMIT)
    return sqrt((double)sc->dfsq);
  double cnorm = 0;
  for (size_t t = 0; t < doc->terms.count; t++)
    cnorm += (double)(sc->df[t] & DF_COUNT) * (double)(sc->df[t] & DF_COUNT);
  return sqrt(cnorm);
}

/* The centroid dot product of a candidate: the sum of df[t] - 1 over its stems (each stem
 * of a candidate is in it, so df[t] >= 1); dfsum is the sum of their df[t]. */
static double centroid_dot(const scratch *sc, const sent_info *si, uint64_t dfsum) {
  uint64_t sum = dfsum - (si->cend - si->cfirst);
  if (sum < EXACT_LIMIT)
    return (double)sum;
  double dot = 0;
  for (uint32_t k = si->cfirst; k < si->cend; k++)
    dot += (double)(sc->df[sc->terms[k]] & DF_COUNT) - 1;
  return dot;
}

/* Over a candidate's stems: the sum of their df counts and how many are title and lead
 * stems. While no field of the packed df[t] can carry into the next (a news sentence has a
 * few dozen stems), one addition per stem sums all three. */
static void term_sums(const scratch *sc, sent_info *si) {
  const uint32_t *terms = sc->terms;
  const uint64_t *df = sc->df;
  size_t nc = si->cend - si->cfirst;
  uint64_t sum = 0;
  if (nc < ((size_t)1 << 16) && (uint64_t)nc * sc->ncand <= DF_COUNT) {
    uint64_t sum2 = 0; /* two sums: integer additions, in any order */
    uint32_t k = si->cfirst;
    for (; si->cend - k >= 2; k += 2)
      sum += df[terms[k]], sum2 += df[terms[k + 1]];
    /* the odd one, masked, not branched on: terms[cend] is a valid index (prepare) */
    sum += sum2 + (df[terms[k]] & (0 - (uint64_t)(k < si->cend)));
    si->c.dfsum = sum & DF_COUNT;
    si->in_title = (uint32_t)(sum >> 32) & 0xffff;
    si->in_lead = (uint32_t)(sum >> 48);
    return;
  }
  uint32_t title = 0, lead = 0;
  for (uint32_t k = si->cfirst; k < si->cend; k++) {
    uint64_t d = df[terms[k]];
    sum += d & DF_COUNT;
    title += (d & DF_TITLE) != 0;
    lead += (d & DF_LEAD) != 0;
  }
  si->c.dfsum = sum, si->in_title = title, si->in_lead = lead;
}

/* The candidates' term sums, and their total: the centroid's squared norm, the sum of
 * df[t]^2 over all stems (stem t adds df[t] for each of the df[t] candidates it is in). */
static void centroid_sums(const kabar_doc *doc, scratch *sc) {
  uint64_t dfsq = 0;
  for (size_t c = 0; c < sc->ncand; c++) {
    sent_info *si = &sc->s[sc->cands[c]];
    term_sums(sc, si);
    dfsq += si->c.dfsum;
  }
  sc->dfsq = dfsq;
}

/* log(1 + w) / log(64) for the word counts of most sentences: the doubles glibc's log gives
 * for the expression below (written as hex floats, which are exact); tests/unit/test_summary.c
 * holds the table to the expression. A constant table, not one filled on first use: no
 * global mutable state (STYLE.md section 9). */
#define WORDS_LOG_TABLE 128
static const double words_log_table[WORDS_LOG_TABLE] = {
    0x0p+0, 0x1.5555555555556p-3, 0x1.0e80117bfd39cp-2, 0x1.5555555555556p-2,
    0x1.8c46961f78497p-2, 0x1.b92abc26a7e46p-2, 0x1.df1f354700592p-2, 0x1p-1,
    0x1.0e80117bfd39cp-1, 0x1.1b78a065117a2p-1, 0x1.27346fd599382p-1, 0x1.31eab368a9479p-1,
    0x1.3bc556d0bec22p-1, 0x1.44e4eff8d581ep-1, 0x1.4d6353cdbac1ap-1, 0x1.5555555555556p-1,
    0x1.5ccbfcfe43067p-1, 0x1.63d566d1528fp-1, 0x1.6a7d647b56f01p-1, 0x1.70cdf5ba66cf7p-1,
    0x1.76cfa3617ec97p-1, 0x1.7c89c52aee8d8p-1, 0x1.8202b8023b472p-1, 0x1.874008bdfe9cep-1,
    0x1.8c46961f78497p-1, 0x1.911aac2614178p-1, 0x1.95c01a39fbd69p-1, 0x1.9a3a454e2ad74p-1,
    0x1.9e8c36d38dddp-1, 0x1.a2b8a9231016fp-1, 0x1.a6c211de5bc69p-1, 0x1.aaaaaaaaaaaabp-1,
    0x1.ae74789397d4fp-1, 0x1.b2215253985bcp-1, 0x1.b5b2e5b33c514p-1, 0x1.b92abc26a7e46p-1,
    0x1.bc8a3ec923487p-1, 0x1.bfd2b9d0ac456p-1, 0x1.c3055f8ebd5fp-1, 0x1.c6234b0fbc24cp-1,
    0x1.c92d82677c114p-1, 0x1.cc24f8b6d41ecp-1, 0x1.cf0a8ff44b58ep-1, 0x1.d1df1a8043e2cp-1,
    0x1.d4a35c8bb95e7p-1, 0x1.d7580d57909c7p-1, 0x1.d9fdd8518f803p-1, 0x1.dc955e1353f24p-1,
    0x1.df1f354700592p-1, 0x1.e19beb74cd9edp-1, 0x1.e40c05bc41a34p-1, 0x1.e670017b696cep-1,
    0x1.e8c854e62568fp-1, 0x1.eb156f8f512bfp-1, 0x1.ed57bae5555cep-1, 0x1.ef8f9aa3802cap-1,
    0x1.f1bd6d39558cfp-1, 0x1.f3e18c28e3325p-1, 0x1.f5fc4c5d04565p-1, 0x1.f80dfe78656c4p-1,
    0x1.fa16ef1dffe3ep-1, 0x1.fc176733b11bfp-1, 0x1.fe0fac1f7d664p-1, 0x1p+0,
    0x1.00f450f03d737p+0, 0x1.01e4e6f476952p+0, 0x1.02d1dec545c54p+0, 0x1.03bb53d476d89p+0,
    0x1.04a160601cf2p+0, 0x1.05841d8448d36p+0, 0x1.0663a34b7d8f6p+0, 0x1.074008bdfe9cep+0,
    0x1.081963f00fabfp+0, 0x1.08efca0f3c4efp+0, 0x1.09c34f6ebb732p+0, 0x1.0a94079300cd6p+0,
    0x1.0b62053c8cb26p+0, 0x1.0c2d5a72095a3p+0, 0x1.0cf61889c334p+0, 0x1.0dbc503288bdp+0,
    0x1.0e80117bfd39cp+0, 0x1.0f416bde68b35p+0, 0x1.10006e420ebdap+0, 0x1.10bd270614ba1p+0,
    0x1.1177a406ff959p+0, 0x1.122ff2a4d0571p+0, 0x1.12e61fc8c63cfp+0, 0x1.139a37eacc9c1p+0,
    0x1.144c47169a389p+0, 0x1.14fc58f08759ep+0, 0x1.15aa78ba1f775p+0, 0x1.1656b15672f8ep+0,
    0x1.17010d4e2d31cp+0, 0x1.17a996d3726acp+0, 0x1.185057c5898a6p+0, 0x1.18f559b454a3cp+0,
    0x1.1998a5e39b7b9p+0, 0x1.1a3a454e2ad74p+0, 0x1.1ada40a8cb38ep+0, 0x1.1b78a065117a2p+0,
    0x1.1c156cb40b8cp+0, 0x1.1cb0ad88cb7c4p+0, 0x1.1d4a6a9ad2b7ap+0, 0x1.1de2ab685f611p+0,
    0x1.1e7977389d771p+0, 0x1.1f0ed51dbd5f2p+0, 0x1.1fa2cbf6f1593p+0, 0x1.203562725340ap+0,
    0x1.20c69f0eb3ea1p+0, 0x1.2156881d55592p+0, 0x1.21e523c390f2ap+0, 0x1.227277fc6ac0fp+0,
    0x1.22fe8a9a12caep+0, 0x1.2389614755712p+0, 0x1.24130188fbb5fp+0, 0x1.249b70bf1c43dp+0,
    0x1.2522b4265dfdfp+0, 0x1.25a8d0d92cd5dp+0, 0x1.262dcbd0e1998p+0, 0x1.26b1a9e6dd60dp+0,
    0x1.27346fd599382p+0, 0x1.27b62239aa9cap+0, 0x1.2836c592bd57p+0, 0x1.28b65e448338ap+0,
    0x1.2934f0979a372p+0, 0x1.29b280ba695ddp+0, 0x1.2a2f12c1f502fp+0, 0x1.2aaaaaaaaaaabp+0
};

double kabar__summary_words_log(uint32_t words) {
  if (words < WORDS_LOG_TABLE)
    return words_log_table[words];
  double w = words;
  return log(1 + w) / log(64.0);
}

/* The walk over the candidates in sentence order that gives their feature rows
 * (feature_row): the article's values and the counts so far. */
typedef struct feat_walk {
  const kabar_doc *doc;
  const scratch *sc;
  quote_scan quotes;
  double maxc; /* the largest centroid similarity: the feature is relative to it */
  size_t ci, para, in_para, block_cands, words_before, cut;
  uint32_t last_block;
} feat_walk;

/* Starts the walk: the candidates' term sums, then their centroid similarities, whose
 * largest the feature rows need from the first one on. */
static void feat_walk_init(feat_walk *w, const kabar_doc *doc, scratch *sc) {
  centroid_sums(doc, sc);
  double cnorm = centroid_norm(doc, sc), maxc = 0;
  for (size_t c = 0; c < sc->ncand; c++) {
    sent_info *si = &sc->s[sc->cands[c]];
    size_t nc = si->cend - si->cfirst;
    double dot = centroid_dot(sc, si, si->c.dfsum);
    si->c.central = nc && cnorm > 0 ? dot / (sqrt((double)nc) * cnorm) : 0;
    if (si->c.central > maxc)
      maxc = si->c.central;
  }
  w->doc = doc;
  w->sc = sc;
  quote_scan_init(&w->quotes, doc);
  w->maxc = maxc;
  w->ci = w->para = w->in_para = w->block_cands = w->words_before = w->cut = 0;
  w->last_block = UINT32_MAX;
}

/* The 0/1 features as loads: the compiler makes `x = cond` of a double a branch. */
static const double zero_one[2] = {0.0, 1.0};

/* The feature row x of candidate i, the walk's next. The block and position features are
 * masks and conditional moves, not branches: they change from sentence to sentence. */
static KABAR_ALWAYS_INLINE void feature_row(feat_walk *w, size_t i, double *x) {
  const kabar_doc *doc = w->doc;
  const scratch *sc = w->sc;
  const sent_info *si = &sc->s[i];
  const kabar_sentence *se = &doc->sentences.v[i];
  size_t new_block = se->block != w->last_block, keep = new_block - 1; /* all ones: same block */
  w->para += new_block & (w->last_block != UINT32_MAX);
  w->in_para &= keep;
  w->block_cands = (w->block_cands & keep) | (si->block_cands & ~keep);
  w->last_block = se->block;
  size_t ci = w->ci, para = w->para, in_para = w->in_para, ncand = sc->ncand;
  size_t words_before = w->words_before, ntitle = sc->ntitle;
  double wd = si->words;
  size_t nc = si->cend - si->cfirst, in_title = si->in_title, in_lead = si->in_lead;
  size_t caps = si->caps, nums = si->nums;
  int quote = quote_in(&w->quotes, se->start, se->end);
  /* a dateline cut in this block that ends where the sentence starts (or before it) */
  size_t cut = w->cut;
  while (cut < doc->cuts.n && doc->cuts.v[cut].block < se->block)
    cut++;
  w->cut = cut;
  int dateline = 0;
  for (size_t c = cut; c < doc->cuts.n && doc->cuts.v[c].block == se->block &&
                       doc->cuts.v[c].start <= se->start;
       c++)
    dateline |= doc->cuts.v[c].kind == KABAR_CUT_DATELINE && in_para == 0;

  x[0] = 1;
  x[1] = zero_one[ci == 0];
  x[2] = zero_one[ci == 1];
  x[3] = zero_one[ci == 2];
  x[4] = zero_one[ci == 3];
  x[5] = 1.0 / (1.0 + (double)ci);
  x[6] = ncand > 1 ? (double)ci / (double)(ncand - 1) : 0;
  x[7] = zero_one[para == 0];
  x[8] = zero_one[para == 1];
  x[9] = zero_one[para == 2];
  x[10] = zero_one[in_para == 0];
  x[11] = zero_one[in_para == 1];
  x[12] = zero_one[w->block_cands == 1];
  x[13] = kabar__summary_words_log(si->words);
  x[14] = zero_one[si->words < 10];
  x[15] = zero_one[si->words > 40];
  x[16] = w->maxc > 0 ? si->c.central / w->maxc : si->c.central;
  x[17] = nc && ntitle ? (double)in_title / sqrt((double)nc * (double)ntitle) : 0;
  x[18] = ci > 0 && nc ? (double)in_lead / (double)nc : 0;
  x[19] = wd > 1 ? (double)caps / (wd - 1) : 0;
  x[20] = (double)nums / wd;
  x[21] = zero_one[quote];
  x[22] = zero_one[is_quote_at(doc->text, se->start, se->end)];
  x[23] = zero_one[doc->text[se->end - 1] == '?'];
  x[24] = zero_one[dateline];
  /* min(words_before / 100, 1): the quotient is above 1 exactly when words_before is above
   * 100, so this is the capped count's quotient; a minimum of doubles is one instruction */
  double before = (double)words_before / 100.0;
  x[25] = before < 1.0 ? before : 1.0;
  w->ci++;
  w->in_para++;
  w->words_before += si->words;
}

/* Fills the feature rows, one per sentence, zeros for the non-candidates (the trainer's). */
static void features(const kabar_doc *doc, scratch *sc, double *feat) {
  feat_walk w;
  feat_walk_init(&w, doc, sc);
  memset(feat, 0, doc->sentences.n * KABAR_SUM_NFEAT * sizeof *feat);
  for (size_t c = 0; c < sc->ncand; c++)
    feature_row(&w, sc->cands[c], feat + (size_t)sc->cands[c] * KABAR_SUM_NFEAT);
}

kabar_status kabar__summary_features(const kabar_doc *doc, double *feat, uint8_t *cand,
                                     uint32_t *words) {
  scratch sc = {0};
  kabar_status rc = prepare(doc, &sc, 0, NULL, NULL, 0);
  if (rc == KABAR_OK) {
    features(doc, &sc, feat);
    for (size_t i = 0; i < doc->sentences.n; i++) {
      cand[i] = sc.s[i].cand;
      words[i] = sc.s[i].words;
    }
  }
  scratch_free(&sc);
  return rc;
}

/* ---- choosing ----------------------------------------------------------------------- */

typedef struct ranked {
  double score;
  uint32_t sentence;
} ranked;

static int cmp_ranked(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return (x->sentence > y->sentence) - (x->sentence < y->sentence);
}

static int cmp_pick_pos(const void *a, const void *b) {
  const struct kabar_summary_pick *x = a, *y = b;
  return (x->sentence > y->sentence) - (x->sentence < y->sentence);
}

/* Jaccard index of two sentences' content stems, b's stems stamped `stamp` in sc->mark
 * (the caller stamps a candidate once for all the picks it is compared with). */
static double jaccard(const scratch *sc, const sent_info *a, const sent_info *b, uint32_t stamp) {
  size_t na = a->cend - a->cfirst, nb = b->cend - b->cfirst, inter = 0;
  if (na == 0 || nb == 0)
    return 0;
  for (uint32_t k = a->cfirst; k < a->cend; k++)
    inter += sc->mark[sc->terms[k]] == stamp;
  return (double)inter / (double)(na + nb - inter);
}

static kabar_span orig_span(const kabar_doc *doc, uint32_t a, uint32_t b) {
  kabar_span s = {kabar__offmap_orig(&doc->map, a), kabar__offmap_orig(&doc->map, b)};
  return s;
}

/* Insertion sort below this many items: qsort's calls of the comparison cost more than
 * the few moves of a summary's candidates. Both orders are total, so the result is qsort's. */
#define SMALL_SORT 32

static int ranked_before(const ranked *x, const ranked *y) {
  return x->score != y->score ? x->score > y->score : x->sentence < y->sentence;
}

static void sort_ranked(ranked *r, size_t n) {
  if (n > SMALL_SORT) {
    qsort(r, n, sizeof *r, cmp_ranked);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    ranked v = r[i];
    size_t j = i;
    for (; j > 0 && ranked_before(&v, &r[j - 1]); j--)
      r[j] = r[j - 1];
    r[j] = v;
  }
}

/* Puts the best of r[k, n) at r[k]. The first SELECT_RANKS ranks are selected (a summary
 * uses the top few candidates; finding each costs less than sorting all), then the rest is
 * sorted at once. The order is total, so the ranks are those of sorting everything. */
#define SELECT_RANKS 8

static void rank_next(ranked *r, size_t k, size_t n) {
  if (k >= SELECT_RANKS)
    return;
  size_t best = k;
  double score = r[k].score;
  for (size_t i = k + 1; i < n; i++)
    if (r[i].score > score || (r[i].score == score && r[i].sentence < r[best].sentence))
      best = i, score = r[i].score; /* ranked_before(&r[i], &r[best]) */
  ranked v = r[best];
  r[best] = r[k];
  r[k] = v;
  if (k + 1 == SELECT_RANKS && n > SELECT_RANKS)
    sort_ranked(r + SELECT_RANKS, n - SELECT_RANKS);
}

static void sort_picks(struct kabar_summary_pick *p, size_t n) {
  if (n > SMALL_SORT) {
    qsort(p, n, sizeof *p, cmp_pick_pos);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    struct kabar_summary_pick v = p[i];
    size_t j = i;
    for (; j > 0 && v.sentence < p[j - 1].sentence; j--)
      p[j] = p[j - 1];
    p[j] = v;
  }
}

/* Picks the summary sentences; r holds every candidate's score in sentence order (score()),
 * sum->picks has room for every sentence. */
static kabar_status choose(kabar_summary *sum, scratch *sc, ranked *r,
                           const kabar_summary_options *o) {
  const kabar_doc *doc = sum->doc;
  size_t ns = doc->sentences.n, ncand = sc->ncand;
  if (ncand == 0)
    return KABAR_OK;
  size_t limit = o->sentences;
  if (o->ratio > 0) {
    size_t by_ratio = (size_t)ceil(o->ratio * (double)ncand);
    if (by_ratio < 1)
      by_ratio = 1;
    if (limit == 0 || by_ratio < limit)
      limit = by_ratio;
  }
  if (limit == 0 && o->max_words == 0)
    limit = KABAR_SUM_DEFAULT_SENTENCES;
  if (limit == 0 || limit > ncand)
    limit = ncand;
  size_t n = ncand;
  /* jaccard's stamps start above prepare's (sentence index + 1) */
  uint32_t stamp = (uint32_t)ns;
  for (size_t k = 0; k < n && sum->npicks < limit; k++) {
    rank_next(r, k, n);
    const sent_info *si = &sc->s[r[k].sentence];
    if (o->max_words && sum->words + si->words > o->max_words)
      continue;
    int redundant = 0;
    size_t cmp = sum->npicks < KABAR_SUM_REDUNDANCY_CAP ? sum->npicks : KABAR_SUM_REDUNDANCY_CAP;
    if (cmp > 0) {
      if (stamp == UINT32_MAX) { /* stamps wrapped: start afresh */
        memset(sc->mark, 0, doc->terms.count * sizeof *sc->mark);
        stamp = 0;
      }
      stamp++;
      for (uint32_t t = si->cfirst; t < si->cend; t++)
        sc->mark[sc->terms[t]] = stamp;
    }
    for (size_t j = 0; j < cmp && !redundant; j++)
      redundant = jaccard(sc, &sc->s[sum->picks[j].sentence], si, stamp) >= KABAR_SUM_REDUNDANCY;
    if (redundant)
      continue;
    const kabar_sentence *se = &doc->sentences.v[r[k].sentence];
    struct kabar_summary_pick *p = &sum->picks[sum->npicks++];
    p->sentence = r[k].sentence;
    p->block = se->block;
    p->span = orig_span(doc, se->start, se->end);
    p->score = r[k].score;
    sum->words += si->words;
  }
  if (!(o->flags & KABAR_SUMMARY_RANK_ORDER))
    sort_picks(sum->picks, sum->npicks);
  return KABAR_OK;
}

/* ---- keywords ----------------------------------------------------------------------- */

static int cmp_kw(const void *a, const void *b) {
  const struct kabar_summary_kw *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return (x->span.start > y->span.start) - (x->span.start < y->span.start);
}

static int has_letter(const char *s, uint32_t a, uint32_t b) {
  for (uint32_t i = a; i < b; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
      return 1;
    if (c >= 0xC0)
      return 1;
  }
  return 0;
}

/* First token at or after working offset pos (tokens are in text order). */
static size_t token_at(const kabar_doc *doc, uint32_t pos) {
  size_t lo = 0, hi = doc->tokens.n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (doc->tokens.v[mid].start < pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Names of two words or more from the entity stage ("Nieuwe Maas", "Brad Smith") replace
 * their words among the keywords: each scores the mean of its words' scores, raised a tenth
 * for every further mention (up to five), and is shown as its first mention. */
static kabar_status entity_keywords(const kabar_doc *doc, const double *score, double max,
                                    struct kabar_summary_kw **all, size_t *n) {
  size_t ne = doc->entities.n;
  if (ne == 0)
    return KABAR_OK;
  uint8_t *absorbed = kabar__calloc(doc->terms.count, 1);
  struct kabar_summary_kw *v = kabar__realloc(*all, (*n + ne) * sizeof *v);
  if (!absorbed || !v) {
    kabar__free(absorbed);
    if (v)
      *all = v;
    return KABAR_ENOMEM;
  }
  *all = v;
  size_t m = *n;
  for (size_t e = 0; e < ne; e++) {
    const kabar_entity *ent = &doc->entities.v[e];
    const kabar_mention *first = &doc->mentions.v[ent->first];
    double sum = 0;
    size_t words = 0;
    uint32_t head = UINT32_MAX;
    for (size_t t = token_at(doc, first->start);
         t < doc->tokens.n && doc->tokens.v[t].end <= first->end; t++) {
      const kabar_token *tok = &doc->tokens.v[t];
      if (tok->flags & KABAR_TOK_STOP)
        continue;
      sum += score[tok->term] / max;
      words++;
      head = tok->term;
    }
    if (words < 2 || sum <= 0)
      continue;
    for (size_t t = token_at(doc, first->start);
         t < doc->tokens.n && doc->tokens.v[t].end <= first->end; t++)
      absorbed[doc->tokens.v[t].term] = 1;
    size_t extra = ent->nmentions > 6 ? 5 : ent->nmentions - 1;
    v[m].term = head;
    v[m].score = sum / (double)words * (1.0 + 0.1 * (double)extra);
    v[m].span = orig_span(doc, first->start, first->end);
    m++;
  }
  size_t out = 0;
  double top = 0;
  for (size_t i = 0; i < m; i++)
    if (i >= *n || !absorbed[v[i].term]) {
      v[out++] = v[i];
      top = v[i].score > top ? v[i].score : top;
    }
  for (size_t i = 0; i < out && top > 1; i++)
    v[i].score /= top; /* scores stay in (0, 1] */
  *n = out;
  kabar__free(absorbed);
  return KABAR_OK;
}

/* Stems scored by their occurrences in the title and the candidate sentences: 1 each, +2 in
 * the title, +0.5 in the first three candidates, +0.5 when capitalised inside a sentence. The
 * surface form is the stem's most frequent case-folded form, shown where it first occurs
 * inside a body sentence (not at its start), else where it first occurs. */
static kabar_status keywords(kabar_summary *sum, scratch *sc, size_t k) {
  const kabar_doc *doc = sum->doc;
  size_t nt = doc->terms.count, ny = doc->types.count, ns = doc->sentences.n;
  if (k == 0 || nt == 0)
    return KABAR_OK;
  double *score = kabar__calloc(nt, sizeof *score);
  uint32_t *best = kabar__malloc(nt * sizeof *best);     /* per stem: its best type */
  uint32_t *tcount = kabar__calloc(ny, sizeof *tcount);  /* per type: occurrences */
  uint32_t *first = kabar__malloc(ny * sizeof *first);   /* per type: first token */
  uint32_t *inner = kabar__malloc(ny * sizeof *inner);   /* per type: first non-initial token */
  kabar_status rc = KABAR_OK;
  if (!score || !best || !tcount || !first || !inner) {
    rc = KABAR_ENOMEM;
    goto done;
  }
  memset(best, 0xff, nt * sizeof *best);
  memset(first, 0xff, ny * sizeof *first);
  memset(inner, 0xff, ny * sizeof *inner);
  size_t ci = 0;
  for (size_t i = 0; i < ns; i++) {
    const sent_info *si = &sc->s[i];
    int title = doc->blocks.v[doc->sentences.v[i].block].kind == KABAR_BLOCK_TITLE;
    if (!si->cand && !title)
      continue;
    double bonus = title ? 2.0 : ci < 3 ? 0.5 : 0.0;
    ci += !title;
    for (uint32_t t = si->tfirst; t < si->tend; t++) {
      const kabar_token *tok = &doc->tokens.v[t];
      if (!is_content(tok) || tok->end - tok->start < 3 ||
          !has_letter(doc->text, tok->start, tok->end))
        continue;
      unsigned char c = (unsigned char)doc->text[tok->start];
      int initial = t == si->tfirst || title;
      score[tok->term] += 1.0 + bonus + (!initial && c >= 'A' && c <= 'Z' ? 0.5 : 0.0);
      tcount[tok->type]++;
      if (best[tok->term] == UINT32_MAX || tcount[tok->type] > tcount[best[tok->term]])
        best[tok->term] = tok->type;
      if (first[tok->type] == UINT32_MAX)
        first[tok->type] = t;
      if (!initial && inner[tok->type] == UINT32_MAX)
        inner[tok->type] = t;
    }
  }
  size_t n = 0;
  double max = 0;
  for (size_t t = 0; t < nt; t++)
    if (score[t] > 0) {
      n++;
      if (score[t] > max)
        max = score[t];
    }
  if (n == 0)
    goto done;
  struct kabar_summary_kw *all = kabar__malloc(n * sizeof *all);
  if (!all) {
    rc = KABAR_ENOMEM;
    goto done;
  }
  n = 0;
  for (size_t t = 0; t < nt; t++) {
    if (score[t] <= 0)
      continue;
    uint32_t y = best[t], tok = inner[y] != UINT32_MAX ? inner[y] : first[y];
    all[n].term = (uint32_t)t;
    all[n].score = score[t] / max;
    all[n].span = orig_span(doc, doc->tokens.v[tok].start, doc->tokens.v[tok].end);
    n++;
  }
  rc = entity_keywords(doc, score, max, &all, &n);
  if (rc != KABAR_OK) {
    kabar__free(all);
    goto done;
  }
  qsort(all, n, sizeof *all, cmp_kw);
  sum->kws = all;
  sum->nkws = n < k ? n : k;
done:
  kabar__free(score);
  kabar__free(best);
  kabar__free(tcount);
  kabar__free(first);
  kabar__free(inner);
  return rc;
}

/* ---- API ---------------------------------------------------------------------------- */

kabar_status kabar_summary_options_init(kabar_summary_options *opts, uint32_t version) {
  if (!opts)
    return KABAR_EINVAL;
  if (version != KABAR_SUMMARY_OPTIONS_VERSION)
    return KABAR_EVERSION;
  kabar_summary_options def = KABAR_SUMMARY_OPTIONS_INIT;
  *opts = def;
  return KABAR_OK;
}

/* The summary, its scores and room for its picks (at most one per sentence) are one
 * allocation; the keywords, sized later, are another. */
void kabar_summary_free(kabar_summary *sum) {
  if (!sum)
    return;
  kabar__free(sum->kws);
  kabar__free(sum);
}

static kabar_summary *summary_alloc(const kabar_doc *doc) {
  size_t ns = doc->sentences.n ? doc->sentences.n : 1;
  size_t head = (sizeof(kabar_summary) + 15) / 16 * 16;
  size_t scores = (ns * sizeof(double) + 15) / 16 * 16;
  char *p = kabar__malloc(head + scores + ns * sizeof(struct kabar_summary_pick));
  if (!p)
    return NULL;
  kabar_summary *sum = (kabar_summary *)(void *)p;
  memset(sum, 0, sizeof *sum);
  sum->doc = doc;
  sum->nscores = doc->sentences.n;
  sum->scores = (double *)(void *)(p + head);
  sum->picks = (struct kabar_summary_pick *)(void *)(p + head + scores);
  return sum;
}

/* Scores every candidate: 1 / (1 + exp(-(w . x))), the terms added in feature order. Each
 * row is scored as it is made, in one small buffer, not stored (a row per candidate was
 * a few kilobytes of writes to memory not in the cache); r gets one entry per candidate
 * (choose()). */
static void score(kabar_summary *sum, scratch *sc, const kabar_summary_model *m, ranked *r) {
  const kabar_doc *doc = sum->doc;
  feat_walk w;
  feat_walk_init(&w, doc, sc);
  for (size_t i = 0; i < doc->sentences.n; i++)
    sum->scores[i] = -1;
  for (size_t c = 0; c < sc->ncand; c++) {
    uint32_t i = sc->cands[c];
    double x[KABAR_SUM_NFEAT], z = 0;
    feature_row(&w, i, x);
    for (size_t f = 0; f < KABAR_SUM_NFEAT; f++)
      z += m->w[f] * x[f];
    sum->scores[i] = 1.0 / (1.0 + exp(-z));
    r[c].score = sum->scores[i], r[c].sentence = i;
  }
}

kabar_summary *kabar_doc_summarize(const kabar_doc *doc, const kabar_summary_options *opts,
                                   kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  kabar_summary_options def = KABAR_SUMMARY_OPTIONS_INIT;
  const kabar_summary_options *o = opts ? opts : &def;
  if (opts && opts->version != KABAR_SUMMARY_OPTIONS_VERSION) {
    kabar__fail(err, opts->version > KABAR_SUMMARY_OPTIONS_VERSION ? KABAR_EVERSION : KABAR_EINVAL,
                KABAR_NO_OFFSET, 0);
    return NULL;
  }
  if (!doc || (o->flags & ~KABAR_SUMMARY_FLAGS_ALL) || !(o->ratio >= 0 && o->ratio <= 1)) {
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  kabar_summary *sum = summary_alloc(doc);
  scratch sc = {0};
  size_t ns = doc->sentences.n ? doc->sentences.n : 1;
  /* after the scratch: a rank entry per candidate (at most ns) */
  void *extra = NULL;
  _Alignas(16) char local[SCRATCH_STACK_BYTES];
  kabar_status rc = sum ? KABAR_OK : KABAR_ENOMEM;
  if (rc == KABAR_OK)
    rc = prepare(doc, &sc, ns * sizeof(ranked), &extra, local, sizeof local);
  if (rc == KABAR_OK) {
    const kabar_summary_model *m = NULL;
    if (doc->lang != KABAR_LANG_OTHER)
      m = doc->ctx->langs[doc->lang].summary_model;
    sum->from_model = m != NULL;
    ranked *r = extra;
    score(sum, &sc, m ? m : kabar__summary_fallback(), r);
    rc = choose(sum, &sc, r, o);
  }
  if (rc == KABAR_OK)
    rc = keywords(sum, &sc, o->keywords);
  scratch_free(&sc);
  if (rc != KABAR_OK) {
    kabar__fail(err, rc, KABAR_NO_OFFSET, 0);
    kabar_summary_free(sum);
    return NULL;
  }
  return sum;
}

size_t kabar_summary_count(const kabar_summary *sum) { return sum ? sum->npicks : 0; }

kabar_status kabar_summary_sentence(const kabar_summary *sum, size_t index, kabar_span *span_out,
                                    size_t *sentence_out, size_t *block_out) {
  if (!sum || index >= sum->npicks)
    return KABAR_EINVAL;
  const struct kabar_summary_pick *p = &sum->picks[index];
  if (span_out)
    *span_out = p->span;
  if (sentence_out)
    *sentence_out = p->sentence;
  if (block_out)
    *block_out = p->block;
  return KABAR_OK;
}

double kabar_summary_score(const kabar_summary *sum, size_t sentence_index) {
  return sum && sentence_index < sum->nscores ? sum->scores[sentence_index] : -1.0;
}

size_t kabar_summary_word_count(const kabar_summary *sum) { return sum ? sum->words : 0; }

const char *kabar_summary_scorer(const kabar_summary *sum) {
  return sum && sum->from_model ? "model" : "fallback";
}

size_t kabar_summary_keyword_count(const kabar_summary *sum) { return sum ? sum->nkws : 0; }

kabar_status kabar_summary_keyword(const kabar_summary *sum, size_t index, kabar_span *span_out,
                                   const char **stem_out, double *score_out) {
  if (!sum || index >= sum->nkws)
    return KABAR_EINVAL;
  const struct kabar_summary_kw *k = &sum->kws[index];
  if (span_out)
    *span_out = k->span;
  if (stem_out)
    *stem_out = kabar__strtab_str(&sum->doc->terms, k->term);
  if (score_out)
    *score_out = k->score;
  return KABAR_OK;
}
