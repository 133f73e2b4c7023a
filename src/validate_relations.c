/* Validation of relations: each relation field inside the model loop (ambiguity, ignored
 * models, referential actions, foreign-key names), then each relation in Prisma's order
 * (unique references, matching types, 1:1 and 1:n rules, implicit m:n rules, cycles under
 * relationMode = "prisma"). A missing back-relation field is reported with the line
 * `prisma format` would add. */
#include "resolve_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) str_c(v->arena, (x))

static RelField *relfield(const Validator *v, uint32_t field)
{
    uint32_t i = v->db->names->field_relfield[field];
    return i == DB_NONE ? NULL : &v->db->names->relfields[i];
}

/* ---- relation names (ambiguity) ----------------------------------------------------------- */

/* Relation fields grouped by target and relation name within their model, indexed like
 * DbNameTable.relfields (a schema's relation fields are few beside its fields). Each model's
 * groups are made as its checks start: on the threads that check the models. */
typedef struct RelNames {
    uint32_t *head;         /* the group's first relation field */
    uint32_t *next;         /* the next relation field of the group, or DB_NONE */
    uint32_t *count;        /* (heads only) relation fields in the group */
    uint32_t *tail;         /* (heads only) the group's last relation field, while grouping */
} RelNames;

/* The relation name of a field: as written, or Prisma's generated "AToB". */
static Str field_relation_name(const Validator *v, const RelField *rf)
{
    if (rf->has_name)
        return rf->name;
    Str a = v->db->models[rf->model].name, b = v->db->models[rf->target].name;
    if (str_cmp(a, b) > 0) {
        Str t = a;
        a = b;
        b = t;
    }
    char *s = arena_sprintf(v->arena, "%.*sTo%.*s", (int)a.len, a.ptr, (int)b.len, b.ptr);
    return (Str){s, (uint32_t)strlen(s)};
}

/* Do two relation fields of one model, pointing to the same model, carry the same relation
 * name? (Unnamed fields carry the generated "AToB", which a written name can equal.) */
static bool same_relation_name(const Validator *v, const RelField *a, const RelField *b)
{
    if (a->has_name && b->has_name)
        return str_eq(a->name, b->name);
    if (!a->has_name && !b->has_name)
        return true;
    const RelField *named = a->has_name ? a : b;
    Str gen = field_relation_name(v, a->has_name ? b : a);
    return str_eq(named->name, gen);
}

static void group_add(RelNames *rn, uint32_t head, uint32_t k)
{
    rn->head[k] = head;
    rn->next[k] = DB_NONE;
    if (head == k) {
        rn->count[k] = 1;
        rn->tail[k] = k;
    } else {
        rn->next[rn->tail[head]] = k;
        rn->tail[head] = k;
        rn->count[head]++;
    }
}

void *validate_relation_names_new(Validator *v)
{
    RelNames *rn = arena_alloc(v->arena, sizeof *rn);
    size_t n = v->db->names->nrelfields ? v->db->names->nrelfields : 1;
    rn->head = arena_alloc_raw(v->arena, n * sizeof *rn->head);
    rn->next = arena_alloc_raw(v->arena, n * sizeof *rn->next);
    rn->count = arena_alloc_raw(v->arena, n * sizeof *rn->count);
    rn->tail = arena_alloc_raw(v->arena, n * sizeof *rn->tail);
    return rn;
}

void validate_relation_names_model(Validator *v, void *names, uint32_t first_field)
{
    const struct DbNameTable *nt = v->db->names;
    RelNames *rn = names;
    /* the model's relation fields are consecutive in nt->relfields, from its first one on */
    uint32_t start = nt->field_relfield[first_field], end;
    uint32_t model = nt->relfields[start].model;
    for (end = start; end < nt->nrelfields && nt->relfields[end].model == model; end++)
        ;
    uint32_t k = end - start;
    if (k <= 64) {
        for (uint32_t i = start; i < end; i++) {
            const RelField *rf = &nt->relfields[i];
            uint32_t head = i;
            for (uint32_t j = start; j < i; j++) {
                const RelField *o = &nt->relfields[j];
                if (o->target == rf->target && same_relation_name(v, o, rf)) {
                    head = rn->head[j];
                    break;
                }
            }
            group_add(rn, head, i);
        }
        return;
    }
    NameMap heads;
    namemap_init(&heads, v->arena, k);
    for (uint32_t i = start; i < end; i++) {
        const RelField *rf = &nt->relfields[i];
        Str name = field_relation_name(v, rf);
        uint32_t head = namemap_add(&heads, rf->target, name, i);
        group_add(rn, head == DB_NONE ? i : head, i);
    }
}

static char *field_list(const Validator *v, const RelNames *rn, uint32_t head)
{
    const RelField *relfields = v->db->names->relfields;
    uint32_t n = rn->count[head], i = 0;
    char *out = arena_strdup(v->arena, "");
    for (uint32_t k = head; k != DB_NONE; k = rn->next[k], i++)
        out = arena_sprintf(v->arena, "%s%s`%s`", out, i == 0 ? "" : i == n - 1 ? " and " : ", ",
                            S(v->db->fields[relfields[k].field].name));
    return out;
}

