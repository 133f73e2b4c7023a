/* Validation of types: native types (`@db.X`) per provider, the contents of literal defaults
 * (JSON, base64, RFC 3339 date-times, decimals, 64-bit integers, as Prisma parses them), and
 * PostgreSQL's index rules (GiST, GIN, SP-GiST, BRIN and their operator classes). */
#include "resolve_internal.h"

#include <stdio.h>
#include <string.h>

#define S(x) str_c(v->arena, (x))
#define BIT(t) (uint16_t)(1u << (t))

/* ---- native types ---------------------------------------------------------------------------- */

/* PostgreSQL's native types, with their arguments and the scalar types they store. */
enum {
    PG_SMALLINT, PG_INTEGER, PG_BIGINT, PG_DECIMAL, PG_MONEY, PG_INET, PG_OID, PG_CITEXT, PG_REAL,
    PG_DOUBLE_PRECISION, PG_VARCHAR, PG_CHAR, PG_TEXT, PG_BYTEA, PG_TIMESTAMP, PG_TIMESTAMPTZ, PG_DATE, PG_TIME,
    PG_TIMETZ, PG_BOOLEAN, PG_BIT, PG_VARBIT, PG_UUID, PG_XML, PG_JSON, PG_JSONB,
};
static const NativeTypeDef PG_TYPES[] = {
    [PG_SMALLINT] = {"SmallInt", 8, 0, 0, BIT(SCALAR_INT)},
    [PG_INTEGER] = {"Integer", 7, 0, 0, BIT(SCALAR_INT)},
    [PG_BIGINT] = {"BigInt", 6, 0, 0, BIT(SCALAR_BIGINT)},
    [PG_DECIMAL] = {"Decimal", 7, 0, 2, BIT(SCALAR_DECIMAL)},
    [PG_MONEY] = {"Money", 5, 0, 0, BIT(SCALAR_DECIMAL)},
    [PG_INET] = {"Inet", 4, 0, 0, BIT(SCALAR_STRING)},
    [PG_OID] = {"Oid", 3, 0, 0, BIT(SCALAR_INT)},
    [PG_CITEXT] = {"Citext", 6, 0, 0, BIT(SCALAR_STRING)},
    [PG_REAL] = {"Real", 4, 0, 0, BIT(SCALAR_FLOAT)},
    [PG_DOUBLE_PRECISION] = {"DoublePrecision", 15, 0, 0, BIT(SCALAR_FLOAT)},
    [PG_VARCHAR] = {"VarChar", 7, 0, 1, BIT(SCALAR_STRING)},
    [PG_CHAR] = {"Char", 4, 0, 1, BIT(SCALAR_STRING)},
    [PG_TEXT] = {"Text", 4, 0, 0, BIT(SCALAR_STRING)},
    [PG_BYTEA] = {"ByteA", 5, 0, 0, BIT(SCALAR_BYTES)},
    [PG_TIMESTAMP] = {"Timestamp", 9, 0, 1, BIT(SCALAR_DATETIME)},
    [PG_TIMESTAMPTZ] = {"Timestamptz", 11, 0, 1, BIT(SCALAR_DATETIME)},
    [PG_DATE] = {"Date", 4, 0, 0, BIT(SCALAR_DATETIME)},
    [PG_TIME] = {"Time", 4, 0, 1, BIT(SCALAR_DATETIME)},
    [PG_TIMETZ] = {"Timetz", 6, 0, 1, BIT(SCALAR_DATETIME)},
    [PG_BOOLEAN] = {"Boolean", 7, 0, 0, BIT(SCALAR_BOOLEAN)},
    [PG_BIT] = {"Bit", 3, 0, 1, BIT(SCALAR_STRING)},
    [PG_VARBIT] = {"VarBit", 6, 0, 1, BIT(SCALAR_STRING)},
    [PG_UUID] = {"Uuid", 4, 0, 0, BIT(SCALAR_STRING)},
    [PG_XML] = {"Xml", 3, 0, 0, BIT(SCALAR_STRING)},
    [PG_JSON] = {"Json", 4, 0, 0, BIT(SCALAR_JSON)},
    [PG_JSONB] = {"JsonB", 5, 0, 0, BIT(SCALAR_JSON)},
};

#define PG_IS(def, id) ((def) == &PG_TYPES[id])

