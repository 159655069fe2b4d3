#include "clean.h"
#include "../text/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

typedef enum rule_action { RULE_BLOCK = 1, RULE_CUT, RULE_CUT_TAIL, RULE_DATELINE } rule_action;

/* cut-tail rules end in $ and see only this many bytes at the end of a block, so a long
 * paragraph is not scanned from its start for a tail that can only be near its end. */
#define TAIL_WINDOW 600

typedef struct kabar_rule {
  rule_action action;
  char *name;
  pcre2_code *code;
} kabar_rule;

struct kabar_rules {
  KABAR_VEC(kabar_rule) v;
};


void kabar__rules_free(kabar_rules *rules) {
  if (!rules)
    return;
  for (size_t i = 0; i < rules->v.n; i++) {
    kabar__free(rules->v.v[i].name);
    pcre2_code_free(rules->v.v[i].code);
  }
  KABAR_VEC_FREE(rules->v);
  kabar__free(rules);
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Splits "action name pattern" (already trimmed). 0 ok, -1 malformed. */
static int parse_rule_line(char *s, rule_action *action, char **name, char **pattern) {
  char *p = s;
  while (*p && !is_blank(*p))
    p++;
  if (!*p)
    return -1;
  *p++ = '\0';
  if (strcmp(s, "block") == 0)
    *action = RULE_BLOCK;
  else if (strcmp(s, "cut") == 0)
    *action = RULE_CUT;
  else if (strcmp(s, "cut-tail") == 0)
    *action = RULE_CUT_TAIL;
  else if (strcmp(s, "dateline") == 0)
    *action = RULE_DATELINE;
  else
    return -1;
  while (is_blank(*p))
    p++;
  *name = p;
  while (*p && !is_blank(*p))
    p++;
  if (!*p || p == *name)
    return -1;
  *p++ = '\0';
  while (is_blank(*p))
    p++;
  *pattern = p;
  return **pattern ? 0 : -1;
}

static kabar_status fail_at(kabar_error *err, kabar_status code, const char *path, size_t line,
                            int32_t detail) {
  if (err) {
    kabar__fail(err, code, line, detail);
    snprintf(err->path, sizeof err->path, "%s", path);
  }
  return code;
}

static kabar_status compile_rule(const kabar_ctx *ctx, kabar_rules *rules, rule_action action,
                                 const char *name, const char *pattern, int32_t *detail) {
  int errcode;
  PCRE2_SIZE erroff;
  pcre2_compile_context *cc = pcre2_compile_context_create(ctx->pcre_gctx);
  if (!cc)
    return KABAR_ENOMEM;
  /* the pattern comes from a data file: PCRE2 checks its UTF-8 (fuzz_data_files crashed
   * pcre2_compile with an ill-formed pattern under PCRE2_NO_UTF_CHECK) */
  pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP, &errcode, &erroff, cc);
  pcre2_compile_context_free(cc);
  if (!code) {
    *detail = errcode;
    /* compile-time allocation failure is HEAP_FAILED; NOMEMORY is the match-time code */
    return errcode == PCRE2_ERROR_HEAP_FAILED || errcode == PCRE2_ERROR_NOMEMORY ? KABAR_ENOMEM
                                                                                 : KABAR_EINVAL;
  }
  if (ctx->use_jit) /* the interpreter runs when JIT is off or unavailable */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  kabar_rule r = {action, kabar__strndup(name, strlen(name)), code};
  if (!r.name || KABAR_VEC_PUSH(rules->v, r) != 0) {
    kabar__free(r.name);
    pcre2_code_free(code);
    return KABAR_ENOMEM;
  }
  return KABAR_OK;
}

