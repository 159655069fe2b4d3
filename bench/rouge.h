/* rouge.h: a small ROUGE-1, ROUGE-2 and ROUGE-L scorer for the summary benchmark (header only;
 * include it in one program).
 *
 * Tokens. Text is split into tokens, then compared byte for byte:
 *  - ASCII letters are lower-cased; ASCII letters and digits are token bytes, every other
 *    ASCII byte (punctuation, white space, '_', '-', '\'') separates tokens;
 *  - a non-ASCII UTF-8 character is a token byte sequence (letters such as "é" or "ß" stay
 *    inside their word; they are not case-folded), except Unicode punctuation, spaces and
 *    symbols, which separate tokens like ASCII punctuation does: U+0080-U+00BF (NBSP, «, », ©,
 *    °, ...), U+00D7, U+00F7, U+2000-U+206F (typographic quotes, dashes, "…", zero-width and
 *    bidi marks), U+20A0-U+20CF (currency), U+2100-U+2BFF (symbols, arrows, maths),
 *    U+3000-U+303F, U+FE00-U+FE0F, U+FEFF and U+FFFD. Bytes that are not well-formed UTF-8
 *    count as token bytes, one by one.
 * So a token is a maximal run of [a-z0-9] and non-ASCII letters after ASCII lower-casing:
 * "Rp1,5 juta" gives rp1 5 juta, "“Saya" gives saya, "café" gives café. No stemming and no
 * stopword removal.
 *
 * Scores, each a precision, a recall and their F1 (the harmonic mean; 0 when either is 0):
 *  - ROUGE-N (N = 1, 2): overlap = sum over distinct n-grams of min(count in candidate, count
 *    in reference) (clipped counts); precision = overlap / candidate n-grams, recall =
 *    overlap / reference n-grams. A text with fewer than N tokens has no n-grams and scores 0.
 *  - ROUGE-L: the longest common subsequence of the two token sequences, each summary taken
 *    as ONE sequence (its sentences concatenated in order; no per-sentence union-LCS as in
 *    ROUGE-Lsum); precision = LCS / candidate tokens, recall = LCS / reference tokens.
 * Everything is computed on one candidate against one reference; averaging is the caller's.
 */
#ifndef KABAR_BENCH_ROUGE_H
#define KABAR_BENCH_ROUGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/** One token: a byte range of the ORIGINAL text (not lower-cased; compare with rouge_tok_eq). */
typedef struct rouge_tok {
  const char *p;
  size_t n;
} rouge_tok;

typedef struct rouge_prf {
  double p, r, f;
} rouge_prf;

typedef struct rouge_scores {
  rouge_prf r1, r2, rl;
} rouge_scores;

/* Length of the UTF-8 character at s[i] (1 for an ill-formed byte) and its code point. */
static inline size_t rouge_utf8(const unsigned char *s, size_t n, size_t i, uint32_t *cp) {
  unsigned char c = s[i];
  size_t len;
  uint32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    len = 2, v = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, v = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, v = c & 0x07u;
  } else {
    *cp = 0xFFFFFFFFu; /* ill-formed: a token byte of its own */
    return 1;
  }
  if (i + len > n) {
    *cp = 0xFFFFFFFFu;
    return 1;
  }
  for (size_t k = 1; k < len; k++) {
    if ((s[i + k] & 0xC0) != 0x80) {
      *cp = 0xFFFFFFFFu;
      return 1;
    }
    v = (v << 6) | (s[i + k] & 0x3Fu);
  }
  *cp = v;
  return len;
}