const NativeTypeDef *native_type_find(DbProvider provider, Str name)
{
    if (provider != PROVIDER_POSTGRESQL)
        return NULL;
    const char *p = name.ptr;
    int id;
    /* by length, then the few candidates of that length */
#define IS(lit) (!memcmp(p, lit, sizeof lit - 1))
    switch (name.len) {
    case 3: id = IS("Oid") ? PG_OID : IS("Bit") ? PG_BIT : IS("Xml") ? PG_XML : -1; break;
    case 4:
        id = IS("Text") ? PG_TEXT : IS("Uuid") ? PG_UUID : IS("Inet") ? PG_INET : IS("Real") ? PG_REAL
           : IS("Char") ? PG_CHAR : IS("Date") ? PG_DATE : IS("Time") ? PG_TIME : IS("Json") ? PG_JSON : -1;
        break;
    case 5: id = IS("Money") ? PG_MONEY : IS("ByteA") ? PG_BYTEA : IS("JsonB") ? PG_JSONB : -1; break;
    case 6:
        id = IS("BigInt") ? PG_BIGINT : IS("Citext") ? PG_CITEXT : IS("Timetz") ? PG_TIMETZ : IS("VarBit") ? PG_VARBIT : -1;
        break;
    case 7:
        id = IS("VarChar") ? PG_VARCHAR : IS("Integer") ? PG_INTEGER : IS("Decimal") ? PG_DECIMAL
           : IS("Boolean") ? PG_BOOLEAN : -1;
        break;
    case 8: id = IS("SmallInt") ? PG_SMALLINT : -1; break;
    case 9: id = IS("Timestamp") ? PG_TIMESTAMP : -1; break;
    case 11: id = IS("Timestamptz") ? PG_TIMESTAMPTZ : -1; break;
    case 15: id = IS("DoublePrecision") ? PG_DOUBLE_PRECISION : -1; break;
    default: id = -1; break;
    }
#undef IS
    return id < 0 ? NULL : &PG_TYPES[id];
}

