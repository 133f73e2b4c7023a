/* The names `prisma format` invents for the fields it adds: camelCase and plurals as the `cruet`
 * inflector makes them, and Prisma's first-letter case helpers. */
#include "format_internal.h"

#include <stdlib.h>

static Str buf_to_arena(Arena *arena, Buf *b)
{
    char *p = arena_alloc_raw(arena, b->len + 1);
    if (b->len)
        memcpy(p, b->ptr, b->len);
    p[b->len] = '\0';
    Str s = {p, (uint32_t)b->len};
    buf_free(b);
    return s;
}

static bool uni_alnum(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    return fmt_uni_is_letter(cp) || fmt_uni_is_numeric(cp);
}

static bool uni_numeric(uint32_t cp)
{
    return cp < 0x80 ? cp >= '0' && cp <= '9' : fmt_uni_is_numeric(cp);
}

static bool uni_lower(uint32_t cp)
{
    return cp < 0x80 ? cp >= 'a' && cp <= 'z' : fmt_uni_is_lower(cp);
}

static bool uni_upper(uint32_t cp)
{
    return cp < 0x80 ? cp >= 'A' && cp <= 'Z' : fmt_uni_is_upper(cp);
}

/* cruet's camelCase: words split at non-alphanumerics, after digits, and where a lowercase
 * letter is followed by an uppercase one; the first word lowercased, later words capitalised.
 * Only ASCII letters change case; the case tests are Unicode. */
Str format_name_camel(Arena *arena, Str s)
{
    /* trailing non-alphanumeric characters are dropped */
    size_t end = 0;
    for (size_t p = 0; p < s.len;) {
        size_t n;
        uint32_t cp = fmt_utf8_decode(s.ptr, s.len, p, &n);
        p += n;
        if (uni_alnum(cp))
            end = p;
    }
    Buf b = {0};
    bool new_word = false, started = false;
    uint32_t last = ' ';
    for (size_t p = 0; p < end;) {
        size_t n;
        uint32_t cp = fmt_utf8_decode(s.ptr, end, p, &n);
        const char *raw = s.ptr + p;
        p += n;
        if (!uni_alnum(cp)) {
            if (started)
                new_word = true;
            continue;
        }
        if (uni_numeric(cp)) {
            buf_put(&b, raw, n);
            started = true;
            new_word = true;
            continue;
        }
        if (new_word || (uni_lower(last) && uni_upper(cp))) {
            buf_putc(&b, cp < 0x80 && cp >= 'a' && cp <= 'z' ? (char)(cp - 32) : raw[0]);
            buf_put(&b, raw + 1, n - 1);
            new_word = false;
        } else {
            buf_putc(&b, cp < 0x80 && cp >= 'A' && cp <= 'Z' ? (char)(cp + 32) : raw[0]);
            buf_put(&b, raw + 1, n - 1);
            last = cp;
        }
        started = true;
    }
    return buf_to_arena(arena, &b);
}

/* ---- plurals ------------------------------------------------------------------------------ */

static const char *const UNCOUNTABLE[] = {
    "accommodation", "adulthood", "advertising", "advice", "aggression", "aid", "air", "aircraft", "alcohol",
    "anger", "applause", "arithmetic", "assistance", "athletics", "bacon", "baggage", "beef", "biology", "blood",
    "botany", "bread", "butter", "carbon", "cardboard", "cash", "chalk", "chaos", "chess", "crossroads",
    "countryside", "dancing", "deer", "dignity", "dirt", "dust", "economics", "education", "electricity",
    "engineering", "enjoyment", "envy", "equipment", "ethics", "evidence", "evolution", "fame", "fiction",
    "flour", "flu", "food", "fuel", "fun", "furniture", "gallows", "garbage", "garlic", "genetics", "gold", "golf",
    "gossip", "grammar", "gratitude", "grief", "guilt", "gymnastics", "happiness", "hardware", "harm", "hate",
    "hatred", "health", "heat", "help", "homework", "honesty", "honey", "hospitality", "housework", "humour",
    "hunger", "hydrogen", "ice", "importance", "inflation", "information", "innocence", "iron", "irony", "jam",
    "jewelry", "judo", "karate", "knowledge", "lack", "laughter", "lava", "leather", "leisure", "lightning",
    "linguine", "linguini", "linguistics", "literature", "litter", "livestock", "logic", "loneliness", "luck",
    "luggage", "macaroni", "machinery", "magic", "management", "mankind", "marble", "mathematics", "mayonnaise",
    "measles", "methane", "milk", "money", "mud", "music", "mumps", "nature", "news", "nitrogen", "nonsense",
    "nurture", "nutrition", "obedience", "obesity", "oxygen", "pasta", "patience", "physics", "poetry",
    "pollution", "poverty", "pride", "psychology", "publicity", "punctuation", "quartz", "racism", "relaxation",
    "reliability", "research", "respect", "revenge", "rice", "rubbish", "rum", "safety", "scenery", "seafood",
    "seaside", "series", "shame", "sheep", "shopping", "sleep", "smoke", "smoking", "snow", "soap", "software",
    "soil", "spaghetti", "species", "steam", "stuff", "stupidity", "sunshine", "symmetry", "tennis", "thirst",
    "thunder", "timber", "traffic", "transportation", "trust", "underwear", "unemployment", "unity", "validity",
    "veal", "vegetation", "vegetarianism", "vengeance", "violence", "vitality", "warmth", "wealth", "weather",
    "welfare", "wheat", "wildlife", "wisdom", "yoga", "zinc", "zoology",
};

