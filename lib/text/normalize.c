/* Normalisation for matching. ASCII takes a fast path; runs of other code points go through
 * ICU's NFKC_Casefold in bounded UTF-16 chunks. Every output byte remembers the input offset
 * of the code point (or chunk) it came from. */
#include "text.h"

#include <unicode/utf16.h>

#define CHUNK 512 /* UTF-16 units per ICU call */

typedef struct norm_state {
  const kabar_ctx *ctx;
  kabar_buf *out;
  kabar_sizevec *map;
  size_t base;
  int space_pending;
  size_t space_orig;
  /* the last ASCII character emitted, so a following combining mark can compose with it */
  int last_ascii_valid;
  size_t last_ascii_out, last_ascii_orig;
  unsigned char last_ascii;
  /* pending non-ASCII chunk */
  UChar src[CHUNK + 2];
  int32_t nsrc;
  size_t chunk_orig;
} norm_state;

enum { MAP_NONE = -1, MAP_DROP = -2, MAP_SPACE = -3 };

/* Typographic and invisible characters the matcher folds itself: returns the ASCII
 * replacement, or one of MAP_NONE, MAP_DROP, MAP_SPACE. */
static int custom_map(int32_t cp) {
  switch (cp) {
  case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2039: case 0x203A: case 0xFF07:
    return '\'';
  case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB: case 0x2033:
  case 0xFF02:
    return '"';
  case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
  case 0xFE58: case 0xFE63: case 0xFF0D:
    return '-';
  case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF: case 0x00AD: case 0x200E:
  case 0x200F: case 0x061C: case 0x202A: case 0x202B: case 0x202C: case 0x202D: case 0x202E:
  case 0x2066: case 0x2067: case 0x2068: case 0x2069:
    return MAP_DROP;
  default:
    break;
  }
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || kabar__is_space_cp(cp))
    return MAP_SPACE;
  return MAP_NONE;
}

static int put_mapped(norm_state *st, const char *bytes, size_t n, size_t orig) {
  if (st->space_pending) {
    st->space_pending = 0;
    if (st->out->len > 0) {
      if (kabar__buf_putc(st->out, ' ') != 0)
        return -1;
      if (st->map && KABAR_VEC_PUSH(*st->map, st->base + st->space_orig) != 0)
        return -1;
    }
  }
  if (kabar__buf_put(st->out, bytes, n) != 0)
    return -1;
  if (st->map)
    for (size_t i = 0; i < n; i++)
      if (KABAR_VEC_PUSH(*st->map, st->base + orig) != 0)
        return -1;
  return 0;
}

static void mark_space(norm_state *st, size_t orig) {
  if (!st->space_pending) {
    st->space_pending = 1;
    st->space_orig = orig;
  }
}

/* Emits one code point that has already been case-folded (or needs no folding). */
static int emit_folded(norm_state *st, int32_t cp, size_t orig) {
  int m = cp < 0x80 && cp > 0x20 && cp != 0x7F ? MAP_NONE : custom_map(cp);
  if (m == MAP_DROP)
    return 0;
  if (m == MAP_SPACE) {
    mark_space(st, orig);
    return 0;
  }
  char b[4];
  size_t n = m >= 0 ? (b[0] = (char)m, 1) : kabar__utf8_encode(cp, b);
  return put_mapped(st, b, n, orig);
}

