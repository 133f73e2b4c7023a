/* Semantic comparison of two schemas (`prismac compare A B`).
 *
 * Compares what the schemas mean, not how they are written: models, fields, types,
 * optionality, lists, ids, uniques, indexes, defaults, database names, relations and their
 * referential actions, enums and their values. It ignores the provider, formatting, comments
 * and the order of blocks, fields and attributes (`@unique` on a field and `@@unique([f])` are
 * the same thing). Native types that only one side's provider can express are informational. */
#ifndef PRISMAC_COMPARE_H
#define PRISMAC_COMPARE_H

#include "prismac/db.h"

typedef enum CompareSeverity {
    CMP_DIFFERENCE,     /* the two schemas describe different databases or clients */
    CMP_INFO,           /* a provider-specific detail that cannot carry over */
} CompareSeverity;

typedef enum CompareSide { SIDE_BOTH, SIDE_A_ONLY, SIDE_B_ONLY } CompareSide;

typedef struct CompareFinding {
    CompareSeverity severity;
    CompareSide side;       /* for presence findings: where the object exists */
    const char *kind;       /* stable identifier: "model", "field", "type", "arity", "default", ... */
    Str model;              /* the model or enum it belongs to ("" for none) */
    Str member;             /* the field, enum value or index it is about ("" for the block) */
    const char *message;    /* one line, human readable */
    const char *a_value;    /* the value in A (NULL when absent) */
    const char *b_value;
    Span a_span, b_span;    /* locations; file == UINT32_MAX when absent */
} CompareFinding;

typedef struct CompareResult {
    CompareFinding *items;
    uint32_t count, cap;
    uint32_t differences, infos;
} CompareResult;

/* Compares two resolved (and valid) schemas; findings are allocated in `arena`, grouped by
 * model in the order of A's blocks, then B's. Messages name the sides by the labels (file
 * names, usually). Spans refer to each Db's own source set. */
void compare_schemas(const Db *a, const Db *b, const char *label_a, const char *label_b, Arena *arena,
                     CompareResult *out);

#endif
