/* kabar-batch: analyse a feed of articles, tag each with its near-duplicate cluster and its
 * story, keep the index across runs in SQLite. Uses only the public header. See
 * docs/man/kabar-batch.1.
 *
 * Records go into a ring; -j threads analyse them in any order; the main thread adds them to
 * the index, writes them and commits them (every --batch-size records) strictly in input
 * order, so the output is the same for any -j. */
#define _POSIX_C_SOURCE 200809L
#include <kabar.h>

#include "batch_input.h"
#include "docjson.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TOOL "kabar-batch"
#define DEFAULT_BATCH 256
#define DEFAULT_MAX_BYTES ((size_t)16 << 20)

typedef struct options {
  int jobs;
  const char *out_path;
  const char *index_path;
  double window_days; /* 0 = keep everything */
  int dedup_only;
  int quiet;
  size_t batch;
  size_t max_bytes;
  const char *data_dir;
  const char *lang;
  uint32_t ctx_flags;
} options;

static void usage(FILE *out) {
  fprintf(out,
          "usage: " TOOL " [options] INPUT...\n"
          "Tags every article with its near-duplicate cluster and its story; one JSON line per\n"
          "input record, in input order. INPUT: JSON Lines (one article a line: id, text,\n"
          "optional title, url, lang, date), a directory of .txt files, or an RSS/Atom feed;\n"
          "'-' reads JSON Lines from standard input.\n\n"
          "  -j N               analyse with N threads (default 1); output is the same for any N\n"
          "  -o FILE            write to FILE instead of standard output\n"
          "  --index FILE       keep the index in SQLite FILE across runs (created if missing)\n"
          "  --window DAYS      forget articles older than DAYS before the newest article date\n"
          "  --dedup-only       only id, lang, cluster, story, duplicate_of and fingerprint\n"
          "  --batch-size N     records per --index transaction (default %d)\n"
          "  --max-bytes N      longer texts are error records (default 16 MiB)\n"
          "  --lang id|nl|auto  language of records that give none (default: auto)\n"
          "  --data-dir DIR     language data (default: $KABAR_DATA_DIR, then the install)\n"
          "  --no-jit           rules without PCRE2's JIT (slower; for memory checkers)\n"
          "  -q, --quiet        no progress line and no summary on standard error\n"
          "  -h, --help         this text\n"
          "  --version          tool and library versions\n\n"
          "Exit status: 0 ok (bad records are error records, not failures), 1 an input or the\n"
          "index could not be read or written, 2 usage.\n",
          DEFAULT_BATCH);
}

/* ---- units of work ---------------------------------------------------------------------- */

enum { UNIT_JSONL, UNIT_FILE, UNIT_RECORD };

typedef struct unit {
  int kind;
  const char *file; /* name shown in records */
  size_t line;      /* 1-based; 0 for whole files */
  const char *data; /* JSONL line */
  size_t len;
  char *path;       /* UNIT_FILE: the file; UNIT_JSONL: the line (data points into it) */
  batch_record rec; /* UNIT_RECORD: read already (feeds) */
} unit;

typedef struct result {
  int ok;
  char *json;      /* ok: the record without its closing "}\n"; else the whole error line */
  size_t json_len;
  char *id;
  int64_t date;
  char lang[8];
  size_t bytes;
  kabar_index_item *item;
} result;

typedef struct job {
  const kabar_ctx *ctx;
  const options *opt;
} job;

static char *xstrdup(const char *s) {
  size_t n = strlen(s);
  char *p = malloc(n + 1);
  if (p)
    memcpy(p, s, n + 1);
  return p;
}

