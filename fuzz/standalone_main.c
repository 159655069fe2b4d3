/* Replays inputs through LLVMFuzzerTestOneInput() without libFuzzer, so ctest (and gcc, and
 * valgrind) can run the committed corpus as regression tests: every file named on the command
 * line is one input; a directory contributes its regular files (one level, sorted by name,
 * dot files skipped). Like utf8proc's and libgit2's standalone fuzzer drivers. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return -1;
  }
  size_t cap = 4096, len = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (buf == NULL) {
      fprintf(stderr, "%s: out of memory\n", path);
      fclose(f);
      return -1;
    }
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap)
      break;
    unsigned char *grown = realloc(buf, cap * 2);
    if (grown == NULL)
      free(buf);
    buf = grown;
    cap *= 2;
  }
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    fprintf(stderr, "%s: read error\n", path);
    free(buf);
    return -1;
  }
  /* an exact-size copy, so a sanitizer sees any read past the input */
  unsigned char *exact = malloc(len ? len : 1);
  if (exact == NULL) {
    free(buf);
    return -1;
  }
  if (len > 0)
    memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the regular files in @p dir in name order; returns the count, or -1. */
static long replay_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    perror(dir);
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  long rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      char **grown = realloc(names, (cap ? cap * 2 : 64) * sizeof *names);
      if (grown == NULL) {
        rc = -1;
        break;
      }
      names = grown;
      cap = cap ? cap * 2 : 64;
    }
    size_t dl = strlen(dir), nl = strlen(e->d_name);
    if ((names[n] = malloc(dl + nl + 2)) == NULL) {
      rc = -1;
      break;
    }
    memcpy(names[n], dir, dl);
    names[n][dl] = '/';
    memcpy(names[n] + dl + 1, e->d_name, nl + 1);
    n++;
  }
  closedir(d);
  if (rc == 0 && n > 0)
    qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (rc >= 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
      if (replay_file(names[i]) != 0)
        rc = -1;
      else
        rc++;
    }
    free(names[i]);
  }
  free(names);
  if (rc < 0)
    fprintf(stderr, "%s: cannot replay\n", dir);
  return rc;
}

int main(int argc, char **argv) {
  long total = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      perror(argv[i]);
      return 1;
    }
    long n;
    if (S_ISDIR(st.st_mode))
      n = replay_dir(argv[i]);
    else
      n = replay_file(argv[i]) == 0 ? 1 : -1;
    if (n < 0)
      return 1;
    total += n;
  }
  printf("replayed %ld inputs\n", total);
  return total > 0 ? 0 : 1; /* an empty corpus is a mistake, not a pass */
}
