/* Finding, reading and parsing the schema a command works on. */
#include "cli.h"

#include <sys/stat.h>

static bool path_exists(const char *path, bool want_dir)
{
    struct stat st;
    return stat(path, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

/* Prisma's default locations, in its order. */
const char *cli_default_schema_path(void)
{
    if (path_exists("prisma/schema.prisma", false))
        return "prisma/schema.prisma";
    if (path_exists("schema.prisma", false))
        return "schema.prisma";
    if (path_exists("prisma/schema", true))
        return "prisma/schema";
    fprintf(stderr, "prismac: no schema found: looked for ./prisma/schema.prisma, ./schema.prisma and "
                    "./prisma/schema/; pass the schema's path\n");
    return NULL;
}

#define SCHEMA_PREFAULT_FROM ((size_t)1024 * 1024)

static size_t regular_files_size(int npaths, char **paths)
{
    size_t bytes = 0;
    struct stat st;
    for (int i = 0; i < npaths; i++)
        if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode))
            bytes += (size_t)st.st_size;
    return bytes;
}

/* A large schema takes ten to fifteen times its size in memory, its syntax tree about seven:
 * backed ahead in idle time from now on (while the file is read and checked). */
static void prefault_for(size_t bytes)
{
    arena_prefault_start();
    arena_prefault_expect(bytes * 7);
}

int schema_load(Schema *schema, int npaths, char **paths)
{
    arena_init(&schema->arena);
    source_set_init(&schema->sources, &schema->arena);
    diags_init(&schema->diags, &schema->arena);
    schema->ast = NULL;
    schema->tree_bytes = 0;

    char *fallback[1];
    if (npaths == 0) {
        const char *found = cli_default_schema_path();
        if (!found)
            return EXIT_TROUBLE;
        fallback[0] = (char *)found;
        paths = fallback;
        npaths = 1;
    }
    /* files named: backed ahead from now on; a folder's: once its files are read */
    size_t files = regular_files_size(npaths, paths);
    if (files >= SCHEMA_PREFAULT_FROM)
        prefault_for(files);
    for (int i = 0; i < npaths; i++) {
        char *err = NULL;
        if (source_add_path(&schema->sources, paths[i], &err) != SOURCE_OK) {
            fprintf(stderr, "prismac: %s\n", err);
            return EXIT_TROUBLE;
        }
    }
    size_t bytes = 0;
    for (uint32_t i = 0; i < schema->sources.count; i++)
        bytes += schema->sources.files[i].len;
    if (bytes >= SCHEMA_PREFAULT_FROM && files < SCHEMA_PREFAULT_FROM)
        prefault_for(bytes);
    size_t before = arena_pool_taken();
    schema->ast = ast_parse(&schema->sources, &schema->diags);
    schema->tree_bytes = arena_pool_taken() - before;
    /* resolution and validation take about 0.6 of the tree's memory (a command that does more
     * says so) */
    arena_prefault_expect(schema->tree_bytes / 8 * 5);
    return EXIT_CLEAN;
}

void schema_free(Schema *schema)
{
    arena_free(&schema->arena);
}

const char *schema_describe(Schema *schema)
{
    SourceSet *set = &schema->sources;
    if (set->count == 0)
        return "(no schema)";
    if (set->count == 1)
        return set->files[0].path;
    return arena_sprintf(&schema->arena, "%s and %u more file%s", set->files[0].path, set->count - 1,
                         set->count == 2 ? "" : "s");
}

Db *schema_resolve(Schema *schema)
{
    Db *db = db_resolve(schema->ast, &schema->diags);
    if (!schema->diags.errors)
        db_validate(db, PROVIDER_NONE, &schema->diags);
    return db;
}

int cli_begin_schema(const Command *cmd, int argc, char **argv, const CommandArgs *args, CliOptions *opt,
                     Schema *schema)
{
    ArgvList paths;
    int rc = cli_begin(cmd, argc, argv, args, opt, &paths);
    if (rc != CLI_PROCEED)
        return rc;
    rc = schema_load(schema, paths.count, paths.items);
    argv_list_free(&paths);
    if (rc != EXIT_CLEAN) {
        schema_free(schema);
        return rc;
    }
    return CLI_PROCEED;
}
