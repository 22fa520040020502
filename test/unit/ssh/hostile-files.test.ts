/**
 * Issue 18, items 8 and 9: files named by an imported ssh config, and known_hosts patterns,
 * come from someone else. `IdentityFile /dev/zero` used to be read whole and synchronously
 * (1.5 GB in 1.4 s, event loop blocked); a pattern like `*a*a…*b` backtracked for seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { createService, type Service } from '../../../src/api/service';
import { globMatch } from '../../../src/features/ssh/glob';
import { readKnownHosts } from '../../../src/features/ssh/hostkeys';
import { parseSshConfig } from '../../../src/features/ssh/config-import';
import { makeTempDir } from '../../support/temp-dir';

const cleanups: (() => void)[] = [];
const services: Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  cleanups.splice(0).forEach((c) => c());
});
function setup() {
  const t = makeTempDir('relais-hostile-');
  cleanups.push(t.cleanup);
  const s = createService({ dataDir: path.join(t.dir, 'data'), host: 'web', policyFile: null });
  services.push(s);
  return { s, dir: t.dir };
}
async function openWithKey(s: Service, keyFile: string) {
  const p = await s.dispatch('ssh.profileSave', { name: `k${Math.random()}`, host: '127.0.0.1', port: 9, username: 'u', auth: 'key', keyFile }, { clientId: 't' });
  expect(p.ok).toBe(true);
  return s.dispatch('ssh.open', { profileId: (p as { value: { id: string } }).value.id }, { clientId: 't' });
}

describe('private key files named by a profile', () => {
  it('refuses /dev/zero at once, without reading it', async () => {
    const { s } = setup();
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const r = await openWithKey(s, '/dev/zero');
    expect(r.ok).toBe(false);
    expect(r.ok ? null : r.error).toMatchObject({ code: 'SSH_KEY_UNREADABLE', message: { en: expect.stringContaining('not a regular file') } });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a FIFO without blocking on it, and a regular file over 64 KiB', async () => {
    const { s, dir } = setup();
    const fifo = path.join(dir, 'key.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r1 = await openWithKey(s, fifo);
    expect(r1.ok ? null : r1.error.code).toBe('SSH_KEY_UNREADABLE');
    const big = path.join(dir, 'big_key');
    fs.writeFileSync(big, Buffer.alloc(64 * 1024 + 1, 0x41));
    const r2 = await openWithKey(s, big);
    expect(r2.ok ? null : r2.error).toMatchObject({ code: 'SSH_KEY_UNREADABLE', message: { en: expect.stringContaining('file too large') } });
  });

  it('importing a config from /dev/zero, or one that includes it, is refused or skips it', async () => {
    const { s, dir } = setup();
    const r = await s.dispatch('ssh.importConfig', { path: '/dev/zero' }, { clientId: 't' });
    expect(r.ok ? null : r.error.code).toBe('SSH_CONFIG_UNREADABLE');
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, 'Include /dev/zero\nHost srv\n  HostName srv.example\n  IdentityFile /dev/zero\n');
    expect(parseSshConfig(fs.readFileSync(file, 'utf8'), { file, home: dir })).toEqual([expect.objectContaining({ alias: 'srv', identityFile: '/dev/zero' })]);
  });
});

/** Reference semantics for small inputs: the regex translation the matcher replaces. */
const reference = (p: string, t: string) => new RegExp('^' + p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i').test(t);

describe('known_hosts and ssh config wildcard patterns', () => {
  it('match like OpenSSH, within |pattern|×|text| character comparisons (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'A', '.', '*', '?'), maxLength: 14 }), fc.string({ unit: fc.constantFrom('a', 'b', 'A', '.'), maxLength: 40 }), (p, t) => {
        const steps = { count: 0 };
        expect(globMatch(p, t, { caseInsensitive: true, steps })).toBe(reference(p, t));
        expect(steps.count).toBeLessThanOrEqual((p.length + 1) * (t.length + 1));
      }),
      { numRuns: 3000 },
    );
  });

  it('stays bounded for the pathological pattern (many stars, long host)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 253 }), (stars, len) => {
        const p = '*a'.repeat(stars) + '*b';
        const t = 'a'.repeat(len);
        const steps = { count: 0 };
        expect(globMatch(p, t, { caseInsensitive: true, steps })).toBe(false);
        expect(steps.count).toBeLessThanOrEqual((p.length + 1) * (t.length + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('a hostile known_hosts line does not stall the host-key check', () => {
    const t = makeTempDir('relais-kh-');
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'known_hosts');
    fs.writeFileSync(file, `${'*a'.repeat(40)}*b ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake\nsrv.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReal\n`);
    const started = Date.now();
    expect(readKnownHosts([file], 'a'.repeat(200) + '.example', 22)).toEqual([]);
    expect(readKnownHosts([file], 'SRV.example', 22)).toEqual([{ keyType: 'ssh-ed25519', publicKey: 'AAAAC3NzaC1lZDI1NTE5AAAAIReal', revoked: false }]);
    expect(Date.now() - started).toBeLessThan(1000);
    // A known_hosts "file" that is a device is skipped, not read without end.
    expect(readKnownHosts(['/dev/zero', file], 'srv.example', 22)).toHaveLength(1);
  }, 5000);
});
