/* Resolution: pairing relation fields into relations, as Prisma's parser database does.
 *
 * Relation fields are visited in order (models in file order, fields in order). A field's
 * opposite is the first relation field of the model it points to that points back with the
 * same relation name (or none); in a self-relation the field is not its own opposite. Each
 * relation is created once, at the field that owns it:
 *   list + list                     implicit m:n, at the field of model A (by model name; in a
 *                                   self-relation by field name)
 *   required + optional             1:1 at the required side
 *   required + required, optional + optional without `fields`
 *                                   1:1 at the first of [model name, field name]
 *   optional with `fields` + optional
 *                                   1:1 at the side with `fields`
 *   single + list                   1:n at the single side
 *   single, no opposite             1:1 when its `fields` are exactly a unique index of its
 *                                   model (same order; @id does not count), else 1:n
 *   list, no opposite               1:n known only from its back side
 * Nothing is reported here; validation judges the result. */
#include "resolve_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The chains of relation fields with the same (model, target, name): an open-addressing table
 * of chain heads, keyed by those, compared on the relation fields themselves. */
typedef struct Chains {
    uint32_t *slots;        /* relfield index of a chain's head, plus one; 0: empty */
    uint32_t mask;
} Chains;

static inline uint32_t chain_hash(uint32_t model, uint32_t target, uint32_t name_hash)
{
    uint64_t h = ((uint64_t)model << 32 | target) * 0x9E3779B97F4A7C15ull;
    h = (h ^ name_hash) * 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(h >> 32);
}

static bool chain_match(const RelField *rf, uint32_t model, uint32_t target, bool named, Str name)
{
    return rf->model == model && rf->target == target && rf->has_name == named && (!named || name_eq(rf->name, name));
}

/* The head of the chain with that key, or the empty slot it would take. */
static uint32_t *chain_slot(const Chains *c, const RelField *rfs, uint32_t model, uint32_t target, uint32_t name_hash,
                            bool named, Str name)
{
    for (uint32_t i = chain_hash(model, target, name_hash) & c->mask;; i = (i + 1) & c->mask) {
        uint32_t k = c->slots[i];
        if (k == 0 || chain_match(&rfs[k - 1], model, target, named, name))
            return &c->slots[i];
    }
}

static int tuple_cmp(Str m1, Str f1, Str m2, Str f2)
{
    int c = str_cmp(m1, m2);
    return c ? c : str_cmp(f1, f2);
}

static bool fields_are_unique(const Db *db, const RelField *rf)
{
    const DbModel *m = &db->models[rf->model];
    for (uint32_t i = 0; i < m->nindexes; i++) {
        const DbIndex *idx = &db->indexes[m->first_index + i];
        if (idx->kind != DBIDX_UNIQUE || idx->nfields != rf->nfields)
            continue;
        bool same = true;
        for (uint32_t j = 0; j < idx->nfields && same; j++)
            same = db->index_fields[idx->first_field + j].field == rf->fields[j];
        if (same)
            return true;
    }
    return false;
}