/* Reads a whole file ('-' = stdin); -1 with errno. */
static int read_all(const char *path, char **buf, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f)
    return -1;
  size_t cap = 1 << 16, n = 0;
  char *p = malloc(cap);
  for (;;) {
    if (!p)
      break;
    if (n == cap) {
      char *np = realloc(p, cap * 2);
      if (!np) {
        free(p);
        p = NULL;
        break;
      }
      p = np;
      cap *= 2;
    }
    size_t got = fread(p + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  int bad = !p || ferror(f);
  int saved = p ? errno : ENOMEM;
  if (f != stdin)
    fclose(f);
  if (bad) {
    free(p);
    errno = saved;
    return -1;
  }
  *buf = p;
  *len = n;
  return 0;
}

static void set_json_str(json_t *o, const char *key, const char *s) {
  json_object_set_new(o, key, s ? json_string(s) : json_null());
}

/* An error record: {"id", "line", "file", "error"}. */
static void error_result(result *r, const char *id, const unit *u, const char *reason) {
  json_t *o = json_object();
  set_json_str(o, "id", id);
  json_object_set_new(o, "line", u->line ? json_integer((json_int_t)u->line) : json_null());
  json_object_set_new(o, "file", json_string(u->file));
  json_object_set_new(o, "error", json_string(reason));
  const char *s;
  size_t n;
  r->ok = 0;
  if (docjson_serialise(o, 1, &s, &n) == 0 && (r->json = malloc(n))) {
    memcpy(r->json, s, n);
    r->json_len = n;
  }
  json_decref(o);
}

static const char *doc_lang_arg(const kabar_ctx *ctx, const char *lang, const char *def) {
  if (lang)
    for (size_t i = 0; i < kabar_ctx_lang_count(ctx); i++)
      if (strcmp(kabar_ctx_lang(ctx, i), lang) == 0)
        return lang;
  return def;
}

/* Analyses one unit into r; runs in any thread. */
static void run_unit(const job *jb, unit *u, result *r) {
  memset(r, 0, sizeof *r);
  batch_record rec;
  memset(&rec, 0, sizeof rec);
  batch_record_clear(&rec);
  char fallback[1200];
  if (u->line)
    snprintf(fallback, sizeof fallback, "%.1000s:%zu", u->file, u->line);
  else
    snprintf(fallback, sizeof fallback, "%.1000s", u->file);
  if (u->kind == UNIT_JSONL) {
    if (batch_parse_jsonl(u->data, u->len, NULL, jb->opt->max_bytes, &rec) != 0)
      rec.error = xstrdup("out of memory");
  } else if (u->kind == UNIT_FILE) {
    const char *base = strrchr(u->path, '/');
    rec.id = xstrdup(base ? base + 1 : u->path);
    char *buf;
    size_t len;
    if (read_all(u->path, &buf, &len) != 0) {
      char why[300];
      snprintf(why, sizeof why, "cannot read: %s", strerror(errno));
      rec.error = xstrdup(why);
    } else if (len == 0) {
      free(buf);
      rec.error = xstrdup("empty text");
    } else if (len > jb->opt->max_bytes) {
      free(buf);
      rec.error = xstrdup("text over the size limit");
    } else {
      rec.text = buf;
      rec.text_len = len;
    }
  } else {
    rec = u->rec;
    memset(&u->rec, 0, sizeof u->rec);
    u->rec.date = BATCH_NO_DATE;
  }
  if (rec.error || !rec.text) {
    /* an error record names the id only when the record gave one */
    error_result(r, rec.id, u, rec.error ? rec.error : "out of memory");
    batch_record_clear(&rec);
    return;
  }
  if (!rec.id && !(rec.id = xstrdup(fallback))) {
    error_result(r, NULL, u, "out of memory");
    batch_record_clear(&rec);
    return;
  }
  kabar_error err;
  /* dedup-only runs skip the entity stage; stories then rest on capitalised words */
  kabar_doc *doc = kabar_doc_new_lang(jb->ctx, rec.text, rec.text_len,
                                      doc_lang_arg(jb->ctx, rec.lang, jb->opt->lang),
                                      jb->opt->dedup_only ? KABAR_DOC_NO_ENTITIES : 0, &err);
  kabar_index_item *item = doc ? kabar_index_item_new(doc, &err) : NULL;
  if (!item) {
    char why[300];
    if (err.code == KABAR_EUTF8)
      snprintf(why, sizeof why, "invalid UTF-8 at byte %zu", err.offset);
    else if (err.offset != KABAR_NO_OFFSET)
      snprintf(why, sizeof why, "%s at byte %zu", kabar_strerror(err.code), err.offset);
    else
      snprintf(why, sizeof why, "%s", kabar_strerror(err.code));
    error_result(r, rec.id, u, why);
    kabar_doc_free(doc);
    batch_record_clear(&rec);
    return;
  }
  json_t *o = json_object();
  set_json_str(o, "id", rec.id);
  json_object_set_new(o, "line", u->line ? json_integer((json_int_t)u->line) : json_null());
  if (rec.url)
    set_json_str(o, "url", rec.url);
  if (rec.title)
    set_json_str(o, "title", rec.title);
  if (jb->opt->dedup_only) {
    json_object_set_new(o, "file", json_string(u->file));
    json_object_set_new(o, "lang", json_string(kabar_doc_lang(doc)));
    json_object_set_new(o, "fingerprint", docjson_fingerprint(doc));
  } else {
    kabar_summary *sum = kabar_doc_summarize(doc, NULL, NULL);
    json_t *full = docjson_doc(doc, u->file, sum, rec.text);
    json_object_update(o, full);
    json_decref(full);
    kabar_summary_free(sum);
  }
  const char *s;
  size_t n;
  if (docjson_serialise(o, 1, &s, &n) == 0 && n >= 2 && s[n - 2] == '}' &&
      (r->json = malloc(n))) {
    memcpy(r->json, s, n - 2); /* without "}\n": the index's fields follow */
    r->json_len = n - 2;
    r->ok = 1;
    r->item = item;
    r->id = rec.id;
    rec.id = NULL;
    r->date = rec.date;
    snprintf(r->lang, sizeof r->lang, "%s", kabar_doc_lang(doc));
    r->bytes = rec.text_len;
  } else {
    kabar_index_item_free(item);
    error_result(r, rec.id, u, "out of memory");
  }
  json_decref(o);
  kabar_doc_free(doc);
  batch_record_clear(&rec);
}

/* ---- the pipeline: a ring of units; workers analyse any queued unit, the main thread reads
 * inputs into the ring and finishes units strictly in ring order (adds them to the index,
 * writes and commits them). Nobody waits for a whole chunk, so a descheduled thread delays
 * only the units it holds. */

enum { SLOT_FREE, SLOT_QUEUED, SLOT_TAKEN, SLOT_DONE };

typedef struct queue {
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  unit *units;
  result *res;
  unsigned char *state;
  size_t cap;                    /* ring slots */
  uint64_t head, take, tail;     /* next to fill, to analyse, to finish */
  int quit, threaded;
  job jb;
} queue;

/* Analyses the next queued unit, if any (called with mu held; releases it while working). */
static int queue_work_one(queue *q) {
  if (q->take >= q->head)
    return 0;
  size_t i = (size_t)(q->take++ % q->cap);
  q->state[i] = SLOT_TAKEN;
  pthread_mutex_unlock(&q->mu);
  run_unit(&q->jb, &q->units[i], &q->res[i]);
  pthread_mutex_lock(&q->mu);
  q->state[i] = SLOT_DONE;
  pthread_cond_broadcast(&q->done);
  return 1;
}

static void *worker(void *arg) {
  queue *q = arg;
  pthread_mutex_lock(&q->mu);
  while (!q->quit) {
    if (!queue_work_one(q))
      pthread_cond_wait(&q->work, &q->mu);
  }
  pthread_mutex_unlock(&q->mu);
  docjson_cleanup();
  return NULL;
}

/* ---- the index in SQLite ------------------------------------------------------------------ */

typedef struct store {
  sqlite3 *db;
  sqlite3_stmt *insert, *evict;
  long commits, kill_after; /* test hook: KABAR_BATCH_KILL_AFTER_COMMITS */
} store;

static int db_fail(store *s, const char *what) {
  fprintf(stderr, TOOL ": index: %s: %s\n", what, s->db ? sqlite3_errmsg(s->db) : "?");
  return -1;
}

static int store_open(store *s, const char *path, kabar_index *idx, size_t *loaded) {
  memset(s, 0, sizeof *s);
  const char *k = getenv("KABAR_BATCH_KILL_AFTER_COMMITS");
  s->kill_after = k && *k ? atol(k) : 0;
  if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK)
    return db_fail(s, path);
  /* WAL: a commit is one append to the log, readers never block, and a process killed at any
   * point leaves the last committed transaction; NORMAL syncs at checkpoints (a power cut
   * may lose the last transactions, never corrupt the file). */
  static const char schema[] =
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=NORMAL;"
      "PRAGMA busy_timeout=10000;"
      "CREATE TABLE IF NOT EXISTS kabar_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "INSERT OR IGNORE INTO kabar_meta VALUES('format', '1');"
      "CREATE TABLE IF NOT EXISTS articles(seq INTEGER PRIMARY KEY, id TEXT NOT NULL,"
      " date INTEGER NOT NULL, record BLOB NOT NULL);"
      "CREATE INDEX IF NOT EXISTS articles_date ON articles(date);";
  if (sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(s, "cannot set up the database");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT value FROM kabar_meta WHERE key = 'format'", -1, &st,
                         NULL) != SQLITE_OK)
    return db_fail(s, "cannot read the format");
  int ok = sqlite3_step(st) == SQLITE_ROW &&
           strcmp((const char *)sqlite3_column_text(st, 0), "1") == 0;
  sqlite3_finalize(st);
  if (!ok) {
    fprintf(stderr, TOOL ": index: %s: unknown format\n", path);
    return -1;
  }
  if (sqlite3_prepare_v2(s->db, "SELECT seq, record FROM articles ORDER BY seq", -1, &st,
                         NULL) != SQLITE_OK)
    return db_fail(s, "cannot read articles");
  int rc;
  *loaded = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const void *blob = sqlite3_column_blob(st, 1);
    int n = sqlite3_column_bytes(st, 1);
    kabar_status ks = kabar_index_import(idx, blob, (size_t)n);
    if (ks != KABAR_OK) {
      fprintf(stderr, TOOL ": index: %s: article %lld: %s\n", path,
              (long long)sqlite3_column_int64(st, 0), kabar_strerror(ks));
      sqlite3_finalize(st);
      return -1;
    }
    (*loaded)++;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return db_fail(s, "cannot read articles");
  if (sqlite3_prepare_v2(s->db, "INSERT INTO articles(seq, id, date, record) VALUES(?,?,?,?)",
                         -1, &s->insert, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db, "DELETE FROM articles WHERE date < ?", -1, &s->evict,
                         NULL) != SQLITE_OK)
    return db_fail(s, "cannot prepare statements");
  return 0;
}

