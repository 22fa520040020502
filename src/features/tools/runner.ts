/**
 * The two ways a prepared command runs: as a child process of the console (argument array,
 * `shell: false`, its own process group so a cancel kills everything it started), or over
 * SSH through the SSH feature (same host-key trust and vault), where a cancel also kills the
 * remote process group it reported at start.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { ELEVATION_MARKER, PID_MARKER, type PreparedCommand } from './command';

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  /** The process could not be started (program missing...) or the connection failed. */
  error?: Error;
}

export interface StreamSink {
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
}

export interface ProcessHandle {
  readonly done: Promise<ExitInfo>;
  /** Stops the run and everything it started; resolves once done. */
  kill(): Promise<void>;
}

export interface Runner {
  /** `runId` tags local processes (environment RELAIS_RUN_ID) so leftovers of a crash can be found. */
  start(cmd: PreparedCommand, sink: StreamSink, runId?: string): ProcessHandle;
}

const KILL_GRACE_MS = 1500;

/** Runs on this PC. */
export function localRunner(platform: NodeJS.Platform = process.platform): Runner {
  return {
    start(cmd, sink, runId) {
      const posix = platform !== 'win32';
      const child = spawn(cmd.file, cmd.args, {
        shell: false,
        env: runId ? { ...process.env, RELAIS_RUN_ID: runId } : process.env,
        detached: posix, // new process group: kill(-pid) reaches every descendant
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
      child.stdout!.on('data', (b: Buffer) => sink.onStdout(b));
      child.stderr!.on('data', (b: Buffer) => sink.onStderr(b));
      let exited = false;
      const done = new Promise<ExitInfo>((resolve) => {
        let info: ExitInfo | null = null;
        let graceTimer: NodeJS.Timeout | null = null;
        child.once('error', (error) => {
          exited = true;
          resolve({ exitCode: null, signal: null, error });
        });
        child.once('exit', (code, signal) => {
          exited = true;
          info = { exitCode: code, signal };
          // Output still buffered in the pipes arrives before 'close'; a grandchild holding
          // the pipes open must not keep the run alive forever.
          graceTimer = setTimeout(() => resolve(info!), 500);
        });
        child.once('close', (code, signal) => {
          if (graceTimer) clearTimeout(graceTimer);
          resolve(info ?? { exitCode: code, signal });
        });
      });
      const signalGroup = (sig: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, sig);
        } catch {
          // ESRCH: the group is already gone.
        }
      };
      return {
        done,
        async kill() {
          if (child.pid === undefined) return;
          if (!posix) {
            spawnSync('taskkill', ['/PID', String(child.pid), '/T', '/F'], { windowsHide: true, shell: false });
            await done;
            return;
          }
          signalGroup('SIGTERM');
          const timer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
          await done;
          clearTimeout(timer);
          // The leader is gone; anything left in its group goes too.
          signalGroup('SIGKILL');
          void exited;
        },
      };
    },
  };
}

/**
 * After a crash of the console, the processes of runs it had started locally may still be
 * running (SIGKILL gives no chance to stop them). They carry RELAIS_RUN_ID=<run id> in their
 * environment: find them in /proc (Linux) and end them. Returns how many were killed.
 */
export function killLeftovers(runIds: string[]): number {
  if (process.platform !== 'linux' || runIds.length === 0) return 0;
  const wanted = new Set(runIds.map((id) => `RELAIS_RUN_ID=${id}`));
  let killed = 0;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${e}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours
    }
    if (!environ.split('\0').some((kv) => wanted.has(kv))) continue;
    try {
      process.kill(Number(e), 'SIGKILL');
      killed++;
    } catch {}
  }
  return killed;
}

