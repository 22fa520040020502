import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../../support/poll';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startSshd, TEST_PASSWORD, type SshdHandle } from '../../services/sshd';
import { startHarness, until, type Harness } from './harness';
import { HIGH_WATER } from '../../../src/features/ssh/terminals';

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

async function keyProfile(extra: Record<string, unknown> = {}) {
  return h.call('ssh.profileSave', { name: `key-${crypto.randomUUID()}`, host: sshd.host, port: sshd.port, username: sshd.user, auth: 'key', keyFile: sshd.keyFile, ...extra });
}

/** Opens a terminal, answering the host-key prompt with "trust and remember" if asked. */
async function openTrusted(profileId: string, extra: Record<string, unknown> = {}) {
  let r = await h.call('ssh.open', { profileId, ...extra });
  if (r.status === 'hostKey') r = await h.call('ssh.answerHostKey', { promptId: r.prompt.promptId, decision: 'trust-remember' });
  expect(r.status).toBe('open');
  return r.session;
}

async function run(sessionId: string, command: string, expectText: string | RegExp) {
  const before = h.output(sessionId).length;
  await h.call('ssh.write', { sessionId, data: command + '\n' });
  await until(() => {
    const out = h.output(sessionId).slice(before);
    return typeof expectText === 'string' ? out.includes(expectText) : expectText.test(out);
  }, 10_000, `output ${expectText}`);
}

