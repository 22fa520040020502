import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../../support/temp-dir';

/**
 * The Electron main process, driven through a documented-behaviour stand-in for the
 * `electron` module (the binary cannot run here). Checks the hardening actually applies.
 */
vi.mock('electron', async () => import('../../support/fake-electron'));
vi.mock('electron-store', () => ({
  default: class {
    private data: Record<string, unknown>;
    constructor(opts: { defaults: Record<string, unknown> }) {
      this.data = structuredClone(opts.defaults);
    }
    get(k: string) {
      return this.data[k];
    }
    set(k: string, v: unknown) {
      this.data[k] = v;
    }
  },
}));

const temp = makeTempDir();
let fake: typeof import('../../support/fake-electron');

beforeAll(async () => {
  process.env.RELAIS_DATA_DIR = temp.dir;
  process.env.RELAIS_POLICY_FILE = path.join(temp.dir, 'none.json');
  fake = await import('../../support/fake-electron');
  await import('../../../main/electron');
  fake.app.fireReady();
  await vi.waitFor(() => expect(fake.recorded.windows).toHaveLength(1));
});
afterAll(() => {
  fake.app.emit('before-quit');
  delete process.env.RELAIS_DATA_DIR;
  delete process.env.RELAIS_POLICY_FILE;
  temp.cleanup();
});

const win = () => fake.recorded.windows[0]!;
const callIpc = (sender: unknown, frame: unknown, name: unknown, input?: unknown) =>
  fake.recorded.ipcHandlers.get('relais:call')!({ sender, senderFrame: frame }, name, input);

describe('Electron host hardening', () => {
  it('creates the window isolated, sandboxed, without Node, with the preload only', () => {
    const prefs = win().options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(prefs.preload).toMatch(/preload\.cjs$/);
    expect(fake.recorded.sandboxEnabled).toBe(true);
  });

  it('loads the UI from the privileged app:// scheme, not file://', () => {
    expect(win().loadedUrl).toBe('app://relais/index.html');
    expect(fake.recorded.privilegedSchemes[0]).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true } });
  });

  it('serves renderer files with a CSP and refuses paths outside the renderer folder', async () => {
    const handler = fake.recorded.protocolHandlers.get('app')!;
    const outside = await handler(new Request('app://relais/..%2F..%2Fpackage.json'));
    expect([403, 404]).toContain(outside.status);
    const res = await handler(new Request('app://relais/index.html'));
    // Run from source, the host's renderer folder is renderer/ (dist/renderer once bundled).
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await handler(new Request('app://other/index.html'))).status).toBe(404);
  });

  it('denies navigation away from the app and every new window, opening only allow-listed links outside', () => {
    const wc = win().webContents;
    expect(wc.attemptNavigation('https://evil.example/')).toBe(false);
    expect(wc.attemptNavigation('file:///etc/passwd')).toBe(false);
    expect(wc.attemptNavigation('app://relais/index.html#/queue')).toBe(true);
    expect(wc.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'https://glpi-project.org/fr/' })).toEqual({ action: 'deny' });
    expect(fake.recorded.openedExternal).toEqual(['https://glpi-project.org/fr/']);
  });

  it('lets the console save only the files it made itself (blob: URLs of its own origin)', () => {
    const attempt = (url: string) => {
      let prevented = false;
      fake.session.defaultSession.emit('will-download', { preventDefault: () => (prevented = true) }, { getURL: () => url });
      return !prevented;
    };
    expect(attempt('blob:app://relais/5f0c-report')).toBe(true);
    expect(attempt('https://evil.example/payload.exe')).toBe(false);
    expect(attempt('blob:https://evil.example/x')).toBe(false);
  });

  it('denies every permission request', async () => {
    const answer = await new Promise<boolean>((resolve) => fake.recorded.permissionRequest!(win().webContents, 'media', resolve));
    expect(answer).toBe(false);
    expect(fake.recorded.permissionCheck!()).toBe(false);
  });

  it('serves contract calls only to its own top frame, validating input first', async () => {
    const wc = win().webContents;
    const ok = await callIpc(wc, wc.mainFrame, 'app.info');
    expect(ok).toMatchObject({ ok: true, value: { host: 'electron' } });

    const otherContents = new fake.FakeWebContents('app://relais/index.html');
    expect(await callIpc(otherContents, otherContents.mainFrame, 'app.info')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await callIpc(wc, { url: 'https://evil.example/' }, 'app.info')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await callIpc(wc, wc.mainFrame, 'settings.set', { locale: 'xx' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await callIpc(wc, wc.mainFrame, 'nope')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
  });

  it('forwards core events to the window', async () => {
    const wc = win().webContents;
    await callIpc(wc, wc.mainFrame, 'settings.set', { locale: 'en' });
    expect(wc.sent.some((m) => m.channel === 'relais:event' && m.args[0] === 'settings.changed')).toBe(true);
  });

  it('keeps the data in RELAIS_DATA_DIR', () => {
    expect(fs.existsSync(path.join(temp.dir, 'relais.db'))).toBe(true);
  });

  it('runs the core in a utility process, not in the main process', () => {
    expect(fake.recorded.utilityProcesses.map((p) => path.basename(p.modulePath))).toEqual(['core-process.mjs']);
  });
});
