import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createCore, type Core } from '../../../src/api/core';
import { createTicketFeature } from '../../../src/api/handlers/tickets';
import { createSecurityFeature } from '../../../src/api/handlers/security';
import { createSshFeature } from '../../../src/api/handlers/ssh';
import { startJumpPair, startSshd, type JumpPair, type SshdHandle } from '../../services/sshd';
import { makeTempDir } from '../../support/temp-dir';
import { startHarness, until, type Harness } from './harness';

let sshd: SshdHandle;
let pair: JumpPair;
let temp: { dir: string; cleanup(): void };
let core: Core;
let ssh: ReturnType<typeof createSshFeature>['ssh'];
let security: ReturnType<typeof createSecurityFeature>;

beforeAll(async () => {
  [sshd, pair] = await Promise.all([startSshd(), startJumpPair()]);
  temp = makeTempDir('relais-ssh-exec-');
  // A known_hosts with the server's key, hashed as `ssh-keygen -H` writes it.
  const kh = path.join(temp.dir, 'known_hosts');
  fs.writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${fs.readFileSync(path.join(sshd.dir, 'host_ed25519.pub'), 'utf8')}`);
  execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
  expect(fs.readFileSync(kh, 'utf8')).toMatch(/^\|1\|/);
  process.env.RELAIS_KNOWN_HOSTS = kh;
  core = createCore({ dataDir: path.join(temp.dir, 'data'), host: 'web', policyFile: null });
  const tickets = createTicketFeature(core);
  security = createSecurityFeature(core);
  ({ ssh } = createSshFeature(core, { tickets: tickets.port, security }));
});
afterAll(async () => {
  await core?.close();
  await Promise.all([sshd?.stop(), pair?.stop()]);
  temp?.cleanup();
  delete process.env.RELAIS_KNOWN_HOSTS;
});

const target = () => ({ host: sshd.host, port: sshd.port, username: sshd.user, auth: 'key' as const, keyFile: sshd.keyFile });

function collect() {
  const out = { stdout: '', stderr: '' };
  return { out, onStdout: (c: string) => (out.stdout += c), onStderr: (c: string) => (out.stderr += c) };
}

function processGone(pattern: string): boolean {
  try {
    execFileSync('pgrep', ['-f', pattern], { stdio: 'pipe' });
    return false;
  } catch {
    return true;
  }
}

describe('ssh.exec (used by the configuration tools)', () => {
  it('trusts a host found in a hashed known_hosts entry without asking', async () => {
    const c = collect();
    const r = await ssh.exec(target(), 'echo hello', c);
    expect(r.exitCode).toBe(0);
    expect(c.out.stdout).toBe('hello\n');
  });

  it('separates stdout and stderr, passes env values literally, feeds stdin and returns the exit code', async () => {
    const c = collect();
    const tricky = `it's "quoted" $HOME; rm -rf /`;
    const r = await ssh.exec(target(), 'printf "%s|" "$PARAM"; cat; echo oops >&2; exit 7', { ...c, env: { PARAM: tricky }, stdin: 'from-stdin é' });
    expect(r.exitCode).toBe(7);
    expect(c.out.stdout).toBe(`${tricky}|from-stdin é`);
    expect(c.out.stderr).toBe('oops\n');
  });

  it('kills the remote process group on abort, verified on the server', async () => {
    const a = `${300 + Math.floor(Math.random() * 600)}.${Math.floor(Math.random() * 1000)}`;
    const c = collect();
    const ac = new AbortController();
    const run = ssh.exec(target(), `sleep ${a}1 & sleep ${a}2; echo never`, { ...c, signal: ac.signal });
    await until(() => !processGone(`sleep ${a}1`) && !processGone(`sleep ${a}2`), 5000, 'remote sleeps');
    ac.abort();
    const r = await run;
    expect(r.exitCode).toBeNull();
    expect(r.stopped).toBe('aborted');
    await until(() => processGone(`sleep ${a}1`) && processGone(`sleep ${a}2`), 3000, 'remote processes gone');
    expect(c.out.stdout).not.toContain('never');
  });

  it('stops a command at its timeout', async () => {
    const a = `${300 + Math.floor(Math.random() * 600)}.${Math.floor(Math.random() * 1000)}`;
    const t0 = Date.now();
    const r = await ssh.exec(target(), `echo started; sleep ${a}`, { ...collect(), timeoutMs: 500 });
    expect(r.stopped).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(3000);
    await until(() => processGone(`sleep ${a}`), 3000, 'remote sleep gone');
  });

  it('refuses an unknown host key with its fingerprint instead of running anything', async () => {
    const other = await startSshd();
    try {
      await expect(ssh.exec({ host: other.host, port: other.port, username: other.user, auth: 'key', keyFile: other.keyFile }, 'true', collect())).rejects.toMatchObject({
        code: 'SSH_HOSTKEY_UNKNOWN',
        details: { fingerprint: other.hostKeyFingerprint },
      });
    } finally {
      await other.stop();
    }
  });
});

