/* The index: LSH recall on perturbed copies, containment, no chaining, determinism, window
 * eviction, export/import, story keys (names and number words) and same-story links.
 * Every text here is made by the test from its own word list or written for it. */
#include "helpers.h"
#include "index/index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text made from a word list --------------------------------------------------------- */

static const char *const vocab[] = {
    "petani",   "sawah",    "gabah",    "harga",    "pasar",     "gudang",   "pupuk",
    "kemarau",  "hujan",    "sungai",   "jembatan", "desa",      "kota",     "warga",
    "pemerintah", "anggaran", "proyek", "jalan",    "truk",      "pelabuhan", "kapal",
    "nelayan",  "ikan",     "laut",     "pantai",   "angin",     "gelombang", "sekolah",
    "guru",     "murid",    "buku",     "kelas",    "ujian",     "nilai",    "rumah",
    "sakit",    "dokter",   "obat",     "pasien",   "vaksin",    "listrik",  "tarif",
    "pabrik",   "buruh",    "upah",     "mogok",    "kereta",    "stasiun",  "tiket",
    "bandara",  "pesawat",  "cuaca",    "banjir",   "tanggul",   "pompa",    "lumpur",
    "hutan",    "kebakaran", "asap",    "kabut",    "gunung",    "letusan",  "abu",
    "pengungsi", "tenda",   "dapur",    "beras",    "minyak",    "gula",     "kopi",
    "teh",      "cokelat",  "karet",    "sawit",    "kebun",     "tanah",    "sertifikat",
    "notaris",  "pengadilan", "hakim",  "jaksa",    "saksi",     "vonis",    "banding",
    "polisi",   "razia",    "helm",     "motor",    "mobil",     "bensin",   "antrean",
    "koperasi", "pinjaman", "bunga",    "cicilan",  "tabungan",  "emas",     "perak",
    "museum",   "festival", "tari",     "musik",    "lagu",      "penyanyi", "panggung",
    "stadion",  "pemain",   "pelatih",  "gol",      "liga",      "juara",    "medali",
    "atlet",    "kolam",    "renang",   "sepeda",   "lomba",     "hadiah",   "piala",
    "wisata",   "hotel",    "kamar",    "tamu",     "kuliner",   "sambal",   "soto",
    "bakso",    "warung",   "pedagang", "kios",     "sewa",      "kontrak",  "izin",
};
#define NVOCAB (sizeof vocab / sizeof *vocab)

static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* A sentence of 8-14 words from the list. */
static void make_sentence(char *out, size_t cap) {
  size_t n = 8 + rnd() % 7, len = 0;
  for (size_t i = 0; i < n; i++) {
    const char *w = vocab[rnd() % NVOCAB];
    len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", w);
    if (i == 0)
      out[len - strlen(w)] = (char)(out[len - strlen(w)] - 32); /* capital */
  }
  snprintf(out + len, cap - len, ".");
}

typedef struct text {
  char s[64][160];
  size_t n;
} text;

static void make_text(text *t, size_t sentences) {
  t->n = sentences;
  for (size_t i = 0; i < sentences; i++)
    make_sentence(t->s[i], sizeof t->s[i]);
}

/* Joins the sentences as paragraphs of three; returns a malloc'd string. */
static char *render(const text *t) {
  size_t cap = t->n * 170 + 64, len = 0;
  char *out = malloc(cap);
  len += (size_t)snprintf(out, cap, "Judul berita\n\n");
  for (size_t i = 0; i < t->n; i++)
    len += (size_t)snprintf(out + len, cap - len, "%s%s", t->s[i],
                            i + 1 == t->n ? "\n" : (i % 3 == 2 ? "\n\n" : " "));
  return out;
}

