/* The parser: a compact dump of the tree for each construct of the language. */
#include "testutil.h"

static void dump_str(FILE *f, Str s)
{
    fputc('"', f);
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void dump_expr(FILE *f, const Expr *e);

static void dump_args_between(FILE *f, const ArgList *args, char open, char close)
{
    fputc(open, f);
    for (uint32_t i = 0; i < args->count; i++) {
        const Arg *a = &args->items[i];
        if (i)
            fputs(", ", f);
        if (a->name.len)
            fprintf(f, "%.*s:", (int)a->name.len, a->name.ptr);
        if (a->name.len && a->value)
            fputc(' ', f);
        if (a->value)
            dump_expr(f, a->value);
    }
    if (args->trailing_comma)
        fputs(",", f);
    fputc(close, f);
}

static void dump_args(FILE *f, const ArgList *args)
{
    dump_args_between(f, args, '(', ')');
}

static void dump_expr(FILE *f, const Expr *e)
{
    switch (e->kind) {
    case EXPR_STRING:
        dump_str(f, e->value);
        break;
    case EXPR_NUMBER:
    case EXPR_CONSTANT:
        fprintf(f, "%.*s", (int)e->text.len, e->text.ptr);
        break;
    case EXPR_CALL:
        fprintf(f, "%.*s", (int)e->text.len, e->text.ptr);
        dump_args(f, e->args);
        break;
    case EXPR_OBJECT:
        if (e->args)
            dump_args_between(f, e->args, '{', '}');
        else
            fputs("{}", f);
        break;
    case EXPR_ARRAY:
        fputc('[', f);
        for (uint32_t i = 0; i < e->count; i++) {
            if (i)
                fputs(", ", f);
            dump_expr(f, e->items[i]);
        }
        fputc(']', f);
        break;
    }
}

static void dump_attrs(FILE *f, Attribute *const *attrs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        fprintf(f, " %s%.*s", attrs[i]->is_block ? "@@" : "@", (int)attrs[i]->name.len, attrs[i]->name.ptr);
        if (attrs[i]->args)
            dump_args(f, attrs[i]->args);
    }
}

static void dump_doc(FILE *f, Str doc)
{
    if (doc.ptr) {
        fputs(" doc=", f);
        dump_str(f, doc);
    }
}

/* One line per block and item: "model A doc=\"...\" | id Int @id | @@map(\"a\")". */
static char *dump_ast(const Ast *ast)
{
    static const char *const arity[] = {"", "?", "[]"};
    static const char *const form[] = {"", " (optional list)", " (legacy !)", " (legacy [T])"};
    Capture c;
    FILE *f = capture_begin(&c);
    for (uint32_t i = 0; i < ast->nblocks; i++) {
        const Block *b = ast->blocks[i];
        fprintf(f, "%s %.*s", ast_block_kind_name(b->kind), (int)b->name.len, b->name.ptr);
        dump_doc(f, b->doc);
        for (uint32_t k = 0; k < b->nitems; k++) {
            const BlockItem *it = &b->items[k];
            fputs(" | ", f);
            if (it->kind == ITEM_FIELD) {
                const Field *fl = b->fields[it->index];
                fprintf(f, "%.*s", (int)fl->name.len, fl->name.ptr);
                if (fl->has_type) {
                    if (fl->type.unsupported) {
                        fputs(" Unsupported(", f);
                        dump_str(f, fl->type.name);
                        fputs(")", f);
                    } else {
                        fprintf(f, " %.*s", (int)fl->type.name.len, fl->type.name.ptr);
                    }
                    fprintf(f, "%s%s", arity[fl->type.arity], form[fl->type.form]);
                }
                dump_attrs(f, fl->attrs, fl->nattrs);
                dump_doc(f, b->docs ? b->docs[it->index] : (Str){NULL, 0});
            } else if (it->kind == ITEM_VALUE) {
                const EnumValue *v = b->values[it->index];
                fprintf(f, "%.*s", (int)v->name.len, v->name.ptr);
                dump_attrs(f, v->attrs, v->nattrs);
                dump_doc(f, b->docs ? b->docs[it->index] : (Str){NULL, 0});
            } else if (it->kind == ITEM_PROPERTY) {
                const Property *p = b->props[it->index];
                fprintf(f, "%.*s =", (int)p->key.len, p->key.ptr);
                if (p->value) {
                    fputc(' ', f);
                    dump_expr(f, p->value);
                }
            } else {
                const Attribute *a = b->attrs[it->index];
                fprintf(f, "@@%.*s", (int)a->name.len, a->name.ptr);
                if (a->args)
                    dump_args(f, a->args);
            }
        }
        fputc('\n', f);
    }
    return capture_end(&c);
}

