#!/usr/bin/env python3
"""Differential test of `prismac format` against Prisma's formatter on random schemas.

Maintainer tool (needs node and the oracle, ../shared/oracle; the tests never run it). Generates
deterministic random schemas of two kinds, formats each with Prisma's formatter (the function
`prisma format` calls, in one node process) and with `prismac format --stdout`, and reports every
difference; then does the same for the second pass (formatting Prisma's output again), where
Prisma is not always idempotent. Failing inputs are kept for inspection.

  layout     messy layout: spacing (tabs, Unicode spaces), comments of every kind, blank lines,
             lines the grammar rejects, odd types and attributes, expressions, CRLF/CR
  relations  models with ids, uniques and relations with one side, an argument or the
             @relation missing, named relations, views, @@ignore: Prisma's completion

usage: scripts/format-differential.py [--kind layout|relations|both] [--count N] [--seed S]
                                      [--prismac build/prismac] [--keep DIR]
exit status: 0 no difference, 1 differences (listed, inputs kept in DIR), 2 usage/setup error
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ORACLE_JS = r"""
const fs = require('fs'), path = require('path');
const { createRequire } = require('module');
const req = createRequire(process.argv[1]);
const psl = req('@prisma/prisma-schema-wasm');
const opts = JSON.stringify({ textDocument: { uri: 'file:/x' }, options: { tabSize: 2, insertSpaces: true } });
for (const dir of process.argv.slice(2)) {
  for (const f of fs.readdirSync(dir).filter(f => f.endsWith('.prisma')).sort()) {
    const base = path.join(dir, f.slice(0, -7));
    const content = fs.readFileSync(path.join(dir, f), 'utf8');
    try {
      const [[, text]] = JSON.parse(psl.format(JSON.stringify([[f, content]]), opts));
      fs.writeFileSync(base + '.expected', text);
    } catch (e) {
      fs.writeFileSync(base + '.crash', String(e));
    }
  }
}
"""

WS = [' ', ' ', ' ', '  ', '\t', '   ', '\u00a0', '\u3000', '\u2003', '']


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def ws(self):
        return self.r.choice(WS)

    def ws1(self):
        return self.ws() or ' '

    # ---- layout ------------------------------------------------------------------------------
    NAMES = ['id', 'name', 'email', 'createdAt', 'x', 'yy', 'über', '名前', 'a-b', 'a_b', 'field2', 'model',
             'type', 'enum', 'Int', '_bad', '$bad', '9lives']
    TYPES = ['String', 'Int', 'Boolean', 'DateTime', 'Json', 'Float', 'Decimal', 'Bytes', 'BigInt',
             'Unsupported("geo")', 'Unsupported( "x" )', 'Color', 'Über']
    ATTRS = ['id', 'unique', 'default', 'updatedAt', 'map', 'relation', 'ignore', 'db.VarChar', 'db.Text',
             'custom', 'index']

    def expr(self, d=0):
        r = self.r
        k = r.randint(0, 9 if d < 2 else 4)
        if k == 0:
            return r.choice(['1', '-2', '1.5', '007', '-0.50'])
        if k == 1:
            return r.choice(['"x"', '"a b"', '"esc\\"q"', '"ü"', '""', '"//c"'])
        if k == 2:
            return r.choice(['true', 'null', 'Cascade', 'db.X', 'a.b.c', 'x.'])
        if k == 3:
            return r.choice(['now()', 'uuid( )', 'cuid(2)', 'autoincrement()'])
        if k == 4:
            return r.choice(['env("X")', 'dbgenerated("a")'])
        if k in (5, 6):
            items = (',' + self.ws()).join(self.expr(d + 1) for _ in range(r.randint(0, 3)))
            return '[' + items + self.ws() + r.choice([']', ']', ']', ',]'])
        if k == 7:
            members = (',' + self.ws()).join(r.choice(self.NAMES) + self.ws() + ':' + self.ws() + self.expr(d + 1)
                                             for _ in range(r.randint(0, 2)))
            return '{' + self.ws() + members + self.ws() + r.choice(['}', '}', '}', ',}'])
        if k == 8:
            return r.choice(['f', 'a.b', 'db.x']) + self.ws() + self.args(d + 1)
        return r.choice(['1', '"s"', 'x'])

    def args(self, d=0):
        r = self.r
        if r.random() < 0.1:
            return ''
        items = []
        for _ in range(r.randint(0, 3)):
            p = r.random()
            if p < 0.5:
                items.append(self.expr(d))
            elif p < 0.9:
                items.append(r.choice(self.NAMES) + self.ws() + ':' + self.ws() + self.expr(d))
            else:
                items.append(r.choice(self.NAMES) + self.ws() + ':')
        s = '(' + self.ws() + (self.ws() + ',' + self.ws()).join(items) + self.ws()
        if r.random() < 0.15:
            s += ','
        return s + self.ws() + r.choice([')', ')', ')', ')', ''])

    def fattr(self):
        r = self.r
        return ('@' + self.ws() * (r.random() < 0.1) + r.choice(self.ATTRS) + (self.ws() if r.random() < 0.2 else '')
                + (self.args() if r.random() < 0.6 else ''))

    def comment(self):
        r = self.r
        p = r.random()
        if p < 0.4:
            return '//' + r.choice(['', ' c', ' comment  ', '/x', '\ttab', ' ü 名'])
        if p < 0.6:
            return '///' + r.choice(['', ' doc', ' doc  '])
        if p < 0.9:
            return '/*' + r.choice([' b ', '* doc *', ' multi\n   line ', '', '*']) + '*/'
        return '/* ' + ' x'

    def typ(self):
        r = self.r
        t = r.choice(self.TYPES)
        p = r.random()
        if p < 0.3:
            return t
        if p < 0.5:
            return t + self.ws() * (r.random() < 0.2) + '?'
        if p < 0.65:
            return t + self.ws() * (r.random() < 0.2) + '[]'
        if p < 0.7:
            return t + '[]?'
        if p < 0.75:
            return '[' + t + ']'
        if p < 0.8:
            return t + '!'
        if p < 0.85:
            return t + r.choice(['?[]', '??', '[][]'])
        return t

    def field(self):
        r = self.r
        s = r.choice(self.NAMES)
        if r.random() < 0.05:
            s += ':'
        if r.random() < 0.93:
            s += self.ws1() + self.typ()
        for _ in range(r.choice([0, 0, 1, 1, 2, 3, 4])):
            s += self.ws1() + self.fattr()
        if r.random() < 0.2:
            s += self.ws() + self.comment()
        if r.random() < 0.1:
            s += r.choice([' }', ' junk', ' @@id', ''])
        return s

    def battr(self):
        r = self.r
        s = ('@@' + self.ws() * (r.random() < 0.1)
             + r.choice(['id', 'unique', 'index', 'map', 'ignore', 'schema', 'fulltext', 'custom', 'default'])
             + (self.args() if r.random() < 0.8 else ''))
        if r.random() < 0.2:
            s += self.ws() + self.comment()
        return s

    def line_in_block(self, kind):
        r = self.r
        p = r.random()
        if p < 0.12:
            return ''
        if p < 0.17:
            return self.ws()
        if p < 0.27:
            return self.comment()
        if p < 0.32:
            return r.choice(['garbage here', '!!', 'x = y', '} x', 'model Foo {', '@ x'])
        if kind == 'model':
            return self.battr() if p < 0.45 else self.field()
        if kind == 'enum':
            if p < 0.4:
                return self.battr()
            s = r.choice(['A', 'B', 'VALUE_1', 'ü', 'lower'])
            for _ in range(r.choice([0, 0, 1, 2])):
                s += self.ws1() + self.fattr()
            if r.random() < 0.2:
                s += self.ws() + self.comment()
            return s
        s = r.choice(['provider', 'url', 'relationMode', 'previewFeatures', 'output', 'a-b'])
        s += self.ws() + '=' + self.ws() + (self.expr() if r.random() < 0.9 else '')
        if r.random() < 0.2:
            s += self.ws() + self.comment()
        return s

    def block(self):
        r = self.r
        kind = r.choice(['model', 'model', 'model', 'enum', 'config', 'view', 'type'])
        kw = {'model': 'model', 'enum': 'enum', 'config': r.choice(['datasource', 'generator']), 'view': 'view',
              'type': 'type'}[kind]
        if kind in ('view', 'type'):
            kind = 'model'
        head = kw + self.ws1() + r.choice(['User', 'Post', 'A', 'Über', 'B_c', 'db', 'client']) + self.ws() + '{'
        if r.random() < 0.1:
            head += r.choice([' // opener comment', ' id Int', '}'])
        lines = [head]
        for _ in range(r.randint(0, 9)):
            lines.append(self.ws() * r.randint(0, 3) + self.line_in_block(kind) + self.ws() * (r.random() < 0.2))
        lines.append(self.ws() * (r.random() < 0.3) + '}' + r.choice(['', '', '', '', ' // after', ' model X {']))
        return lines

    def layout_schema(self):
        r = self.r
        lines = []
        for _ in range(r.randint(1, 6)):
            p = r.random()
            if p < 0.6:
                lines += self.block()
            elif p < 0.7:
                lines.append(self.comment())
            elif p < 0.8:
                lines += [''] * r.randint(1, 3)
            elif p < 0.85:
                lines.append('type Alias = String' + r.choice(['', '  ', ' @db.Text ', ' @db.VarChar(3) ']))
            elif p < 0.9:
                lines += ['foo {', '  bar', '}']
            else:
                lines.append(r.choice(['garbage', '   !!', '}', '\ufeffmodel']))
        return self.join(lines)

    def join(self, lines):
        r = self.r
        nl = r.choice(['\n'] * 6 + ['\r\n', '\r', 'mix'])
        text = ''.join(l + (r.choice(['\n', '\r\n', '\r']) if nl == 'mix' else nl) for l in lines)
        if r.random() < 0.1:
            text = text.rstrip('\r\n')
        return text

    # ---- relations ---------------------------------------------------------------------------
    MODELS = ['User', 'Post', 'Comment', 'Profile', 'Category', 'Tag', 'Person', 'Address', 'Company', 'Child',
              'Box', 'Status', 'HTTPLog', 'user_account', 'Datum', 'Ox', 'Über', 'Item2']

    def relations_schema(self):
        r = self.r
        names = r.sample(self.MODELS, r.randint(2, 5))
        models = {m: {'fields': [], 'attrs': []} for m in names}
        enum_id = r.random() < 0.05
        for m in names:
            f = models[m]['fields']
            p = r.random()
            if p < 0.45:
                f.append('id Int @id @default(autoincrement())')
            elif p < 0.6:
                f.append('id String @id @default(uuid()) @db.Uuid')
            elif p < 0.7:
                f.append('uid String @id @db.VarChar(36)')
            elif p < 0.8:
                f += ['a Int', 'b String']
                models[m]['attrs'].append('@@id([a, b])')
            elif p < 0.88:
                f += ['email String @unique', 'name String?']
            elif p < 0.93:
                f += ['x Int', 'y Int?']
                models[m]['attrs'].append('@@unique([x, y])')
            elif p < 0.96 and enum_id:
                f.append('code Kind @id')
            else:
                f.append('n Int')
            if r.random() < 0.2:
                f.append('slug String @unique')
        for _ in range(r.randint(1, 4)):
            a, b = r.choice(names), r.choice(names)
            name = '"R%d"' % r.randint(1, 9) if r.random() < 0.15 or a == b else None
            kind = r.choice(['1n', '1n', '1n', '11', 'mn', 'back_only', 'fwd_only', 'fwd_noattr'])
            fa = b[0].lower() + b[1:] + (str(r.randint(0, 9)) if r.random() < 0.3 else '')
            fb = a[0].lower() + a[1:] + 's'

            def rel(fields, refs, extra=''):
                parts = [p for p in [name, fields and 'fields: [%s]' % ', '.join(fields),
                                     refs and 'references: [%s]' % ', '.join(refs), extra] if p]
                return '@relation(%s)' % ', '.join(parts)
            named = ' @relation(%s)' % name if name else ''
            opt = '?' if r.random() < 0.5 else ''
            sc = fa + 'Id'
            if kind in ('1n', '11', 'fwd_only'):
                models[a]['fields'].append('%s Int%s%s' % (sc, opt, ' @unique' if kind == '11' else ''))
                p = r.random()
                attr = (rel([sc], ['id']) if p < 0.6 else rel([sc], None) if p < 0.7 else rel(None, ['id']) if p < 0.8
                        else ('@relation' if not name else rel(None, None)) if p < 0.85
                        else rel(None, None, 'onDelete: Cascade') if p < 0.88
                        else rel([sc], ['id'], 'map: "fk_x", onUpdate: NoAction') if p < 0.9 else '')
                models[a]['fields'].append('%s %s%s %s' % (fa, b, opt, attr))
                if kind != 'fwd_only':
                    models[b]['fields'].append('%s %s%s%s' % (fb if kind == '1n' else fb[:-1], a,
                                                              '[]' if kind == '1n' else '?', named))
            elif kind == 'fwd_noattr':
                models[a]['fields'].append('%s %s%s' % (fa, b, opt))
            elif kind == 'mn':
                models[a]['fields'].append('%ss %s[]%s' % (fa, b, named))
                models[b]['fields'].append('%s %s[]%s' % (fb, a, named))
            else:
                models[b]['fields'].append('%s %s[]%s' % (fb, a, named))
        lines = ['datasource db {', '  provider = "%s"' % r.choice(['postgresql', 'sqlite', 'postgresql']), '}', '']
        if r.random() < 0.5:
            lines += ['generator c {', '  provider = "prisma-client-js"', '  previewFeatures = ["views"]', '}', '']
        if enum_id:
            lines += ['enum Kind {', '  A', '  B', '}', '']
        for m in names:
            lines.append('%s %s {' % ('view' if r.random() < 0.15 else 'model', m))
            fs = models[m]['fields'][:]
            if r.random() < 0.2:
                r.shuffle(fs)
            lines += ['  ' + f + (' // note' if r.random() < 0.05 else '') for f in fs]
            lines += ['  ' + a for a in models[m]['attrs']]
            if r.random() < 0.08:
                lines.append('  @@ignore')
            if r.random() < 0.1:
                lines.append('')
            lines += ['}', '']
        return self.join(lines)


def run_oracle(oracle, dirs):
    subprocess.run(['node', '-e', ORACLE_JS, oracle] + dirs, check=True)


def compare(prismac, folder):
    """Files whose `prismac format --stdout` differs from the oracle's (or that one side fails on)."""
    bad = []
    for f in sorted(os.listdir(folder)):
        if not f.endswith('.prisma'):
            continue
        base = os.path.join(folder, f[:-7])
        res = subprocess.run([prismac, 'format', '--stdout', base + '.prisma'], capture_output=True)
        if os.path.exists(base + '.crash'):
            if res.returncode == 0:
                bad.append((f, 'Prisma fails on this input, prismac formatted it'))
            continue
        with open(base + '.expected', 'rb') as fh:
            want = fh.read()
        if res.returncode != 0:
            bad.append((f, 'prismac failed: ' + res.stderr.decode('utf-8', 'replace').strip()[:200]))
        elif res.stdout != want:
            bad.append((f, 'output differs'))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kind', choices=['layout', 'relations', 'both'], default='both')
    ap.add_argument('--count', type=int, default=300)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--prismac', default=os.path.join(ROOT, 'build', 'prismac'))
    ap.add_argument('--oracle', default=os.environ.get('ORACLE', os.path.join(ROOT, '..', 'shared', 'oracle',
                                                                             'oracle.mjs')))
    ap.add_argument('--keep', default=None, help='folder for failing inputs (default: a temporary one)')
    a = ap.parse_args()
    if not os.path.exists(a.prismac) or not os.path.exists(a.oracle) or not shutil.which('node'):
        print('format-differential: needs %s, node and the oracle (%s)' % (a.prismac, a.oracle), file=sys.stderr)
        return 2
    oracle = os.path.abspath(a.oracle)
    work = tempfile.mkdtemp(prefix='prismac-fmtdiff-')
    gen = Gen(a.seed)
    kinds = ['layout', 'relations'] if a.kind == 'both' else [a.kind]
    first = os.path.join(work, 'first')
    os.makedirs(first)
    for i in range(a.count):
        kind = kinds[i % len(kinds)]
        text = gen.layout_schema() if kind == 'layout' else gen.relations_schema()
        with open(os.path.join(first, '%s-%05d.prisma' % (kind, i)), 'w', encoding='utf-8', newline='') as fh:
            fh.write(text)
    run_oracle(oracle, [first])
    # the second pass: Prisma's output formatted again
    second = os.path.join(work, 'second')
    os.makedirs(second)
    for f in os.listdir(first):
        if f.endswith('.expected'):
            shutil.copy(os.path.join(first, f), os.path.join(second, f[:-9] + '.prisma'))
    run_oracle(oracle, [second])
    failures = [('first pass', f, why, first) for f, why in compare(a.prismac, first)]
    failures += [('second pass', f, why, second) for f, why in compare(a.prismac, second)]
    n = sum(1 for f in os.listdir(first) if f.endswith('.prisma'))
    n2 = sum(1 for f in os.listdir(second) if f.endswith('.prisma'))
    print('format-differential: %d schemas (seed %d), %d second passes: %d difference%s'
          % (n, a.seed, n2, len(failures), '' if len(failures) == 1 else 's'))
    if failures:
        keep = a.keep or os.path.join(work, 'failures')
        os.makedirs(keep, exist_ok=True)
        for stage, f, why, folder in failures:
            dst = os.path.join(keep, stage.replace(' ', '-') + '-' + f)
            shutil.copy(os.path.join(folder, f), dst)
            print('  %s %s: %s' % (stage, f, why))
        print('inputs kept in %s' % keep)
        return 1
    shutil.rmtree(work)
    return 0


if __name__ == '__main__':
    sys.exit(main())