static bool ambiguity(Validator *v, uint32_t field, const RelNames *rn)
{
    uint32_t k = v->db->names->field_relfield[field];
    const RelField *rf = &v->db->names->relfields[k];
    uint32_t head = rn->head[k];
    uint32_t n = rn->count[head];
    if (n < 2)
        return true;
    const Db *db = v->db;
    bool self = rf->model == rf->target;
    Str model = db->models[rf->model].name, target = db->models[rf->target].name;
    Span span = db->fields[field].ast->span;
    char *list = field_list(v, rn, head);
    Diag *d;
    if (!rf->has_name && self && n == 2) {
        d = diag_error(v->diags, span, "ambiguous self-relation: the fields %s of model `%s` both refer to `%s`", list,
                       S(model), S(target));
        diag_note(v->diags, d, span, "if they are the two sides of one relation, give both the same name: `@relation(\"...\")`");
    } else if (!rf->has_name && self) {
        d = diag_error(v->diags, span, "the self-relation fields %s of model `%s` have no relation name", list, S(model));
        diag_note(v->diags, d, span, "name the relations with `@relation(\"...\")`: two fields at most share a name");
    } else if (rf->has_name && self && n > 2) {
        d = diag_error(v->diags, span, "the fields %s of model `%s` share the relation name \"%s\": a relation has two sides",
                       list, S(model), S(rf->name));
        diag_note(v->diags, d, span, "give one of them another name with `@relation(\"...\")`");
    } else if (rf->has_name && self) {
        return true;
    } else if (!rf->has_name) {
        d = diag_error(v->diags, span, "ambiguous relation: the fields %s of model `%s` both refer to `%s`", list, S(model),
                       S(target));
        diag_note(v->diags, d, span, "tell the relations apart by naming them: `@relation(\"...\")`");
    } else {
        d = diag_error(v->diags, span, "the fields %s of model `%s` both use the relation name \"%s\"", list, S(model),
                       S(rf->name));
        diag_note(v->diags, d, span, "give them different names with `@relation(\"...\")`");
    }
    return false;
}

/* ---- per relation field ---------------------------------------------------------------------- */

static bool action_triggers(DbRefAction a)
{
    return a != DBACT_NO_ACTION && a != DBACT_RESTRICT;
}

static const char *action_name(DbRefAction a)
{
    switch (a) {
    case DBACT_CASCADE: return "Cascade";
    case DBACT_RESTRICT: return "Restrict";
    case DBACT_NO_ACTION: return "NoAction";
    case DBACT_SET_NULL: return "SetNull";
    case DBACT_SET_DEFAULT: return "SetDefault";
    default: return "?";
    }
}

static void emulated_action(Validator *v, DbRefAction a, Span span)
{
    if (a == DBACT_UNSET || a == DBACT_CASCADE || a == DBACT_RESTRICT || a == DBACT_SET_NULL)
        return;
    Diag *d = diag_error(v->diags, span, "`%s` is not available with `relationMode = \"prisma\"`: the actions are "
                         "Cascade, Restrict and SetNull", action_name(a));
    if (a == DBACT_NO_ACTION)
        diag_hint(v->diags, d, "Prisma does not emulate NoAction on %s; `Restrict` is the closest",
                  validate_connector_name(v));
}

/* Do the foreign-key fields start some index or the primary key? */
static bool fk_fields_indexed(const Db *db, const RelField *rf)
{
    const DbModel *m = &db->models[rf->model];
    for (uint32_t k = 0; k <= m->nindexes; k++) {
        const DbIndex *idx;
        if (k < m->nindexes)
            idx = &db->indexes[m->first_index + k];
        else if (m->pk != DB_NONE)
            idx = &db->indexes[m->pk];
        else
            break;
        if (idx->nfields < rf->nfields)
            continue;
        bool prefix = true;
        for (uint32_t i = 0; i < rf->nfields && prefix; i++)
            prefix = db->index_fields[idx->first_field + i].field == rf->fields[i];
        if (prefix)
            return true;
    }
    return false;
}

bool validate_relation_field(Validator *v, uint32_t field, void *names)
{
    const Db *db = v->db;
    const RelField *rf = relfield(v, field);
    const DbField *f = &db->fields[field];
    const DbModel *m = &db->models[rf->model], *tm = &db->models[rf->target];
    if (!ambiguity(v, field, names))
        return false;
    /* a custom @@id / @@unique name equal to this field's name (validate_model said whether the
     * model has any) */
    for (uint32_t i = 0; v->named_keys && i < m->nindexes; i++) {
        const DbIndex *idx = &db->indexes[m->first_index + i];
        if (idx->kind == DBIDX_UNIQUE && idx->name.len && str_eq(idx->name, f->name)) {
            diag_error(v->diags, m->ast->span, "the `name` `%s` given to `@@unique` in model `%s` is also a field's name",
                       S(f->name), S(m->name));
            break;
        }
    }
    if (v->named_keys && m->pk != DB_NONE && db->indexes[m->pk].name.len && str_eq(db->indexes[m->pk].name, f->name))
        diag_error(v->diags, m->ast->span, "the `name` `%s` given to `@@id` in model `%s` is also a field's name", S(f->name),
                   S(m->name));
    if (tm->ignored && !rf->ignored && !m->ignored) {
        Diag *d = diag_error(v->diags, f->ast->span, "the relation field `%s` of model `%s` points to the ignored model `%s`: "
                             "it needs `@ignore` too", S(f->name), S(m->name), S(tm->name));
        diag_hint(v->diags, d, "add `@ignore` to the field");
    }
    if (v->relation_mode_prisma) {
        emulated_action(v, rf->on_delete, rf->on_delete_span);
        emulated_action(v, rf->on_update, rf->on_update_span);
    }
    if (rf->has_map) {
        if (!validate_connector_has(v, "named_fk")) {
            Diag *d = diag_error(v->diags, rf->attr->span, "%s cannot name a foreign key (`map:` in `@relation`)",
                                 validate_connector_name(v));
            diag_hint(v->diags, d, "remove the `map` argument");
        } else {
            validate_db_name_length(v, rf->model, rf->attr, rf->map);
        }
    }
    if (v->relation_mode_prisma && rf->has_fields && !fk_fields_indexed(db, rf)) {
        Diag *d = diag_warning(v->diags, rf->attr ? rf->attr->span : f->ast->span,
                               "with `relationMode = \"prisma\"` there is no foreign key, so no index comes with it: "
                               "queries on this relation will scan the table");
        char *fields = NULL;
        for (uint32_t i = 0; i < rf->nfields; i++)
            fields = fields ? arena_sprintf(v->arena, "%s, %s", fields, S(db->fields[rf->fields[i]].name))
                            : S(db->fields[rf->fields[i]].name);
        diag_note(v->diags, d, f->ast->span, "add `@@index([%s])` to model `%s`", fields ? fields : "", S(m->name));
    }
    return true;
}

