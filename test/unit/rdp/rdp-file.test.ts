import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RelaisError } from '../../../src/base/errors';
import { isHostOrIp } from '../../../src/api/contracts/rdp';
import { buildRdpFile, decodeRdpFile, encodeRdpFile, RDP_FILE_KEYS, type RdpFileFields } from '../../../src/features/rdp/rdp-file';
import { stripControls } from '../../../src/features/rdp/sanitize';
import { HOSTILE } from './hostile';

const expectedKeys = RDP_FILE_KEYS.map((k) => `${k}:`);

/** The file must be exactly the fixed keys, in order, one per CRLF line, and nothing else. */
function assertShape(text: string): string[] {
  expect(text.endsWith('\r\n')).toBe(true);
  const lines = text.slice(0, -2).split('\r\n');
  expect(lines).toHaveLength(RDP_FILE_KEYS.length);
  lines.forEach((line, i) => {
    expect(line.startsWith(expectedKeys[i]!)).toBe(true);
    // No line separator of any kind survives inside a line.
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });
  // Exactly one line per dangerous directive, and it is ours.
  expect(lines.filter((l) => l.startsWith('alternate shell:')).length).toBe(1);
  expect(lines.filter((l) => l.startsWith('drivestoredirect:')).length).toBe(1);
  return lines;
}

const base: RdpFileFields = { host: 'pc-mairie-042.ville.local', user: 'support', domain: 'VILLE' };

describe('.rdp builder', () => {
  it('writes the fixed set of keys with safe defaults (no drive, printer or other redirection)', () => {
    const text = buildRdpFile(base);
    const lines = assertShape(text);
    expect(lines).toEqual([
      'full address:s:pc-mairie-042.ville.local:3389',
      'username:s:VILLE\\support',
      'domain:s:VILLE',
      'screen mode id:i:1',
      'desktopwidth:i:1280',
      'desktopheight:i:800',
      'use multimon:i:0',
      'session bpp:i:32',
      'redirectclipboard:i:1',
      'redirectprinters:i:0',
      'redirectcomports:i:0',
      'redirectsmartcards:i:0',
      'redirectposdevices:i:0',
      'drivestoredirect:s:',
      'devicestoredirect:s:',
      'audiomode:i:0',
      'authentication level:i:2',
      'prompt for credentials:i:0',
      'promptcredentialonce:i:1',
      'enablecredsspsupport:i:1',
      'gatewayhostname:s:',
      'gatewayusagemethod:i:0',
      'gatewaycredentialssource:i:0',
      'gatewayprofileusagemethod:i:0',
      'alternate shell:s:',
      'shell working directory:s:',
      'remoteapplicationmode:i:0',
      'autoreconnection enabled:i:1',
    ]);
    expect(text).not.toMatch(/password/i);
  });

  it('writes full screen, multi-monitor, redirections and an RD Gateway when asked', () => {
    const lines = assertShape(
      buildRdpFile({
        host: '2001:db8::42',
        port: 3390,
        user: 'tech',
        fullScreen: true,
        multiMonitor: true,
        clipboard: false,
        redirectDrives: true,
        redirectPrinters: true,
        gateway: { host: 'passerelle.ville.fr', credentialMode: 'smartcard', sameCredentials: false },
      }),
    );
    expect(lines).toContain('full address:s:[2001:db8::42]:3390');
    expect(lines).toContain('username:s:tech');
    expect(lines).toContain('screen mode id:i:2');
    expect(lines).toContain('use multimon:i:1');
    expect(lines).toContain('redirectclipboard:i:0');
    expect(lines).toContain('drivestoredirect:s:*');
    expect(lines).toContain('redirectprinters:i:1');
    expect(lines).toContain('gatewayhostname:s:passerelle.ville.fr:443');
    expect(lines).toContain('gatewayusagemethod:i:1');
    expect(lines).toContain('gatewaycredentialssource:i:1');
    expect(lines).toContain('promptcredentialonce:i:0');
  });

  it('encodes as mstsc does (UTF-16LE with a byte-order mark) and round-trips accents', () => {
    const text = buildRdpFile({ ...base, user: 'hélène.dupré' });
    const buf = encodeRdpFile(text);
    expect([...buf.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(decodeRdpFile(buf)).toBe(text);
  });

  it.each(HOSTILE)('never lets a hostile user or domain add a line: %j', (evil) => {
    let text: string;
    try {
      text = buildRdpFile({ ...base, user: evil, domain: evil });
    } catch (err) {
      // Too long: refused with a clear error, not truncated into something else.
      expect(err).toBeInstanceOf(RelaisError);
      expect((err as RelaisError).code).toBe('RDP_INVALID_FIELD');
      expect(evil.length).toBeGreaterThan(100);
      return;
    }
    const lines = assertShape(text);
    const clean = stripControls(evil).trim();
    expect(lines[1]).toBe(`username:s:${clean}\\${clean}`);
    expect(lines[2]).toBe(`domain:s:${clean}`);
    expect(lines.find((l) => l.startsWith('alternate shell:'))).toBe('alternate shell:s:');
    expect(lines.find((l) => l.startsWith('drivestoredirect:'))).toBe('drivestoredirect:s:');
    expect(lines.find((l) => l.startsWith('redirectprinters:'))).toBe('redirectprinters:i:0');
  });

  it.each(HOSTILE)('refuses a hostile host or gateway outright: %j', (evil) => {
    expect(() => buildRdpFile({ ...base, host: evil })).toThrow(RelaisError);
    expect(() => buildRdpFile({ ...base, host: `pc${evil}` })).toThrow(RelaisError);
    expect(() => buildRdpFile({ ...base, gateway: { host: evil } })).toThrow(RelaisError);
  });

  it('refuses out-of-range numbers', () => {
    for (const bad of [0, 65536, -1, 1.5, Number.NaN]) expect(() => buildRdpFile({ ...base, port: bad })).toThrow(/port/);
    expect(() => buildRdpFile({ ...base, width: 100 })).toThrow(/width/);
    expect(() => buildRdpFile({ ...base, height: 1e9 })).toThrow(/height/);
  });

  it('property: for any strings in every text field, the file keeps exactly the expected lines', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.constantFrom(...HOSTILE),
      fc.array(fc.constantFrom('\r', '\n', '\u2028', '\u2029', '\u0000', '\u0085', 'alternate shell:s:x', 'drivestoredirect:s:*', ':', 'a'), { maxLength: 20 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, (user, domain, host, gw) => {
        const fields: RdpFileFields = { host: isHostOrIp(host) ? host : 'pc-1', user, domain, gateway: isHostOrIp(gw) ? { host: gw } : null };
        let text: string;
        try {
          text = buildRdpFile(fields);
        } catch (err) {
          expect((err as RelaisError).code).toBe('RDP_INVALID_FIELD');
          return;
        }
        assertShape(text);
      }),
      { numRuns: 500 },
    );
  });

  it('validates host names and IP addresses', () => {
    for (const ok of ['pc-042', 'PC-MAIRIE-042.ville.local', '10.0.12.7', '::1', '2001:db8::1', 'fe80::1:2:3:4', '::ffff:192.0.2.1', 'a.b.c.'])
      expect(isHostOrIp(ok), ok).toBe(true);
    for (const bad of ['', '-pc', 'pc-', 'pc_042', 'pc 042', '256.1.1.1', '1.2.3', '1::2::3', 'pc:3389', '/offerRA', '-p', 'a'.repeat(64), 'poste\uff1a3389', 'é.fr'])
      expect(isHostOrIp(bad), bad).toBe(false);
  });
});