static void store_close(store *s) {
  sqlite3_finalize(s->insert);
  sqlite3_finalize(s->evict);
  if (s->db)
    sqlite3_close(s->db);
  memset(s, 0, sizeof *s);
}

static int store_begin(store *s) {
  return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
             ? 0
             : db_fail(s, "cannot begin a transaction");
}

static int store_put(store *s, const kabar_index *idx, uint64_t seq, const char *id,
                     int64_t date, unsigned char **buf, size_t *cap) {
  size_t need;
  kabar_status ks = kabar_index_export(idx, seq, *buf, *cap, &need);
  if (ks == KABAR_ELIMIT) {
    unsigned char *nb = realloc(*buf, need);
    if (!nb)
      return db_fail(s, "out of memory");
    *buf = nb;
    *cap = need;
    ks = kabar_index_export(idx, seq, *buf, *cap, &need);
  }
  if (ks != KABAR_OK) {
    fprintf(stderr, TOOL ": index: cannot export article %" PRIu64 ": %s\n", seq,
            kabar_strerror(ks));
    return -1;
  }
  sqlite3_reset(s->insert);
  sqlite3_bind_int64(s->insert, 1, (sqlite3_int64)seq);
  sqlite3_bind_text(s->insert, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s->insert, 3, date);
  sqlite3_bind_blob(s->insert, 4, *buf, (int)need, SQLITE_STATIC);
  return sqlite3_step(s->insert) == SQLITE_DONE ? 0 : db_fail(s, "cannot store an article");
}