kabar_status kabar__rules_load(const kabar_ctx *ctx, const char *path, int optional,
                               kabar_rules **out, kabar_error *err) {
  kabar_rules *rules = kabar__calloc(1, sizeof *rules);
  if (!rules)
    return fail_at(err, KABAR_ENOMEM, path, KABAR_NO_OFFSET, 0);
  kabar_buf file = {0};
  if (kabar__read_file(path, &file) != 0) {
    int e = errno;
    kabar__buf_free(&file);
    if (optional && e == ENOENT) {
      *out = rules;
      return KABAR_OK;
    }
    kabar__rules_free(rules);
    return fail_at(err, e == ENOMEM ? KABAR_ENOMEM : KABAR_EIO, path, KABAR_NO_OFFSET, e);
  }
  kabar_status rc = KABAR_OK;
  size_t line_no = 0;
  char *p = file.p ? file.p : (char *)"";
  while (rc == KABAR_OK && *p) {
    char *nl = strchr(p, '\n');
    char *next = nl ? nl + 1 : p + strlen(p);
    if (nl)
      *nl = '\0';
    line_no++;
    char *s = p, *e = p + strlen(p);
    while (is_blank(*s))
      s++;
    while (e > s && is_blank(e[-1]))
      *--e = '\0';
    if (*s && *s != '#') {
      rule_action action;
      char *name, *pattern;
      int32_t detail = 0;
      if (parse_rule_line(s, &action, &name, &pattern) != 0)
        rc = fail_at(err, KABAR_EINVAL, path, line_no, 0);
      else if ((rc = compile_rule(ctx, rules, action, name, pattern, &detail)) != KABAR_OK)
        rc = fail_at(err, rc, path, line_no, detail);
    }
    p = next;
  }
  kabar__buf_free(&file);
  if (rc != KABAR_OK) {
    kabar__rules_free(rules);
    return rc;
  }
  *out = rules;
  return KABAR_OK;
}

/* ---- matching ------------------------------------------------------------------------- */

typedef struct clean_run {
  kabar_doc *doc;
  pcre2_match_data *md;
  kabar_error *err;
  const kabar_rules *sets[3];
  size_t nsets;
} clean_run;

