#!/usr/bin/env bash
# golden-validate.sh: regenerate fixtures/validate/*.expected from the .prisma files there,
# using Prisma's own engines (the oracle). Maintainer tool: the tests never call it, and it
# needs node plus a set-up oracle (see ../shared/oracle/README.md).
#
# usage: scripts/golden-validate.sh [FIXTURE_DIR]
#   ORACLE=path/to/oracle.mjs overrides the oracle location (default ../shared/oracle/oracle.mjs).
#
# Idempotent: the output depends only on the .prisma files and the oracle version; files are
# rewritten only when their content changes, and .expected files without a .prisma are removed.
# The format of an .expected file is described in fixtures/validate/README.md.
# It also writes fixtures/validate/warnings.txt: the warnings Prisma's linter reports for the
# fixtures (`prisma validate` itself prints none), one `FILE:LINE: warning: MESSAGE` per line.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$root/fixtures/validate"}
oracle=${ORACLE:-$(cd "$root/.." && pwd)/shared/oracle/oracle.mjs}

[ -d "$dir" ] || { echo "golden-validate: no such directory: $dir" >&2; exit 2; }
[ -f "$oracle" ] || { echo "golden-validate: oracle not found: $oracle (set ORACLE=)" >&2; exit 2; }
command -v node >/dev/null || { echo "golden-validate: node is required" >&2; exit 2; }

dir=$(cd "$dir" && pwd)
oracle=$(cd "$(dirname "$oracle")" && pwd)/$(basename "$oracle")

node - "$dir" "$oracle" <<'JS'
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const [dir, oracle] = process.argv.slice(2);

// Things prismac accepts for Prisma 6 compatibility although the Prisma 7 oracle rejects them.
// A fixture using them is checked on a copy with them removed (line numbers preserved), and its
// .expected says so with a `note: prisma6-allowance ...` line.
const URL_PROPERTIES = ['url', 'directUrl', 'shadowDatabaseUrl'];
// Preview features Prisma 6 knew that Prisma 7 no longer knows (see fixtures/validate/README.md).
const DROPPED_PREVIEW_FEATURES = ['metrics', 'esm'];

function runOracle(cwd, file) {
  const r = cp.spawnSync('node', [oracle, 'validate', file], { cwd, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`oracle exited with ${r.status} on ${file}:\n${r.stderr}`);
  }
  return { valid: r.status === 0, stderr: r.stderr };
}

// One "line N: message" entry per `error:` in the oracle's output, in its order. The line
// number is the one in the `-->  file:N` line that follows the (possibly multi-line) message.
function errorEntries(stderr) {
  const lines = stderr.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('error: ')) continue;
    let lineNo = '?';
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].startsWith('error: ')) break;
      const m = lines[j].match(/^\s*-->\s+.*:(\d+)$/);
      if (m) { lineNo = m[1]; break; }
    }
    out.push(`line ${lineNo}: ${lines[i].slice('error: '.length)}`);
  }
  return out;
}

// Blank out URL properties in datasource blocks and drop Prisma-6-only preview features from
// generator blocks, keeping every other byte and every line number.
function stripAllowances(text) {
  const items = [];
  let block = null;
  const lines = text.split('\n').map((line) => {
    const open = line.match(/^\s*(datasource|generator)\s+\w+\s*\{/);
    if (open) { block = open[1]; return line; }
    if (/^\s*\}/.test(line)) { block = null; return line; }
    if (block === 'datasource') {
      const m = line.match(/^\s*(\w+)\s*=/);
      if (m && URL_PROPERTIES.includes(m[1])) { items.push(`datasource ${m[1]}`); return ''; }
    }
    if (block === 'generator') {
      const m = line.match(/^(\s*previewFeatures\s*=\s*\[)([^\]]*)(\].*)$/);
      if (m) {
        const features = m[2].split(',').map((s) => s.trim()).filter((s) => s.length > 0);
        const kept = features.filter((f) => {
          const name = f.replace(/^"(.*)"$/, '$1');
          if (DROPPED_PREVIEW_FEATURES.includes(name.toLowerCase())) {
            items.push(`previewFeatures "${name}"`);
            return false;
          }
          return true;
        });
        if (kept.length !== features.length) return m[1] + kept.join(', ') + m[3];
      }
    }
    return line;
  });
  return { text: lines.join('\n'), items };
}

function verdict(result, notes) {
  let out = result.valid ? 'valid\n' : 'invalid\n';
  if (!result.valid) for (const e of errorEntries(result.stderr)) out += e + '\n';
  for (const n of notes) out += n + '\n';
  return out;
}

function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return false;
  fs.writeFileSync(file, content);
  return true;
}

const fixtures = fs.readdirSync(dir).filter((f) => /^\d{3}-[A-Za-z0-9-]+\.prisma$/.test(f)).sort();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-validate-'));
let changed = 0, valid = 0, invalid = 0, allowances = 0;
try {
  for (const name of fixtures) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const original = runOracle(dir, name);
    const stripped = stripAllowances(text);
    let content;
    if (stripped.items.length > 0) {
      // Check the copy under the same file name so that the oracle's `-->` lines match.
      fs.writeFileSync(path.join(scratch, name), stripped.text);
      const result = runOracle(scratch, name);
      fs.rmSync(path.join(scratch, name));
      const note = `note: prisma6-allowance ${stripped.items.join(', ')}`;
      content = verdict(result, [note]) + '---\n' + (result.valid ? original.stderr : result.stderr);
      allowances++;
      if (result.valid) valid++; else invalid++;
    } else {
      content = verdict(original, []);
      if (!original.valid) content += '---\n' + original.stderr;
      if (original.valid) valid++; else invalid++;
    }
    if (writeIfChanged(path.join(dir, name.replace(/\.prisma$/, '.expected')), content)) changed++;
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

// Warnings come from the linter of the same engine build (prisma-schema-wasm's lint()).
const psl = require(path.join(path.dirname(oracle), 'node_modules', '@prisma', 'prisma-schema-wasm'));
let warnings = '';
for (const name of fixtures) {
  const bytes = fs.readFileSync(path.join(dir, name));
  const text = bytes.toString('utf8');
  for (const d of JSON.parse(psl.lint(JSON.stringify([[name, text]])))) {
    if (!d.is_warning) continue;
    const line = bytes.subarray(0, d.start).toString('utf8').split('\n').length;
    warnings += `${name}:${line}: warning: ${d.text}\n`;
  }
}
if (writeIfChanged(path.join(dir, 'warnings.txt'), warnings)) changed++;

const wanted = new Set(fixtures.map((f) => f.replace(/\.prisma$/, '.expected')));
for (const f of fs.readdirSync(dir)) {
  if (f.endsWith('.expected') && !wanted.has(f)) { fs.rmSync(path.join(dir, f)); changed++; }
}
console.log(`golden-validate: ${fixtures.length} fixtures (${valid} valid, ${invalid} invalid, ` +
  `${allowances} with prisma6 allowances); ${changed} file(s) changed`);
JS