static int store_evict(store *s, int64_t before) {
  sqlite3_reset(s->evict);
  sqlite3_bind_int64(s->evict, 1, before);
  return sqlite3_step(s->evict) == SQLITE_DONE ? 0 : db_fail(s, "cannot evict");
}

static int store_commit(store *s) {
  if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(s, "cannot commit");
  if (s->kill_after > 0 && ++s->commits >= s->kill_after) {
    /* test hook: die like kill -9 right after a commit */
    fflush(NULL);
    raise(SIGKILL);
  }
  return 0;
}

/* ---- the run ------------------------------------------------------------------------------ */

typedef struct lang_count {
  char lang[8];
  size_t n;
} lang_count;

typedef struct stats {
  size_t records, articles, errors, duplicates, clusters, stories;
  size_t bytes, total_bytes;
  lang_count langs[8];
  size_t nlangs;
  double start;
  double last_progress;
  int tty;
} stats;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void count_lang(stats *st, const char *lang) {
  for (size_t i = 0; i < st->nlangs; i++)
    if (strcmp(st->langs[i].lang, lang) == 0) {
      st->langs[i].n++;
      return;
    }
  if (st->nlangs < 8) {
    snprintf(st->langs[st->nlangs].lang, sizeof st->langs[0].lang, "%s", lang);
    st->langs[st->nlangs++].n = 1;
  }
}

static void progress(stats *st, int final) {
  if (!st->tty)
    return;
  double t = now(), dt = t - st->start;
  if (!final && t - st->last_progress < 0.5)
    return;
  st->last_progress = t;
  double rate = dt > 0 ? st->records / dt : 0, mbs = dt > 0 ? st->bytes / dt / 1e6 : 0;
  double left = st->total_bytes > st->bytes && st->bytes > 0
                    ? dt * (double)(st->total_bytes - st->bytes) / st->bytes
                    : 0;
  fprintf(stderr, "\r" TOOL ": %zu records, %.0f articles/s, %.1f MB/s, ETA %.0f s   %s",
          st->records, rate, mbs, left, final ? "\n" : "");
}

typedef struct run {
  const options *opt;
  kabar_index *idx;
  store *db;
  int in_txn;       /* a transaction is open */
  size_t in_batch;  /* records finished since the last commit */
  FILE *out;
  stats st;
  unsigned char *exp_buf;
  size_t exp_cap;
  int failed;
} run;

