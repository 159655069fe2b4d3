/* The index: compact fingerprints of many articles, near-duplicate clusters and story links.
 *
 * Per article it keeps (about 250 bytes, see bench/batch-bench.sh):
 *   - a b-bit MinHash: the low 8 bits of each of the 64 values (64 bytes), from which the
 *     Jaccard similarity J is estimated as (m/64 - 1/256) / (1 - 1/256) for m equal bytes;
 *   - LSH: 12 of the 64 values are bands of one value each (P(candidate) = 1 - (1 - J)^12:
 *     0.986 at J = 0.3, 0.72 at J = 0.1). A band node is 4 bytes of chain link plus 2 bytes
 *     holding bits 8-23 of its value, so with the b-bit byte 24 bits of the key are known
 *     again when the table grows: no full value is kept;
 *   - SimHash (8 bytes), distinct shingle count, date, id, cluster and story;
 *   - up to 6 story keys (rare names and numbers) chained in an inverted index.
 * Candidate lists are bounded (chain walks stop after a fixed number of nodes, newest first),
 * so adding is linear in the number of articles overall, never all pairs.
 *
 * Verification: a candidate is a near-duplicate when J >= opt.jaccard, or when the share of
 * the smaller article found in the larger, |A∩B| / min(|A|, |B|) with |A∩B| = J(|A|+|B|)/(1+J)
 * from the distinct shingle counts, is >= opt.containment (with J above a noise floor), or
 * when their SimHashes differ in at most 2 bits. Cluster joins: see decide(). */
#include "index.h"

#include <math.h>
#include <stdlib.h>

#define SIG 64               /* b-bit MinHash bytes */
#define BANDS 12             /* one MinHash value each */
#define NKEYS 6              /* story keys kept per article */
#define LSH_WALK 64          /* nodes visited per band */
#define STORY_WALK 256       /* nodes visited per story key */
#define STORY_DF_CAP 48      /* a key held by this many articles is common: no evidence */
#define MAX_ID 1024
#define DF_ROWS 2
#define DF_WIDTH 65536u      /* counters per row (256 KiB in all) */
#define DF_HALVE 65536u      /* every this many additions the counts are halved: recent weigh */
#define ARENA_BLOCK 65536u

#define DEF_JACCARD 0.3
#define DEF_CONTAINMENT 0.7
#define DEF_STORY_WINDOW (3 * 86400)
#define STRONG_JACCARD 0.5     /* joins a cluster through a member, not its representative */
#define STRONG_CONTAINMENT 0.9
#define LOOSE_JACCARD 0.12     /* ... if still this close to the representative */
#define LOOSE_CONTAINMENT 0.45
#define JACCARD_FLOOR 0.05     /* below this the containment estimate is noise */
#define SIMHASH_BITS 2
#define MIN_SHINGLES 3         /* smaller articles match only exact copies */

/* the band's MinHash bin: spread over the 64 */
static inline unsigned band_bin(unsigned b) { return b * 5u; }

struct kabar_index_item {
  uint64_t simhash;
  uint32_t ndistinct;
  uint32_t nkeys;
  uint8_t empty; /* no shingles: joins nothing */
  uint8_t sig[SIG];
  uint16_t hint[BANDS];
  uint32_t keys[KABAR_STORY_MAX_KEYS];
};

typedef struct ix_entry {
  int64_t date;
  uint64_t simhash;
  uint32_t seq, id;                   /* id: arena offset */
  uint32_t cluster, story;            /* seqs of their first articles */
  uint32_t cluster_name, story_name;  /* arena offsets of those articles' ids */
  uint32_t ndistinct;
  uint8_t nkeys, dead, empty;
} ix_entry;

typedef struct arena {
  char **blocks;
  size_t n, cap;
  uint32_t used; /* in the last block */
} arena;

struct kabar_index {
  double jaccard, containment;
  int64_t story_window;
  ix_entry *e;
  size_t n, cap, ndead;
  uint8_t *sig;       /* n * SIG */
  uint16_t *hint;     /* n * BANDS */
  uint32_t *lnext;    /* n * BANDS: node + 1, 0 = end */
  uint32_t *lhead;
  size_t lmask;       /* buckets - 1 */
  uint32_t *skey;     /* n * NKEYS */
  uint32_t *snext;
  uint32_t *shead;
  size_t smask;
  arena names;
  uint16_t *df;       /* count-min sketch of story keys' document counts: DF_ROWS x DF_WIDTH */
  uint32_t df_adds;   /* additions since the counts were last halved */
  uint64_t next_seq;
  int64_t clock;
};

/* ---- small helpers ------------------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return 0;
  size_t ncap = *cap ? *cap : 64;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / elem)
      return -1;
    ncap += ncap / 8; /* 1.125x: the index is most of a long-running process's memory, and
                       * large reallocations move pages, not bytes */
  }
  void *np = kabar__realloc(*p, ncap * elem);
  if (!np)
    return -1;
  *p = np;
  *cap = ncap;
  return 0;
}

static void arena_free(arena *a) {
  for (size_t i = 0; i < a->n; i++)
    kabar__free(a->blocks[i]);
  kabar__free(a->blocks);
  memset(a, 0, sizeof *a);
}

