import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/features/tools/catalog';
const repoRoot = path.resolve(import.meta.dirname, '../../..');
import { makeTempDir } from '../../support/temp-dir';

const assetsDir = path.join(repoRoot, 'assets');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('tool catalog', () => {
  it('loads every built-in tool and checklist with no error', () => {
    const c = loadCatalog({ assetsDir });
    expect(c.errors).toEqual([]);
    expect(c.tools.size).toBeGreaterThanOrEqual(15);
    const ids = [...c.tools.keys()];
    for (const id of ['win-system-info', 'win-disk-cleanup', 'win-flush-dns', 'win-restart-spooler', 'win-map-drive', 'win-add-printer', 'win-gpupdate', 'win-test-vpn', 'win-installed-software', 'win-install-msi', 'win-reset-windows-update', 'win-timezone-locale', 'win-collect-logs', 'linux-system-info', 'linux-disk-usage', 'linux-dns', 'linux-package-list', 'linux-service-restart'])
      expect(ids).toContain(id);
    expect([...c.checklists.values()].map((x) => x.label.fr)).toEqual(expect.arrayContaining(["Préparation d'un poste de télétravail", 'Dépannage imprimante']));
    for (const t of c.tools.values()) {
      expect(t.label.fr && t.label.en && t.help.fr && t.help.en).toBeTruthy();
      expect(t.source).toBe('builtin');
    }
  });

  it('reports a malformed file of the administrator folder with its path and reason, and still loads the rest', () => {
    const { dir, cleanup } = makeTempDir('relais-tools-admin-');
    cleanups.push(cleanup);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "id": "x", ');
    fs.writeFileSync(path.join(dir, 'bad-param.json'), JSON.stringify({ id: 'bad-param', label: { fr: 'a', en: 'a' }, help: { fr: 'a', en: 'a' }, category: 'system', os: 'linux', expectedSeconds: 1, script: 'true', params: [{ name: '1bad', type: 'string', label: { fr: 'a', en: 'a' }, maxLength: 5 }] }));
    fs.writeFileSync(path.join(dir, 'dup.json'), fs.readFileSync(path.join(assetsDir, 'tools/linux-dns.json')));
    fs.writeFileSync(path.join(dir, 'echo.json'), JSON.stringify({ id: 'site-echo', label: { fr: 'Écho', en: 'Echo' }, help: { fr: 'Écho', en: 'Echo' }, category: 'diagnostic', os: 'linux', expectedSeconds: 1, script: 'printf %s "$Text"', params: [{ name: 'Text', type: 'string', label: { fr: 'Texte', en: 'Text' }, maxLength: 100 }] }));
    fs.mkdirSync(path.join(dir, 'checklists'));
    fs.writeFileSync(path.join(dir, 'checklists/unknown-tool.json'), JSON.stringify({ id: 'cl', label: { fr: 'a', en: 'a' }, help: { fr: 'a', en: 'a' }, os: 'linux', steps: [{ kind: 'tool', toolId: 'nope' }] }));

    const c = loadCatalog({ assetsDir, adminDir: dir });
    const byPath = Object.fromEntries(c.errors.map((e) => [path.basename(e.path), e.reason.fr]));
    const byPathEn = Object.fromEntries(c.errors.map((e) => [path.basename(e.path), e.reason.en]));
    expect(Object.keys(byPath).sort()).toEqual(['bad-param.json', 'broken.json', 'dup.json', 'unknown-tool.json']);
    expect(byPath['broken.json']).toMatch(/JSON/);
    expect(byPath['bad-param.json']).toMatch(/params\.0\.name/);
    expect(byPath['dup.json']).toMatch(/linux-dns/);
    expect(byPath['unknown-tool.json']).toMatch(/nope/);
    // Each language on its own: the French never carries the English, nor the other way round.
    expect(byPath['dup.json']).toMatch(/déjà utilisé/);
    expect(byPath['dup.json']).not.toMatch(/already/);
    expect(byPathEn['dup.json']).toMatch(/already used/);
    expect(byPathEn['dup.json']).not.toMatch(/déjà/);
    expect(byPathEn['unknown-tool.json']).toMatch(/unknown tool "nope"/);
    expect(c.errors.every((e) => path.isAbsolute(e.path))).toBe(true);
    expect(c.tools.get('site-echo')?.source).toBe('admin');
    expect(c.tools.size).toBe(loadCatalog({ assetsDir }).tools.size + 1);
  });
});
