/* prismac ast SCHEMA: the syntax tree as JSON, for debugging and tooling. */
#include "cli.h"


static int ast_run(int argc, char **argv);

const Command CMD_AST = {
    .name = "ast",
    .summary = "print the syntax tree as JSON",
    .help = "usage: prismac ast [SCHEMA...]\n"
            "\n"
            "Prints the syntax tree of the schema as JSON on stdout: every block, field,\n"
            "attribute, argument and comment with its byte span and line:column\n"
            "(shape: README.md, \"The syntax tree as JSON\"). Syntax errors are printed\n"
            "on stderr; the tree then holds what could be parsed.\n"
            "\n"
            "exit status: 0 parsed, 1 syntax errors, 2 usage or I/O error\n",
    .run = ast_run,
};

static int ast_run(int argc, char **argv)
{
    if (cli_wants_help(&CMD_AST, argc, argv))
        return EXIT_CLEAN;
    CliOptions opt;
    ArgvList paths;
    int rc = cli_parse_args(&CMD_AST, argc, argv, &opt, NULL, NULL, &paths);
    if (rc != EXIT_CLEAN) {
        argv_list_free(&paths);
        return rc;
    }
    Schema schema;
    rc = schema_load(&schema, paths.count, paths.items);
    argv_list_free(&paths);
    if (rc == EXIT_CLEAN) {
        ast_dump_json(schema.ast, stdout);
        diags_print(stderr, &schema.sources, &schema.diags, (DiagStyle){.color = opt.color_err, .show_source = true});
        rc = schema.diags.errors ? EXIT_FINDINGS : EXIT_CLEAN;
    }
    schema_free(&schema);
    return rc;
}
