/* Unified diffs with Myers' O(ND) algorithm. The edit script is recovered from the furthest
 * reaching paths kept for each d (only their [-d, d] window: O(D^2) memory); past a bound on
 * D the whole rest is shown as replaced, which keeps huge rewrites cheap. */
#include "prismac/textdiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_D 4000

typedef struct Line {
    const char *ptr;
    size_t len;     /* with its line end */
} Line;

typedef struct Lines {
    Line *items;
    size_t count;
} Lines;

static bool lines_split(const char *text, size_t len, Lines *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            n++;
    out->items = malloc((n + 2) * sizeof *out->items);
    if (!out->items)
        return false;
    out->count = 0;
    size_t start = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') {
            out->items[out->count++] = (Line){text + start, i + 1 - start};
            start = i + 1;
        }
    if (start < len)
        out->items[out->count++] = (Line){text + start, len - start};
    return true;
}

static bool line_eq(Line x, Line y)
{
    return x.len == y.len && memcmp(x.ptr, y.ptr, x.len) == 0;
}

/* An edit: 0 keep, 1 delete (a line of A), 2 insert (a line of B). */
typedef struct Script {
    unsigned char *ops;
    size_t count;
} Script;

static bool myers(const Lines *a, const Lines *b, Script *script)
{
    long n = (long)a->count, m = (long)b->count, max = n + m;
    long dmax = max < MAX_D ? max : MAX_D;
    long **trace = calloc((size_t)dmax + 1, sizeof *trace);
    long *v = calloc((size_t)(2 * dmax + 3), sizeof *v);
    if (!trace || !v) {
        free(trace);
        free(v);
        return false;
    }
    long off = dmax + 1;
    long found_d = -1;
    for (long d = 0; d <= dmax && found_d < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
            long y = x - k;
            while (x < n && y < m && line_eq(a->items[x], b->items[y])) {
                x++;
                y++;
            }
            v[off + k] = x;
            if (x >= n && y >= m) {
                found_d = d;
                break;
            }
        }
        trace[d] = malloc((size_t)(2 * d + 1) * sizeof **trace);
        if (!trace[d])
            break;
        for (long k = -d; k <= d; k++)
            trace[d][k + d] = v[off + k];
    }

    script->ops = malloc((size_t)(n + m + 1));
    script->count = 0;
    bool ok = script->ops != NULL;
    if (ok && found_d < 0) {
        /* Too different: everything deleted, then everything inserted. */
        for (long i = 0; i < n; i++)
            script->ops[script->count++] = 1;
        for (long i = 0; i < m; i++)
            script->ops[script->count++] = 2;
    } else if (ok) {
        /* Walk back from (n, m), collecting edits in reverse. */
        unsigned char *rev = malloc((size_t)(n + m + 1));
        size_t nrev = 0;
        long x = n, y = m;
        for (long d = found_d; d > 0 && rev; d--) {
            long k = x - y;
            long *vp = trace[d - 1];
            long prev_k = (k == -d || (k != d && vp[k - 1 + (d - 1)] < vp[k + 1 + (d - 1)])) ? k + 1 : k - 1;
            long prev_x = vp[prev_k + (d - 1)], prev_y = prev_x - prev_k;
            while (x > prev_x && y > prev_y) {
                rev[nrev++] = 0;
                x--;
                y--;
            }
            rev[nrev++] = x == prev_x ? 2 : 1;
            x = prev_x;
            y = prev_y;
        }
        while (rev && x > 0 && y > 0) {
            rev[nrev++] = 0;
            x--;
            y--;
        }
        ok = rev != NULL;
        for (size_t i = 0; ok && i < nrev; i++)
            script->ops[script->count++] = rev[nrev - 1 - i];
        free(rev);
    }
    for (long d = 0; d <= dmax; d++)
        free(trace[d]);
    free(trace);
    free(v);
    return ok;
}

static void print_line(FILE *out, char sign, Line l, bool color)
{
    const char *c = !color ? "" : sign == '-' ? "\033[31m" : sign == '+' ? "\033[32m" : "";
    fprintf(out, "%s%c", c, sign);
    bool has_nl = l.len && l.ptr[l.len - 1] == '\n';
    fwrite(l.ptr, 1, has_nl ? l.len - 1 : l.len, out);
    fputs(color && *c ? "\033[0m\n" : "\n", out);
    if (!has_nl)
        fputs("\\ No newline at end of file\n", out);
}

bool textdiff_unified(FILE *out, const char *a_label, const char *a, size_t a_len, const char *b_label, const char *b,
                      size_t b_len, unsigned context, bool color)
{
    if (a_len == b_len && memcmp(a, b, a_len) == 0)
        return false;
    Lines la, lb;
    if (!lines_split(a, a_len, &la))
        return true;
    if (!lines_split(b, b_len, &lb)) {
        free(la.items);
        return true;
    }
    Script s;
    if (!myers(&la, &lb, &s)) {
        free(la.items);
        free(lb.items);
        fprintf(out, "--- %s\n+++ %s\n(out of memory computing the difference)\n", a_label, b_label);
        return true;
    }
    fprintf(out, "%s--- %s\n+++ %s%s\n", color ? "\033[1m" : "", a_label, b_label, color ? "\033[0m" : "");

    /* Positions in A and B before each op. */
    size_t *ai = malloc((s.count + 1) * sizeof *ai), *bi = malloc((s.count + 1) * sizeof *bi);
    size_t x = 0, y = 0;
    for (size_t i = 0; ai && bi && i <= s.count; i++) {
        ai[i] = x;
        bi[i] = y;
        if (i < s.count) {
            if (s.ops[i] != 2)
                x++;
            if (s.ops[i] != 1)
                y++;
        }
    }
    for (size_t i = 0; ai && bi && i < s.count;) {
        if (s.ops[i] == 0) {
            i++;
            continue;
        }
        /* a hunk: from `context` keeps before the change to `context` keeps after the last
         * change that is at most 2*context keeps away */
        size_t start = i >= context ? i - context : 0;
        while (start < i && s.ops[start] != 0)
            start++;
        size_t end = i;
        for (;;) {
            while (end < s.count && s.ops[end] != 0)
                end++;
            size_t keep = 0;
            while (end + keep < s.count && s.ops[end + keep] == 0 && keep <= 2 * context)
                keep++;
            if (end + keep < s.count && keep <= 2 * context && s.ops[end + keep] != 0) {
                end += keep;
                continue;
            }
            end += keep < context ? keep : context;
            break;
        }
        size_t a_count = 0, b_count = 0;
        for (size_t k = start; k < end; k++) {
            if (s.ops[k] != 2)
                a_count++;
            if (s.ops[k] != 1)
                b_count++;
        }
        fprintf(out, "%s@@ -%zu,%zu +%zu,%zu @@%s\n", color ? "\033[36m" : "", a_count ? ai[start] + 1 : ai[start],
                a_count, b_count ? bi[start] + 1 : bi[start], b_count, color ? "\033[0m" : "");
        for (size_t k = start; k < end; k++) {
            if (s.ops[k] == 0)
                print_line(out, ' ', la.items[ai[k]], color);
            else if (s.ops[k] == 1)
                print_line(out, '-', la.items[ai[k]], color);
            else
                print_line(out, '+', lb.items[bi[k]], color);
        }
        i = end;
    }
    free(ai);
    free(bi);
    free(s.ops);
    free(la.items);
    free(lb.items);
    return true;
}
