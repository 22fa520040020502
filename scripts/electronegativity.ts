/**
 * Runs Doyensec's Electronegativity over main/ and renderer/ (scanned together, so global
 * checks such as "navigation limited" see the main process's handlers) and fails on any
 * finding that is not in the reviewed allow-list `security/electronegativity-allowlist.json`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version as string;

interface Finding { check: string; file: string; location: string; sample: string; description: string }
interface Accepted { check: string; file: string; why: string }

export function parseCsv(text: string): Finding[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field.trim());
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (c !== '\r') field += c;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows
    .slice(1)
    .filter((r) => r.length >= 7)
    .map((r) => ({ check: r[0]!, file: r[3]!, location: r[4]!, sample: r[5]!, description: r[6]! }));
}

function scan(): Finding[] {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-eneg-'));
  try {
    for (const dir of ['main', 'renderer']) fs.cpSync(path.join(root, dir), path.join(tree, dir), { recursive: true });
    const out = path.join(tree, 'findings.csv');
    const bin = path.join(root, 'node_modules/.bin/electronegativity');
    const res = spawnSync(bin, ['-i', tree, '-o', out, '-r', '-v', 'false', '-e', electronVersion], { encoding: 'utf8', timeout: 180_000 });
    if (!fs.existsSync(out)) throw new Error(`electronegativity produced no report (exit ${res.status}):\n${res.stderr}`);
    return parseCsv(fs.readFileSync(out, 'utf8')).map((f) => ({ ...f, file: f.file.replace(/\\/g, '/') }));
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
}

const allow = JSON.parse(fs.readFileSync(path.join(root, 'security/electronegativity-allowlist.json'), 'utf8')).accepted as Accepted[];
const findings = scan();
const accepted = (f: Finding) => allow.some((a) => a.check === f.check && (a.file === f.file || f.file.endsWith(a.file)));
const open = findings.filter((f) => !accepted(f));
const stale = allow.filter((a) => !findings.some((f) => f.check === a.check && (a.file === f.file || f.file.endsWith(a.file))));

for (const s of stale) console.warn(`electronegativity: allow-list entry no longer needed: ${s.check} in ${s.file}`);
if (open.length) {
  console.error(`electronegativity: ${open.length} finding(s) not reviewed (add a fix, or a justified entry to security/electronegativity-allowlist.json):`);
  for (const f of open) console.error(`  ${f.check} ${f.file}:${f.location} — ${f.description}\n    ${f.sample}`);
  process.exit(1);
}
console.log(`electronegativity: ${findings.length} finding(s), all reviewed in the allow-list.`);
