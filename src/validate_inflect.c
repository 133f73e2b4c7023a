/* The names `prisma format` gives a back-relation field it adds: the model's name in
 * camelCase, pluralised for a list, by the rules of the `cruet` inflector Prisma uses
 * (/work/notes/format-facts.md §9.4). Used to suggest the missing field in diagnostics. */
#include "resolve_internal.h"

#include <string.h>

static bool is_alnum_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

char *inflect_camel(Arena *a, Str name)
{
    /* drop trailing non-alphanumeric characters */
    uint32_t len = name.len;
    while (len && !is_alnum_byte((unsigned char)name.ptr[len - 1]))
        len--;
    char *out = arena_alloc_raw(a, (size_t)len + 1);
    uint32_t n = 0;
    bool new_word = false, started = false;
    char last = ' ';
    for (uint32_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name.ptr[i];
        if (!is_alnum_byte(c)) {
            if (started)
                new_word = true;
            continue;
        }
        if (c >= '0' && c <= '9') {
            out[n++] = (char)c;
            started = true;
            new_word = true;
            continue;
        }
        bool upper = c >= 'A' && c <= 'Z', lower_last = last >= 'a' && last <= 'z';
        if (c < 0x80 && (new_word || (lower_last && upper))) {
            out[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
            new_word = false;
            started = true;
            continue;
        }
        if (c >= 0x80 && (new_word || lower_last)) {
            /* non-ASCII letters keep their case */
            out[n++] = (char)c;
            new_word = false;
            started = true;
            continue;
        }
        out[n++] = (char)(upper ? c + 32 : c);
        last = (char)c;
        started = true;
    }
    out[n] = '\0';
    return out;
}

static const char *const UNCOUNTABLE[] = {
    "accommodation", "adulthood", "advertising", "advice", "aggression", "aid", "air", "aircraft", "alcohol", "anger",
    "applause", "arithmetic", "assistance", "athletics", "bacon", "baggage", "beef", "biology", "blood", "botany",
    "bread", "butter", "carbon", "cardboard", "cash", "chalk", "chaos", "chess", "crossroads", "countryside",
    "dancing", "deer", "dignity", "dirt", "dust", "economics", "education", "electricity", "engineering", "enjoyment",
    "envy", "equipment", "ethics", "evidence", "evolution", "fame", "fiction", "flour", "flu", "food", "fuel", "fun",
    "furniture", "gallows", "garbage", "garlic", "genetics", "gold", "golf", "gossip", "grammar", "gratitude",
    "grief", "guilt", "gymnastics", "happiness", "hardware", "harm", "hate", "hatred", "health", "heat", "help",
    "homework", "honesty", "honey", "hospitality", "housework", "humour", "hunger", "hydrogen", "ice", "importance",
    "inflation", "information", "innocence", "iron", "irony", "jam", "jewelry", "judo", "karate", "knowledge",
    "lack", "laughter", "lava", "leather", "leisure", "lightning", "linguine", "linguini", "linguistics",
    "literature", "litter", "livestock", "logic", "loneliness", "luck", "luggage", "macaroni", "machinery", "magic",
    "management", "mankind", "marble", "mathematics", "mayonnaise", "measles", "methane", "milk", "money", "mud",
    "music", "mumps", "nature", "news", "nitrogen", "nonsense", "nurture", "nutrition", "obedience", "obesity",
    "oxygen", "pasta", "patience", "physics", "poetry", "pollution", "poverty", "pride", "psychology", "publicity",
    "punctuation", "quartz", "racism", "relaxation", "reliability", "research", "respect", "revenge", "rice",
    "rubbish", "rum", "safety", "scenery", "seafood", "seaside", "series", "shame", "sheep", "shopping", "sleep",
    "smoke", "smoking", "snow", "soap", "software", "soil", "spaghetti", "species", "steam", "stuff", "stupidity",
    "sunshine", "symmetry", "tennis", "thirst", "thunder", "timber", "traffic", "transportation", "trust",
    "underwear", "unemployment", "unity", "validity", "veal", "vegetation", "vegetarianism", "vengeance", "violence",
    "vitality", "warmth", "wealth", "weather", "welfare", "wheat", "wildlife", "wisdom", "yoga", "zinc", "zoology",
};

static const char *const SPECIAL[][2] = {
    {"ox", "oxen"},   {"man", "men"},       {"woman", "women"},   {"die", "dice"},     {"yes", "yeses"},
    {"foot", "feet"}, {"eave", "eaves"},    {"goose", "geese"},   {"tooth", "teeth"},  {"quiz", "quizzes"},
};

static bool ends(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && !memcmp(w + n - k, suf, k);
}

/* w ends with one of `stems` followed by one of `sufs`; the stem's start is returned in
 * *stem_end (the offset where the suffix begins). */
static bool ends_stem(const char *w, size_t n, const char *const *stems, const char *const *sufs, size_t *stem_end)
{
    for (size_t s = 0; sufs[s]; s++) {
        size_t k = strlen(sufs[s]);
        if (n < k || memcmp(w + n - k, sufs[s], k))
            continue;
        for (size_t t = 0; stems[t]; t++) {
            size_t m = strlen(stems[t]);
            if (n - k >= m && !memcmp(w + n - k - m, stems[t], m)) {
                *stem_end = n - k;
                return true;
            }
        }
    }
    return false;
}

static char *cat(Arena *a, const char *w, size_t keep, const char *add)
{
    return arena_sprintf(a, "%.*s%s", (int)keep, w, add);
}

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

char *inflect_plural(Arena *a, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i < sizeof UNCOUNTABLE / sizeof *UNCOUNTABLE; i++)
        if (!strcmp(w, UNCOUNTABLE[i]))
            return arena_strdup(a, w);
    for (size_t i = 0; i < sizeof SPECIAL / sizeof *SPECIAL; i++)
        if (!strcmp(w, SPECIAL[i][0]))
            return arena_strdup(a, SPECIAL[i][1]);
    size_t st;
    if (ends(w, n, "eaux"))
        return arena_strdup(a, w);
    if (ends(w, n, "children"))
        return arena_strdup(a, w);
    if (ends(w, n, "child"))
        return cat(a, w, n, "ren");
    if (ends(w, n, "people"))
        return arena_strdup(a, w);
    if (ends(w, n, "person"))
        return cat(a, w, n - 6, "people");
    {
        static const char *const ST[] = {"m", "l", NULL}, *const SU[] = {"ouse", "ice", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return cat(a, w, st, "ice");
    }
    {
        static const char *const ST[] = {"matr", "cod", "mur", "sil", "vert", "ind", "append", NULL};
        static const char *const SU[] = {"ix", "ex", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return cat(a, w, st, "ices");
    }
    if (ends(w, n, "x") || ends(w, n, "ch") || ends(w, n, "ss") || ends(w, n, "sh") || ends(w, n, "zz"))
        return cat(a, w, n, "es");
    {
        static const char *const ST[] = {"x", "ch", "ss", "sh", "zz", NULL}, *const SU[] = {"es", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return arena_strdup(a, w);
    }
    /* X + (i|e|o) + (l|n) + ey, X not c or h */
    if (n >= 5 && ends(w, n, "ey") && (w[n - 3] == 'l' || w[n - 3] == 'n') &&
        (w[n - 4] == 'i' || w[n - 4] == 'e' || w[n - 4] == 'o') && w[n - 5] != 'c' && w[n - 5] != 'h')
        return cat(a, w, n - 2, "ies");
    if ((n >= 2 && w[n - 1] == 'y' && !strchr("aeiouy", w[n - 2])) || ends(w, n, "quy"))
        return cat(a, w, n - 1, "ies");
    if (ends(w, n, "arf") || ends(w, n, "lf") || ends(w, n, "eaf") || ends(w, n, "eof") || ends(w, n, "oaf") ||
        ends(w, n, "hoof"))
        return cat(a, w, n - 1, "ves");
    if (ends(w, n, "knife") || ends(w, n, "wife") || ends(w, n, "life"))
        return cat(a, w, n - 2, "ves");
    if (ends(w, n, "sis"))
        return cat(a, w, n - 3, "ses");
    {
        static const char *const ST[] = {"apheli", "hyperbat", "periheli", "asyndet", "noumen", "phenomen",
                                         "criteri", "organ", "prolegomen", "hedr", "automat", NULL};
        static const char *const SU[] = {"on", "a", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return cat(a, w, st, "a");
    }
    {
        static const char *const ST[] = {"agend", "addend", "millenni", "dat", "extrem", "bacteri", "desiderat",
                                         "strat", "candelabr", "errat", "ov", "symposi", "curricul", "automat", "quor",
                                         NULL};
        static const char *const SU[] = {"um", "a", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return cat(a, w, st, "a");
    }
    {
        static const char *const ST[] = {"her", "at", "gr", NULL}, *const SU[] = {"o", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return cat(a, w, n, "es");
    }
    {
        static const char *const ST[] = {"seraph", "cherub", NULL}, *const SU[] = {"im", "", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return cat(a, w, st, "im");
    }
    {
        static const char *const ST[] = {"alumn", "alg", "vertebr", NULL}, *const SU[] = {"ae", "a", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return cat(a, w, st, "ae");
    }
    {
        static const char *const ST[] = {"alumn", "syllab", "octop", "vir", "radi", "nucle", "fung", "cact", "stimul",
                                         "termin", "bacill", "foc", "uter", "loc", "strat", NULL};
        static const char *const SU[] = {"us", "i", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return cat(a, w, st, "i");
    }
    /* unchanged: X+ias (X != l), vowel+las, (e|m|j|z|r)+as, (i|u)+am */
    if ((n >= 4 && ends(w, n, "ias") && w[n - 4] != 'l') || (n >= 4 && ends(w, n, "las") && is_vowel(w[n - 4])) ||
        (n >= 3 && ends(w, n, "as") && strchr("emjzr", w[n - 3])) || (n >= 3 && ends(w, n, "am") && strchr("iu", w[n - 3])))
        return arena_strdup(a, w);
    /* e + (m|n) + u (+ s) */
    if (n >= 3 && w[n - 1] == 'u' && (w[n - 2] == 'm' || w[n - 2] == 'n') && w[n - 3] == 'e')
        return cat(a, w, n, "s");
    if (n >= 4 && ends(w, n, "us") && (w[n - 3] == 'm' || w[n - 3] == 'n') && w[n - 4] == 'e')
        return cat(a, w, n - 1, "s");
    if (ends(w, n, "alias") || (n >= 3 && ends(w, n, "us") && !strchr("aou", w[n - 3])) || ends(w, n, "tlas") ||
        ends(w, n, "gas") || ends(w, n, "ris"))
        return cat(a, w, n, "es");
    {
        static const char *const ST[] = {"ax", "test", NULL}, *const SU[] = {"is", NULL};
        if (ends_stem(w, n, ST, SU, &st))
            return cat(a, w, st, "es");
    }
    if (n >= 4 && ends(w, n, "ese") && !is_vowel(w[n - 4]))
        return arena_strdup(a, w);
    if (n >= 1 && w[n - 1] == 's')
        return arena_strdup(a, w);
    return cat(a, w, n, "s");
}
