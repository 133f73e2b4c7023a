/* Grammar of the Prisma schema language, for Lemon (generated into build/parser.c).
 *
 * The language is line-based, as in Prisma's datamodel.pest: every field, enum value, block
 * attribute and `key = value` ends at a NEWLINE token, a block's `{` ends its line (the driver
 * skips whatever follows it), and `}` closes a block only at the start of a line. Comments never
 * reach the grammar: the driver (src/parse.c) records them for the tree.
 *
 * Actions are one call each into the builders of src/ast.c. Error recovery is per line: a bad
 * line is reported once and parsing resumes after its NEWLINE; a block with a bad header is
 * skipped whole. */

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

/* The order of the tokens fixes their codes; parse.c maps lexer kinds onto them. */
%token NEWLINE IDENT NUMBER STRING MODEL VIEW TYPE ENUM DATASOURCE GENERATOR UNSUPPORTED
       LBRACE RBRACE LPAREN RPAREN LBRACKET RBRACKET LISTMARK COMMA COLON EQUALS QUESTION BANG
       AT ATAT ILLEGAL.

/* Keywords are names wherever a keyword cannot stand: `type String` is a field. */
%fallback IDENT MODEL VIEW TYPE ENUM DATASOURCE GENERATOR.

%syntax_error {
    /* Which tokens the parser could take here, for "expected ..." in the message. */
    bool expected[YYNTOKEN];
    for (int i = 0; i < YYNTOKEN; i++)
        expected[i] = i > 0 && yy_find_shift_action((YYCODETYPE)i, yypParser->yytos->stateno) != YY_ERROR_ACTION;
    parse_syntax_error(ctx, yymajor, TOKEN, expected, YYNTOKEN);
}

%parse_failure {
    parse_failure(ctx);
}

%stack_overflow {
    parse_stack_overflow(ctx);
}

schema ::= top_items.

top_items ::= top_items top_item.
top_items ::= .

top_item ::= NEWLINE.
top_item ::= block.
/* A bad line at the top level; errors are reported again from the next line on. */
top_item ::= error NEWLINE.                 { yypParser->yyerrcnt = -1; }
/* A block whose header is wrong (unknown keyword, missing name): skip its body whole. */
top_item ::= bad_block_open NEWLINE skipped RBRACE.   { parse_skip_end(ctx); yypParser->yyerrcnt = -1; }
bad_block_open ::= error LBRACE.            { parse_skip_begin(ctx); }

skipped ::= skipped skip_token.
skipped ::= .
skip_token ::= NEWLINE|IDENT|NUMBER|STRING|MODEL|VIEW|TYPE|ENUM|DATASOURCE|GENERATOR|UNSUPPORTED|LBRACE|LPAREN|RPAREN|LBRACKET|RBRACKET|LISTMARK|COMMA|COLON|EQUALS|QUESTION|BANG|AT|ATAT|ILLEGAL.

/* ---- blocks ---------------------------------------------------------------------------- */

block ::= model_head LBRACE NEWLINE model_items RBRACE(C).     { ast_block_end(ctx, C); }
block ::= enum_head LBRACE NEWLINE enum_items RBRACE(C).       { ast_block_end(ctx, C); }
block ::= config_head LBRACE NEWLINE config_items RBRACE(C).   { ast_block_end(ctx, C); }

model_head ::= MODEL(K) block_name(N).       { ast_block_begin(ctx, BLOCK_MODEL, K, N); }
model_head ::= VIEW(K) block_name(N).        { ast_block_begin(ctx, BLOCK_VIEW, K, N); }
model_head ::= TYPE(K) block_name(N).        { ast_block_begin(ctx, BLOCK_TYPE, K, N); }
enum_head ::= ENUM(K) block_name(N).         { ast_block_begin(ctx, BLOCK_ENUM, K, N); }
config_head ::= DATASOURCE(K) block_name(N). { ast_block_begin(ctx, BLOCK_DATASOURCE, K, N); }
config_head ::= GENERATOR(K) block_name(N).  { ast_block_begin(ctx, BLOCK_GENERATOR, K, N); }

%type block_name {LexToken}
block_name(A) ::= IDENT(N).                  { A = N; }
block_name(A) ::= NUMBER(N).                 { A = N; }

/* ---- models, views, composite types ---------------------------------------------------- */

model_items ::= model_items model_item.
model_items ::= .

model_item ::= NEWLINE.
model_item ::= field NEWLINE.
model_item ::= line_attr NEWLINE.
model_item ::= error NEWLINE.                { yypParser->yyerrcnt = -1; }

field ::= field_name(N) field_type(T) field_attrs.          { ast_field(ctx, N, &T, false); }
field ::= field_name(N) COLON field_type(T) field_attrs.    { ast_field(ctx, N, &T, true); }
field ::= field_name(N) field_attrs.                        { ast_field(ctx, N, NULL, false); }

%type field_name {LexToken}
field_name(A) ::= IDENT(N).                  { A = N; }
field_name(A) ::= NUMBER(N).                 { A = N; }