/* A u32 as Rust parses it: digits only. */
static bool parse_u32(const Expr *e, uint32_t *out)
{
    if (!e || e->kind != EXPR_NUMBER)
        return false;
    uint64_t v = 0;
    Str s = e->text;
    uint32_t i = s.len && s.ptr[0] == '+' ? 1 : 0;
    if (i == s.len)
        return false;
    for (; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s.ptr[i] - '0');
        if (v > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

static char *args_text(Validator *v, const Attribute *a)
{
    char *out = arena_strdup(v->arena, "(");
    for (uint32_t i = 0; a->args && i < a->args->count; i++)
        out = arena_sprintf(v->arena, "%s%s%s", out, i ? ", " : "", expr_to_text(v->arena, a->args->items[i].value));
    return arena_sprintf(v->arena, "%s)", out);
}

void validate_native_type(Validator *v, const DbField *f)
{
    const DbNativeType *nt = f->native;
    if (!nt->attr || f->kind != DBF_SCALAR)
        return;
    const Attribute *a = nt->attr;
    const DbDatasource *ds = v->db->datasource;
    if (ds && !str_eq(nt->scope, ds->name)) {
        Diag *d = diag_error(v->diags, a->span, "the prefix `@%s.` names no datasource: the datasource is `%s`", S(nt->scope),
                             S(ds->name));
        diag_hint(v->diags, d, "did you mean `@%s.%s`?", S(ds->name), S(nt->name));
    }
    const NativeTypeDef *def = native_type_find(v->provider, nt->name);
    if (!def) {
        const char *provider = v->provider == PROVIDER_POSTGRESQL ? "postgresql"
                               : v->provider == PROVIDER_SQLITE   ? "sqlite"
                                                                  : "the default connector";
        Diag *d = diag_error(v->diags, a->span, "`%s` is not a native type of %s", S(nt->name), provider);
        if (v->provider == PROVIDER_SQLITE)
            diag_hint(v->diags, d, "SQLite has no native type attributes: remove `@%s.%s`", S(nt->scope), S(nt->name));
        else if (v->provider == PROVIDER_NONE)
            diag_hint(v->diags, d, "native types need a datasource block with a provider");
        return;
    }
    /* the arguments as resolution read them, when they are plain numbers (no need to read the
     * syntax tree again) */
    bool plain = nt->args_unsigned && nt->nargs < 255;
    uint32_t n = plain ? nt->nargs : a->args ? a->args->count : 0;
    if (n < def->required_args || (n > def->required_args && def->optional_args == 0)) {
        diag_error(v->diags, a->span, "`@%s.%s` takes %u argument%s, but %u %s given", S(nt->scope), def->name,
                   def->required_args, def->required_args == 1 ? "" : "s", n, n == 1 ? "was" : "were");
        return;
    }
    if (n > (uint32_t)def->required_args + def->optional_args) {
        diag_error(v->diags, a->span, "`@%s.%s` takes at most %u argument%s, but %u were given", S(nt->scope), def->name,
                   def->optional_args, def->optional_args == 1 ? "" : "s", n);
        return;
    }
    if (!(def->scalars & BIT(f->scalar))) {
        const char *want = "?";
        for (unsigned t = 0; t <= SCALAR_BYTES; t++)
            if (def->scalars & BIT(t))
                want = db_scalar_name((ScalarType)t);
        Diag *d = diag_error(v->diags, a->span, "`@%s.%s` stores %s values, but the field `%s` is %s", S(nt->scope), def->name,
                             want, S(f->name), db_scalar_name(f->scalar));
        diag_note(v->diags, d, f->ast->type.span, "declare the field as `%s`, or pick a native type for %s", want,
                  db_scalar_name(f->scalar));
        return;
    }
    /* the arguments: unsigned integers */
    uint32_t x[2] = {0, 0};
    bool is_decimal = PG_IS(def, PG_DECIMAL);
    if (is_decimal && n != 0 && n != 2) {
        diag_error(v->diags, a->span, "`@%s.Decimal` takes two non-negative integers (precision, scale), not %s", S(nt->scope),
                   args_text(v, a));
        return;
    }
    for (uint32_t i = 0; plain && i < n; i++)
        x[i] = (uint32_t)nt->args[i];
    for (uint32_t i = 0; !plain && i < n; i++)
        if (!parse_u32(a->args->items[i].value, &x[i])) {
            diag_error(v->diags, a->span, "`@%s.%s` takes %s, not %s", S(nt->scope), def->name,
                       is_decimal ? "two non-negative integers" : "a non-negative integer", args_text(v, a));
            return;
        }
    if (n == 0)
        return;
    /* of the string types only Bit and VarBit have a range (a VarChar's or Char's length has
     * none to check here) */
    if ((def->scalars & BIT(SCALAR_STRING)) && !PG_IS(def, PG_BIT) && !PG_IS(def, PG_VARBIT))
        return;
    if (is_decimal && x[1] > x[0])
        diag_error(v->diags, a->span, "the scale of `@%s.Decimal(%u, %u)` is larger than its precision", S(nt->scope), x[0], x[1]);
    else if (is_decimal && (x[0] > 1000 || x[0] == 0))
        diag_error(v->diags, a->span, "the precision of `@%s.Decimal` is between 1 and 1000, not %u", S(nt->scope), x[0]);
    else if ((PG_IS(def, PG_BIT) || PG_IS(def, PG_VARBIT)) && x[0] == 0)
        diag_error(v->diags, a->span, "the length of `@%s.%s` must be positive", S(nt->scope), def->name);
    else if ((PG_IS(def, PG_TIMESTAMP) || PG_IS(def, PG_TIMESTAMPTZ) || PG_IS(def, PG_TIME) || PG_IS(def, PG_TIMETZ)) &&
             x[0] > 6)
        diag_error(v->diags, a->span, "the precision of `@%s.%s` is between 0 and 6, not %u", S(nt->scope), def->name, x[0]);
}

/* ---- default values --------------------------------------------------------------------------- */

typedef struct JsonParser {
    const char *p, *end;
    const char *err;
} JsonParser;

static void json_ws(JsonParser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool json_value(JsonParser *j, int depth);

static bool json_string(JsonParser *j)
{
    j->p++; /* " */
    while (j->p < j->end) {
        unsigned char c = (unsigned char)*j->p++;
        if (c == '"')
            return true;
        if (c < 0x20) {
            j->err = "control character in a string";
            return false;
        }
        if (c == '\\') {
            if (j->p >= j->end)
                break;
            char e = *j->p++;
            if (e == 'u') {
                for (int i = 0; i < 4; i++, j->p++)
                    if (j->p >= j->end || !((*j->p >= '0' && *j->p <= '9') || (*j->p >= 'a' && *j->p <= 'f') ||
                                            (*j->p >= 'A' && *j->p <= 'F'))) {
                        j->err = "invalid \\u escape";
                        return false;
                    }
            } else if (!strchr("\"\\/bfnrt", e) || !e) {
                j->err = "invalid escape";
                return false;
            }
        }
    }
    j->err = "unterminated string";
    return false;
}

static bool json_number(JsonParser *j)
{
    if (*j->p == '-')
        j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
        j->err = "invalid number";
        return false;
    }
    if (*j->p == '0')
        j->p++;
    else
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
            j->err = "invalid number";
            return false;
        }
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
            j->err = "invalid number";
            return false;
        }
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    return true;
}

static bool json_literal(JsonParser *j, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) >= n && !memcmp(j->p, word, n)) {
        j->p += n;
        return true;
    }
    j->err = "expected a value";
    return false;
}

