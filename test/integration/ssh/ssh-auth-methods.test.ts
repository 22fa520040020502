import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startSshd, TEST_PASSWORD, type SshdHandle } from '../../services/sshd';
import { makeTempDir } from '../../support/temp-dir';
import { startHarness, until, type Harness } from './harness';

let kbd: SshdHandle;
let h: Harness;
let temp: ReturnType<typeof makeTempDir>;
let agent: ChildProcess | null = null;
const savedSock = process.env.SSH_AUTH_SOCK;

beforeAll(async () => {
  // Keyboard-interactive only (PAM conversation), as many hardened servers are set up.
  kbd = await startSshd({ extraConfig: ['KbdInteractiveAuthentication yes', 'PasswordAuthentication no', 'PubkeyAuthentication no'] });
  temp = makeTempDir('relais-ssh-auth-');
  h = startHarness();
});
afterAll(async () => {
  await h?.dispose();
  await kbd?.stop();
  if (agent?.pid && agent.exitCode === null) {
    const exited = new Promise((r) => agent!.once('exit', r));
    agent.kill('SIGTERM');
    await exited;
  }
  if (savedSock === undefined) delete process.env.SSH_AUTH_SOCK;
  else process.env.SSH_AUTH_SOCK = savedSock;
  temp?.cleanup();
});

async function openAndRun(profileId: string, command: string, expected: string, extra: Record<string, unknown> = {}) {
  let r = await h.call('ssh.open', { profileId, ...extra });
  while (r.status === 'hostKey') r = await h.call('ssh.answerHostKey', { promptId: r.prompt.promptId, decision: 'trust-remember' });
  expect(r.status).toBe('open');
  const sid = r.session.sessionId;
  await h.call('ssh.write', { sessionId: sid, data: `${command}\n` });
  await until(() => h.output(sid).includes(expected), 10_000, expected);
  await h.call('ssh.close', { sessionId: sid });
}

describe('other authentication methods', () => {
  it('keyboard-interactive with the password from the vault', async () => {
    const cred = await h.call('security.vaultPut', { label: 'kbd', kind: 'password', secret: TEST_PASSWORD });
    const p = await h.call('ssh.profileSave', { name: 'kbd', host: kbd.host, port: kbd.port, username: kbd.user, auth: 'keyboard-interactive', credentialId: cred.id });
    await openAndRun(p.id, 'echo kbd-$((1+6))', 'kbd-7');
    expect(kbd.log()).toMatch(/Accepted keyboard-interactive\/pam for relaistest/);
  });

  it('keyboard-interactive with a wrong one-time password is refused clearly', async () => {
    const p = await h.call('ssh.profileSave', { name: 'kbd-wrong', host: kbd.host, port: kbd.port, username: kbd.user, auth: 'keyboard-interactive' });
    const r = await h.callRaw('ssh.open', { profileId: p.id, password: 'nope' });
    expect(r.error.code).toBe('SSH_AUTH_FAILED');
  });

  it('SSH agent holding the key', async () => {
    const sshd = await startSshd();
    try {
      const sock = path.join(temp.dir, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      await until(() => fs.existsSync(sock), 5000, 'agent socket');
      execFileSync('ssh-add', [sshd.keyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      process.env.SSH_AUTH_SOCK = sock;
      const p = await h.call('ssh.profileSave', { name: 'agent', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'agent' });
      await openAndRun(p.id, 'echo agent-$((2+7))', 'agent-9');
      expect(sshd.log()).toMatch(/Accepted publickey for relaistest/);
    } finally {
      await sshd.stop();
    }
  });

  it('imports profiles from an OpenSSH config through the contract, skipping ones already there', async () => {
    const text = `Host intranet\n  HostName 10.20.0.5\n  User admin\n  IdentityFile /tmp/none\n  ProxyJump bastion\nHost bastion\n  HostName rebond.ville.example\n  Port 2222\n`;
    const first = await h.call('ssh.importConfig', { text });
    expect(first.imported.map((p: any) => p.name).sort()).toEqual(['bastion', 'intranet']);
    const intranet = first.imported.find((p: any) => p.name === 'intranet');
    expect(intranet).toMatchObject({ host: '10.20.0.5', username: 'admin', auth: 'key', keyFile: '/tmp/none', jump: ['bastion'] });
    const again = await h.call('ssh.importConfig', { text });
    expect(again.imported).toHaveLength(0);
    expect(again.skipped.sort()).toEqual(['bastion', 'intranet']);
  });
});
