/* Grammar of the Prisma schema language, for Lemon (generated into build/parser.c).
 *
 * The language is line-based, as in Prisma's datamodel.pest: every field, enum value, block
 * attribute and `key = value` ends at a NEWLINE token, a block's `{` ends its line (the driver
 * skips whatever follows it), and `}` closes a block only at the start of a line. Comments never
 * reach the grammar: the driver (src/parse.c) records them for the tree.
 *
 * Actions are one call each into the builders of src/ast.c. Error recovery is per line: a bad
 * line is reported once and parsing resumes after its NEWLINE; a block with a bad header is
 * skipped whole. Lists are left-recursive and items are reduced in place, so that a typical
 * field costs few reductions (the parser is on the hot path of every command). */

%name PrismaParse
%token_prefix TK_
%token_type {LexToken}
%extra_context {ParseCtx *ctx}
%start_symbol schema

%include {
#include "parse_internal.h"
#include <assert.h>
#include <stdbool.h>
}

/* The order of the tokens fixes their codes; parse.c maps lexer kinds onto them.
 * IDENT is a plain name (digits only included), PATH a dotted one (db.VarChar). */
%token NEWLINE IDENT PATH NUMBER STRING MODEL VIEW TYPE ENUM DATASOURCE GENERATOR UNSUPPORTED
       LBRACE RBRACE LPAREN RPAREN LBRACKET RBRACKET LISTMARK COMMA COLON EQUALS QUESTION BANG
       AT ATAT ILLEGAL ATTR BLOCK_ATTR.

/* Keywords are names wherever a keyword cannot stand: `type String` is a field. */
%fallback IDENT MODEL VIEW TYPE ENUM DATASOURCE GENERATOR.

%syntax_error {
    /* Which tokens the parser could take here, for "expected ..." in the message. */
    bool expected[YYNTOKEN];
    for (int i = 0; i < YYNTOKEN; i++)
        expected[i] = i > 0 && yy_find_shift_action((YYCODETYPE)i, yypParser->yytos->stateno) != YY_ERROR_ACTION;
    parse_syntax_error(ctx, TOKEN, expected, YYNTOKEN);
}

%code {
/* Lemon stays silent for three tokens after an error; recovery here is per line, so a new line
 * may report its own first error. */
void PrismaParseReportAgain(void *parser)
{
    ((yyParser *)parser)->yyerrcnt = -1;
}
}

%parse_failure {
    parse_failure(ctx);
}

%stack_overflow {
    parse_stack_overflow(ctx);
}

schema ::= top_items.

top_items ::= top_items NEWLINE.
top_items ::= top_items block.
/* A bad line at the top level. (Errors are reported again from the next line on: the driver
 * calls PrismaParseReportAgain after each line.) */
top_items ::= top_items error NEWLINE.
/* A block whose header is wrong (unknown keyword, missing name): skip its body whole. */
top_items ::= top_items bad_block_open NEWLINE skipped RBRACE.   { parse_skip_end(ctx); }
top_items ::= .
bad_block_open ::= error LBRACE.            { parse_skip_begin(ctx); }

skipped ::= skipped skip_token.
skipped ::= .
skip_token ::= NEWLINE|IDENT|PATH|NUMBER|STRING|MODEL|VIEW|TYPE|ENUM|DATASOURCE|GENERATOR|UNSUPPORTED|LBRACE|LPAREN|RPAREN|LBRACKET|RBRACKET|LISTMARK|COMMA|COLON|EQUALS|QUESTION|BANG|AT|ATAT|ILLEGAL|ATTR|BLOCK_ATTR.

/* ---- blocks ---------------------------------------------------------------------------- */

block ::= model_head LBRACE NEWLINE model_items RBRACE(C).     { ast_block_end(ctx, C); }
block ::= enum_head LBRACE NEWLINE enum_items RBRACE(C).       { ast_block_end(ctx, C); }
block ::= config_head LBRACE NEWLINE config_items RBRACE(C).   { ast_block_end(ctx, C); }