describe('SSH sessions against a real OpenSSH server', () => {
  it('asks about an unknown host key with its type and SHA256 fingerprint, and cancel connects nothing', async () => {
    const p = await keyProfile();
    const r = await h.call('ssh.open', { profileId: p.id });
    expect(r.status).toBe('hostKey');
    expect(r.prompt.keyType).toBe('ssh-ed25519');
    expect(r.prompt.fingerprint).toBe(sshd.hostKeyFingerprint);
    const c = await h.call('ssh.answerHostKey', { promptId: r.prompt.promptId, decision: 'cancel' });
    expect(c.status).toBe('cancelled');
    expect((await h.call('ssh.hostKeys')).keys).toHaveLength(0);
    // No authentication was attempted while the key was unconfirmed.
    expect(sshd.log()).not.toMatch(/userauth-request|Accepted publickey|authenticating user/);
  });

  it('connects with a key file, runs a command in a UTF-8 terminal, and a second terminal reuses the connection', async () => {
    const p = await keyProfile();
    const s = await openTrusted(p.id);
    expect((await h.call('ssh.hostKeys')).keys[0].fingerprint).toBe(sshd.hostKeyFingerprint);
    await run(s.sessionId, 'echo "sum=$((6*7)) héllo $TERM"', 'sum=42 héllo xterm-256color');
    const t0 = performance.now();
    const s2 = await openTrusted(p.id);
    const ms = performance.now() - t0;
    expect(s2.reused).toBe(true);
    expect(s2.connectionId).toBe(s.connectionId);
    expect(ms).toBeLessThan(500);
    await run(s2.sessionId, 'echo second-$((1+1))', 'second-2');
    await h.call('ssh.close', { sessionId: s2.sessionId });
    await h.call('ssh.close', { sessionId: s.sessionId });
    const audit = (await h.call('security.auditList', { limit: 50 })).rows.map((r: any) => r.action);
    expect(audit).toContain('hostkey.trusted');
    expect(audit).toContain('ssh.session.opened');
    expect(audit).toContain('ssh.session.closed');
  });

  it('connects with a passphrase-protected key whose passphrase is in the vault', async () => {
    const cred = await h.call('security.vaultPut', { label: 'clé test', kind: 'passphrase', secret: sshd.keyPassphrase });
    const p = await keyProfile({ keyFile: sshd.encryptedKeyFile, credentialId: cred.id });
    const s = await openTrusted(p.id);
    await run(s.sessionId, 'echo pass-$((2+3))', 'pass-5');
    await h.call('ssh.close', { sessionId: s.sessionId });
    const noPass = await keyProfile({ keyFile: sshd.encryptedKeyFile });
    const r = await h.callRaw('ssh.open', { profileId: noPass.id });
    expect(r.error.code).toBe('SSH_PASSPHRASE_NEEDED');
  });

  it('connects with a password from the vault, and records the credential use in the audit log', async () => {
    const cred = await h.call('security.vaultPut', { label: 'relaistest', kind: 'password', secret: TEST_PASSWORD });
    const listed = await h.call('security.vaultList');
    expect(JSON.stringify(listed)).not.toContain(TEST_PASSWORD);
    const p = await h.call('ssh.profileSave', { name: 'pw', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'password', credentialId: cred.id });
    const s = await openTrusted(p.id);
    await run(s.sessionId, 'whoami', sshd.user);
    await h.call('ssh.close', { sessionId: s.sessionId });
    const rows = (await h.call('security.auditList', { limit: 100 })).rows;
    expect(rows.some((r: any) => r.action === 'credential.used' && r.target === cred.id)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(TEST_PASSWORD);
  });

  it('refuses a wrong password with a clear error, within the server delay + 1 s', async () => {
    // A dedicated server logging at DEBUG3, so its own delay (PAM, randomised) can be read
    // on its log: from the password request to the failure reply it sends (packet type 51).
    const slow = await startSshd({ logLevel: 'DEBUG3' });
    try {
      const p = await h.call('ssh.profileSave', { name: 'wrong', host: slow.host, port: slow.port, username: slow.user, auth: 'password' });
      const prompt = await h.call('ssh.open', { profileId: p.id, password: 'definitely-wrong' });
      expect(prompt.status).toBe('hostKey');
      const seen: Record<string, number> = {};
      const logStart = slow.log().length;
      const poll = setInterval(() => {
        const log = slow.log().slice(logStart);
        if (!seen.request && /userauth-request .* method password/.test(log)) seen.request = Date.now();
        if (seen.request && !seen.reply && /method password[\s\S]*send packet: type 51/.test(log)) seen.reply = Date.now();
      }, 2);
      const t0 = Date.now();
      const r = await h.callRaw('ssh.answerHostKey', { promptId: prompt.prompt.promptId, decision: 'trust-once' });
      const ms = Date.now() - t0;
      try {
        await until(() => !!seen.reply, 3000, 'failure reply in the server log');
      } finally {
        clearInterval(poll);
      }
      expect(r.ok).toBe(false);
      expect(r.error.code).toBe('SSH_AUTH_FAILED');
      expect(r.error.message.fr).toMatch(/Authentification refusée/);
      expect(r.error.message.en).toMatch(/Check the user name and the password/);
      const serverDelay = seen.reply! - seen.request!;
      expect(serverDelay).toBeGreaterThan(500);
      expect(ms).toBeLessThan(serverDelay + 1000);
    } finally {
      await slow.stop();
    }
  });

  it('asks for a password when none is stored', async () => {
    const p = await h.call('ssh.profileSave', { name: 'nopw', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'password' });
    const r = await h.callRaw('ssh.open', { profileId: p.id });
    expect(r.error.code).toBe('SSH_PASSWORD_NEEDED');
  });

  it('applies flow control: output the UI has not acknowledged pauses the channel; acknowledging resumes it without losing a byte', async () => {
    const p = await keyProfile();
    const s = await openTrusted(p.id);
    const received = () => h.events.filter((e) => e.name === 'ssh.data' && e.payload.sessionId === s.sessionId).reduce((n, e) => n + e.payload.bytes, 0);
    const flood = 3_000_000;
    await h.call('ssh.write', { sessionId: s.sessionId, data: `head -c ${flood} /dev/zero | tr "\\0" x; echo; echo END-OF-$((1+1))-FLOOD\n` });
    // Nothing is acknowledged: the core pauses the channel once past the high-water mark.
    const paused = await h.waitEvent('ssh.flow', (e) => e.sessionId === s.sessionId && e.state === 'paused', 20_000);
    expect(paused.unacked).toBeGreaterThan(HIGH_WATER);
    expect(paused.unacked).toBeLessThan(1_000_000);
    // While paused the backlog stays bounded: a second terminal on the same connection does a
    // full round trip (the connection keeps carrying traffic), and the first one got nothing more.
    const s2 = await openTrusted(p.id);
    expect(s2.connectionId).toBe(s.connectionId);
    await run(s2.sessionId, 'echo still-$((2*4))', 'still-8');
    expect(received()).toBe(paused.unacked);
    expect(h.output(s.sessionId)).not.toContain('END-OF-2-FLOOD');
    // Acknowledge as the renderer would: the channel resumes and the rest flows.
    let acked = 0;
    const ackLoop = setInterval(() => {
      const total = received();
      void h.call('ssh.ack', { sessionId: s.sessionId, bytes: total - acked });
      acked = total;
    }, 20);
    try {
      await h.waitEvent('ssh.flow', (e) => e.sessionId === s.sessionId && e.state === 'resumed', 20_000);
      await until(() => h.output(s.sessionId).includes('END-OF-2-FLOOD'), 20_000, 'flood end');
    } finally {
      clearInterval(ackLoop);
    }
    // Byte for byte: the marker's line is preceded by one unbroken run of exactly the flood's
    // bytes, right after the echoed command.
    const out = h.output(s.sessionId);
    const end = out.indexOf('\r\nEND-OF-2-FLOOD');
    let start = end;
    while (start > 0 && out[start - 1] === 'x') start--;
    expect(end - start).toBe(flood);
    expect(out.slice(0, start)).toContain('END-OF-$((1+1))-FLOOD');
    await h.call('ssh.close', { sessionId: s2.sessionId });
    await h.call('ssh.close', { sessionId: s.sessionId });
  });

  it('uploads 50 MB with progress events and the server has the same sha256; download round-trips', async () => {
    const p = await keyProfile();
    const s = await openTrusted(p.id);
    const local = path.join(h.dataDir, 'big.bin');
    const data = crypto.randomBytes(50 * 1024 * 1024);
    fs.writeFileSync(local, data);
    const sha = crypto.createHash('sha256').update(data).digest('hex');
    const remote = `/tmp/relais-up-${crypto.randomUUID()}.bin`;
    const t = await h.call('ssh.upload', { sessionId: s.sessionId, localPath: local, remotePath: remote });
    const done = await h.waitEvent('ssh.transfer', (e) => e.transferId === t.transferId && e.state !== 'running', 60_000);
    expect(done.state).toBe('done');
    expect(done.bytes).toBe(data.length);
    const progress = h.events.filter((e) => e.name === 'ssh.transfer' && e.payload.transferId === t.transferId && e.payload.state === 'running' && e.payload.bytes > 0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.payload.bytesPerSec).toBeGreaterThan(0);
    const { ssh } = (h.service as any).features ?? {};
    void ssh;
    await run(s.sessionId, `sha256sum ${remote}`, sha);
    const back = path.join(h.dataDir, 'back.bin');
    const d = await h.call('ssh.download', { sessionId: s.sessionId, localPath: back, remotePath: remote });
    const dd = await h.waitEvent('ssh.transfer', (e) => e.transferId === d.transferId && e.state !== 'running', 60_000);
    expect(dd.state).toBe('done');
    expect(crypto.createHash('sha256').update(fs.readFileSync(back)).digest('hex')).toBe(sha);
    await run(s.sessionId, `rm -f ${remote}; echo removed`, 'removed');
    fs.rmSync(local);
    fs.rmSync(back);
    await h.call('ssh.close', { sessionId: s.sessionId });
  });

  it('a cancelled upload leaves no file under the final name (nor a partial one)', async () => {
    const p = await keyProfile();
    const s = await openTrusted(p.id);
    const local = path.join(h.dataDir, 'big2.bin');
    fs.writeFileSync(local, crypto.randomBytes(50 * 1024 * 1024));
    const name = `relais-cancel-${crypto.randomUUID()}.bin`;
    const t = await h.call('ssh.upload', { sessionId: s.sessionId, localPath: local, remotePath: `/tmp/${name}` });
    await h.waitEvent('ssh.transfer', (e) => e.transferId === t.transferId && e.bytes > 0, 30_000);
    await h.call('ssh.cancelTransfer', { transferId: t.transferId });
    const end = await h.waitEvent('ssh.transfer', (e) => e.transferId === t.transferId && e.state !== 'running', 30_000);
    expect(end.state).toBe('cancelled');
    expect(end.bytes).toBeLessThan(50 * 1024 * 1024);
    await run(s.sessionId, `echo "count=$(ls -a /tmp | grep -c '${name}')"`, /count=\d/);
    expect(h.output(s.sessionId)).toMatch(/count=0/);
    expect(fs.existsSync(`/tmp/${name}`)).toBe(false);
    fs.rmSync(local);
    await h.call('ssh.close', { sessionId: s.sessionId });
  });

  it('offers to reconnect after the server restarts, and keeps the same terminal', async () => {
    const p = await keyProfile();
    const s = await openTrusted(p.id);
    await run(s.sessionId, 'echo before-$((3*3))', 'before-9');
    await sshd.restart();
    const st = await h.waitEvent('ssh.status', (e) => e.sessionId === s.sessionId && e.state === 'dropped', 20_000);
    expect(st.reason.fr).toMatch(/Se reconnecter/);
    const r = await h.call('ssh.reconnect', { sessionId: s.sessionId });
    expect(r.status).toBe('open');
    expect(r.session.sessionId).toBe(s.sessionId);
    await run(s.sessionId, 'echo after-$((4*4))', 'after-16');
    // Scrollback is kept in the core transcript too.
    expect(h.output(s.sessionId)).toContain('before-9');
    await h.call('ssh.close', { sessionId: s.sessionId });
  });

  it('refuses a changed host key before any credential is sent, then replacing it is an explicit audited action', async () => {
    const cred = await h.call('security.vaultPut', { label: 'pw2', kind: 'password', secret: TEST_PASSWORD });
    const p = await h.call('ssh.profileSave', { name: 'mitm', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'password', credentialId: cred.id });
    const old = sshd.hostKeyFingerprint;
    await sshd.restart({ newHostKey: true });
    const logStart = sshd.log().length;
    const r = await h.callRaw('ssh.open', { profileId: p.id });
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('SSH_HOSTKEY_CHANGED');
    expect(r.error.details.oldFingerprints).toContain(old);
    expect(r.error.details.newFingerprint).toBe(sshd.hostKeyFingerprint);
    expect(r.error.message.fr).toContain(old);
    expect(r.error.message.fr).toContain(sshd.hostKeyFingerprint);
    // Wait until sshd has logged the end of that connection, then read what it saw.
    await poll(() => sshd.log().slice(logStart), (l) => /Connection closed by 127\.0\.0\.1|Disconnected from|Connection reset/.test(l), { timeoutMs: 10_000, what: "sshd's log of the refused connection" });
    const log = sshd.log().slice(logStart);
    // The connection reached the server (key exchange) ...
    expect(log).toMatch(/Connection from 127\.0\.0\.1|kex|Connection closed by 127\.0\.0\.1/);
    // ... but no authentication request of any kind did.
    expect(log).not.toMatch(/userauth-request|Failed password|Accepted|authenticating user|Postponed/i);
    // Credential was never read for this attempt.
    const rows = (await h.call('security.auditList', { limit: 200 })).rows;
    expect(rows.filter((x: any) => x.action === 'credential.used' && x.target === cred.id)).toHaveLength(0);

    const wrong = await h.callRaw('ssh.hostKeyReplace', { host: sshd.host, port: sshd.port, fingerprint: old });
    expect(wrong.error.code).toBe('SSH_HOSTKEY_REPLACE_MISMATCH');
    const replaced = await h.call('ssh.hostKeyReplace', { host: sshd.host, port: sshd.port, fingerprint: sshd.hostKeyFingerprint });
    expect(replaced.fingerprint).toBe(sshd.hostKeyFingerprint);
    const rep = (await h.call('security.auditList', { limit: 10 })).rows.find((x: any) => x.action === 'hostkey.replaced');
    expect(rep.details).toMatchObject({ oldFingerprint: old, newFingerprint: sshd.hostKeyFingerprint });
    const ok = await h.call('ssh.open', { profileId: p.id });
    expect(ok.status).toBe('open');
    await h.call('ssh.close', { sessionId: ok.session.sessionId });
  });

  it('records the session on the ticket timeline and attaches the transcript', async () => {
    const ticket = await h.call('tickets.logCall', { subject: 'Serveur lent', requesterName: 'Mme Test' });
    const p = await keyProfile();
    const s = await openTrusted(p.id, { ticketId: ticket.id });
    await run(s.sessionId, 'echo transcript-$((5*5))', 'transcript-25');
    const att = await h.call('ssh.attachTranscript', { sessionId: s.sessionId });
    expect(att.followupId).toBeTruthy();
    await h.call('ssh.close', { sessionId: s.sessionId });
    const detail = await h.call('tickets.get', { id: ticket.id });
    const session = detail.timeline.find((f: any) => f.kind === 'ssh_session');
    expect(session.data).toMatchObject({ target: `${sshd.user}@${sshd.host}:${sshd.port}`, user: sshd.user });
    expect(session.data.durationMs).toBeGreaterThanOrEqual(0);
    expect(session.data.start).toBeTruthy();
    expect(session.data.end).toBeTruthy();
    const transcript = detail.timeline.find((f: any) => f.kind === 'ssh_transcript');
    expect(transcript.body).toContain('transcript-25');
    expect(transcript.body).not.toContain('\u001b[');
  });

  it('never writes the test password in clear: data folder and process arguments', async () => {
    const needle = Buffer.from(TEST_PASSWORD);
    const needle16 = Buffer.from(TEST_PASSWORD, 'utf16le');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const f = path.join(d, e.name);
        if (e.isDirectory()) walk(f);
        else files.push(f);
      }
    };
    // Checkpoint so WAL content is in the main file too; scan both anyway.
    h.service.core.db.pragma('wal_checkpoint(TRUNCATE)');
    walk(h.dataDir);
    expect(files.some((f) => f.endsWith('relais.db'))).toBe(true);
    for (const f of files) {
      const buf = fs.readFileSync(f);
      expect(buf.includes(needle), f).toBe(false);
      expect(buf.includes(needle16), f).toBe(false);
    }
    const key = fs.statSync(path.join(h.dataDir, 'vault.key'));
    expect(key.mode & 0o077).toBe(0);
    for (const pid of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
      let cmd: Buffer;
      try {
        cmd = fs.readFileSync(`/proc/${pid}/cmdline`);
      } catch {
        continue;
      }
      expect(cmd.includes(needle), `pid ${pid}`).toBe(false);
    }
  });
});