%type field_type {FieldType}
field_type(A) ::= base_type(B).                          { A = B; }
field_type(A) ::= base_type(B) QUESTION(E).              { A = ast_type_arity(ctx, B, ARITY_OPTIONAL, TYPEFORM_PLAIN, E); }
field_type(A) ::= base_type(B) LISTMARK(E).              { A = ast_type_arity(ctx, B, ARITY_LIST, TYPEFORM_PLAIN, E); }
field_type(A) ::= base_type(B) LISTMARK QUESTION(E).     { A = ast_type_arity(ctx, B, ARITY_LIST, TYPEFORM_OPTIONAL_LIST, E); }
field_type(A) ::= base_type(B) BANG(E).                  { A = ast_type_arity(ctx, B, ARITY_REQUIRED, TYPEFORM_LEGACY_REQUIRED, E); }
field_type(A) ::= LBRACKET(S) base_type(B) RBRACKET(E).  { A = ast_type_legacy_list(ctx, S, B, E); }

%type base_type {FieldType}
base_type(A) ::= IDENT(N).                               { A = ast_type_named(ctx, N); }
base_type(A) ::= UNSUPPORTED(S) STRING(V) RPAREN(E).     { A = ast_type_unsupported(ctx, S, V, E); }

/* Line-level actions run while NEWLINE is the lookahead, before the driver reads the next line
 * (and its comments). */
enum_value ::= field_name(N) field_attrs.    { ast_enum_value(ctx, N); }
property ::= field_name(K) EQUALS expr(V).   { ast_property(ctx, K, V); }
property ::= field_name(K) EQUALS.           { ast_property(ctx, K, NULL); }
line_attr ::= block_attr(A).                 { ast_block_add_attr(ctx, A); }

/* Attributes of the current line gather in the parse context. */
field_attrs ::= field_attrs field_attr(A).   { ast_pending_attr(ctx, A); }
field_attrs ::= .                            { ast_pending_clear(ctx); }

%type field_attr {Attribute *}
field_attr(A) ::= AT(S) attr_name(N).                    { A = ast_attribute(ctx, S, N, NULL, false); }
field_attr(A) ::= AT(S) attr_name(N) arg_list(L).        { A = ast_attribute(ctx, S, N, L, false); }

%type block_attr {Attribute *}
block_attr(A) ::= ATAT(S) attr_name(N).                  { A = ast_attribute(ctx, S, N, NULL, true); }
block_attr(A) ::= ATAT(S) attr_name(N) arg_list(L).      { A = ast_attribute(ctx, S, N, L, true); }

%type attr_name {LexToken}
attr_name(A) ::= IDENT(N).                   { A = N; }

/* ---- arguments and expressions ---------------------------------------------------------- */

%type arg_list {ArgList *}
arg_list(A) ::= LPAREN(S) arg_tail(T).       { A = ast_args_close(ctx, T, S); }

/* Everything after `(` up to and including `)`. */
%type arg_tail {ArgList *}
arg_tail(A) ::= RPAREN(E).                   { A = ast_args_new(ctx); ast_args_end(ctx, A, E); }
arg_tail(A) ::= args(L) RPAREN(E).           { A = L; ast_args_end(ctx, A, E); }
arg_tail(A) ::= args(L) COMMA(C) RPAREN(E).  { A = L; ast_args_trailing_comma(ctx, A, C); ast_args_end(ctx, A, E); }

%type args {ArgList *}
args(A) ::= arg(X).                          { A = ast_args_new(ctx); ast_args_push(ctx, A, &X); }
args(A) ::= args(L) COMMA arg(X).            { A = L; ast_args_push(ctx, A, &X); }

%type arg {Arg}
arg(A) ::= expr(E).                          { A = ast_arg(ctx, NULL, E); }
arg(A) ::= IDENT(N) COLON expr(E).           { A = ast_arg(ctx, &N, E); }
arg(A) ::= IDENT(N) COLON(C).                { A = ast_arg_empty(ctx, N, C); }

%type expr {Expr *}
expr(A) ::= NUMBER(T).                       { A = ast_expr_token(ctx, EXPR_NUMBER, T); }
expr(A) ::= STRING(T).                       { A = ast_expr_string(ctx, T); }
expr(A) ::= IDENT(T).                        { A = ast_expr_token(ctx, EXPR_CONSTANT, T); }
expr(A) ::= IDENT(T) arg_list(L).            { A = ast_expr_call(ctx, T, L); }
expr(A) ::= UNSUPPORTED(T) arg_tail(L).      { A = ast_expr_call(ctx, T, L); }
expr(A) ::= LISTMARK(T).                     { A = ast_expr_array(ctx, T); }
expr(A) ::= LBRACKET(S) RBRACKET(E).         { A = ast_expr_array(ctx, S); ast_expr_array_end(ctx, A, E); }
expr(A) ::= LBRACKET(S) elements(L) RBRACKET(E).  { A = L; ast_expr_array_start(ctx, A, S); ast_expr_array_end(ctx, A, E); }

%type elements {Expr *}
elements(A) ::= expr(E).                     { A = ast_expr_array_of(ctx, E); }
elements(A) ::= elements(L) COMMA expr(E).   { A = L; ast_expr_array_push(ctx, A, E); }

/* ---- enums ------------------------------------------------------------------------------- */

enum_items ::= enum_items enum_item.
enum_items ::= .

enum_item ::= NEWLINE.
enum_item ::= enum_value NEWLINE.
enum_item ::= line_attr NEWLINE.
enum_item ::= error NEWLINE.                       { yypParser->yyerrcnt = -1; }

/* ---- datasource and generator ------------------------------------------------------------- */

config_items ::= config_items config_item.
config_items ::= .

config_item ::= NEWLINE.
config_item ::= property NEWLINE.
config_item ::= error NEWLINE.                          { yypParser->yyerrcnt = -1; }
