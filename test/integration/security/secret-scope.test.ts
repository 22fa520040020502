/**
 * Issue 18, item 3: stored secrets go only where they were saved for. `sync.test` used to
 * send the stored GLPI App-Token to any URL a caller named (even when the policy locked the
 * server); an SSH profile could likewise name the ITSM token's vault id as its password.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createService, type Service } from '../../../src/api/service';
import { startGlpiFake, type GlpiFake } from '../../services/glpi-fake';
import { startSshd, TEST_PASSWORD, type SshdHandle } from '../../services/sshd';
import { makeTempDir } from '../../support/temp-dir';

process.env.RELAIS_SYNC_QUIET = '1';

let glpi: GlpiFake;
let evil: http.Server;
let evilUrl = '';
const seen: string[] = [];
beforeAll(async () => {
  glpi = await startGlpiFake();
  evil = http.createServer((req, res) => {
    seen.push(JSON.stringify(req.headers));
    res.writeHead(400, { 'Content-Type': 'application/json' }).end('["ERROR_WRONG_APP_TOKEN_PARAMETER","no"]');
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}/apirest.php`;
});
afterAll(async () => {
  await glpi?.close();
  await new Promise((r) => evil?.close(r));
});

const open: { s: Service; cleanup(): void }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.s.close();
    o.cleanup();
  }
  seen.length = 0;
});

function service(policy?: object): Service {
  const t = makeTempDir('relais-scope-');
  let policyFile: string | null = null;
  if (policy) {
    policyFile = path.join(t.dir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(policy));
  }
  const s = createService({ dataDir: path.join(t.dir, 'data'), host: 'web', policyFile });
  open.push({ s, cleanup: t.cleanup });
  return s;
}
async function call(s: Service, name: string, input?: unknown): Promise<any> {
  const r = await s.dispatch(name, input, { clientId: 'test' });
  if (!r.ok) throw Object.assign(new Error(r.error.code), { error: r.error });
  return r.value;
}

describe('sync.test and the stored ITSM secrets', () => {
  it('never sends the stored App-Token to another URL', async () => {
    const s = service();
    await call(s, 'sync.configure', { kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken });
    const r = await call(s, 'sync.test', { kind: 'glpi', url: evilUrl, token: 'anything' });
    expect(r.ok).toBe(false);
    expect(seen.join('\n')).not.toContain(glpi.appToken);
    expect(seen.join('\n')).not.toContain(glpi.userToken);
  });

  it('still uses the stored App-Token to test the saved server with a new user token', async () => {
    const s = service();
    await call(s, 'sync.configure', { kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken });
    const r = await call(s, 'sync.test', { kind: 'glpi', url: glpi.url + '/', token: glpi.userToken });
    expect(r.user).toBe('glpi'); // both tokens accepted: the verdict names the account
  });

  it('refuses to test another server when the policy locks it, as sync.configure does', async () => {
    const s = service({ sync: { kind: 'glpi', url: glpi.url, locked: true } });
    await call(s, 'sync.configure', { kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken });
    await expect(call(s, 'sync.test', { kind: 'glpi', url: evilUrl, token: 'x', appToken: 'y' })).rejects.toMatchObject({ error: { code: 'LOCKED_BY_POLICY' } });
    expect(seen).toEqual([]);
    expect((await call(s, 'sync.test', { kind: 'glpi', url: glpi.url, token: glpi.userToken })).user).toBe('glpi');
  });
});

describe('remote logins use only login secrets', () => {
  let sshd: SshdHandle;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => sshd?.stop());

  it('an SSH profile naming a token entry is refused, and the token never reaches the server', async () => {
    process.env.RELAIS_KNOWN_HOSTS = '';
    const s = service();
    // The server's password stored as if it were the ITSM token: the kind, not the value, decides.
    const token = await call(s, 'security.vaultPut', { label: 'GLPI App-Token', kind: 'token', secret: TEST_PASSWORD });
    const p = await call(s, 'ssh.profileSave', { name: 'pw', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'password', credentialId: token.id });
    const attempt = async () => {
      let r = await call(s, 'ssh.open', { profileId: p.id });
      if (r.status === 'hostKey') r = await call(s, 'ssh.answerHostKey', { promptId: r.prompt.promptId, decision: 'trust-remember' });
      return r;
    };
    await expect(attempt()).rejects.toMatchObject({ error: { code: 'VAULT_WRONG_KIND', message: { fr: expect.stringContaining('connexion SSH') } } });
  });
});
