/* Loading libpq on first use (see pqlib.h). */
#define PQLIB_NO_REDIRECT
#include "pqlib.h"

#include "dynlib.h"

#include <pthread.h>

/* The process's one copy of the table: filled once, read-only afterwards, like the library it
 * points into. */
static PqLib pqlib_table;
static pthread_once_t pqlib_once = PTHREAD_ONCE_INIT;

#define PQLIB_SYMBOL(name) DYNLIB_SYMBOL(pqlib_table, name)

static void pqlib_load(void)
{
    static const DynlibSymbol symbols[] = {PQLIB_FUNCTIONS(PQLIB_SYMBOL)};
    static const Dynlib lib = {"libpq.so.5", "the PostgreSQL client library", symbols,
                               sizeof symbols / sizeof *symbols};
    dynlib_load(&lib);
}

const PqLib *pqlib(void)
{
    pthread_once(&pqlib_once, pqlib_load);
    return &pqlib_table;
}