describe('jump host (ProxyJump)', () => {
  let h: Harness;
  beforeAll(() => {
    h = startHarness();
  });
  afterAll(async () => h?.dispose());

  it('reaches a target only reachable through the jump host, checking both host keys', async () => {
    const bastion = await h.call('ssh.profileSave', { name: 'bastion', host: '127.0.0.1', port: pair.jump.port, username: pair.jump.user, auth: 'key', keyFile: pair.jump.keyFile });
    void bastion;
    const direct = await h.call('ssh.profileSave', { name: 'direct', host: '127.0.0.1', port: pair.targetPort, username: pair.target.user, auth: 'key', keyFile: pair.target.keyFile });
    const d = await h.callRaw('ssh.open', { profileId: direct.id });
    expect(d.ok && d.value.status === 'open').toBe(false);

    const p = await h.call('ssh.profileSave', { name: 'cible', host: '127.0.0.1', port: pair.targetPort, username: pair.target.user, auth: 'key', keyFile: pair.target.keyFile, jump: ['bastion'] });
    const first = await h.call('ssh.open', { profileId: p.id });
    expect(first.status).toBe('hostKey');
    expect(first.prompt).toMatchObject({ hop: 0, port: pair.jump.port, fingerprint: pair.jump.hostKeyFingerprint });
    const second = await h.call('ssh.answerHostKey', { promptId: first.prompt.promptId, decision: 'trust-remember' });
    expect(second.status).toBe('hostKey');
    expect(second.prompt).toMatchObject({ hop: 1, port: pair.targetPort, fingerprint: pair.target.hostKeyFingerprint });
    const open = await h.call('ssh.answerHostKey', { promptId: second.prompt.promptId, decision: 'trust-once' });
    expect(open.status).toBe('open');
    const sid = open.session.sessionId;
    await h.call('ssh.write', { sessionId: sid, data: 'echo via-$((2+2)) $SSH_CONNECTION\n' });
    await until(() => /via-4 \S+/.test(h.output(sid)), 10_000, 'output via jump');
    await h.call('ssh.close', { sessionId: sid });
    // The jump host's sshd handled a forwarding request to the target.
    expect(pair.jump.log()).toMatch(/direct-tcpip|Accepted publickey/);
  });

  it('takes a jump written as user@host:port too', async () => {
    const p = await h.call('ssh.profileSave', {
      name: 'cible2',
      host: '127.0.0.1',
      port: pair.targetPort,
      username: pair.target.user,
      auth: 'key',
      keyFile: pair.target.keyFile,
      jump: [`${pair.jump.user}@127.0.0.1:${pair.jump.port}`],
    });
    let r = await h.call('ssh.open', { profileId: p.id });
    while (r.status === 'hostKey') r = await h.call('ssh.answerHostKey', { promptId: r.prompt.promptId, decision: 'trust-remember' });
    expect(r.status).toBe('open');
    await h.call('ssh.close', { sessionId: r.session.sessionId });
  });
});
