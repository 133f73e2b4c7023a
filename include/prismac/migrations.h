/* Migrations folders (Prisma's and the Supabase CLI's layouts) and their checksums.
 *
 * Prisma:   DIR/<timestamp>_<name>/migration.sql, DIR/migration_lock.toml (provider = "...")
 * Supabase: DIR/<version>_<name>.sql
 * Migrations are ordered by name, as both tools apply them. */
#ifndef PRISMAC_MIGRATIONS_H
#define PRISMAC_MIGRATIONS_H

#include "prismac/arena.h"

#include <stdbool.h>

typedef enum MigrationLayout {
    LAYOUT_AUTO,        /* detect */
    LAYOUT_PRISMA,
    LAYOUT_SUPABASE,
} MigrationLayout;

/* One migration script of a folder. (Not `Migration`: that is a differ result, migrate.h.) */
typedef struct MigrationFile {
    Str name;           /* Prisma: the folder name "20250901120000_init"; Supabase: "20250328135512_collections" */
    Str version;        /* the leading timestamp/version: "20250901120000" */
    Str label;          /* what follows it: "init" */
    const char *path;   /* the SQL file */
    char *sql;          /* its bytes, NUL-terminated */
    uint32_t len;
    char checksum[65];  /* SHA-256 of the bytes, lower-case hex, as Prisma records it */
} MigrationFile;

typedef struct MigrationsDir {
    const char *path;
    MigrationLayout layout;
    bool has_lock;          /* migration_lock.toml present (Prisma) */
    Str lock_provider;      /* its provider, "" when the file has none */
    MigrationFile *items;
    uint32_t count, cap;
} MigrationsDir;

typedef enum MigrationsStatus {
    MIGRATIONS_OK,
    MIGRATIONS_NOT_FOUND,       /* no such folder */
    MIGRATIONS_UNREADABLE,      /* a folder or file that cannot be read */
    MIGRATIONS_AMBIGUOUS,       /* both layouts present: --layout decides */
    MIGRATIONS_BAD_ENTRY,       /* e.g. a Prisma migration folder without migration.sql */
} MigrationsStatus;

/* Reads a migrations folder; `*err` (in the arena) says what is wrong, with the path. An empty
 * folder is a valid folder with no migrations. */
MigrationsStatus migrations_load(Arena *arena, const char *path, MigrationLayout layout, MigrationsDir *out,
                                 char **err);
const char *migrations_layout_name(MigrationLayout layout);

/* SHA-256 of bytes as 64 lower-case hex digits (out: 65 bytes, NUL-terminated). */
void migration_checksum(const char *bytes, size_t len, char out[65]);
/* Does a script match a recorded checksum, as Prisma decides: the bytes as they are, or with
 * CRLF turned into LF, or LF into CRLF; and checksums recorded without zero-padding by old
 * Prisma versions. */
bool migration_checksum_matches(const char *bytes, size_t len, const char *recorded);

/* One statement of a script: bytes [start, end) without the `;`, and its first line. */
typedef struct SqlStatement {
    uint32_t start, end;
    uint32_t line;          /* 1-based line of its first byte */
} SqlStatement;

/* Splits a script into statements as PostgreSQL and SQLite read it: `;` ends a statement
 * outside quotes ('', "", E'' with backslash escapes), dollar quotes ($$, $tag$), -- comments and
 * (nested) block comments, and outside BEGIN ... END bodies of SQLite triggers. Blank space and
 * comments before a statement are not part of it; empty statements are dropped. Returns the
 * count; *out is allocated in the arena. */
uint32_t migration_split_statements(Arena *arena, const char *sql, size_t len, SqlStatement **out);

typedef enum TxnStatement {
    TXN_STMT_NONE,          /* anything else */
    TXN_STMT_BEGIN,         /* BEGIN [WORK|TRANSACTION] [ISOLATION ...], START TRANSACTION */
    TXN_STMT_COMMIT,        /* COMMIT / END [WORK|TRANSACTION] */
    TXN_STMT_ROLLBACK,      /* ROLLBACK / ABORT */
} TxnStatement;

/* Is the statement (as migration_split_statements returns it) a transaction control statement? */
TxnStatement migration_statement_txn(const char *stmt, size_t len);

/* Is `word` (upper case) at p, as a whole word, in any case? (A SQL keyword at a statement's
 * start: "INSERT" matches "insert into", not "inserted".) */
bool migration_word_is(const char *p, const char *end, const char *word);

#endif
