import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toolDefinitionSchema, type ToolDefinition } from '../../../src/api/contracts/tools';
import { decodePowerShell, prepareCommand, psQuote, shQuote } from '../../../src/features/tools/command';
import { validateParams } from '../../../src/features/tools/params';
import { HOSTILE } from './hostile';

const label = { fr: 'x', en: 'x' };
const def = (os: 'windows' | 'linux', script: string): ToolDefinition =>
  toolDefinitionSchema.parse({
    id: `echo-${os}`,
    label,
    help: label,
    category: 'diagnostic',
    os,
    expectedSeconds: 1,
    script,
    params: [
      { name: 'Text', type: 'string', label, maxLength: 4096 },
      { name: 'Count', type: 'integer', label, min: 0, max: 10, default: 3 },
      { name: 'Force', type: 'boolean', label },
    ],
  });


const PS_HEAD = "$ErrorActionPreference = 'Stop'\n$ProgressPreference = 'SilentlyContinue'\n[Console]::OutputEncoding = [System.Text.Encoding]::UTF8\n";

describe('PowerShell: parameters become single-quoted literals inside -EncodedCommand', () => {
  const tool = def('windows', 'Write-Output $Text');
  const build = (text: string, where: 'local' | 'remote' = 'local') => prepareCommand(tool, validateParams(tool, { Text: text, Force: true }), { elevate: false, where });

  it('sends the exact script for a normal value', () => {
    const cmd = build('pc-mairie-042');
    expect(cmd.file).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(cmd.args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    expect(cmd.args).toHaveLength(6);
    expect(decodePowerShell(cmd.args[5]!)).toBe(`${PS_HEAD}$Text = 'pc-mairie-042'\n$Count = 3\n$Force = $true\nWrite-Output $Text\n`);
    expect(cmd.remote).toBe(`powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${cmd.args[5]}`);
    expect(cmd.args[5]).toMatch(/^[A-Za-z0-9+/=]+$/);
  });

  it.each([
    ["'; Remove-Item -Recurse -Force C:\\ ; '", "'''; Remove-Item -Recurse -Force C:\\ ; '''"],
    ['$(Remove-Item C:\\Windows)', "'$(Remove-Item C:\\Windows)'"],
    ['`whoami`', "'`whoami`'"],
    ['a\nb\r\nc; rm -rf /tmp/x', "'a\nb\r\nc; rm -rf /tmp/x'"],
    ['\u2018; Remove-Item C:\\ ;\u2019', "'\u2018\u2018; Remove-Item C:\\ ;\u2019\u2019'"],
    ['\u201A\u201B', "'\u201A\u201A\u201B\u201B'"],
    ['"; exit 1 #', `'"; exit 1 #'`],
  ])('hostile value %j arrives as the literal %s', (value, literal) => {
    const cmd = build(value);
    expect(decodePowerShell(cmd.args[5]!)).toBe(`${PS_HEAD}$Text = ${literal}\n$Count = 3\n$Force = $true\nWrite-Output $Text\n`);
  });

  it('over SSH, reports its PID first so a cancel can kill it, and the command line carries only base64', () => {
    const cmd = build("x'; y", 'remote');
    const b64 = cmd.remote.split(' ').pop()!;
    expect(decodePowerShell(b64)).toBe(`${PS_HEAD}[Console]::Error.WriteLine('RELAIS-PGID ' + $PID)\n$Text = 'x''; y'\n$Count = 3\n$Force = $true\nWrite-Output $Text\n`);
  });

  it('a built-in tool (map a network drive) gets the UNC path as a literal', () => {
    const tool2 = toolDefinitionSchema.parse(JSON.parse(fs.readFileSync(`${import.meta.dirname}/../../../assets/tools/win-map-drive.json`, 'utf8')));
    const cmd = prepareCommand(tool2, validateParams(tool2, { SharePath: "\\\\fs-mairie\\it's $(x)", DriveLetter: 'S' }), { elevate: false, where: 'local' });
    const text = decodePowerShell(cmd.args[5]!);
    expect(text.startsWith(`${PS_HEAD}$DriveLetter = 'S'\n$SharePath = '\\\\fs-mairie\\it''s $(x)'\n$Persistent = $true\n$letter = $DriveLetter + ':'\n`)).toBe(true);
  });

  it('asks for elevation by checking the administrator role, never assuming it', () => {
    const cmd = prepareCommand(tool, validateParams(tool, { Text: 'a' }), { elevate: true, where: 'remote' });
    const text = decodePowerShell(cmd.remote.split(' ').pop()!);
    expect(text).toContain('IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)');
    expect(text).toContain('exit 126');
  });

  it('round-trips any string through PowerShell single-quote rules (tokenizer model)', () => {
    // PowerShell's tokenizer: inside '...', a quote char (' ‘ ’ ‚ ‛) followed by another is
    // one escaped quote (the second is kept); a lone one ends the string.
    const Q = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);
    const parse = (lit: string): { value: string; rest: string } => {
      expect(Q.has(lit[0]!)).toBe(true);
      let out = '';
      let i = 1;
      for (;;) {
        const c = lit[i]!;
        if (c === undefined) throw new Error('unterminated');
        if (Q.has(c)) {
          if (!Q.has(lit[i + 1]!)) return { value: out, rest: lit.slice(i + 1) };
          out += lit[i + 1];
          i += 2;
          continue;
        }
        out += c;
        i++;
      }
    };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", '\u2018', '\u2019', '\u201A', '\u201B', '$', '`', '(', ')', ';', '\n', 'a', ' ', '"') }), (s) => {
        const { value, rest } = parse(psQuote(s));
        expect(value).toBe(s);
        expect(rest).toBe('');
      }),
      { numRuns: 500 },
    );
  });
});

