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
    CliOptions opt;
    Schema schema;
    int rc = cli_begin_schema(&CMD_AST, argc, argv, NULL, &opt, &schema);
    if (rc != CLI_PROCEED)
        return rc;
    ast_dump_json(schema.ast, stdout);
    diags_print(stderr, &schema.sources, &schema.diags, (DiagStyle){.color = opt.color_err, .show_source = true});
    rc = schema.diags.errors ? EXIT_FINDINGS : EXIT_CLEAN;
    schema_free(&schema);
    return rc;
}
