/**
 * PowerShell cannot run here: for every built-in Windows tool, check the exact text its
 * -EncodedCommand carries, with awkward values of each parameter type.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/features/tools/catalog';
import { decodePowerShell, prepareCommand } from '../../../src/features/tools/command';
import { validateParams } from '../../../src/features/tools/params';
import type { ToolParam } from '../../../src/api/contracts/tools';

const assetsDir = path.resolve(import.meta.dirname, '../../../assets');
const catalog = loadCatalog({ assetsDir });
const windowsTools = [...catalog.tools.values()].filter((t) => t.os === 'windows');

/** A value for each type, with quotes where the type allows them, and its expected literal. */
function sample(p: ToolParam): { value: string | number | boolean; literal: string } {
  switch (p.type) {
    case 'hostname':
      return { value: 'pc-mairie-042.ville.local', literal: "'pc-mairie-042.ville.local'" };
    case 'uncPath':
      return { value: "\\\\fs-mairie\\l'urbanisme\\$(x)", literal: "'\\\\fs-mairie\\l''urbanisme\\$(x)'" };
    case 'printerName':
      return { value: '\\\\print-01\\RDC \u2018Accueil\u2019', literal: "'\\\\print-01\\RDC \u2018\u2018Accueil\u2019\u2019'" };
    case 'enum':
      return { value: p.options[p.options.length - 1]!.value, literal: `'${p.options[p.options.length - 1]!.value}'` };
    case 'integer':
      return { value: p.max, literal: String(p.max) };
    case 'boolean':
      return { value: true, literal: '$true' };
    case 'string':
      return { value: "7-Zip'; Remove-Item C:\\ #", literal: "'7-Zip''; Remove-Item C:\\ #'" };
  }
}

const HEAD = "$ErrorActionPreference = 'Stop'\n$ProgressPreference = 'SilentlyContinue'\n[Console]::OutputEncoding = [System.Text.Encoding]::UTF8\n";
const ELEVATION =
  '$relaisPrincipal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())\n' +
  'if (-not $relaisPrincipal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {\n' +
  "  [Console]::Error.WriteLine('RELAIS-ELEVATION-UNAVAILABLE Élévation requise : ce compte n''est pas administrateur de ce poste. / Elevation required: this account is not an administrator of this PC.')\n" +
  '  exit 126\n' +
  '}\n';

describe('every Windows tool sends exactly its script with quoted parameters', () => {
  it('has the Windows tools of a municipal desk', () => {
    expect(windowsTools.length).toBeGreaterThanOrEqual(14);
  });

  it.each(windowsTools.map((t) => [t.id, t] as const))('%s', (_id, tool) => {
    const values = Object.fromEntries(tool.params.map((p) => [p.name, sample(p).value]));
    const cmd = prepareCommand(tool, validateParams(tool, values), { elevate: tool.elevation, where: 'remote' });
    const script = JSON.parse(fs.readFileSync(tool.file, 'utf8')).script as string;
    const expected =
      HEAD +
      "[Console]::Error.WriteLine('RELAIS-PGID ' + $PID)\n" +
      tool.params.map((p) => `$${p.name} = ${sample(p).literal}\n`).join('') +
      (tool.elevation ? ELEVATION : '') +
      script.trimEnd() +
      '\n';
    if (cmd.remoteStdin) {
      expect(Buffer.from(cmd.remoteStdin, 'base64').toString('utf8')).toBe(expected);
    } else {
      const [exe, ...args] = cmd.remote.split(' ');
      expect(exe).toBe('powershell.exe');
      expect(args.slice(0, -1)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
      expect(decodePowerShell(args[args.length - 1]!)).toBe(expected);
      expect(cmd.remote.length).toBeLessThan(8192); // cmd.exe, Windows OpenSSH's default shell
    }
    // Locally: the same script (without the PID line), as one argv item.
    const local = prepareCommand(tool, validateParams(tool, values), { elevate: tool.elevation, where: 'local' });
    expect(local.file).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'); // full path, never PATH
    expect(decodePowerShell(local.args[local.args.length - 1]!)).toBe(expected.replace("[Console]::Error.WriteLine('RELAIS-PGID ' + $PID)\n", ''));
  });

  it('sends a script too long for one command line on standard input, behind a fixed bootstrap', () => {
    const tool = { ...windowsTools[0]!, params: [], script: 'Write-Output 1\n'.repeat(600) };
    const cmd = prepareCommand(tool, [], { elevate: false, where: 'remote' });
    expect(cmd.remoteStdin).toBeDefined();
    expect(decodePowerShell(cmd.remote.split(' ').pop()!)).toBe(
      '$relaisIn = [Console]::In.ReadToEnd(); & ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($relaisIn))))',
    );
    expect(Buffer.from(cmd.remoteStdin!, 'base64').toString('utf8')).toBe(cmd.script);
  });
});