/* ---- suggestions for a missing relation field ----------------------------------------------- */

char *validate_back_field_line(Validator *v, const DbRelation *rel);

/* The first unique criterion of a model, as `prisma format` picks it: the primary key, else the
 * first field-level @unique, else the first @@unique; with `strict`, only criteria of required
 * fields count. */
static const DbIndex *first_criterion(const Db *db, const DbModel *m, bool strict)
{
    if (m->pk != DB_NONE) {
        const DbIndex *pk = &db->indexes[m->pk];
        bool ok = true;
        for (uint32_t i = 0; strict && i < pk->nfields; i++)
            ok &= db->fields[db->index_fields[pk->first_field + i].field].arity == ARITY_REQUIRED;
        if (ok)
            return pk;
    }
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t k = 0; k < m->nindexes; k++) {
            const DbIndex *idx = &db->indexes[m->first_index + k];
            if (idx->kind != DBIDX_UNIQUE || idx->field_level != (pass == 0))
                continue;
            bool ok = true;
            for (uint32_t i = 0; strict && i < idx->nfields; i++)
                ok &= db->fields[db->index_fields[idx->first_field + i].field].arity == ARITY_REQUIRED;
            if (ok)
                return idx;
        }
    return NULL;
}

static char *upper_first(Arena *a, Str s)
{
    char *c = str_c(a, s);
    if (c[0] >= 'a' && c[0] <= 'z')
        c[0] = (char)(c[0] - 32);
    return c;
}

static char *lower_first(Arena *a, Str s)
{
    char *c = str_c(a, s);
    if (c[0] >= 'A' && c[0] <= 'Z')
        c[0] = (char)(c[0] + 32);
    return c;
}

/* What `prisma format` adds for a relation known from one side only. */
static char *missing_side_suggestion(Validator *v, const DbRelation *rel, uint32_t *into_model)
{
    const Db *db = v->db;
    const DbModel *a = &db->models[rel->model_a], *b = &db->models[rel->model_b];
    if (rel->field_a != DB_NONE) {
        /* the back side: `name A?` or `names A[]` in model B */
        char *camel = inflect_camel(v->arena, a->name);
        bool one = rel->kind == DBREL_ONE_TO_ONE;
        char *name = one ? camel : inflect_plural(v->arena, camel);
        *into_model = rel->model_b;
        char *line = arena_sprintf(v->arena, "`%s %s%s", name, S(a->name), one ? "?" : "[]");
        if (rel->name.len)
            line = arena_sprintf(v->arena, "%s @relation(\"%s\")", line, S(rel->name));
        if (a->ignored)
            line = arena_sprintf(v->arena, "%s @ignore", line);
        return arena_sprintf(v->arena, "%s`", line);
    }
    /* the forward side: `b B? @relation(fields: [bId], references: [id])` in model A, with
     * the foreign-key fields */
    *into_model = rel->model_a;
    const DbIndex *crit = first_criterion(db, b, false), *refs = first_criterion(db, b, true);
    char *fields = arena_strdup(v->arena, ""), *references = arena_strdup(v->arena, ""), *scalars = arena_strdup(v->arena, "");
    for (uint32_t i = 0; crit && i < crit->nfields; i++) {
        const DbField *rf = &db->fields[db->index_fields[crit->first_field + i].field];
        char *fname = arena_sprintf(v->arena, "%s%s", lower_first(v->arena, b->name), upper_first(v->arena, rf->name));
        fields = arena_sprintf(v->arena, "%s%s%s", fields, i ? ", " : "", fname);
        if (resolve_find_field(db, rel->model_a, (Str){fname, (uint32_t)strlen(fname)}) == DB_NONE &&
            rf->kind == DBF_SCALAR) {
            char *native = rf->native->attr ? arena_sprintf(v->arena, " %s", S(ast_span_text(db->ast, rf->native->attr->span)))
                                           : arena_strdup(v->arena, "");
            scalars = arena_sprintf(v->arena, "%s and `%s %s?%s`", scalars, fname, db_scalar_name(rf->scalar), native);
        }
    }
    for (uint32_t i = 0; refs && i < refs->nfields; i++)
        references = arena_sprintf(v->arena, "%s%s%s", references, i ? ", " : "",
                                   S(db->fields[db->index_fields[refs->first_field + i].field].name));
    char *line = arena_sprintf(v->arena, "`%s %s? @relation(%s%s%sfields: [%s], references: [%s])`",
                               inflect_camel(v->arena, b->name), S(b->name), rel->name.len ? "\"" : "",
                               rel->name.len ? S(rel->name) : "", rel->name.len ? "\", " : "", fields, references);
    return arena_sprintf(v->arena, "%s%s", line, scalars);
}

static void missing_opposite(Validator *v, const DbRelation *rel, uint32_t field)
{
    const Db *db = v->db;
    const DbField *f = &db->fields[field];
    const DbModel *m = &db->models[f->model], *t = &db->models[f->type_id];
    Diag *d = diag_error(v->diags, f->ast->span,
                         "the relation field `%s` of %s `%s` has no opposite relation field in model `%s`", S(f->name),
                         m->is_view ? "view" : "model", S(m->name), S(t->name));
    uint32_t into;
    char *line = missing_side_suggestion(v, rel, &into);
    diag_note(v->diags, d, db->models[into].ast->name_span, "add %s to model `%s` (this is what `prisma format` adds)",
              line, S(db->models[into].name));
}

/* ---- per relation ----------------------------------------------------------------------------- */

static bool empty_list(bool has, uint32_t n)
{
    return !has || n == 0;
}

static char *names_of(Validator *v, const uint32_t *fields, uint32_t n)
{
    char *out = NULL;
    for (uint32_t i = 0; i < n; i++)
        out = out ? arena_sprintf(v->arena, "%s, %s", out, S(v->db->fields[fields[i]].name)) : S(v->db->fields[fields[i]].name);
    return out ? out : arena_strdup(v->arena, "");
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return str_cmp(*(const Str *)a, *(const Str *)b);
}