/* Finds `code` in s[from, n) (subject starts at s). 1 found, 0 not, <0 kabar_status. */
static int match_at(clean_run *run, const pcre2_code *code, const char *s, size_t n, size_t from,
                    size_t *ms, size_t *me) {
  int rc = pcre2_match(code, (PCRE2_SPTR)s, n, from, PCRE2_NO_UTF_CHECK, run->md,
                       run->doc->ctx->pcre_mctx);
  if (rc == PCRE2_ERROR_NOMATCH)
    return 0;
  if (rc < 0) {
    kabar_status st = rc == PCRE2_ERROR_NOMEMORY ? KABAR_ENOMEM
                      : (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                         rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
                          ? KABAR_ELIMIT
                          : KABAR_EDEP;
    /* an offset into the caller's input, not into the repaired text */
    return kabar__fail(run->err, st,
                       kabar__offmap_orig(&run->doc->map, (size_t)(s - run->doc->text) + from),
                       rc);
  }
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(run->md);
  *ms = ov[0];
  *me = ov[1];
  return 1;
}

typedef int (*rule_visit)(clean_run *run, const kabar_rule *rule, void *ud);

/* Calls visit for every rule of `action` in the run's rule sets, in order, until one returns
 * non-zero (a match that settles the question, or an error). */
static int for_each_rule(clean_run *run, rule_action action, rule_visit visit, void *ud) {
  for (size_t k = 0; k < run->nsets; k++)
    for (size_t i = 0; i < run->sets[k]->v.n; i++) {
      const kabar_rule *rule = &run->sets[k]->v.v[i];
      int r = rule->action == action ? visit(run, rule, ud) : 0;
      if (r)
        return r;
    }
  return 0;
}

static int push_cut(kabar_doc *doc, uint32_t a, uint32_t b, uint32_t block, uint8_t kind,
                    const char *rule) {
  kabar_cut c = {a, b, block, kind, rule};
  return KABAR_VEC_PUSH(doc->cuts, c);
}

/* Block rules see only blocks up to this size: boilerplate lines are short, and long
 * paragraphs then never pay for anchored whole-line patterns. */
#define BLOCK_RULE_MAX 1000
/* Confidence reported for a language found only through boilerplate rules. */
#define CHROME_LANG_CONFIDENCE 0.3

typedef struct block_ctx {
  kabar_block *blk;
  uint32_t bi;
  uint32_t pos, limit; /* datelines: where the text proper starts, and the next cut */
  kabar_cut found;     /* datelines: the one found (found.end == 0: none) */
} block_ctx;

static int visit_block_rule(clean_run *run, const kabar_rule *rule, void *ud) {
  kabar_block *blk = ((block_ctx *)ud)->blk;
  size_t ms = 0, me = 0;
  int m = match_at(run, rule->code, run->doc->text + blk->start, blk->end - blk->start, 0, &ms, &me);
  if (m == 1) {
    blk->kind = KABAR_BLOCK_BOILERPLATE;
    blk->rule = rule->name;
  }
  return m;
}

static kabar_status block_rules(clean_run *run, kabar_block *blk) {
  if (blk->end - blk->start > BLOCK_RULE_MAX)
    return KABAR_OK;
  block_ctx bc = {.blk = blk};
  int r = for_each_rule(run, RULE_BLOCK, visit_block_rule, &bc);
  return r < 0 ? (kabar_status)r : KABAR_OK;
}

/* A cut takes the blanks before it along, so rules need not start with \s* (which would make
 * every position a candidate start and defeat PCRE2's first-character scan). */
static size_t absorb_blanks_before(const char *s, size_t ms) {
  while (ms > 0) {
    size_t p = ms - 1, len;
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
      p--;
    if (!kabar__is_space_cp(kabar__utf8_decode((const unsigned char *)s + p, ms - p, &len)))
      break;
    ms = p;
  }
  return ms;
}

static int visit_cut_rule(clean_run *run, const kabar_rule *rule, void *ud) {
  block_ctx *bc = ud;
  kabar_doc *doc = run->doc;
  const char *s = doc->text + bc->blk->start;
  size_t n = bc->blk->end - bc->blk->start, from = 0, ms = 0, me = 0;
  if (rule->action == RULE_CUT_TAIL && n > TAIL_WINDOW) {
    from = n - TAIL_WINDOW;
    while (from < n && ((unsigned char)s[from] & 0xC0) == 0x80)
      from++;
  }
  while (from <= n) {
    int m = match_at(run, rule->code, s, n, from, &ms, &me);
    if (m <= 0)
      return m;
    size_t start = absorb_blanks_before(s, ms);
    if (rule->action == RULE_CUT_TAIL && start > 0 && s[start - 1] == ',')
      start = absorb_blanks_before(s, start - 1); /* "..., Artikel ini telah tayang ..." */
    if (me > ms && push_cut(doc, bc->blk->start + (uint32_t)start, bc->blk->start + (uint32_t)me,
                            bc->bi, KABAR_CUT_BOILERPLATE, rule->name) != 0)
      return KABAR_ENOMEM;
    if (me > from) {
      from = me;
    } else { /* empty match: step one code point */
      from++;
      while (from < n && ((unsigned char)s[from] & 0xC0) == 0x80)
        from++;
    }
  }
  return 0;
}

static int visit_dateline_rule(clean_run *run, const kabar_rule *rule, void *ud) {
  block_ctx *bc = ud;
  size_t ms = 0, me = 0;
  int m = match_at(run, rule->code, run->doc->text + bc->pos, bc->limit - bc->pos, 0, &ms, &me);
  if (m <= 0 || ms != 0 || me == 0)
    return m < 0 ? m : 0;
  kabar_cut c = {bc->pos, bc->pos + (uint32_t)me, bc->bi, KABAR_CUT_DATELINE, rule->name};
  bc->found = c;
  return 1;
}

static int cmp_cut(const void *a, const void *b) {
  const kabar_cut *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
}

/* Sorts the block's cuts from index `first` on and merges overlapping ones. */
static void merge_cuts(kabar_doc *doc, size_t first) {
  size_t n = doc->cuts.n - first, w = 0;
  if (n == 0)
    return;
  kabar_cut *c = doc->cuts.v + first;
  qsort(c, n, sizeof *c, cmp_cut);
  for (size_t i = 0; i < n; i++) {
    if (w > 0 && c[i].start < c[w - 1].end && c[i].kind == c[w - 1].kind) {
      if (c[i].end > c[w - 1].end)
        c[w - 1].end = c[i].end;
      continue;
    }
    c[w++] = c[i];
  }
  doc->cuts.n = first + w;
}

static kabar_status cut_rules(clean_run *run, uint32_t bi) {
  kabar_doc *doc = run->doc;
  size_t first = doc->cuts.n;
  block_ctx bc = {.blk = &doc->blocks.v[bi], .bi = bi};
  int r = for_each_rule(run, RULE_CUT, visit_cut_rule, &bc);
  if (r == 0)
    r = for_each_rule(run, RULE_CUT_TAIL, visit_cut_rule, &bc);
  if (r < 0)
    return (kabar_status)r;
  merge_cuts(doc, first);
  return KABAR_OK;
}

/* Index of the first cut starting at or after pos; cuts are sorted while datelines are
 * being looked for (they are added afterwards). */
static size_t first_cut_from(const kabar_doc *doc, uint32_t pos) {
  size_t lo = 0, hi = doc->cuts.n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (doc->cuts.v[mid].start < pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* A dateline opens the block, after any cut (such as glued metadata) at its start, and ends
 * before the block's next cut. Sets *found (found->end == 0 when there is none). */
static kabar_status find_dateline(clean_run *run, uint32_t bi, kabar_cut *found) {
  kabar_doc *doc = run->doc;
  const kabar_block *blk = &doc->blocks.v[bi];
  uint32_t pos = blk->start;
  size_t c = first_cut_from(doc, blk->start);
  for (;; c++) { /* skip the cuts that open the block */
    while (pos < blk->end && (doc->text[pos] == ' ' || doc->text[pos] == '\t'))
      pos++;
    if (c >= doc->cuts.n || doc->cuts.v[c].start > pos)
      break;
    if (doc->cuts.v[c].end > pos)
      pos = doc->cuts.v[c].end;
  }
  block_ctx bc;
  memset(&bc, 0, sizeof bc);
  bc.blk = (kabar_block *)blk;
  bc.bi = bi;
  bc.pos = pos < blk->end ? pos : blk->end;
  bc.limit = c < doc->cuts.n && doc->cuts.v[c].start < blk->end ? doc->cuts.v[c].start : blk->end;
  if (bc.limit < bc.pos)
    bc.limit = bc.pos;
  int r = for_each_rule(run, RULE_DATELINE, visit_dateline_rule, &bc);
  *found = bc.found;
  return r < 0 ? (kabar_status)r : KABAR_OK;
}

/* Marks tokens inside cuts; returns how many of the block's tokens are left outside. */
static size_t mark_cut_tokens(kabar_doc *doc, uint32_t bi, size_t first_cut) {
  const kabar_block *blk = &doc->blocks.v[bi];
  size_t left = 0, c = first_cut;
  for (uint32_t t = blk->tok_first; t < blk->tok_end; t++) {
    kabar_token *tok = &doc->tokens.v[t];
    while (c < doc->cuts.n && doc->cuts.v[c].end <= tok->start)
      c++;
    if (c < doc->cuts.n && doc->cuts.v[c].start < tok->end)
      tok->flags |= KABAR_TOK_CUT;
    else
      left++;
  }
  return left;
}

/* How many of the block's tokens lie outside its boilerplate cuts (sorted, merged). */
static size_t boilerplate_tokens_left(const kabar_doc *doc, uint32_t bi, size_t first_cut) {
  const kabar_block *blk = &doc->blocks.v[bi];
  size_t left = 0, c = first_cut;
  for (uint32_t t = blk->tok_first; t < blk->tok_end; t++) {
    const kabar_token *tok = &doc->tokens.v[t];
    while (c < doc->cuts.n && doc->cuts.v[c].end < tok->end)
      c++;
    left += !(c < doc->cuts.n && doc->cuts.v[c].start <= tok->start);
  }
  return left;
}

/* The block's last character that is not a closing quote or bracket ('x."' ends in '.'). */
static char last_char_before_closers(const kabar_doc *doc, const kabar_block *blk) {
  static const char *closers[] = {"\"", "'", ")", "]", "\xE2\x80\x9D", "\xE2\x80\x99",
                                  "\xC2\xBB"}; /* ” ’ » */
  uint32_t end = blk->end;
  for (int again = 1; again && end > blk->start;) {
    again = 0;
    for (size_t i = 0; i < sizeof closers / sizeof *closers; i++) {
      uint32_t n = (uint32_t)strlen(closers[i]);
      if (end - blk->start >= n && memcmp(doc->text + end - n, closers[i], n) == 0) {
        end -= n;
        again = 1;
        break;
      }
    }
  }
  return end > blk->start ? doc->text[end - 1] : '\0';
}

static int is_title_block(const kabar_doc *doc, const kabar_block *blk) {
  size_t n = blk->end - blk->start;
  if (n > 250 || blk->tok_end - blk->tok_first > 30 || blk->tok_end == blk->tok_first)
    return 0;
  char last = last_char_before_closers(doc, blk);
  return last == '\0' || !strchr(".!?:;,", last);
}

static void pick_title(kabar_doc *doc) {
  size_t content = 0, first = KABAR_NO_INDEX;
  for (size_t i = 0; i < doc->blocks.n; i++)
    if (doc->blocks.v[i].kind != KABAR_BLOCK_BOILERPLATE) {
      if (first == KABAR_NO_INDEX)
        first = i;
      content++;
    }
  if (content >= 2 && is_title_block(doc, &doc->blocks.v[first]))
    doc->blocks.v[first].kind = KABAR_BLOCK_TITLE;
}

/* When function words gave no language, site chrome can: a page whose blocks only one
 * language's block or dateline rules recognise ("Halo, pembaca nawala...", "Jakarta, CNN
 * Indonesia --") is in that language. Returns the language or KABAR_LANG_OTHER. */
static int visit_any_rule(clean_run *run, const kabar_rule *rule, void *ud) {
  block_ctx *bc = ud;
  size_t ms = 0, me = 0;
  return match_at(run, rule->code, run->doc->text + bc->blk->start,
                  bc->blk->end - bc->blk->start, 0, &ms, &me);
}

static uint8_t lang_from_chrome(clean_run *run) {
  const kabar_ctx *ctx = run->doc->ctx;
  size_t best = 0, best_hits = 0, ties = 0;
  for (size_t l = 0; l < ctx->nlangs; l++) {
    run->nsets = 1;
    run->sets[0] = ctx->langs[l].rules;
    size_t hits = 0;
    for (size_t i = 0; i < run->doc->blocks.n; i++) {
      kabar_block *blk = &run->doc->blocks.v[i];
      if (blk->end - blk->start > BLOCK_RULE_MAX)
        continue;
      block_ctx bc = {.blk = blk, .bi = (uint32_t)i};
      hits += for_each_rule(run, RULE_BLOCK, visit_any_rule, &bc) > 0 ||
              for_each_rule(run, RULE_DATELINE, visit_any_rule, &bc) > 0;
    }
    if (hits > best_hits) {
      best = l;
      best_hits = hits;
      ties = 0;
    } else if (hits == best_hits && hits > 0) {
      ties++;
    }
  }
  return best_hits > 0 && ties == 0 ? (uint8_t)best : KABAR_LANG_OTHER;
}

/* Datelines are looked for in the first body blocks only. */
#define DATELINE_BLOCKS 2

kabar_status kabar__clean(kabar_doc *doc, kabar_error *err) {
  const kabar_ctx *ctx = doc->ctx;
  clean_run run;
  memset(&run, 0, sizeof run);
  run.doc = doc;
  run.err = err;
  run.md = pcre2_match_data_create(1, ctx->pcre_gctx);
  if (!run.md)
    return kabar__fail(err, KABAR_ENOMEM, KABAR_NO_OFFSET, 0);
  kabar_status rc = KABAR_OK;
  if (doc->lang == KABAR_LANG_OTHER && !doc->lang_forced) {
    uint8_t l = lang_from_chrome(&run);
    if (l != KABAR_LANG_OTHER) {
      doc->lang = l;
      doc->lang_conf = CHROME_LANG_CONFIDENCE;
      for (size_t i = 0; i < doc->blocks.n; i++)
        if (doc->blocks.v[i].lang == KABAR_LANG_OTHER)
          doc->blocks.v[i].lang = l;
    }
  }
  for (size_t i = 0; i < doc->blocks.n && rc == KABAR_OK; i++) {
    kabar_block *blk = &doc->blocks.v[i];
    run.nsets = 0;
    run.sets[run.nsets++] = ctx->common_rules;
    if (doc->lang != KABAR_LANG_OTHER)
      run.sets[run.nsets++] = ctx->langs[doc->lang].rules;
    if (blk->lang != doc->lang && blk->lang != KABAR_LANG_OTHER)
      run.sets[run.nsets++] = ctx->langs[blk->lang].rules;
    if ((rc = block_rules(&run, blk)) != KABAR_OK || blk->kind == KABAR_BLOCK_BOILERPLATE)
      continue;
    size_t first_cut = doc->cuts.n;
    if ((rc = cut_rules(&run, (uint32_t)i)) != KABAR_OK)
      break;
    if (boilerplate_tokens_left(doc, (uint32_t)i, first_cut) == 0) {
      blk->kind = KABAR_BLOCK_BOILERPLATE;
      blk->rule = doc->cuts.n > first_cut ? doc->cuts.v[first_cut].rule : "no-words";
      doc->cuts.n = first_cut;
    }
  }
  pick_title(doc);
  kabar_cut datelines[DATELINE_BLOCKS];
  size_t ndatelines = 0, body_seen = 0;
  for (size_t i = 0; i < doc->blocks.n && rc == KABAR_OK && body_seen < DATELINE_BLOCKS; i++) {
    if (doc->blocks.v[i].kind != KABAR_BLOCK_BODY)
      continue;
    body_seen++;
    rc = find_dateline(&run, (uint32_t)i, &datelines[ndatelines]);
    ndatelines += rc == KABAR_OK && datelines[ndatelines].end > 0;
  }
  for (size_t i = 0; i < ndatelines && rc == KABAR_OK; i++)
    if (KABAR_VEC_PUSH(doc->cuts, datelines[i]) != 0)
      rc = KABAR_ENOMEM;
  if (ndatelines > 0 && rc == KABAR_OK) /* cuts stay in input order */
    qsort(doc->cuts.v, doc->cuts.n, sizeof *doc->cuts.v, cmp_cut);
  pcre2_match_data_free(run.md);
  if (rc != KABAR_OK)
    return rc == KABAR_ENOMEM ? kabar__fail(err, rc, KABAR_NO_OFFSET, 0) : rc;
  /* Cuts were appended block by block; datelines keep each block's run sorted. */
  for (size_t i = 0, c = 0; i < doc->blocks.n; i++) {
    while (c < doc->cuts.n && doc->cuts.v[c].block < i)
      c++;
    mark_cut_tokens(doc, (uint32_t)i, c);
  }
  return KABAR_OK;
}
