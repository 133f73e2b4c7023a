/* `prismac migrations check`: does replaying the folder reproduce the schema? Offline: the
 * folder goes into a scratch database (SQLite in memory, or a temporary PostgreSQL database),
 * which is diffed against the lowered schema; the difference is the migration that is missing,
 * written as `prisma migrate dev` writes migration.sql. */
#include "prismac/migrations_check.h"

#include "prismac/lower.h"
#include "prismac/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *migrations_missing_sql(const SqlSchema *replayed, const SqlSchema *lowered, const Dialect *dialect,
                             uint32_t *nsteps, bool *destructive)
{
    Migration *m = migrate_diff(replayed, lowered, dialect);
    if (nsteps)
        *nsteps = m->nsteps;
    if (destructive)
        *destructive = migrate_is_destructive(m);
    char *out = NULL;
    if (m->nsteps) {
        SqlBuf b = {0};
        RenderOptions ro = {.warnings = true};
        migrate_render_script(m, &ro, &b);
        out = sqlbuf_take(&b);
    }
    migrate_free(m);
    return out;
}

/* CREATE SCHEMA [IF NOT EXISTS] name|"name" */
uint32_t migrations_created_schemas(const MigrationsDir *dir, Arena *arena, Str **out)
{
    Str *items = NULL;
    uint32_t count = 0, cap = 0;
    for (uint32_t m = 0; m < dir->count; m++) {
        const MigrationFile *f = &dir->items[m];
        SqlStatement *st;
        Arena tmp;
        arena_init(&tmp);
        uint32_t n = migration_split_statements(&tmp, f->sql, f->len, &st);
        for (uint32_t i = 0; i < n; i++) {
            const char *p = f->sql + st[i].start, *end = f->sql + st[i].end;
            if ((size_t)(end - p) < 14 || strncasecmp(p, "CREATE", 6) != 0)
                continue;
            p += 6;
            while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
                p++;
            if ((size_t)(end - p) < 7 || strncasecmp(p, "SCHEMA", 6) != 0 ||
                !(p[6] == ' ' || p[6] == '\t' || p[6] == '\n' || p[6] == '\r'))
                continue;
            p += 6;
            while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
                p++;
            if ((size_t)(end - p) > 13 && strncasecmp(p, "IF NOT EXISTS", 13) == 0) {
                p += 13;
                while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
                    p++;
            }
            char name[256];
            size_t len = 0;
            if (p < end && *p == '"') {
                for (p++; p < end && len + 1 < sizeof name; p++) {
                    if (*p == '"' && p + 1 < end && p[1] == '"')
                        name[len++] = '"', p++;
                    else if (*p == '"')
                        break;
                    else
                        name[len++] = *p;
                }
            } else {
                for (; p < end && len + 1 < sizeof name; p++) {
                    char c = *p;
                    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                          c == '$'))
                        break;
                    name[len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);  /* unquoted: folded */
                }
            }
            if (!len)
                continue;
            Str s = {name, (uint32_t)len};
            bool seen = false;
            for (uint32_t k = 0; k < count && !seen; k++)
                seen = str_eq(items[k], s);
            if (!seen)
                ARENA_PUSH(arena, items, count, cap, arena_str(arena, name, len));
        }
        arena_free(&tmp);
    }
    *out = items;
    return count;
}

/* The folder name Prisma gives a new migration: UTC timestamp, `_`, the name with every
 * character outside [A-Za-z0-9_] replaced by `_`. */
static const char *folder_name(Arena *a, const char *name, time_t now)
{
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    char *n = arena_strdup(a, name && *name ? name : "migration");
    for (char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            *p = '_';
    return arena_sprintf(a, "%s_%s", stamp, n);
}

bool migrations_check_offline(const Db *db, const char *dir, const MigrationsCheckOptions *opt, MigrationsCheck *out,
                              char **err)
{
    memset(out, 0, sizeof *out);
    arena_init(&out->arena);
    if (migrations_load(&out->arena, dir, opt->layout, &out->dir, err) != MIGRATIONS_OK)
        return false;
    out->flavour = lower_flavour_for(db->provider);
    if (out->dir.layout == LAYOUT_SUPABASE && out->flavour != SQL_POSTGRES) {
        *err = arena_sprintf(&out->arena, "%s holds Supabase migrations, but the schema's provider is SQLite", dir);
        return false;
    }
    if (out->dir.has_lock && out->dir.lock_provider.len) {
        Str p = out->dir.lock_provider;
        out->lock_mismatch = out->flavour == SQL_POSTGRES ? !(str_eq_cstr(p, "postgresql") || str_eq_cstr(p, "postgres"))
                                                          : !str_eq_cstr(p, "sqlite");
    }
    if (out->flavour == SQL_POSTGRES && !opt->shadow) {
        *err = arena_strdup(&out->arena, "replaying PostgreSQL migrations needs a PostgreSQL server to create a "
                                         "scratch database on: give one with --shadow-db URL (or DATABASE_URL)");
        return false;
    }
    IntrospectOptions io = {0};
    io.connect_timeout_s = opt->connect_timeout_s;
    if (out->flavour == SQL_POSTGRES) {
        Str *created;
        uint32_t ncreated = migrations_created_schemas(&out->dir, &out->arena, &created);
        uint32_t nds = db->datasource ? db->datasource->nschemas : 0;
        Str *list = arena_alloc(&out->arena, (1 + ncreated + nds) * sizeof *list);
        uint32_t n = 0;
        list[n++] = STR_LIT("public");
        for (uint32_t i = 0; i < nds; i++)
            list[n++] = db->datasource->schemas[i];
        for (uint32_t i = 0; i < ncreated; i++)
            list[n++] = created[i];
        /* without duplicates */
        uint32_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            bool seen = false;
            for (uint32_t j = 0; j < k && !seen; j++)
                seen = str_eq(list[j], list[i]);
            if (!seen)
                list[k++] = list[i];
        }
        io.schemas = list;
        io.nschemas = k;
    }
    ReplayOptions ro = {0};
    ro.flavour = out->flavour;
    ro.server = opt->shadow;
    ro.attach = opt->shadow_attach ? opt->shadow : NULL;
    ro.introspect = &io;
    Replay rp;
    DbError dberr = {0};
    bool ok = replay_run(&out->dir, NULL, out->dir.count, &ro, &rp, &dberr);
    out->stats = rp.stats;
    if (!ok) {
        *err = arena_sprintf(&out->arena, "cannot replay the migrations: %s", dberr.message);
        replay_free(&rp);
        return false;
    }
    if (rp.failed) {
        out->replay_failed = true;
        out->replay_error = arena_strdup(&out->arena, rp.error.message);
        out->failed_migration = out->dir.items[rp.applied].name;
        replay_free(&rp);
        return true;
    }
    const Dialect *dialect = dialect_get(out->flavour, false);
    SqlSchema *lowered = lower_schema(db, dialect);
    const SqlSchema *replayed = rp.applied ? rp.after[rp.applied - 1] : rp.before;
    char *sql = migrations_missing_sql(replayed, lowered, dialect, &out->nsteps, &out->destructive);
    out->in_sync = sql == NULL;
    if (sql) {
        out->migration_sql = arena_strdup(&out->arena, sql);
        free(sql);
        out->folder_name = folder_name(&out->arena, opt->name, opt->now ? opt->now : time(NULL));
    }
    sql_schema_free(lowered);
    replay_free(&rp);
    return true;
}

void migrations_check_free(MigrationsCheck *check)
{
    arena_free(&check->arena);
    memset(check, 0, sizeof *check);
}