static bool json_value(JsonParser *j, int depth)
{
    if (depth > 128) {
        j->err = "nested too deeply";
        return false;
    }
    json_ws(j);
    if (j->p >= j->end) {
        j->err = "expected a value";
        return false;
    }
    switch (*j->p) {
    case '"': return json_string(j);
    case 't': return json_literal(j, "true");
    case 'f': return json_literal(j, "false");
    case 'n': return json_literal(j, "null");
    case '[':
        j->p++;
        json_ws(j);
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            return true;
        }
        for (;;) {
            if (!json_value(j, depth + 1))
                return false;
            json_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                json_ws(j);
                if (j->p < j->end && *j->p == ']') {
                    j->err = "trailing comma";
                    return false;
                }
                continue;
            }
            if (j->p < j->end && *j->p == ']') {
                j->p++;
                return true;
            }
            j->err = "expected `,` or `]`";
            return false;
        }
    case '{':
        j->p++;
        json_ws(j);
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return true;
        }
        for (;;) {
            json_ws(j);
            if (j->p >= j->end || *j->p != '"') {
                j->err = j->p < j->end && *j->p == '}' ? "trailing comma" : "a key must be a string";
                return false;
            }
            if (!json_string(j))
                return false;
            json_ws(j);
            if (j->p >= j->end || *j->p != ':') {
                j->err = "expected `:`";
                return false;
            }
            j->p++;
            if (!json_value(j, depth + 1))
                return false;
            json_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == '}') {
                j->p++;
                return true;
            }
            j->err = "expected `,` or `}`";
            return false;
        }
    default:
        if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
            return json_number(j);
        j->err = "expected a value";
        return false;
    }
}

static const char *json_check(Str s)
{
    JsonParser j = {s.ptr, s.ptr + s.len, NULL};
    if (!json_value(&j, 0))
        return j.err;
    json_ws(&j);
    return j.p == j.end ? NULL : "trailing characters";
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Standard base64 with canonical padding, as Prisma decodes Bytes defaults. */
static bool base64_ok(Str s)
{
    if (s.len % 4)
        return false;
    for (uint32_t i = 0; i < s.len; i += 4) {
        bool last = i + 4 == s.len;
        int v[4];
        for (int k = 0; k < 4; k++) {
            char c = s.ptr[i + k];
            v[k] = b64_value(c);
            if (v[k] < 0) {
                if (c != '=' || !last || k < 2)
                    return false;
                if (k == 2 && s.ptr[i + 3] != '=')
                    return false;
            }
        }
        if (last) {
            if (v[2] < 0 && (v[1] & 0x0F))
                return false;      /* trailing bits must be zero */
            if (v[2] >= 0 && v[3] < 0 && (v[2] & 0x03))
                return false;
        }
    }
    return true;
}

static bool digits(const char **p, const char *end, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || **p < '0' || **p > '9')
            return false;
        v = v * 10 + (*(*p)++ - '0');
    }
    *out = v;
    return true;
}

/* RFC 3339 as chrono reads it; NULL when valid, else why not. */
static const char *rfc3339_check(Str s)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    int y, mo, d, h, mi, sec;
    if (!digits(&p, end, 4, &y) || p >= end || *p++ != '-' || !digits(&p, end, 2, &mo) || p >= end || *p++ != '-' ||
        !digits(&p, end, 2, &d))
        return p >= end ? "premature end of input" : "input contains invalid characters";
    if (p >= end)
        return "premature end of input";
    if (*p != 'T' && *p != 't' && *p != ' ')
        return "input contains invalid characters";
    p++;
    if (!digits(&p, end, 2, &h) || p >= end || *p++ != ':' || !digits(&p, end, 2, &mi) || p >= end || *p++ != ':' ||
        !digits(&p, end, 2, &sec))
        return p >= end ? "premature end of input" : "input contains invalid characters";
    if (p < end && *p == '.') {
        p++;
        if (p >= end || *p < '0' || *p > '9')
            return p >= end ? "premature end of input" : "input contains invalid characters";
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p >= end)
        return "premature end of input";
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        p++;
        int oh, om;
        if (!digits(&p, end, 2, &oh) || p >= end || *p++ != ':' || !digits(&p, end, 2, &om))
            return p >= end ? "premature end of input" : "input contains invalid characters";
        if (oh > 23 || om > 59)
            return "input is out of range";
    } else {
        return "input contains invalid characters";
    }
    if (p != end)
        return "trailing input";
    static const int MDAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > MDAYS[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 || sec > 60)
        return "input is out of range";
    return NULL;
}

/* A decimal as the bigdecimal crate reads it: sign, digits with an optional point, exponent. */
static bool decimal_ok(Str s)
{
    uint32_t i = 0, ndig = 0;
    if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-'))
        i++;
    while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9')
        i++, ndig++;
    if (i < s.len && s.ptr[i] == '.') {
        i++;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9')
            i++, ndig++;
    }
    if (!ndig)
        return false;
    if (i < s.len && (s.ptr[i] == 'e' || s.ptr[i] == 'E')) {
        i++;
        if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-'))
            i++;
        uint32_t ed = 0;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9')
            i++, ed++;
        if (!ed)
            return false;
    }
    return i == s.len;
}

