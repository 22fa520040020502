/**
 * A real xrdp server for the RDP tests and bench: xrdp-sesman + xrdp on 127.0.0.1 at free
 * ports, configuration and logs in a temp folder, Xvfb on a free display for the client,
 * and a test user whose `~/startwm.sh` writes a marker file (then starts xclock, waits and
 * exits, so a session ends by itself). Everything is stopped by PID and reaped.
 *
 * xrdp 0.9 reads the sesman port from the fixed `/etc/xrdp/sesman.ini`; to keep sesman off
 * its default port, xrdp runs in a private mount namespace where our sesman.ini is bound over
 * that path (root, as on CI). Without namespaces, the default port 3350 is used.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/ports';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makeTempDir } from '../support/temp-dir';
import { poll } from '../support/poll';

export const XRDP_BINARIES = ['/usr/sbin/xrdp', '/usr/sbin/xrdp-sesman', '/usr/bin/xfreerdp', '/usr/bin/Xvfb'];

/** Why the xrdp suite cannot run here, or null when it can. */
export function xrdpUnavailable(): string | null {
  const missing = XRDP_BINARIES.filter((b) => !fs.existsSync(b));
  if (missing.length) return `missing ${missing.join(', ')} (run scripts/install-system-deps.sh)`;
  if (process.getuid?.() !== 0) return 'xrdp tests need root (test user, sesman)';
  return null;
}

export interface XrdpOptions {
  /** Unix account used for the sessions (created if missing). */
  user?: string;
  /** How long the session stays open after login (seconds). */
  sessionSeconds?: number;
}

export interface XrdpService {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly sesmanPort: number;
  readonly dir: string;
  readonly user: string;
  readonly password: string;
  /** The Xvfb display the client draws on, e.g. ":3". */
  readonly display: string;
  readonly xrdpLog: string;
  readonly markerFile: string;
  log(): string;
  /** Resolves with the log line once `pattern` appears in xrdp's log after `fromOffset`. */
  waitForLog(pattern: RegExp, timeoutMs?: number, fromOffset?: number): Promise<string>;
  logSize(): number;
  markers(): string[];
  stop(): Promise<void>;
}

function setIni(text: string, section: string, key: string, value: string): string {
  const lines = text.split('\n');
  let inSection = false;
  let sectionEnd = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      if (inSection) {
        sectionEnd = i;
        break;
      }
      inSection = header[1] === section;
      continue;
    }
    if (inSection && new RegExp(`^\\s*#?\\s*${key}\\s*=`, 'i').test(line)) {
      lines[i] = `${key}=${value}`;
      return lines.join('\n');
    }
  }
  if (!inSection && sectionEnd === -1) throw new Error(`no [${section}] section`);
  const at = sectionEnd === -1 ? lines.length : sectionEnd;
  lines.splice(at, 0, `${key}=${value}`);
  return lines.join('\n');
}

function ensureUser(user: string, password: string): string {
  if (spawnSync('id', ['-u', user]).status !== 0) {
    const r = spawnSync('useradd', ['-m', '-s', '/bin/sh', user], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`useradd ${user} failed: ${r.stderr}`);
  }
  const r = spawnSync('chpasswd', [], { input: `${user}:${password}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chpasswd failed: ${r.stderr}`);
  const home = spawnSync('getent', ['passwd', user], { encoding: 'utf8' }).stdout.split(':')[5]!;
  return home;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {}
  }
  return out;
}

