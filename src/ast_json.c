/* `prismac ast`: the syntax tree as JSON (its shape is documented in README.md). */
#include "prismac/ast.h"

#include <jansson.h>

typedef struct JsonCtx {
    const Ast *ast;
} JsonCtx;

static json_t *json_str(Str s)
{
    json_t *j = json_stringn(s.ptr ? s.ptr : "", s.len);
    return j ? j : json_string("");   /* cannot happen for UTF-8 input; never NULL in the tree */
}

static json_t *json_span(const JsonCtx *jc, Span span)
{
    Source *src = &jc->ast->sources->files[span.file];
    LineCol lc = source_line_col(src, span.start);
    return json_pack("{s:I,s:I,s:I,s:I}", "start", (json_int_t)span.start, "end", (json_int_t)span.end, "line",
                     (json_int_t)lc.line, "column", (json_int_t)lc.col);
}

static json_t *json_expr(const JsonCtx *jc, const Expr *e);

static json_t *json_args(const JsonCtx *jc, const ArgList *args)
{
    if (!args)
        return json_null();
    json_t *arr = json_array();
    for (uint32_t i = 0; i < args->count; i++) {
        const Arg *a = &args->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", a->name.len ? json_str(a->name) : json_null());
        json_object_set_new(o, "value", a->value ? json_expr(jc, a->value) : json_null());
        json_object_set_new(o, "span", json_span(jc, a->span));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *json_expr(const JsonCtx *jc, const Expr *e)
{
    static const char *const kinds[] = {"string", "number", "constant", "call", "array", "object"};
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(kinds[e->kind]));
    switch (e->kind) {
    case EXPR_STRING:
        json_object_set_new(o, "value", json_str(e->value));
        break;
    case EXPR_NUMBER:
    case EXPR_CONSTANT:
        json_object_set_new(o, "value", json_str(e->text));
        break;
    case EXPR_CALL:
        json_object_set_new(o, "name", json_str(e->text));
        json_object_set_new(o, "args", json_args(jc, e->args));
        break;
    case EXPR_OBJECT:
        json_object_set_new(o, "members", e->args ? json_args(jc, e->args) : json_array());
        break;
    case EXPR_ARRAY: {
        json_t *items = json_array();
        for (uint32_t i = 0; i < e->count; i++)
            json_array_append_new(items, json_expr(jc, e->items[i]));
        json_object_set_new(o, "items", items);
        break;
    }
    }
    json_object_set_new(o, "span", json_span(jc, e->span));
    return o;
}

static json_t *json_attrs(const JsonCtx *jc, Attribute *const *attrs, uint32_t n)
{
    json_t *arr = json_array();
    for (uint32_t i = 0; i < n; i++) {
        const Attribute *a = attrs[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_str(a->name));
        json_object_set_new(o, "block", json_boolean(a->is_block));
        json_object_set_new(o, "args", json_args(jc, a->args));
        json_object_set_new(o, "span", json_span(jc, a->span));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *json_doc(Str doc)
{
    return doc.ptr ? json_str(doc) : json_null();
}

static json_t *json_field(const JsonCtx *jc, const Field *f, Str doc)
{
    static const char *const arities[] = {"required", "optional", "list"};
    static const char *const forms[] = {"plain", "optionalList", "legacyRequired", "legacyList"};
    json_t *o = json_object();
    json_object_set_new(o, "name", json_str(f->name));
    if (f->has_type) {
        json_t *t = json_object();
        json_object_set_new(t, "name", json_str(f->type.name));
        json_object_set_new(t, "arity", json_string(arities[f->type.arity]));
        json_object_set_new(t, "unsupported", json_boolean(f->type.unsupported));
        json_object_set_new(t, "form", json_string(forms[f->type.form]));
        json_object_set_new(t, "span", json_span(jc, f->type.span));
        json_object_set_new(o, "type", t);
    } else {
        json_object_set_new(o, "type", json_null());
    }
    json_object_set_new(o, "attributes", json_attrs(jc, f->attrs, f->nattrs));
    json_object_set_new(o, "doc", json_doc(doc));
    json_object_set_new(o, "span", json_span(jc, f->span));
    return o;
}

static json_t *json_block(const JsonCtx *jc, const Block *b)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(ast_block_kind_name(b->kind)));
    json_object_set_new(o, "name", json_str(b->name));
    json_object_set_new(o, "doc", json_doc(b->doc));
    json_object_set_new(o, "span", json_span(jc, b->span));
    json_object_set_new(o, "nameSpan", json_span(jc, b->name_span));
    if (b->kind == BLOCK_DATASOURCE || b->kind == BLOCK_GENERATOR) {
        json_t *props = json_array();
        for (uint32_t i = 0; i < b->nprops; i++) {
            const Property *p = b->props[i];
            json_t *po = json_object();
            json_object_set_new(po, "key", json_str(p->key));
            json_object_set_new(po, "value", p->value ? json_expr(jc, p->value) : json_null());
            json_object_set_new(po, "span", json_span(jc, p->span));
            json_array_append_new(props, po);
        }
        json_object_set_new(o, "properties", props);
        return o;
    }
    if (b->kind == BLOCK_ENUM) {
        json_t *values = json_array();
        for (uint32_t i = 0; i < b->nvalues; i++) {
            const EnumValue *v = b->values[i];
            json_t *vo = json_object();
            json_object_set_new(vo, "name", json_str(v->name));
            json_object_set_new(vo, "attributes", json_attrs(jc, v->attrs, v->nattrs));
            json_object_set_new(vo, "doc", json_doc(b->docs ? b->docs[i] : (Str){NULL, 0}));
            json_object_set_new(vo, "span", json_span(jc, v->span));
            json_array_append_new(values, vo);
        }
        json_object_set_new(o, "values", values);
    } else {
        json_t *fields = json_array();
        for (uint32_t i = 0; i < b->nfields; i++)
            json_array_append_new(fields, json_field(jc, b->fields[i], b->docs ? b->docs[i] : (Str){NULL, 0}));
        json_object_set_new(o, "fields", fields);
    }
    json_object_set_new(o, "attributes", json_attrs(jc, b->attrs, b->nattrs));
    return o;
}

void ast_dump_json(const Ast *ast, FILE *out)
{
    static const char *const comment_kinds[] = {"line", "doc", "block"};
    JsonCtx jc = {ast};
    json_t *root = json_object();
    json_t *files = json_array();
    for (uint32_t f = 0; f < ast->nfiles; f++) {
        const AstFile *af = &ast->files[f];
        json_t *fo = json_object();
        const char *path = ast->sources->files[af->file].path;
        json_object_set_new(fo, "path", json_str((Str){path, (uint32_t)strlen(path)}));
        json_t *blocks = json_array();
        for (uint32_t i = 0; i < af->nblocks; i++)
            json_array_append_new(blocks, json_block(&jc, ast->blocks[af->first_block + i]));
        json_object_set_new(fo, "blocks", blocks);
        json_t *comments = json_array();
        for (uint32_t i = 0; i < af->ncomments; i++) {
            const Comment *c = &af->comments[i];
            json_t *co = json_object();
            json_object_set_new(co, "kind", json_string(comment_kinds[c->kind]));
            json_object_set_new(co, "text", json_str(ast_span_text(ast, c->span)));
            json_object_set_new(co, "trailing", json_boolean(c->trailing));
            json_object_set_new(co, "span", json_span(&jc, c->span));
            json_array_append_new(comments, co);
        }
        json_object_set_new(fo, "comments", comments);
        json_array_append_new(files, fo);
    }
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "files", files);
    json_dumpf(root, out, JSON_INDENT(2));
    fputc('\n', out);
    json_decref(root);
}