static void default_literal(Validator *v, const DbField *f, const Expr *e)
{
    if (e->kind == EXPR_ARRAY) {
        for (uint32_t i = 0; i < e->count; i++)
            default_literal(v, f, e->items[i]);
        return;
    }
    const char *why = NULL;
    switch (f->scalar) {
    case SCALAR_JSON:
        if (e->kind == EXPR_STRING && (why = json_check(e->value)) != NULL)
            diag_error(v->diags, e->span, "the default of `%s` is not valid JSON: %s", S(f->name), why);
        break;
    case SCALAR_BYTES:
        if (e->kind == EXPR_STRING && !base64_ok(e->value)) {
            Diag *d = diag_error(v->diags, e->span, "the default of `%s` is not valid base64", S(f->name));
            diag_hint(v->diags, d, "a Bytes default is standard base64 with `=` padding, such as \"aGVsbG8=\"");
        }
        break;
    case SCALAR_DATETIME:
        if (e->kind == EXPR_STRING && (why = rfc3339_check(e->value)) != NULL) {
            Diag *d = diag_error(v->diags, e->span, "the default of `%s` is not an RFC 3339 date-time: %s", S(f->name), why);
            diag_hint(v->diags, d, "write it like \"2024-01-31T12:00:00Z\" or \"2024-01-31T12:00:00+01:00\"");
        }
        break;
    case SCALAR_INT:
    case SCALAR_BIGINT: {
        int64_t x;
        if (e->kind == EXPR_NUMBER && !parse_i64(e->text, &x))
            diag_error(v->diags, e->span, "the default of `%s` is not a 64-bit integer: `%s`", S(f->name), S(e->text));
        break;
    }
    case SCALAR_DECIMAL:
        if (e->kind == EXPR_STRING && !decimal_ok(e->value))
            diag_error(v->diags, e->span, "the default of `%s` is not a decimal number: \"%s\"", S(f->name), S(e->value));
        break;
    default:
        break;
    }
}

void validate_default_contents(Validator *v, const DbField *f)
{
    if (f->def->kind != DBDEF_VALUE || f->kind != DBF_SCALAR || !f->def->expr)
        return;
    default_literal(v, f, f->def->expr);
}

/* ---- PostgreSQL indexes ------------------------------------------------------------------------ */

enum { ALG_BTREE = 1, ALG_HASH = 2, ALG_GIST = 4, ALG_GIN = 8, ALG_SPGIST = 16, ALG_BRIN = 32 };

/* Operator classes: the index types they work with, and for BRIN the native type they fit
 * (`scalar` is the Prisma type they accept without a native type; -1: none). */
typedef struct OpClass {
    const char *name;
    uint8_t algos;
    const char *native;     /* BRIN: the native type it belongs to */
    int scalar;
} OpClass;

