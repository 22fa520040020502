import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { repoRoot } from '../../support/paths';

/** The installers cannot be built here (no Electron binary): check what they would be built with. */
const config = loadYaml(fs.readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as any;
const targets = (list: any[]) => list.map((t) => (typeof t === 'string' ? t : t.target));

describe('electron-builder configuration', () => {
  it('builds per-machine NSIS and MSI installers for Windows, AppImage and deb for Linux', () => {
    expect(targets(config.win.target)).toEqual(expect.arrayContaining(['nsis', 'msi']));
    expect(config.nsis.perMachine).toBe(true);
    expect(config.msi.perMachine).toBe(true);
    expect(targets(config.linux.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
  });

  it('packs the app in asar with native modules unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack.join(' ')).toMatch(/better-sqlite3/);
    expect(config.asarUnpack.join(' ')).toMatch(/\*\.node/);
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('ships the main bundle that package.json points at', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.main).toMatch(/^dist\/main\//);
    expect(config.files).toEqual(expect.arrayContaining(['dist/main/**', 'dist/renderer/**']));
  });
});