void resolve_relations(Resolver *r)
{
    Db *db = r->db;
    struct DbNameTable *nt = r->nt;
    uint32_t n = nt->nrelfields;
    if (n == 0)
        return;
    /* scratch, freed at the end */
    uint32_t cap = 16;
    while (cap < n * 2)
        cap <<= 1;
    /* zeroed, in the arena: its pages are part of a huge one instead of 4 KiB ones to fault */
    Chains first = {arena_alloc(r->arena, (size_t)cap * sizeof *first.slots), cap - 1};
    uint32_t *next = malloc((size_t)n * sizeof *next);
    uint32_t *last = malloc((size_t)n * sizeof *last);
    if (!next || !last) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    /* chains of relation fields with the same (model, target, name), in order */
    uint32_t npairs = 0;
    for (uint32_t i = 0; i < n; i++) {
        RelField *rf = &nt->relfields[i];
        next[i] = DB_NONE;
        npairs += rf->nfields < rf->nrefs ? rf->nfields : rf->nrefs;
        uint32_t *slot = chain_slot(&first, nt->relfields, rf->model, rf->target, rf->name_hash, rf->has_name, rf->name);
        if (*slot == 0) {
            *slot = i + 1;
            last[i] = i;
        } else {
            next[last[*slot - 1]] = i;
            last[*slot - 1] = i;
        }
    }
    /* Which relation each field creates (what decides it reads the opposite field, found once
     * here): first for every field, so that the relations' array is made to measure (a schema's
     * relation fields are about twice its relations: their back sides create none). */
    enum { MAKE_NONE, MAKE_M2N, MAKE_1N, MAKE_1N_BACK, MAKE_11, MAKE_1N_OR_11 };
    uint8_t *make = malloc(n);
    uint32_t *opps = last;      /* the chains are made: `last` is free */
    if (!make) {
        fprintf(stderr, "prismac: out of memory\n");
        exit(2);
    }
    uint32_t nmade = 0;
    for (uint32_t i = 0; i < n; i++) {
        RelField *rf = &nt->relfields[i];
        const DbField *f = &db->fields[rf->field];
        const DbModel *m = &db->models[rf->model], *tm = &db->models[rf->target];
        bool self = rf->model == rf->target;
        /* the opposite: the first field of the target pointing back with the same name (0 - 1: none) */
        uint32_t opp = *chain_slot(&first, nt->relfields, rf->target, rf->model, rf->name_hash, rf->has_name, rf->name) - 1;
        while (opp != DB_NONE && self && opp == i)
            opp = next[opp];
        opps[i] = opp;
        const RelField *orf = opp != DB_NONE ? &nt->relfields[opp] : NULL;
        const DbField *of = orf ? &db->fields[orf->field] : NULL;
        uint8_t what = MAKE_NONE;
        if (f->arity == ARITY_LIST) {
            if (of && of->arity == ARITY_LIST) {
                if (str_cmp(m->name, tm->name) <= 0 && !(self && str_cmp(f->name, of->name) > 0))
                    what = MAKE_M2N;
            } else if (!of) {
                what = MAKE_1N_BACK;
            }   /* else 1:n: created at the single side */
        } else if (of) {
            if (of->arity == ARITY_LIST) {
                what = MAKE_1N;
            } else if (f->arity == ARITY_REQUIRED && of->arity == ARITY_OPTIONAL) {
                what = MAKE_11;
            } else if (f->arity == ARITY_REQUIRED) {
                if (tuple_cmp(m->name, f->name, tm->name, of->name) <= 0)
                    what = MAKE_11;
            } else if (of->arity == ARITY_REQUIRED) {
                ;       /* the required side owns it */
            } else if (rf->has_fields) {
                what = MAKE_11;
            } else if (!orf->has_fields) {
                if (tuple_cmp(m->name, f->name, tm->name, of->name) <= 0)
                    what = MAKE_11;
            }   /* else the opposite side has `fields`: it owns the relation */
        } else {
            what = MAKE_1N_OR_11;
        }
        make[i] = what;
        nmade += what != MAKE_NONE;
    }
    /* the relations and their foreign-key pairs: no regrowth */
    db->relations = arena_grow_exact(r->arena, db->relations, db->nrelations, &nt->cap_relations,
                                     db->nrelations + nmade + 1, sizeof *db->relations);
    db->fk_pairs = arena_grow_exact(r->arena, db->fk_pairs, db->nfk_pairs, &nt->cap_fk_pairs, db->nfk_pairs + npairs + 1,
                                    sizeof *db->fk_pairs);

    for (uint32_t i = 0; i < n; i++) {
        if (make[i] == MAKE_NONE)
            continue;
        RelField *rf = &nt->relfields[i];
        uint32_t opp = opps[i];
        const RelField *orf = opp != DB_NONE ? &nt->relfields[opp] : NULL;
        const DbField *of = orf ? &db->fields[orf->field] : NULL;

        DbRelation rel = {.model_a = rf->model, .model_b = rf->target, .field_a = rf->field,
                          .field_b = of ? orf->field : DB_NONE, .name = rf->has_name ? rf->name : (Str){0}};
        bool back_only = false;
        switch (make[i]) {
        case MAKE_M2N:
            rel.kind = DBREL_MANY_TO_MANY;
            rel.embedded = rf->has_fields || orf->has_fields;
            break;
        case MAKE_1N_BACK:
            rel.kind = DBREL_ONE_TO_MANY;
            back_only = true;
            break;
        case MAKE_1N:
            rel.kind = DBREL_ONE_TO_MANY;
            break;
        case MAKE_11:
            rel.kind = DBREL_ONE_TO_ONE;
            break;
        default:
            rel.kind = rf->has_fields && fields_are_unique(db, rf) ? DBREL_ONE_TO_ONE : DBREL_ONE_TO_MANY;
            break;
        }

        if (back_only) {
            rel.model_a = rf->target;
            rel.model_b = rf->model;
            rel.field_a = DB_NONE;
            rel.field_b = rf->field;
        } else if (rel.kind != DBREL_MANY_TO_MANY) {
            rel.first_fk = db->nfk_pairs;
            uint32_t pairs = rf->nfields < rf->nrefs ? rf->nfields : rf->nrefs;
            for (uint32_t k = 0; k < pairs; k++) {
                DbFkPair p = {rf->fields[k], rf->refs[k]};
                ARENA_PUSH(r->arena, db->fk_pairs, db->nfk_pairs, nt->cap_fk_pairs, p);
            }
            rel.nfk = pairs;
            rel.on_delete = rf->on_delete;
            rel.on_update = rf->on_update;
            rel.map = rf->map;
            rel.attr = rf->attr;
        } else {
            rel.attr = rf->attr;
        }
        uint32_t id = db->nrelations;
        ARENA_PUSH(r->arena, db->relations, db->nrelations, nt->cap_relations, rel);
        db->fields[rf->field].relation = id;
        if (of)
            db->fields[orf->field].relation = id;
    }
    free(make);
    free(next);
    free(last);
}