/* Is this (non-ASCII) code point punctuation, a space or a symbol, i.e. a separator? */
static inline int rouge_cp_separates(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
         (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x20A0 && cp <= 0x20CF) ||
         (cp >= 0x2100 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFFD;
}

/**
 * Splits @p text into tokens (see the top of this file). Returns the number of tokens and,
 * when @p out is not NULL, a new array in *out (free() it; NULL when there are none).
 * Returns (size_t)-1 when out of memory.
 */
static inline size_t rouge_tokenize(const char *text, size_t n, rouge_tok **out) {
  const unsigned char *s = (const unsigned char *)text;
  size_t count = 0, cap = 0;
  rouge_tok *v = NULL;
  size_t i = 0, start = 0;
  int in_tok = 0;
  while (i <= n) {
    int tokbyte = 0;
    size_t step = 1;
    if (i < n) {
      unsigned char c = s[i];
      if (c < 0x80) {
        tokbyte = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      } else {
        uint32_t cp;
        step = rouge_utf8(s, n, i, &cp);
        tokbyte = !rouge_cp_separates(cp);
      }
    }
    if (tokbyte && !in_tok) {
      in_tok = 1;
      start = i;
    } else if (!tokbyte && in_tok) {
      in_tok = 0;
      if (out) {
        if (count == cap) {
          cap = cap ? cap * 2 : 64;
          rouge_tok *nv = realloc(v, cap * sizeof *v);
          if (!nv) {
            free(v);
            return (size_t)-1;
          }
          v = nv;
        }
        v[count].p = text + start;
        v[count].n = i - start;
      }
      count++;
    }
    i += step;
  }
  if (out)
    *out = v;
  else
    free(v);
  return count;
}

static inline unsigned char rouge_lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Token order: byte-wise after ASCII lower-casing, shorter first on a common prefix. */
static inline int rouge_tok_cmp(const rouge_tok *a, const rouge_tok *b) {
  size_t m = a->n < b->n ? a->n : b->n;
  for (size_t k = 0; k < m; k++) {
    unsigned char x = rouge_lower((unsigned char)a->p[k]), y = rouge_lower((unsigned char)b->p[k]);
    if (x != y)
      return x < y ? -1 : 1;
  }
  return (a->n > b->n) - (a->n < b->n);
}

/* Maps every token of both texts to a small integer id (equal tokens, equal ids): sorts
 * references to all tokens and numbers the distinct ones. Returns 0, or -1 out of memory. */
typedef struct rouge_ref_ {
  const rouge_tok *t;
  uint32_t *id;
} rouge_ref_;

static inline int rouge_ref_cmp_(const void *a, const void *b) {
  return rouge_tok_cmp(((const rouge_ref_ *)a)->t, ((const rouge_ref_ *)b)->t);
}

static inline int rouge_intern(const rouge_tok *a, size_t na, uint32_t *ida, const rouge_tok *b,
                        size_t nb, uint32_t *idb) {
  size_t n = na + nb;
  if (n == 0)
    return 0;
  rouge_ref_ *r = malloc(n * sizeof *r);
  if (!r)
    return -1;
  for (size_t i = 0; i < na; i++)
    r[i].t = &a[i], r[i].id = &ida[i];
  for (size_t i = 0; i < nb; i++)
    r[na + i].t = &b[i], r[na + i].id = &idb[i];
  qsort(r, n, sizeof *r, rouge_ref_cmp_);
  uint32_t next = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && rouge_tok_cmp(r[i - 1].t, r[i].t) != 0)
      next++;
    *r[i].id = next;
  }
  free(r);
  return 0;
}