/** The SSH feature's exec service, as this feature uses it. */
export interface SshExecOptions {
  env?: Record<string, string>;
  stdin?: string;
  signal?: AbortSignal;
  onStdout: (chunk: Buffer | string) => void;
  onStderr: (chunk: Buffer | string) => void;
  timeoutMs?: number;
  /** posix: the SSH service also kills the remote process group when the signal aborts. */
  remoteOs?: 'posix' | 'windows';
}
export type SshExec = (target: { profileId: string }, command: string, options: SshExecOptions) => Promise<{ exitCode: number | null; signal?: string | null }>;

const toBuffer = (c: Buffer | string) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c);

/**
 * Runs on a remote PC through the SSH feature. The command reports its process group first
 * (a `RELAIS-PGID` line on stderr, removed from the output); a cancel runs a second command
 * that kills that group (`kill -- -PGID`, or `taskkill /T /F` on Windows), then closes the
 * channel.
 */
export function sshRunner(exec: SshExec, profileId: string): Runner {
  return {
    start(cmd, sink) {
      const abort = new AbortController();
      let pgid: string | null = null;
      let pid: string | null = null;
      let head = Buffer.alloc(0);
      let headDone = false;
      let killing = false;
      const onStderr = (raw: Buffer | string) => {
        const chunk = toBuffer(raw);
        if (headDone) return sink.onStderr(chunk);
        head = Buffer.concat([head, chunk]);
        const nl = head.indexOf(0x0a);
        if (nl < 0 && head.length < 256) return;
        const line = head.subarray(0, nl < 0 ? head.length : nl).toString('utf8');
        const rest = head.subarray(nl < 0 ? head.length : nl + 1);
        headDone = true;
        const m = new RegExp(`^${PID_MARKER} (\\d+)(?: +(\\d+))?\\s*$`).exec(line.trim());
        if (m) {
          pid = m[1]!;
          pgid = m[2] ?? m[1]!;
        } else sink.onStderr(head.subarray(0, nl < 0 ? head.length : nl + 1));
        if (rest.length) sink.onStderr(rest);
      };
      const done = exec({ profileId }, cmd.remote, {
        stdin: cmd.remoteStdin,
        signal: abort.signal,
        remoteOs: cmd.os === 'windows' ? 'windows' : 'posix',
        onStdout: (c) => sink.onStdout(toBuffer(c)),
        onStderr,
      }).then(
        (r) => ({ exitCode: r.exitCode ?? null, signal: r.signal ?? null }),
        (error: Error) => (killing ? { exitCode: null, signal: 'KILL' } : { exitCode: null, signal: null, error }),
      );
      return {
        done,
        async kill() {
          killing = true;
          const killCommand =
            cmd.os === 'windows'
              ? pid && `taskkill /PID ${pid} /T /F`
              : pgid && `kill -TERM -- -${pgid} 2>/dev/null; sleep 0.5; kill -KILL -- -${pgid} 2>/dev/null; sudo -n kill -KILL -- -${pgid} 2>/dev/null; true`;
          if (killCommand) {
            try {
              await exec({ profileId }, killCommand, { timeoutMs: 10_000, onStdout: () => {}, onStderr: () => {}, remoteOs: cmd.os === 'windows' ? 'windows' : 'posix' });
            } catch {
              // The channel abort below still ends the session.
            }
          }
          abort.abort();
          await done;
        },
      };
    },
  };
}

/** Whether a finished run failed for want of elevation (exit 126 and the marker). */
export function isElevationFailure(exitCode: number | null, stderrHead: string): boolean {
  return exitCode === 126 && stderrHead.includes(ELEVATION_MARKER);
}

/** Local Linux elevation: root already, or passwordless sudo (`sudo -n`); never a prompt. */
export function localElevation(): 'root' | 'sudo' | 'script' | 'unavailable' {
  if (process.platform === 'win32') return 'script'; // checked by the script itself (IsInRole)
  if (process.getuid?.() === 0) return 'root';
  const r = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', shell: false, timeout: 5000 });
  return r.status === 0 ? 'sudo' : 'unavailable';
}