/* Do the names of `refs` (in any order) make up a unique criterion of `model`? */
static bool references_a_criterion(Validator *v, uint32_t model, const uint32_t *refs, uint32_t n)
{
    const Db *db = v->db;
    const DbModel *m = &db->models[model];
    Str want[64], have[64];
    if (n > 64)
        return true;
    for (uint32_t i = 0; i < n; i++)
        want[i] = db->fields[refs[i]].name;
    if (n > 1)
        qsort(want, n, sizeof *want, cmp_str_ptr);
    for (uint32_t k = 0; k <= m->nindexes; k++) {
        const DbIndex *idx;
        if (k == 0) {
            if (m->pk == DB_NONE)
                continue;
            idx = &db->indexes[m->pk];
        } else {
            idx = &db->indexes[m->first_index + k - 1];
            if (idx->kind != DBIDX_UNIQUE)
                continue;
        }
        if (idx->nfields != n)
            continue;
        for (uint32_t i = 0; i < n; i++)
            have[i] = db->fields[db->index_fields[idx->first_field + i].field].name;
        if (n > 1)
            qsort(have, n, sizeof *have, cmp_str_ptr);
        bool same = true;
        for (uint32_t i = 0; i < n && same; i++)
            same = str_eq(have[i], want[i]);
        if (same)
            return true;
    }
    return false;
}

static bool types_match(const DbField *a, const DbField *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case DBF_SCALAR: return a->scalar == b->scalar;
    case DBF_ENUM:
    case DBF_COMPOSITE: return a->type_id == b->type_id;
    case DBF_UNSUPPORTED: return str_eq(a->ast->type.name, b->ast->type.name);
    default: return false;
    }
}

/* The effective actions of a complete inline relation. */
static DbRefAction rel_on_delete(const Validator *v, const DbRelation *rel)
{
    return db_relation_on_delete(v->db, rel);
}

typedef struct CycleStep {
    uint32_t rel;
    uint32_t parent;        /* index in the steps array, or DB_NONE */
} CycleStep;

static bool complete_inline(const DbRelation *rel)
{
    return rel->kind != DBREL_MANY_TO_MANY && rel->field_a != DB_NONE && rel->field_b != DB_NONE;
}

static char *cycle_path(Validator *v, const CycleStep *steps, uint32_t at)
{
    /* root first */
    uint32_t chain[256], n = 0;
    for (uint32_t s = at; s != DB_NONE && n < 256; s = steps[s].parent)
        chain[n++] = steps[s].rel;
    char *out = arena_strdup(v->arena, "");
    for (uint32_t i = n; i-- > 0;) {
        const DbRelation *r = &v->db->relations[chain[i]];
        const DbField *f = &v->db->fields[r->field_a];
        out = arena_sprintf(v->arena, "%s%s%s.%s", out, i == n - 1 ? "" : " → ", S(v->db->models[r->model_a].name), S(f->name));
    }
    return out;
}

static void cycle_error(Validator *v, uint32_t relation, const char *what)
{
    const DbRelation *rel = &v->db->relations[relation];
    const DbField *f = &v->db->fields[rel->field_a];
    DbRefAction del = rel_on_delete(v, rel), upd = db_relation_on_update(v->db, rel);
    char *implicit = arena_strdup(v->arena, "");
    bool imp_del = rel->on_delete == DBACT_UNSET && action_triggers(del);
    bool imp_upd = rel->on_update == DBACT_UNSET && action_triggers(upd);
    if (imp_del && imp_upd)
        implicit = arena_sprintf(v->arena, " (by default onDelete is %s and onUpdate is %s)", action_name(del), action_name(upd));
    else if (imp_del)
        implicit = arena_sprintf(v->arena, " (by default onDelete is %s)", action_name(del));
    else if (imp_upd)
        implicit = arena_sprintf(v->arena, " (by default onUpdate is %s)", action_name(upd));
    Diag *d = diag_error(v->diags, f->ast->span, "%s%s", what, implicit);
    diag_note(v->diags, d, rel->attr ? rel->attr->span : f->ast->span,
              "with `relationMode = \"prisma\"`, set `onDelete: NoAction, onUpdate: NoAction` on one relation of the cycle "
              "(https://pris.ly/d/cyclic-referential-actions)");
}

typedef struct ModelRels {
    uint32_t *first;        /* per model: start in `list` */
    uint32_t *list;         /* complete inline relations, grouped by model_a, by (model_b, id) */
    /* Over the relations whose actions cascade: each model's strongly connected component, and
     * whether a cascading self-relation is reachable from it. A relation can only be part of
     * a cycle error when these say so; the walk that names the cycle runs only then. */
    uint32_t *scc;
    uint8_t *reaches_self;
} ModelRels;

static void cycles(Validator *v, uint32_t relation, const ModelRels *mr, uint32_t *visited, CycleStep **steps, uint32_t *cap)
{
    const Db *db = v->db;
    const DbRelation *root = &db->relations[relation];
    uint32_t parent_model = root->model_a;
    uint32_t nsteps = 0;
    uint32_t *stack = NULL, nstack = 0, capstack = 0;
    uint32_t stamp = relation + 1;
#define PUSH_STEP(relid, par)                                                                                   \
    do {                                                                                                       \
        if (nsteps == *cap) {                                                                                  \
            *cap = *cap ? *cap * 2 : 64;                                                                       \
            *steps = realloc(*steps, *cap * sizeof **steps);                                                   \
        }                                                                                                      \
        (*steps)[nsteps] = (CycleStep){(relid), (par)};                                                        \
        if (nstack == capstack) {                                                                              \
            capstack = capstack ? capstack * 2 : 64;                                                           \
            stack = realloc(stack, capstack * sizeof *stack);                                                  \
        }                                                                                                      \
        stack[nstack++] = nsteps++;                                                                            \
    } while (0)
    PUSH_STEP(relation, DB_NONE);
    while (nstack) {
        uint32_t s = stack[--nstack];
        uint32_t rid = (*steps)[s].rel;
        const DbRelation *rel = &db->relations[rid];
        visited[rid] = stamp;
        if (!action_triggers(rel_on_delete(v, rel)) && !action_triggers(db_relation_on_update(db, rel)))
            continue;
        if (rel->model_a == rel->model_b) {
            cycle_error(v, relation, "a self-relation cascades into itself: with `relationMode = \"prisma\"` it needs "
                                     "`onDelete` and `onUpdate` set to NoAction");
            break;
        }
        if (rel->model_b == parent_model) {
            char *msg = arena_sprintf(v->arena, "these relations form a cycle of cascading actions: %s",
                                      cycle_path(v, *steps, s));
            cycle_error(v, relation, msg);
            break;
        }
        for (uint32_t k = mr->first[rel->model_b]; k < mr->first[rel->model_b + 1]; k++)
            if (visited[mr->list[k]] != stamp)
                PUSH_STEP(mr->list[k], s);
    }
#undef PUSH_STEP
    free(stack);
}