static inline int rouge_u64_cmp_(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static inline rouge_prf rouge_prf_of(size_t hits, size_t cand, size_t ref) {
  rouge_prf s = {0, 0, 0};
  if (cand > 0)
    s.p = (double)hits / (double)cand;
  if (ref > 0)
    s.r = (double)hits / (double)ref;
  if (s.p > 0 && s.r > 0)
    s.f = 2 * s.p * s.r / (s.p + s.r);
  return s;
}

/* Clipped n-gram overlap (n = 1 or 2) of two id sequences. -1 when out of memory. */
static inline int rouge_ngram(const uint32_t *c, size_t nc, const uint32_t *r, size_t nr, size_t n,
                       rouge_prf *out) {
  size_t gc = nc >= n ? nc - n + 1 : 0, gr = nr >= n ? nr - n + 1 : 0;
  if (gc == 0 || gr == 0) {
    *out = rouge_prf_of(0, gc, gr);
    return 0;
  }
  uint64_t *kc = malloc((gc + gr) * sizeof *kc);
  if (!kc)
    return -1;
  uint64_t *kr = kc + gc;
  for (size_t i = 0; i < gc; i++)
    kc[i] = n == 1 ? c[i] : ((uint64_t)c[i] << 32 | c[i + 1]);
  for (size_t i = 0; i < gr; i++)
    kr[i] = n == 1 ? r[i] : ((uint64_t)r[i] << 32 | r[i + 1]);
  qsort(kc, gc, sizeof *kc, rouge_u64_cmp_);
  qsort(kr, gr, sizeof *kr, rouge_u64_cmp_);
  /* merging two sorted multisets counts min(count in c, count in r) per distinct n-gram */
  size_t i = 0, j = 0, hits = 0;
  while (i < gc && j < gr) {
    if (kc[i] < kr[j])
      i++;
    else if (kc[i] > kr[j])
      j++;
    else
      hits++, i++, j++;
  }
  free(kc);
  *out = rouge_prf_of(hits, gc, gr);
  return 0;
}

/* Length of the longest common subsequence, two rows of dynamic programming. */
static inline int rouge_lcs(const uint32_t *c, size_t nc, const uint32_t *r, size_t nr, size_t *out) {
  *out = 0;
  if (nc == 0 || nr == 0)
    return 0;
  size_t *prev = calloc(2 * (nr + 1), sizeof *prev);
  if (!prev)
    return -1;
  size_t *cur = prev + nr + 1;
  for (size_t i = 1; i <= nc; i++) {
    cur[0] = 0;
    for (size_t j = 1; j <= nr; j++) {
      if (c[i - 1] == r[j - 1])
        cur[j] = prev[j - 1] + 1;
      else
        cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
    }
    size_t *t = prev;
    prev = cur;
    cur = t;
  }
  *out = prev[nr];
  free(prev < cur ? prev : cur);
  return 0;
}

/**
 * Scores @p cand against @p ref: ROUGE-1, ROUGE-2 and ROUGE-L precision, recall and F1 in
 * [0, 1]. Returns 0, or -1 when out of memory (*out is then all zeros).
 */
static inline int rouge_score(const char *cand, size_t cand_len, const char *ref, size_t ref_len,
                       rouge_scores *out) {
  memset(out, 0, sizeof *out);
  rouge_tok *tc = NULL, *tr = NULL;
  uint32_t *ic = NULL, *ir = NULL;
  int rc = -1;
  size_t nc = rouge_tokenize(cand, cand_len, &tc);
  size_t nr = rouge_tokenize(ref, ref_len, &tr);
  if (nc == (size_t)-1 || nr == (size_t)-1)
    goto done;
  ic = malloc((nc + 1) * sizeof *ic);
  ir = malloc((nr + 1) * sizeof *ir);
  if (!ic || !ir || rouge_intern(tc, nc, ic, tr, nr, ir) != 0)
    goto done;
  size_t lcs;
  if (rouge_ngram(ic, nc, ir, nr, 1, &out->r1) != 0 ||
      rouge_ngram(ic, nc, ir, nr, 2, &out->r2) != 0 || rouge_lcs(ic, nc, ir, nr, &lcs) != 0)
    goto done;
  out->rl = rouge_prf_of(lcs, nc, nr);
  rc = 0;
done:
  if (rc != 0)
    memset(out, 0, sizeof *out);
  free(tc);
  free(tr);
  free(ic);
  free(ir);
  return rc;
}

#endif /* KABAR_BENCH_ROUGE_H */