/* A copy with one sentence dropped, two swapped and about one word in forty replaced. */
static void perturb(const text *src, text *dst) {
  size_t drop = rnd() % src->n, k = 0;
  for (size_t i = 0; i < src->n; i++)
    if (i != drop)
      memcpy(dst->s[k++], src->s[i], sizeof src->s[i]);
  dst->n = k;
  size_t a = rnd() % (k - 1);
  char tmp[160];
  memcpy(tmp, dst->s[a], sizeof tmp);
  memcpy(dst->s[a], dst->s[a + 1], sizeof tmp);
  memcpy(dst->s[a + 1], tmp, sizeof tmp);
  for (size_t i = 0; i < k; i++) {
    char out[160], *save = dst->s[i];
    size_t len = 0;
    for (char *w = save; *w;) {
      char *e = strchr(w, ' ');
      size_t wl = e ? (size_t)(e - w) : strlen(w);
      if (rnd() % 40 == 0)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", len ? " " : "",
                                vocab[rnd() % NVOCAB]);
      else
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%.*s", len ? " " : "", (int)wl,
                                w);
      w = e ? e + 1 : w + wl;
    }
    memcpy(dst->s[i], out, sizeof out);
  }
}

static kabar_index_item *item_of(const char *s) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new(test_group_ctx, s, strlen(s), 0, &err);
  assert_non_null(doc);
  kabar_index_item *it = kabar_index_item_new(doc, &err);
  assert_non_null(it);
  kabar_doc_free(doc);
  return it;
}

static kabar_index_result add_text(kabar_index *idx, const char *id, int64_t date,
                                   const char *s) {
  kabar_index_item *it = item_of(s);
  kabar_index_result r = KABAR_INDEX_RESULT_INIT;
  assert_int_equal(kabar_index_add(idx, id, strlen(id), date, it, &r), KABAR_OK);
  kabar_index_item_free(it);
  return r;
}

