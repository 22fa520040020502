/**
 * The RDP feature's handlers on each platform. Windows and macOS cannot run here: the
 * runner is replaced by one that records what would be spawned (program, argv, the temp
 * file's mode and contents at spawn time) and then "exits", so the test also sees the temp
 * file removed and the session recorded on the ticket and in the audit log.
 */
import fs from 'node:fs';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import type { LaunchPlan } from '../../../src/features/rdp/launchers';
import type { RunOptions, RunningClient } from '../../../src/features/rdp/runner';
import { decodeRdpFile, RDP_FILE_KEYS } from '../../../src/features/rdp/rdp-file';
import { isSafeText } from '../../../src/api/contracts/rdp';
import type { RdpEnvironment } from '../../../src/features/rdp/service';
import { insertAsset, makeRdpHarness } from '../../support/rdp-harness';
import { HOSTILE } from './hostile';

interface Spawned {
  plan: LaunchPlan;
  file: string | null;
  fileMode: number | null;
  fileText: string | null;
  exit(code: number): Promise<void>;
}

function recordingRunner(spawned: Spawned[]): RdpEnvironment['runPlan'] {
  return async (plan: LaunchPlan, options: RunOptions = {}) => {
    const file = options.temp?.file ?? null;
    const entry: Spawned = {
      plan,
      file,
      fileMode: file ? fs.statSync(file).mode & 0o777 : null,
      fileText: file ? decodeRdpFile(fs.readFileSync(file)) : null,
      exit: async () => {},
    };
    let resolveExit!: (v: { code: number | null; signal: NodeJS.Signals | null }) => void;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => (resolveExit = r));
    entry.exit = async (code) => {
      options.temp?.cleanup();
      resolveExit({ code, signal: null });
      await exited;
    };
    spawned.push(entry);
    return { child: new EventEmitter() as unknown as ChildProcess, pid: 4242, spawnedAt: performance.now(), exited, signal: null, signals: [], kill: () => void entry.exit(1) } satisfies RunningClient;
  };
}

let h: Awaited<ReturnType<typeof makeRdpHarness>>;
let spawned: Spawned[];
afterEach(async () => {
  for (const s of spawned) await s.exit(0);
  // Every session's end is recorded before the store closes.
  await h?.rdp.idle();
  await h?.dispose();
});

