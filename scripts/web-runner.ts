import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { defaultPolicyFile, resolveDataDir } from '../src/base/paths';
import { loadPolicy } from '../src/base/policy';
import { startWebHost } from '../main/web';
import { installFaultPolicy } from '../main/fault-policy';

export interface RunOptions {
  argv: string[];
  rendererDir: string;
  openBrowser: boolean;
}

export function parseWebArgs(argv: string[]): { port: number; demo: boolean } {
  let port = 0;
  let demo = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--demo') demo = true;
    else if (a === '--port' || a.startsWith('--port=')) {
      const raw = a.includes('=') ? a.split('=')[1] : argv[++i];
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        throw new Error(`--port attend un numéro de port entre 0 et 65535 (reçu : ${raw ?? 'rien'}).`);
      }
      port = n;
    }
  }
  return { port, demo };
}

/** Starts the web host for a person at a terminal: one line to read, a clean stop on Ctrl+C. */
export async function runWebHost(options: RunOptions): Promise<void> {
  let args: { port: number; demo: boolean };
  try {
    args = parseWebArgs(options.argv);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const dataDir = resolveDataDir(process.env, process.platform, loadPolicy(defaultPolicyFile()).policy);
  let host;
  try {
    host = await startWebHost({ port: args.port, demo: args.demo, dataDir, rendererDir: options.rendererDir });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    console.error(
      e.code === 'EADDRINUSE'
        ? `Le port ${args.port} est déjà utilisé : choisissez-en un autre avec --port, ou 0 pour un port libre.`
        : `Relais n'a pas pu démarrer : ${e.message}`,
    );
    process.exit(1);
  }
  installFaultPolicy(host.service);
  console.log(`Relais est prêt : ouvrez ${host.url}`);
  console.log(`(données : ${dataDir} — Ctrl+C pour arrêter)`);
  if (options.openBrowser) openInBrowser(host.url);
  const stop = async () => {
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function openInBrowser(url: string): void {
  const opener =
    process.platform === 'win32' ? 'explorer.exe' : process.platform === 'darwin' ? 'open' : ['xdg-open'].find((c) => hasCommand(c));
  if (!opener || (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)) return;
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

function hasCommand(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(`${dir}/${cmd}`));
}
