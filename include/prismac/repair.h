/* The repair script: SQL that brings a database to its schema without losing data (check.h).
 *
 * Built on the differ: the steps from the database to a *safe target* — the schema, except that
 * whatever a step would lose stays as the database has it (an extra table or column, a type
 * whose change could lose values, an enum value or type that would be dropped) — rendered
 * through the dialect as Prisma renders them, in one transaction, with the repairs Prisma's own
 * scripts get wrong done the careful way:
 *   - a NOT NULL column is added with its default, or, without one, with a placeholder value
 *     that existing rows receive (the default is dropped again at once; a comment says so);
 *     a column made NOT NULL first gets its default (or the placeholder) where it holds NULL;
 *   - PostgreSQL: type changes cast in place (USING), never through SERIAL; enum values are
 *     added at their place (ADD VALUE ... BEFORE/AFTER) or the type is re-created with every
 *     value kept; a sequence that an autoincrement column gets starts after the largest id;
 *     foreign keys that depend on a unique index being replaced are dropped and re-added
 *     around it;
 *   - SQLite: a column that ALTER TABLE can add is added in place; a table rebuild keeps the
 *     table's CHECK constraints, re-creates its triggers, expression and partial indexes and
 *     every view (they are dropped first, as SQLite requires), with foreign keys off.
 * What is left out is listed at the end as comments (the statements that would do it), with the
 * reason: steps that can lose data (unless allow_data_loss), renames (unless apply_renames: a
 * table, column or enum that looks renamed is created and the old one kept, and the rename is
 * shown), and steps the rows in the database would make fail (NULLs where a foreign key
 * column becomes required, duplicates under a new unique index, values an enum lacks) — found
 * by read-only queries when a live database is at hand. */
#ifndef PRISMAC_REPAIR_H
#define PRISMAC_REPAIR_H

#include "prismac/check.h"
#include "prismac/dburl.h"
#include "prismac/introspect.h"

typedef struct RepairOptions {
    bool allow_data_loss;       /* include the steps that can lose data */
    bool apply_renames;         /* rename what looks renamed instead of creating + keeping */
    /* The live database the check read, to look at its rows (read-only, like introspection);
     * NULL: no rows are looked at (steps that rows could block are written as if they fit). */
    const DbUrl *url;
    const IntrospectOptions *url_options;
    const char *header;         /* comment text for the top (what was compared), or NULL */
} RepairOptions;

typedef struct RepairSummary {
    uint32_t statements;        /* statements written (outside comments) */
    uint32_t left_out;          /* findings the script leaves as they are */
    uint32_t lossy;             /* ... because repairing them can lose data */
    uint32_t blocked;           /* ... because rows in the database block them */
    uint32_t renames;           /* ... because they look like renames */
    uint32_t placeholders;      /* values the script invents for existing rows (review them) */
} RepairSummary;

/* Writes the script into `out`. Returns false (err set, nothing usable in out) only when the
 * database cannot be read for the row checks. */
bool repair_write_script(const CheckResult *check, const RepairOptions *opts, SqlBuf *out, RepairSummary *summary,
                         DbError *err);

#endif
