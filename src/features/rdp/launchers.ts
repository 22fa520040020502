/**
 * Launch plans: the exact program, argument array, standard input and files each RDP
 * client is started with. Pure functions (the runner spawns them, tests read them), so the
 * Windows launchers, which cannot run here, are checked argument by argument.
 *
 * Rules: every value is validated and stripped before it becomes (part of) one argument;
 * a value is always glued to its option (`/v:host`), never a separate argument that could
 * be read as an option; passwords never appear in an argument or a file — xfreerdp reads
 * it on standard input (`/from-stdin:force`), mstsc asks Windows' own credential prompt.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RdpClientId } from '../../domain/rdp';
import { RelaisError } from '../../base/errors';
import { cleanRdpFields, type RdpFileFields } from './rdp-file';
import { cleanHost, cleanInt, cleanText, hostPort } from './sanitize';

export type Platform = 'win32' | 'linux' | 'darwin' | string;

export interface LaunchPlan {
  client: RdpClientId;
  program: string;
  args: string[];
  /** Written to the client's standard input then closed (the password, never logged). */
  stdin?: string;
  env?: Record<string, string>;
}

/** What a log line or a record may say about a plan: no stdin. */
export function describePlan(plan: LaunchPlan): { client: RdpClientId; program: string; args: string[] } {
  return { client: plan.client, program: plan.program, args: [...plan.args] };
}

// ---------------------------------------------------------------------------------------
// Windows