static const OpClass OPCLASSES[] = {
    {"InetOps", ALG_GIST | ALG_SPGIST, NULL, -1},   {"JsonbOps", ALG_GIN, NULL, -1},
    {"JsonbPathOps", ALG_GIN, NULL, -1},            {"ArrayOps", ALG_GIN, NULL, -1},
    {"TextOps", ALG_SPGIST, NULL, -1},
    {"BitMinMaxOps", ALG_BRIN, "Bit", -1},          {"VarBitMinMaxOps", ALG_BRIN, "VarBit", -1},
    {"BpcharBloomOps", ALG_BRIN, "Char", -1},       {"BpcharMinMaxOps", ALG_BRIN, "Char", -1},
    {"ByteaBloomOps", ALG_BRIN, "ByteA", SCALAR_BYTES}, {"ByteaMinMaxOps", ALG_BRIN, "ByteA", SCALAR_BYTES},
    {"DateBloomOps", ALG_BRIN, "Date", -1},         {"DateMinMaxOps", ALG_BRIN, "Date", -1},
    {"DateMinMaxMultiOps", ALG_BRIN, "Date", -1},
    {"Float4BloomOps", ALG_BRIN, "Real", -1},       {"Float4MinMaxOps", ALG_BRIN, "Real", -1},
    {"Float4MinMaxMultiOps", ALG_BRIN, "Real", -1},
    {"Float8BloomOps", ALG_BRIN, "DoublePrecision", SCALAR_FLOAT},
    {"Float8MinMaxOps", ALG_BRIN, "DoublePrecision", SCALAR_FLOAT},
    {"Float8MinMaxMultiOps", ALG_BRIN, "DoublePrecision", SCALAR_FLOAT},
    {"InetInclusionOps", ALG_BRIN, "Inet", -1},     {"InetBloomOps", ALG_BRIN, "Inet", -1},
    {"InetMinMaxOps", ALG_BRIN, "Inet", -1},        {"InetMinMaxMultiOps", ALG_BRIN, "Inet", -1},
    {"Int2BloomOps", ALG_BRIN, "SmallInt", -1},     {"Int2MinMaxOps", ALG_BRIN, "SmallInt", -1},
    {"Int2MinMaxMultiOps", ALG_BRIN, "SmallInt", -1},
    {"Int4BloomOps", ALG_BRIN, "Integer", SCALAR_INT}, {"Int4MinMaxOps", ALG_BRIN, "Integer", SCALAR_INT},
    {"Int4MinMaxMultiOps", ALG_BRIN, "Integer", SCALAR_INT},
    {"Int8BloomOps", ALG_BRIN, "BigInt", SCALAR_BIGINT}, {"Int8MinMaxOps", ALG_BRIN, "BigInt", SCALAR_BIGINT},
    {"Int8MinMaxMultiOps", ALG_BRIN, "BigInt", SCALAR_BIGINT},
    {"NumericBloomOps", ALG_BRIN, "Decimal", SCALAR_DECIMAL}, {"NumericMinMaxOps", ALG_BRIN, "Decimal", SCALAR_DECIMAL},
    {"NumericMinMaxMultiOps", ALG_BRIN, "Decimal", SCALAR_DECIMAL},
    {"OidBloomOps", ALG_BRIN, "Oid", -1},           {"OidMinMaxOps", ALG_BRIN, "Oid", -1},
    {"OidMinMaxMultiOps", ALG_BRIN, "Oid", -1},
    {"TextBloomOps", ALG_BRIN, "Text", SCALAR_STRING}, {"TextMinMaxOps", ALG_BRIN, "Text", SCALAR_STRING},
    {"TimestampBloomOps", ALG_BRIN, "Timestamp", SCALAR_DATETIME},
    {"TimestampMinMaxOps", ALG_BRIN, "Timestamp", SCALAR_DATETIME},
    {"TimestampMinMaxMultiOps", ALG_BRIN, "Timestamp", SCALAR_DATETIME},
    {"TimestampTzBloomOps", ALG_BRIN, "Timestamptz", -1}, {"TimestampTzMinMaxOps", ALG_BRIN, "Timestamptz", -1},
    {"TimestampTzMinMaxMultiOps", ALG_BRIN, "Timestamptz", -1},
    {"TimeBloomOps", ALG_BRIN, "Time", -1},         {"TimeMinMaxOps", ALG_BRIN, "Time", -1},
    {"TimeMinMaxMultiOps", ALG_BRIN, "Time", -1},
    {"TimeTzBloomOps", ALG_BRIN, "Timetz", -1},     {"TimeTzMinMaxOps", ALG_BRIN, "Timetz", -1},
    {"TimeTzMinMaxMultiOps", ALG_BRIN, "Timetz", -1},
    {"UuidBloomOps", ALG_BRIN, "Uuid", -1},         {"UuidMinMaxOps", ALG_BRIN, "Uuid", -1},
    {"UuidMinMaxMultiOps", ALG_BRIN, "Uuid", -1},
};

static const OpClass *opclass_find(Str name)
{
    for (size_t i = 0; i < sizeof OPCLASSES / sizeof *OPCLASSES; i++)
        if (str_eq_cstr(name, OPCLASSES[i].name))
            return &OPCLASSES[i];
    return NULL;
}

bool opclass_known(Str name)
{
    return opclass_find(name) != NULL;
}

static uint8_t algo_of(Str s)
{
    if (!s.len || str_eq_cstr(s, "BTree"))
        return ALG_BTREE;
    if (str_eq_cstr(s, "Hash"))
        return ALG_HASH;
    if (str_eq_cstr(s, "Gist"))
        return ALG_GIST;
    if (str_eq_cstr(s, "Gin"))
        return ALG_GIN;
    if (str_eq_cstr(s, "SpGist"))
        return ALG_SPGIST;
    return ALG_BRIN;
}

static const char *algo_name(uint8_t a)
{
    switch (a) {
    case ALG_BTREE: return "BTree";
    case ALG_HASH: return "Hash";
    case ALG_GIST: return "Gist";
    case ALG_GIN: return "Gin";
    case ALG_SPGIST: return "SpGist";
    default: return "Brin";
    }
}

/* The field's native type as PostgreSQL reads it: a known type whose arguments parse, or a
 * type Prisma does not know (kept by name, as an extension's type might be); NULL when
 * there is none or its arguments do not parse. Read when asked (only for a field of a GiST,
 * GIN, SP-GiST or BRIN index, or one whose native type is written Xml): no per-field cache,
 * whose memory (8 bytes a field) a large schema would pay for nothing. */