static const char *const IRREGULAR[][2] = {
    {"ox", "oxen"},     {"man", "men"},     {"woman", "women"}, {"die", "dice"},   {"yes", "yeses"},
    {"foot", "feet"},   {"eave", "eaves"},  {"goose", "geese"}, {"tooth", "teeth"}, {"quiz", "quizzes"},
};

typedef struct Word {
    const char *p;
    size_t n;
} Word;

static bool ends(Word w, const char *suffix)
{
    size_t k = strlen(suffix);
    return w.n >= k && memcmp(w.p + w.n - k, suffix, k) == 0;
}

/* The byte `back` positions before the end (1 = last), or 0 when the word is shorter. A byte
 * of a multi-byte character is never an ASCII letter, as a negated class needs. */
static char back(Word w, size_t k)
{
    return w.n >= k ? w.p[w.n - k] : 0;
}

static bool in(char c, const char *set)
{
    return c && strchr(set, c) != NULL;
}

/* Does the word end with one of `stems` followed by one of `tails` (the tail may be empty when
 * `tails` holds "")? Sets the length of the part before the tail. */
static bool ends_stem(Word w, const char *const *stems, const char *const *tails, size_t *keep)
{
    for (const char *const *t = tails; *t; t++) {
        size_t tl = strlen(*t);
        if (w.n < tl || memcmp(w.p + w.n - tl, *t, tl) != 0)
            continue;
        Word head = {w.p, w.n - tl};
        for (const char *const *s = stems; *s; s++)
            if (ends(head, *s)) {
                *keep = head.n;
                return true;
            }
    }
    return false;
}

/* Writes w[0..keep) + add. */
static Str replace_tail(Arena *arena, Word w, size_t keep, const char *add)
{
    Buf b = {0};
    buf_put(&b, w.p, keep);
    buf_puts(&b, add);
    return buf_to_arena(arena, &b);
}