static bool relation_triggers(const Validator *v, const DbRelation *rel)
{
    return action_triggers(rel_on_delete(v, rel)) || action_triggers(db_relation_on_update(v->db, rel));
}

/* Tarjan's strongly connected components over the cascading relations (iterative), then which
 * models reach a cascading self-relation. Linear in models and relations. */
static void cycle_summary(Validator *v, ModelRels *mr)
{
    const Db *db = v->db;
    uint32_t n = db->nmodels;
    mr->scc = malloc((n ? n : 1) * sizeof *mr->scc);
    mr->reaches_self = calloc(n ? n : 1, 1);
    uint32_t *index = malloc((n ? n : 1) * sizeof *index), *low = malloc((n ? n : 1) * sizeof *low);
    uint32_t *stack = malloc((n ? n : 1) * sizeof *stack), *call = malloc((n ? n : 1) * sizeof *call);
    uint32_t *edge = malloc((n ? n : 1) * sizeof *edge);
    uint8_t *on_stack = calloc(n ? n : 1, 1);
    for (uint32_t m = 0; m < n; m++)
        index[m] = DB_NONE;
    uint32_t next = 0, nstack = 0, ncomp = 0;
    for (uint32_t root = 0; root < n; root++) {
        if (index[root] != DB_NONE)
            continue;
        uint32_t depth = 0;
        call[depth] = root;
        edge[depth] = mr->first[root];
        index[root] = low[root] = next++;
        stack[nstack++] = root;
        on_stack[root] = 1;
        while (depth != DB_NONE) {
            uint32_t m = call[depth];
            if (edge[depth] < mr->first[m + 1]) {
                const DbRelation *rel = &db->relations[mr->list[edge[depth]++]];
                if (!relation_triggers(v, rel))
                    continue;
                uint32_t t = rel->model_b;
                if (index[t] == DB_NONE) {
                    index[t] = low[t] = next++;
                    stack[nstack++] = t;
                    on_stack[t] = 1;
                    call[++depth] = t;
                    edge[depth] = mr->first[t];
                } else if (on_stack[t] && index[t] < low[m]) {
                    low[m] = index[t];
                }
                continue;
            }
            if (low[m] == index[m]) {
                uint32_t x;
                do {
                    x = stack[--nstack];
                    on_stack[x] = 0;
                    mr->scc[x] = ncomp;
                } while (x != m);
                ncomp++;
            }
            if (depth == 0)
                break;
            uint32_t parent = call[--depth];
            if (low[m] < low[parent])
                low[parent] = low[m];
        }
    }
    /* reaches a cascading self-relation: components come out in reverse topological order
     * (successors first), so one pass in that order propagates it */
    uint8_t *comp_self = calloc(ncomp ? ncomp : 1, 1);
    uint32_t *comp_first = calloc(ncomp + 1, sizeof *comp_first), *comp_models = malloc((n ? n : 1) * sizeof *comp_models);
    for (uint32_t m = 0; m < n; m++)
        comp_first[mr->scc[m] + 1]++;
    for (uint32_t c = 0; c < ncomp; c++)
        comp_first[c + 1] += comp_first[c];
    uint32_t *fill = calloc(ncomp ? ncomp : 1, sizeof *fill);
    for (uint32_t m = 0; m < n; m++)
        comp_models[comp_first[mr->scc[m]] + fill[mr->scc[m]]++] = m;
    for (uint32_t c = 0; c < ncomp; c++)
        for (uint32_t k = comp_first[c]; k < comp_first[c + 1]; k++) {
            uint32_t m = comp_models[k];
            for (uint32_t e = mr->first[m]; e < mr->first[m + 1]; e++) {
                const DbRelation *rel = &db->relations[mr->list[e]];
                if (!relation_triggers(v, rel))
                    continue;
                if (rel->model_a == rel->model_b || comp_self[mr->scc[rel->model_b]])
                    comp_self[c] = 1;
            }
        }
    for (uint32_t m = 0; m < n; m++)
        mr->reaches_self[m] = comp_self[mr->scc[m]];
    free(comp_self);
    free(comp_first);
    free(comp_models);
    free(fill);
    free(index);
    free(low);
    free(stack);
    free(call);
    free(edge);
    free(on_stack);
}

