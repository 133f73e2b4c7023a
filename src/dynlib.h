/* Shared libraries loaded on first use (libpq, libsqlite3, libcrypto: see pqlib.h).
 *
 * A library's users call its functions through a table of pointers, one per function, that
 * dynlib_load() fills with dlsym. Each library's file lists its symbols once (an X macro) and
 * loads them under pthread_once. */
#ifndef PRISMAC_DYNLIB_H
#define PRISMAC_DYNLIB_H

#include <stddef.h>

typedef struct DynlibSymbol {
    const char *name;
    void **slot;            /* the table's pointer for it */
} DynlibSymbol;

typedef struct Dynlib {
    const char *soname;     /* "libpq.so.5" */
    const char *what;       /* for the message: "the PostgreSQL client library" */
    const DynlibSymbol *symbols;
    size_t nsymbols;
} Dynlib;

/* A table entry for function `name` of `table` (POSIX's way to store dlsym's object pointer
 * into a function pointer). */
#define DYNLIB_SYMBOL(table, name) {#name, (void **)&(table).name},

/* Opens the library and fills every symbol's slot. When the library or one of its functions
 * cannot be loaded, prints why and exits with status 2. Not thread-safe: call it once, under
 * pthread_once. */
void dynlib_load(const Dynlib *lib);

#endif
