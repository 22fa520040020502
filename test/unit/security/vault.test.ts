import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../../src/features/schema/database';
import { createVault, fileCipher, safeStorageCipher, type SafeStorageLike } from '../../../src/features/security/vault';
import { createAuditLog } from '../../../src/features/security/audit';
import { makeTempDir } from '../../support/temp-dir';

const ctx = (dir: string) => ({ db: openDatabase(':memory:'), dataDir: dir, now: () => new Date('2026-01-02T03:04:05Z') });

describe('file vault (AES-256-GCM)', () => {
  it('round-trips, replaces, and refuses a tampered ciphertext with an actionable error', async () => {
    const t = makeTempDir();
    const c = ctx(t.dir);
    const vault = createVault(c, fileCipher(t.dir));
    const id = await vault.put('admin srv', 'mot-de-passe-é', 'password');
    expect(await vault.get(id)).toBe('mot-de-passe-é');
    await vault.replace(id, 'nouveau');
    expect(await vault.get(id)).toBe('nouveau');
    expect((await vault.list())[0]).toMatchObject({ id, label: 'admin srv', kind: 'password', backend: 'aes-256-gcm-file' });
    expect(JSON.stringify(await vault.list())).not.toContain('nouveau');
    c.db.prepare("UPDATE vault_entries SET ciphertext = ciphertext || x'00'").run();
    await expect(vault.get(id)).rejects.toMatchObject({ code: 'VAULT_UNREADABLE' });
    await expect(vault.put('vide', '', 'password')).rejects.toMatchObject({ code: 'VAULT_EMPTY_SECRET' });
    t.cleanup();
  });

  it('creates its key file with mode 0600 and cannot read secrets with another key', async () => {
    const t = makeTempDir();
    const c = ctx(t.dir);
    const id = await createVault(c, fileCipher(t.dir)).put('x', 'secret', 'token');
    expect(fs.statSync(path.join(t.dir, 'vault.key')).mode & 0o777).toBe(0o600);
    const other = makeTempDir();
    await expect(createVault(c, fileCipher(other.dir)).get(id)).rejects.toMatchObject({ code: 'VAULT_UNREADABLE' });
    t.cleanup();
    other.cleanup();
  });
});

describe('safeStorage vault', () => {
  const safe = (over: Partial<SafeStorageLike> = {}): SafeStorageLike => ({
    isAsyncEncryptionAvailable: async () => true,
    getSelectedStorageBackend: () => 'kwallet5',
    encryptStringAsync: async (s) => Buffer.from(s).reverse(),
    decryptStringAsync: async (b) => ({ result: Buffer.from(b).reverse().toString(), shouldReEncrypt: false }),
    ...over,
  });
  it('refuses when encryption is unavailable, and on basic_text', async () => {
    const t = makeTempDir();
    await expect(createVault(ctx(t.dir), safeStorageCipher(safe({ isAsyncEncryptionAvailable: async () => false }))).put('x', 'y', 'password')).rejects.toMatchObject({ code: 'VAULT_UNAVAILABLE' });
    await expect(createVault(ctx(t.dir), safeStorageCipher(safe({ getSelectedStorageBackend: () => 'basic_text' }))).put('x', 'y', 'password')).rejects.toMatchObject({ code: 'VAULT_UNSAFE_BACKEND' });
    const v = createVault(ctx(t.dir), safeStorageCipher(safe()));
    const id = await v.put('x', 'y', 'password');
    expect(await v.get(id)).toBe('y');
    expect(v.backend).toBe('electron-safestorage:kwallet5');
    t.cleanup();
  });
});

describe('audit chain', () => {
  it('hashes each row with the previous one; any edit, deletion or reorder is found', () => {
    const db = openDatabase(':memory:');
    const log = createAuditLog(db, { now: () => new Date('2026-01-01T00:00:00Z'), actor: () => 'tech1' });
    for (let i = 0; i < 5; i++) log.append({ action: 'ssh.session.opened', target: `srv${i}`, ticketId: 't1', details: { i } });
    const rows = log.list({ limit: 10 }).reverse();
    expect(rows[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(log.verify()).toEqual({ ok: true, rows: 5 });
    db.prepare("UPDATE audit SET details = '{\"i\":99}' WHERE seq = 4").run();
    expect(log.verify()).toEqual({ ok: false, rows: 5, brokenAt: 4 });
    db.prepare("UPDATE audit SET details = '{\"i\":3}' WHERE seq = 4").run();
    expect(log.verify().ok).toBe(true);
    db.prepare('DELETE FROM audit WHERE seq = 2').run();
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects rows deleted at the end of the log through the head anchor kept outside the database', () => {
    const t = makeTempDir();
    const db = openDatabase(':memory:');
    const log = createAuditLog(db, { now: () => new Date(), actor: () => 'tech1', headFile: path.join(t.dir, 'audit-head.json') });
    for (let i = 0; i < 4; i++) log.append({ action: 'credential.used', target: `c${i}` });
    expect(log.verify()).toEqual({ ok: true, rows: 4 });
    db.prepare('DELETE FROM audit WHERE seq >= 3').run();
    expect(log.verify()).toEqual({ ok: false, rows: 2, brokenAt: 3 });
    t.cleanup();
  });
});
