/**
 * Issue 18, "also": after a host-key change, pooled SSH connections to that host close at
 * once. Real sshd: a terminal is open (its connection pooled); when the trusted key is removed
 * or replaced, the old connection must not keep serving: the terminal drops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, TEST_PASSWORD, type SshdHandle } from '../../services/sshd';
import { startHarness, type Harness } from './harness';

let sshd: SshdHandle;
let h: Harness;
beforeAll(async () => {
  sshd = await startSshd();
  h = startHarness();
});
afterAll(async () => {
  await h?.dispose();
  await sshd?.stop();
});

async function openTrusted(profileId: string) {
  let r = await h.call('ssh.open', { profileId });
  if (r.status === 'hostKey') r = await h.call('ssh.answerHostKey', { promptId: r.prompt.promptId, decision: 'trust-remember' });
  expect(r.status).toBe('open');
  return r.session;
}

describe('host-key change and the connection pool', () => {
  it('removing the trusted key drops the terminals on that host at once', async () => {
    const cred = await h.call('security.vaultPut', { label: 'pw', kind: 'password', secret: TEST_PASSWORD });
    const p = await h.call('ssh.profileSave', { name: 'pool-a', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'password', credentialId: cred.id });
    const s = await openTrusted(p.id);
    expect(await h.call('ssh.hostKeyRemove', { host: sshd.host, port: sshd.port })).toEqual({ removed: true });
    const status = await h.waitEvent('ssh.status', (e) => e.sessionId === s.sessionId && e.state === 'dropped', 5000);
    expect(status.state).toBe('dropped');
  });

  it('replacing the trusted key (an explicit, audited action) drops the terminals on that host too', async () => {
    const cred = await h.call('security.vaultPut', { label: 'pw2', kind: 'password', secret: TEST_PASSWORD });
    const p = await h.call('ssh.profileSave', { name: 'pool-b', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'password', credentialId: cred.id });
    const s = await openTrusted(p.id);
    await h.call('ssh.hostKeyReplace', { host: sshd.host, port: sshd.port, fingerprint: sshd.hostKeyFingerprint });
    await h.waitEvent('ssh.status', (e) => e.sessionId === s.sessionId && e.state === 'dropped', 5000);
    // A new terminal connects again, under the key now trusted.
    const again = await openTrusted(p.id);
    await h.call('ssh.close', { sessionId: again.sessionId });
  });
});