/* Copies s (len <= MAX_ID) into the arena; UINT32_MAX when out of memory. */
static uint32_t arena_put(arena *a, const char *s, size_t len) {
  size_t need = len + 3;
  if (a->n == 0 || a->used + need > ARENA_BLOCK) {
    if (a->n >= (UINT32_MAX >> 16))
      return UINT32_MAX;
    size_t cap = a->cap;
    if (kabar__grow((void **)&a->blocks, &cap, a->n + 1, sizeof *a->blocks) != 0)
      return UINT32_MAX;
    a->cap = cap;
    char *b = kabar__malloc(ARENA_BLOCK);
    if (!b)
      return UINT32_MAX;
    a->blocks[a->n++] = b;
    a->used = 0;
  }
  char *p = a->blocks[a->n - 1] + a->used;
  p[0] = (char)(len & 0xFF);
  p[1] = (char)(len >> 8);
  memcpy(p + 2, s, len);
  p[2 + len] = '\0';
  uint32_t off = (uint32_t)((a->n - 1) << 16 | a->used);
  a->used += (uint32_t)need;
  return off;
}

static const char *arena_str(const arena *a, uint32_t off, size_t *len) {
  const unsigned char *p = (const unsigned char *)a->blocks[off >> 16] + (off & 0xFFFF);
  if (len)
    *len = (size_t)p[0] | (size_t)p[1] << 8;
  return (const char *)p + 2;
}

/* Entry index of article `seq`, or -1 (entries are in increasing seq order). */
static ptrdiff_t find_seq(const kabar_index *idx, uint32_t seq) {
  size_t lo = 0, hi = idx->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (idx->e[mid].seq < seq)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < idx->n && idx->e[lo].seq == seq && !idx->e[lo].dead ? (ptrdiff_t)lo : -1;
}

static inline size_t lsh_bucket(const kabar_index *idx, unsigned band, uint32_t key24) {
  return (size_t)(kabar__mix64((uint64_t)band << 32 | key24) & idx->lmask);
}
static inline size_t story_bucket(const kabar_index *idx, uint32_t key) {
  return (size_t)(kabar__mix64((uint64_t)key * 0x9e3779b97f4a7c15ULL) & idx->smask);
}
static inline uint32_t key24(const uint8_t *sig, const uint16_t *hint, unsigned b) {
  return (uint32_t)hint[b] << 8 | sig[band_bin(b)];
}

/* ---- options, lifetime ---------------------------------------------------------------- */

kabar_status kabar_index_options_init(kabar_index_options *opts, uint32_t version) {
  if (!opts)
    return KABAR_EINVAL;
  if (version != KABAR_INDEX_OPTIONS_VERSION)
    return KABAR_EVERSION;
  kabar_index_options def = KABAR_INDEX_OPTIONS_INIT;
  *opts = def;
  return KABAR_OK;
}

