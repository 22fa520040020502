/**
 * Builds the renderer (Vite) and the Electron main + preload bundles (esbuild).
 * `--renderer` builds only the renderer (what the web host and the e2e tests need);
 * it is skipped when the output is newer than every source file.
 */
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const onlyRenderer = process.argv.includes('--renderer');
const force = process.argv.includes('--force');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export function rendererOutDir(): string {
  return path.resolve(root, 'renderer', process.env.RELAIS_RENDERER_DIR ?? '../dist/renderer');
}

export async function buildRenderer(options: { force?: boolean; quiet?: boolean } = {}): Promise<void> {
  const index = path.join(rendererOutDir(), 'index.html');
  const sources = Math.max(newestMtime(path.join(root, 'renderer')), newestMtime(path.join(root, 'src')));
  if (!options.force && fs.existsSync(index) && fs.statSync(index).mtimeMs > sources) return;
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: options.quiet ? 'warn' : 'info' });
}

async function buildMain(): Promise<void> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    sourcemap: false,
    absWorkingDir: root,
    external: ['electron', 'better-sqlite3', 'ssh2', 'cpu-features', 'electron-store'],
  };
  // Electron 45 runs ESM main processes; bundled CommonJS code still needs a `require`.
  await esbuild({
    ...common,
    format: 'esm',
    entryPoints: ['main/electron.ts'],
    outfile: 'dist/main/electron.mjs',
    banner: { js: "import { createRequire as __relaisRequire } from 'node:module'; const require = __relaisRequire(import.meta.url);" },
  });
  // The core's utility process (main/core-process.ts): the service, off the window's process.
  await esbuild({
    ...common,
    format: 'esm',
    entryPoints: ['main/core-process.ts'],
    outfile: 'dist/main/core-process.mjs',
    banner: { js: "import { createRequire as __relaisRequire } from 'node:module'; const require = __relaisRequire(import.meta.url);" },
  });
  // Sandboxed preloads must be a single CommonJS file requiring only 'electron'.
  await esbuild({ ...common, entryPoints: ['main/preload.ts'], outfile: 'dist/main/preload.cjs', external: ['electron'] });
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('build.ts')) {
  await buildRenderer({ force: force || !onlyRenderer });
  if (!onlyRenderer) await buildMain();
}