static void inline_relation(Validator *v, void *names, uint32_t id, const ModelRels *mr, uint32_t *visited,
                            CycleStep **steps, uint32_t *capsteps)
{
    const Db *db = v->db;
    const DbRelation *rel = &db->relations[id];
    const RelField *fw = rel->field_a != DB_NONE ? relfield(v, rel->field_a) : NULL;
    const RelField *bk = rel->field_b != DB_NONE ? relfield(v, rel->field_b) : NULL;
    const DbField *ff = fw ? &db->fields[fw->field] : NULL, *bf = bk ? &db->fields[bk->field] : NULL;
    const DbModel *ma = &db->models[rel->model_a], *mb = &db->models[rel->model_b];

    if (fw && bk && v->relation_mode_prisma && relation_triggers(v, rel) &&
        (rel->model_a == rel->model_b || mr->scc[rel->model_a] == mr->scc[rel->model_b] || mr->reaches_self[rel->model_b]))
        cycles(v, id, mr, visited, steps, capsteps);

    if (fw && fw->has_refs && fw->nrefs > 0 && !references_a_criterion(v, rel->model_b, fw->refs, fw->nrefs)) {
        Diag *d = diag_error(v->diags, ff->ast->span, "`references: [%s]` is not a unique criterion of model `%s`",
                             names_of(v, fw->refs, fw->nrefs), S(mb->name));
        if (fw->nrefs == 1)
            diag_note(v->diags, d, mb->ast->name_span, "add `@unique` to the field `%s` of model `%s`",
                      names_of(v, fw->refs, 1), S(mb->name));
        else
            diag_note(v->diags, d, mb->ast->name_span, "add `@@unique([%s])` to model `%s`", names_of(v, fw->refs, fw->nrefs),
                      S(mb->name));
    }
    if (fw && fw->has_fields && fw->has_refs && fw->nfields != fw->nrefs && fw->attr)
        diag_error(v->diags, fw->attr->span, "`fields` lists %u field%s but `references` lists %u: they pair up one to one",
                   fw->nfields, fw->nfields == 1 ? "" : "s", fw->nrefs);
    if (fw && ff->arity == ARITY_REQUIRED && fw->has_fields) {
        bool optional = false;
        for (uint32_t i = 0; i < fw->nfields; i++)
            optional |= db->fields[fw->fields[i]].arity == ARITY_OPTIONAL;
        if (optional) {
            Diag *d = diag_error(v->diags, ff->ast->span, "the relation field `%s` is required but its foreign key (%s) is "
                                 "optional", S(ff->name), names_of(v, fw->fields, fw->nfields));
            diag_note(v->diags, d, ff->ast->type.span, "make it optional: `%s?`", S(ff->ast->type.name));
        }
    }
    if (fw && fw->has_fields) {
        uint32_t n = fw->nfields < fw->nrefs ? fw->nfields : fw->nrefs;
        for (uint32_t i = 0; i < n; i++) {
            const DbField *a = &db->fields[fw->fields[i]], *b = &db->fields[fw->refs[i]];
            if (!types_match(a, b)) {
                Diag *d = diag_error(v->diags, ff->ast->span, "the type of `%s.%s` does not match the type of `%s.%s`, "
                                     "which it references", S(ma->name), S(a->name), S(mb->name), S(b->name));
                diag_note(v->diags, d, a->ast->type.span, "`%s` is `%s`, `%s` is `%s`", S(a->name), S(a->ast->type.name),
                          S(b->name), S(b->ast->type.name));
            }
        }
    }
    validate_relation_fk_name(v, names, id);
    if (fw) {
        bool required = false;
        for (uint32_t i = 0; i < fw->nfields; i++)
            required |= db->fields[fw->fields[i]].arity == ARITY_REQUIRED;
        if (required || !fw->has_fields) {
            const char *acts[2] = {fw->on_delete == DBACT_SET_NULL ? "onDelete" : NULL,
                                   fw->on_update == DBACT_SET_NULL ? "onUpdate" : NULL};
            for (int k = 0; k < 2; k++) {
                if (!acts[k])
                    continue;
                if (validate_connector_has(v, "set_null_non_nullable")) {
                    Diag *d = diag_warning(v->diags, ff->ast->span, "`%s: SetNull` on a relation whose foreign key is "
                                           "required: the database will refuse the change", acts[k]);
                    diag_hint(v->diags, d, "choose another action, or make the foreign-key fields optional "
                              "(https://pris.ly/d/postgres-set-null)");
                } else {
                    Diag *d = diag_error(v->diags, ff->ast->span, "`%s: SetNull` needs optional foreign-key fields", acts[k]);
                    diag_hint(v->diags, d, "choose another action, or make the foreign-key fields optional");
                }
            }
        }
    }

    if (rel->kind == DBREL_ONE_TO_ONE) {
        if (!bk) {
            missing_opposite(v, rel, rel->field_a);
        }
        if (fw && bk) {
            if (empty_list(fw->has_fields, fw->nfields) && empty_list(bk->has_fields, bk->nfields)) {
                Diag *d = diag_error(v->diags, ff->ast->span, "neither `%s.%s` nor `%s.%s` gives `fields`: one side of a "
                                     "one-to-one relation must", S(ma->name), S(ff->name), S(mb->name), S(bf->name));
                diag_hint(v->diags, d, "add `@relation(fields: [...], references: [...])` to the side that holds "
                          "the foreign key");
                diag_error(v->diags, bf->ast->span, "neither `%s.%s` nor `%s.%s` gives `fields`: one side of a one-to-one "
                           "relation must", S(mb->name), S(bf->name), S(ma->name), S(ff->name));
            }
            if (empty_list(fw->has_refs, fw->nrefs) && empty_list(bk->has_refs, bk->nrefs)) {
                diag_error(v->diags, ff->ast->span, "neither `%s.%s` nor `%s.%s` gives `references`: one side of a "
                           "one-to-one relation must", S(ma->name), S(ff->name), S(mb->name), S(bf->name));
                diag_error(v->diags, bf->ast->span, "neither `%s.%s` nor `%s.%s` gives `references`: one side of a "
                           "one-to-one relation must", S(mb->name), S(bf->name), S(ma->name), S(ff->name));
            }
            if (!empty_list(fw->has_refs, fw->nrefs) && !empty_list(bk->has_refs, bk->nrefs)) {
                diag_error(v->diags, ff->ast->span, "both `%s.%s` and `%s.%s` give `references`: only one side may",
                           S(ma->name), S(ff->name), S(mb->name), S(bf->name));
                diag_error(v->diags, bf->ast->span, "both `%s.%s` and `%s.%s` give `references`: only one side may",
                           S(ma->name), S(ff->name), S(mb->name), S(bf->name));
            }
            if (!empty_list(fw->has_fields, fw->nfields) && !empty_list(bk->has_fields, bk->nfields)) {
                diag_error(v->diags, ff->ast->span, "both `%s.%s` and `%s.%s` give `fields`: only one side may", S(ma->name),
                           S(ff->name), S(mb->name), S(bf->name));
                diag_error(v->diags, bf->ast->span, "both `%s.%s` and `%s.%s` give `fields`: only one side may", S(ma->name),
                           S(ff->name), S(mb->name), S(bf->name));
            }
            bool fa = fw->on_delete != DBACT_UNSET || fw->on_update != DBACT_UNSET;
            bool ba = bk->on_delete != DBACT_UNSET || bk->on_update != DBACT_UNSET;
            if (fa && ba) {
                diag_error(v->diags, bf->ast->span, "both `%s.%s` and `%s.%s` give `onDelete`/`onUpdate`: only one side may",
                           S(mb->name), S(bf->name), S(ma->name), S(ff->name));
                diag_error(v->diags, ff->ast->span, "both `%s.%s` and `%s.%s` give `onDelete`/`onUpdate`: only one side may",
                           S(ma->name), S(ff->name), S(mb->name), S(bf->name));
            } else if (ba) {
                Diag *d = diag_error(v->diags, bf->ast->span, "`%s.%s` may not give `onDelete`/`onUpdate`: the side with the "
                                     "foreign key, `%s.%s`, does", S(mb->name), S(bf->name), S(ma->name), S(ff->name));
                (void)d;
            }
        }
        if (fw && fw->has_fields) {
            /* the foreign key must be a unique criterion, in order */
            bool unique = false;
            const DbModel *m = ma;
            for (uint32_t k = 0; k <= m->nindexes && !unique; k++) {
                const DbIndex *idx;
                if (k == 0) {
                    if (m->pk == DB_NONE)
                        continue;
                    idx = &db->indexes[m->pk];
                } else {
                    idx = &db->indexes[m->first_index + k - 1];
                    if (idx->kind != DBIDX_UNIQUE)
                        continue;
                }
                if (idx->nfields != fw->nfields)
                    continue;
                bool same = true;
                for (uint32_t i = 0; i < idx->nfields && same; i++)
                    same = db->index_fields[idx->first_field + i].field == fw->fields[i];
                unique = same;
            }
            if (!unique) {
                Diag *d = diag_error(v->diags, ff->ast->span, "a one-to-one relation needs a unique foreign key: `%s` is not "
                                     "unique in model `%s`", names_of(v, fw->fields, fw->nfields), S(ma->name));
                if (fw->nfields == 1)
                    diag_note(v->diags, d, db->fields[fw->fields[0]].ast->span,
                              "add `@unique` to `%s`, or make the relation one-to-many", names_of(v, fw->fields, 1));
                else
                    diag_note(v->diags, d, ma->ast->name_span,
                              "add `@@unique([%s])` to the model, or make the relation one-to-many",
                              names_of(v, fw->fields, fw->nfields));
            }
        }
        if (fw && bk && !validate_has_errors(v)) {
            if (!empty_list(fw->has_fields, fw->nfields) && !empty_list(bk->has_refs, bk->nrefs)) {
                diag_error(v->diags, ff->ast->span, "`%s.%s` gives `fields` and `%s.%s` gives `references`: give both on the "
                           "same side", S(ma->name), S(ff->name), S(mb->name), S(bf->name));
                diag_error(v->diags, bf->ast->span, "`%s.%s` gives `fields` and `%s.%s` gives `references`: give both on the "
                           "same side", S(ma->name), S(ff->name), S(mb->name), S(bf->name));
            }
            if (!empty_list(fw->has_refs, fw->nrefs) && !empty_list(bk->has_fields, bk->nfields))
                diag_error(v->diags, ff->ast->span, "`%s.%s` gives `references` and `%s.%s` gives `fields`: give both on the "
                           "same side", S(ma->name), S(ff->name), S(mb->name), S(bf->name));
        }
        if (fw && bk && !validate_has_errors(v) && bf->arity == ARITY_REQUIRED) {
            Diag *d = diag_error(v->diags, bf->ast->span, "the back-relation field `%s.%s` cannot be required: the database "
                                 "cannot enforce it", S(mb->name), S(bf->name));
            diag_note(v->diags, d, bf->ast->type.span, "make it optional: `%s?`", S(ma->name));
        }
        if (fw && bk && !validate_has_errors(v) && ff->arity == ARITY_REQUIRED && (bk->has_fields || bk->has_refs)) {
            Diag *d = diag_error(v->diags, bf->ast->span, "`%s.%s` gives `fields`/`references`, but they belong on the "
                                 "required side, `%s.%s`", S(mb->name), S(bf->name), S(ma->name), S(ff->name));
            diag_note(v->diags, d, ff->ast->span, "move them there, or make both sides optional");
        }
        return;
    }

    /* one-to-many */
    if (fw && !bk)
        missing_opposite(v, rel, rel->field_a);
    else if (!fw && bk)
        missing_opposite(v, rel, rel->field_b);
    if (fw && bk) {
        if (empty_list(fw->has_fields, fw->nfields)) {
            Diag *d = diag_error(v->diags, ff->ast->span, "the relation field `%s.%s` needs `fields` in its `@relation`",
                                 S(ma->name), S(ff->name));
            diag_hint(v->diags, d, "`prisma format` adds it");
        }
        if (empty_list(fw->has_refs, fw->nrefs))
            diag_error(v->diags, ff->ast->span, "the relation field `%s.%s` needs `references` in its `@relation`", S(ma->name),
                       S(ff->name));
        if (!empty_list(bk->has_fields, bk->nfields) || !empty_list(bk->has_refs, bk->nrefs)) {
            Diag *d = diag_error(v->diags, bf->ast->span, "the list side `%s.%s` may not give `fields` or `references`",
                                 S(mb->name), S(bf->name));
            diag_note(v->diags, d, ff->ast->span, "they belong on `%s.%s`", S(ma->name), S(ff->name));
        }
        if (bk->on_delete != DBACT_UNSET || bk->on_update != DBACT_UNSET) {
            Diag *d = diag_error(v->diags, bf->ast->span, "the list side `%s.%s` may not give `onDelete`/`onUpdate`",
                                 S(mb->name), S(bf->name));
            diag_note(v->diags, d, ff->ast->span, "they belong on `%s.%s` (or on an explicit join model, for many-to-many)",
                      S(ma->name), S(ff->name));
        }
    }
}