static kabar_status flush_chunk(norm_state *st) {
  if (st->nsrc == 0)
    return KABAR_OK;
  UChar stackbuf[CHUNK * 4];
  UChar *dst = stackbuf;
  int32_t cap = (int32_t)(sizeof stackbuf / sizeof *stackbuf);
  UErrorCode ec = U_ZERO_ERROR;
  int32_t nd = unorm2_normalize(st->ctx->nfkc_cf, st->src, st->nsrc, dst, cap, &ec);
  if (ec == U_BUFFER_OVERFLOW_ERROR) {
    cap = nd;
    dst = kabar__malloc((size_t)cap * sizeof(UChar));
    if (!dst)
      return KABAR_ENOMEM;
    ec = U_ZERO_ERROR;
    nd = unorm2_normalize(st->ctx->nfkc_cf, st->src, st->nsrc, dst, cap, &ec);
  }
  kabar_status rc = U_FAILURE(ec) ? KABAR_EDEP : KABAR_OK;
  for (int32_t i = 0; rc == KABAR_OK && i < nd;) {
    UChar32 c;
    U16_NEXT(dst, i, nd, c);
    if (emit_folded(st, c, st->chunk_orig) != 0)
      rc = KABAR_ENOMEM;
  }
  if (dst != stackbuf)
    kabar__free(dst);
  st->nsrc = 0;
  return rc;
}

static void chunk_add(norm_state *st, int32_t cp, size_t orig) {
  if (st->nsrc == 0)
    st->chunk_orig = orig;
  if (U_IS_BMP(cp)) {
    st->src[st->nsrc++] = (UChar)cp;
  } else {
    st->src[st->nsrc++] = U16_LEAD(cp);
    st->src[st->nsrc++] = U16_TRAIL(cp);
  }
}

static kabar_status add_non_ascii(norm_state *st, int32_t cp, size_t orig) {
  int m = custom_map(cp);
  if (m != MAP_NONE) {
    kabar_status rc = flush_chunk(st);
    if (rc != KABAR_OK)
      return rc;
    st->last_ascii_valid = 0;
    return emit_folded(st, cp, orig) == 0 ? KABAR_OK : KABAR_ENOMEM;
  }
  int boundary = unorm2_hasBoundaryBefore(st->ctx->nfkc_cf, cp);
  if (st->nsrc == 0 && !boundary && st->last_ascii_valid) {
    /* a combining mark after an ASCII letter: take the letter back so ICU composes both */
    st->out->len = st->last_ascii_out;
    if (st->map)
      st->map->n = st->last_ascii_out;
    chunk_add(st, st->last_ascii, st->last_ascii_orig);
  } else if (st->nsrc >= CHUNK - 2 || (boundary && st->nsrc >= CHUNK / 2)) {
    kabar_status rc = flush_chunk(st);
    if (rc != KABAR_OK)
      return rc;
  }
  st->last_ascii_valid = 0;
  chunk_add(st, cp, orig);
  return KABAR_OK;
}

kabar_status kabar__normalize(const kabar_ctx *ctx, const char *str, size_t n, kabar_buf *out,
                              kabar_sizevec *map, size_t base) {
  const unsigned char *s = (const unsigned char *)str;
  norm_state st;
  memset(&st, 0, sizeof st);
  st.ctx = ctx;
  st.out = out;
  st.map = map;
  st.base = base;
  if (kabar__buf_reserve(out, n) != 0)
    return KABAR_ENOMEM;
  kabar_status rc = KABAR_OK;
  for (size_t i = 0; i < n && rc == KABAR_OK;) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if ((rc = flush_chunk(&st)) != KABAR_OK)
        break;
      if (c <= 0x20 || c == 0x7F) {
        mark_space(&st, i);
        st.last_ascii_valid = 0;
      } else {
        char lc = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (put_mapped(&st, &lc, 1, i) != 0) {
          rc = KABAR_ENOMEM;
          break;
        }
        st.last_ascii_valid = 1;
        st.last_ascii_out = out->len - 1;
        st.last_ascii_orig = i;
        st.last_ascii = c;
      }
      i++;
      continue;
    }
    size_t len;
    int32_t cp = kabar__utf8_decode(s + i, n - i, &len);
    rc = add_non_ascii(&st, cp, i);
    i += len;
  }
  if (rc == KABAR_OK)
    rc = flush_chunk(&st);
  if (rc == KABAR_OK && kabar__buf_reserve(out, 0) != 0)
    rc = KABAR_ENOMEM;
  if (rc == KABAR_OK)
    out->p[out->len] = '\0';
  return rc;
}
