import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createService, type Service } from '../../../src/api/service';
import { safeStorageVaultFactory, type SafeStorageLike } from '../../../src/features/security/vault';
import { makeTempDir } from '../../support/temp-dir';
import { repoRoot } from '../../support/web-host';

const SECRET = 'S3cret-for-vault-test-Zq81';

function service(dir: string, vaultFactory?: any): Service {
  return createService({ dataDir: dir, host: 'web', policyFile: null, vaultFactory });
}
async function call(s: Service, name: string, input?: unknown) {
  return (await s.dispatch(name, input, { clientId: 't' })) as any;
}
function auditCli(dataDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/audit.ts'), 'verify', '--data-dir', dataDir], { cwd: repoRoot, encoding: 'utf8' });
}

describe('audit log', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let s: Service;
  beforeAll(async () => {
    temp = makeTempDir();
    s = service(temp.dir);
    const a = await call(s, 'security.vaultPut', { label: 'serveur 1', kind: 'password', secret: SECRET });
    await call(s, 'security.vaultReplace', { id: a.value.id, secret: SECRET + '2' });
    await call(s, 'security.vaultPut', { label: 'serveur 2', kind: 'password', secret: SECRET });
  });
  afterAll(async () => {
    await s?.close();
    temp?.cleanup();
  });

  it('chains every row to the previous one and reports the chain intact', async () => {
    const v = await call(s, 'security.auditVerify');
    expect(v.value).toEqual({ ok: true, rows: 3 });
    const rows = (await call(s, 'security.auditList', { limit: 10 })).value.rows;
    expect(rows.map((r: any) => r.action)).toEqual(['credential.added', 'credential.changed', 'credential.added']);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    const cli = auditCli(temp.dir);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('intact');
  });

  it('detects a row edited by hand, says where, and the CLI fails', async () => {
    const db = new Database(path.join(temp.dir, 'relais.db'));
    db.prepare("UPDATE audit SET actor = 'quelqu''un d''autre' WHERE seq = 2").run();
    db.close();
    const v = await call(s, 'security.auditVerify');
    expect(v.value).toEqual({ ok: false, rows: 3, brokenAt: 2 });
    const cli = auditCli(temp.dir);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(/ROMPU à l'entrée 2/);
    expect(cli.stdout).toMatch(/BROKEN at row 2/);
  });

  it('detects a deleted row even when the hashes are recomputed for the row itself', async () => {
    const db = new Database(path.join(temp.dir, 'relais.db'));
    db.prepare("UPDATE audit SET actor = (SELECT actor FROM audit WHERE seq = 1) WHERE seq = 2").run();
    db.prepare('DELETE FROM audit WHERE seq = 1').run();
    db.close();
    const v = await call(s, 'security.auditVerify');
    expect(v.value.ok).toBe(false);
    expect(v.value.brokenAt).toBe(1);
  });
});

describe('credential vault', () => {
  it('stores only ciphertext, with a key file readable by the user only, and never returns the secret', async () => {
    const temp = makeTempDir();
    const s = service(temp.dir);
    try {
      const put = await call(s, 'security.vaultPut', { label: 'compte admin', kind: 'password', secret: SECRET });
      expect(put.ok).toBe(true);
      expect(JSON.stringify(put.value)).not.toContain(SECRET);
      expect((await call(s, 'security.vaultInfo')).value.backend).toBe('aes-256-gcm-file');
      s.core.db.pragma('wal_checkpoint(TRUNCATE)');
      for (const f of fs.readdirSync(temp.dir)) {
        const buf = fs.readFileSync(path.join(temp.dir, f));
        expect(buf.includes(Buffer.from(SECRET)), f).toBe(false);
      }
      expect(fs.statSync(path.join(temp.dir, 'vault.key')).mode & 0o777).toBe(0o600);
      const del = await call(s, 'security.vaultDelete', { id: put.value.id });
      expect(del.value.deleted).toBe(true);
      const again = await call(s, 'security.vaultDelete', { id: put.value.id });
      expect(again.error.code).toBe('VAULT_ENTRY_NOT_FOUND');
      expect(again.error.message.fr).toMatch(/Paramètres › Sécurité/);
    } finally {
      await s.close();
      temp.cleanup();
    }
  });

  it('with Electron safeStorage: refuses to store a secret on the basic_text backend and says why', async () => {
    const fake = (backend: string): SafeStorageLike & { calls: number } => ({
      calls: 0,
      isAsyncEncryptionAvailable: async () => true,
      getSelectedStorageBackend: () => backend,
      async encryptStringAsync(plain: string) {
        this.calls++;
        return Buffer.from(plain, 'utf8').reverse();
      },
      async decryptStringAsync(buf: Buffer) {
        return { result: Buffer.from(buf).reverse().toString('utf8'), shouldReEncrypt: false };
      },
    });
    const temp = makeTempDir();
    const basic = fake('basic_text');
    const s = service(temp.dir, safeStorageVaultFactory(basic));
    try {
      const r = await call(s, 'security.vaultPut', { label: 'x', kind: 'password', secret: SECRET });
      expect(r.ok).toBe(false);
      expect(r.error.code).toBe('VAULT_UNSAFE_BACKEND');
      expect(r.error.message.fr).toMatch(/basic_text/);
      expect(r.error.message.en).toMatch(/keyring/);
      expect(basic.calls).toBe(0);
    } finally {
      await s.close();
      temp.cleanup();
    }
    const temp2 = makeTempDir();
    const good = fake('gnome_libsecret');
    const s2 = service(temp2.dir, safeStorageVaultFactory(good));
    try {
      const r = await call(s2, 'security.vaultPut', { label: 'x', kind: 'password', secret: SECRET });
      expect(r.ok).toBe(true);
      expect(r.value.backend).toBe('electron-safestorage:gnome_libsecret');
      expect(good.calls).toBe(1);
    } finally {
      await s2.close();
      temp2.cleanup();
    }
  });
});