static kabar_index_result add_t(kabar_index *idx, const char *id, int64_t date, const text *t) {
  char *s = render(t);
  kabar_index_result r = add_text(idx, id, date, s);
  free(s);
  return r;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_lsh_recall(void **state) {
  (void)state;
  rng_state = 0x1234567;
  kabar_index *idx = kabar_index_new(NULL, NULL);
  assert_non_null(idx);
  enum { ORIG = 40, COPIES = 3 };
  uint64_t cluster[ORIG];
  text *t = malloc(sizeof *t), *c = malloc(sizeof *c);
  char id[32];
  for (int i = 0; i < ORIG; i++) {
    make_text(t, 12 + (size_t)(rnd() % 20));
    snprintf(id, sizeof id, "o%d", i);
    kabar_index_result r = add_t(idx, id, 1000, t);
    /* unrelated articles from the same words do not cluster */
    assert_int_equal(r.cluster, r.seq);
    cluster[i] = r.cluster;
    /* remember the text in the generator's state: regenerate below */
  }
  /* copies: regenerate each original from the same seed sequence */
  rng_state = 0x1234567;
  text *orig = malloc(ORIG * sizeof *orig);
  for (int i = 0; i < ORIG; i++)
    make_text(&orig[i], 12 + (size_t)(rnd() % 20));
  int found = 0, total = 0;
  for (int k = 0; k < COPIES; k++)
    for (int i = 0; i < ORIG; i++) {
      perturb(&orig[i], c);
      snprintf(id, sizeof id, "o%d#%d", i, k);
      kabar_index_result r = add_t(idx, id, 2000, c);
      total++;
      found += r.cluster == cluster[i];
      assert_true(r.cluster == cluster[i] || r.cluster == r.seq); /* never a wrong cluster */
    }
  print_message("perturbed copies found: %d / %d\n", found, total);
  assert_true(found * 100 >= total * 95);
  assert_int_equal(kabar_index_count(idx), ORIG * (1 + COPIES));
  free(orig);
  free(t);
  free(c);
  kabar_index_free(idx);
}

static void test_containment(void **state) {
  (void)state;
  text *a = malloc(sizeof *a), *b = malloc(sizeof *b);
  int found = 0, found_rev = 0;
  enum { TRIALS = 20 };
  for (int trial = 0; trial < TRIALS; trial++) {
    rng_state = 0xabcdef + (uint64_t)trial * 7919;
    make_text(a, 10);
    /* b: a's ten sentences inside thirty others (J about 0.25, a wholly inside b) */
    make_text(b, 40);
    for (size_t i = 0; i < 10; i++)
      memcpy(b->s[15 + i], a->s[i], sizeof a->s[i]);
    kabar_index *idx = kabar_index_new(NULL, NULL);
    kabar_index_result ra = add_t(idx, "short", 0, a);
    kabar_index_result rb = add_t(idx, "long", 0, b);
    if (rb.cluster == ra.seq) {
      found++;
      assert_string_equal(rb.cluster_id, "short");
      assert_true(rb.containment >= 0.7);
    } else {
      assert_int_equal(rb.cluster, rb.seq);
    }
    /* the other way round: the short one after the long one */
    kabar_index *idx2 = kabar_index_new(NULL, NULL);
    add_t(idx2, "long", 0, b);
    kabar_index_result r2 = add_t(idx2, "short", 0, a);
    found_rev += strcmp(r2.cluster_id, "long") == 0;
    kabar_index_free(idx);
    kabar_index_free(idx2);
  }
  print_message("contained articles found: %d and %d of %d\n", found, found_rev, TRIALS);
  /* LSH finds a pair at J = 0.25 with P = 1 - 0.75^12 = 0.97 */
  assert_true(found >= TRIALS - 3);
  assert_true(found_rev >= TRIALS - 3);
  free(a);
  free(b);
}

static void test_no_chaining(void **state) {
  (void)state;
  rng_state = 0x5151;
  /* d0 -> d1 -> d2 -> d3: each replaces 40% of the sentences of the one before */
  text *d = malloc(4 * sizeof *d), *fresh = malloc(sizeof *fresh);
  make_text(&d[0], 30);
  for (int k = 1; k < 4; k++) {
    d[k] = d[k - 1];
    make_text(fresh, 12);
    for (size_t i = 0; i < 12; i++)
      memcpy(d[k].s[((size_t)(k - 1) * 12 + i) % 30], fresh->s[i], sizeof fresh->s[i]);
  }
  kabar_index *idx = kabar_index_new(NULL, NULL);
  kabar_index_result r[4];
  char id[8];
  for (int k = 0; k < 4; k++) {
    snprintf(id, sizeof id, "d%d", k);
    r[k] = add_t(idx, id, 0, &d[k]);
  }
  assert_int_equal(r[1].cluster, r[0].seq); /* a close copy joins */
  /* d2 matches d1 only partly and d0 hardly: a cluster of its own */
  assert_int_not_equal(r[2].cluster, r[0].seq);
  assert_int_not_equal(r[3].cluster, r[0].seq);
  kabar_index_free(idx);
  free(d);
  free(fresh);
}

static void test_determinism(void **state) {
  (void)state;
  /* items made in any order (as by threads), added in input order: same decisions */
  rng_state = 0x777;
  enum { N = 30 };
  char *texts[N];
  text *t = malloc(sizeof *t), *c = malloc(sizeof *c);
  for (int i = 0; i < N; i++) {
    make_text(t, 15);
    if (i % 3 == 2) {
      perturb(t, c);
      texts[i] = render(c);
    } else {
      texts[i] = render(t);
    }
    if (i % 5 == 4) { /* an exact repeat of an earlier one */
      free(texts[i]);
      texts[i] = malloc(strlen(texts[i - 2]) + 1);
      strcpy(texts[i], texts[i - 2]);
    }
  }
  kabar_index_item *fwd[N], *rev[N];
  for (int i = 0; i < N; i++)
    fwd[i] = item_of(texts[i]);
  for (int i = N - 1; i >= 0; i--)
    rev[i] = item_of(texts[i]);
  kabar_index *a = kabar_index_new(NULL, NULL), *b = kabar_index_new(NULL, NULL);
  for (int i = 0; i < N; i++) {
    char id[8];
    snprintf(id, sizeof id, "t%d", i);
    kabar_index_result ra = KABAR_INDEX_RESULT_INIT, rb = KABAR_INDEX_RESULT_INIT;
    assert_int_equal(kabar_index_add(a, id, strlen(id), 0, fwd[i], &ra), KABAR_OK);
    assert_int_equal(kabar_index_add(b, id, strlen(id), 0, rev[i], &rb), KABAR_OK);
    assert_int_equal(ra.cluster, rb.cluster);
    assert_int_equal(ra.story, rb.story);
    assert_string_equal(ra.cluster_id, rb.cluster_id);
    if (i % 5 == 4) /* the exact repeat: the earliest member names the cluster */
      assert_true(ra.cluster <= (uint64_t)(i - 2));
  }
  for (int i = 0; i < N; i++) {
    kabar_index_item_free(fwd[i]);
    kabar_index_item_free(rev[i]);
    free(texts[i]);
  }
  kabar_index_free(a);
  kabar_index_free(b);
  free(t);
  free(c);
}

static void test_window_eviction(void **state) {
  (void)state;
  rng_state = 0x999;
  text *t = malloc(20 * sizeof *t);
  kabar_index *idx = kabar_index_new(NULL, NULL);
  char id[8];
  for (int i = 0; i < 20; i++) {
    make_text(&t[i], 15);
    snprintf(id, sizeof id, "w%d", i);
    add_t(idx, id, (int64_t)i * 86400, &t[i]);
  }
  /* w1's copy joins w1 */
  kabar_index_result r = add_t(idx, "copy1", 20 * 86400, &t[1]);
  assert_string_equal(r.cluster_id, "w1");
  assert_int_equal(kabar_index_count(idx), 21);
  assert_int_equal(kabar_index_evict(idx, 10 * 86400), 10); /* w0..w9 */
  assert_int_equal(kabar_index_count(idx), 11);
  assert_int_equal(kabar_index_clock(idx), 20 * 86400);
  /* w1 is gone, but its copy is still there: another copy joins it, under w1's name */
  r = add_t(idx, "copy1b", 21 * 86400, &t[1]);
  assert_string_equal(r.cluster_id, "w1");
  /* w2 is gone with no copy: a copy of it starts a new cluster */
  r = add_t(idx, "copy2", 21 * 86400, &t[2]);
  assert_int_equal(r.cluster, r.seq);
  /* w15 stays */
  r = add_t(idx, "copy15", 21 * 86400, &t[15]);
  assert_string_equal(r.cluster_id, "w15");
  size_t held = kabar_index_count(idx);
  assert_int_equal(kabar_index_evict(idx, INT64_MAX), held);
  assert_int_equal(kabar_index_count(idx), 0);
  kabar_index_free(idx);
  free(t);
}

static void test_export_import(void **state) {
  (void)state;
  rng_state = 0x4242;
  text *t = malloc(12 * sizeof *t);
  kabar_index *a = kabar_index_new(NULL, NULL);
  char id[8];
  for (int i = 0; i < 12; i++) {
    make_text(&t[i], 14);
    snprintf(id, sizeof id, "e%d", i);
    add_t(a, id, 100 + i, i % 4 == 3 ? &t[i - 1] : &t[i]);
  }
  kabar_index *b = kabar_index_new(NULL, NULL);
  unsigned char buf[4096];
  for (uint64_t s = 0; s < 12; s++) {
    size_t len;
    assert_int_equal(kabar_index_export(a, s, buf, 10, &len), KABAR_ELIMIT);
    assert_int_equal(kabar_index_export(a, s, buf, sizeof buf, &len), KABAR_OK);
    /* every truncation and a changed format byte are refused */
    for (size_t cut = 0; cut < len; cut += 7)
      assert_int_equal(kabar_index_import(b, buf, cut), KABAR_EINVAL);
    buf[0] ^= 0x40;
    assert_int_equal(kabar_index_import(b, buf, len), KABAR_EINVAL);
    buf[0] ^= 0x40;
    assert_int_equal(kabar_index_import(b, buf, len), KABAR_OK);
    /* numbers must increase */
    assert_int_equal(kabar_index_import(b, buf, len), KABAR_EINVAL);
  }
  size_t len;
  assert_int_equal(kabar_index_export(a, 99, buf, sizeof buf, &len), KABAR_EINVAL);
  assert_int_equal(kabar_index_count(b), 12);
  assert_int_equal(kabar_index_clock(b), kabar_index_clock(a));
  /* the same decisions for new articles in both */
  for (int i = 0; i < 12; i++) {
    snprintf(id, sizeof id, "n%d", i);
    kabar_index_result ra = add_t(a, id, 200, &t[i]), rb = add_t(b, id, 200, &t[i]);
    assert_int_equal(ra.seq, rb.seq);
    assert_int_equal(ra.cluster, rb.cluster);
    assert_string_equal(ra.cluster_id, rb.cluster_id);
    assert_string_equal(ra.story_id, rb.story_id);
  }
  kabar_index_free(a);
  kabar_index_free(b);
  free(t);
}

static void test_api_errors(void **state) {
  (void)state;
  kabar_index_options o;
  assert_int_equal(kabar_index_options_init(&o, 99), KABAR_EVERSION);
  assert_int_equal(kabar_index_options_init(NULL, KABAR_INDEX_OPTIONS_VERSION), KABAR_EINVAL);
  assert_int_equal(kabar_index_options_init(&o, KABAR_INDEX_OPTIONS_VERSION), KABAR_OK);
  kabar_error err;
  o.flags = 1;
  assert_null(kabar_index_new(&o, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  o.flags = 0;
  o.version = 2;
  assert_null(kabar_index_new(&o, &err));
  assert_int_equal(err.code, KABAR_EVERSION);
  assert_null(kabar_index_item_new(NULL, &err));
  assert_int_equal(err.code, KABAR_EINVAL);
  kabar_index_free(NULL);
  kabar_index_item_free(NULL);
  kabar_index *idx = kabar_index_new(NULL, NULL);
  kabar_index_item *it = item_of("Judul\n\nSatu dua tiga empat lima enam tujuh delapan.\n");
  kabar_index_result r = KABAR_INDEX_RESULT_INIT;
  assert_int_equal(kabar_index_add(idx, "", 0, 0, it, &r), KABAR_EINVAL);
  assert_int_equal(kabar_index_add(idx, "a\0b", 3, 0, it, &r), KABAR_EINVAL);
  assert_int_equal(kabar_index_add(idx, "a", 1, 0, NULL, &r), KABAR_EINVAL);
  r.version = 0;
  assert_int_equal(kabar_index_add(idx, "a", 1, 0, it, &r), KABAR_EINVAL);
  assert_int_equal(kabar_index_add(idx, "a", 1, 0, it, NULL), KABAR_OK);
  kabar_index_result q = KABAR_INDEX_RESULT_INIT;
  assert_int_equal(kabar_index_query(idx, KABAR_INDEX_NO_DATE, it, &q), KABAR_OK);
  assert_int_equal(q.seq, KABAR_INDEX_NONE);
  assert_string_equal(q.cluster_id, "a");
  assert_int_equal(kabar_index_count(NULL), 0);
  assert_int_equal(kabar_index_evict(NULL, 0), 0);
  kabar_index_item_free(it);
  kabar_index_free(idx);
}

/* ---- story evidence ---------------------------------------------------------------------- */

static int has_number(const char *s, const char *lang, uint64_t want) {
  kabar_error err;
  kabar_doc *doc = kabar_doc_new_lang(test_group_ctx, s, strlen(s), lang, 0, &err);
  assert_non_null(doc);
  kabar_story_key keys[KABAR_STORY_MAX_KEYS];
  size_t n;
  assert_int_equal(kabar__story_keys(doc, keys, KABAR_STORY_MAX_KEYS, &n), KABAR_OK);
  int found = 0;
  for (size_t i = 0; i < n; i++)
    found |= keys[i].key == kabar__story_number_key(want);
  kabar_doc_free(doc);
  return found;
}

static void test_number_words(void **state) {
  (void)state;
  assert_true(has_number("Kop\n\nDe vierendertig bedrijven tekenden het akkoord.\n", "nl", 34));
  assert_true(has_number("Kop\n\nSebanyak tiga puluh empat perusahaan meneken pakta itu.\n", "id",
                         34));
  assert_true(has_number("Kop\n\nSebanyak 34 perusahaan meneken pakta itu.\n", "id", 34));
  assert_true(has_number("Kop\n\nEr kwamen tweehonderdvijftig mensen naar het plein.\n", "nl",
                         250));
  assert_true(has_number("Kop\n\nAda dua ribu tiga ratus warga mengungsi ke balai desa.\n", "id",
                         2300));
  assert_true(has_number("Kop\n\nSebanyak dua belas kapal tenggelam di perairan itu.\n", "id", 12));
  assert_true(has_number("Kop\n\nDe stad telt drieënveertig bruggen over de rivier.\n", "nl", 43));
  assert_true(has_number("Kop\n\nDana 2 juta dolar dikucurkan pekan ini.\n", "id", 2000000));
  assert_true(has_number("Kop\n\nEr staan 2.000 stoelen klaar in de zaal.\n", "nl", 2000));
  /* "een" alone is "a", not one; small numbers are no evidence */
  assert_false(has_number("Kop\n\nHij kocht een fiets in de stad.\n", "nl", 1));
  assert_false(has_number("Kop\n\nIa membeli dua sepeda di pasar.\n", "id", 2));
}

static const char id_story[] =
    "Jembatan Baru Diresmikan\n\n"
    "SURABAYA - Gubernur Ratna Wijayakusuma meresmikan Jembatan Kali Brantas yang dibangun "
    "Waskita Karya dan Van Oord pada Selasa. Jembatan sepanjang tiga puluh empat meter itu "
    "menelan biaya Rp 120 miliar.\n\n"
    "Menurut Wijayakusuma, jembatan akan memangkas waktu tempuh truk dari pelabuhan Tanjung "
    "Perak ke kawasan industri. Direktur Van Oord, Pieter Hoekstra, hadir dalam acara itu.\n";
static const char nl_story[] =
    "Nieuwe brug in Soerabaja\n\n"
    "Het Nederlandse Van Oord heeft samen met Waskita Karya een brug over de Kali Brantas in "
    "Soerabaja opgeleverd. De brug is vierendertig meter lang en werd dinsdag geopend door "
    "gouverneur Ratna Wijayakusuma.\n\n"
    "Directeur Pieter Hoekstra van Van Oord noemde het project een visitekaartje. De brug "
    "verkort de route van de haven Tanjung Perak naar het industriegebied.\n";
static const char unrelated[] =
    "Pasar Ikan Ramai\n\n"
    "Pedagang di Pasar Ikan Muara Angke melaporkan kenaikan pembeli menjelang akhir pekan. "
    "Harga tongkol naik sementara harga cumi stabil.\n\n"
    "Ketua paguyuban pedagang, Sutrisno, mengatakan pasokan dari nelayan Indramayu lancar.\n";

static void test_same_story_across_languages(void **state) {
  (void)state;
  kabar_index *idx = kabar_index_new(NULL, NULL);
  kabar_index_result a = add_text(idx, "id-1", 1000, id_story);
  kabar_index_result b = add_text(idx, "nl-1", 2000, nl_story);
  kabar_index_result c = add_text(idx, "id-2", 2000, unrelated);
  assert_int_equal(b.story, a.seq);
  assert_string_equal(b.story_id, "id-1");
  assert_int_equal(b.cluster, b.seq); /* a different language: no near-duplicate */
  assert_true(b.story_shared >= 3);
  assert_int_equal(c.story, c.seq);
  assert_int_equal(c.cluster, c.seq);
  kabar_index_free(idx);
  /* outside the story window (3 days): no link */
  idx = kabar_index_new(NULL, NULL);
  a = add_text(idx, "id-1", 1000, id_story);
  b = add_text(idx, "nl-late", 1000 + 10 * 86400, nl_story);
  assert_int_equal(b.story, b.seq);
  kabar_index_free(idx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lsh_recall),
      cmocka_unit_test(test_containment),
      cmocka_unit_test(test_no_chaining),
      cmocka_unit_test(test_determinism),
      cmocka_unit_test(test_window_eviction),
      cmocka_unit_test(test_export_import),
      cmocka_unit_test(test_api_errors),
      cmocka_unit_test(test_number_words),
      cmocka_unit_test(test_same_story_across_languages),
  };
  return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
