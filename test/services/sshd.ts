/**
 * A real OpenSSH server for tests: `/usr/sbin/sshd -D -e -f <tmp>/sshd_config` on 127.0.0.1 at
 * a free port, host key generated in a temp dir, a test user with a password and an
 * authorized key. Stopped by PID (and reaped by this process). Several instances can run in
 * parallel (free ports, separate folders).
 *
 * `startJumpPair()` starts a target sshd inside its own network namespace (unreachable from
 * the test process) and a jump sshd whose sessions run inside that namespace, so the target
 * is reachable only through the jump host.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/ports';
import { poll } from '../support/poll';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const TEST_USER = 'relaistest';
/** A password only this test user has; tests scan files and argv for it. */
export const TEST_PASSWORD = 'Rl-t3st-Pw9-q7Zk';

export interface SshdHandle {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Private key (OpenSSH format, no passphrase) authorized for the test user. */
  keyFile: string;
  /** Same key, protected by `keyPassphrase`. */
  encryptedKeyFile: string;
  keyPassphrase: string;
  /** `SHA256:...` as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  hostKeyType: string;
  logPath: string;
  dir: string;
  pid(): number | undefined;
  /** sshd's log so far (stderr with LogLevel DEBUG1). */
  log(): string;
  stop(): Promise<void>;
  restart(opts?: { newHostKey?: boolean }): Promise<void>;
}

export interface SshdOptions {
  /** Extra sshd_config lines. */
  extraConfig?: string[];
  /** Run sshd inside this network namespace holder's namespace (pid). */
  netnsPid?: number;
  /** Use `unshare --net` to start in a fresh network namespace (loopback up). */
  newNetns?: boolean;
  /** Reuse this folder's client keys (a jump pair shares one key). */
  clientKeyFrom?: string;
  logLevel?: string;
}