model_head ::= MODEL(K) IDENT(N).            { ast_block_begin(ctx, BLOCK_MODEL, K, N); }
model_head ::= VIEW(K) IDENT(N).             { ast_block_begin(ctx, BLOCK_VIEW, K, N); }
model_head ::= TYPE(K) IDENT(N).             { ast_block_begin(ctx, BLOCK_TYPE, K, N); }
enum_head ::= ENUM(K) IDENT(N).              { ast_block_begin(ctx, BLOCK_ENUM, K, N); }
config_head ::= DATASOURCE(K) IDENT(N).      { ast_block_begin(ctx, BLOCK_DATASOURCE, K, N); }
config_head ::= GENERATOR(K) IDENT(N).       { ast_block_begin(ctx, BLOCK_GENERATOR, K, N); }

/* Line-level actions run while NEWLINE is the lookahead, before the driver reads the next line
 * (and its comments). */

/* ---- models, views, composite types ---------------------------------------------------- */

model_items ::= model_items NEWLINE.
model_items ::= model_items field NEWLINE.
model_items ::= model_items block_attr NEWLINE.
model_items ::= model_items error NEWLINE.
/* From here on the block's items are on the parser's stack (a syntax error recovers within the
 * block); until then, one on the block's first line abandons it. The driver's fast path for
 * common lines (src/parse.c) waits for this (and for the same in enums). */
model_items ::= .                               { ctx->items_open = true; }

/* With and without attributes, so that a field without any costs no empty reduction. */
field ::= IDENT(N) field_type.                         { ast_pending_clear(ctx); ast_field(ctx, N, &ctx->type, false); }
field ::= IDENT(N) field_type field_attrs.             { ast_field(ctx, N, &ctx->type, false); }
field ::= IDENT(N) COLON field_type.                   { ast_pending_clear(ctx); ast_field(ctx, N, &ctx->type, true); }
field ::= IDENT(N) COLON field_type field_attrs.       { ast_field(ctx, N, &ctx->type, true); }
field ::= IDENT(N).                                    { ast_pending_clear(ctx); ast_field(ctx, N, NULL, false); }
field ::= IDENT(N) field_attrs.                        { ast_field(ctx, N, NULL, false); }

/* A field's type: a name or Unsupported("..."), then `?`, `[]`, or the forms validation rejects
 * (`[]?`, `!`, `[T]`). Spelled out per base so that a plain type costs one reduction. The type
 * is built in the parse context (a line has one), not carried on the parser's stack: a value
 * that large would make every stack entry as large and be copied at each reduction. */
field_type ::= IDENT(N).                              { ast_type_named(ctx, N, ARITY_REQUIRED, TYPEFORM_PLAIN, N); }
field_type ::= IDENT(N) QUESTION(E).                  { ast_type_named(ctx, N, ARITY_OPTIONAL, TYPEFORM_PLAIN, E); }
field_type ::= IDENT(N) LISTMARK(E).                  { ast_type_named(ctx, N, ARITY_LIST, TYPEFORM_PLAIN, E); }
field_type ::= IDENT(N) LISTMARK QUESTION(E).         { ast_type_named(ctx, N, ARITY_LIST, TYPEFORM_OPTIONAL_LIST, E); }
field_type ::= IDENT(N) BANG(E).                      { ast_type_named(ctx, N, ARITY_REQUIRED, TYPEFORM_LEGACY_REQUIRED, E); }
field_type ::= LBRACKET(S) IDENT(N) RBRACKET(E).      { ast_type_named(ctx, N, ARITY_REQUIRED, TYPEFORM_PLAIN, N); ast_type_legacy_list(ctx, S, E); }
field_type ::= unsupported.
field_type ::= unsupported QUESTION(E).               { ast_type_arity(ctx, ARITY_OPTIONAL, TYPEFORM_PLAIN, E); }
field_type ::= unsupported LISTMARK(E).               { ast_type_arity(ctx, ARITY_LIST, TYPEFORM_PLAIN, E); }
field_type ::= unsupported LISTMARK QUESTION(E).      { ast_type_arity(ctx, ARITY_LIST, TYPEFORM_OPTIONAL_LIST, E); }
field_type ::= unsupported BANG(E).                   { ast_type_arity(ctx, ARITY_REQUIRED, TYPEFORM_LEGACY_REQUIRED, E); }
field_type ::= LBRACKET(S) unsupported RBRACKET(E).   { ast_type_legacy_list(ctx, S, E); }

unsupported ::= UNSUPPORTED(S) STRING(V) RPAREN(E).   { ast_type_unsupported(ctx, S, V, E); }

