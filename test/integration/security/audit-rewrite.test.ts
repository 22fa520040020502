/**
 * Issue 18, item 4: the audit chain could be rewritten and `npm run audit -- verify` still
 * said intact; one vault entry's ciphertext copied into another returned the first secret.
 * Each attack below is done on the real files (SQLite database, head file), then checked by
 * the service and by the CLI. Older data folders carry over: re-keyed once, on the record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createCore } from '../../../src/api/core';
import { createSecurityFeature } from '../../../src/api/handlers/security';
import { createAuditLog, rowHash } from '../../../src/features/security/audit';
import { fileCipher } from '../../../src/features/security/vault';
import { openDatabase } from '../../../src/features/schema/database';
import { makeTempDir } from '../../support/temp-dir';
import { repoRoot } from '../../support/paths';

const cleanups: (() => void)[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  cleanups.splice(0).forEach((c) => c());
});

function folder() {
  const t = makeTempDir('relais-rewrite-');
  cleanups.push(t.cleanup);
  return t.dir;
}
function open(dir: string) {
  const core = createCore({ dataDir: dir, host: 'web', policyFile: null });
  const security = createSecurityFeature(core);
  closers.push(() => core.close());
  return { core, security, close: () => core.close() };
}
function cli(dir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/audit.ts'), 'verify', '--data-dir', dir], { cwd: repoRoot, encoding: 'utf8' });
}
async function withRows(n: number) {
  const dir = folder();
  const o = open(dir);
  for (let i = 0; i < n; i++) o.security.audit.append({ action: 'credential.used', target: `c${i}` });
  expect(o.security.audit.verify()).toEqual({ ok: true, rows: n });
  await o.close();
  closers.pop();
  return dir;
}
/** What an attacker with write access to the data folder can do without the key. */
function recomputePlainChain(db: Database.Database, headFile: string) {
  let prev = '0'.repeat(64);
  let last = 0;
  for (const r of db.prepare('SELECT * FROM audit ORDER BY seq').all() as any[]) {
    const hash = rowHash({ ...r, prev_hash: prev });
    db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
    prev = hash;
    last = r.seq;
  }
  fs.writeFileSync(headFile, JSON.stringify({ seq: last, hash: prev }));
}