static void many_to_many(Validator *v, uint32_t id)
{
    const Db *db = v->db;
    const DbRelation *rel = &db->relations[id];
    const RelField *sides[2] = {relfield(v, rel->field_a), relfield(v, rel->field_b)};
    if (rel->embedded) {
        for (int i = 0; i < 2; i++) {
            const DbField *f = &db->fields[sides[i]->field];
            Diag *d = diag_error(v->diags, f->ast->span, "many-to-many relations with `fields:` on a list are for MongoDB, not %s",
                                 validate_connector_name(v));
            diag_hint(v->diags, d, "remove `fields`/`references` for an implicit join table, or use an explicit "
                      "join model (https://pris.ly/d/relational-database-many-to-many)");
        }
        return;
    }
    if (db->models[rel->model_a].is_view || db->models[rel->model_b].is_view)
        for (int i = 0; i < 2; i++) {
            Diag *d = diag_error(v->diags, db->fields[sides[i]->field].ast->span,
                                 "a view cannot take part in an implicit many-to-many relation");
            diag_hint(v->diags, d, "a view has no join table; model the relation explicitly");
        }
    for (int i = 0; i < 2; i++) {
        const RelField *rf = sides[i];
        const DbField *f = &db->fields[rf->field];
        const DbModel *t = &db->models[rf->target];
        bool single_id = t->pk != DB_NONE && db->indexes[t->pk].nfields == 1;
        if (!single_id) {
            Diag *d = diag_error(v->diags, f->ast->span, "the implicit many-to-many relation `%s.%s` needs a single-field "
                                 "`@id` in model `%s`", S(db->models[rf->model].name), S(f->name), S(t->name));
            diag_note(v->diags, d, t->ast->name_span, "add an `@id` field, or model the join table explicitly");
            continue;
        }
        if (rf->has_refs && !(rf->nrefs == 1 && db->index_fields[db->indexes[t->pk].first_field].field == rf->refs[0])) {
            diag_error(v->diags, f->ast->span, "an implicit many-to-many relation references the id of model `%s`, not %s",
                       S(t->name), names_of(v, rf->refs, rf->nrefs));
        }
    }
    for (int i = 0; i < 2; i++) {
        const RelField *rf = sides[i];
        if (rf->on_delete_span.end)
            diag_error(v->diags, rf->on_delete_span, "an implicit many-to-many relation takes no referential action");
        if (rf->on_update_span.end)
            diag_error(v->diags, rf->on_update_span, "an implicit many-to-many relation takes no referential action");
    }
    for (int i = 0; i < 2; i++)
        if (sides[i]->has_refs) {
            const DbField *f = &db->fields[sides[i]->field];
            Diag *d = diag_error(v->diags, f->ast->span, "an implicit many-to-many relation takes no `references`");
            diag_hint(v->diags, d, "remove it, or make the relation one-to-many");
        }
}

