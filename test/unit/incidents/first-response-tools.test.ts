/**
 * The ransomware first-response tools cannot run here (Windows): check the exact text their
 * -EncodedCommand carries, with hostile values, and that the Linux scripts refuse anything
 * but an IPv4 management address before touching the firewall.
 */
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/features/tools/catalog';
import { decodePowerShell, prepareCommand, psQuote } from '../../../src/features/tools/command';
import { validateParams } from '../../../src/features/tools/params';
import { HOSTILE } from '../tools/hostile';

const catalog = loadCatalog({ assetsDir: path.resolve(import.meta.dirname, '../../../assets') });
const tool = (id: string) => {
  const t = catalog.tools.get(id);
  if (!t) throw new Error(`missing tool ${id}`);
  return t;
};
const decoded = (id: string, values: Record<string, string | number | boolean>) => {
  const cmd = prepareCommand(tool(id), validateParams(tool(id), values), { elevate: true, where: 'remote' });
  const b64 = cmd.remoteStdin ? null : cmd.remote.split(' ').pop()!;
  return b64 ? decodePowerShell(b64) : Buffer.from(cmd.remoteStdin!, 'base64').toString('utf8');
};

describe('Windows isolation (firewall block-all, management address allowed)', () => {
  it('carries the management address only as a quoted literal, asks elevation, blocks every other address both ways', () => {
    const text = decoded('win-isolate-pc', { ManagementAddress: '10.20.30.40' });
    expect(text).toContain("$ManagementAddress = '10.20.30.40'\n");
    expect(text.match(/10\.20\.30\.40/g)).toHaveLength(1);
    expect(text).toContain('IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)');
    expect(text).toMatch(/New-NetFirewallRule .*-Direction Inbound -RemoteAddress \$ip\.ToString\(\) -Action Allow/);
    expect(text).toMatch(/New-NetFirewallRule .*-Direction Outbound -RemoteAddress \$others -Action Block/);
    expect(text).toMatch(/New-NetFirewallRule .*-Direction Inbound -RemoteAddress \$others -Action Block/);
    expect(text).toContain('-DefaultInboundAction Block -DefaultOutboundAction Block');
    // The address is parsed as an IPv4 address before any rule is written.
    expect(text.indexOf('TryParse($ManagementAddress')).toBeLessThan(text.indexOf('New-NetFirewallRule'));
  });

  it.each(HOSTILE)('refuses a hostile management address before building anything: %j', (v) => {
    expect(() => validateParams(tool('win-isolate-pc'), { ManagementAddress: v })).toThrow(/Management address/);
  });

  it('needs confirmed elevation (the checklist asks, never assumes)', () => {
    expect(tool('win-isolate-pc').elevation).toBe(true);
    expect(tool('win-collect-indicators').elevation).toBe(true);
    expect(tool('win-disable-ad-account').elevation).toBe(true);
  });
});

describe('Windows indicator collection', () => {
  it('collects processes with SHA-256, scheduled tasks, Run keys, recent files and SMB sessions, with typed limits', () => {
    const text = decoded('win-collect-indicators', { Days: 30, MaxFiles: 5000 });
    expect(text).toContain('$Days = 30\n$MaxFiles = 5000\n');
    for (const needle of ['Get-FileHash -LiteralPath $_.ExecutablePath -Algorithm SHA256', 'Get-ScheduledTask', 'CurrentVersion\\Run', 'LastWriteTime -ge $since', 'Get-SmbSession', 'Get-SmbOpenFile'])
      expect(text).toContain(needle);
  });
  it('refuses values out of range or of the wrong type', () => {
    expect(() => validateParams(tool('win-collect-indicators'), { Days: 31 })).toThrow();
    expect(() => validateParams(tool('win-collect-indicators'), { Days: '$(Remove-Item C:\\)' })).toThrow();
  });
});

describe('Disable-ADAccount', () => {
  it.each(HOSTILE)('passes a hostile account name as one quoted literal, never as code: %j', (v) => {
    const text = decoded('win-disable-ad-account', { Account: v });
    expect(text).toContain(`$Account = ${psQuote(v)}\n`);
    const body = text.slice(text.indexOf('$Account = ') + `$Account = ${psQuote(v)}\n`.length);
    expect(body).toContain('Disable-ADAccount -Identity $user');
    expect(body).toContain('Get-ADUser -Identity $Account');
    if (v.length > 3) expect(body).not.toContain(v);
  });
});

describe('Linux isolation script', () => {
  const script = tool('linux-isolate-host').script;
  it.each(['10.0.0.1; rm -rf /', '$(id)', '::1', '', 'a.b.c.d'])('exits 2 before touching the firewall for %j', (v) => {
    // Run only the validation part: everything up to the first firewall command.
    const guard = script.slice(0, script.indexOf('if command -v nft'));
    const r = spawnSync('sh', ['-c', `ManagementAddress=$1\n${guard}\necho PASSED`, 'relais', v], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).not.toContain('PASSED');
  });
  it('passes a valid IPv4 address through', () => {
    const guard = script.slice(0, script.indexOf('if command -v nft'));
    const r = spawnSync('sh', ['-c', `ManagementAddress=$1\n${guard}\necho PASSED`, 'relais', '10.1.2.3'], { encoding: 'utf8' });
    expect(r.stdout).toContain('PASSED');
  });
});
