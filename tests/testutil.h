/* Helpers shared by the cmocka suites. Header-only: each suite is one translation unit. */
#ifndef PRISMAC_TESTUTIL_H
#define PRISMAC_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "prismac/ast.h"
#include "prismac/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A parsed in-memory schema. */
typedef struct Parsed {
    Arena arena;
    SourceSet sources;
    Diags diags;
    Ast *ast;
} Parsed;

static inline Parsed *parse_text(const char *text)
{
    Parsed *p = calloc(1, sizeof *p);
    arena_init(&p->arena);
    source_set_init(&p->sources, &p->arena);
    diags_init(&p->diags, &p->arena);
    source_add_text(&p->sources, "schema.prisma", text, strlen(text));
    p->ast = ast_parse(&p->sources, &p->diags);
    return p;
}

static inline void parsed_free(Parsed *p)
{
    arena_free(&p->arena);
    free(p);
}

/* Everything written to a FILE*, as a malloc'd string. */
typedef struct Capture {
    char *buf;
    size_t len;
    FILE *f;
} Capture;

static inline FILE *capture_begin(Capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    return c->f;
}

static inline char *capture_end(Capture *c)
{
    fclose(c->f);
    return c->buf;
}

/* The diagnostics as printed, without colour. */
static inline char *diags_text(Parsed *p, bool show_source)
{
    Capture c;
    diags_print(capture_begin(&c), &p->sources, &p->diags, (DiagStyle){.color = false, .show_source = show_source});
    return capture_end(&c);
}

static inline char *read_whole_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

/* Runs a shell command; returns its exit status and (optionally) stdout/stderr. */
typedef struct RunResult {
    int status;
    char *out;
    char *err;
} RunResult;

static inline RunResult run_cmd(const char *fmt, ...)
{
    char cmd[4096], tmpl_out[] = "/tmp/prismac-test-XXXXXX", tmpl_err[] = "/tmp/prismac-test-XXXXXX";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int fo = mkstemp(tmpl_out), fe = mkstemp(tmpl_err);
    close(fo);
    close(fe);
    char full[8192];
    snprintf(full, sizeof full, "(%s) >%s 2>%s", cmd, tmpl_out, tmpl_err);
    int rc = system(full);
    RunResult r;
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
    r.out = read_whole_file(tmpl_out, NULL);
    r.err = read_whole_file(tmpl_err, NULL);
    unlink(tmpl_out);
    unlink(tmpl_err);
    return r;
}

static inline void run_free(RunResult *r)
{
    free(r->out);
    free(r->err);
}

/* The prismac binary under test (set by tests/run.sh). */
static inline const char *prismac_bin(void)
{
    static char path[4096];
    const char *p = getenv("PRISMAC");
    if (p)
        return p;
    if (!path[0] && !realpath("build/prismac", path))
        snprintf(path, sizeof path, "build/prismac");
    return path;
}

/* The throwaway PostgreSQL that tests/run.sh starts. A live test without it fails: it never
 * passes silently. */
static inline const char *test_pg_url(void)
{
    const char *url = getenv("PRISMAC_TEST_PG_URL");
    if (!url || !*url) {
        print_error("PRISMAC_TEST_PG_URL is not set: this live test needs the PostgreSQL server that "
                    "tests/run.sh starts (make test)\n");
        fail();
    }
    return url;
}

#endif
