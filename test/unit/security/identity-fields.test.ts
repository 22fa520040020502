/**
 * Issue 18, item 7: a user name holding LF, TAB or ESC made `npm run audit -- list` print a
 * forged row. Identity fields are now single-line and printable at the contract, and the CLI
 * escapes whatever it prints (rows written before the fix, or by another tool, included).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createService, type Service } from '../../../src/api/service';
import { createAuditLog } from '../../../src/features/security/audit';
import { escapeForTerminal, revealBidi } from '../../../src/base/text';
import { makeTempDir } from '../../support/temp-dir';
import { repoRoot } from '../../support/paths';

const FORGED = ['alice\n42\t2026-01-01T00:00:00Z\tadmin\tvault.delete', 'bob\tadmin', 'eve\u001b[2K\rmallory', 'zoé\u202egnp.exe', 'x\u2028y'];

const cleanups: (() => void)[] = [];
const services: Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  cleanups.splice(0).forEach((c) => c());
});

function service(): Service {
  const t = makeTempDir('relais-identity-');
  cleanups.push(t.cleanup);
  const s = createService({ dataDir: t.dir, host: 'web', policyFile: null });
  services.push(s);
  return s;
}

describe('single-line printable identity fields', () => {
  it.each(FORGED)('refuses the user name %j, and accepts accents', async (name) => {
    const s = service();
    const r = await s.dispatch('settings.set', { userName: name }, { clientId: 't' });
    expect(r.ok).toBe(false);
    expect(r.ok ? null : r.error.code).toBe('INVALID_INPUT');
    expect((await s.dispatch('settings.set', { userName: 'Zoé Lefèvre-Ngô' }, { clientId: 't' })).ok).toBe(true);
  });

  it('refuses control characters in SSH profile names, vault labels and the requester name', async () => {
    const s = service();
    const bad = 'a\nb';
    expect((await s.dispatch('ssh.profileSave', { name: bad, host: 'h', username: 'u', auth: 'agent' }, { clientId: 't' })).ok).toBe(false);
    expect((await s.dispatch('ssh.profileSave', { name: 'ok', host: 'h', username: 'u\u001b', auth: 'agent' }, { clientId: 't' })).ok).toBe(false);
    expect((await s.dispatch('security.vaultPut', { label: bad, secret: 'x' }, { clientId: 't' })).ok).toBe(false);
    expect((await s.dispatch('tickets.logCall', { subject: 'Écran noir', requesterName: 'Jean\tDupont' }, { clientId: 't' })).ok).toBe(false);
  });
});

describe('npm run audit -- list', () => {
  it('prints one line per row, control characters escaped visibly', () => {
    const t = makeTempDir('relais-auditcli-');
    cleanups.push(t.cleanup);
    const s = createService({ dataDir: t.dir, host: 'web', policyFile: null });
    services.push(s);
    // Rows as an older version (or a hand-edited preferences file) could have written them.
    const db = new Database(path.join(t.dir, 'relais.db'));
    let actor = '';
    const audit = createAuditLog(db, { now: () => new Date('2026-03-01T10:00:00Z'), actor: () => actor, headFile: path.join(t.dir, 'audit-head.json') });
    for (const name of FORGED) {
      actor = name;
      audit.append({ action: 'ssh.open', target: `cible ${name}` });
    }
    db.close();
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/audit.ts'), 'list', '--data-dir', t.dir, '--limit', '50'], { encoding: 'utf8', cwd: repoRoot });
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.includes('ssh.open'));
    expect(lines).toHaveLength(FORGED.length);
    for (const l of lines) expect(l.split('\t')).toHaveLength(6);
    // eslint-disable-next-line no-control-regex -- no raw control character may reach the terminal
    expect(r.stdout).not.toMatch(/[\u001b\r\u202e\u2028]/);
    expect(r.stdout).toContain('eve\\u{1b}[2K\\u{d}mallory');
    expect(escapeForTerminal('zoé\u202egnp.exe')).toBe('zoé\\u{202e}gnp.exe');
  });
});

describe('bidi controls in displayed text', () => {
  it('are split out as visible tags, in order, the rest untouched', () => {
    expect(revealBidi('abc\u202etxt.exe')).toEqual([
      { text: 'abc', control: false },
      { text: 'U+202E', control: true },
      { text: 'txt.exe', control: false },
    ]);
    expect(revealBidi('Hélène Dupré')).toEqual([{ text: 'Hélène Dupré', control: false }]);
    expect(revealBidi('\u2067x\u2069').filter((p) => p.control).map((p) => p.text)).toEqual(['U+2067', 'U+2069']);
  });
});