describe('POSIX sh: parameters are positional arguments, never script text', () => {
  const tool = def('linux', 'printf %s "$Text"');
  const build = (text: string, where: 'local' | 'remote' = 'local') => prepareCommand(tool, validateParams(tool, { Text: text }), { elevate: false, where });

  it('keeps values out of the script and passes them as separate argv items', () => {
    const cmd = build("'; rm -rf ~ #");
    expect(cmd.file).toBe('sh');
    expect(cmd.args).toEqual(['-c', 'Text=${1}\nCount=${2}\nForce=${3}\nprintf %s "$Text"\n', 'relais', "'; rm -rf ~ #", '3', 'false']);
  });

  it.each(HOSTILE)('hostile value %j is printed back byte for byte when run locally', (value) => {
    const cmd = build(value);
    const r = spawnSync(cmd.file, cmd.args, { shell: false });
    expect(r.status).toBe(0);
    expect(r.stdout.equals(Buffer.from(value, 'utf8'))).toBe(true);
  });

  it.each(HOSTILE)('hostile value %j survives the remote command line (parsed by a login shell)', (value) => {
    const cmd = build(value, 'remote');
    // What sshd does with an exec request: $SHELL -c "<command line>".
    const r = spawnSync('sh', ['-c', cmd.remote], { shell: false });
    expect(r.status).toBe(0);
    expect(r.stdout.equals(Buffer.from(value, 'utf8'))).toBe(true);
    expect(r.stderr.toString()).toMatch(/^RELAIS-PGID \d+ +\d+\n$/);
  });

  it('asks for elevation with sudo -n (never a password prompt) unless already root', () => {
    const v = validateParams(tool, { Text: 'a' });
    const sudo = prepareCommand(tool, v, { elevate: true, isRoot: false, where: 'local' });
    expect(sudo.file).toBe('sudo');
    expect(sudo.args.slice(0, 4)).toEqual(['-n', '--', 'sh', '-c']);
    expect(sudo.args.slice(5)).toEqual(['relais', 'a', '3', 'false']);
    expect(prepareCommand(tool, v, { elevate: true, isRoot: true, where: 'local' }).file).toBe('sh');
    const remote = prepareCommand(tool, v, { elevate: true, where: 'remote' }).remote;
    expect(remote).toContain('sudo -n -- sh -c ');
    expect(remote).toContain('exit 126');
  });

  it('refuses a NUL byte before anything runs', () => {
    expect(() => build('a\u0000b')).toThrow(/NUL/);
    expect(() => shQuote('a\u0000b')).toThrow();
    expect(() => psQuote('a\u0000b')).toThrow();
  });

  it('shQuote round-trips random strings through a real shell', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", '"', '$', '`', '\\', '\n', ' ', '!', '*', ';', '&', '|', 'é', 'a'), maxLength: 40 }), (s) => {
        const r = spawnSync('sh', ['-c', `printf %s ${shQuote(s)}`], { shell: false });
        expect(r.stdout.toString('utf8')).toBe(s);
      }),
      { numRuns: 60 },
    );
  });
});
