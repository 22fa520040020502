import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createService, type Service } from '../../../src/api/service';
import { loadPolicy } from '../../../src/base/policy';
import { resolveDataDir } from '../../../src/base/paths';
import { makeTempDir } from '../../support/temp-dir';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempService(policy?: object): { service: Service; dir: string } {
  const { dir, cleanup } = makeTempDir();
  let policyFile: string | null = null;
  if (policy) {
    policyFile = path.join(dir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(policy));
  }
  const service = createService({ host: 'web', dataDir: path.join(dir, 'data'), policyFile });
  cleanups.push(cleanup, () => service.close());
  return { service, dir };
}
const caller = { clientId: 'test' };

describe('preferences', () => {
  it('default to French and remember a change across restarts', async () => {
    const { service, dir } = tempService();
    const first = await service.dispatch('settings.get', undefined, caller);
    expect(first.ok && (first.value as any).values.locale).toBe('fr');
    await service.dispatch('settings.set', { locale: 'en' }, caller);
    await service.close();
    const again = createService({ host: 'web', dataDir: path.join(dir, 'data'), policyFile: null });
    cleanups.push(() => again.close());
    const locale = await again.dispatch('app.locale', undefined, caller);
    expect(locale.ok && (locale.value as any).locale).toBe('en');
  });

  it('reject an unknown language with a message in both languages', async () => {
    const { service } = tempService();
    const res = await service.dispatch('settings.set', { locale: 'de' }, caller);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('INVALID_INPUT');
      // The field in the reader's words, not the schema's key.
      expect(res.error.message.fr).toBe("La langue doit être l'une des valeurs proposées. Corrigez puis réessayez.");
      expect(res.error.message.en).toBe('The language must be one of the values offered. Fix it and try again.');
    }
  });

  it('keep the valid part of a damaged preferences file', async () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/preferences.json'), JSON.stringify({ locale: 'en', theme: 42, junk: true }));
    const service = createService({ host: 'web', dataDir: path.join(dir, 'data'), policyFile: null });
    cleanups.push(() => service.close());
    const res = await service.dispatch('settings.get', undefined, caller);
    expect(res.ok && (res.value as any).values).toMatchObject({ locale: 'en', theme: 'system' });
  });
});

describe('machine-wide policy', () => {
  it('presets and locks a setting: the user cannot change it', async () => {
    const { service } = tempService({ preferences: { locale: 'en' }, locked: ['locale'] });
    const got = await service.dispatch('settings.get', undefined, caller);
    expect(got.ok && (got.value as any).values.locale).toBe('en');
    expect(got.ok && (got.value as any).locked).toEqual(['locale']);
    const set = await service.dispatch('settings.set', { locale: 'fr' }, caller);
    expect(set.ok).toBe(false);
    if (!set.ok) {
      expect(set.error.code).toBe('LOCKED_BY_POLICY');
      expect(set.error.message.fr).toContain('politique');
    }
  });

  it('reports an invalid policy file with its path and reason, and runs without it', () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify({ preferences: { locale: 'klingon' }, surprise: 1 }));
    const loaded = loadPolicy(file);
    expect(loaded.error).toContain(file);
    expect(loaded.error).toMatch(/locale|surprise/);
    expect(loaded.policy.locked).toEqual([]);
    fs.writeFileSync(file, '{ not json');
    expect(loadPolicy(file).error).toContain(file);
  });

  it('is absent without error when no file is deployed', () => {
    expect(loadPolicy('/nonexistent/relais/policy.json')).toMatchObject({ file: null, error: null });
  });
});

describe('data folder', () => {
  it('follows RELAIS_DATA_DIR, else the platform user-data folder', () => {
    expect(resolveDataDir({ RELAIS_DATA_DIR: '/tmp/x' }, 'linux')).toBe('/tmp/x');
    expect(resolveDataDir({ HOME: '/home/a', XDG_CONFIG_HOME: '/home/a/.config' }, 'linux')).toBe('/home/a/.config/Relais');
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain('Relais');
  });
});
