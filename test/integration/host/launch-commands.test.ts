import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../../support/temp-dir';
import { repoRoot } from '../../support/paths';
import { poll } from '../../support/poll';

/** `npm start` and `npm run web` as a person types them. */
const running: ChildProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  // npm runs the host as a grandchild: end the whole process group, not just npm.
  for (const c of running.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGTERM');
    } catch {}
  }
  for (const c of cleanups.splice(0)) c();
});

function run(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn('npm', args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

async function waitFor(pred: () => boolean, ms = 60_000): Promise<void> {
  await poll(pred, Boolean, { timeoutMs: ms, everyMs: 100 });
}

function dataDir(): string {
  const t = makeTempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('npm start without the Electron binary', () => {
  it('says so in one sentence and serves the console in the browser instead', async () => {
    const dir = dataDir();
    const p = run(['start', '--silent'], { RELAIS_DATA_DIR: dir, RELAIS_POLICY_FILE: path.join(dir, 'none.json'), DISPLAY: '' });
    await waitFor(() => /http:\/\/127\.0\.0\.1:\d+\/#token=/.test(p.output()));
    const out = p.output();
    expect(out).toContain("Electron n'est pas disponible sur cette machine");
    expect(out).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
    const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)![1]!;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
    expect(fs.existsSync(path.join(dir, 'relais.db'))).toBe(true);
  }, 90_000);
});

describe('npm run web', () => {
  it('serves on the requested port and prints the URL with the token in the fragment', async () => {
    const dir = dataDir();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const p = run(['run', '--silent', 'web', '--', '--port', String(port)], { RELAIS_DATA_DIR: dir, RELAIS_POLICY_FILE: path.join(dir, 'none.json') });
    await waitFor(() => p.output().includes(`http://127.0.0.1:${port}/#token=`));
    expect(p.output()).not.toMatch(/\?token=/);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  }, 90_000);

  it('refuses a bad port with a clear message and no stack trace', async () => {
    const dir = dataDir();
    const p = run(['run', '--silent', 'web', '--', '--port', 'quatre'], { RELAIS_DATA_DIR: dir });
    expect(await p.exited).not.toBe(0);
    expect(p.output()).toContain('--port attend un numéro de port');
    expect(p.output()).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 60_000);
});