#define ASSERT_TREE(schema, expected)                                       \
    do {                                                                    \
        Parsed *p_ = parse_text(schema);                                    \
        char *d_ = diags_text(p_, false);                                   \
        assert_string_equal(d_, "");                                        \
        char *t_ = dump_ast(p_->ast);                                       \
        assert_string_equal(t_, (expected));                                \
        free(t_);                                                           \
        free(d_);                                                           \
        parsed_free(p_);                                                    \
    } while (0)

static void test_datasource_and_generator(void **state)
{
    (void)state;
    ASSERT_TREE("datasource db {\n"
                "  provider = \"postgresql\"\n"
                "  url      = env(\"DATABASE_URL\")\n"
                "  schemas  = [\"public\", \"auth\"]\n"
                "}\n"
                "generator client {\n"
                "  provider        = \"prisma-client-js\"\n"
                "  previewFeatures = []\n"
                "  engineType = library\n"
                "  retries = 3\n"
                "  flag = true\n"
                "  empty =\n"
                "}\n",
                "datasource db | provider = \"postgresql\" | url = env(\"DATABASE_URL\") | schemas = [\"public\", \"auth\"]\n"
                "generator client | provider = \"prisma-client-js\" | previewFeatures = [] | engineType = library | "
                "retries = 3 | flag = true | empty =\n");
}

static void test_model_fields(void **state)
{
    (void)state;
    ASSERT_TREE("model User {\n"
                "  id      Int      @id @default(autoincrement())\n"
                "  email   String   @unique @db.VarChar(255)\n"
                "  name    String?\n"
                "  tags    String[]\n"
                "  loc     Unsupported(\"point\")?\n"
                "  posts   Post[]   @relation(\"author\")\n"
                "}\n",
                "model User | id Int @id @default(autoincrement()) | email String @unique @db.VarChar(255) | "
                "name String? | tags String[] | loc Unsupported(\"point\")? | posts Post[] @relation(\"author\")\n");
}

static void test_nested_arguments(void **state)
{
    (void)state;
    ASSERT_TREE("model A {\n"
                "  id String @id @default(dbgenerated(\"gen_random_uuid()\")) @db.Uuid\n"
                "  @@index([a(sort: Desc), b(ops: raw(\"x\"))], type: Gin)\n"
                "  @@unique(fields: [a, b], name: \"ab\", map: \"ab_key\")\n"
                "}\n",
                "model A | id String @id @default(dbgenerated(\"gen_random_uuid()\")) @db.Uuid | "
                "@@index([a(sort: Desc), b(ops: raw(\"x\"))], type: Gin) | "
                "@@unique(fields: [a, b], name: \"ab\", map: \"ab_key\")\n");
}

static void test_numbers_and_strings(void **state)
{
    (void)state;
    ASSERT_TREE("model A {\n"
                "  a Int @default(-42)\n"
                "  b Float @default(-0.125)\n"
                "  c String @default(\"tab\\there \\\"q\\\" \\u00e9 \\ud83d\\ude00 \\/ \\\\\")\n"
                "  d Json @default(\"{\\\"k\\\": [1, 2]}\")\n"
                "}\n",
                "model A | a Int @default(-42) | b Float @default(-0.125) | "
                "c String @default(\"tab\\x09here \\\"q\\\" é 😀 / \\\\\") | d Json @default(\"{\\\"k\\\": [1, 2]}\")\n");
}

