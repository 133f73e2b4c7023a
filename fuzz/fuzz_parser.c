/* libFuzzer target: any bytes through source checks, the lexer, the parser, diagnostics
 * printing and the JSON dump. Nothing may crash, leak, hang or trip a sanitizer. */
#include "prismac/ast.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The CLI rejects non-UTF-8 files before parsing; the parser still must not crash on them. */
    Arena arena;
    arena_init(&arena);
    SourceSet set;
    source_set_init(&set, &arena);
    Diags diags;
    diags_init(&diags, &arena);
    source_add_text(&set, "fuzz.prisma", (const char *)data, size);
    Ast *ast = ast_parse(&set, &diags);

    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        diags_print(sink, &set, &diags, (DiagStyle){.color = true, .show_source = true});
        if (source_is_utf8((const char *)data, size, NULL))
            ast_dump_json(ast, sink);
        fclose(sink);
    }
    arena_free(&arena);
    return 0;
}