let userReady = false;
/** Creates the test user once (idempotent, safe when several test files race). */
export function ensureTestUser(): void {
  if (userReady) return;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      try {
        execFileSync('id', ['-u', TEST_USER], { stdio: 'ignore' });
      } catch {
        execFileSync('useradd', ['-m', '-s', '/bin/bash', TEST_USER], { stdio: 'pipe' });
      }
      execFileSync('chpasswd', [], { input: `${TEST_USER}:${TEST_PASSWORD}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
      userReady = true;
      break;
    } catch (err) {
      if (attempt === 19) throw err;
      execFileSync('sleep', ['0.2']);
    }
  }
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
}

export function fingerprintOfPublicKeyFile(pubFile: string): { fingerprint: string; type: string } {
  const [type = '', b64 = ''] = fs.readFileSync(pubFile, 'utf8').trim().split(/\s+/);
  const fp = 'SHA256:' + crypto.createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64').replace(/=+$/, '');
  return { fingerprint: fp, type };
}

function genHostKey(dir: string): void {
  for (const f of ['host_ed25519', 'host_ed25519.pub']) fs.rmSync(path.join(dir, f), { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'relais-test-host', '-f', path.join(dir, 'host_ed25519')]);
}

function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {}
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [pid, pp] of parent) if (pp === p) { out.push(pid); walk(pid); }
  };
  walk(root);
  return out;
}

async function waitListening(child: ChildProcess, logFile: string, timeoutMs = 10_000): Promise<void> {
  const listening = () => {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    if (/Server listening on/.test(log.split('--- start ---').pop() ?? '')) return true;
    if (child.exitCode !== null || child.signalCode) throw new Error(`sshd exited (${child.exitCode ?? child.signalCode}):\n${log}`);
    return false;
  };
  await poll(listening, Boolean, { timeoutMs, everyMs: 15, what: 'sshd listening' }).catch((err: Error) => {
    throw new Error(`${err.message}\n${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''}`);
  });
}

function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode || !child.pid) return Promise.resolve();
  // Per-connection sshd processes outlive the listener: end them first so the
  // listener reaps them, then the listener itself (which this process reaps).
  for (const pid of descendants(child.pid)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {}
    }, 3000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    setTimeout(() => child.kill('SIGTERM'), 30);
  });
}

function writeConfig(dir: string, port: number, listen: string, opts: SshdOptions): string {
  // sshd keeps the first value it reads for a keyword: extra lines go first.
  const cfg = [
    ...(opts.extraConfig ?? []),
    `ListenAddress ${listen}`,
    `Port ${port}`,
    `HostKey ${dir}/host_ed25519`,
    `PidFile ${dir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'StrictModes no',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin no',
    'UsePAM yes',
    `AllowUsers ${TEST_USER}`,
    'Subsystem sftp internal-sftp',
    'UseDNS no',
    'AcceptEnv LANG LC_* RELAIS_*',
    'PrintMotd no',
    'MaxSessions 20',
    'MaxStartups 50:30:100',
    `LogLevel ${opts.logLevel ?? 'DEBUG1'}`,
  ].join('\n') + '\n';
  const file = path.join(dir, 'sshd_config');
  fs.writeFileSync(file, cfg);
  return file;
}

/** Starts one sshd. */
export async function startSshd(opts: SshdOptions = {}): Promise<SshdHandle> {
  ensureTestUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-sshd-'));
  fs.chmodSync(dir, 0o755);
  genHostKey(dir);
  const keyFile = path.join(dir, 'client_ed25519');
  const encryptedKeyFile = path.join(dir, 'client_ed25519_enc');
  const keyPassphrase = 'phrase-' + crypto.randomBytes(6).toString('hex');
  if (opts.clientKeyFrom) {
    for (const f of ['client_ed25519', 'client_ed25519.pub', 'client_ed25519_enc']) fs.copyFileSync(path.join(opts.clientKeyFrom, f), path.join(dir, f));
    fs.chmodSync(keyFile, 0o600);
    fs.chmodSync(encryptedKeyFile, 0o600);
  } else {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'relais-test-client', '-f', keyFile]);
    fs.copyFileSync(keyFile, encryptedKeyFile);
    fs.chmodSync(encryptedKeyFile, 0o600);
    execFileSync('ssh-keygen', ['-q', '-p', '-N', keyPassphrase, '-P', '', '-f', encryptedKeyFile]);
  }
  fs.copyFileSync(`${keyFile}.pub`, path.join(dir, 'authorized_keys'));
  fs.chmodSync(path.join(dir, 'authorized_keys'), 0o644);

  const logPath = path.join(dir, 'sshd.log');
  const port = opts.newNetns ? 2222 + Math.floor(Math.random() * 1000) : await freePort();
  const cfgFile = writeConfig(dir, port, '127.0.0.1', opts);
  let child: ChildProcess | null = null;

  const launch = async () => {
    fs.appendFileSync(logPath, '--- start ---\n');
    const logFd = fs.openSync(logPath, 'a');
    const sshdArgs = ['/usr/sbin/sshd', '-D', '-e', '-f', cfgFile];
    const [cmd, args] = opts.newNetns
      ? ['unshare', ['--net', '--', '/bin/sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...sshdArgs]]
      : opts.netnsPid
        ? ['nsenter', [`--net=/proc/${opts.netnsPid}/ns/net`, '--', ...sshdArgs]]
        : [sshdArgs[0]!, sshdArgs.slice(1)];
    child = spawn(cmd as string, args as string[], { stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    child.on('error', () => {});
    await waitListening(child, logPath);
  };
  await launch();

  let { fingerprint, type } = fingerprintOfPublicKeyFile(path.join(dir, 'host_ed25519.pub'));
  const handle: SshdHandle = {
    host: '127.0.0.1',
    port,
    user: TEST_USER,
    password: TEST_PASSWORD,
    keyFile,
    encryptedKeyFile,
    keyPassphrase,
    hostKeyFingerprint: fingerprint,
    hostKeyType: type,
    logPath,
    dir,
    pid: () => (child as ChildProcess | null)?.pid,
    log: () => fs.readFileSync(logPath, 'utf8'),
    /** Stops sshd and removes its folder (read the log before). */
    stop: async () => {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    restart: async (r = {}) => {
      await stopChild(child);
      if (r.newHostKey) {
        genHostKey(dir);
        ({ fingerprint, type } = fingerprintOfPublicKeyFile(path.join(dir, 'host_ed25519.pub')));
        handle.hostKeyFingerprint = fingerprint;
        handle.hostKeyType = type;
      }
      await launch();
    },
  };
  return handle;
}

export interface JumpPair {
  jump: SshdHandle;
  target: SshdHandle;
  /** Address of the target as seen from the jump host (inside its network namespace). */
  targetHost: string;
  targetPort: number;
  stop(): Promise<void>;
}

/**
 * Target sshd in a fresh network namespace (only its own loopback), and a jump sshd in
 * inetd mode: each TCP connection to the jump's port (on the test's 127.0.0.1) is handed to
 * `sshd -i` running inside the target's namespace. The target is therefore reachable only
 * by forwarding through the jump host.
 */
export async function startJumpPair(): Promise<JumpPair> {
  const target = await startSshd({ newNetns: true });
  const nsPid = target.pid()!;
  ensureTestUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-jump-'));
  fs.chmodSync(dir, 0o755);
  genHostKey(dir);
  for (const f of ['client_ed25519', 'client_ed25519.pub', 'client_ed25519_enc']) fs.copyFileSync(path.join(target.dir, f), path.join(dir, f));
  fs.chmodSync(path.join(dir, 'client_ed25519'), 0o600);
  fs.copyFileSync(path.join(dir, 'client_ed25519.pub'), path.join(dir, 'authorized_keys'));
  fs.chmodSync(path.join(dir, 'authorized_keys'), 0o644);
  const logPath = path.join(dir, 'sshd.log');
  fs.writeFileSync(logPath, '');
  const cfgFile = writeConfig(dir, 22, '127.0.0.1', { extraConfig: ['AllowTcpForwarding yes'] });
  const children = new Set<ChildProcess>();
  const server = net.createServer({ pauseOnConnect: true }, (sock) => {
    const logFd = fs.openSync(logPath, 'a');
    const child = spawn('nsenter', [`--net=/proc/${nsPid}/ns/net`, '--', '/usr/sbin/sshd', '-i', '-e', '-f', cfgFile], {
      stdio: [sock, sock, logFd],
    });
    fs.closeSync(logFd);
    children.add(child);
    child.on('error', () => {});
    child.once('exit', () => children.delete(child));
    sock.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  const { fingerprint, type } = fingerprintOfPublicKeyFile(path.join(dir, 'host_ed25519.pub'));
  const jump: SshdHandle = {
    host: '127.0.0.1',
    port,
    user: TEST_USER,
    password: TEST_PASSWORD,
    keyFile: path.join(dir, 'client_ed25519'),
    encryptedKeyFile: path.join(dir, 'client_ed25519_enc'),
    keyPassphrase: target.keyPassphrase,
    hostKeyFingerprint: fingerprint,
    hostKeyType: type,
    logPath,
    dir,
    pid: () => undefined,
    log: () => fs.readFileSync(logPath, 'utf8'),
    stop: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all([...children].map((c) => stopChild(c)));
    },
    restart: async () => {
      throw new Error('restart is not supported for the jump host');
    },
  };
  return {
    jump,
    target,
    targetHost: '127.0.0.1',
    targetPort: target.port,
    async stop() {
      await jump.stop();
      await target.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
