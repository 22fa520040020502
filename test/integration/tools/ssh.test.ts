/**
 * The sh tools over a real OpenSSH server on loopback (test/services/sshd.ts), through the
 * SSH feature's exec (same host-key trust and vault as the terminals). The server is this
 * machine, so the remote processes can be checked with pgrep after a cancel or timeout.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdHandle } from '../../services/sshd';
import { makeTempDir } from '../../support/temp-dir';
import { HOSTILE } from '../../unit/tools/hostile';
import { newTicket, processesWith, startHarness, until, writeAdminFolder, type Harness } from './harness';

let sshd: SshdHandle;
let h: Harness;
let temp: { dir: string; cleanup: () => void };
let target: { kind: 'ssh'; profileId: string };

beforeAll(async () => {
  process.env.RELAIS_KNOWN_HOSTS = '';
  sshd = await startSshd();
  temp = makeTempDir('relais-tools-ssh-');
  h = startHarness(path.join(temp.dir, 'data'), writeAdminFolder(temp.dir));
  const profile: any = await h.call('ssh.profileSave' as never, { name: 'pc-test', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'key', keyFile: sshd.keyFile } as never);
  const [keyType = '', publicKey = ''] = fs.readFileSync(path.join(sshd.dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/);
  (h.ssh as any).ssh.trust.remember(sshd.host, sshd.port, { keyType, fingerprint: sshd.hostKeyFingerprint, publicKey }, 'test', new Date().toISOString());
  target = { kind: 'ssh', profileId: profile.id };
});
afterAll(async () => {
  await h?.close();
  await sshd?.stop();
  temp?.cleanup();
});

describe('tools over SSH (real sshd)', () => {
  it('system information runs on the remote PC and reports its real host name; the result goes on the ticket', async () => {
    const ticketId = await newTicket(h);
    const { run } = await h.call('tools.run', { toolId: 'linux-system-info', target, ticketId });
    const done = await h.tools.runs.wait(run.id);
    const { output } = await h.call('tools.get', { runId: run.id });
    expect(done.status, output).toBe('succeeded');
    expect(output).toContain(`Nom du poste / Hostname : ${os.hostname()}`);
    expect(output).not.toContain('RELAIS');
    expect(done.outputDigest).toBe(crypto.createHash('sha256').update(output, 'utf8').digest('hex'));
    const { timeline } = await h.call('tickets.get', { id: ticketId });
    expect(timeline.find((f: any) => f.kind === 'tool_run')?.data).toMatchObject({ runId: run.id, target, status: 'succeeded' });
  });

  it('runs as the SSH user, not as the console user', async () => {
    const { run } = await h.call('tools.run', { toolId: 'site-echo', target, params: { Text: 'x' } });
    expect((await h.tools.runs.wait(run.id)).status).toBe('succeeded');
    const { run: r2 } = await h.call('tools.run', { toolId: 'linux-package-list', target, params: { Filter: 'openssh-server' } });
    const d2 = await h.tools.runs.wait(r2.id);
    expect(d2.status).toBe('succeeded');
    expect((await h.call('tools.get', { runId: r2.id })).output).toMatch(/^openssh-server \| /m);
  });

  it.each(HOSTILE)('hostile value %j arrives on the remote PC byte for byte', async (value) => {
    const { run } = await h.call('tools.run', { toolId: 'site-echo', target, params: { Text: value } });
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect((await h.call('tools.get', { runId: run.id })).output).toBe(value);
  });

  it('cancel kills the remote processes too', async () => {
    const marker = String(100000 + Math.floor(Math.random() * 899999));
    const { run } = await h.call('tools.run', { toolId: 'site-sleep', target, params: { Marker: Number(marker) } });
    await until(() => processesWith(`600.${marker}`), (p) => p.length >= 1, 10_000);
    await until(() => processesWith(`relais-sub-${marker}`), (p) => p.length >= 1, 10_000);
    expect(await h.call('tools.cancel', { runId: run.id })).toEqual({ cancelled: true });
    expect((await h.call('tools.get', { runId: run.id })).run.status).toBe('cancelled');
    await until(() => processesWith(marker), (p) => p.length === 0, 5000);
  });

  it('a timeout kills the remote processes too', async () => {
    const marker = String(100000 + Math.floor(Math.random() * 899999));
    const { run } = await h.call('tools.run', { toolId: 'site-sleep', target, params: { Marker: Number(marker) }, timeoutSeconds: 2 });
    await until(() => processesWith(`600.${marker}`), (p) => p.length >= 1, 10_000);
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('timeout');
    await until(() => processesWith(marker), (p) => p.length === 0, 5000);
  });

  it('elevation on the remote PC is checked: without root or passwordless sudo it stops with "élévation requise"', async () => {
    const { run } = await h.call('tools.run', { toolId: 'site-whoami', target, elevationConfirmed: true });
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('error');
    expect(done.exitCode).toBe(126);
    expect(done.error?.fr).toMatch(/Élévation requise/);
    expect((await h.call('tools.get', { runId: run.id })).output).not.toContain('uid=');
  });

  it('an installer checklist runs its tool steps on the remote PC', async () => {
    const ticketId = await newTicket(h, 'Contrôle du serveur de fichiers');
    let { run } = await h.call('tools.checklistStart', { checklistId: 'controle-poste-linux', target, ticketId });
    await h.call('tools.checklistTick', { runId: run.id, stepIndex: 0, note: '' });
    const { toolRun } = await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 1 });
    expect((await h.tools.runs.wait(toolRun.id)).status).toBe('succeeded');
    expect((await h.call('tools.get', { runId: toolRun.id })).output).toContain(os.hostname());
    ({ run } = await until(() => h.call('tools.checklistGet', { runId: run.id }), (r) => r.run.currentStep === 2));
    const { timeline } = await h.call('tickets.get', { id: ticketId });
    const step = timeline.find((f: any) => f.kind === 'checklist_step' && f.data.stepIndex === 1);
    expect(step?.body).toContain(`pc-test (${sshd.user}@${sshd.host}, SSH)`);
  });

  it('never runs on a host whose key is not trusted, and says what to do', async () => {
    const other = await startSshd();
    try {
      const profile: any = await h.call('ssh.profileSave' as never, { name: 'pc-inconnu', host: other.host, port: other.port, username: other.user, auth: 'key', keyFile: other.keyFile } as never);
      const { run } = await h.call('tools.run', { toolId: 'site-echo', target: { kind: 'ssh', profileId: profile.id }, params: { Text: 'marqueur-non-execute' } });
      const done = await h.tools.runs.wait(run.id);
      expect(done.status).toBe('error');
      expect(done.error?.fr).toMatch(/Clé d'hôte inconnue/);
      expect(done.error?.en).toMatch(/Open a terminal to this host first/);
      expect((await h.call('tools.get', { runId: run.id })).output).not.toContain('marqueur-non-execute');
    } finally {
      await other.stop();
    }
  });
});
