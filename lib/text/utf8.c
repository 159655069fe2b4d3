#include "text.h"

size_t kabar__utf8_bad_prefix(const unsigned char *s, size_t n, size_t *cp_len) {
  unsigned char c = s[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c < 0x80) {
    *cp_len = 1;
    return 0;
  } else if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0)
      lo = 0xA0; /* no overlongs */
    else if (c == 0xED)
      hi = 0x9F; /* no surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F; /* <= U+10FFFF */
  } else {
    return 1; /* stray continuation byte, C0/C1 overlong lead, F5..FF */
  }
  for (size_t i = 1; i < need; i++) {
    if (i >= n)
      return i; /* truncated */
    unsigned char lim_lo = i == 1 ? lo : 0x80, lim_hi = i == 1 ? hi : 0xBF;
    if (s[i] < lim_lo || s[i] > lim_hi)
      return i;
  }
  *cp_len = need;
  return 0;
}

/* Offset of the first byte from 0x80 up in s[i, n), or n: 8 bytes at a time. */
static size_t ascii_end_scalar(const unsigned char *s, size_t i, size_t n) {
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ULL)
      break;
  }
  while (i < n && s[i] < 0x80)
    i++;
  return i;
}

#if defined(__SSE2__)
#include <emmintrin.h>

static __m128i load16(const unsigned char *p) {
  return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* ascii_end_scalar 64 bytes a step: a byte's high bit is its bit in the movemask, and the
 * OR of four loads has one if any of them has. The last step loads the 16 bytes that end at
 * s + n (never past them); under 16 bytes go bytewise. */
static size_t ascii_end(const unsigned char *s, size_t i, size_t n) {
  for (; i + 64 <= n; i += 64) {
    __m128i x = _mm_or_si128(_mm_or_si128(load16(s + i), load16(s + i + 16)),
                             _mm_or_si128(load16(s + i + 32), load16(s + i + 48)));
    if (_mm_movemask_epi8(x))
      break;
  }
  for (; i + 16 <= n; i += 16) {
    unsigned m = (unsigned)_mm_movemask_epi8(load16(s + i));
    if (m)
      return i + (size_t)__builtin_ctz(m);
  }
  if (i >= n || n < 16)
    return ascii_end_scalar(s, i, n);
  unsigned m = (unsigned)_mm_movemask_epi8(load16(s + n - 16)) >> (i - (n - 16));
  return m ? i + (size_t)__builtin_ctz(m) : n;
}
#else
#define ascii_end ascii_end_scalar
#endif

/* The check, with the ASCII skip given: ASCII is nearly all of news text. */
static size_t utf8_check_with(const unsigned char *s, size_t n,
                              size_t (*skip)(const unsigned char *, size_t, size_t)) {
  size_t i = 0;
  while ((i = skip(s, i, n)) < n) {
    size_t cp_len;
    if (kabar__utf8_bad_prefix(s + i, n - i, &cp_len) != 0)
      return i;
    i += cp_len;
  }
  return n;
}

size_t kabar__utf8_check(const char *str, size_t n) {
  return utf8_check_with((const unsigned char *)str, n, ascii_end);
}

size_t kabar__utf8_check_scalar(const char *str, size_t n) {
  return utf8_check_with((const unsigned char *)str, n, ascii_end_scalar);
}

int32_t kabar__utf8_decode(const unsigned char *s, size_t n, size_t *len) {
  unsigned char c = s[0];
  if (c < 0x80 || n < 2) {
    *len = 1;
    return c;
  }
  if (c < 0xE0) {
    *len = 2;
    return ((int32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
  }
  if (c < 0xF0 || n < 4) {
    *len = n < 3 ? n : 3;
    if (n < 3)
      return 0xFFFD;
    return ((int32_t)(c & 0x0F) << 12) | ((int32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
  }
  *len = 4;
  return ((int32_t)(c & 0x07) << 18) | ((int32_t)(s[1] & 0x3F) << 12) |
         ((int32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

size_t kabar__utf8_encode(int32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static int add_anchor(kabar_offmap *map, size_t work, size_t orig) {
  struct kabar_anchor a = {work, orig};
  return KABAR_VEC_PUSH(map->anchors, a);
}

int kabar__utf8_repair(const char *str, size_t n, kabar_buf *out, kabar_offmap *map) {
  const unsigned char *s = (const unsigned char *)str;
  static const char fffd[3] = {(char)0xEF, (char)0xBF, (char)0xBD};
  if (kabar__buf_reserve(out, n + 16) != 0)
    return -1;
  size_t i = 0, run = 0;
  while (i < n) {
    size_t cp_len, bad = kabar__utf8_bad_prefix(s + i, n - i, &cp_len);
    if (bad == 0) {
      i += cp_len;
      continue;
    }
    if (kabar__buf_put(out, s + run, i - run) != 0 || add_anchor(map, out->len, i) != 0 ||
        kabar__buf_put(out, fffd, 3) != 0 || add_anchor(map, out->len, i + bad) != 0)
      return -1;
    i += bad;
    run = i;
  }
  return kabar__buf_put(out, s + run, n - run);
}

size_t kabar__offmap_orig(const kabar_offmap *map, size_t work) {
  size_t lo = 0, hi = map->anchors.n;
  if (hi == 0 || work < map->anchors.v[0].work)
    return work;
  while (hi - lo > 1) { /* last anchor with .work <= work */
    size_t mid = (lo + hi) / 2;
    if (map->anchors.v[mid].work <= work)
      lo = mid;
    else
      hi = mid;
  }
  /* Two anchors can share a work offset only at a replacement's start (the later one is its
   * end); offsets inside a U+FFFD never reach here because spans sit on code points. */
  const struct kabar_anchor *a = &map->anchors.v[lo];
  if (lo > 0 && map->anchors.v[lo - 1].work == work)
    a = &map->anchors.v[lo - 1];
  return a->orig + (work - a->work);
}

int kabar__is_space_cp(int32_t cp) {
  if (cp < 0x80)
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0;
  return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200D) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000 ||
         cp == 0xFEFF || cp == 0x0085;
}