/* Attributes of the current line gather in the parse context. The lexer reads `@name` and
 * `@@name` as one token (ATTR, BLOCK_ATTR); `@ name`, which Prisma also accepts, comes as two. */
/* The first attribute of a line starts the list afresh (whatever a bad line left in it). */
field_attrs ::= ATTR(A).                                 { ast_pending_clear(ctx); ast_pending_attr(ctx, ast_attribute_token(ctx, A, NULL, false)); }
field_attrs ::= ATTR(A) arg_list(L).                     { ast_pending_clear(ctx); ast_pending_attr(ctx, ast_attribute_token(ctx, A, L, false)); }
field_attrs ::= AT(S) IDENT(N).                          { ast_pending_clear(ctx); ast_pending_attr(ctx, ast_attribute(ctx, S, N, NULL, false)); }
field_attrs ::= AT(S) PATH(N).                           { ast_pending_clear(ctx); ast_pending_attr(ctx, ast_attribute(ctx, S, N, NULL, false)); }
field_attrs ::= AT(S) IDENT(N) arg_list(L).              { ast_pending_clear(ctx); ast_pending_attr(ctx, ast_attribute(ctx, S, N, L, false)); }
field_attrs ::= AT(S) PATH(N) arg_list(L).               { ast_pending_clear(ctx); ast_pending_attr(ctx, ast_attribute(ctx, S, N, L, false)); }
field_attrs ::= field_attrs ATTR(A).                     { ast_pending_attr(ctx, ast_attribute_token(ctx, A, NULL, false)); }
field_attrs ::= field_attrs ATTR(A) arg_list(L).         { ast_pending_attr(ctx, ast_attribute_token(ctx, A, L, false)); }
field_attrs ::= field_attrs AT(S) IDENT(N).              { ast_pending_attr(ctx, ast_attribute(ctx, S, N, NULL, false)); }
field_attrs ::= field_attrs AT(S) PATH(N).               { ast_pending_attr(ctx, ast_attribute(ctx, S, N, NULL, false)); }
field_attrs ::= field_attrs AT(S) IDENT(N) arg_list(L).  { ast_pending_attr(ctx, ast_attribute(ctx, S, N, L, false)); }
field_attrs ::= field_attrs AT(S) PATH(N) arg_list(L).   { ast_pending_attr(ctx, ast_attribute(ctx, S, N, L, false)); }

/* A block attribute is added to its block as soon as its line is known to end (NEWLINE is the
 * lookahead when it reduces). */
block_attr ::= BLOCK_ATTR(A).                            { ast_block_add_attr(ctx, ast_attribute_token(ctx, A, NULL, true)); }
block_attr ::= BLOCK_ATTR(A) arg_list(L).                { ast_block_add_attr(ctx, ast_attribute_token(ctx, A, L, true)); }
block_attr ::= ATAT(S) IDENT(N).                         { ast_block_add_attr(ctx, ast_attribute(ctx, S, N, NULL, true)); }
block_attr ::= ATAT(S) PATH(N).                          { ast_block_add_attr(ctx, ast_attribute(ctx, S, N, NULL, true)); }
block_attr ::= ATAT(S) IDENT(N) arg_list(L).             { ast_block_add_attr(ctx, ast_attribute(ctx, S, N, L, true)); }
block_attr ::= ATAT(S) PATH(N) arg_list(L).              { ast_block_add_attr(ctx, ast_attribute(ctx, S, N, L, true)); }

/* ---- arguments and expressions ---------------------------------------------------------- */

%type arg_list {ArgList *}
arg_list(A) ::= LPAREN(S) RPAREN(E).                     { A = ast_args_new(ctx, S); ast_args_end(ctx, A, E); }
arg_list(A) ::= LPAREN(S) args(L) RPAREN(E).             { A = L; ast_args_start(ctx, A, S); ast_args_end(ctx, A, E); }
arg_list(A) ::= LPAREN(S) args(L) COMMA(C) RPAREN(E).    { A = L; ast_args_start(ctx, A, S); ast_args_trailing_comma(ctx, A, C); ast_args_end(ctx, A, E); }