static void test_enums(void **state)
{
    (void)state;
    ASSERT_TREE("enum Role {\n"
                "  USER\n"
                "  ADMIN @map(\"admin\")\n"
                "\n"
                "  @@map(\"roles\")\n"
                "}\n",
                "enum Role | USER | ADMIN @map(\"admin\") | @@map(\"roles\")\n");
}

static void test_views_and_types(void **state)
{
    (void)state;
    ASSERT_TREE("view UserInfo {\n  id Int @unique\n}\ntype Address {\n  street String\n}\n",
                "view UserInfo | id Int @unique\ntype Address | street String\n");
}

static void test_keywords_as_names(void **state)
{
    (void)state;
    ASSERT_TREE("model model {\n"
                "  type  String\n"
                "  model Int\n"
                "  enum  view\n"
                "  view  Int @map(\"datasource\")\n"
                "  generator Int\n"
                "  @@index([type, model], type: Hash)\n"
                "}\n"
                "enum enum {\n  model\n  type\n}\n",
                "model model | type String | model Int | enum view | view Int @map(\"datasource\") | generator Int | "
                "@@index([type, model], type: Hash)\n"
                "enum enum | model | type\n");
}

static void test_documentation(void **state)
{
    (void)state;
    ASSERT_TREE("/// A user.\n"
                "/// Second line.\n"
                "model User {\n"
                "  // not documentation\n"
                "  /// The key.\n"
                "  id Int @id /// trailing\n"
                "  /// kept over a blank line\n"
                "\n"
                "  name String\n"
                "  plain String // plain trailing\n"
                "}\n"
                "\n"
                "/// separated by a blank line: free-floating\n"
                "\n"
                "enum E {\n"
                "  /// first\n"
                "  A\n"
                "}\n",
                "model User doc=\"A user.\\nSecond line.\" | id Int @id doc=\"The key.\\ntrailing\" | "
                "name String doc=\"kept over a blank line\" | plain String\n"
                "enum E | A doc=\"first\"\n");
}

static void test_comments_recorded(void **state)
{
    (void)state;
    Parsed *p = parse_text("// top\nmodel A { // opener\n  id Int @id /* t */\n  /* own\n line */\n}\n");
    char *d = diags_text(p, false);
    assert_string_equal(d, "");
    AstFile *af = &p->ast->files[0];
    assert_int_equal(af->ncomments, 4);
    assert_int_equal(af->comments[0].kind, COMMENT_LINE);
    assert_false(af->comments[0].trailing);
    assert_int_equal(af->comments[1].kind, COMMENT_LINE);
    assert_true(af->comments[1].trailing);
    assert_int_equal(af->comments[2].kind, COMMENT_BLOCK);
    assert_true(af->comments[2].trailing);
    assert_int_equal(af->comments[3].kind, COMMENT_BLOCK);
    assert_false(af->comments[3].trailing);
    Str t = ast_span_text(p->ast, af->comments[1].span);
    assert_int_equal(t.len, strlen("// opener"));
    free(d);
    parsed_free(p);
}

static void test_line_endings_agree(void **state)
{
    (void)state;
    const char *lf = "model A {\n  id Int @id\n  s  String?\n}\n";
    const char *crlf = "model A {\r\n  id Int @id\r\n  s  String?\r\n}\r\n";
    const char *cr = "model A {\r  id Int @id\r  s  String?\r}\r";
    const char *expected = "model A | id Int @id | s String?\n";
    ASSERT_TREE(lf, expected);
    ASSERT_TREE(crlf, expected);
    ASSERT_TREE(cr, expected);
}

static void test_tabs_and_spacing(void **state)
{
    (void)state;
    ASSERT_TREE("model\tA\t{\n\tid\tInt\t@id\n\ts String ?\n\tt Int [] @default( [ 1 , 2 ] )\n}",
                "model A | id Int @id | s String? | t Int[] @default([1, 2])\n");
}

