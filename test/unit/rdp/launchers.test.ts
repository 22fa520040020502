import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RelaisError } from '../../../src/base/errors';
import {
  macOpenPlan,
  msraPlan,
  mstscPlan,
  parseFreeRdpVersion,
  qwinstaPlan,
  remminaPlan,
  shadowPlan,
  xfreerdpPlan,
  type FreeRdpVersion,
} from '../../../src/features/rdp/launchers';
import { classifyClientLine } from '../../../src/features/rdp/runner';
import { HOSTILE } from './hostile';

const winEnv = { SystemRoot: 'C:\\Windows' };
const v2: FreeRdpVersion = { major: 2, minor: 11, patch: 7, text: '2.11.7' };
const v3: FreeRdpVersion = { major: 3, minor: 5, patch: 1, text: '3.5.1' };
const FP = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0')).join(':');

describe('Windows launchers (exact programs and arguments)', () => {
  it('mstsc opens the generated file and nothing else', () => {
    expect(mstscPlan('C:\\Users\\tech\\AppData\\Local\\Temp\\relais-rdp-x\\PC-042.rdp', winEnv)).toEqual({
      client: 'mstsc',
      program: 'C:\\Windows\\System32\\mstsc.exe',
      args: ['C:\\Users\\tech\\AppData\\Local\\Temp\\relais-rdp-x\\PC-042.rdp'],
    });
  });

  it('Remote Assistance offers help to the host; the agent accepts', () => {
    expect(msraPlan('pc-mairie-042.ville.local', winEnv)).toEqual({
      client: 'msra',
      program: 'C:\\Windows\\System32\\msra.exe',
      args: ['/offerRA', 'pc-mairie-042.ville.local'],
    });
  });

  it('shadowing keeps the consent prompt by default', () => {
    expect(shadowPlan('10.1.2.3', 2, {}, winEnv)).toEqual({ client: 'mstsc', program: 'C:\\Windows\\System32\\mstsc.exe', args: ['/v:10.1.2.3', '/shadow:2', '/control'] });
    expect(shadowPlan('10.1.2.3', 2, { control: false }, winEnv).args).toEqual(['/v:10.1.2.3', '/shadow:2']);
    // Asking for no consent is ignored unless the organisation's policy allows it.
    expect(shadowPlan('10.1.2.3', 2, { noConsentPrompt: true }, winEnv).args).not.toContain('/noConsentPrompt');
    expect(shadowPlan('10.1.2.3', 2, { noConsentPrompt: true, allowNoConsent: true }, winEnv).args).toContain('/noConsentPrompt');
  });

  it('qwinsta asks the PC for its sessions', () => {
    expect(qwinstaPlan('pc-042', winEnv)).toEqual({ program: 'C:\\Windows\\System32\\qwinsta.exe', args: ['/server:pc-042'] });
  });

  it('no Windows launcher ever carries a password', () => {
    const all = [mstscPlan('f.rdp', winEnv), msraPlan('pc', winEnv), shadowPlan('pc', 1, {}, winEnv)];
    for (const p of all) {
      expect(p.stdin).toBeUndefined();
      expect(p.args.join(' ')).not.toMatch(/\/p:|password|\/pass/i);
    }
  });
});

