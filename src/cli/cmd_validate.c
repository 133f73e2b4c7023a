/* prismac validate [SCHEMA...]: parse and validate, with compiler-style diagnostics. */
#include "cli.h"

#include "prismac/db.h"


static int validate_run(int argc, char **argv);

const Command CMD_VALIDATE = {
    .name = "validate",
    .summary = "check that a schema is valid, as `prisma validate` does",
    .help = "usage: prismac validate [OPTIONS] [SCHEMA...]\n"
            "\n"
            "Parses the schema (a file, several files, or a folder of .prisma files),\n"
            "resolves its names, types, attributes and relations, and applies the rules\n"
            "Prisma 6/7 apply for the datasource's provider (postgresql or sqlite). Every\n"
            "problem is reported as path:line:col: error: message, with the line and the\n"
            "offending text underlined; warnings do not change the exit status.\n"
            "\n"
            "options:\n"
            "  --format human|json|github   output format (default: human, on stderr)\n"
            "  --color auto|always|never    colour in human output (NO_COLOR is honoured)\n"
            "  -q, --quiet                  print nothing when the schema is valid\n"
            "\n"
            "exit status: 0 valid, 1 schema errors, 2 usage or I/O error\n",
    .run = validate_run,
};

static int validate_run(int argc, char **argv)
{
    CliOptions opt;
    Schema schema;
    int rc = cli_begin_schema(&CMD_VALIDATE, argc, argv, NULL, &opt, &schema);
    if (rc != CLI_PROCEED)
        return rc;
    /* as Prisma: resolution runs on whatever parsed; the rules of the provider only when
     * nothing earlier failed */
    schema_resolve(&schema);
    report_diags(&opt, &schema, "validate");
    Diags *d = &schema.diags;
    if (opt.format == FORMAT_HUMAN) {
        if (d->errors)
            fprintf(stderr, "%s: %u error%s%s\n", schema_describe(&schema), d->errors, d->errors == 1 ? "" : "s",
                    d->warnings ? (d->warnings == 1 ? " and 1 warning" : " and warnings") : "");
        else if (!opt.quiet)
            printf("%s is valid%s\n", schema_describe(&schema),
                   d->warnings ? (d->warnings == 1 ? " (1 warning)" : " (with warnings)") : "");
    }
    rc = d->errors ? EXIT_FINDINGS : EXIT_CLEAN;
    if (cli_free_before_exit())
        schema_free(&schema);
    return rc;
}
