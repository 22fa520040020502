/**
 * Ransomware first response on a real Linux host: sshd runs inside its own network
 * namespace, joined to this machine by a veth pair that carries two addresses on our side —
 * the management address (where Relais connects from) and another one standing for the rest
 * of the network. The checklist's isolation step (nftables) runs over SSH for real; then only
 * the management address still reaches the host, both ways. Indicators are collected and
 * every output is attached to the ticket as evidence with its SHA-256.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, TEST_USER, type SshdHandle } from '../../services/sshd';
import { freePort } from '../../support/ports';
import { makeTempDir } from '../../support/temp-dir';
import { startIncidentHarness, type IncidentHarness } from './harness';
import { poll } from '../../support/poll';

let holder: ChildProcess;
let sshd: SshdHandle;
let temp: { dir: string; cleanup(): void };
let h: IncidentHarness;
const n = 1 + Math.floor(Math.random() * 250);
const m = 160 + Math.floor(Math.random() * 60);
const MGMT = `10.${m}.${n}.1`;
const OTHER = `10.${m}.${n}.3`;
const PC = `10.${m}.${n}.2`;
const tag = crypto.randomBytes(3).toString('hex');
const hostIf = `rl${tag}h`;
const pcIf = `rl${tag}p`;
let nsArg = '';
let target: { kind: 'ssh'; profileId: string; os: 'linux' };

const inNs = (...args: string[]) => execFileSync('nsenter', [nsArg, '--', ...args], { stdio: 'pipe' });

/** Opens a TCP connection from `from` to host:port; resolves with the first bytes or the failure. */
function reach(from: string, host: string, port: number, timeoutMs = 1500): Promise<{ ok: boolean; banner: string }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, localAddress: from });
    let banner = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ok, banner });
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('data', (d) => {
      banner += d.toString('latin1');
      done(true);
    });
    sock.on('error', () => done(false));
  });
}