static void test_legacy_forms_kept(void **state)
{
    (void)state;
    Parsed *p = parse_text("model A {\n  a Int!\n  b [Int]\n  c Int[]?\n  d: Int\n}\n");
    char *t = dump_ast(p->ast);
    assert_string_equal(t, "model A | a Int (legacy !) | b Int[] (legacy [T]) | c Int[] (optional list) | d Int\n");
    assert_int_equal(p->diags.errors, 4);
    assert_true(p->ast->blocks[0]->fields[3]->legacy_colon);
    free(t);
    parsed_free(p);
}

static void test_empty_argument_and_trailing_comma(void **state)
{
    (void)state;
    ASSERT_TREE("model A {\n  id Int @id\n  @@index([id], map:)\n  @@map(\"a\",)\n}\n",
                "model A | id Int @id | @@index([id], map:) | @@map(\"a\",)\n");
}

static void test_spans(void **state)
{
    (void)state;
    const char *text = "model A {\n  id Int @default(42, map: \"x\")\n}\n";
    Parsed *p = parse_text(text);
    const Block *b = p->ast->blocks[0];
    const Field *f = b->fields[0];
    Str s = ast_span_text(p->ast, f->span);
    assert_int_equal(s.len, strlen("id Int @default(42, map: \"x\")"));
    const Attribute *a = f->attrs[0];
    s = ast_span_text(p->ast, a->span);
    assert_int_equal(s.len, strlen("@default(42, map: \"x\")"));
    s = ast_span_text(p->ast, a->args->items[1].span);
    assert_memory_equal(s.ptr, "map: \"x\"", s.len);
    s = ast_span_text(p->ast, a->args->items[1].value->span);
    assert_memory_equal(s.ptr, "\"x\"", s.len);
    s = ast_span_text(p->ast, a->args->span);
    assert_memory_equal(s.ptr, "(42, map: \"x\")", s.len);
    s = ast_span_text(p->ast, b->span);
    assert_int_equal(s.len, strlen(text) - 1);
    s = ast_span_text(p->ast, f->type.span);
    assert_memory_equal(s.ptr, "Int", 3);
    parsed_free(p);
}

static void test_multi_file(void **state)
{
    (void)state;
    Arena a;
    arena_init(&a);
    SourceSet set;
    source_set_init(&set, &a);
    Diags d;
    diags_init(&d, &a);
    const char *one = "model A {\n  id Int @id\n}\n";
    const char *two = "enum E {\n  X\n}\nmodel B {\n  id Int @id\n}\n";
    source_add_text(&set, "one.prisma", one, strlen(one));
    source_add_text(&set, "two.prisma", two, strlen(two));
    Ast *ast = ast_parse(&set, &d);
    assert_int_equal(d.count, 0);
    assert_int_equal(ast->nblocks, 3);
    assert_int_equal(ast->nfiles, 2);
    assert_int_equal(ast->blocks[0]->span.file, 0);
    assert_int_equal(ast->blocks[1]->span.file, 1);
    assert_int_equal(ast->blocks[2]->fields[0]->span.file, 1);
    assert_int_equal(ast->files[1].first_block, 1);
    assert_int_equal(ast->files[1].nblocks, 2);
    arena_free(&a);
}

static void test_text_after_brace(void **state)
{
    (void)state;
    Parsed *p = parse_text("model A { id Int\n  id Int @id\n}\n");
    char *d = diags_text(p, false);
    assert_string_equal(d, "schema.prisma:1:11: warning: ignored: text after `{` on the same line is not part of the block\n");
    char *t = dump_ast(p->ast);
    assert_string_equal(t, "model A | id Int @id\n");
    free(t);
    free(d);
    parsed_free(p);
}