describe('audit chain rewrites are detected', () => {
  it('tail rows deleted together with audit-head.json', async () => {
    const dir = await withRows(6);
    const db = new Database(path.join(dir, 'relais.db'));
    db.prepare('DELETE FROM audit WHERE seq > 3').run();
    db.close();
    fs.rmSync(path.join(dir, 'audit-head.json'));
    expect(open(dir).security.audit.verify()).toMatchObject({ ok: false, reason: 'head-missing' });
    const r = cli(dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('audit-head.json');
  });

  it('every row deleted together with the head file ("0 rows verified" no more)', async () => {
    const dir = await withRows(4);
    const db = new Database(path.join(dir, 'relais.db'));
    db.prepare('DELETE FROM audit').run();
    db.close();
    fs.rmSync(path.join(dir, 'audit-head.json'));
    expect(open(dir).security.audit.verify()).toMatchObject({ ok: false, rows: 0, reason: 'emptied' });
    const r = cli(dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/vidé|emptied/);
  });

  it('a row edited, then the plain SHA-256 chain and the head file recomputed', async () => {
    const dir = await withRows(5);
    const db = new Database(path.join(dir, 'relais.db'));
    db.prepare("UPDATE audit SET actor = 'quelqu''un d''autre' WHERE seq = 2").run();
    recomputePlainChain(db, path.join(dir, 'audit-head.json'));
    db.close();
    expect(open(dir).security.audit.verify()).toEqual({ ok: false, rows: 5, brokenAt: 1 });
    expect(cli(dir).status).toBe(1);
  });

  it('the key deleted from the vault with the rows left in place', async () => {
    const dir = await withRows(3);
    const db = new Database(path.join(dir, 'relais.db'));
    db.prepare("DELETE FROM vault_entries WHERE id LIKE 'relais-%'").run();
    db.close();
    expect(open(dir).security.audit.verify()).toMatchObject({ ok: false, reason: 'key-missing' });
    expect(cli(dir).status).toBe(1);
  });

  it('an intact log still verifies, in the app and with the CLI', async () => {
    const dir = await withRows(3);
    expect(open(dir).security.audit.verify()).toEqual({ ok: true, rows: 3 });
    const r = cli(dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('3 rows verified');
  });
});

describe('vault entries are bound to their id', () => {
  it("a ciphertext copied into another entry does not give the first entry's secret", async () => {
    const dir = folder();
    const { security, core } = open(dir);
    const a = await security.vault.put('serveur A', 'secret-A', 'password');
    const b = await security.vault.put('serveur B', 'secret-B', 'password');
    core.db.prepare('UPDATE vault_entries SET ciphertext = (SELECT ciphertext FROM vault_entries WHERE id = ?) WHERE id = ?').run(a, b);
    await expect(security.vault.get(b)).rejects.toMatchObject({ code: 'VAULT_UNREADABLE' });
    expect(await security.vault.get(a)).toBe('secret-A');
  });
});

describe('older data folders carry over', () => {
  it('re-keys an intact plain chain and binds older vault entries, once, on the record', async () => {
    const dir = folder();
    // A data folder as the previous version wrote it: plain SHA-256 chain, format-1 blobs.
    const db = openDatabase(path.join(dir, 'relais.db'));
    const legacy = createAuditLog(db, { now: () => new Date('2026-01-01T00:00:00Z'), actor: () => 'tech1', headFile: path.join(dir, 'audit-head.json') });
    for (let i = 0; i < 4; i++) legacy.append({ action: 'credential.used', target: `c${i}` });
    const cipher = fileCipher(dir);
    const oldBlob = await cipher.encrypt('ancien-secret');
    db.prepare("INSERT INTO vault_entries (id, label, kind, backend, ciphertext, created_at, updated_at) VALUES ('old-1', 'ancien', 'password', 'aes-256-gcm-file', ?, 'x', 'x')").run(oldBlob);
    db.prepare("INSERT INTO vault_entries (id, label, kind, backend, ciphertext, created_at, updated_at) VALUES ('old-2', 'autre', 'password', 'aes-256-gcm-file', ?, 'x', 'x')").run(await cipher.encrypt('autre-secret'));
    db.close();

    const first = open(dir);
    expect(await first.security.vault.get('old-1')).toBe('ancien-secret');
    const v = first.security.audit.verify();
    expect(v).toEqual({ ok: true, rows: 6 });
    expect(first.security.audit.list({ limit: 10 }).map((r) => r.action).slice(0, 2)).toEqual(['vault.rebound', 'audit.rekeyed']);
    expect(first.security.audit.list({ limit: 1, action: 'audit.rekeyed' })[0]!.details).toEqual({ rows: 4 });
    // Now bound: an older-format blob put back (from a backup) is refused.
    first.core.db.prepare("UPDATE vault_entries SET ciphertext = ? WHERE id = 'old-2'").run(oldBlob);
    await expect(first.security.vault.get('old-2')).rejects.toMatchObject({ code: 'VAULT_UNREADABLE' });
    await first.close();
    closers.pop();

    const second = open(dir);
    expect(second.security.audit.verify()).toEqual({ ok: true, rows: 6 });
    expect(cli(dir).status).toBe(0);
  });

  it('does not re-key a plain chain that was already tampered with', async () => {
    const dir = folder();
    const db = openDatabase(path.join(dir, 'relais.db'));
    const legacy = createAuditLog(db, { now: () => new Date(), actor: () => 'tech1', headFile: path.join(dir, 'audit-head.json') });
    for (let i = 0; i < 3; i++) legacy.append({ action: 'credential.used', target: `c${i}` });
    db.prepare("UPDATE audit SET target = 'x' WHERE seq = 2").run();
    db.close();
    const o = open(dir);
    expect(o.security.audit.verify()).toMatchObject({ ok: false });
    expect(o.security.audit.list({ limit: 10, action: 'audit.rekeyed' })).toEqual([]);
  });
});
