/* Loading libsqlite3 on first use (see sqlitelib.h). */
#define SQLITELIB_NO_REDIRECT
#include "sqlitelib.h"

#include "dynlib.h"

#include <pthread.h>

/* The process's one copy of the table: filled once, read-only afterwards. */
static SqliteLib sqlitelib_table;
static pthread_once_t sqlitelib_once = PTHREAD_ONCE_INIT;

#define SQLITELIB_SYMBOL(name) DYNLIB_SYMBOL(sqlitelib_table, name)

static void sqlitelib_load(void)
{
    static const DynlibSymbol symbols[] = {SQLITELIB_FUNCTIONS(SQLITELIB_SYMBOL)};
    static const Dynlib lib = {"libsqlite3.so.0", "the SQLite library", symbols,
                               sizeof symbols / sizeof *symbols};
    dynlib_load(&lib);
}

const SqliteLib *sqlitelib(void)
{
    pthread_once(&sqlitelib_once, sqlitelib_load);
    return &sqlitelib_table;
}