static void test_recovery_keeps_parsing(void **state)
{
    (void)state;
    Parsed *p = parse_text("model A {\n  id Int @id\n  bad bad bad\n  ok String\n}\n"
                           "garbage here\n"
                           "model B {\n  x Int @id\n}\n");
    assert_int_equal(p->diags.errors, 2);
    char *t = dump_ast(p->ast);
    assert_string_equal(t, "model A | id Int @id | ok String\nmodel B | x Int @id\n");
    free(t);
    parsed_free(p);
}

static void test_keyword_glued_to_name(void **state)
{
    (void)state;
    /* Prisma reads `modelUser {` as `model User {` */
    ASSERT_TREE("modelUser {\n  id Int @id\n}\nenumerate {\n  A\n}\ntypeAddress {\n  s String\n}\n",
                "model User | id Int @id\nenum erate | A\ntype Address | s String\n");
}

static void test_unicode_identifiers(void **state)
{
    (void)state;
    ASSERT_TREE("model Über {\n  naïve String @map(\"x\")\n  名前 String\n}\n",
                "model Über | naïve String @map(\"x\") | 名前 String\n");
}

static void deep_dump(FILE *f, const Ast *ast);

/* What a parse of `set` gives: the tree (as `prismac ast` prints it, or with `deep` every member
 * and span) and the diagnostics. Frees the arena. */
static char *dump_parse(Arena *a, SourceSet *set, const ParseOptions *opt, bool deep)
{
    Diags d;
    diags_init(&d, a);
    Ast *ast = ast_parse_with(set, &d, opt);
    Capture c;
    FILE *f = capture_begin(&c);
    if (deep)
        deep_dump(f, ast);
    else
        ast_dump_json(ast, f);
    diags_print(f, set, &d, (DiagStyle){.color = false, .show_source = true});
    char *out = capture_end(&c);
    arena_free(a);
    return out;
}

/* The tree, comments and diagnostics of a file parsed in one pass and in chunks. */
static char *parse_dump(const char *path, const ParseOptions *opt)
{
    Arena a;
    arena_init(&a);
    SourceSet set;
    source_set_init(&set, &a);
    char *err = NULL;
    if (source_add_path(&set, path, &err) != SOURCE_OK) {
        arena_free(&a);
        return NULL;
    }
    return dump_parse(&a, &set, opt, false);
}

/* The same of a text. */
static char *parse_text_dump(const char *name, const char *text, size_t len, const ParseOptions *opt, bool deep)
{
    Arena a;
    arena_init(&a);
    SourceSet set;
    source_set_init(&set, &a);
    source_add_text(&set, name, text, len);
    return dump_parse(&a, &set, opt, deep);
}

static void test_chunked_parse_equals_one_pass(void **state)
{
    (void)state;
    static const char *const dirs[] = {"fixtures/syntax", "fixtures/validate", "fixtures/sql", "fixtures/format",
                                       "examples"};
    ParseOptions one = {.threads = 1, .min_chunk_bytes = 1};
    ParseOptions many = {.threads = 5, .min_chunk_bytes = 1};
    unsigned files = 0;
    for (size_t k = 0; k < sizeof dirs / sizeof *dirs; k++) {
        RunResult r = run_cmd("ls %s/*.prisma", dirs[k]);
        for (char *path = strtok(r.out, "\n"); path; path = strtok(NULL, "\n")) {
            char *a = parse_dump(path, &one), *b = parse_dump(path, &many);
            if (!a || !b) {
                free(a);
                free(b);
                continue;
            }
            if (strcmp(a, b) != 0)
                print_error("%s parses differently in chunks\n", path);
            assert_string_equal(a, b);
            files++;
            free(a);
            free(b);
        }
        run_free(&r);
    }
    assert_true(files > 1000);
}

/* The UTF-8 check reads ASCII 32 and 8 bytes at a time: a bad byte (or a multi-byte letter) at
 * every offset of a buffer, around and across the block boundaries, is found where it is. */
