/* Provider variants (`prismac variant`): a copy of a schema for the other provider that changes
 * only what must change. Edits go through the spans of the syntax tree, so everything else —
 * comments, blank lines, order, alignment — stays byte for byte the source. */
#ifndef PRISMAC_VARIANT_H
#define PRISMAC_VARIANT_H

#include "prismac/db.h"

typedef struct VariantOptions {
    DbProvider target;
    /* Constructs the target cannot have are errors unless one of these says how to map them. */
    bool drop_schemas;          /* drop @@schema and the datasource's `schemas` */
    bool drop_index_types;      /* drop `type:` (Hash, Gin, ...) and `ops:` from indexes */
    bool drop_constraint_names; /* drop `map:` from @id, @@id and @relation (SQLite cannot name them) */
    bool drop_extensions;       /* drop the datasource's `extensions` */
    /* Validate the variant by parsing its text again even when its syntax tree can be made
     * from the source's (the tests compare both ways). */
    bool reparse;
} VariantOptions;

/* One replacement in one file of the source set; `text` replaces [start, end). */
typedef struct VariantEdit {
    uint32_t file;
    uint32_t start, end;
    const char *text;
} VariantEdit;

typedef struct VariantResult {
    VariantEdit *edits;         /* sorted by file, then position */
    uint32_t nedits, capedits;
    char **texts;               /* the variant of each source file (sources->count of them) */
    uint32_t *lens;
    uint32_t nremoved_native;   /* @db.* attributes dropped */
} VariantResult;

/* Computes the variant of a resolved, valid schema. Constructs that do not carry over (and
 * that no option maps) are reported in `diags` at their place in the source, one each; the
 * variant is then not usable. Finally the variant itself is validated for the target, and any
 * remaining problem is reported at the source position it comes from. Returns true when the
 * variant is valid for the target. */
bool variant_make(const Db *db, const VariantOptions *opt, Arena *arena, VariantResult *out, Diags *diags);

#endif
