/**
 * The Linux launcher against a real xrdp server (under Xvfb): certificate trust on first
 * use, login with the vault password on stdin (never in any process's argv), the session
 * recorded on the ticket timeline and in the audit log, "identifiants refusés" on a wrong
 * password, and a refused connection when the certificate is not the approved one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXrdp, type XrdpService } from '../../services/xrdp';
import { insertAsset, makeRdpHarness, xrdpLogProbe } from '../../support/rdp-harness';
import { makeTempDir } from '../../support/temp-dir';
import { poll } from '../../support/poll';

let xrdp: XrdpService;
let h: Awaited<ReturnType<typeof makeRdpHarness>>;
let home: ReturnType<typeof makeTempDir>;
let assetId: string;
let ticketId: string;
let goodCred: string;
let badCred: string;

/** Every process's argv, read from /proc (NUL-separated). */
function allCmdlines(): { pid: string; argv: string }[] {
  const out: { pid: string; argv: string }[] = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      out.push({ pid, argv: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch {}
  }
  return out;
}

// Needs xrdp, FreeRDP and Xvfb (scripts/install-system-deps.sh): fails, never skips, without them.
describe('Linux launcher (xfreerdp) against a real xrdp', () => {
  beforeAll(async () => {
    xrdp = await startXrdp({ sessionSeconds: 4 });
    home = makeTempDir('relais-rdp-home-');
    h = await makeRdpHarness({
      platform: 'linux',
      processEnv: { ...process.env, DISPLAY: xrdp.display, HOME: home.dir, XDG_CONFIG_HOME: path.join(home.dir, '.config') },
      outcomeProbe: xrdpLogProbe(xrdp),
    });
    assetId = insertAsset(h.core, { name: 'PC-MAIRIE-042', ip: '127.0.0.1', os: 'Windows 11 Pro' });
    goodCred = await h.security.vault.put('Compte support PC-MAIRIE-042', xrdp.password, 'password');
    badCred = await h.security.vault.put('Ancien mot de passe', `${xrdp.password}-périmé`, 'password');
    await h.call('rdp.setAssetMethods', {
      assetId,
      methods: ['msra', 'rdp', 'shadow'],
      defaultMethod: 'rdp',
      settings: { port: xrdp.port, user: xrdp.user, credentialId: goodCred, width: 800, height: 600 },
    });
    ticketId = (await h.logTicket([assetId])).id;
  });
  afterAll(async () => {
    await h?.rdp.idle();
    await h?.dispose();
    await xrdp?.stop();
    home?.cleanup();
  });

  it('shows the certificate fingerprint first, then logs in with the password on stdin only', async () => {
    const first = await h.call('rdp.launch', { assetId, ticketId, method: 'rdp' });
    expect(first.status).toBe('needs_trust');
    if (first.status !== 'needs_trust') return;
    // The fingerprint shown is the SHA-256 of xrdp's real certificate.
    const cert = new crypto.X509Certificate(fs.readFileSync('/etc/xrdp/cert.pem'));
    expect(first.fingerprint).toBe(cert.fingerprint256.toLowerCase());
    expect(first.previous).toBeNull();
    expect(allCmdlines().some((p) => p.argv.includes('xfreerdp') && p.argv.includes(`:${xrdp.port}`))).toBe(false);

    const logFrom = xrdp.logSize();
    const launched = await h.call('rdp.launch', { assetId, ticketId, method: 'rdp', trustFingerprint: first.fingerprint });
    expect(launched.status).toBe('started');
    if (launched.status !== 'started') return;
    const client = h.rdp.runningClient(launched.session.id)!;
    expect(client).not.toBeNull();

    // During the whole session: the password is in no process's argv.
    let scans = 0;
    let sawClient = '';
    let exited = false;
    void client.exited.then(() => (exited = true));
    const scan = () => {
      for (const p of allCmdlines()) {
        expect(p.argv.includes(xrdp.password), `password in argv of pid ${p.pid}: ${p.argv.replace(xrdp.password, '***')}`).toBe(false);
        // (A zombie's cmdline is empty: keep what was seen while it ran.)
        if (p.pid === String(client.pid) && p.argv) sawClient = p.argv;
      }
      scans++;
      return exited;
    };
    await poll(scan, Boolean, { timeoutMs: 120_000, everyMs: 50, what: 'the RDP client to end' });
    expect(scans).toBeGreaterThan(10);
    expect(sawClient).toContain('/from-stdin:force');
    expect(sawClient).toContain(`/cert:deny,fingerprint:sha256:${first.fingerprint}`);

    expect(await xrdp.waitForLog(new RegExp(`login successful for user ${xrdp.user}`), 5000, logFrom)).toBeTruthy();
    expect(xrdp.markers().length).toBeGreaterThanOrEqual(1);
    await h.rdp.idle();

    const record = await h.call('rdp.session', { sessionId: launched.session.id });
    expect(record).toMatchObject({ state: 'ended', method: 'rdp', assetName: 'PC-MAIRIE-042', client: 'xfreerdp', ticketId });
    expect(record.endedAt).not.toBeNull();
    expect(record.exitCode).not.toBeNull();

    // Timeline: a start and an end entry for this session, no secret in them.
    const detail = (await h.tickets.handlers['tickets.get']({ id: ticketId }, { clientId: 't' })) as { timeline: { kind: string; data: any; body: string }[] };
    const entries = detail.timeline.filter((f) => f.kind === 'rdp_session' && f.data?.sessionId === launched.session.id);
    expect(entries.map((e) => e.data.state)).toEqual(['started', 'ended']);
    expect(entries[1]!.data).toMatchObject({ method: 'rdp', pc: 'PC-MAIRIE-042', technician: expect.any(String), startedAt: record.startedAt, endedAt: record.endedAt, exitCode: record.exitCode });
    expect(JSON.stringify(detail)).not.toContain(xrdp.password);

    // Audit log: trust, launch, end.
    const actions = h.security.audit.list({ limit: 50 }).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['rdp.certificate.trusted', 'rdp.launch', 'rdp.end']));
    expect(JSON.stringify(h.security.audit.list({ limit: 50 }))).not.toContain(xrdp.password);
    // The certificate is now trusted: the next launch needs no confirmation.
  });

  it('reports "identifiants refusés" on a wrong password', async () => {
    const logFrom = xrdp.logSize();
    const states: string[] = [];
    const off = h.core.events.subscribe((name, p: any) => name === 'rdp.session' && states.push(p.state));
    const launched = await h.call('rdp.launch', { assetId, ticketId, method: 'rdp', credentialId: badCred });
    expect(launched.status).toBe('started');
    if (launched.status !== 'started') return;
    await xrdp.waitForLog(new RegExp(`login failed for user ${xrdp.user}`), 15_000, logFrom);
    await h.rdp.idle();
    off();
    const record = await h.call('rdp.session', { sessionId: launched.session.id });
    expect(record.state).toBe('auth_failed');
    expect(record.message?.fr).toMatch(/^Identifiants refusés/);
    expect(record.message?.en).toMatch(/^Credentials refused/);
    expect(states).toContain('auth_failed');
  });

  it("without xrdp's log, the client's own output tells a session from refused credentials", async () => {
    const own = await makeRdpHarness({ platform: 'linux', processEnv: { ...process.env, DISPLAY: xrdp.display, HOME: home.dir } });
    try {
      const id = insertAsset(own.core, { name: 'PC-SANS-JOURNAL', ip: '127.0.0.1' });
      const good = await own.security.vault.put('bon', xrdp.password, 'password');
      const bad = await own.security.vault.put('mauvais', 'pas-le-bon', 'password');
      await own.call('rdp.setAssetMethods', { assetId: id, methods: ['rdp'], defaultMethod: 'rdp', settings: { port: xrdp.port, user: xrdp.user, credentialId: good } });
      const trust = await own.call('rdp.launch', { assetId: id, method: 'rdp' });
      if (trust.status !== 'needs_trust') throw new Error('expected needs_trust');
      const states: string[] = [];
      own.core.events.subscribe((name, p: any) => name === 'rdp.session' && states.push(p.state));
      const ok = await own.call('rdp.launch', { assetId: id, method: 'rdp', trustFingerprint: trust.fingerprint });
      await own.rdp.idle();
      expect(states).toContain('logged_in');
      expect((await own.call('rdp.session', { sessionId: ok.status === 'started' ? ok.session.id : '' })).state).toBe('ended');
      const ko = await own.call('rdp.launch', { assetId: id, method: 'rdp', credentialId: bad });
      await own.rdp.idle();
      const rec = await own.call('rdp.session', { sessionId: ko.status === 'started' ? ko.session.id : '' });
      expect(rec.state).toBe('auth_failed');
      expect(rec.message?.fr).toMatch(/^Identifiants refusés/);
    } finally {
      await own.dispose();
    }
  });

  it('refuses a certificate other than the approved one (xfreerdp pinned, no prompt)', async () => {
    const fake = Array.from({ length: 32 }, () => 'ab').join(':');
    const pinned = await makeRdpHarness({
      platform: 'linux',
      processEnv: { ...process.env, DISPLAY: xrdp.display, HOME: home.dir },
      probeCertificate: async () => fake, // what an attacker's probe answer would look like
    });
    try {
      const id = insertAsset(pinned.core, { name: 'PC-PIEGE', ip: '127.0.0.1' });
      const cred = await pinned.security.vault.put('x', xrdp.password, 'password');
      await pinned.call('rdp.setAssetMethods', { assetId: id, methods: ['rdp'], defaultMethod: 'rdp', settings: { port: xrdp.port, user: xrdp.user, credentialId: cred } });
      const logFrom = xrdp.logSize();
      const r = await pinned.call('rdp.launch', { assetId: id, method: 'rdp', trustFingerprint: fake });
      expect(r.status).toBe('started');
      if (r.status !== 'started') return;
      await pinned.rdp.idle();
      const rec = await pinned.call('rdp.session', { sessionId: r.session.id });
      expect(rec.state).toBe('failed');
      expect(rec.message?.fr).toContain("n'est pas celui qui a été approuvé");
      // The password was never sent: no login attempt reached xrdp.
      expect(xrdp.log().slice(logFrom)).not.toMatch(/login (successful|failed)/);
    } finally {
      await pinned.dispose();
    }
  });

  it('when the PC presents another certificate than the trusted one: refused, then shown with both fingerprints', async () => {
    const other = Array.from({ length: 32 }, () => '01').join(':');
    h.core.db.prepare('UPDATE rdp_cert_trust SET sha256 = ?').run(other);
    const logFrom = xrdp.logSize();
    // A known certificate is not read again: xfreerdp is pinned to it and refuses the new one.
    const r = await h.call('rdp.launch', { assetId, ticketId, method: 'rdp' });
    expect(r.status).toBe('started');
    if (r.status !== 'started') return;
    await h.rdp.idle();
    const rec = await h.call('rdp.session', { sessionId: r.session.id });
    expect(rec.state).toBe('failed');
    expect(rec.message?.fr).toContain('certificat');
    expect(xrdp.log().slice(logFrom)).not.toMatch(/login (successful|failed)/);
    // Next attempt: the certificate is read and shown, with the previously trusted one.
    const again = await h.call('rdp.launch', { assetId, ticketId, method: 'rdp' });
    const cert = new crypto.X509Certificate(fs.readFileSync('/etc/xrdp/cert.pem'));
    expect(again).toEqual({ status: 'needs_trust', host: '127.0.0.1', port: xrdp.port, fingerprint: cert.fingerprint256.toLowerCase(), previous: other });
  });
});