static void test_utf8_check_at_every_offset(void **state)
{
    (void)state;
    char buf[100];
    for (size_t len = 1; len <= sizeof buf; len++) {
        for (size_t at = 0; at < len; at++) {
            memset(buf, 'a', len);
            buf[at] = (char)0xFF;
            size_t bad = 999;
            assert_false(source_is_utf8(buf, len, &bad));
            assert_int_equal(bad, at);
            if (at + 2 <= len) {
                memcpy(buf + at, "\xC3\xA9", 2);   /* é */
                assert_true(source_is_utf8(buf, len, NULL));
            }
        }
        memset(buf, 'a', len);
        assert_true(source_is_utf8(buf, len, NULL));
    }
}

/* Every member of the tree, spans included, for comparing two parses exactly. */
static void deep_span(FILE *f, Span s)
{
    fprintf(f, "<%u:%u-%u>", s.file, s.start, s.end);
}

static void deep_expr(FILE *f, const Expr *e);

static void deep_args(FILE *f, const ArgList *l)
{
    if (!l) {
        fputs("noargs", f);
        return;
    }
    fprintf(f, "args%u,%u", l->count, l->trailing_comma);
    deep_span(f, l->span);
    fputc('(', f);
    for (uint32_t i = 0; i < l->count; i++) {
        const Arg *a = &l->items[i];
        dump_str(f, a->name);
        deep_span(f, a->name_span);
        deep_span(f, a->span);
        if (a->value)
            deep_expr(f, a->value);
        fputc(';', f);
    }
    fputc(')', f);
}

static void deep_expr(FILE *f, const Expr *e)
{
    fprintf(f, "expr%d", (int)e->kind);
    deep_span(f, e->span);
    dump_str(f, e->text);
    switch (e->kind) {
    case EXPR_STRING:
        dump_str(f, e->value);
        break;
    case EXPR_CALL:
    case EXPR_OBJECT:
        deep_args(f, e->args);
        break;
    case EXPR_ARRAY:
        fputc('[', f);
        for (uint32_t i = 0; i < e->count; i++)
            deep_expr(f, e->items[i]);
        fputc(']', f);
        break;
    default:
        break;
    }
}

static void deep_attrs(FILE *f, Attribute *const *attrs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        const Attribute *a = attrs[i];
        fprintf(f, " @%d", a->is_block);
        dump_str(f, a->name);
        deep_span(f, a->name_span);
        deep_span(f, a->span);
        deep_args(f, a->args);
    }
}

static void deep_dump(FILE *f, const Ast *ast)
{
    for (uint32_t i = 0; i < ast->nblocks; i++) {
        const Block *b = ast->blocks[i];
        fprintf(f, "block %d ", (int)b->kind);
        dump_str(f, b->name);
        dump_str(f, b->doc);
        deep_span(f, b->name_span);
        deep_span(f, b->keyword_span);
        deep_span(f, b->open_brace);
        deep_span(f, b->close_brace);
        deep_span(f, b->span);
        fputc('\n', f);
        for (uint32_t k = 0; k < b->nfields; k++) {
            const Field *fl = b->fields[k];
            fputs(" field ", f);
            dump_str(f, fl->name);
            dump_str(f, b->docs ? b->docs[k] : (Str){NULL, 0});
            deep_span(f, fl->name_span);
            deep_span(f, fl->span);
            fprintf(f, " %d%d type ", fl->has_type, fl->legacy_colon);
            dump_str(f, fl->type.name);
            deep_span(f, fl->type.name_span);
            deep_span(f, fl->type.span);
            fprintf(f, " %d%d%d", fl->type.arity, fl->type.form, fl->type.unsupported);
            deep_attrs(f, fl->attrs, fl->nattrs);
            fputc('\n', f);
        }
        for (uint32_t k = 0; k < b->nvalues; k++) {
            const EnumValue *v = b->values[k];
            fputs(" value ", f);
            dump_str(f, v->name);
            dump_str(f, b->docs ? b->docs[k] : (Str){NULL, 0});
            deep_span(f, v->name_span);
            deep_span(f, v->span);
            deep_attrs(f, v->attrs, v->nattrs);
            fputc('\n', f);
        }
        for (uint32_t k = 0; k < b->nprops; k++) {
            const Property *p = b->props[k];
            fputs(" prop ", f);
            dump_str(f, p->key);
            deep_span(f, p->key_span);
            deep_span(f, p->span);
            if (p->value)
                deep_expr(f, p->value);
            fputc('\n', f);
        }
        deep_attrs(f, b->attrs, b->nattrs);
        fputs("\n items", f);
        for (uint32_t k = 0; k < b->nitems; k++)
            fprintf(f, " %d:%u", (int)b->items[k].kind, b->items[k].index);
        fputc('\n', f);
    }
    for (uint32_t i = 0; i < ast->nfiles; i++) {
        const AstFile *af = &ast->files[i];
        fprintf(f, "file %u blocks %u+%u\n", af->file, af->first_block, af->nblocks);
        for (uint32_t k = 0; k < af->ncomments; k++) {
            fprintf(f, " comment %d%d", (int)af->comments[k].kind, af->comments[k].trailing);
            deep_span(f, af->comments[k].span);
        }
        fputc('\n', f);
    }
}

