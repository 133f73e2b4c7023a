/* libpq, loaded the first time a command talks to PostgreSQL.
 *
 * Linked in, libpq and what it depends on (Kerberos, LDAP, GnuTLS, ...: twenty libraries) are
 * loaded and relocated when any prismac process starts: about 5 ms of CPU, a tenth of what
 * `prismac validate` or `prismac sql` may take on a large schema, for commands that never
 * connect. The sources that use libpq include this header instead of <libpq-fe.h>: every PQ
 * function they call then goes through a table that pqlib() fills from libpq.so.5 on first use
 * (the types and constants are libpq's own, from its header). */
#ifndef PRISMAC_PQLIB_H
#define PRISMAC_PQLIB_H

#include <libpq-fe.h>

/* The functions prismac calls (add one here to use it). */
#define PQLIB_FUNCTIONS(X)                                                                          \
    X(PQclear) X(PQconndefaults) X(PQconnectdbParams) X(PQconninfo) X(PQconninfoFree)               \
    X(PQerrorMessage) X(PQescapeIdentifier) X(PQescapeLiteral) X(PQexec) X(PQexecParams)            \
    X(PQfinish) X(PQfreemem) X(PQgetResult) X(PQgetisnull) X(PQgetvalue) X(PQntuples)               \
    X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQuery)                  \
    X(PQsetNoticeProcessor) X(PQstatus) X(PQtransactionStatus)

/* One pointer per function, of the function's own type (declared by <libpq-fe.h>). */
typedef struct PqLib {
#define PQLIB_POINTER(name) __typeof__(name) *name;
    PQLIB_FUNCTIONS(PQLIB_POINTER)
#undef PQLIB_POINTER
} PqLib;

/* The table, loaded once per process (thread-safe). When libpq cannot be loaded, prints why
 * and exits with status 2 (a connection error). */
const PqLib *pqlib(void);

#ifndef PQLIB_NO_REDIRECT
#define PQclear (pqlib()->PQclear)
#define PQconndefaults (pqlib()->PQconndefaults)
#define PQconnectdbParams (pqlib()->PQconnectdbParams)
#define PQconninfo (pqlib()->PQconninfo)
#define PQconninfoFree (pqlib()->PQconninfoFree)
#define PQerrorMessage (pqlib()->PQerrorMessage)
#define PQescapeIdentifier (pqlib()->PQescapeIdentifier)
#define PQescapeLiteral (pqlib()->PQescapeLiteral)
#define PQexec (pqlib()->PQexec)
#define PQexecParams (pqlib()->PQexecParams)
#define PQfinish (pqlib()->PQfinish)
#define PQfreemem (pqlib()->PQfreemem)
#define PQgetResult (pqlib()->PQgetResult)
#define PQgetisnull (pqlib()->PQgetisnull)
#define PQgetvalue (pqlib()->PQgetvalue)
#define PQntuples (pqlib()->PQntuples)
#define PQresultErrorField (pqlib()->PQresultErrorField)
#define PQresultErrorMessage (pqlib()->PQresultErrorMessage)
#define PQresultStatus (pqlib()->PQresultStatus)
#define PQsendQuery (pqlib()->PQsendQuery)
#define PQsetNoticeProcessor (pqlib()->PQsetNoticeProcessor)
#define PQstatus (pqlib()->PQstatus)
#define PQtransactionStatus (pqlib()->PQtransactionStatus)
#endif

#endif