function descendants(pid: number): number[] {
  const all: number[] = [];
  for (const c of childrenOf(pid)) all.push(...descendants(c), c);
  return all;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops a child we spawned: its descendants first (its own reaper collects them), then it. */
async function stopTree(child: ChildProcess | null): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode) return;
  for (const pid of descendants(child.pid)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  // Descendants are not our children (their exit gives us no event): a short grace before SIGKILL.
  await sleep(100);
  for (const pid of descendants(child.pid)) {
    try {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    } catch {}
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

/** xrdp 0.9 binds "127.0.0.1" as ::1 on IPv6-enabled hosts: try both loopbacks. */
function waitForListen(port: number, child: ChildProcess, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  let attempt = 0;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      if (child.exitCode !== null) return reject(new Error(`${what} exited with ${child.exitCode}`));
      const s = net.connect(port, attempt++ % 2 === 0 ? '127.0.0.1' : '::1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() - start > timeoutMs) reject(new Error(`${what} not listening on ${port}`));
        else setTimeout(tryOnce, 30);
      });
    };
    tryOnce();
  });
}

function startXvfb(): Promise<{ child: ChildProcess; display: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start: ${err}`)), 10_000);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, display: `:${m[1]}` });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}): ${err}`));
    });
  });
}

export async function startXrdp(options: XrdpOptions = {}): Promise<XrdpService> {
  const why = xrdpUnavailable();
  if (why) throw new Error(`xrdp unavailable: ${why}`);
  const user = options.user ?? 'relaisrdp';
  // A fresh random password per run: the /proc scan looks for this exact string.
  const password = `Rdp-${crypto.randomBytes(9).toString('base64url')}!`;
  const home = ensureUser(user, password);
  const temp = makeTempDir('relais-xrdp-');
  const dir = temp.dir;
  fs.chmodSync(dir, 0o755);
  const markerDir = path.join(dir, 'markers');
  fs.mkdirSync(markerDir, { mode: 0o777 });
  fs.chmodSync(markerDir, 0o777);
  const markerFile = path.join(markerDir, 'session-started');

  const startwm = path.join(home, 'startwm.sh');
  fs.writeFileSync(
    startwm,
    [
      '#!/bin/sh',
      '# Written by Relais test/services/xrdp.ts: marks the session, shows a clock, ends by itself.',
      `echo "$(date +%s%N) $DISPLAY" >> '${markerFile}'`,
      'xclock &',
      `sleep ${options.sessionSeconds ?? 3}`,
      'exit 0',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  spawnSync('chown', [`${user}:`, startwm]);

  const [port, sesmanPort] = await Promise.all([freePort(), freePort()]);
  const xrdpLog = path.join(dir, 'xrdp.log');
  const sesmanLog = path.join(dir, 'sesman.log');

  const canNamespace = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0;
  const effectiveSesmanPort = canNamespace ? sesmanPort : 3350;

  let sesmanIni = fs.readFileSync('/etc/xrdp/sesman.ini', 'utf8');
  sesmanIni = setIni(sesmanIni, 'Globals', 'ListenAddress', '127.0.0.1');
  sesmanIni = setIni(sesmanIni, 'Globals', 'ListenPort', String(effectiveSesmanPort));
  sesmanIni = setIni(sesmanIni, 'Logging', 'LogFile', sesmanLog);
  sesmanIni = setIni(sesmanIni, 'Logging', 'EnableSyslog', 'false');
  sesmanIni = setIni(sesmanIni, 'ChansrvLogging', 'EnableSyslog', 'false');
  fs.writeFileSync(path.join(dir, 'sesman.ini'), sesmanIni, { mode: 0o644 });

  let xrdpIni = fs.readFileSync('/etc/xrdp/xrdp.ini', 'utf8');
  xrdpIni = setIni(xrdpIni, 'Globals', 'port', `tcp://127.0.0.1:${port}`);
  xrdpIni = setIni(xrdpIni, 'Globals', 'require_credentials', 'true');
  xrdpIni = setIni(xrdpIni, 'Logging', 'LogFile', xrdpLog);
  xrdpIni = setIni(xrdpIni, 'Logging', 'EnableSyslog', 'false');
  fs.writeFileSync(path.join(dir, 'xrdp.ini'), xrdpIni, { mode: 0o644 });

  fs.mkdirSync('/run/xrdp/sockdir', { recursive: true });
  fs.chmodSync('/run/xrdp/sockdir', 0o1777);

  const procs: { ns: ChildProcess | null; sesman: ChildProcess | null; xrdp: ChildProcess | null; xvfb: ChildProcess | null } = {
    ns: null,
    sesman: null,
    xrdp: null,
    xvfb: null,
  };
  // If the test process dies without its teardown, take the services down with it.
  const killAll = () => {
    for (const c of [procs.xrdp, procs.sesman, procs.ns, procs.xvfb]) {
      if (!c?.pid || c.exitCode !== null || c.signalCode) continue;
      for (const pid of descendants(c.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      c.kill('SIGKILL');
    }
  };
  process.once('exit', killAll);
  const stop = async () => {
    process.off('exit', killAll);
    await stopTree(procs.xrdp);
    await stopTree(procs.sesman);
    await stopTree(procs.ns);
    await stopTree(procs.xvfb);
    temp.cleanup();
  };

  try {
    const xvfb = await startXvfb();
    procs.xvfb = xvfb.child;

    procs.sesman = spawn('/usr/sbin/xrdp-sesman', ['-n', '-c', path.join(dir, 'sesman.ini')], { stdio: ['ignore', 'ignore', 'ignore'] });
    await waitForListen(effectiveSesmanPort, procs.sesman, 'xrdp-sesman');

    if (canNamespace) {
      // A holder process owning a private mount namespace with our sesman.ini bound in.
      procs.ns = spawn('unshare', ['--mount', '--propagation', 'private', 'sleep', 'infinity'], { stdio: 'ignore' });
      const nsPid = String(procs.ns.pid);
      const holder = procs.ns;
      await poll(() => holder.exitCode === null && fs.readlinkSync(`/proc/${nsPid}/ns/mnt`) !== fs.readlinkSync('/proc/self/ns/mnt'), Boolean, { timeoutMs: 10_000, what: 'the holder in its own mount namespace' });
      const bind = spawnSync('nsenter', ['-t', nsPid, '-m', 'mount', '--bind', path.join(dir, 'sesman.ini'), '/etc/xrdp/sesman.ini'], { encoding: 'utf8' });
      if (bind.status !== 0) throw new Error(`bind mount failed: ${bind.stderr}`);
      procs.xrdp = spawn('nsenter', ['-t', nsPid, '-m', '--', '/usr/sbin/xrdp', '-n', '-c', path.join(dir, 'xrdp.ini')], { stdio: ['ignore', 'ignore', 'ignore'] });
    } else {
      procs.xrdp = spawn('/usr/sbin/xrdp', ['-n', '-c', path.join(dir, 'xrdp.ini')], { stdio: ['ignore', 'ignore', 'ignore'] });
    }
    await waitForListen(port, procs.xrdp, 'xrdp');

    const log = () => (fs.existsSync(xrdpLog) ? fs.readFileSync(xrdpLog, 'utf8') : '');
    return {
      host: '127.0.0.1',
      port,
      sesmanPort: effectiveSesmanPort,
      dir,
      user,
      password,
      display: xvfb.display,
      xrdpLog,
      markerFile,
      log,
      logSize: () => Buffer.byteLength(log()),
      async waitForLog(pattern, timeoutMs = 15_000, fromOffset = 0) {
        const line = () => Buffer.from(log()).subarray(fromOffset).toString('utf8').split('\n').find((l) => pattern.test(l));
        return poll(line, Boolean, { timeoutMs, what: `${pattern} in the xrdp log` }).then(
          (l) => l!,
          () => {
            throw new Error(`xrdp log has no ${pattern} after ${timeoutMs} ms:\n${log().slice(-2000)}`);
          },
        );
      },
      markers: () => (fs.existsSync(markerFile) ? fs.readFileSync(markerFile, 'utf8').split('\n').filter(Boolean) : []),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