static const char *pg_native(Validator *v, const DbField *f)
{
    const Attribute *a = f->native->attr;
    if (!a)
        return NULL;
    const NativeTypeDef *d = native_type_find(PROVIDER_POSTGRESQL, f->native->name);
    if (!d)
        return str_c(v->arena, f->native->name);
    uint32_t n = a->args ? a->args->count : 0, x;
    if (n < d->required_args || n > (uint32_t)d->required_args + d->optional_args)
        return NULL;
    if (PG_IS(d, PG_DECIMAL) && n == 1)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        if (!parse_u32(a->args->items[i].value, &x))
            return NULL;
    return d->name;
}

static bool algo_supports_type(uint8_t algo, const DbField *f)
{
    if (f->kind == DBF_UNSUPPORTED)
        return true;
    bool scalar = f->kind == DBF_SCALAR;
    ScalarType t = f->scalar;
    switch (algo) {
    case ALG_GIST:
    case ALG_SPGIST: return scalar && t == SCALAR_STRING;
    case ALG_GIN: return (scalar && t == SCALAR_JSON) || f->arity == ARITY_LIST;
    case ALG_BRIN:
        return scalar && (t == SCALAR_STRING || t == SCALAR_BYTES || t == SCALAR_DATETIME || t == SCALAR_FLOAT ||
                          t == SCALAR_INT || t == SCALAR_BIGINT || t == SCALAR_DECIMAL);
    default: return true;
    }
}

static bool is_scalar(const DbField *f, ScalarType t)
{
    return f->kind == DBF_SCALAR && f->scalar == t;
}

static bool nat(const char *native, const char *name)
{
    return native && !strcmp(native, name);
}