describe('on Windows', () => {
  let assetId: string;
  let ticketId: string;
  const qwinstaOut = fs.readFileSync(new URL('./fixtures/qwinsta-fr-cp850.txt', import.meta.url));
  const commands: { program: string; args: string[] }[] = [];
  beforeEach(async () => {
    spawned = [];
    commands.length = 0;
    h = await makeRdpHarness({
      platform: 'win32',
      processEnv: { SystemRoot: 'C:\\Windows', PATH: '' },
      runPlan: recordingRunner(spawned),
      runCommand: async (program, args) => {
        commands.push({ program, args });
        return { code: 0, stdout: qwinstaOut, stderr: '' };
      },
    });
    assetId = insertAsset(h.core, { name: 'PC-URBA-007', ip: '10.20.30.40', os: 'Windows 10 Entreprise' });
    ticketId = (await h.logTicket([assetId])).id;
  });

  it('mstsc gets a 0600 temp file with exactly the expected lines, deleted when it exits; recorded on the ticket and in the audit log', async () => {
    const cred = await h.security.vault.put('Support urbanisme', 'Tr0ub4dor&3', 'password');
    await h.call('rdp.setAssetMethods', { assetId, methods: ['rdp', 'msra', 'shadow'], defaultMethod: 'rdp', settings: { user: 'support', domain: 'VILLE', credentialId: cred } });
    const r = await h.call('rdp.launch', { assetId, ticketId, method: 'rdp' });
    expect(r.status).toBe('started');
    expect(spawned).toHaveLength(1);
    const s = spawned[0]!;
    expect(s.plan.program).toBe('C:\\Windows\\System32\\mstsc.exe');
    expect(s.plan.args).toEqual([s.file]);
    expect(s.plan.stdin).toBeUndefined();
    expect(s.fileMode).toBe(0o600);
    expect(fs.statSync(s.file!.replace(/\/[^/]+$/, '')).mode & 0o777).toBe(0o700);
    expect(s.fileText).toContain('full address:s:10.20.30.40:3389\r\n');
    expect(s.fileText).toContain('username:s:VILLE\\support\r\n');
    expect(s.fileText).toContain('drivestoredirect:s:\r\n');
    expect(s.fileText).not.toContain('Tr0ub4dor&3');
    expect(fs.existsSync(s.file!)).toBe(true);

    await s.exit(0);
    await h.rdp.idle();
    expect(fs.existsSync(s.file!)).toBe(false);
    const rec = await h.call('rdp.session', { sessionId: r.status === 'started' ? r.session.id : '' });
    expect(rec).toMatchObject({ state: 'ended', exitCode: 0, client: 'mstsc', method: 'rdp', assetName: 'PC-URBA-007' });
    const detail = (await h.tickets.handlers['tickets.get']({ id: ticketId }, { clientId: 't' })) as { timeline: { kind: string; data: any }[] };
    const entries = detail.timeline.filter((f) => f.kind === 'rdp_session');
    expect(entries.map((e) => e.data.state)).toEqual(['started', 'ended']);
    expect(entries[1]!.data).toMatchObject({ method: 'rdp', pc: 'PC-URBA-007', exitCode: 0 });
    const audit = h.security.audit.list({ limit: 20, ticketId });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['rdp.launch', 'rdp.end']));
  });

  it('Remote Assistance: msra.exe /offerRA <host>', async () => {
    await h.call('rdp.launch', { assetId, ticketId, method: 'msra' });
    expect(spawned[0]!.plan).toEqual({ client: 'msra', program: 'C:\\Windows\\System32\\msra.exe', args: ['/offerRA', '10.20.30.40'] });
    expect(spawned[0]!.file).toBeNull();
  });

  it('shadowing: sessions from qwinsta (with user names), then mstsc /shadow with consent kept', async () => {
    const { sessions } = await h.call('rdp.shadowSessions', { assetId });
    expect(commands).toEqual([{ program: 'C:\\Windows\\System32\\qwinsta.exe', args: ['/server:10.20.30.40'] }]);
    expect(sessions.map((s) => `${s.id}:${s.user}:${s.state}`)).toEqual(['1:agent.dupont:active', '2:administrateur.mai:active', '4:c.martin:disconnected']);
    await expect(h.call('rdp.launch', { assetId, ticketId, method: 'shadow' })).rejects.toMatchObject({ code: 'RDP_SHADOW_SESSION_REQUIRED' });
    await h.call('rdp.launch', { assetId, ticketId, method: 'shadow', shadowSessionId: 1 });
    expect(spawned[0]!.plan.args).toEqual(['/v:10.20.30.40', '/shadow:1', '/control']);
    await h.call('rdp.launch', { assetId, ticketId, method: 'shadow', shadowSessionId: 2, control: false });
    expect(spawned[1]!.plan.args).toEqual(['/v:10.20.30.40', '/shadow:2']);
  });

  it('refuses a method the PC does not offer', async () => {
    await h.call('rdp.setAssetMethods', { assetId, methods: ['rdp'], defaultMethod: 'rdp' });
    await expect(h.call('rdp.launch', { assetId, method: 'msra' })).rejects.toMatchObject({ code: 'RDP_METHOD_DISABLED' });
    expect(spawned).toHaveLength(0);
  });

  it.each(HOSTILE)('a hostile PC address from the directory never reaches a launcher: %j', async (evil) => {
    const bad = insertAsset(h.core, { name: `PC-${Math.random().toString(36).slice(2)}`, ip: evil });
    for (const method of ['rdp', 'msra'] as const) await expect(h.call('rdp.launch', { assetId: bad, method })).rejects.toMatchObject({ code: 'RDP_INVALID_FIELD' });
    await expect(h.call('rdp.launch', { assetId: bad, method: 'shadow', shadowSessionId: 1 })).rejects.toMatchObject({ code: 'RDP_INVALID_FIELD' });
    await expect(h.call('rdp.shadowSessions', { assetId: bad })).rejects.toMatchObject({ code: 'RDP_INVALID_FIELD' });
    expect(spawned).toHaveLength(0);
    expect(commands).toHaveLength(0);
  });

  it.each(HOSTILE)('hostile settings: control and invisible characters refused at the contract, the rest kept inert: %j', async (evil) => {
    const set = (settings: object) => h.call('rdp.setAssetMethods', { assetId, methods: ['rdp'], defaultMethod: 'rdp', settings });
    await expect(set({ gateway: { host: evil } })).rejects.toThrow();
    const dangerous = !isSafeText(evil) || evil.length > 104;
    for (const settings of [{ user: evil }, { domain: evil }, { credentialId: evil }]) {
      if (dangerous) await expect(set(settings)).rejects.toThrow();
      else await expect(set(settings)).resolves.toMatchObject({ settings });
    }
    if (dangerous) return;
    // Inert text (quotes, `;`, `$(...)`, look-alikes) stays one value in one line / one argument.
    await set({ user: evil, domain: evil });
    const r = await h.call('rdp.launch', { assetId, method: 'rdp' });
    expect(r.status).toBe('started');
    const text = spawned.at(-1)!.fileText!;
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(RDP_FILE_KEYS.length);
    expect(text).toContain(`\r\nusername:s:${evil.trim()}\\${evil.trim()}\r\n`);
    expect(spawned.at(-1)!.plan.args).toHaveLength(1);
  });
});