/* Arguments, positional or named, folded straight into their list. */
%type args {ArgList *}
args(A) ::= expr(E).                             { A = ast_args_of(ctx, NULL, E); }
args(A) ::= IDENT(N) COLON expr(E).              { A = ast_args_of(ctx, &N, E); }
args(A) ::= IDENT(N) COLON(C).                   { A = ast_args_of_empty(ctx, N, C); }
args(A) ::= args(L) COMMA expr(E).               { A = L; ast_args_push(ctx, A, NULL, E); }
args(A) ::= args(L) COMMA IDENT(N) COLON expr(E).  { A = L; ast_args_push(ctx, A, &N, E); }
args(A) ::= args(L) COMMA IDENT(N) COLON(C).     { A = L; ast_args_push_empty(ctx, A, N, C); }

%type expr {Expr *}
expr(A) ::= NUMBER(T).                       { A = ast_expr_token(ctx, EXPR_NUMBER, T); }
expr(A) ::= STRING(T).                       { A = ast_expr_string(ctx, T); }
expr(A) ::= IDENT(T).                        { A = ast_expr_name(ctx, T); }
expr(A) ::= PATH(T).                         { A = ast_expr_token(ctx, EXPR_CONSTANT, T); }
expr(A) ::= IDENT(T) arg_list(L).            { A = ast_expr_call(ctx, T, L); }
expr(A) ::= PATH(T) arg_list(L).             { A = ast_expr_call(ctx, T, L); }
/* `Unsupported(` is one token, so its call has no LPAREN of its own. */
expr(A) ::= UNSUPPORTED(T) RPAREN(E).                     { A = ast_expr_call(ctx, T, ast_args_new(ctx, T)); ast_args_start(ctx, A->args, T); ast_args_end(ctx, A->args, E); }
expr(A) ::= UNSUPPORTED(T) args(L) RPAREN(E).             { ast_args_start(ctx, L, T); ast_args_end(ctx, L, E); A = ast_expr_call(ctx, T, L); }
expr(A) ::= UNSUPPORTED(T) args(L) COMMA(C) RPAREN(E).    { ast_args_start(ctx, L, T); ast_args_trailing_comma(ctx, L, C); ast_args_end(ctx, L, E); A = ast_expr_call(ctx, T, L); }
expr(A) ::= LISTMARK(T).                     { A = ast_expr_array(ctx, T); }
expr(A) ::= LBRACKET(S) RBRACKET(E).         { A = ast_expr_array(ctx, S); ast_expr_array_end(ctx, A, E); }
expr(A) ::= LBRACKET(S) elements(L) RBRACKET(E).  { A = L; ast_expr_array_start(ctx, A, S); ast_expr_array_end(ctx, A, E); }

/* An object, `{ published: true }`: Prisma's partial-index conditions (`where:`). */
expr(A) ::= LBRACE(S) RBRACE(E).                 { A = ast_expr_object(ctx, S, NULL, E); }
expr(A) ::= LBRACE(S) members(L) RBRACE(E).      { A = ast_expr_object(ctx, S, L, E); }

%type members {ArgList *}
members(A) ::= IDENT(N) COLON expr(E).                   { A = ast_args_of(ctx, &N, E); }
members(A) ::= members(L) COMMA IDENT(N) COLON expr(E).  { A = L; ast_args_push(ctx, A, &N, E); }

%type elements {Expr *}
elements(A) ::= expr(E).                     { A = ast_expr_array_of(ctx, E); }
elements(A) ::= elements(L) COMMA expr(E).   { A = L; ast_expr_array_push(ctx, A, E); }

/* ---- enums ------------------------------------------------------------------------------- */

enum_items ::= enum_items NEWLINE.
enum_items ::= enum_items enum_value NEWLINE.
enum_items ::= enum_items block_attr NEWLINE.
enum_items ::= enum_items error NEWLINE.
enum_items ::= .                                { ctx->items_open = true; }

enum_value ::= IDENT(N).                     { ast_pending_clear(ctx); ast_enum_value(ctx, N); }
enum_value ::= IDENT(N) field_attrs.         { ast_enum_value(ctx, N); }

/* ---- datasource and generator ------------------------------------------------------------- */

config_items ::= config_items NEWLINE.
config_items ::= config_items property NEWLINE.
config_items ::= config_items error NEWLINE.
config_items ::= .

property ::= IDENT(K) EQUALS expr(V).        { ast_property(ctx, K, V); }
property ::= IDENT(K) EQUALS.                { ast_property(ctx, K, NULL); }