static void index_error(Validator *v, const DbIndex *idx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void index_error(Validator *v, const DbIndex *idx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_add(v->diags, DIAG_ERROR, idx->attr->span, fmt, ap);
    va_end(ap);
}

/* Prisma's fallback when a combination is not listed: say what does not fit. */
static void index_mismatch(Validator *v, const DbIndex *idx, uint8_t algo, const DbField *f, const char *native,
                           const OpClass *op)
{
    if (native && op)
        index_error(v, idx, "the operator class `%s` does not fit the native type `%s` of the field `%s`", op->name, native,
                    S(f->name));
    else if (native)
        index_error(v, idx, "a %s index has no default operator class for the native type `%s` (field `%s`): give one with "
                    "`ops:`", algo_name(algo), native, S(f->name));
    else if (op)
        index_error(v, idx, "the operator class `%s` needs the field `%s` to have a native type (`@db.…`)", op->name,
                    S(f->name));
    else if (!algo_supports_type(algo, f))
        index_error(v, idx, "a %s index cannot index the field `%s` (%s)", algo_name(algo), S(f->name),
                    f->kind == DBF_SCALAR ? db_scalar_name(f->scalar) : "an enum");
}

static void opclass_wrong_scalar(Validator *v, const DbIndex *idx, const OpClass *op, const DbField *f, const char *type)
{
    index_error(v, idx, "the operator class `%s` is for %s fields; `%s` is not one", op->name, type, S(f->name));
}

static void generalized_index(Validator *v, const DbIndex *idx)
{
    const Db *db = v->db;
    uint8_t algo = algo_of(idx->algorithm);
    if (algo == ALG_BTREE) {
        /* B-tree takes any field; only an operator class can be wrong (none works with it) */
        for (uint32_t i = 0; i < idx->nfields; i++) {
            const DbIndexField *xf = &db->index_fields[idx->first_field + i];
            const OpClass *op = xf->ops_raw || !xf->ops.len ? NULL : opclass_find(xf->ops);
            if (op && !(op->algos & algo))
                index_error(v, idx, "the operator class `%s` does not work with a %s index", op->name, algo_name(algo));
        }
        return;
    }
    for (uint32_t i = 0; i < idx->nfields; i++) {
        const DbIndexField *xf = &db->index_fields[idx->first_field + i];
        if (xf->ops_raw)
            continue;
        const DbField *f = &db->fields[xf->field];
        const char *native = pg_native(v, f);
        const OpClass *op = xf->ops.len ? opclass_find(xf->ops) : NULL;
        if (op && !(op->algos & algo)) {
            index_error(v, idx, "the operator class `%s` does not work with a %s index", op->name, algo_name(algo));
            continue;
        }
        switch (algo) {
        case ALG_GIST:
            if (!(nat(native, "Inet") && op && !strcmp(op->name, "InetOps")))
                index_mismatch(v, idx, algo, f, native, op);
            break;
        case ALG_GIN:
            if (!native && !op && is_scalar(f, SCALAR_JSON))
                break;
            if (!op && f->arity == ARITY_LIST)
                break;
            if (nat(native, "JsonB") && (!op || !strcmp(op->name, "JsonbOps") || !strcmp(op->name, "JsonbPathOps")))
                break;
            if (!native && op && (!strcmp(op->name, "JsonbOps") || !strcmp(op->name, "JsonbPathOps"))) {
                if (!is_scalar(f, SCALAR_JSON))
                    opclass_wrong_scalar(v, idx, op, f, "Json");
                break;
            }
            if (op && !strcmp(op->name, "ArrayOps")) {
                if (f->arity != ARITY_LIST)
                    index_error(v, idx, "the operator class `ArrayOps` needs a list field; `%s` is not one", S(f->name));
                break;
            }
            index_mismatch(v, idx, algo, f, native, op);
            break;
        case ALG_SPGIST:
            if (nat(native, "Inet") && (!op || !strcmp(op->name, "InetOps")))
                break;
            if (!native && !op && is_scalar(f, SCALAR_STRING))
                break;
            if (!native && op && !strcmp(op->name, "TextOps")) {
                if (!is_scalar(f, SCALAR_STRING))
                    opclass_wrong_scalar(v, idx, op, f, "String");
                break;
            }
            if ((nat(native, "Text") || nat(native, "VarChar") || nat(native, "Char")) && (!op || !strcmp(op->name, "TextOps")))
                break;
            index_mismatch(v, idx, algo, f, native, op);
            break;
        case ALG_BRIN: {
            if (native) {
                /* a native type with no class, or with one of its classes; VarChar takes the
                 * Text classes */
                const char *owner = op ? op->native : NULL;
                bool ok = !op || (owner && (!strcmp(owner, native) || (!strcmp(native, "VarChar") && !strcmp(owner, "Text"))));
                static const char *const BRIN_NATIVE[] = {"Bit", "VarBit", "Char", "Date", "Real", "DoublePrecision",
                                                          "Inet", "SmallInt", "Integer", "BigInt", "Decimal", "Oid",
                                                          "ByteA", "Text", "VarChar", "Timestamp", "Timestamptz", "Time",
                                                          "Timetz", "Uuid"};
                bool listed = false;
                for (size_t k = 0; k < sizeof BRIN_NATIVE / sizeof *BRIN_NATIVE; k++)
                    listed |= !strcmp(native, BRIN_NATIVE[k]);
                if (!(listed && ok))
                    index_mismatch(v, idx, algo, f, native, op);
                break;
            }
            if (!op) {
                if (f->kind == DBF_SCALAR &&
                    (f->scalar == SCALAR_FLOAT || f->scalar == SCALAR_INT || f->scalar == SCALAR_BIGINT ||
                     f->scalar == SCALAR_DECIMAL || f->scalar == SCALAR_BYTES || f->scalar == SCALAR_STRING ||
                     f->scalar == SCALAR_DATETIME))
                    break;
                index_mismatch(v, idx, algo, f, native, op);
                break;
            }
            if (op->scalar >= 0) {
                if (!is_scalar(f, (ScalarType)op->scalar))
                    opclass_wrong_scalar(v, idx, op, f, db_scalar_name((ScalarType)op->scalar));
                break;
            }
            index_mismatch(v, idx, algo, f, native, op);
            break;
        }
        default:
            break;
        }
    }
}

void validate_pg_indexes(Validator *v, uint32_t model)
{
    const Db *db = v->db;
    const DbModel *m = &db->models[model];
    for (uint32_t k = 0; k < m->nindexes; k++) {
        const DbIndex *idx = &db->indexes[m->first_index + k];
        /* a B-tree index (no `type`) whose fields have no operator class has nothing more to
         * check (generalized_index would find nothing, and it is no SpGist) */
        bool more = idx->algorithm.len > 0;
        for (uint32_t i = 0; i < idx->nfields; i++) {
            const DbIndexField *xf = &db->index_fields[idx->first_field + i];
            const DbField *f = &db->fields[xf->field];
            more |= xf->ops.len > 0;
            /* only a field whose native type is written Xml can have it */
            if (f->native->name.len == 3 && !memcmp(f->native->name.ptr, "Xml", 3) && nat(pg_native(v, f), "Xml")) {
                Diag *d = diag_error(v->diags, f->ast->span, idx->kind == DBIDX_UNIQUE
                                                                 ? "a field of native type `Xml` cannot be unique on PostgreSQL"
                                                                 : "a field of native type `Xml` cannot be indexed on PostgreSQL");
                diag_note(v->diags, d, idx->attr->span, "it is in this index");
                more = true;
                break;
            }
        }
        if (!more)
            continue;
        generalized_index(v, idx);
        if (str_eq_cstr(idx->algorithm, "SpGist") && idx->nfields != 1)
            index_error(v, idx, "an SpGist index takes one column; this one has %u", idx->nfields);
    }
}
