/* prismac: keeps Prisma schemas and the databases they describe in step. */
#include "cli.h"
#include "prismac/version.h"

#include <string.h>

static const Command *const COMMANDS[] = {
    &CMD_VALIDATE,
    &CMD_AST,
    &CMD_SQL,
    &CMD_FORMAT,
    &CMD_MIGRATIONS,
    &CMD_CHECK,
    &CMD_DIFF,
    &CMD_COMPARE,
    &CMD_VARIANT,
    &CMD_HOOK,
};
#define NCOMMANDS (sizeof COMMANDS / sizeof *COMMANDS)

static void print_usage(FILE *out)
{
    fprintf(out,
            "prismac %s - keeps Prisma schemas and the databases they describe in step\n"
            "\n"
            "usage: prismac COMMAND [OPTIONS] [ARGS]\n"
            "\n"
            "commands:\n",
            PRISMAC_VERSION);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", COMMANDS[i]->name, COMMANDS[i]->summary);
    fprintf(out,
            "\n"
            "SCHEMA is a .prisma file or a folder of them; without one, prismac looks for\n"
            "./prisma/schema.prisma, ./schema.prisma and ./prisma/schema/ as Prisma does.\n"
            "\n"
            "exit status: 0 clean, 1 findings (invalid schema, drift, differences),\n"
            "             2 usage, I/O or connection error\n"
            "\n"
            "`prismac COMMAND --help` describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_TROUBLE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (argc > 2 && strcmp(name, "help") == 0) {
            for (size_t i = 0; i < NCOMMANDS; i++)
                if (strcmp(argv[2], COMMANDS[i]->name) == 0) {
                    fputs(COMMANDS[i]->help, stdout);
                    return EXIT_CLEAN;
                }
            fprintf(stderr, "prismac: unknown command `%s`\n", argv[2]);
            return EXIT_TROUBLE;
        }
        print_usage(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0 || strcmp(name, "version") == 0) {
        printf("prismac %s\n", PRISMAC_VERSION);
        return EXIT_CLEAN;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(name, COMMANDS[i]->name) == 0)
            return COMMANDS[i]->run(argc - 1, argv + 1);
    fprintf(stderr, "prismac: unknown command `%s`; `prismac --help` lists the commands\n", name);
    return EXIT_TROUBLE;
}
