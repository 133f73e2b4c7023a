/* libsqlite3, loaded the first time a command opens a SQLite database. Linked in, it is loaded
 * and relocated by every process (its sixteen hundred symbol relocations and its pages), for
 * the commands that never open one. Works as pqlib.h does: the sources that use SQLite include
 * this header instead of <sqlite3.h>, and each function they call goes through a table filled
 * on first use. */
#ifndef PRISMAC_SQLITELIB_H
#define PRISMAC_SQLITELIB_H

#include <sqlite3.h>

#define SQLITELIB_FUNCTIONS(X)                                                                      \
    X(sqlite3_busy_timeout) X(sqlite3_close) X(sqlite3_column_bytes) X(sqlite3_column_count)        \
    X(sqlite3_column_int) X(sqlite3_column_text) X(sqlite3_column_type) X(sqlite3_errcode)          \
    X(sqlite3_errmsg) X(sqlite3_error_offset) X(sqlite3_errstr) X(sqlite3_exec)                     \
    X(sqlite3_finalize) X(sqlite3_free) X(sqlite3_get_autocommit) X(sqlite3_open_v2)                \
    X(sqlite3_prepare_v2) X(sqlite3_progress_handler) X(sqlite3_step)

typedef struct SqliteLib {
#define SQLITELIB_POINTER(name) __typeof__(name) *name;
    SQLITELIB_FUNCTIONS(SQLITELIB_POINTER)
#undef SQLITELIB_POINTER
} SqliteLib;

/* The table, loaded once per process (thread-safe). When libsqlite3 cannot be loaded, prints
 * why and exits with status 2. */
const SqliteLib *sqlitelib(void);

#ifndef SQLITELIB_NO_REDIRECT
#define sqlite3_busy_timeout (sqlitelib()->sqlite3_busy_timeout)
#define sqlite3_close (sqlitelib()->sqlite3_close)
#define sqlite3_column_bytes (sqlitelib()->sqlite3_column_bytes)
#define sqlite3_column_count (sqlitelib()->sqlite3_column_count)
#define sqlite3_column_int (sqlitelib()->sqlite3_column_int)
#define sqlite3_column_text (sqlitelib()->sqlite3_column_text)
#define sqlite3_column_type (sqlitelib()->sqlite3_column_type)
#define sqlite3_errcode (sqlitelib()->sqlite3_errcode)
#define sqlite3_errmsg (sqlitelib()->sqlite3_errmsg)
#define sqlite3_error_offset (sqlitelib()->sqlite3_error_offset)
#define sqlite3_errstr (sqlitelib()->sqlite3_errstr)
#define sqlite3_exec (sqlitelib()->sqlite3_exec)
#define sqlite3_finalize (sqlitelib()->sqlite3_finalize)
#define sqlite3_free (sqlitelib()->sqlite3_free)
#define sqlite3_get_autocommit (sqlitelib()->sqlite3_get_autocommit)
#define sqlite3_open_v2 (sqlitelib()->sqlite3_open_v2)
#define sqlite3_prepare_v2 (sqlitelib()->sqlite3_prepare_v2)
#define sqlite3_progress_handler (sqlitelib()->sqlite3_progress_handler)
#define sqlite3_step (sqlitelib()->sqlite3_step)
#endif

#endif