/* Appends the index's fields to an analysed record and closes it. */
static void write_ok(run *rn, result *r, const kabar_index_result *ir) {
  json_t *o = json_object();
  set_json_str(o, "cluster", ir->cluster_id);
  set_json_str(o, "story", ir->story_id);
  set_json_str(o, "duplicate_of", ir->cluster != ir->seq ? ir->cluster_id : NULL);
  char *tail = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  if (!tail) {
    fprintf(stderr, TOOL ": out of memory\n");
    rn->failed = 1;
    return;
  }
  fwrite(r->json, 1, r->json_len, rn->out);
  fputc(',', rn->out);
  fwrite(tail + 1, 1, strlen(tail + 1), rn->out); /* tail without its '{' */
  fputc('\n', rn->out);
  free(tail);
}

/* Failures of the index store or of memory stop the run; an unreadable input does not. */
#define FATAL (-2)

/* Ends the open transaction: evicts what fell out of the window, commits (one transaction per
 * --batch-size records). */
static int end_batch(run *rn) {
  int rc = 0;
  if (rn->opt->window_days > 0 && kabar_index_clock(rn->idx) != KABAR_INDEX_NO_DATE) {
    int64_t before = kabar_index_clock(rn->idx) - (int64_t)(rn->opt->window_days * 86400);
    kabar_index_evict(rn->idx, before);
    if (rn->db && rn->in_txn)
      rc = store_evict(rn->db, before);
  }
  if (rn->db && rn->in_txn) {
    if (rc == 0)
      rc = store_commit(rn->db);
    else
      sqlite3_exec(rn->db->db, "ROLLBACK", NULL, NULL, NULL);
  }
  rn->in_txn = 0;
  rn->in_batch = 0;
  progress(&rn->st, 0);
  return rc;
}

/* Adds one analysed unit to the index, writes its record, stores it; in input order. */
static int finish_one(run *rn, unit *u, result *r) {
  int rc = 0;
  if (rn->db && !rn->in_txn) {
    if (store_begin(rn->db) != 0)
      rc = -1;
    else
      rn->in_txn = 1;
  }
  rn->st.records++;
  if (rc == 0 && !r->ok) {
    rn->st.errors++;
    if (r->json)
      fwrite(r->json, 1, r->json_len, rn->out);
  } else if (rc == 0) {
    int64_t date = r->date == BATCH_NO_DATE ? KABAR_INDEX_NO_DATE : r->date;
    int64_t clock = kabar_index_clock(rn->idx);
    int64_t resolved = date != KABAR_INDEX_NO_DATE     ? date
                       : clock == KABAR_INDEX_NO_DATE ? 0
                                                       : clock;
    kabar_index_result ir = KABAR_INDEX_RESULT_INIT;
    kabar_status ks = kabar_index_add(rn->idx, r->id, strlen(r->id), date, r->item, &ir);
    if (ks != KABAR_OK) {
      free(r->json);
      r->json = NULL;
      error_result(r, r->id, u, kabar_strerror(ks));
      rn->st.errors++;
      if (r->json)
        fwrite(r->json, 1, r->json_len, rn->out);
    } else {
      rn->st.articles++;
      rn->st.bytes += r->bytes;
      count_lang(&rn->st, r->lang);
      rn->st.duplicates += ir.cluster != ir.seq;
      rn->st.clusters += ir.cluster == ir.seq;
      rn->st.stories += ir.story == ir.seq;
      write_ok(rn, r, &ir);
      if (rn->db &&
          store_put(rn->db, rn->idx, ir.seq, r->id, resolved, &rn->exp_buf, &rn->exp_cap) != 0)
        rc = -1;
    }
  }
  free(r->json);
  free(r->id);
  kabar_index_item_free(r->item);
  memset(r, 0, sizeof *r);
  batch_record_clear(&u->rec);
  free(u->path);
  memset(u, 0, sizeof *u);
  if (rc != 0) {
    if (rn->db && rn->in_txn)
      sqlite3_exec(rn->db->db, "ROLLBACK", NULL, NULL, NULL);
    rn->in_txn = 0;
    return FATAL;
  }
  if (++rn->in_batch >= rn->opt->batch)
    return end_batch(rn) == 0 ? 0 : FATAL;
  return 0;
}

static job single_job;

/* Finishes the oldest unit, helping with the analysis while it is not done. */
static int queue_finish_oldest(run *rn, queue *q) {
  size_t i = (size_t)(q->tail % q->cap);
  if (q->threaded) {
    pthread_mutex_lock(&q->mu);
    while (q->state[i] != SLOT_DONE)
      if (!queue_work_one(q))
        pthread_cond_wait(&q->done, &q->mu);
    pthread_mutex_unlock(&q->mu);
  } else {
    run_unit(&single_job, &q->units[i], &q->res[i]);
  }
  int rc = finish_one(rn, &q->units[i], &q->res[i]);
  if (q->threaded)
    pthread_mutex_lock(&q->mu);
  q->state[i] = SLOT_FREE;
  q->tail++;
  if (q->threaded)
    pthread_mutex_unlock(&q->mu);
  return rc;
}