export function windowsSystem32(env: NodeJS.ProcessEnv = process.env): string {
  const root = cleanText('SystemRoot', env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows', 260) || 'C:\\Windows';
  return path.win32.join(root, 'System32');
}

/** `mstsc <file>`: every setting is in the file; the credential is asked by Windows. */
export function mstscPlan(rdpFile: string, env: NodeJS.ProcessEnv = process.env): LaunchPlan {
  return { client: 'mstsc', program: path.win32.join(windowsSystem32(env), 'mstsc.exe'), args: [rdpFile] };
}

/** Windows Remote Assistance: the agent accepts on their own screen. */
export function msraPlan(host: string, env: NodeJS.ProcessEnv = process.env): LaunchPlan {
  return { client: 'msra', program: path.win32.join(windowsSystem32(env), 'msra.exe'), args: ['/offerRA', cleanHost('host', host)] };
}

/**
 * Shadowing an agent's session. The agent's consent prompt is kept: `/noConsentPrompt` is
 * only added when the organisation's policy explicitly allows it (`allowNoConsent`).
 */
export function shadowPlan(
  host: string,
  sessionId: number,
  options: { control?: boolean; noConsentPrompt?: boolean; allowNoConsent?: boolean } = {},
  env: NodeJS.ProcessEnv = process.env,
): LaunchPlan {
  const args = [`/v:${cleanHost('host', host)}`, `/shadow:${cleanInt('shadowSessionId', sessionId, 0, 65535)}`];
  if (options.control !== false) args.push('/control');
  if (options.noConsentPrompt && options.allowNoConsent) args.push('/noConsentPrompt');
  return { client: 'mstsc', program: path.win32.join(windowsSystem32(env), 'mstsc.exe'), args };
}

/** `qwinsta /server:<host>`: the sessions on the PC, for the shadowing picker. */
export function qwinstaPlan(host: string, env: NodeJS.ProcessEnv = process.env): { program: string; args: string[] } {
  return { program: path.win32.join(windowsSystem32(env), 'qwinsta.exe'), args: [`/server:${cleanHost('host', host)}`] };
}

// ---------------------------------------------------------------------------------------
// Linux: FreeRDP 2 and 3, Remmina

export interface FreeRdpVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** Reads `xfreerdp /version` output: "This is FreeRDP version 2.11.7 (2.11.7)". */
export function parseFreeRdpVersion(output: string): FreeRdpVersion | null {
  const m = /FreeRDP version (\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `${m[1]}.${m[2]}.${m[3]}` };
}

/** FreeRDP 2.8+ and 3 take `/cert:deny,fingerprint:sha256:<hex>`. */
export function freeRdpCanPin(v: FreeRdpVersion): boolean {
  return v.major >= 3 || (v.major === 2 && v.minor >= 8);
}

export interface XfreerdpOptions {
  program?: string;
  version: FreeRdpVersion;
  /** Password from the vault: written on stdin only. null: the PC's login screen asks. */
  password: string | null;
  /** Pinned SHA-256 fingerprint ("aa:bb:..."), accepted by the technician; anything else is refused. */
  certFingerprint: string | null;
}

const FINGERPRINT = /^([0-9a-f]{2}:){31}[0-9a-f]{2}$/;

export function xfreerdpPlan(fields: RdpFileFields, options: XfreerdpOptions): LaunchPlan {
  const f = cleanRdpFields(fields);
  const v3 = options.version.major >= 3;
  const args = [`/v:${hostPort(f.host, f.port)}`];
  if (f.user) args.push(`/u:${f.user}`);
  if (f.domain) args.push(`/d:${f.domain}`);
  if (options.password !== null) {
    if (!f.user) {
      throw RelaisError.of('RDP_NO_USER');
    }
    args.push('/from-stdin:force');
  }
  if (options.certFingerprint !== null) {
    const fp = options.certFingerprint.toLowerCase();
    if (!FINGERPRINT.test(fp)) throw new Error('bad certificate fingerprint');
    // deny: a certificate other than the pinned one ends the connection, no prompt (which
    // would otherwise read its answer from stdin). FreeRDP before 2.8 cannot pin: the caller
    // checks the fingerprint itself right before the launch (see freeRdpCanPin).
    args.push(freeRdpCanPin(options.version) ? `/cert:deny,fingerprint:sha256:${fp}` : '/cert-ignore');
  }
  if (f.fullScreen) args.push('/f');
  else args.push(`/size:${f.width}x${f.height}`);
  if (f.multiMonitor) args.push('/multimon');
  args.push(f.clipboard ? '+clipboard' : '-clipboard');
  if (f.redirectDrives) args.push('+drives');
  if (f.redirectPrinters) args.push('/printer');
  if (f.gateway) {
    const gw = hostPort(f.gateway.host, f.gateway.port);
    if (v3) args.push(`/gateway:g:${gw},usage-method:direct`);
    else args.push(`/g:${gw}`, '/gateway-usage-method:direct');
  }
  return {
    client: 'xfreerdp',
    program: options.program ?? 'xfreerdp',
    args,
    ...(options.password !== null ? { stdin: `${stripForStdin(options.password)}\n` } : {}),
  };
}

/** A password line: a line break inside it would answer the next prompt. */
function stripForStdin(password: string): string {
  // eslint-disable-next-line no-control-regex -- a NUL or line break would end the line early
  if (/[\r\n\u0000]/.test(password)) {
    throw RelaisError.of('RDP_BAD_SECRET');
  }
  return password;
}

/** Remmina opens the generated file; it asks for the password itself. */
export function remminaPlan(rdpFile: string, program = 'remmina'): LaunchPlan {
  return { client: 'remmina', program, args: ['-c', rdpFile] };
}

// ---------------------------------------------------------------------------------------
// macOS

/** `open <file>`: Microsoft's Windows App (formerly Remote Desktop) handles `.rdp`. */
export function macOpenPlan(rdpFile: string): LaunchPlan {
  return { client: 'macos-open', program: '/usr/bin/open', args: [rdpFile] };
}

// ---------------------------------------------------------------------------------------
// Finding the clients

export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, name);
    if (isExecutable(full)) return full;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function noClientError(platform: Platform, method: string): RelaisError {
  const details = { platform, method };
  if (platform === 'linux') return RelaisError.of('RDP_NO_CLIENT_linux', {}, details);
  if (platform === 'darwin') return RelaisError.of('RDP_NO_CLIENT_darwin', {}, details);
  if (platform === 'win32') return RelaisError.of(method === 'msra' ? 'RDP_NO_CLIENT_msra' : 'RDP_NO_CLIENT_mstsc', {}, details);
  return RelaisError.of('RDP_NO_CLIENT', { platform }, details);
}

export function methodUnsupported(platform: Platform, method: string): RelaisError {
  return RelaisError.of(method === 'msra' ? 'RDP_METHOD_UNSUPPORTED_msra' : 'RDP_METHOD_UNSUPPORTED_shadow', {}, { platform, method });
}
