/* Replaying a migrations folder into a scratch database (see replay.h). */
#include "prismac/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool replay_script_is_data_only(const char *sql, size_t len)
{
    Arena a;
    arena_init(&a);
    SqlStatement *st;
    uint32_t n = migration_split_statements(&a, sql, len, &st);
    bool data_only = true;
    for (uint32_t i = 0; i < n && data_only; i++) {
        const char *p = sql + st[i].start, *end = sql + st[i].end;
        if (migration_statement_txn(p, (size_t)(end - p)) != TXN_STMT_NONE)
            continue;
        /* INSERT / UPDATE / DELETE (not a WITH: it may hide anything; not SELECT: it may call a
         * function that changes the schema) */
        data_only = migration_word_is(p, end, "INSERT") || migration_word_is(p, end, "UPDATE") || migration_word_is(p, end, "DELETE");
    }
    arena_free(&a);
    return data_only;
}

const SqlSchema *replay_schema_after(const Replay *replay, uint32_t k)
{
    if (k == UINT32_MAX)
        return replay->before;
    return k < replay->applied ? replay->after[k] : NULL;
}

static SqlSchema *read_schema(DbScratch *s, const ReplayOptions *opt, Replay *out, DbError *err)
{
    double t0 = introspect_now_ms();
    SqlSchema *schema = dbexec_introspect(s, opt->introspect, NULL, err);
    out->stats.introspect_ms += introspect_now_ms() - t0;
    out->stats.introspections++;
    if (!schema && !err->message[0])
        db_error_set(err, DBERR_QUERY, "cannot read the scratch database: %s", err->detail);
    return schema;
}

bool replay_run(const MigrationsDir *dir, const uint32_t *order, uint32_t n, const ReplayOptions *opt, Replay *out,
                DbError *err)
{
    memset(out, 0, sizeof *out);
    out->count = n;
    out->after = calloc(n ? n : 1, sizeof *out->after);
    double t0 = introspect_now_ms();
    DbScratch *s = dbexec_scratch_open(opt->flavour, opt->server, opt->introspect, err);
    if (!s && opt->flavour == SQL_POSTGRES && opt->attach) {
        /* no CREATE DATABASE: the shadow database itself, if it is empty */
        DbError again = {0};
        s = dbexec_scratch_attach(opt->attach, opt->introspect, &again);
        if (!s) {
            char first[sizeof err->message];
            snprintf(first, sizeof first, "%s", err->message);
            db_error_set(err, again.kind, "%.400s; and %.500s", first, again.message);
        }
    }
    out->stats.open_ms = introspect_now_ms() - t0;
    if (!s)
        return false;
    bool ok = true;
    if (opt->flavour == SQL_POSTGRES && opt->search_path && *opt->search_path &&
        strcmp(opt->search_path, "public") != 0) {
        /* unqualified names go where they go on the live database */
        char *q = malloc(strlen(opt->search_path) * 2 + 3), *o = q;
        *o++ = '"';
        for (const char *p = opt->search_path; *p; p++) {
            if (*p == '"')
                *o++ = '"';
            *o++ = *p;
        }
        *o++ = '"';
        *o = '\0';
        char *sql = malloc(strlen(q) * 2 + 64);
        sprintf(sql, "CREATE SCHEMA IF NOT EXISTS %s; SET search_path TO %s;", q, q);
        ok = dbexec_apply(s, sql, strlen(sql), "search_path", err);
        free(sql);
        free(q);
    }
    if (ok && opt->snapshots) {
        out->before = read_schema(s, opt, out, err);
        ok = out->before != NULL;
    }
    SqlSchema *current = out->before;
    for (uint32_t k = 0; ok && k < n; k++) {
        const MigrationFile *m = &dir->items[order ? order[k] : k];
        double t1 = introspect_now_ms();
        DbError e = {0};
        bool applied = dbexec_apply(s, m->sql, m->len, m->path, &e);
        out->stats.apply_ms += introspect_now_ms() - t1;
        if (!applied) {
            out->failed = true;
            out->error = e;
            break;
        }
        out->applied = k + 1;
        if (!opt->snapshots)
            continue;
        if (current && replay_script_is_data_only(m->sql, m->len)) {
            out->after[k] = current;
            continue;
        }
        current = read_schema(s, opt, out, err);
        out->after[k] = current;
        ok = current != NULL;
    }
    if (ok && !opt->snapshots && out->applied > 0) {
        out->after[out->applied - 1] = read_schema(s, opt, out, err);
        ok = out->after[out->applied - 1] != NULL;
    }
    if (ok && !opt->snapshots && !out->before && out->applied == 0) {
        out->before = read_schema(s, opt, out, err);
        ok = out->before != NULL;
    }
    dbexec_scratch_close(s);
    return ok;
}

void replay_free(Replay *replay)
{
    if (!replay)
        return;
    SqlSchema *last = replay->before;
    sql_schema_free(replay->before);
    for (uint32_t k = 0; replay->after && k < replay->count; k++) {
        if (replay->after[k] && replay->after[k] != last) {
            last = replay->after[k];
            sql_schema_free(replay->after[k]);
        }
    }
    free(replay->after);
    memset(replay, 0, sizeof *replay);
}
