/**
 * Issue 18, item 6: RELAIS_POLICY_FILE in the user's environment replaced the machine policy,
 * unlocking the locked user name (the audit actor) and ITSM server. Packaged builds ignore
 * it; and the policy may forbid RELAIS_DATA_DIR where it is honoured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createCore } from '../../../src/api/core';
import { defaultPolicyFile, resolveDataDir } from '../../../src/base/paths';
import { loadPolicy } from '../../../src/base/policy';
import { makeTempDir } from '../../support/temp-dir';

const saved = process.env.RELAIS_POLICY_FILE;
const cleanups: (() => void)[] = [];
afterEach(() => {
  if (saved === undefined) delete process.env.RELAIS_POLICY_FILE;
  else process.env.RELAIS_POLICY_FILE = saved;
  cleanups.splice(0).forEach((c) => c());
});

describe('policy file location', () => {
  it('a packaged build ignores RELAIS_POLICY_FILE; a development run honours it', () => {
    const env = { RELAIS_POLICY_FILE: '/tmp/mine.json' };
    expect(defaultPolicyFile(env, 'linux', true)).toBe('/etc/relais/policy.json');
    expect(defaultPolicyFile({ ...env, ProgramData: 'C:\\ProgramData' }, 'win32', true)).toBe(path.join('C:\\ProgramData', 'Relais', 'policy.json'));
    expect(defaultPolicyFile(env, 'linux', false)).toBe('/tmp/mine.json');
  });

  it('a packaged core keeps the audit actor the user chose, whatever policy the environment names', () => {
    const t = makeTempDir('relais-polenv-');
    cleanups.push(t.cleanup);
    const rogue = path.join(t.dir, 'rogue.json');
    fs.writeFileSync(rogue, JSON.stringify({ preferences: { userName: 'directeur' }, locked: ['userName'] }));
    process.env.RELAIS_POLICY_FILE = rogue;
    const dev = createCore({ dataDir: path.join(t.dir, 'dev'), host: 'electron' });
    expect(dev.currentUser()).toBe('directeur');
    expect(dev.policy.file).toBe(rogue);
    const packaged = createCore({ dataDir: path.join(t.dir, 'pkg'), host: 'electron', packaged: true });
    expect(packaged.policy.file).not.toBe(rogue);
    expect(packaged.currentUser()).not.toBe('directeur');
    void dev.close();
    void packaged.close();
  });
});

describe('RELAIS_DATA_DIR and the policy', () => {
  it('is honoured unless the policy forbids it', () => {
    const env = { RELAIS_DATA_DIR: '/tmp/ailleurs', XDG_CONFIG_HOME: '/home/x/.config' };
    expect(resolveDataDir(env, 'linux')).toBe('/tmp/ailleurs');
    expect(resolveDataDir(env, 'linux', { allowDataDirEnv: true })).toBe('/tmp/ailleurs');
    expect(resolveDataDir(env, 'linux', { allowDataDirEnv: false })).toBe('/home/x/.config/Relais');
  });

  it('the policy file says so with allowDataDirEnv (default: allowed)', () => {
    const t = makeTempDir('relais-polenv-');
    cleanups.push(t.cleanup);
    const f = path.join(t.dir, 'policy.json');
    fs.writeFileSync(f, JSON.stringify({ allowDataDirEnv: false }));
    expect(loadPolicy(f).policy.allowDataDirEnv).toBe(false);
    fs.writeFileSync(f, '{}');
    expect(loadPolicy(f).policy.allowDataDirEnv).toBe(true);
  });
});
