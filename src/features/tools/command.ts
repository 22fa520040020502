/**
 * Turns a tool and its validated parameters into what is actually executed, without ever
 * splicing a value into script text unquoted:
 *
 * - PowerShell (Windows): each parameter becomes a first line `$Name = '<literal>'`, a
 *   single-quoted string in which nothing is interpreted; the quote characters PowerShell
 *   recognises (' and the typographic ‘ ’ ‚ ‛, U+2018–U+201B) are doubled, which PowerShell
 *   reads back as that same character. Integers and booleans are emitted from validated
 *   numbers (`5`, `$true`). The whole script is sent as
 *   `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand <base64 UTF-16LE>`.
 * - POSIX sh (Linux): the script never contains a value. It starts with `Name=$1` lines and
 *   the values are positional arguments: separate argv items locally
 *   (`sh -c <script> relais <v1> <v2>`), and over SSH, where the remote shell parses one
 *   command line, every item is a POSIX single-quoted word (' written as '\'').
 */
import type { ToolDefinition } from '../../domain/tools';
import type { ValidatedParams } from './params';
import { windowsPowerShellPath } from '../../base/paths';

/** Quote characters PowerShell accepts for single-quoted strings. */
const PS_SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/** A PowerShell single-quoted string literal whose value is exactly `s`. */
export function psQuote(s: string): string {
  if (s.includes('\u0000')) throw new Error('NUL in a PowerShell literal');
  return `'${s.replace(PS_SINGLE_QUOTES, (q) => q + q)}'`;
}

/** A POSIX sh single-quoted word whose value is exactly `s`. */
export function shQuote(s: string): string {
  if (s.includes('\u0000')) throw new Error('NUL in a shell word');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function psLiteral(v: string | number | boolean | null): string {
  if (v === null) return '$null';
  if (typeof v === 'boolean') return v ? '$true' : '$false';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('not an integer');
    return String(v);
  }
  return psQuote(v);
}

export function shValue(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/** Printed on stderr first thing so a cancel can kill the whole remote process group. */
export const PID_MARKER = 'RELAIS-PGID';
/** Printed (and exit 126) when a tool needs elevation that is not available. */
export const ELEVATION_MARKER = 'RELAIS-ELEVATION-UNAVAILABLE';

export interface PreparedCommand {
  os: ToolDefinition['os'];
  /** The full script text that runs (PowerShell: what -EncodedCommand decodes to). */
  script: string;
  /** Local execution: program and argument array (never through a shell). */
  file: string;
  args: string[];
  /** Over SSH: the one command line the remote server's shell parses. */
  remote: string;
  /** Over SSH, when the command line would be too long: the script goes on standard input. */
  remoteStdin?: string;
}

export interface BuildOptions {
  /** The tool needs elevation and the technician confirmed it. */
  elevate: boolean;
  /** Local Linux: already root, so no sudo. */
  isRoot?: boolean;
  /** Where the command runs: decides the pid marker and elevation wrapper. */
  where: 'local' | 'remote';
}

// ---------------------------------------------------------------- PowerShell

export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}
export function decodePowerShell(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf16le');
}

const PS_PRELUDE = [
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
];

/**
 * Elevation is checked, never assumed: a Windows OpenSSH session of an administrator has a
 * full token; anything else stops here with a clear message and exit code 126. (Locally,
 * `Start-Process -Verb RunAs` would show the UAC prompt to whoever sits at the PC; the
 * console runs unelevated, so it asks the technician to restart it "as administrator".)
 */
const PS_ELEVATION_CHECK = [
  '$relaisPrincipal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())',
  'if (-not $relaisPrincipal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {',
  `  [Console]::Error.WriteLine('${ELEVATION_MARKER} Élévation requise : ce compte n''est pas administrateur de ce poste. / Elevation required: this account is not an administrator of this PC.')`,
  '  exit 126',
  '}',
];

export function buildPowerShellScript(tool: ToolDefinition, params: ValidatedParams, opts: BuildOptions): string {
  const lines = [...PS_PRELUDE];
  if (opts.where === 'remote') lines.push(`[Console]::Error.WriteLine('${PID_MARKER} ' + $PID)`);
  for (const { param, value } of params) lines.push(`$${param.name} = ${psLiteral(value)}`);
  if (opts.elevate) lines.push(...PS_ELEVATION_CHECK);
  lines.push(tool.script.replace(/\r\n/g, '\n').trimEnd());
  return lines.join('\n') + '\n';
}

const PS_ARGS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];
/** cmd.exe (the default shell of Windows OpenSSH) stops at 8191 characters. */
const MAX_REMOTE_COMMAND = 8000;

function preparePowerShell(tool: ToolDefinition, params: ValidatedParams, opts: BuildOptions): PreparedCommand {
  const script = buildPowerShellScript(tool, params, opts);
  const encoded = encodePowerShell(script);
  let remote = ['powershell.exe', ...PS_ARGS, '-EncodedCommand', encoded].join(' ');
  let remoteStdin: string | undefined;
  if (remote.length > MAX_REMOTE_COMMAND) {
    // Small fixed bootstrap that reads the real script (base64 UTF-8) from standard input.
    const boot = '$relaisIn = [Console]::In.ReadToEnd(); & ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($relaisIn))))';
    remote = ['powershell.exe', ...PS_ARGS, '-EncodedCommand', encodePowerShell(boot)].join(' ');
    remoteStdin = Buffer.from(script, 'utf8').toString('base64');
  }
  return { os: 'windows', script, file: windowsPowerShellPath(), args: [...PS_ARGS, '-EncodedCommand', encoded], remote, remoteStdin };
}

// ---------------------------------------------------------------- POSIX sh

export function buildShScript(tool: ToolDefinition, params: ValidatedParams): string {
  const lines: string[] = [];
  params.forEach(({ param }, i) => lines.push(`${param.name}=\${${i + 1}}`));
  lines.push(tool.script.replace(/\r\n/g, '\n').trimEnd());
  return lines.join('\n') + '\n';
}

function prepareSh(tool: ToolDefinition, params: ValidatedParams, opts: BuildOptions): PreparedCommand {
  const script = buildShScript(tool, params);
  const values = params.map(({ value }) => shValue(value));
  const needSudo = opts.elevate && !opts.isRoot;
  const local = needSudo ? { file: 'sudo', args: ['-n', '--', 'sh', '-c', script, 'relais', ...values] } : { file: 'sh', args: ['-c', script, 'relais', ...values] };
  const inner = ['sh', '-c', shQuote(script), 'relais', ...values.map(shQuote)].join(' ');
  const parts = [`printf '%s %s %s\\n' ${PID_MARKER} "$$" "$(ps -o pgid= -p $$ 2>/dev/null)" >&2`];
  if (opts.elevate) {
    parts.push(
      `if [ "$(id -u)" -eq 0 ]; then ${inner}; ` +
        `elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n -- ${inner}; ` +
        `else echo '${ELEVATION_MARKER} élévation requise : sudo sans mot de passe indisponible / elevation required: passwordless sudo unavailable' >&2; exit 126; fi`,
    );
  } else parts.push(inner);
  return { os: 'linux', script, ...local, remote: parts.join('; ') };
}

export function prepareCommand(tool: ToolDefinition, params: ValidatedParams, opts: BuildOptions): PreparedCommand {
  return tool.os === 'windows' ? preparePowerShell(tool, params, opts) : prepareSh(tool, params, opts);
}
