/**
 * Runs a launch plan: temp `.rdp` files in a private folder (0700, file 0600) removed when
 * the client exits; the client spawned with an argument array (never a shell); the
 * password written to its standard input and the pipe closed; its output read line by line
 * to tell credential refusals and certificate rejections (xfreerdp's exit code does not).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LaunchPlan } from './launchers';

export interface TempRdpFile {
  file: string;
  cleanup(): void;
}

export function writeTempRdpFile(contents: Buffer, name = 'session'): TempRdpFile {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-rdp-'));
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, `${name.replace(/[^\w-]/g, '_').slice(0, 60)}.rdp`);
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, contents);
  } finally {
    fs.closeSync(fd);
  }
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export type ClientSignal = 'logged_in' | 'auth_failed' | 'cert_rejected' | 'unreachable' | 'no_display';

/** What a FreeRDP (2 or 3) output line says about the connection, if anything. */
export function classifyClientLine(line: string): ClientSignal | null {
  if (
    /ERRCONNECT_(LOGON_FAILURE|AUTHENTICATION_FAILED|WRONG_PASSWORD|ACCOUNT_LOCKED_OUT|ACCOUNT_DISABLED|ACCOUNT_EXPIRED|PASSWORD_EXPIRED|PASSWORD_MUST_CHANGE|PASSWORD_CERTAINLY_EXPIRED|ACCOUNT_RESTRICTION|LOGON_TYPE_NOT_GRANTED)/.test(line) ||
    /STATUS_LOGON_FAILURE|Authentication failure, check credentials/i.test(line)
  )
    return 'auth_failed';
  if (/certificate not trusted|ERRCONNECT_TLS_CONNECT_FAILED|CERTIFICATE NAME MISMATCH.*abort|fingerprint.*(mismatch|not match)/i.test(line)) return 'cert_rejected';
  if (/failed to open display/i.test(line)) return 'no_display';
  // The device-redirection channel only starts once a user session exists on the server.
  if (/RDPDR_USER_LOGGEDON_PDU|\[RDPDR\] transition .*RDPDR_CHANNEL_STATE_READY|cliprdr.*MonitorReady/.test(line)) return 'logged_in';
  if (/ERRCONNECT_(CONNECT_FAILED|DNS_NAME_NOT_FOUND|CONNECT_TRANSPORT_FAILED)|unable to connect to/i.test(line)) return 'unreachable';
  return null;
}

export interface RunningClient {
  readonly child: ChildProcess;
  readonly pid: number;
  /** performance.now() when the process was spawned. */
  readonly spawnedAt: number;
  /** Resolves when the client has exited and its temp files are gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** First failure signal read from the client's output (credentials, certificate, network). */
  signal: ClientSignal | null;
  /** Every distinct signal seen, in order (including `logged_in`). */
  readonly signals: ClientSignal[];
  kill(): void;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  temp?: TempRdpFile | null;
  onSignal?: (signal: ClientSignal) => void;
}

/** Spawns the plan; resolves once the process exists (spawned), rejects if it cannot start. */
export function runPlan(plan: LaunchPlan, options: RunOptions = {}): Promise<RunningClient> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(plan.program, plan.args, {
        shell: false,
        windowsHide: false,
        env: { ...(options.env ?? process.env), ...(plan.env ?? {}) },
        stdio: [plan.stdin !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      options.temp?.cleanup();
      return reject(err);
    }
    let settled = false;
    const running: RunningClient = {
      child,
      pid: -1,
      spawnedAt: 0,
      signal: null,
      signals: [],
      exited: new Promise((res) => {
        child.once('close', (code, sig) => {
          options.temp?.cleanup();
          res({ code, signal: sig });
        });
      }),
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      },
    };
    const watch = (stream: NodeJS.ReadableStream | null) => {
      if (!stream) return;
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        rest += d;
        const lines = rest.split('\n');
        rest = lines.pop() ?? '';
        if (rest.length > 8192) rest = rest.slice(-8192);
        for (const line of lines) {
          const s = classifyClientLine(line);
          if (s && !running.signals.includes(s)) {
            running.signals.push(s);
            if (s !== 'logged_in' && !running.signal) running.signal = s;
            options.onSignal?.(s);
          }
        }
      });
    };
    watch(child.stdout);
    watch(child.stderr);
    child.once('error', (err) => {
      if (!settled) {
        settled = true;
        options.temp?.cleanup();
        reject(err);
      }
    });
    child.once('spawn', () => {
      settled = true;
      Object.assign(running, { pid: child.pid!, spawnedAt: performance.now() });
      if (plan.stdin !== undefined && child.stdin) {
        child.stdin.on('error', () => {});
        child.stdin.end(plan.stdin);
      }
      resolve(running);
    });
  });
}

/** Runs a short command (qwinsta, `xfreerdp /version`) and collects its output. */
export function runCommand(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { shell: false, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err.slice(0, 4000) });
    });
  });
}