kabar_index *kabar_index_new(const kabar_index_options *opts, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (opts && opts->version != KABAR_INDEX_OPTIONS_VERSION) {
    kabar__fail(err, opts->version > KABAR_INDEX_OPTIONS_VERSION ? KABAR_EVERSION : KABAR_EINVAL,
                KABAR_NO_OFFSET, 0);
    return NULL;
  }
  if (opts && (opts->flags != 0 || !(opts->jaccard >= 0 && opts->jaccard <= 1) ||
               !(opts->containment >= 0 && opts->containment <= 1) || opts->story_window < 0)) {
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  kabar_index *idx = kabar__calloc(1, sizeof *idx);
  if (!idx) {
    kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  idx->jaccard = opts && opts->jaccard > 0 ? opts->jaccard : DEF_JACCARD;
  idx->containment = opts && opts->containment > 0 ? opts->containment : DEF_CONTAINMENT;
  idx->story_window = opts && opts->story_window > 0 ? opts->story_window : DEF_STORY_WINDOW;
  idx->clock = KABAR_INDEX_NO_DATE;
  if (!(idx->df = kabar__calloc(DF_ROWS * DF_WIDTH, sizeof *idx->df))) {
    kabar__free(idx);
    kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  return idx;
}

/* ---- key document counts: how many articles mention a story key ---------------------- */

static inline size_t df_slot(uint32_t key, unsigned row) {
  return row * DF_WIDTH + (size_t)(kabar__mix64((uint64_t)key << 1 | row) & (DF_WIDTH - 1));
}

static unsigned df_get(const kabar_index *idx, uint32_t key) {
  unsigned m = UINT16_MAX;
  for (unsigned r = 0; r < DF_ROWS; r++)
    if (idx->df[df_slot(key, r)] < m)
      m = idx->df[df_slot(key, r)];
  return m;
}

static void df_count(kabar_index *idx, const uint32_t *keys, size_t n) {
  if (++idx->df_adds >= DF_HALVE) {
    for (size_t i = 0; i < DF_ROWS * DF_WIDTH; i++)
      idx->df[i] /= 2;
    idx->df_adds = 0;
  }
  for (size_t k = 0; k < n; k++)
    for (unsigned r = 0; r < DF_ROWS; r++) {
      uint16_t *c = &idx->df[df_slot(keys[k], r)];
      if (*c < UINT16_MAX)
        (*c)++;
    }
}

static void tables_free(kabar_index *idx) {
  kabar__free(idx->e);
  kabar__free(idx->sig);
  kabar__free(idx->hint);
  kabar__free(idx->lnext);
  kabar__free(idx->lhead);
  kabar__free(idx->skey);
  kabar__free(idx->snext);
  kabar__free(idx->shead);
  kabar__free(idx->df);
}

void kabar_index_free(kabar_index *idx) {
  if (!idx)
    return;
  tables_free(idx);
  arena_free(&idx->names);
  kabar__free(idx);
}

size_t kabar_index_count(const kabar_index *idx) { return idx ? idx->n - idx->ndead : 0; }

int64_t kabar_index_clock(const kabar_index *idx) {
  return idx ? idx->clock : KABAR_INDEX_NO_DATE;
}

size_t kabar_index_memory(const kabar_index *idx) {
  if (!idx)
    return 0;
  return sizeof *idx + idx->cap * (sizeof(ix_entry) + SIG + BANDS * (2 + 4) + NKEYS * 8) +
         (idx->lhead ? (idx->lmask + 1) * 4 : 0) + (idx->shead ? (idx->smask + 1) * 4 : 0) +
         idx->names.cap * sizeof(char *) + idx->names.n * (size_t)ARENA_BLOCK +
         DF_ROWS * DF_WIDTH * sizeof *idx->df;
}

/* ---- items ---------------------------------------------------------------------------- */

kabar_index_item *kabar_index_item_new(const kabar_doc *doc, kabar_error *err) {
  kabar__fail(err, KABAR_OK, KABAR_NO_OFFSET, 0);
  if (!doc || (doc->flags & KABAR_DOC_NO_FINGERPRINTS)) { /* nothing to find it by */
    kabar__fail(err, KABAR_EINVAL, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  kabar_index_item *it = kabar__calloc(1, sizeof *it);
  kabar_story_key *keys = kabar__malloc(KABAR_STORY_MAX_KEYS * sizeof *keys);
  size_t nkeys = 0;
  kabar_status rc = it && keys ? kabar__story_keys(doc, keys, KABAR_STORY_MAX_KEYS, &nkeys)
                               : KABAR_ENOMEM;
  if (rc != KABAR_OK) {
    kabar__free(keys);
    kabar__free(it);
    kabar__fail(err, rc, KABAR_NO_OFFSET, 0);
    return NULL;
  }
  it->simhash = doc->simhash;
  it->ndistinct = doc->ndistinct > UINT32_MAX ? UINT32_MAX : (uint32_t)doc->ndistinct;
  it->empty = doc->nminhash != KABAR_MINHASH_SIZE;
  /* the cleaned text, else (all boilerplate) the input */
  const char *tp = doc->clean.len ? doc->clean.p : doc->text;
  size_t tlen = doc->clean.len ? doc->clean.len : doc->len;
  if (it->empty && tlen > 0) {
    /* no content-word shingles (a stub like "Kawan Pal."), but text: a signature of the
     * whole text, so that exact copies still match (0 distinct shingles: compare()
     * then wants every byte equal) */
    it->empty = 0;
    it->ndistinct = 0;
    for (unsigned i = 0; i < SIG; i++)
      it->sig[i] = (uint8_t)kabar__hash(tp, tlen, i);
    for (unsigned b = 0; b < BANDS; b++)
      it->hint[b] = (uint16_t)kabar__hash(tp, tlen, 0x100u + b);
  } else if (!it->empty) {
    for (unsigned i = 0; i < SIG; i++)
      it->sig[i] = (uint8_t)doc->minhash[i];
    for (unsigned b = 0; b < BANDS; b++)
      it->hint[b] = (uint16_t)(doc->minhash[band_bin(b)] >> 8);
  }
  it->nkeys = (uint32_t)nkeys;
  for (size_t i = 0; i < nkeys; i++)
    it->keys[i] = keys[i].key;
  kabar__free(keys);
  return it;
}

void kabar_index_item_free(kabar_index_item *item) { kabar__free(item); }

/* ---- similarity ----------------------------------------------------------------------- */

typedef struct sim {
  double j, c;
  int pass, strong, loose;
} sim;

static sim compare(const kabar_index *idx, const kabar_index_item *it, size_t e) {
  const ix_entry *x = &idx->e[e];
  const uint8_t *s = idx->sig + e * SIG;
  unsigned m = 0;
  for (unsigned i = 0; i < SIG; i++)
    m += it->sig[i] == s[i];
  sim r = {0, 0, 0, 0, 0};
  double j = ((double)m / SIG - 1.0 / 256) / (1.0 - 1.0 / 256);
  r.j = j < 0 ? 0 : j > 1 ? 1 : j;
  double a = it->ndistinct, b = x->ndistinct, small = a < b ? a : b;
  if (small < MIN_SHINGLES) {
    /* too few shingles for estimates: only the same shingles count */
    r.pass = r.strong = r.loose = m == SIG && it->ndistinct == x->ndistinct;
    r.c = r.pass;
    return r;
  }
  double c = r.j * (a + b) / (1 + r.j) / small;
  r.c = r.j < JACCARD_FLOOR ? 0 : c > 1 ? 1 : c;
  int near = __builtin_popcountll(it->simhash ^ x->simhash) <= SIMHASH_BITS;
  r.pass = r.j >= idx->jaccard || r.c >= idx->containment || near;
  r.strong = r.j >= STRONG_JACCARD || r.c >= STRONG_CONTAINMENT || near;
  r.loose = r.j >= LOOSE_JACCARD || r.c >= LOOSE_CONTAINMENT;
  return r;
}

/* ---- deciding ------------------------------------------------------------------------- */

typedef struct decision {
  ptrdiff_t matched;       /* entry matched, or -1 */
  uint32_t cluster;        /* seq, valid when matched >= 0 */
  uint32_t cluster_name;
  double j, c, score;
  ptrdiff_t story_matched; /* entry, or -1 */
  uint32_t story, story_name, story_shared;
} decision;

/* A small set of entry indices (candidates), open addressing. */
typedef struct cand_set {
  uint32_t *slot; /* entry + 1 */
  size_t mask;
} cand_set;

static int cand_insert(cand_set *s, size_t e) {
  size_t h = (size_t)kabar__mix64(e) & s->mask;
  while (s->slot[h]) {
    if (s->slot[h] == e + 1)
      return 0;
    h = (h + 1) & s->mask;
  }
  s->slot[h] = (uint32_t)e + 1;
  return 1;
}

static void near_duplicates(const kabar_index *idx, const kabar_index_item *it, decision *d,
                            uint32_t *cands) {
  d->matched = -1;
  d->score = -1;
  if (it->empty || !idx->lhead)
    return;
  cand_set set = {cands, 2 * BANDS * LSH_WALK - 1};
  memset(cands, 0, 2 * BANDS * LSH_WALK * sizeof *cands);
  size_t order[BANDS * LSH_WALK], n = 0;
  for (unsigned b = 0; b < BANDS; b++) {
    uint32_t k = key24(it->sig, it->hint, b);
    uint32_t node = idx->lhead[lsh_bucket(idx, b, k)];
    for (unsigned steps = 0; node && steps < LSH_WALK; steps++) {
      size_t nd = node - 1, e = nd / BANDS;
      node = idx->lnext[nd];
      if (nd % BANDS != b || idx->e[e].dead || idx->e[e].empty ||
          key24(idx->sig + e * SIG, idx->hint + e * BANDS, b) != k)
        continue;
      if (cand_insert(&set, e))
        order[n++] = e;
    }
  }
  for (size_t i = 0; i < n; i++) {
    size_t e = order[i];
    sim s = compare(idx, it, e);
    if (!s.pass)
      continue;
    const ix_entry *x = &idx->e[e];
    ptrdiff_t via = (ptrdiff_t)e;
    sim vs = s;
    if (x->seq != x->cluster) {
      /* a member: strong similarity to it and loose similarity to its representative (when
       * still held), or a direct match with the representative */
      ptrdiff_t rep = find_seq(idx, x->cluster);
      sim rs = rep >= 0 ? compare(idx, it, (size_t)rep) : s;
      if (rep >= 0 && rs.pass) {
        via = rep;
        vs = rs;
      } else if (!(s.strong && (rep < 0 || rs.loose))) {
        continue;
      }
    }
    double score = vs.j > vs.c ? vs.j : vs.c;
    const ix_entry *v = &idx->e[via];
    if (score > d->score || (score == d->score && v->cluster < d->cluster)) {
      d->matched = via;
      d->cluster = v->cluster;
      d->cluster_name = v->cluster_name;
      d->j = vs.j;
      d->c = vs.c;
      d->score = score;
    }
  }
}

/* Story candidates accumulate here: entry -> shared names and numbers. */
typedef struct story_acc {
  uint32_t entry; /* + 1 */
  uint8_t names, pairs;
  uint16_t numbers;
} story_acc;

/* A key held by this many live articles is common: no evidence. Small indexes need keys
 * rarer than 1 in 50 (at least under 3 articles), large ones fewer than STORY_DF_CAP. */
static unsigned df_cap(const kabar_index *idx) {
  size_t live = idx->n - idx->ndead, cap = live / 50;
  return cap < 3 ? 3 : cap > STORY_DF_CAP ? STORY_DF_CAP : (unsigned)cap;
}

static void same_story(const kabar_index *idx, const kabar_index_item *it, int64_t date,
                       decision *d, story_acc *acc, size_t accmask) {
  d->story_matched = -1;
  if (!idx->shead || it->nkeys == 0)
    return;
  uint32_t used[KABAR_STORY_MAX_KEYS * STORY_DF_CAP];
  size_t nused = 0;
  unsigned cap = df_cap(idx);
  for (uint32_t k = 0; k < it->nkeys; k++) {
    uint32_t key = it->keys[k];
    unsigned df = df_get(idx, key);
    if (df == 0 || df >= cap)
      continue; /* nobody has it, or too many: no evidence */
    uint32_t node = idx->shead[story_bucket(idx, key)];
    for (unsigned steps = 0; node && steps < STORY_WALK; steps++) {
      size_t nd = node - 1, e = nd / NKEYS;
      node = idx->snext[nd];
      const ix_entry *x = &idx->e[e];
      if (idx->skey[nd] != key || x->dead)
        continue;
      int64_t dt = x->date > date ? x->date - date : date - x->date;
      if (dt > idx->story_window)
        continue;
      size_t h = (size_t)kabar__mix64(e) & accmask;
      while (acc[h].entry && acc[h].entry != e + 1)
        h = (h + 1) & accmask;
      if (!acc[h].entry) {
        if (nused == sizeof used / sizeof *used)
          continue; /* bounded: every slot of the candidate list is taken */
        acc[h].entry = (uint32_t)e + 1;
        used[nused++] = (uint32_t)h;
      }
      if (key & KABAR_KEY_PAIR)
        acc[h].pairs += acc[h].pairs < UINT8_MAX;
      else if (key & KABAR_KEY_NAME)
        acc[h].names += acc[h].names < UINT8_MAX;
      else
        acc[h].numbers++;
    }
  }
  /* evidence: a two-word name and two more names or numbers, or four one-word names, or
   * three and a number; the most wins, then the earliest. No chaining: a member of a story
   * counts only when its first article (if still held) shares two keys too. */
  unsigned best = 0;
  for (size_t u = 0; u < nused; u++) {
    size_t h = used[u];
    unsigned names = acc[h].names, pairs = acc[h].pairs, nums = acc[h].numbers;
    if (!((pairs >= 1 && names + pairs + nums >= 3) || names >= 4 || (names >= 3 && nums >= 1)))
      continue;
    unsigned score = 3 * pairs + 2 * names + nums;
    size_t e = acc[h].entry - 1;
    if (!(score > best || (score == best && e < (size_t)d->story_matched)))
      continue;
    const ix_entry *x = &idx->e[e];
    if (x->story != x->seq) {
      ptrdiff_t first = find_seq(idx, x->story);
      if (first >= 0) {
        size_t g = (size_t)kabar__mix64((size_t)first) & accmask;
        while (acc[g].entry && acc[g].entry != (size_t)first + 1)
          g = (g + 1) & accmask;
        if (!acc[g].entry || acc[g].names + acc[g].pairs + acc[g].numbers < 2)
          continue;
      }
    }
    best = score;
    d->story_matched = (ptrdiff_t)e;
    d->story = x->story;
    d->story_name = x->story_name;
    d->story_shared = names + pairs + nums;
  }
  for (size_t u = 0; u < nused; u++)
    memset(&acc[used[u]], 0, sizeof *acc);
}

#define ACC_SLOTS 8192 /* > 2 * KABAR_STORY_MAX_KEYS * STORY_DF_CAP */

static kabar_status decide(const kabar_index *idx, const kabar_index_item *it, int64_t date,
                           decision *d) {
  uint32_t *cands = kabar__malloc(2 * BANDS * LSH_WALK * sizeof *cands);
  story_acc *acc = kabar__calloc(ACC_SLOTS, sizeof *acc);
  if (!cands || !acc) {
    kabar__free(cands);
    kabar__free(acc);
    return KABAR_ENOMEM;
  }
  memset(d, 0, sizeof *d);
  near_duplicates(idx, it, d, cands);
  if (d->matched >= 0) {
    /* a near-duplicate tells the story of its cluster */
    ptrdiff_t rep = find_seq(idx, d->cluster);
    const ix_entry *x = &idx->e[rep >= 0 ? rep : d->matched];
    d->story_matched = d->matched;
    d->story = x->story;
    d->story_name = x->story_name;
    d->story_shared = 0;
  } else {
    same_story(idx, it, date, d, acc, ACC_SLOTS - 1);
  }
  kabar__free(cands);
  kabar__free(acc);
  return KABAR_OK;
}

/* ---- adding --------------------------------------------------------------------------- */

/* Links entry e's band and story-key nodes at the heads of their chains. */
static void link_entry(kabar_index *idx, size_t e) {
  const ix_entry *x = &idx->e[e];
  if (!x->empty)
    for (unsigned b = 0; b < BANDS; b++) {
      size_t nd = e * BANDS + b,
             h = lsh_bucket(idx, b, key24(idx->sig + e * SIG, idx->hint + e * BANDS, b));
      idx->lnext[nd] = idx->lhead[h];
      idx->lhead[h] = (uint32_t)nd + 1;
    }
  for (unsigned k = 0; k < x->nkeys; k++) {
    size_t nd = e * NKEYS + k, h = story_bucket(idx, idx->skey[nd]);
    idx->snext[nd] = idx->shead[h];
    idx->shead[h] = (uint32_t)nd + 1;
  }
}

/* Makes the bucket tables fit n articles; rehashes every live node when they grow. */
static int tables_fit(kabar_index *idx, size_t n, int force) {
  /* 2 to 4 nodes a bucket: chains stay short, heads cost about a byte a node */
  size_t lneed = 64, sneed = 64;
  while (lneed * 4 < n * BANDS)
    lneed *= 2;
  while (sneed * 4 < n * NKEYS)
    sneed *= 2;
  if (!force && idx->lhead && idx->lmask + 1 >= lneed && idx->shead &&
      idx->smask + 1 >= sneed)
    return 0;
  size_t lb = idx->lhead && !force && idx->lmask + 1 >= lneed ? idx->lmask + 1 : lneed;
  size_t sb = idx->shead && !force && idx->smask + 1 >= sneed ? idx->smask + 1 : sneed;
  uint32_t *lh = kabar__calloc(lb, sizeof *lh), *sh = kabar__calloc(sb, sizeof *sh);
  if (!lh || !sh) {
    kabar__free(lh);
    kabar__free(sh);
    return -1;
  }
  kabar__free(idx->lhead);
  kabar__free(idx->shead);
  idx->lhead = lh;
  idx->shead = sh;
  idx->lmask = lb - 1;
  idx->smask = sb - 1;
  /* oldest first, so that chains stay newest first */
  for (size_t e = 0; e < idx->n; e++)
    if (!idx->e[e].dead)
      link_entry(idx, e);
  return 0;
}

/* Room for one more entry in every per-article array (all hold `cap` articles). */
static int reserve_entry(kabar_index *idx) {
  if (idx->n + 1 > UINT32_MAX / (BANDS > NKEYS ? BANDS : NKEYS) - 1)
    return -1;
  size_t ncap = idx->cap;
  if (idx->n + 1 <= ncap)
    return 0;
  if (grow((void **)&idx->e, &ncap, idx->n + 1, sizeof *idx->e) != 0)
    return -1;
  /* a failure part way leaves some arrays larger than cap: harmless, they grow again */
  void *p;
  if (!(p = kabar__realloc(idx->sig, ncap * SIG)))
    return -1;
  idx->sig = p;
  if (!(p = kabar__realloc(idx->hint, ncap * BANDS * sizeof *idx->hint)))
    return -1;
  idx->hint = p;
  if (!(p = kabar__realloc(idx->lnext, ncap * BANDS * sizeof *idx->lnext)))
    return -1;
  idx->lnext = p;
  if (!(p = kabar__realloc(idx->skey, ncap * NKEYS * sizeof *idx->skey)))
    return -1;
  idx->skey = p;
  if (!(p = kabar__realloc(idx->snext, ncap * NKEYS * sizeof *idx->snext)))
    return -1;
  idx->snext = p;
  idx->cap = ncap;
  return 0;
}

/* Appends entry x with the item's fingerprints and keys `keys[0, nkeys)`, links its nodes. */
static kabar_status append(kabar_index *idx, const ix_entry *x, const kabar_index_item *it,
                           const uint32_t *keys, unsigned nkeys) {
  if (reserve_entry(idx) != 0 || tables_fit(idx, idx->n + 1, 0) != 0)
    return KABAR_ENOMEM;
  size_t e = idx->n++;
  idx->e[e] = *x;
  idx->e[e].nkeys = (uint8_t)nkeys;
  memcpy(idx->sig + e * SIG, it->sig, SIG);
  memcpy(idx->hint + e * BANDS, it->hint, sizeof it->hint);
  memset(idx->skey + e * NKEYS, 0, NKEYS * sizeof *idx->skey);
  if (nkeys)
    memcpy(idx->skey + e * NKEYS, keys, nkeys * sizeof *keys);
  link_entry(idx, e);
  if (x->date > idx->clock)
    idx->clock = x->date;
  if ((uint64_t)x->seq + 1 > idx->next_seq)
    idx->next_seq = (uint64_t)x->seq + 1;
  return KABAR_OK;
}

/* The keys an article keeps: the rarest of its keys (fewest articles hold them), most
 * mentioned first among equals; keys already common are not kept. */
static unsigned pick_keys(const kabar_index *idx, const kabar_index_item *it, uint32_t *out) {
  unsigned df[KABAR_STORY_MAX_KEYS], cap = df_cap(idx);
  for (uint32_t k = 0; k < it->nkeys; k++)
    df[k] = df_get(idx, it->keys[k]);
  unsigned n = 0;
  for (unsigned level = 0; level < cap && n < NKEYS; level++)
    for (uint32_t k = 0; k < it->nkeys && n < NKEYS; k++)
      if (df[k] == level)
        out[n++] = it->keys[k];
  return n;
}

/* Dates are kept within +-2^40 s (35,000 years) so that differences never overflow. */
#define DATE_LIMIT ((int64_t)1 << 40)
static int date_ok(int64_t d) {
  return d == KABAR_INDEX_NO_DATE || (d >= -DATE_LIMIT && d <= DATE_LIMIT);
}

static void fill_result(const kabar_index *idx, const decision *d, uint64_t seq,
                        uint32_t own_name, kabar_index_result *out, int query) {
  out->seq = seq;
  out->matched = d->matched >= 0 ? idx->e[d->matched].seq : KABAR_INDEX_NONE;
  out->jaccard = d->matched >= 0 ? d->j : 0;
  out->containment = d->matched >= 0 ? d->c : 0;
  if (d->matched >= 0) {
    out->cluster = d->cluster;
    out->cluster_id = arena_str(&idx->names, d->cluster_name, NULL);
  } else {
    out->cluster = query ? KABAR_INDEX_NONE : seq;
    out->cluster_id = query ? NULL : arena_str(&idx->names, own_name, NULL);
  }
  out->story_matched = d->story_matched >= 0 ? idx->e[d->story_matched].seq : KABAR_INDEX_NONE;
  out->story_shared = d->story_matched >= 0 ? d->story_shared : 0;
  if (d->story_matched >= 0) {
    out->story = d->story;
    out->story_id = arena_str(&idx->names, d->story_name, NULL);
  } else {
    out->story = query ? KABAR_INDEX_NONE : seq;
    out->story_id = query ? NULL : arena_str(&idx->names, own_name, NULL);
  }
}

kabar_status kabar_index_query(const kabar_index *idx, int64_t date,
                               const kabar_index_item *item, kabar_index_result *out) {
  if (!idx || !item || !out || out->version != KABAR_INDEX_RESULT_VERSION || !date_ok(date))
    return KABAR_EINVAL;
  if (date == KABAR_INDEX_NO_DATE)
    date = idx->clock == KABAR_INDEX_NO_DATE ? 0 : idx->clock;
  decision d;
  kabar_status rc = decide(idx, item, date, &d);
  if (rc == KABAR_OK)
    fill_result(idx, &d, KABAR_INDEX_NONE, 0, out, 1);
  return rc;
}

kabar_status kabar_index_add(kabar_index *idx, const char *id, size_t id_len, int64_t date,
                             const kabar_index_item *item, kabar_index_result *out) {
  if (!idx || !item || !id || id_len == 0 || id_len > MAX_ID || memchr(id, 0, id_len) ||
      (out && out->version != KABAR_INDEX_RESULT_VERSION) || !date_ok(date))
    return KABAR_EINVAL;
  if (idx->next_seq >= UINT32_MAX)
    return KABAR_ELIMIT;
  if (date == KABAR_INDEX_NO_DATE)
    date = idx->clock == KABAR_INDEX_NO_DATE ? 0 : idx->clock;
  decision d;
  kabar_status rc = decide(idx, item, date, &d);
  if (rc != KABAR_OK)
    return rc;
  /* the arena only grows: a failure below leaves an unused string, nothing else */
  uint32_t name = arena_put(&idx->names, id, id_len);
  if (name == UINT32_MAX)
    return KABAR_ENOMEM;
  ix_entry x;
  memset(&x, 0, sizeof x);
  x.date = date;
  x.simhash = item->simhash;
  x.seq = (uint32_t)idx->next_seq;
  x.id = name;
  x.ndistinct = item->ndistinct;
  x.empty = item->empty;
  x.cluster = d.matched >= 0 ? d.cluster : x.seq;
  x.cluster_name = d.matched >= 0 ? d.cluster_name : name;
  x.story = d.story_matched >= 0 ? d.story : x.seq;
  x.story_name = d.story_matched >= 0 ? d.story_name : name;
  uint32_t keys[NKEYS];
  unsigned nkeys = pick_keys(idx, item, keys);
  if ((rc = append(idx, &x, item, keys, nkeys)) != KABAR_OK)
    return rc;
  df_count(idx, item->keys, item->nkeys);
  if (out)
    fill_result(idx, &d, x.seq, name, out, 0);
  return KABAR_OK;
}

/* ---- eviction ------------------------------------------------------------------------- */

/* Old arena offset -> new, for names kept through a compaction. */
typedef struct remap {
  uint32_t *from, *to;
  size_t mask;
} remap;

static uint32_t remap_get(remap *m, arena *dst, const arena *src, uint32_t off, int *oom) {
  size_t h = (size_t)kabar__mix64(off) & m->mask;
  while (m->from[h] != UINT32_MAX) {
    if (m->from[h] == off)
      return m->to[h];
    h = (h + 1) & m->mask;
  }
  size_t len;
  const char *s = arena_str(src, off, &len);
  uint32_t n = arena_put(dst, s, len);
  if (n == UINT32_MAX) {
    *oom = 1;
    return 0;
  }
  m->from[h] = off;
  m->to[h] = n;
  return n;
}

/* Drops dead entries and the names no one uses; on failure the index stays as it was. */
static int compact(kabar_index *idx) {
  size_t live = idx->n - idx->ndead, slots = 64;
  while (slots < 6 * live + 64)
    slots *= 2;
  remap m = {kabar__malloc(slots * sizeof(uint32_t)), kabar__malloc(slots * sizeof(uint32_t)),
             slots - 1};
  arena na = {0};
  int oom = !m.from || !m.to;
  if (!oom)
    memset(m.from, 0xFF, slots * sizeof(uint32_t));
  for (size_t e = 0; e < idx->n && !oom; e++) {
    ix_entry *x = &idx->e[e];
    if (x->dead)
      continue;
    remap_get(&m, &na, &idx->names, x->id, &oom);
    remap_get(&m, &na, &idx->names, x->cluster_name, &oom);
    remap_get(&m, &na, &idx->names, x->story_name, &oom);
  }
  if (oom) {
    kabar__free(m.from);
    kabar__free(m.to);
    arena_free(&na);
    return -1;
  }
  size_t k = 0;
  for (size_t e = 0; e < idx->n; e++) {
    ix_entry x = idx->e[e];
    if (x.dead)
      continue;
    x.id = remap_get(&m, &na, &idx->names, x.id, &oom);
    x.cluster_name = remap_get(&m, &na, &idx->names, x.cluster_name, &oom);
    x.story_name = remap_get(&m, &na, &idx->names, x.story_name, &oom);
    idx->e[k] = x;
    memmove(idx->sig + k * SIG, idx->sig + e * SIG, SIG);
    memmove(idx->hint + k * BANDS, idx->hint + e * BANDS, BANDS * sizeof *idx->hint);
    memmove(idx->skey + k * NKEYS, idx->skey + e * NKEYS, NKEYS * sizeof *idx->skey);
    k++;
  }
  kabar__free(m.from);
  kabar__free(m.to);
  arena_free(&idx->names);
  idx->names = na;
  idx->n = k;
  idx->ndead = 0;
  /* the tables shrink with the index; if that allocation fails, the old ones are relinked */
  if (tables_fit(idx, idx->n, 1) != 0) {
    size_t lb = idx->lmask + 1, sb = idx->smask + 1;
    memset(idx->lhead, 0, lb * sizeof *idx->lhead);
    memset(idx->shead, 0, sb * sizeof *idx->shead);
    for (size_t e = 0; e < idx->n; e++)
      link_entry(idx, e);
  }
  return 0;
}

size_t kabar_index_evict(kabar_index *idx, int64_t before) {
  if (!idx)
    return 0;
  size_t removed = 0;
  for (size_t e = 0; e < idx->n; e++)
    if (!idx->e[e].dead && idx->e[e].date < before) {
      idx->e[e].dead = 1;
      removed++;
    }
  idx->ndead += removed;
  /* dead entries are skipped until they are as many as the live ones: amortised linear */
  if (idx->ndead > 0 && idx->ndead * 2 >= idx->n)
    (void)compact(idx); /* out of memory: they stay, marked dead, until the next try */
  return removed;
}

/* ---- export / import ------------------------------------------------------------------ */

/* Record layout, little-endian:
 *   u8 format (1), u8 flags (bit 0 empty), u8 nkeys, u8 reserved,
 *   u32 seq, u32 cluster, u32 story, u32 ndistinct, i64 date, u64 simhash,
 *   u8 sig[64], u16 hint[12], u32 keys[nkeys],
 *   u16 len + id, u16 len + cluster id, u16 len + story id */
#define REC_FORMAT 1
#define REC_FIXED (4 + 16 + 16 + SIG + 2 * BANDS)

static void put_u16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get_u16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get_u32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++)
    v |= (uint32_t)p[i] << (8 * i);
  return v;
}
static uint64_t get_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

kabar_status kabar_index_export(const kabar_index *idx, uint64_t seq, void *buf, size_t cap,
                                size_t *len_out) {
  if (len_out)
    *len_out = 0;
  if (!idx || seq >= UINT32_MAX || (!buf && cap))
    return KABAR_EINVAL;
  ptrdiff_t e = find_seq(idx, (uint32_t)seq);
  if (e < 0)
    return KABAR_EINVAL;
  const ix_entry *x = &idx->e[e];
  size_t lid, lc, ls;
  const char *sid = arena_str(&idx->names, x->id, &lid);
  const char *sc = arena_str(&idx->names, x->cluster_name, &lc);
  const char *ss = arena_str(&idx->names, x->story_name, &ls);
  size_t need = REC_FIXED + 4u * x->nkeys + 6 + lid + lc + ls;
  if (len_out)
    *len_out = need;
  if (cap < need)
    return KABAR_ELIMIT;
  uint8_t *p = buf;
  p[0] = REC_FORMAT;
  p[1] = x->empty ? 1 : 0;
  p[2] = x->nkeys;
  p[3] = 0;
  put_u32(p + 4, x->seq);
  put_u32(p + 8, x->cluster);
  put_u32(p + 12, x->story);
  put_u32(p + 16, x->ndistinct);
  put_u64(p + 20, (uint64_t)x->date);
  put_u64(p + 28, x->simhash);
  p += 36;
  memcpy(p, idx->sig + (size_t)e * SIG, SIG);
  p += SIG;
  for (unsigned b = 0; b < BANDS; b++, p += 2)
    put_u16(p, idx->hint[(size_t)e * BANDS + b]);
  for (unsigned k = 0; k < x->nkeys; k++, p += 4)
    put_u32(p, idx->skey[(size_t)e * NKEYS + k]);
  const char *strs[3] = {sid, sc, ss};
  size_t lens[3] = {lid, lc, ls};
  for (int i = 0; i < 3; i++) {
    put_u16(p, (uint32_t)lens[i]);
    memcpy(p + 2, strs[i], lens[i]);
    p += 2 + lens[i];
  }
  return KABAR_OK;
}

/* Reads a u16-prefixed string; NULL when it does not fit or is not a valid id. */
static const uint8_t *get_str(const uint8_t *p, const uint8_t *end, const char **s,
                              size_t *len) {
  if (end - p < 2)
    return NULL;
  *len = get_u16(p);
  p += 2;
  if ((size_t)(end - p) < *len || *len == 0 || *len > MAX_ID || memchr(p, 0, *len))
    return NULL;
  *s = (const char *)p;
  return p + *len;
}

kabar_status kabar_index_import(kabar_index *idx, const void *rec, size_t len) {
  if (!idx || !rec || len < REC_FIXED + 6)
    return KABAR_EINVAL;
  const uint8_t *p = rec, *end = p + len;
  if (p[0] != REC_FORMAT || (p[1] & ~1u) || p[2] > NKEYS || p[3] != 0)
    return KABAR_EINVAL;
  ix_entry x;
  memset(&x, 0, sizeof x);
  x.empty = p[1] & 1;
  unsigned nkeys = p[2];
  x.seq = get_u32(p + 4);
  x.cluster = get_u32(p + 8);
  x.story = get_u32(p + 12);
  x.ndistinct = get_u32(p + 16);
  x.date = (int64_t)get_u64(p + 20);
  x.simhash = get_u64(p + 28);
  if (x.seq == UINT32_MAX || (uint64_t)x.seq < idx->next_seq || x.cluster > x.seq ||
      x.story > x.seq || x.date == KABAR_INDEX_NO_DATE || !date_ok(x.date))
    return KABAR_EINVAL;
  kabar_index_item it;
  memset(&it, 0, sizeof it);
  p += 36;
  if ((size_t)(end - p) < SIG + 2 * BANDS + 4u * nkeys)
    return KABAR_EINVAL;
  memcpy(it.sig, p, SIG);
  p += SIG;
  for (unsigned b = 0; b < BANDS; b++, p += 2)
    it.hint[b] = (uint16_t)get_u16(p);
  uint32_t keys[NKEYS];
  for (unsigned k = 0; k < nkeys; k++, p += 4)
    keys[k] = get_u32(p);
  const char *s[3];
  size_t l[3];
  for (int i = 0; i < 3; i++)
    if (!(p = get_str(p, end, &s[i], &l[i])))
      return KABAR_EINVAL;
  if (p != end)
    return KABAR_EINVAL;
  /* names: the article's own id names its cluster/story when it is their first article */
  if ((x.cluster == x.seq && (l[1] != l[0] || memcmp(s[1], s[0], l[0]))) ||
      (x.story == x.seq && (l[2] != l[0] || memcmp(s[2], s[0], l[0]))))
    return KABAR_EINVAL;
  uint32_t o[3];
  for (int i = 0; i < 3; i++) {
    /* reuse the name held by the cluster's or story's first article when it is here */
    uint32_t ref = i == 0 ? UINT32_MAX : i == 1 ? x.cluster : x.story;
    ptrdiff_t r = ref == x.seq || ref == UINT32_MAX ? -1 : find_seq(idx, ref);
    size_t rl;
    if (ref == x.seq) {
      o[i] = o[0];
      continue;
    }
    if (r >= 0) {
      const char *rs = arena_str(&idx->names, idx->e[r].id, &rl);
      if (rl == l[i] && memcmp(rs, s[i], rl) == 0) {
        o[i] = idx->e[r].id;
        continue;
      }
    }
    if ((o[i] = arena_put(&idx->names, s[i], l[i])) == UINT32_MAX)
      return KABAR_ENOMEM;
  }
  x.id = o[0];
  x.cluster_name = o[1];
  x.story_name = o[2];
  it.empty = x.empty;
  kabar_status rc = append(idx, &x, &it, keys, nkeys);
  if (rc == KABAR_OK) /* only the kept keys are known: the counts start from them */
    df_count(idx, keys, nkeys);
  return rc;
}
