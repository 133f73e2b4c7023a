/* Database URLs: parsing, classification, password masking, and finding the URL a command
 * should use (--db, DATABASE_URL, the datasource's `url`, a `.env` beside the schema).
 *
 * Accepted forms:
 *   postgresql://USER:PASSWORD@HOST:PORT/DB?PARAMS   (also postgres://): everything libpq
 *       accepts (several hosts, socket directories as %2F-encoded hosts or ?host=/dir,
 *       sslmode and the other libpq parameters, PG* environment variables for what the URL
 *       leaves out). Prisma's own parameters are understood (`schema`) or dropped
 *       (connection_limit, pool_timeout, socket_timeout, pgbouncer, statement_cache_size,
 *       sslidentity, sslaccept); any other parameter libpq does not know is an error.
 *   file:PATH, sqlite:PATH, file:///ABSOLUTE/PATH, sqlite://PATH (optional ?PARAMS: Prisma's
 *       connection_limit / socket_timeout are ignored; SQLite URI parameters such as
 *       `immutable` or `vfs` are passed on; `mode` is always read-only for introspection).
 *       A relative PATH is resolved against the base directory given to dburl_parse (the
 *       schema's folder for URLs found in the schema or the environment, as Prisma does;
 *       the working directory for --db).
 *
 * Nothing here prints a password: every text meant for a user goes through the masking
 * functions, which replace the password (as written and percent-decoded) with "****". */
#ifndef PRISMAC_DBURL_H
#define PRISMAC_DBURL_H

#include "prismac/arena.h"
#include "prismac/db.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum DbUrlKind { DBURL_POSTGRES, DBURL_SQLITE } DbUrlKind;

/* What went wrong while finding, parsing or using a database URL, or talking to the database.
 * All of them are exit status 2 (EXIT_TROUBLE) in the commands. */
typedef enum DbErrorKind {
    DBERR_NONE = 0,
    DBERR_NO_URL,           /* no --db, no DATABASE_URL, no datasource url */
    DBERR_ENV,              /* url = env("X") and X is set nowhere */
    DBERR_URL,              /* malformed or unsupported URL, unknown parameter */
    DBERR_HOST_UNKNOWN,     /* the host name does not resolve */
    DBERR_UNREACHABLE,      /* connection refused, no route, no socket */
    DBERR_TIMEOUT,          /* connect_timeout or statement_timeout expired */
    DBERR_AUTH,             /* wrong or missing password, unknown role, login not allowed */
    DBERR_NO_DATABASE,      /* the database does not exist (SQLite: the file does not exist) */
    DBERR_PERMISSION,       /* no right to connect / read (file permissions, CONNECT privilege) */
    DBERR_TLS,              /* SSL/TLS negotiation failed */
    DBERR_NOT_A_DATABASE,   /* SQLite: the file is not a SQLite database */
    DBERR_QUERY,            /* a statement failed (catalog query, script statement) */
    DBERR_OTHER,
} DbErrorKind;

typedef struct DbError {
    DbErrorKind kind;
    char message[1024];     /* one line, password masked: "cannot connect to …: the server … refused …" */
    char detail[1024];      /* the driver's own words (masked), or "" */
} DbError;

const char *db_error_kind_name(DbErrorKind kind);   /* "no-url", "auth", ... (stable, for JSON) */
/* Sets kind and message (printf style); clears detail. */
void db_error_set(DbError *err, DbErrorKind kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

typedef struct DbUrl {
    Arena arena;
    DbUrlKind kind;
    const char *text;           /* as given */
    const char *masked;         /* the same with the password replaced by **** */
    const char *password;       /* percent-decoded password from the URL, or NULL */
    const char *password_raw;   /* as written in the URL, or NULL */
    /* PostgreSQL */
    const char *conninfo;       /* the URL handed to libpq (Prisma-only parameters removed) */
    const char *schema;         /* ?schema= (Prisma), or NULL */
    const char *database;       /* the database named in the path, or NULL (libpq's default) */
    /* SQLite */
    const char *path;           /* the file, absolute when a base directory was given */
    const char *sqlite_params;  /* extra SQLite URI parameters ("immutable=1&vfs=unix"), or "" */
} DbUrl;

/* Parses `text`. `base_dir` (may be NULL: the working directory) resolves relative SQLite
 * paths. On failure returns false with err set (kind DBERR_URL, the URL masked); `out` needs
 * dburl_free either way. */
bool dburl_parse(const char *text, const char *base_dir, DbUrl *out, DbError *err);
void dburl_free(DbUrl *url);

/* Copies `text` into buf (size > 0, always NUL-terminated) with every password masked: the
 * URL's own password (raw and decoded) when url is not NULL, and in any case the password
 * part of anything that looks like a URL (scheme://user:PASSWORD@) or a conninfo
 * `password=…` keyword. Returns buf. */
char *dburl_mask_text(const DbUrl *url, const char *text, char *buf, size_t size);

/* Where a resolved URL came from. */
typedef enum DbUrlSource {
    DBURL_FROM_FLAG,            /* --db URL */
    DBURL_FROM_DATABASE_URL,    /* the DATABASE_URL variable */
    DBURL_FROM_DATASOURCE,      /* url = "..." in the datasource */
    DBURL_FROM_DATASOURCE_ENV,  /* url = env("X") in the datasource */
} DbUrlSource;

typedef struct DbUrlOrigin {
    DbUrlSource source;
    char variable[128];         /* the variable read, or "" */
    bool from_dotenv;           /* the variable came from the .env file, not the environment */
    char dotenv_path[1024];     /* the .env file consulted, or "" */
} DbUrlOrigin;

/* Finds and parses the URL a command should use:
 *   1. flag_url (--db) when not NULL, relative SQLite paths against the working directory;
 *   2. DATABASE_URL;
 *   3. the datasource's `url`: a string, or env("X").
 * Variables are read from the environment, else from `.env` in schema_dir (KEY=VALUE lines,
 * `export`, quotes, # comments, ${VAR} expansion, as dotenv does); the environment wins.
 * URLs found in 2 and 3 resolve relative SQLite paths against schema_dir (NULL: the working
 * directory), as Prisma does. `url_prop` is the datasource's url property (Db.datasource->url),
 * or NULL. Returns false with err set (DBERR_NO_URL, DBERR_ENV, DBERR_URL). */
bool dburl_resolve(const char *flag_url, const Property *url_prop, const char *schema_dir, DbUrl *out,
                   DbUrlOrigin *origin, DbError *err);
/* The same, taking the property from a resolved schema (db may be NULL or have no datasource). */
bool dburl_resolve_db(const char *flag_url, const Db *db, const char *schema_dir, DbUrl *out, DbUrlOrigin *origin,
                      DbError *err);

/* A variable from `.env` in dir (not the environment); NULL if absent. Returned text is
 * malloc'd. Exposed for tests and for commands that read other variables. */
char *dburl_dotenv_get(const char *dir, const char *name);

#endif