describe('ticket targets and methods', () => {
  beforeEach(async () => {
    spawned = [];
    h = await makeRdpHarness({ platform: 'linux', processEnv: { PATH: '' }, runPlan: recordingRunner(spawned) });
  });

  it("lists the ticket's PCs with their methods, the default first", async () => {
    const win = insertAsset(h.core, { name: 'PC-RH-001', os: 'Windows 11 Pro' });
    const lin = insertAsset(h.core, { name: 'SRV-SIG-02', ip: '10.0.0.2', os: 'Debian 12' });
    const ticketId = (await h.logTicket([win, lin])).id;
    let { assets } = await h.call('rdp.ticketTargets', { ticketId });
    expect(assets.map((a) => [a.asset.name, a.methods, a.configured])).toEqual([
      ['PC-RH-001', ['rdp', 'msra', 'shadow'], false],
      ['SRV-SIG-02', ['ssh'], false],
    ]);
    expect(assets[0]!.target).toBe('PC-RH-001');
    await h.call('rdp.setAssetMethods', { assetId: win, methods: ['rdp', 'msra', 'shadow'], defaultMethod: 'msra' });
    ({ assets } = await h.call('rdp.ticketTargets', { ticketId }));
    expect(assets[0]!.methods).toEqual(['msra', 'rdp', 'shadow']);
    expect(assets[0]!.defaultMethod).toBe('msra');
    await expect(h.call('rdp.setAssetMethods', { assetId: win, methods: ['rdp'], defaultMethod: 'ssh' })).rejects.toThrow();
  });

  it('with no client installed, says which one to install', async () => {
    const id = insertAsset(h.core, { name: 'PC-X', ip: '10.0.0.9' });
    await expect(h.call('rdp.launch', { assetId: id, method: 'rdp' })).rejects.toMatchObject({
      code: 'RDP_NO_CLIENT',
      messages: { fr: expect.stringContaining('installez FreeRDP'), en: expect.stringContaining('install FreeRDP') },
    });
    const clients = await h.call('rdp.clients', {});
    expect(clients.missing?.fr).toContain('freerdp2-x11');
    await expect(h.call('rdp.launch', { assetId: id, method: 'msra' })).rejects.toMatchObject({ code: 'RDP_METHOD_UNSUPPORTED' });
  });

  it('on macOS, opens the generated file', async () => {
    await h.dispose();
    spawned = [];
    h = await makeRdpHarness({ platform: 'darwin', processEnv: { PATH: '' }, runPlan: recordingRunner(spawned) });
    const id = insertAsset(h.core, { name: 'PC-MAC', ip: '10.0.0.7' });
    await h.call('rdp.launch', { assetId: id, method: 'rdp' });
    expect(spawned[0]!.plan).toEqual({ client: 'macos-open', program: '/usr/bin/open', args: [spawned[0]!.file] });
    expect(spawned[0]!.fileText).toContain('full address:s:10.0.0.7:3389\r\n');
  });
});

