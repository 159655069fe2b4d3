/* libFuzzer target for the language-data loaders: kabar_ctx_new() over a data directory whose
 * files come from the input. Any bytes in any data file must give a context or a clear status
 * (KABAR_EINVAL with the file and line, KABAR_EUTF8 with the offset, ...), never a crash, a
 * leak or a hang; a context that loads must analyse a short article.
 *
 * Input: byte 0 picks the file the rest is written to (stopwords, abbreviations, boilerplate
 * rules, common rules, entity gazetteer, common gazetteer, large gazetteer, trigger rules,
 * numbers, summary model); the other files of the language are small valid ones. The data
 * directory is private to the process and rewritten for every input. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_common.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
    "xx/stopwords.txt",   "xx/abbreviations.txt", "xx/boilerplate.rules",
    "common/boilerplate.rules", "xx/entities.gaz", "common/entities.gaz",
    "xx/dbpedia.gaz",     "xx/entities.rules",    "xx/numbers.txt",
    "xx/summary.model"};
#define NFILES (sizeof files / sizeof *files)

static char kf_dir[64];

static void write_file(const char *name, const void *p, size_t n) {
  char path[160];
  snprintf(path, sizeof path, "%s/%s", kf_dir, name);
  FILE *f = fopen(path, "wb");
  KF_CHECK(f != NULL);
  KF_CHECK(fwrite(p, 1, n, f) == n);
  KF_CHECK(fclose(f) == 0);
}

static void remove_dir(void) {
  char path[160];
  for (size_t i = 0; i < NFILES; i++) {
    snprintf(path, sizeof path, "%s/%s", kf_dir, files[i]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/xx/language.conf", kf_dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/xx", kf_dir);
  rmdir(path);
  snprintf(path, sizeof path, "%s/common", kf_dir);
  rmdir(path);
  rmdir(kf_dir);
}

/* A private directory with valid small files; returns it. */
static const char *data_dir(void) {
  if (!kf_dir[0]) {
    snprintf(kf_dir, sizeof kf_dir, "/tmp/kabar-fuzz-data-%ld", (long)getpid());
    char path[160];
    mkdir(kf_dir, 0700);
    snprintf(path, sizeof path, "%s/xx", kf_dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/common", kf_dir);
    mkdir(path, 0700);
    atexit(remove_dir);
  }
  static const char conf[] = "name = Fuzzish\nstemmer = indonesian\n";
  static const char *const valid[NFILES] = {
      "dan\nyang\ndi\n", "dr.\nno.\n", "block widget ^A$\n", "cut tag \\(wbs\\)\n",
      "ORG\tBank Nusantara\nLOC\tSan Fransisco\tSan Francisco\n", "ORG\tMicrosoft\n",
      "PER\tBudi Santoso\n", "title\tPresiden\nevent-prefix\tkonferensi\tConference\n",
      "tiga 3\npuluh 10 mul\n", "kabar-summary-model 1\nbias -0.5\nfirst 1.0\n"};
  write_file("xx/language.conf", conf, sizeof conf - 1);
  for (size_t i = 0; i < NFILES; i++)
    write_file(files[i], valid[i], strlen(valid[i]));
  return kf_dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 1 << 16)
    return 0;
  const char *dir = data_dir();
  size_t which = data[0] % NFILES;
  write_file(files[which], data + 1, size - 1);
  kabar_ctx_options opts = KABAR_CTX_OPTIONS_INIT;
  opts.data_dir = dir;
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&opts, &err);
  if (!ctx) {
    KF_CHECK(err.code != KABAR_OK);
    KF_CHECK(kabar_strerror(err.code)[0] != '\0');
    KF_CHECK(err.code == KABAR_ENOMEM || err.path[0] != '\0' || err.code == KABAR_EVERSION);
    return 0;
  }
  static const char article[] =
      "Presiden Budi Santoso membuka konferensi keamanan Lumina di San Fransisco.\n\n"
      "Bank Nusantara dan Microsoft ikut tiga puluh acara (wbs)\nA\n";
  kabar_doc *doc = kabar_doc_new(ctx, article, sizeof article - 1, 0, &err);
  KF_CHECK(doc != NULL || err.code == KABAR_ENOMEM || err.code == KABAR_ELIMIT);
  for (size_t e = 0; doc && e < kabar_doc_entity_count(doc); e++) {
    kabar_span sp;
    KF_CHECK(kabar_doc_entity_mention(doc, e, 0, &sp) == KABAR_OK);
    KF_CHECK(sp.start < sp.end && sp.end <= sizeof article - 1);
  }
  kabar_summary *sum = doc ? kabar_doc_summarize(doc, NULL, &err) : NULL;
  kabar_summary_free(sum);
  kabar_doc_free(doc);
  kabar_ctx_free(ctx);
  return 0;
}