/* Common lines of models are built without the parser (parse.c's fast path): the same tree,
 * comments and diagnostics as through the parser, on every fixture and on variants of them
 * with a fragment inserted or text cut out at positions picked by a fixed pseudo-random
 * sequence (so that the valid lines around errors, and lines just outside the fast path's
 * grammar, are both exercised). */
static void test_fast_lines_equal_parser(void **state)
{
    (void)state;
    static const char *const dirs[] = {"fixtures/syntax", "fixtures/validate", "fixtures/sql", "fixtures/format",
                                       "fixtures/seeds", "examples"};
    static const char *const frags[] = {"@", "@@", "(", ")", "{", "}", "\"", ",", ":", "\n", "/*", "*/", "//",
                                        "///", "[", "]", "[]", "?", "!", "=", " ", "\t", "\r", "model ", "(a:",
                                        "Unsupported(\"x\")", "-1.5", "42", "db.", ".", "\\", "@id", "@@index([a])",
                                        "type", "x", "}\n", "{\n", "\"\\q\"", "[[[[[[[[[", "((((((((((", "\x01"};
    ParseOptions fast = {.threads = 1, .min_chunk_bytes = 1};
    ParseOptions slow = {.threads = 1, .min_chunk_bytes = 1, .parser_only = true};
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    unsigned files = 0, variants = 0;
    for (size_t k = 0; k < sizeof dirs / sizeof *dirs; k++) {
        RunResult r = run_cmd("ls %s/*.prisma", dirs[k]);
        for (char *path = strtok(r.out, "\n"); path; path = strtok(NULL, "\n")) {
            size_t len = 0;
            char *text = read_whole_file(path, &len);
            if (!text || len > 100000) {
                free(text);
                continue;
            }
            for (int v = 0; v < 4; v++) {
                char *buf = malloc(len + 64);
                assert_non_null(buf);
                size_t n = len;
                memcpy(buf, text, len);
                if (v > 0 && len > 0) {
                    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
                    size_t at = (size_t)(rng >> 33) % (len + 1);
                    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
                    if ((rng >> 33) % 3 == 0) {
                        size_t cut = 1 + (size_t)(rng >> 40) % 6;
                        if (at + cut > n)
                            cut = n - at;
                        memmove(buf + at, buf + at + cut, n - at - cut);
                        n -= cut;
                    } else {
                        const char *fr = frags[(rng >> 40) % (sizeof frags / sizeof *frags)];
                        size_t fl = strlen(fr);
                        memmove(buf + at + fl, buf + at, n - at);
                        memcpy(buf + at, fr, fl);
                        n += fl;
                    }
                }
                char *a = parse_text_dump("schema.prisma", buf, n, &fast, true),
                     *b = parse_text_dump("schema.prisma", buf, n, &slow, true);
                if (strcmp(a, b) != 0)
                    print_error("%s (variant %d) parses differently by the fast path\n", path, v);
                assert_string_equal(a, b);
                variants++;
                free(a);
                free(b);
                free(buf);
            }
            files++;
            free(text);
        }
        run_free(&r);
    }
    assert_true(files > 1000);
    assert_true(variants > 4000);
}

