/**
 * SSH benchmarks against a real OpenSSH server on 127.0.0.1, compared in the same run with
 * OpenSSH's own clients on the same host, key and command:
 * - first_output_ms: new connection (key auth, trusted host key) to the first byte of
 *   `uname -a` through `ssh.exec`; openssh_first_output_ms: the same with a spawned `ssh`
 *   (BatchMode, same key); first_output_ratio = ours / OpenSSH (target ≤ 1.0).
 * - second_channel_ms: a new terminal (`ssh.open` through the contract) on an already open
 *   connection, until the call returns with the terminal open (target < 20 ms).
 * - sftp_50mb_ms: new connection + 50 MB SFTP upload (temp name + rename); scp_50mb_ms:
 *   `scp` of the same file; sftp_ratio = ours / scp (target ≤ 1.0).
 * Medians over SSH_BENCH_RUNS runs (default 7) after one warm-up.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createService } from '../src/api/service';
import { createCore } from '../src/api/core';
import { createTicketFeature } from '../src/api/handlers/tickets';
import { createSecurityFeature } from '../src/api/handlers/security';
import { createSshFeature } from '../src/api/handlers/ssh';
import { startSshd } from '../test/services/sshd';
import { percentile, round, writeResults } from './_support';

const RUNS = Number(process.env.SSH_BENCH_RUNS ?? 7);
const median = (xs: number[]) => percentile(xs, 50);
const now = () => Number(process.hrtime.bigint()) / 1e6;

const sshd = await startSshd({ logLevel: 'INFO' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bench-ssh-'));
const knownHosts = path.join(dir, 'known_hosts');
fs.writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${fs.readFileSync(path.join(sshd.dir, 'host_ed25519.pub'), 'utf8')}`);
process.env.RELAIS_KNOWN_HOSTS = knownHosts;
const opensshOpts = ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-F', '/dev/null', '-i', sshd.keyFile];

const core = createCore({ dataDir: path.join(dir, 'data'), host: 'web', policyFile: null });
const tickets = createTicketFeature(core);
const security = createSecurityFeature(core);
const { ssh } = createSshFeature(core, { tickets: tickets.port, security });
const target = { host: sshd.host, port: sshd.port, username: sshd.user, auth: 'key' as const, keyFile: sshd.keyFile };

async function oursFirstOutput(): Promise<number> {
  ssh.service.dropIdle();
  const t0 = now();
  let first = 0;
  await ssh.exec(target, 'uname -a', { onStdout: () => (first ||= now()), onStderr: () => {} });
  return first - t0;
}

function opensshFirstOutput(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    let first = 0;
    const child = spawn('ssh', [...opensshOpts, '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, 'uname -a'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.on('data', () => (first ||= now()));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 && first ? resolve(first - t0) : reject(new Error(`ssh exited ${code}: ${err}`))));
  });
}

const local = path.join(dir, 'payload.bin');
fs.writeFileSync(local, crypto.randomBytes(50 * 1024 * 1024));

async function oursUpload(): Promise<number> {
  ssh.service.dropIdle();
  const remote = `/tmp/relais-bench-${crypto.randomUUID()}.bin`;
  const t0 = now();
  await ssh.upload(target, local, remote);
  const ms = now() - t0;
  await ssh.exec(target, `rm -f ${remote}`, { onStdout: () => {}, onStderr: () => {} });
  return ms;
}

function scpUpload(): Promise<number> {
  const remote = `/tmp/relais-bench-scp-${crypto.randomUUID()}.bin`;
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn('scp', ['-q', ...opensshOpts, '-P', String(sshd.port), local, `${sshd.user}@127.0.0.1:${remote}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', async (code) => {
      const ms = now() - t0;
      if (code !== 0) return reject(new Error(`scp exited ${code}: ${err}`));
      await ssh.exec(target, `rm -f ${remote}`, { onStdout: () => {}, onStderr: () => {} });
      resolve(ms);
    });
  });
}

// second_channel_ms goes through the contract, as the UI opens a second terminal.
const service = createService({ dataDir: path.join(dir, 'svc'), host: 'web', policyFile: null });
const call = async (name: string, input: unknown): Promise<any> => {
  const r = (await service.dispatch(name, input, { clientId: 'bench' })) as any;
  if (!r.ok) throw new Error(`${name}: ${r.error.message.en}`);
  return r.value;
};
const profile = await call('ssh.profileSave', { name: 'bench', ...target });
const firstTerm = await call('ssh.open', { profileId: profile.id });
if (firstTerm.status !== 'open') throw new Error('the benchmark host key should be trusted through known_hosts');

async function secondChannel(): Promise<number> {
  const t0 = now();
  const r = await call('ssh.open', { profileId: profile.id });
  const ms = now() - t0;
  if (r.status !== 'open' || !r.session.reused) throw new Error('second terminal did not reuse the connection');
  await call('ssh.close', { sessionId: r.session.sessionId });
  return ms;
}

const samples: Record<string, number[]> = { ours: [], openssh: [], second: [], sftp: [], scp: [] };
// Warm-up (key parsing, JIT, page cache), then interleaved runs so drift hits both sides.
await oursFirstOutput();
await opensshFirstOutput();
await secondChannel();
for (let i = 0; i < RUNS; i++) {
  samples.ours!.push(await oursFirstOutput());
  samples.openssh!.push(await opensshFirstOutput());
  samples.second!.push(await secondChannel());
}
await oursUpload();
await scpUpload();
const uploadRuns = Math.max(3, Math.ceil(RUNS / 2));
for (let i = 0; i < uploadRuns; i++) {
  samples.sftp!.push(await oursUpload());
  samples.scp!.push(await scpUpload());
}

const metrics = {
  first_output_ms: median(samples.ours!),
  openssh_first_output_ms: median(samples.openssh!),
  first_output_ratio: round(median(samples.ours!) / median(samples.openssh!)),
  second_channel_ms: median(samples.second!),
  sftp_50mb_ms: median(samples.sftp!),
  scp_50mb_ms: median(samples.scp!),
  sftp_ratio: round(median(samples.sftp!) / median(samples.scp!)),
  runs: RUNS,
  upload_runs: uploadRuns,
};
await call('ssh.close', { sessionId: firstTerm.session.sessionId });
await service.close();
await core.close();
await sshd.stop();
fs.rmSync(dir, { recursive: true, force: true });
writeResults('ssh', metrics);
