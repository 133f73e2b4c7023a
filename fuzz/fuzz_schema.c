/* libFuzzer target: any bytes through every stage that reads a schema after the parser.
 * A schema that parses is resolved and validated for its own provider and for both providers
 * prismac handles; a valid one is lowered, diffed from empty and rendered for each dialect and
 * turned into a variant for the other provider; every input is laid out by the formatter, and a
 * resolved one is formatted with Prisma's completions. Nothing may crash, leak, hang or trip a
 * sanitizer. The first byte picks the provider checks so the corpus reaches both. */
#include "prismac/ast.h"
#include "prismac/db.h"
#include "prismac/format.h"
#include "prismac/lower.h"
#include "prismac/migrate.h"
#include "prismac/variant.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sql_for(const Db *db, SqlFlavour flavour)
{
    const Dialect *dialect = dialect_get(flavour, true);
    SqlSchema *next = lower_schema(db, dialect);
    SqlSchema *prev = sql_schema_new(flavour);
    Migration *migration = migrate_diff(prev, next, dialect);
    SqlBuf out = {0};
    migrate_render_script(migration, NULL, &out);
    sqlbuf_free(&out);
    migrate_free(migration);
    sql_schema_free(prev);
    sql_schema_free(next);
}

static void variant_for(const Db *db, Arena *arena, DbProvider target)
{
    VariantOptions opt = {.target = target, .drop_schemas = true, .drop_index_types = true,
                          .drop_constraint_names = true, .drop_extensions = true};
    Diags diags;
    diags_init(&diags, arena);
    VariantResult result = {0};
    variant_make(db, &opt, arena, &result, &diags);
}

/* Validation for `provider` in a Diags of its own; true when it found nothing wrong. */
static bool valid_for(Db *db, Arena *arena, DbProvider provider)
{
    Diags diags;
    diags_init(&diags, arena);
    db_validate(db, provider, &diags);
    return diags.errors == 0;
}

static void formatted(const SourceSet *set, const Db *db, Arena *arena)
{
    Str outputs[1];
    FormatOutcome outcome;
    format_schema(db, set, arena, outputs, &outcome);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!source_is_utf8((const char *)data, size, NULL))
        return 0;   /* the CLI refuses such files before any of this */
    Arena arena;
    arena_init(&arena);
    SourceSet set;
    source_set_init(&set, &arena);
    Diags diags;
    diags_init(&diags, &arena);
    source_add_text(&set, "fuzz.prisma", (const char *)data, size);
    Ast *ast = ast_parse(&set, &diags);
    formatted(&set, NULL, &arena);
    if (diags.errors == 0) {
        Db *db = db_resolve(ast, &diags);
        if (diags.errors == 0)
            formatted(&set, db, &arena);
        db_validate(db, PROVIDER_NONE, &diags);
        DbProvider own = db->provider;
        if (diags.errors == 0 && (own == PROVIDER_POSTGRESQL || own == PROVIDER_SQLITE)) {
            sql_for(db, lower_flavour_for(own));
            DbProvider other = own == PROVIDER_SQLITE ? PROVIDER_POSTGRESQL : PROVIDER_SQLITE;
            if (size && (data[0] & 1))
                variant_for(db, &arena, other);
            else if (valid_for(db, &arena, other))
                sql_for(db, lower_flavour_for(other));
        }
    }
    arena_free(&arena);
    return 0;
}