/* Finishes every unit in the ring and ends the open transaction. */
static int queue_flush(run *rn, queue *q) {
  int rc = 0;
  while (q->tail < q->head && rc == 0)
    rc = queue_finish_oldest(rn, q);
  if (rc == 0 && rn->in_batch > 0)
    rc = end_batch(rn) == 0 ? 0 : FATAL;
  return rc;
}

/* Queues a unit (the ring takes it over), finishing the oldest when the ring is full. */
static int queue_push(run *rn, queue *q, const unit *u) {
  if (q->head - q->tail == q->cap) {
    int rc = queue_finish_oldest(rn, q);
    if (rc != 0) {
      unit tmp = *u;
      batch_record_clear(&tmp.rec);
      free(tmp.path);
      return rc;
    }
  }
  size_t i = (size_t)(q->head % q->cap);
  if (q->threaded)
    pthread_mutex_lock(&q->mu);
  q->units[i] = *u;
  q->state[i] = SLOT_QUEUED;
  q->head++;
  if (q->threaded) {
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->mu);
    return 0;
  }
  /* one thread: analyse and finish at once */
  return queue_finish_oldest(rn, q);
}

static int cmp_strp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int do_directory(run *rn, queue *q, const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, TOOL ": %s: %s\n", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.' || !ends_with(e->d_name, ".txt"))
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **nn = realloc(names, cap * sizeof *nn);
      if (!nn)
        break;
      names = nn;
    }
    if (!(names[n] = xstrdup(e->d_name)))
      break;
    n++;
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_strp);
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    size_t pl = strlen(dir) + strlen(names[i]) + 2;
    unit u;
    memset(&u, 0, sizeof u);
    u.kind = UNIT_FILE;
    u.path = malloc(pl);
    if (!u.path) {
      rc = -1;
      break;
    }
    snprintf(u.path, pl, "%s/%s", dir, names[i]);
    struct stat sb;
    if (stat(u.path, &sb) == 0)
      rn->st.total_bytes += (size_t)sb.st_size;
    u.file = u.path;
    rc = queue_push(rn, q, &u);
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return rc;
}

static int do_feed(run *rn, queue *q, const char *name, const char *buf, size_t len) {
  batch_feed_item *items;
  size_t n;
  const char *why;
  if (batch_parse_feed(buf, len, name, rn->opt->max_bytes, &items, &n, &why) != 0) {
    fprintf(stderr, TOOL ": %s: %s\n", name, why);
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    unit u;
    memset(&u, 0, sizeof u);
    u.kind = UNIT_RECORD;
    u.file = name;
    u.line = items[i].line;
    u.rec = items[i].rec;
    memset(&items[i].rec, 0, sizeof items[i].rec);
    rc = queue_push(rn, q, &u);
  }
  for (size_t i = 0; i < n; i++)
    batch_record_clear(&items[i].rec);
  free(items);
  return rc;
}

/* A JSON Lines input is read line by line (only one chunk is held); an input whose first
 * line starts with '<' is a feed and is read whole. */
static int do_input(run *rn, queue *q, const char *path) {
  const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
  struct stat sb;
  if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
    return do_directory(rn, q, path);
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, TOOL ": %s: %s\n", name, strerror(errno));
    return -1;
  }
  if (f != stdin && fstat(fileno(f), &sb) == 0)
    rn->st.total_bytes += (size_t)sb.st_size;
  int rc = 0;
  size_t line_no = 0, cap = 0;
  char *line = NULL;
  ssize_t got;
  while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
    line_no++;
    size_t a = 0, b = (size_t)got;
    while (a < b && (line[a] == ' ' || line[a] == '\t' || line[a] == '\r' || line[a] == '\n'))
      a++;
    while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' || line[b - 1] == '\r' ||
                     line[b - 1] == '\n'))
      b--;
    if (a == b)
      continue; /* blank lines are no records */
    if (line_no == 1 && f != stdin && batch_looks_like_xml(line + a, b - a)) {
      /* a feed: the whole file */
      fclose(f);
      free(line);
      char *buf;
      size_t len;
      if (read_all(path, &buf, &len) != 0) {
        fprintf(stderr, TOOL ": %s: %s\n", name, strerror(errno));
        return -1;
      }
      rc = do_feed(rn, q, name, buf, len);
      free(buf);
      return rc;
    }
    unit u;
    memset(&u, 0, sizeof u);
    u.kind = UNIT_JSONL;
    u.file = name;
    u.line = line_no;
    u.len = b - a;
    u.path = malloc(u.len + 1); /* the line's bytes, owned by the unit */
    if (!u.path) {
      fprintf(stderr, TOOL ": out of memory\n");
      rc = -1;
      break;
    }
    memcpy(u.path, line + a, u.len);
    u.path[u.len] = '\0';
    u.data = u.path;
    rc = queue_push(rn, q, &u);
  }
  if (rc == 0 && ferror(f)) {
    fprintf(stderr, TOOL ": %s: %s\n", name, strerror(errno));
    rc = -1;
  }
  free(line);
  if (f != stdin)
    fclose(f);
  return rc;
}