describe('Linux: FreeRDP version and certificate checks', () => {
  const FP = Array.from({ length: 32 }, () => 'ab').join(':');
  const OTHER = Array.from({ length: 32 }, () => 'cd').join(':');
  let bin: string;
  let probes: number;

  async function setup(binary: string, version: string, seen: () => string) {
    spawned = [];
    probes = 0;
    bin = fs.mkdtempSync('/tmp/relais-fake-freerdp-');
    // A stand-in client that only answers `/version` (the runner is replaced anyway).
    fs.writeFileSync(`${bin}/${binary}`, `#!/bin/sh\necho "This is FreeRDP version ${version} (${version})"\n`, { mode: 0o755 });
    h = await makeRdpHarness({
      platform: 'linux',
      processEnv: { PATH: bin },
      runPlan: recordingRunner(spawned),
      probeCertificate: async () => {
        probes++;
        return seen();
      },
    });
    const id = insertAsset(h.core, { name: 'PC-LNX', ip: '10.9.8.7' });
    await h.call('rdp.setAssetMethods', { assetId: id, methods: ['rdp'], defaultMethod: 'rdp', settings: { user: 'u' } });
    return id;
  }
  afterEach(() => fs.rmSync(bin, { recursive: true, force: true }));

  it('FreeRDP 2.11: pinned to the trusted fingerprint, not read again at each launch', async () => {
    const id = await setup('xfreerdp', '2.11.7', () => FP);
    expect(await h.call('rdp.launch', { assetId: id, method: 'rdp' })).toMatchObject({ status: 'needs_trust', fingerprint: FP, previous: null });
    await h.call('rdp.launch', { assetId: id, method: 'rdp', trustFingerprint: FP });
    await h.call('rdp.launch', { assetId: id, method: 'rdp' });
    expect(probes).toBe(2);
    expect(spawned.map((s) => s.plan.args.find((a) => a.startsWith('/cert')))).toEqual([`/cert:deny,fingerprint:sha256:${FP}`, `/cert:deny,fingerprint:sha256:${FP}`]);
    expect(spawned[0]!.plan.program).toBe(`${bin}/xfreerdp`);
    expect((await h.call('rdp.clients', {})).clients[0]).toMatchObject({ id: 'xfreerdp', available: true, version: '2.11.7' });
  });

  it('FreeRDP 3 (xfreerdp3): new gateway syntax is chosen from the version', async () => {
    const id = await setup('xfreerdp3', '3.5.1', () => FP);
    await h.call('rdp.setAssetMethods', { assetId: id, methods: ['rdp'], defaultMethod: 'rdp', settings: { user: 'u', gateway: { host: 'gw.ville.fr' } } });
    await h.call('rdp.launch', { assetId: id, method: 'rdp', trustFingerprint: FP });
    expect(spawned[0]!.plan.program).toBe(`${bin}/xfreerdp3`);
    expect(spawned[0]!.plan.args).toContain('/gateway:g:gw.ville.fr:443,usage-method:direct');
  });

  it('FreeRDP before 2.8 cannot pin: the certificate is read before every launch and a change is shown', async () => {
    let current = FP;
    const id = await setup('xfreerdp', '2.6.1', () => current);
    await h.call('rdp.launch', { assetId: id, method: 'rdp', trustFingerprint: FP });
    await h.call('rdp.launch', { assetId: id, method: 'rdp' });
    expect(probes).toBe(2);
    current = OTHER;
    expect(await h.call('rdp.launch', { assetId: id, method: 'rdp' })).toMatchObject({ status: 'needs_trust', fingerprint: OTHER, previous: FP });
    expect(spawned).toHaveLength(2);
  });
});

describe('Linux without FreeRDP', () => {
  it('falls back to Remmina with the generated file (Remmina asks for the password itself)', async () => {
    spawned = [];
    const bin = fs.mkdtempSync('/tmp/relais-fake-remmina-');
    fs.writeFileSync(`${bin}/remmina`, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    try {
      h = await makeRdpHarness({ platform: 'linux', processEnv: { PATH: bin }, runPlan: recordingRunner(spawned) });
      const id = insertAsset(h.core, { name: 'PC-REMMINA', ip: '10.1.1.1' });
      const cred = await h.security.vault.put('x', 'Secret-Remmina', 'password');
      await h.call('rdp.setAssetMethods', { assetId: id, methods: ['rdp'], defaultMethod: 'rdp', settings: { user: 'u', credentialId: cred } });
      await h.call('rdp.launch', { assetId: id, method: 'rdp' });
      const s = spawned[0]!;
      expect(s.plan).toEqual({ client: 'remmina', program: `${bin}/remmina`, args: ['-c', s.file] });
      expect(s.fileMode).toBe(0o600);
      expect(s.fileText).toContain('full address:s:10.1.1.1:3389\r\n');
      expect(s.fileText).not.toContain('Secret-Remmina');
      expect((await h.call('rdp.clients', {})).clients).toEqual([
        { id: 'xfreerdp', available: false, program: null, version: null },
        { id: 'remmina', available: true, program: `${bin}/remmina`, version: null },
      ]);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