typedef struct RelKey {
    uint32_t a, b, id;
} RelKey;

static int relkey_cmp(const void *x, const void *y)
{
    const RelKey *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->id < q->id ? -1 : p->id > q->id;
}

void validate_relations(Validator *v, void *names)
{
    const Db *db = v->db;
    /* complete inline relations by model_a, ordered by (model_b, id) as Prisma's index */
    ModelRels mr;
    mr.first = calloc(db->nmodels + 1, sizeof *mr.first);
    mr.list = malloc((db->nrelations ? db->nrelations : 1) * sizeof *mr.list);
    /* counting sort by model_a, then by model_b within a model (lists are short) */
    uint32_t *fill = calloc(db->nmodels + 1, sizeof *fill);
    for (uint32_t i = 0; i < db->nrelations; i++)
        if (complete_inline(&db->relations[i]))
            mr.first[db->relations[i].model_a + 1]++;
    for (uint32_t m = 0; m < db->nmodels; m++)
        mr.first[m + 1] += mr.first[m];
    for (uint32_t i = 0; i < db->nrelations; i++)
        if (complete_inline(&db->relations[i])) {
            uint32_t m = db->relations[i].model_a;
            mr.list[mr.first[m] + fill[m]++] = i;
        }
    free(fill);
    for (uint32_t m = 0; m < db->nmodels; m++) {
        uint32_t lo = mr.first[m], hi = mr.first[m + 1];
        if (hi - lo > 16) {
            RelKey *keys = malloc((hi - lo) * sizeof *keys);
            for (uint32_t k = lo; k < hi; k++)
                keys[k - lo] = (RelKey){m, db->relations[mr.list[k]].model_b, mr.list[k]};
            qsort(keys, hi - lo, sizeof *keys, relkey_cmp);
            for (uint32_t k = lo; k < hi; k++)
                mr.list[k] = keys[k - lo].id;
            free(keys);
            continue;
        }
        for (uint32_t k = lo + 1; k < hi; k++)
            for (uint32_t j = k; j > lo && db->relations[mr.list[j - 1]].model_b > db->relations[mr.list[j]].model_b; j--) {
                uint32_t t = mr.list[j];
                mr.list[j] = mr.list[j - 1];
                mr.list[j - 1] = t;
            }
    }
    mr.scc = NULL;
    mr.reaches_self = NULL;
    if (v->relation_mode_prisma)
        cycle_summary(v, &mr);
    uint32_t *visited = calloc(db->nrelations ? db->nrelations : 1, sizeof *visited);
    CycleStep *steps = NULL;
    uint32_t capsteps = 0;
    for (uint32_t i = 0; i < db->nrelations; i++) {
        if (db->relations[i].kind == DBREL_MANY_TO_MANY)
            many_to_many(v, i);
        else
            inline_relation(v, names, i, &mr, visited, &steps, &capsteps);
    }
    free(steps);
    free(visited);
    free(mr.scc);
    free(mr.reaches_self);
    free(mr.first);
    free(mr.list);
}