describe('Linux and macOS launchers', () => {
  const fields = { host: 'pc-042', port: 3389, user: 'support', domain: 'VILLE', width: 1024, height: 768 };

  it('FreeRDP 2: password on stdin, certificate pinned, legacy gateway options', () => {
    const plan = xfreerdpPlan({ ...fields, gateway: { host: 'gw.ville.fr' } }, { program: '/usr/bin/xfreerdp', version: v2, password: 'S3cret!', certFingerprint: FP });
    expect(plan).toEqual({
      client: 'xfreerdp',
      program: '/usr/bin/xfreerdp',
      args: [
        '/v:pc-042:3389',
        '/u:support',
        '/d:VILLE',
        '/from-stdin:force',
        `/cert:deny,fingerprint:sha256:${FP}`,
        '/size:1024x768',
        '+clipboard',
        '/g:gw.ville.fr:443',
        '/gateway-usage-method:direct',
      ],
      stdin: 'S3cret!\n',
    });
  });

  it('FreeRDP 3: same, with the /gateway: syntax; FreeRDP before 2.8 cannot pin (the caller checks just before)', () => {
    const plan = xfreerdpPlan({ ...fields, fullScreen: true, multiMonitor: true, redirectDrives: true, redirectPrinters: true, clipboard: false, gateway: { host: 'gw.ville.fr', port: 8443 } }, { version: v3, password: 'pw', certFingerprint: FP });
    expect(plan.program).toBe('xfreerdp');
    expect(plan.args).toEqual(['/v:pc-042:3389', '/u:support', '/d:VILLE', '/from-stdin:force', `/cert:deny,fingerprint:sha256:${FP}`, '/f', '/multimon', '-clipboard', '+drives', '/printer', '/gateway:g:gw.ville.fr:8443,usage-method:direct']);
    const old = xfreerdpPlan(fields, { version: { major: 2, minor: 6, patch: 1, text: '2.6.1' }, password: null, certFingerprint: FP });
    expect(old.args).toContain('/cert-ignore');
    expect(old.args).not.toContain('/from-stdin:force');
    expect(old.stdin).toBeUndefined();
  });

  it('reads the FreeRDP version', () => {
    expect(parseFreeRdpVersion('This is FreeRDP version 2.11.7 (2.11.7)\n')).toEqual(v2);
    expect(parseFreeRdpVersion('This is FreeRDP version 3.5.1 (n/a)\nBuild configuration: ...')).toMatchObject({ major: 3, minor: 5 });
    expect(parseFreeRdpVersion('failed to open display')).toBeNull();
  });

  it('refuses a vault password with a line break (it would answer the next prompt)', () => {
    expect(() => xfreerdpPlan(fields, { version: v2, password: 'a\nb', certFingerprint: null })).toThrow(RelaisError);
    expect(() => xfreerdpPlan({ ...fields, user: '' }, { version: v2, password: 'pw', certFingerprint: null })).toThrow(/user name|utilisateur/);
  });

  it('Remmina and macOS open the generated file', () => {
    expect(remminaPlan('/tmp/relais-rdp-x/PC.rdp', '/usr/bin/remmina')).toEqual({ client: 'remmina', program: '/usr/bin/remmina', args: ['-c', '/tmp/relais-rdp-x/PC.rdp'] });
    expect(macOpenPlan('/var/folders/x/PC.rdp')).toEqual({ client: 'macos-open', program: '/usr/bin/open', args: ['/var/folders/x/PC.rdp'] });
  });

  it('tells credential refusals and certificate rejections apart in FreeRDP output', () => {
    expect(classifyClientLine('[ERROR][com.freerdp.core] - nla_recv_pdu:freerdp_set_last_error_ex ERRCONNECT_LOGON_FAILURE [0x00020014]')).toBe('auth_failed');
    expect(classifyClientLine('[ERROR][com.freerdp.core.transport] - Authentication failure, check credentials.')).toBe('auth_failed');
    expect(classifyClientLine('[ERROR][com.freerdp.crypto] - certificate not trusted, aborting.')).toBe('cert_rejected');
    expect(classifyClientLine('[ERROR][com.freerdp.core] - freerdp_tcp_connect:freerdp_set_last_error_ex ERRCONNECT_CONNECT_FAILED [0x00020006]')).toBe('unreachable');
    expect(classifyClientLine('[ERROR][com.freerdp.client.x11] - failed to open display: ')).toBe('no_display');
    expect(classifyClientLine('[WARN][com.freerdp.channels.rdpdr.client] - Checking ExtendedPDU::RDPDR_USER_LOGGEDON_PDU, client supported, server not found')).toBe('logged_in');
    expect(classifyClientLine('[INFO][com.freerdp.core] - ERRINFO_LOGOFF_BY_USER (0x0000000C)')).toBeNull();
  });
});

describe('argv injection: hostile values never add an argument', () => {
  const countOf = (args: string[]) => args.length;

  it.each(HOSTILE)('%j in host, user, domain, session id', (evil) => {
    // Hosts are refused outright.
    expect(() => msraPlan(evil, winEnv)).toThrow(RelaisError);
    expect(() => shadowPlan(evil, 1, {}, winEnv)).toThrow(RelaisError);
    expect(() => qwinstaPlan(evil, winEnv)).toThrow(RelaisError);
    expect(() => xfreerdpPlan({ host: evil }, { version: v2, password: null, certFingerprint: null })).toThrow(RelaisError);
    // User and domain: cleaned, glued to their option, one argument each.
    const reference = xfreerdpPlan({ host: 'pc', user: 'u', domain: 'd' }, { version: v2, password: 'pw', certFingerprint: FP });
    try {
      const plan = xfreerdpPlan({ host: 'pc', user: `u${evil}`, domain: `d${evil}` }, { version: v2, password: 'pw', certFingerprint: FP });
      expect(countOf(plan.args)).toBe(countOf(reference.args));
      expect(plan.args[1]!.startsWith('/u:u')).toBe(true);
      expect(plan.args[2]!.startsWith('/d:d')).toBe(true);
      expect(plan.args.slice(3)).toEqual(reference.args.slice(3));
      // eslint-disable-next-line no-control-regex
      for (const a of plan.args) expect(a).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      expect(plan.stdin).toBe('pw\n');
    } catch (err) {
      expect((err as RelaisError).code).toBe('RDP_INVALID_FIELD'); // too long
    }
  });

  it('property: random session ids and strings keep the argument count', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 0, max: 65535 }), (s, id) => {
        expect(shadowPlan('pc-1', id, {}, winEnv).args).toHaveLength(3);
        try {
          const p = xfreerdpPlan({ host: 'pc-1', user: `u${s}`, domain: s }, { version: v3, password: 'pw', certFingerprint: FP });
          const expected = xfreerdpPlan({ host: 'pc-1', user: 'u', domain: s.trim() ? 'd' : '' }, { version: v3, password: 'pw', certFingerprint: FP });
          // The domain may be stripped to nothing (then no /d: at all), never more arguments.
          expect(p.args.length).toBeLessThanOrEqual(expected.args.length);
          expect(p.args.length).toBeGreaterThanOrEqual(expected.args.length - 1);
        } catch (err) {
          expect((err as RelaisError).code).toBe('RDP_INVALID_FIELD');
        }
      }),
      { numRuns: 400 },
    );
  });
});
