import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startWebHost, type WebHost, type WebHostOptions } from '../../main/web';
import { makeTempDir } from './temp-dir';

import { repoRoot } from './paths';

export { repoRoot };
export const rendererDir = path.resolve(repoRoot, 'renderer', process.env.RELAIS_RENDERER_DIR ?? '../dist/renderer');

/** An in-process web host on a free port with its own data folder (and no policy file). */
export async function startTestHost(options: Partial<WebHostOptions> = {}): Promise<WebHost & { dataDir: string; dispose(): Promise<void> }> {
  const temp = options.dataDir ? null : makeTempDir();
  const dataDir = options.dataDir ?? temp!.dir;
  const host = await startWebHost({ rendererDir, policyFile: null, ...options, dataDir });
  return Object.assign(host, {
    dataDir,
    async dispose() {
      await host.close();
      temp?.cleanup();
    },
  });
}

export interface HostProcess {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The web host as a separate process (`npm run web`'s code path), for tests that kill it.
 * Resolves once it printed its URL.
 */
export function spawnHostProcess(dataDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/web.ts'), '--port', '0', ...extraArgs], {
    cwd: repoRoot,
    env: { ...process.env, RELAIS_DATA_DIR: dataDir, RELAIS_POLICY_FILE: path.join(dataDir, 'no-policy.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`web host did not start:\n${out}\n${err}`)), 60_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]+))/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1]!,
          port: Number(m[2]),
          token: m[3]!,
          stop: (signal = 'SIGTERM') =>
            new Promise<void>((res) => {
              if (child.exitCode !== null || child.signalCode) return res();
              child.once('exit', () => res());
              child.kill(signal);
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited (${code}):\n${out}\n${err}`));
    });
  });
}