static void summary(const run *rn) {
  const stats *st = &rn->st;
  double dt = now() - st->start;
  fprintf(stderr, TOOL ": %zu records: %zu articles, %zu errors; %zu duplicates, %zu clusters, "
                  "%zu stories; %.1f s (%.0f articles/s, %.1f MB/s)\n",
          st->records, st->articles, st->errors, st->duplicates, st->clusters, st->stories, dt,
          dt > 0 ? st->articles / dt : 0, dt > 0 ? st->bytes / dt / 1e6 : 0);
  fprintf(stderr, TOOL ": by language:");
  for (size_t i = 0; i < st->nlangs; i++)
    fprintf(stderr, " %s %zu", st->langs[i].lang, st->langs[i].n);
  fprintf(stderr, "%s; index holds %zu articles, %zu bytes (%.0f bytes/article)\n",
          st->nlangs ? "" : " none", kabar_index_count(rn->idx), kabar_index_memory(rn->idx),
          kabar_index_count(rn->idx)
              ? (double)kabar_index_memory(rn->idx) / kabar_index_count(rn->idx)
              : 0.0);
}

static int parse_size(const char *s, size_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || errno || s[0] == '-' || v == 0)
    return -1;
  *out = (size_t)v;
  return 0;
}

static int parse_args(int argc, char **argv, options *opt, int *first) {
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    size_t n;
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-' || strcmp(a, "-") == 0)
      break;
    if (strncmp(a, "-j", 2) == 0 && a[2]) { /* -jN */
      if (parse_size(a + 2, &n) != 0 || n > 256) {
        fprintf(stderr, TOOL ": bad -j value '%s'\n", a + 2);
        return -1;
      }
      opt->jobs = (int)n;
    } else if (strcmp(a, "--dedup-only") == 0)
      opt->dedup_only = 1;
    else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
      opt->quiet = 1;
    else if (strcmp(a, "--no-jit") == 0)
      opt->ctx_flags |= KABAR_CTX_NO_JIT;
    else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      exit(0);
    } else if (strcmp(a, "--version") == 0) {
      printf(TOOL " %s (libkabar %s)\n", KABAR_VERSION_STRING, kabar_version_string());
      exit(0);
    } else if (!v) {
      fprintf(stderr, TOOL ": unknown or incomplete option '%s'\n", a);
      return -1;
    } else if (strcmp(a, "-j") == 0 && parse_size(v, &n) == 0 && n <= 256) {
      opt->jobs = (int)n;
      i++;
    } else if (strcmp(a, "-o") == 0) {
      opt->out_path = v;
      i++;
    } else if (strcmp(a, "--index") == 0) {
      opt->index_path = v;
      i++;
    } else if (strcmp(a, "--window") == 0) {
      char *end;
      opt->window_days = strtod(v, &end);
      if (*end || !(opt->window_days > 0 && opt->window_days <= 1e6)) {
        fprintf(stderr, TOOL ": --window wants a number of days in (0, 1000000]\n");
        return -1;
      }
      i++;
    } else if (strcmp(a, "--batch-size") == 0 && parse_size(v, &n) == 0 && n <= 1000000) {
      opt->batch = n;
      i++;
    } else if (strcmp(a, "--max-bytes") == 0 && parse_size(v, &n) == 0) {
      opt->max_bytes = n;
      i++;
    } else if (strcmp(a, "--lang") == 0) {
      opt->lang = strcmp(v, "auto") == 0 ? NULL : v;
      i++;
    } else if (strcmp(a, "--data-dir") == 0) {
      opt->data_dir = v;
      i++;
    } else {
      fprintf(stderr, TOOL ": unknown option or bad value '%s %s'\n", a, v);
      return -1;
    }
  }
  if (i >= argc) {
    fprintf(stderr, TOOL ": no inputs (use '-' for standard input)\n");
    return -1;
  }
  *first = i;
  return 0;
}