/* A large file is mapped rather than read (source.c): the same text, NUL-terminated, and the same
 * tree and diagnostics as the same bytes given as text; also at a size that is a multiple of the
 * page size (read, not mapped). */
static void check_large_file(size_t size)
{
    char *text = malloc(size + 1);
    assert_non_null(text);
    static const char block[] = "/// doc\nmodel M%06u {\n  id Int @id // note\n  name String? @db.VarChar(9)\n}\n\n";
    size_t n = 0;
    for (unsigned i = 0; n + 128 < size; i++)
        n += (size_t)snprintf(text + n, size + 1 - n, block, i);
    while (n < size - 1)
        text[n++] = ' ';
    text[n++] = 'x';    /* a syntax error on the last line */
    text[n] = '\0';
    char path[] = "/tmp/prismac-test-large-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, size), (ssize_t)size);
    close(fd);

    Arena a;
    arena_init(&a);
    SourceSet set;
    source_set_init(&set, &a);
    char *err = NULL;
    assert_int_equal(source_add_path(&set, path, &err), SOURCE_OK);
    assert_int_equal(set.files[0].len, size);
    assert_memory_equal(set.files[0].text, text, size);
    assert_int_equal(set.files[0].text[size], '\0');
    arena_free(&a);

    ParseOptions one = {.threads = 1, .min_chunk_bytes = 1};
    char *from_file = parse_dump(path, &one);
    char *from_text = parse_text_dump(path, text, size, &one, false);
    assert_non_null(from_file);
    assert_string_equal(from_file, from_text);
    assert_non_null(strstr(from_text, "error"));
    free(from_file);
    free(from_text);
    free(text);
    unlink(path);
}

static void test_large_file(void **state)
{
    (void)state;
    long page = sysconf(_SC_PAGESIZE);
    check_large_file(300 * 1000 + 7);
    check_large_file((size_t)page * 80);
}

static void test_object_literals(void **state)
{
    (void)state;
    ASSERT_TREE("model A {\n"
                "  @@index([slug], where: { published: true, slug: { not: null } })\n"
                "  @@unique([a], where: {})\n"
                "}\n",
                "model A | @@index([slug], where: {published: true, slug: {not: null}}) | @@unique([a], where: {})\n");
}

static void test_empty_inputs(void **state)
{
    (void)state;
    ASSERT_TREE("", "");
    ASSERT_TREE("\n\n  \n", "");
    ASSERT_TREE("// only a comment", "");
    ASSERT_TREE("model A {\n}", "model A\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_datasource_and_generator),
        cmocka_unit_test(test_model_fields),
        cmocka_unit_test(test_nested_arguments),
        cmocka_unit_test(test_numbers_and_strings),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_views_and_types),
        cmocka_unit_test(test_keywords_as_names),
        cmocka_unit_test(test_documentation),
        cmocka_unit_test(test_comments_recorded),
        cmocka_unit_test(test_line_endings_agree),
        cmocka_unit_test(test_tabs_and_spacing),
        cmocka_unit_test(test_legacy_forms_kept),
        cmocka_unit_test(test_empty_argument_and_trailing_comma),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_multi_file),
        cmocka_unit_test(test_text_after_brace),
        cmocka_unit_test(test_recovery_keeps_parsing),
        cmocka_unit_test(test_keyword_glued_to_name),
        cmocka_unit_test(test_unicode_identifiers),
        cmocka_unit_test(test_object_literals),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_chunked_parse_equals_one_pass),
        cmocka_unit_test(test_fast_lines_equal_parser),
        cmocka_unit_test(test_utf8_check_at_every_offset),
        cmocka_unit_test(test_large_file),
    };
    return cmocka_run_group_tests_name("parser", tests, NULL, NULL);
}
