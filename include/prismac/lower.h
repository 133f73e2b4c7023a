/* Lowering: the resolved schema (Db) -> the SQL schema Prisma's migration engine computes for
 * it (sql_schema_calculator.rs), for one flavour.
 *
 * Prisma's conventions: table and column names after @@map/@map; constraint names T_pkey,
 * T_a_b_key, T_a_b_idx, T_a_fkey (explicit map:/name: win), cut to 63 bytes on PostgreSQL at a
 * character boundary as psl's constraint_names.rs cuts them; implicit m:n join tables _AToB with
 * columns A and B, their (A, B) key and B index; default referential actions; autoincrement,
 * now(), dbgenerated(), constants of every type in the spellings documented in sqlschema.h;
 * enums (types on PostgreSQL, TEXT on SQLite); native types; @@schema namespaces; views and
 * relations to views leave no trace; @ignore / @@ignore fields and models do exist in the
 * database.
 *
 * The Db must be valid for the flavour (db_validate with that provider reported no error): the
 * result of lowering an invalid schema is unspecified, though it never crashes. */
#ifndef PRISMAC_LOWER_H
#define PRISMAC_LOWER_H

#include "prismac/db.h"
#include "prismac/dialect.h"
#include "prismac/sqlschema.h"

/* A new SqlSchema for the dialect's flavour (free with sql_schema_free); constants are spelled
 * by the dialect (the Prisma-exact one leaves SQLite JSON defaults bare). Every object's origin is the schema text that
 * produced it: a table its model block, a column its field, an index its attribute, a foreign
 * key its relation field, a join table the relation field of side A. */
SqlSchema *lower_schema(const Db *db, const Dialect *dialect);

/* The same schema, whose names (of tables, columns, mapped constraints, dbgenerated texts) are
 * the Db's own bytes instead of copies: it must be freed before the Db and its sources. For a
 * pipeline that lowers, diffs and renders while the schema is loaded (`prismac sql`): less memory
 * to fill. */
SqlSchema *lower_schema_borrowing(const Db *db, const Dialect *dialect);

/* The flavour a provider lowers to (PostgreSQL for PROVIDER_POSTGRESQL, else SQLite). */
SqlFlavour lower_flavour_for(DbProvider provider);

#endif
