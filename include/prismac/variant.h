/* Provider variants (`prismac variant`): a copy of a schema for the other provider that changes
 * only what must change. Edits go through the spans of the syntax tree, so everything else —
 * comments, blank lines, order, alignment — stays byte for byte the source. */
#ifndef PRISMAC_VARIANT_H
#define PRISMAC_VARIANT_H

#include "prismac/db.h"

typedef struct VariantResult VariantResult;

/* How the variant is checked: each gives the same result (tests/test_variant.c compares them). */
typedef enum VariantRoute {
    VARIANT_ROUTE_DERIVED,      /* the variant's Db derived from the source's (db_resolve_derived) */
    VARIANT_ROUTE_TREE,         /* its syntax tree made from the source's, then resolved */
    VARIANT_ROUTE_TEXT,         /* its text parsed again and resolved */
} VariantRoute;

typedef struct VariantOptions {
    DbProvider target;
    /* Constructs the target cannot have are errors unless one of these says how to map them. */
    bool drop_schemas;          /* drop @@schema and the datasource's `schemas` */
    bool drop_index_types;      /* drop `type:` (Hash, Gin, ...) and `ops:` from indexes */
    bool drop_constraint_names; /* drop `map:` from @id, @@id and @relation (SQLite cannot name them) */
    bool drop_extensions;       /* drop the datasource's `extensions` */
    /* How the variant is checked: the cheapest route that can take its edits, at the latest
     * this one (edits beyond the provider and native types always go by the text). */
    VariantRoute route;
    /* Called with the variant's resolved Db before it is validated (tests compare the routes);
     * NULL: not called. */
    void (*on_db)(const Db *db, void *ctx);
    void *on_db_ctx;
    /* Called once the variant's text is made (`texts`, `lens` of the result are set), before it
     * is checked: a command may start writing it meanwhile. NULL: not called. */
    void (*on_text)(const VariantResult *r, void *ctx);
    void *on_text_ctx;
} VariantOptions;

/* One replacement in one file of the source set; `text` replaces [start, end). */
typedef struct VariantEdit {
    uint32_t file;
    uint32_t start, end;
    const char *text;
} VariantEdit;

struct VariantResult {
    VariantEdit *edits;         /* sorted by file, then position */
    uint32_t nedits, capedits;
    char **texts;               /* the variant of each source file (sources->count of them) */
    uint32_t *lens;
    uint32_t nremoved_native;   /* @db.* attributes dropped */
};

/* Computes the variant of a resolved, valid schema. Constructs that do not carry over (and
 * that no option maps) are reported in `diags` at their place in the source, one each; the
 * variant is then not usable. Finally the variant itself is validated for the target, and any
 * remaining problem is reported at the source position it comes from. Returns true when the
 * variant is valid for the target. */
bool variant_make(const Db *db, const VariantOptions *opt, Arena *arena, VariantResult *out, Diags *diags);

#endif