/** From inside the host: can it open a TCP connection to host:port? */
function reachFromPc(host: string, port: number): boolean {
  try {
    inNs('timeout', '2', 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2"', 'probe', host, String(port));
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  process.env.RELAIS_KNOWN_HOSTS = '';
  holder = spawn('unshare', ['--net', '--', 'sleep', '900'], { stdio: 'ignore' });
  nsArg = `--net=/proc/${holder.pid}/ns/net`;
  await poll(() => fs.readlinkSync(`/proc/${holder.pid}/ns/net`) !== fs.readlinkSync('/proc/self/ns/net'), Boolean, { timeoutMs: 10_000, what: 'the holder process in its own network namespace' });
  execFileSync('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', pcIf, 'netns', String(holder.pid)]);
  execFileSync('ip', ['addr', 'add', `${MGMT}/24`, 'dev', hostIf]);
  execFileSync('ip', ['addr', 'add', `${OTHER}/24`, 'dev', hostIf]);
  execFileSync('ip', ['link', 'set', hostIf, 'up']);
  inNs('ip', 'link', 'set', 'lo', 'up');
  inNs('ip', 'addr', 'add', `${PC}/24`, 'dev', pcIf);
  inNs('ip', 'link', 'set', pcIf, 'up');
  // The technician's admin account on the host is root (elevation then needs no sudo).
  sshd = await startSshd({ netnsPid: holder.pid, extraConfig: [`ListenAddress ${PC}`, 'PermitRootLogin prohibit-password', `AllowUsers root ${TEST_USER}`] });
  temp = makeTempDir('relais-incident-ssh-');
  h = startIncidentHarness(path.join(temp.dir, 'data'));
  const profile = await h.call('ssh.profileSave', { name: 'pc-compta-12', host: PC, port: sshd.port, username: 'root', auth: 'key', keyFile: sshd.keyFile });
  const [keyType = '', publicKey = ''] = fs.readFileSync(path.join(sshd.dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/);
  (h.ssh as any).ssh.trust.remember(PC, sshd.port, { keyType, fingerprint: sshd.hostKeyFingerprint, publicKey }, 'test', new Date().toISOString());
  target = { kind: 'ssh', profileId: profile.id, os: 'linux' };
}, 30_000);

afterAll(async () => {
  await h?.close();
  await sshd?.stop();
  if (holder?.pid) holder.kill('SIGKILL');
  try {
    execFileSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
  } catch {
    // gone with the namespace
  }
  temp?.cleanup();
});

describe('ransomware first response on a Linux host over SSH', () => {
  it('walks the checklist: phone steps timestamped, isolation keeps only the management address, indicators attached as evidence', async () => {
    const { ticket } = await h.call('incidents.report', { categoryKey: 'ransomware', call: { requesterName: 'Service comptabilité', description: 'Fichiers en .locked sur le serveur de fichiers' } });
    const { run } = await h.call('tools.checklistStart', { checklistId: 'rancongiciel-premiers-gestes-linux', target, ticketId: ticket.id });
    expect(run.steps.map((s) => s.kind)).toEqual(['manual', 'manual', 'manual', 'manual', 'manual', 'tool', 'tool', 'manual']);
    const notes = ['', 'câble débranché', 'photo envoyée par SMS', '\\\\fs-mairie\\compta', 'facture.pdf.exe de compta@fournisseur-x.fr'];
    for (const [i, note] of notes.entries()) await h.call('tools.checklistTick', { runId: run.id, stepIndex: i, note });
    const ticked = (await h.call('tools.checklistGet', { runId: run.id })).run;
    expect(ticked.steps.slice(0, 5).every((s) => s.status === 'done' && s.finishedAt)).toBe(true);
    const phone = (await h.call('tickets.get', { id: ticket.id })).timeline.filter((f) => f.kind === 'checklist_step' && /cochée/.test(f.body));
    expect(phone).toHaveLength(5);
    expect(phone[3]!.body).toContain('\\\\fs-mairie\\compta');

    // Before: the rest of the network reaches the host.
    expect((await reach(OTHER, PC, sshd.port)).ok).toBe(true);
    const listener = net.createServer((s) => s.end('hello\n'));
    const outPort = await freePort(MGMT);
    await new Promise<void>((r) => listener.listen(outPort, '0.0.0.0', () => r()));
    let iso: Awaited<ReturnType<typeof h.tools.runs.wait>>;
    try {
      expect(reachFromPc(OTHER, outPort)).toBe(true);

      // Elevation is asked, never assumed.
      await expect(h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 5, params: { ManagementAddress: MGMT } })).rejects.toMatchObject({ code: 'TOOL_ELEVATION_CONFIRM' });
      const step = await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 5, params: { ManagementAddress: MGMT }, elevationConfirmed: true });
      iso = await h.tools.runs.wait(step.toolRun.id);
      const isoOut = (await h.call('tools.get', { runId: iso.id })).output;
      expect(iso.status, isoOut).toBe('succeeded');
      expect(isoOut).toContain(`seule l'adresse de gestion ${MGMT}`);

      // After: only the management address reaches the host, and the host reaches only it.
      const fromOther = await reach(OTHER, PC, sshd.port);
      const fromMgmt = await reach(MGMT, PC, sshd.port);
      expect(fromOther.ok).toBe(false);
      expect(fromMgmt.ok).toBe(true);
      expect(fromMgmt.banner).toMatch(/^SSH-2\.0-OpenSSH/);
      expect(reachFromPc(OTHER, outPort)).toBe(false);
      expect(reachFromPc(MGMT, outPort)).toBe(true);
    } finally {
      listener.close();
    }

    const contained = (await h.call('incidents.get', { ticketId: ticket.id })).incident!;
    expect(contained.state).toBe('contained');
    expect(contained.timeToContainmentMs).toBeGreaterThanOrEqual(0);

    const step2 = await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 6, params: {}, elevationConfirmed: true });
    const ioc = await h.tools.runs.wait(step2.toolRun.id);
    const iocOut = (await h.call('tools.get', { runId: ioc.id })).output;
    expect(ioc.status, iocOut.slice(-2000)).toBe('succeeded');
    for (const section of ['Processus', 'Tâches planifiées', 'Démarrage automatique', 'Fichiers modifiés', 'SMB']) expect(iocOut).toContain(section);
    // The host's sshd is listed with the SHA-256 of its executable (computed here independently).
    const sshdSum = crypto.createHash('sha256').update(fs.readFileSync('/usr/sbin/sshd')).digest('hex');
    expect(iocOut).toMatch(new RegExp(`^${sshdSum}\\t/usr/sbin/sshd$`, 'm'));

    const detail = await h.call('incidents.get', { ticketId: ticket.id });
    expect(detail.evidence.map((e) => e.runId)).toEqual([iso.id, ioc.id]);
    expect(detail.evidence.map((e) => e.sha256)).toEqual([iso.outputDigest, ioc.outputDigest]);
    const checklist = (await h.call('tools.checklistGet', { runId: run.id })).run;
    expect(checklist.currentStep).toBe(7);
  }, 120_000);

  it('isolation of a PC that does not answer: a clear message on the ticket, the step stays open', async () => {
    const deadPort = await freePort();
    const dead = await h.call('ssh.profileSave', { name: 'pc-eteint', host: PC, port: deadPort, username: 'root', auth: 'key', keyFile: sshd.keyFile });
    const { ticket } = await h.call('incidents.report', { categoryKey: 'ransomware', call: { requesterName: 'Mairie annexe', description: 'Écran de rançon' } });
    const { run } = await h.call('tools.checklistStart', { checklistId: 'rancongiciel-premiers-gestes-linux', target: { kind: 'ssh', profileId: dead.id, os: 'linux' }, ticketId: ticket.id });
    for (let i = 0; i < 5; i++) await h.call('tools.checklistTick', { runId: run.id, stepIndex: i, note: '' });
    const step = await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 5, params: { ManagementAddress: MGMT }, elevationConfirmed: true });
    const done = await h.tools.runs.wait(step.toolRun.id);
    expect(done.status).toBe('error');
    const after = (await h.call('tools.checklistGet', { runId: run.id })).run;
    expect(after.currentStep).toBe(5);
    expect(after.steps[5]!.status).toBe('failed');
    const failed = (await h.call('tickets.get', { id: ticket.id })).timeline.find((f) => f.kind === 'incident_isolation_failed');
    expect(failed?.body).toMatch(/Isolement NON réalisé : .+débrancher le câble réseau/);
    expect((await h.call('incidents.get', { ticketId: ticket.id })).incident!.state).toBe('open');
  }, 60_000);
});