int main(int argc, char **argv) {
  options opt;
  memset(&opt, 0, sizeof opt);
  opt.jobs = 1;
  opt.batch = DEFAULT_BATCH;
  opt.max_bytes = DEFAULT_MAX_BYTES;
  int first;
  if (parse_args(argc, argv, &opt, &first) != 0) {
    usage(stderr);
    return 2;
  }
  kabar_ctx_options copts = KABAR_CTX_OPTIONS_INIT;
  copts.data_dir = opt.data_dir;
  copts.flags = opt.ctx_flags;
  kabar_error err;
  kabar_ctx *ctx = kabar_ctx_new(&copts, &err);
  if (!ctx) {
    fprintf(stderr, TOOL ": cannot load language data%s%s: %s\n", err.path[0] ? " from " : "",
            err.path, kabar_strerror(err.code));
    return 1;
  }
  if (opt.lang && !doc_lang_arg(ctx, opt.lang, NULL)) {
    fprintf(stderr, TOOL ": unknown language '%s'\n", opt.lang);
    kabar_ctx_free(ctx);
    return 2;
  }
  run rn;
  memset(&rn, 0, sizeof rn);
  rn.opt = &opt;
  rn.st.start = now();
  rn.st.tty = !opt.quiet && isatty(2);
  rn.idx = kabar_index_new(NULL, &err);
  store db;
  memset(&db, 0, sizeof db);
  int status = 0;
  if (!rn.idx) {
    fprintf(stderr, TOOL ": %s\n", kabar_strerror(err.code));
    status = 1;
  }
  if (status == 0 && opt.index_path) {
    size_t loaded = 0;
    if (store_open(&db, opt.index_path, rn.idx, &loaded) != 0)
      status = 1;
    else {
      rn.db = &db;
      if (!opt.quiet)
        fprintf(stderr, TOOL ": %s: %zu articles from earlier runs\n", opt.index_path, loaded);
    }
  }
  rn.out = stdout;
  if (status == 0 && opt.out_path && !(rn.out = fopen(opt.out_path, "wb"))) {
    fprintf(stderr, TOOL ": %s: %s\n", opt.out_path, strerror(errno));
    rn.out = stdout;
    status = 1;
  }
  single_job.ctx = ctx;
  single_job.opt = &opt;
  queue q;
  memset(&q, 0, sizeof q);
  q.cap = opt.batch + 4 * (size_t)opt.jobs;
  q.units = calloc(q.cap, sizeof *q.units);
  q.res = calloc(q.cap, sizeof *q.res);
  q.state = calloc(q.cap, 1);
  q.jb = single_job;
  if (status == 0 && (!q.units || !q.res || !q.state)) {
    fprintf(stderr, TOOL ": out of memory\n");
    status = 1;
  }
  pthread_t *threads = NULL;
  int nthreads = 0;
  if (status == 0 && opt.jobs > 1) {
    pthread_mutex_init(&q.mu, NULL);
    pthread_cond_init(&q.work, NULL);
    pthread_cond_init(&q.done, NULL);
    q.threaded = 1;
    /* the main thread reads, finishes and helps: jobs - 1 more threads analyse */
    threads = calloc((size_t)opt.jobs - 1, sizeof *threads);
    for (int t = 0; threads && t < opt.jobs - 1; t++)
      if (pthread_create(&threads[t], NULL, worker, &q) == 0)
        nthreads++;
  }
  /* units own their data; names point into argv: the ring runs on across inputs. An input
   * that cannot be read is reported and skipped (exit status 1); a store failure stops. */
  int fatal = status != 0;
  for (int i = first; i < argc && !fatal; i++) {
    int rc = do_input(&rn, &q, argv[i]);
    if (rc != 0)
      status = 1;
    fatal = rc == FATAL;
  }
  if (!fatal && queue_flush(&rn, &q) != 0)
    status = 1;
  if (q.threaded) {
    /* after a failure, units may still be in the ring: let them finish, then drop them */
    pthread_mutex_lock(&q.mu);
    while (q.tail < q.head) {
      size_t i = (size_t)(q.tail % q.cap);
      while (q.state[i] != SLOT_DONE)
        if (!queue_work_one(&q))
          pthread_cond_wait(&q.done, &q.mu);
      free(q.res[i].json);
      free(q.res[i].id);
      kabar_index_item_free(q.res[i].item);
      batch_record_clear(&q.units[i].rec);
      free(q.units[i].path);
      q.tail++;
    }
    q.quit = 1;
    pthread_cond_broadcast(&q.work);
    pthread_mutex_unlock(&q.mu);
    for (int t = 0; t < nthreads; t++)
      pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&q.mu);
    pthread_cond_destroy(&q.work);
    pthread_cond_destroy(&q.done);
  }
  free(threads);
  if (rn.failed)
    status = 1;
  progress(&rn.st, 1);
  if (!opt.quiet && rn.idx)
    summary(&rn);
  if (fflush(rn.out) != 0 || (rn.out != stdout && fclose(rn.out) != 0)) {
    fprintf(stderr, TOOL ": cannot write output: %s\n", strerror(errno));
    status = 1;
  }
  store_close(&db);
  free(q.units);
  free(q.res);
  free(q.state);
  free(rn.exp_buf);
  kabar_index_free(rn.idx);
  kabar_ctx_free(ctx);
  docjson_cleanup();
  return status;
}