static Str plural_word(Arena *arena, Word w)
{
    size_t keep;
    for (size_t i = 0; i < sizeof UNCOUNTABLE / sizeof *UNCOUNTABLE; i++)
        if (strlen(UNCOUNTABLE[i]) == w.n && memcmp(UNCOUNTABLE[i], w.p, w.n) == 0)
            return replace_tail(arena, w, w.n, "");
    for (size_t i = 0; i < sizeof IRREGULAR / sizeof *IRREGULAR; i++)
        if (strlen(IRREGULAR[i][0]) == w.n && memcmp(IRREGULAR[i][0], w.p, w.n) == 0)
            return replace_tail(arena, w, 0, IRREGULAR[i][1]);

    /* 1 */
    if (ends(w, "eaux"))
        return replace_tail(arena, w, w.n, "");
    /* 2 */
    if (ends(w, "child"))
        return replace_tail(arena, w, w.n, "ren");
    if (ends(w, "children"))
        return replace_tail(arena, w, w.n, "");
    /* 3 */
    if (ends(w, "person"))
        return replace_tail(arena, w, w.n - 4, "ople");
    if (ends(w, "people"))
        return replace_tail(arena, w, w.n, "");
    /* 4 */
    if (ends(w, "mouse") || ends(w, "louse"))
        return replace_tail(arena, w, w.n - 4, "ice");
    if (ends(w, "mice") || ends(w, "lice"))
        return replace_tail(arena, w, w.n, "");
    /* 5 */
    {
        static const char *const stems[] = {"matr", "cod", "mur", "sil", "vert", "ind", "append", NULL};
        static const char *const tails[] = {"ix", "ex", NULL};
        if (ends_stem(w, stems, tails, &keep))
            return replace_tail(arena, w, keep, "ices");
    }
    /* 6, 7 */
    {
        static const char *const stems[] = {"x", "ch", "ss", "sh", "zz", NULL};
        static const char *const none[] = {"", NULL};
        static const char *const es[] = {"es", NULL};
        if (ends_stem(w, stems, none, &keep))
            return replace_tail(arena, w, w.n, "es");
        if (ends_stem(w, stems, es, &keep))
            return replace_tail(arena, w, w.n, "");
    }
    /* 8: [^ch][ieo][ln]ey */
    if (ends(w, "ey") && in(back(w, 3), "ln") && in(back(w, 4), "ieo") && w.n >= 5 && !in(back(w, 5), "ch"))
        return replace_tail(arena, w, w.n - 2, "ies");
    /* 9: ([^aeiouy]|qu)y */
    if (ends(w, "y") && w.n >= 2 && (!in(back(w, 2), "aeiouy") || ends(w, "quy")))
        return replace_tail(arena, w, w.n - 1, "ies");
    /* 10 */
    if (ends(w, "arf") || ends(w, "lf") || ends(w, "eaf") || ends(w, "eof") || ends(w, "oaf") || ends(w, "hoof"))
        return replace_tail(arena, w, w.n - 1, "ves");
    /* 11 */
    if (ends(w, "knife") || ends(w, "wife") || ends(w, "life"))
        return replace_tail(arena, w, w.n - 2, "ves");
    /* 12 */
    if (ends(w, "sis"))
        return replace_tail(arena, w, w.n - 2, "es");
    /* 13 */
    {
        static const char *const stems[] = {"apheli", "hyperbat", "periheli", "asyndet", "noumen", "phenomen",
                                            "criteri", "organ",  "prolegomen", "hedr", "automat", NULL};
        static const char *const tails[] = {"on", "a", NULL};
        if (ends_stem(w, stems, tails, &keep))
            return replace_tail(arena, w, keep, "a");
    }
    /* 14 */
    {
        static const char *const stems[] = {"agend", "addend", "millenni", "dat",     "extrem",
                                            "bacteri", "desiderat", "strat", "candelabr", "errat",
                                            "ov",    "symposi", "curricul", "automat", "quor",   NULL};
        static const char *const tails[] = {"um", "a", NULL};
        if (ends_stem(w, stems, tails, &keep))
            return replace_tail(arena, w, keep, "a");
    }
    /* 15 */
    if (ends(w, "hero") || ends(w, "ato") || ends(w, "gro"))
        return replace_tail(arena, w, w.n, "es");
    /* 16 */
    {
        static const char *const stems[] = {"seraph", "cherub", NULL};
        static const char *const tails[] = {"im", "", NULL};
        if (ends_stem(w, stems, tails, &keep))
            return replace_tail(arena, w, keep, "im");
    }
    /* 17 */
    {
        static const char *const stems[] = {"alumn", "alg", "vertebr", NULL};
        static const char *const tails[] = {"ae", "a", NULL};
        if (ends_stem(w, stems, tails, &keep))
            return replace_tail(arena, w, keep, "ae");
    }
    /* 18 */
    {
        static const char *const stems[] = {"alumn", "syllab", "octop", "vir",    "radi",  "nucle", "fung", "cact",
                                            "stimul", "termin", "bacill", "foc", "uter", "loc",   "strat", NULL};
        static const char *const tails[] = {"us", "i", NULL};
        if (ends_stem(w, stems, tails, &keep))
            return replace_tail(arena, w, keep, "i");
    }
    /* 19: [^l]ias | [aeiou]las | [emjzr]as | [iu]am stay as they are */
    if ((ends(w, "ias") && w.n >= 4 && back(w, 4) != 'l') || (ends(w, "las") && in(back(w, 4), "aeiou")) ||
        (ends(w, "as") && in(back(w, 3), "emjzr")) || (ends(w, "am") && in(back(w, 3), "iu")))
        return replace_tail(arena, w, w.n, "");
    /* 20: (e[mn]u)s? */
    if (ends(w, "emu") || ends(w, "enu"))
        return replace_tail(arena, w, w.n, "s");
    if (ends(w, "emus") || ends(w, "enus"))
        return replace_tail(arena, w, w.n, "");
    /* 21: alias | [^aou]us | tlas | gas | ris */
    if (ends(w, "alias") || (ends(w, "us") && w.n >= 3 && !in(back(w, 3), "aou")) || ends(w, "tlas") ||
        ends(w, "gas") || ends(w, "ris"))
        return replace_tail(arena, w, w.n, "es");
    /* 22 */
    if (ends(w, "axis") || ends(w, "testis"))
        return replace_tail(arena, w, w.n - 2, "es");
    /* 23: [^aeiou]ese */
    if (ends(w, "ese") && w.n >= 4 && !in(back(w, 4), "aeiou"))
        return replace_tail(arena, w, w.n, "");
    /* 24 */
    if (ends(w, "s"))
        return replace_tail(arena, w, w.n, "");
    return replace_tail(arena, w, w.n, "s");
}

Str format_name_plural(Arena *arena, Str s)
{
    return plural_word(arena, (Word){s.ptr, s.len});
}

static Str map_first(Arena *arena, Str s, bool upper)
{
    Buf b = {0};
    if (s.len) {
        size_t n;
        uint32_t cp = fmt_utf8_decode(s.ptr, s.len, 0, &n);
        Str m = upper ? fmt_uni_to_upper(cp) : fmt_uni_to_lower(cp);
        if (m.ptr)
            buf_put_str(&b, m);
        else
            buf_put(&b, s.ptr, n);
        buf_put(&b, s.ptr + n, s.len - n);
    }
    return buf_to_arena(arena, &b);
}

Str format_name_lower_first(Arena *arena, Str s)
{
    return map_first(arena, s, false);
}

Str format_name_upper_first(Arena *arena, Str s)
{
    return map_first(arena, s, true);
}
