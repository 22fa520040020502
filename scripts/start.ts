/**
 * `npm start [-- --demo]`: the Electron app where its binary can be had; otherwise one plain
 * sentence and the same console served in the browser by the local web host.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildRenderer, rendererOutDir } from './build';
import { runWebHost } from './web-runner';

const root = path.resolve(import.meta.dirname, '..');
const electronDir = path.join(root, 'node_modules/electron');
const passThrough = process.argv.slice(2);

function electronBinary(): string | null {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const bin = path.join(electronDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(bin) ? bin : null;
}

/** The electron package fetches its binary on first use; try once, quietly, with a time limit. */
function tryFetchElectron(): string | null {
  if (!fs.existsSync(path.join(electronDir, 'install.js'))) return null;
  spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 90_000 });
  return electronBinary();
}

async function main(): Promise<void> {
  const binary = electronBinary() ?? tryFetchElectron();
  if (binary) {
    const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build.ts')], { stdio: 'inherit', cwd: root });
    if (build.status !== 0) {
      console.error("La construction de Relais a échoué : voir les messages ci-dessus.");
      process.exit(1);
    }
    const child = spawn(binary, [root, ...passThrough], { stdio: 'inherit', cwd: root });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  console.log(
    "Electron n'est pas disponible sur cette machine (son binaire ne peut pas être téléchargé) : Relais s'ouvre à la place dans votre navigateur.",
  );
  await buildRenderer({ quiet: true });
  await runWebHost({ argv: passThrough, rendererDir: rendererOutDir(), openBrowser: true });
}

main().catch((err) => {
  console.error(`Relais n'a pas pu démarrer : ${(err as Error).message}`);
  process.exit(1);
});
