/* The smallest use of libkabar: analyse one file, print its language, blocks and clean text.
 * Usage: kabar-example-basic FILE (data from $KABAR_DATA_DIR or the install). */
#include <kabar.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  char *buf = NULL;
  size_t len = 0, cap = 0, n;
  char chunk[65536];
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (len + n > cap) {
      cap = (len + n) * 2;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        return 1;
      }
      buf = nb;
    }
    for (size_t i = 0; i < n; i++)
      buf[len + i] = chunk[i];
    len += n;
  }
  fclose(f);

  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(NULL, &err);
  if (!ctx) {
    fprintf(stderr, "kabar: %s %s\n", kabar_strerror(err.code), err.path);
    free(buf);
    return 1;
  }
  kabar_doc *doc = kabar_doc_new(ctx, buf, len, 0, &err);
  if (!doc) {
    fprintf(stderr, "%s: %s at byte %zu\n", argv[1], kabar_strerror(err.code), err.offset);
  } else {
    printf("language: %s (%.2f)\n", kabar_doc_lang(doc), kabar_doc_lang_confidence(doc));
    for (size_t i = 0; i < kabar_doc_block_count(doc); i++) {
      kabar_span sp;
      kabar_block_kind kind;
      kabar_doc_block(doc, i, &sp, &kind);
      printf("line %zu: %s\n", kabar_doc_block_line(doc, i),
             kind == KABAR_BLOCK_TITLE ? "title" : kind == KABAR_BLOCK_BODY ? "body" : "boilerplate");
    }
    size_t tlen;
    const char *text = kabar_doc_text(doc, &tlen);
    printf("\n%.*s\n", (int)tlen, text);
  }
  int rc = doc ? 0 : 1;
  kabar_doc_free(doc);
  kabar_ctx_free(ctx);
  free(buf);
  return rc;
}
