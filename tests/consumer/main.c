/* Consumer test: built against an installed kabar (find_package and pkg-config, shared and
 * static) by tests/consumer/run.sh. Uses only the public header.
 * Usage: main DATA_DIR [common]   ("common": also expect corpora/common's rules to be loaded) */
#include <kabar.h>

#include <stdio.h>
#include <string.h>

/* A short Indonesian article written for this test: a title, two paragraphs, a lone "A" (a
 * font-size widget's label, removed by a common boilerplate rule) and the first paragraph
 * emitted again, a structural repeat that must be left out of the cleaned text. */
#define PARA1                                                                                  \
  "Pemerintah Kota Bandung mulai membangun jalur sepeda baru sepanjang dua belas kilometer "   \
  "di kawasan pusat kota pada Senin pagi. Proyek ini diharapkan selesai sebelum akhir tahun "  \
  "dan dapat mengurangi kemacetan yang setiap hari dikeluhkan warga."

static const char article[] =
    "Pemerintah Kota Bandung Perluas Jalur Sepeda di Pusat Kota\n"
    "\n" PARA1 "\n"
    "\n"
    "Kepala Dinas Perhubungan mengatakan jalur tersebut akan dipisahkan dari jalan raya dengan "
    "pembatas beton agar pesepeda merasa aman. Warga juga diminta memberikan masukan melalui "
    "aplikasi resmi pemerintah kota.\n"
    "\n"
    "A\n"
    "\n" PARA1 "\n";

static int failures;

#define CHECK(cond, ...)                                                                       \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      fprintf(stderr, "consumer: check failed (%s:%d): %s: ", __FILE__, __LINE__, #cond);     \
      fprintf(stderr, __VA_ARGS__);                                                            \
      fputc('\n', stderr);                                                                     \
      failures++;                                                                              \
    }                                                                                          \
  } while (0)

/* Number of times needle occurs in hay[0, len). */
static size_t count_occurrences(const char *hay, size_t len, const char *needle) {
  size_t n = 0, nl = strlen(needle);
  for (size_t i = 0; nl && i + nl <= len; i++)
    if (memcmp(hay + i, needle, nl) == 0)
      n++;
  return n;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "common") != 0)) {
    fprintf(stderr, "usage: %s DATA_DIR [common]\n", argv[0]);
    return 2;
  }
  int expect_common = argc == 3;

  CHECK(kabar_version() == KABAR_VERSION_NUMBER, "library 0x%06lx, header 0x%06lx",
        (unsigned long)kabar_version(), (unsigned long)KABAR_VERSION_NUMBER);
  CHECK(strcmp(kabar_version_string(), KABAR_VERSION_STRING) == 0, "library %s, header %s",
        kabar_version_string(), KABAR_VERSION_STRING);

  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = argv[1];
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&opts, &err);
  if (!ctx) {
    fprintf(stderr, "consumer: cannot load data from %s: %s (%s)\n", argv[1],
            kabar_strerror(err.code), err.path);
    return 1;
  }
  kabar_doc *doc = kabar_doc_new(ctx, article, sizeof article - 1, 0, &err);
  if (!doc) {
    fprintf(stderr, "consumer: kabar_doc_new: %s\n", kabar_strerror(err.code));
    kabar_ctx_free(ctx);
    return 1;
  }

  CHECK(strcmp(kabar_doc_lang(doc), "id") == 0, "language %s", kabar_doc_lang(doc));

  /* The first and the last paragraph have the same bytes: find both by their spans. */
  size_t first = KABAR_NO_INDEX, copy = KABAR_NO_INDEX, lone_a = KABAR_NO_INDEX;
  size_t nb = kabar_doc_block_count(doc);
  for (size_t i = 0; i < nb; i++) {
    kabar_span sp;
    kabar_block_kind kind;
    CHECK(kabar_doc_block(doc, i, &sp, &kind) == KABAR_OK, "block %zu", i);
    CHECK(sp.start <= sp.end && sp.end <= sizeof article - 1, "block %zu span %zu-%zu", i,
          sp.start, sp.end);
    const char *b = article + sp.start;
    size_t n = sp.end - sp.start;
    if (n == strlen(PARA1) && memcmp(b, PARA1, n) == 0) {
      if (first == KABAR_NO_INDEX)
        first = i;
      else
        copy = i;
    } else if (n == 1 && b[0] == 'A') {
      lone_a = i;
    }
  }
  CHECK(nb == 5, "%zu blocks, expected 5", nb);
  CHECK(first != KABAR_NO_INDEX && copy != KABAR_NO_INDEX, "paragraph blocks not found");
  if (first != KABAR_NO_INDEX && copy != KABAR_NO_INDEX) {
    CHECK(kabar_doc_block_duplicate_of(doc, first) == KABAR_NO_INDEX,
          "first paragraph marked as a repeat");
    CHECK(kabar_doc_block_duplicate_of(doc, copy) == first,
          "repeat reported as duplicate of %zu, expected %zu",
          kabar_doc_block_duplicate_of(doc, copy), first);
    CHECK(kabar_doc_block_repeat(doc, copy) == KABAR_REPEAT_STRUCTURAL, "repeat kind %d",
          (int)kabar_doc_block_repeat(doc, copy));
    CHECK(kabar_doc_block_similarity(doc, copy) == 1.0, "similarity %f",
          kabar_doc_block_similarity(doc, copy));
  }

  size_t tlen = 0;
  const char *text = kabar_doc_text(doc, &tlen);
  CHECK(text != NULL && text[tlen] == '\0', "kabar_doc_text not NUL-terminated");
  if (text) {
    CHECK(count_occurrences(text, tlen, PARA1) == 1, "paragraph occurs %zu times in the text",
          count_occurrences(text, tlen, PARA1));
    CHECK(count_occurrences(text, tlen, "Kepala Dinas Perhubungan") == 1,
          "second paragraph missing from the text");
  }

  if (expect_common) {
    kabar_block_kind kind = 0;
    CHECK(lone_a != KABAR_NO_INDEX, "block \"A\" not found");
    if (lone_a != KABAR_NO_INDEX) {
      kabar_doc_block(doc, lone_a, NULL, &kind);
      CHECK(kind == KABAR_BLOCK_BOILERPLATE, "block \"A\" has kind %d", (int)kind);
      CHECK(kabar_doc_block_rule(doc, lone_a) != NULL, "block \"A\" has no rule");
    }
    CHECK(text && count_occurrences(text, tlen, "\n\nA\n") == 0 &&
              !(tlen >= 3 && memcmp(text + tlen - 3, "\n\nA", 3) == 0),
          "line \"A\" left in the text");
  }

  kabar_doc_free(doc);
  kabar_ctx_free(ctx);
  if (failures) {
    fprintf(stderr, "consumer: %d check(s) failed\n", failures);
    return 1;
  }
  puts("consumer ok");
  return 0;
}
