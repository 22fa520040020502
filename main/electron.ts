/**
 * The Electron main process. It only wires: a hardened window, the app:// protocol that
 * serves the built renderer, safeStorage for the vault, and IPC forwarded to the core,
 * which runs the same service as the web host in a utility process (main/core-process.ts)
 * so its SQLite writes and ssh2 crypto never stall the window. Follows Electron's security
 * checklist: context isolation, sandbox, no Node integration, strict CSP, navigation and new windows denied, permission requests
 * denied, external links only to an allow-list, every IPC sender checked.
 */
import { app, BrowserWindow, ipcMain, MessageChannelMain, net, protocol, safeStorage, session, shell, utilityProcess, type IpcMainInvokeEvent, type WebContents } from 'electron';
import path from 'node:path';
import crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { connectCore, type CoreClient } from './core-channel';
import type { CoreProcessOptions } from './core-process';
import { contentSecurityPolicy, securityHeaders } from './web-security';
import { decodedPathname } from './request-target';
import { installFaultPolicy } from './fault-policy';
import { loadPolicy } from '../src/base/policy';
import { defaultPolicyFile } from '../src/base/paths';
import { windowStateStore } from './electron-store-backend';

const SCHEME = 'app';
const ORIGIN = `${SCHEME}://relais`;
const rendererDir = path.join(import.meta.dirname, '../renderer');
/** Links the console may open in the user's browser (documentation, the ITSM server's web UI is added at runtime). */
const EXTERNAL_ALLOW = [/^https:\/\/glpi-project\.org\//, /^https:\/\/docs\.bestpractical\.com\//];

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

let mainWindow: BrowserWindow | null = null;

async function start(): Promise<void> {
  // Installed builds read only the administrator's policy file, and it may forbid RELAIS_DATA_DIR.
  const machinePolicy = loadPolicy(defaultPolicyFile(process.env, process.platform, app.isPackaged)).policy;
  if (process.env.RELAIS_DATA_DIR && machinePolicy.allowDataDirEnv) app.setPath('userData', path.resolve(process.env.RELAIS_DATA_DIR));
  // A fault in this process is logged and the windows stay; the core has its own policy in its process.
  installFaultPolicy({ recoverFromFault: () => {} });
  // Secrets stay encrypted by the OS keyring through safeStorage (refused on basic_text):
  // the core asks this process for each encryption.
  const core = startCore({ dataDir: app.getPath('userData'), demo: process.argv.includes('--demo'), packaged: app.isPackaged });

  protocol.handle(SCHEME, serveRenderer);
  lockDownSessions();
  bindContract(core.client);
  mainWindow = createWindow();
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => core.stop());
}

function serveRenderer(request: Request): Promise<Response> | Response {
  let host: string;
  try {
    host = new URL(request.url).host;
  } catch {
    return new Response('Bad request', { status: 400 });
  }
  if (host !== 'relais') return new Response('Not found', { status: 404 });
  const pathname = decodedPathname(request.url);
  if (pathname === null) return new Response('Bad request', { status: 400 });
  const rel = path.normalize(pathname).replace(/^([/\\])+/, '');
  let file = path.join(rendererDir, rel || 'index.html');
  if (!file.startsWith(rendererDir + path.sep)) return new Response('Forbidden', { status: 403 });
  if (!path.extname(file)) file = path.join(rendererDir, 'index.html');
  return net.fetch(pathToFileURL(file).toString()).then((res) => {
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy(''));
    for (const [k, v] of Object.entries(securityHeaders)) headers.set(k, v);
    return new Response(res.body, { status: res.status, headers });
  });
}

function lockDownSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // Only files the console itself produced (intervention reports, collected logs, made into
  // blob: URLs by the renderer) may be saved; Electron then asks where, with a save dialog.
  ses.on('will-download', (event, item) => {
    if (!item.getURL().startsWith(`blob:${ORIGIN}/`)) event.preventDefault();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (EXTERNAL_ALLOW.some((re) => re.test(url))) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

function isTrustedSender(event: IpcMainInvokeEvent, expected: WebContents | undefined): boolean {
  const frame = event.senderFrame;
  if (!frame || !expected || event.sender !== expected) return false;
  // Only the top frame of our own page, never an iframe or another origin.
  return frame === expected.mainFrame && frame.url.startsWith(`${ORIGIN}/`);
}

/** Forks the core's utility process and connects to it over a MessagePort. */
function startCore(options: CoreProcessOptions): { client: CoreClient; stop(): void } {
  const child = utilityProcess.fork(path.join(import.meta.dirname, 'core-process.mjs'), [], { serviceName: 'Relais core', stdio: 'inherit' });
  const { port1, port2 } = new MessageChannelMain();
  const client = connectCore({ postMessage: (m) => port1.postMessage(m), onMessage: (l) => port1.on('message', (e) => l(e.data)) }, safeStorage);
  port1.start();
  child.postMessage(options, [port2]);
  child.once('exit', (code) => {
    client.failAll({ fr: `Le cœur de Relais s'est arrêté (code ${code}) : redémarrez Relais.`, en: `Relais's core stopped (code ${code}): restart Relais.` });
  });
  return { client, stop: () => void child.kill() };
}

function bindContract(svc: CoreClient): void {
  const clientId = crypto.randomUUID();
  ipcMain.handle('relais:call', (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(event, mainWindow?.webContents)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: { fr: 'Appelant non autorisé.', en: 'Unauthorised caller.' } } };
    }
    // dispatch() validates the name and the input against the contract before running anything.
    return svc.dispatch(name, input, { clientId });
  });
  svc.onEvent((name, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send('relais:event', name, payload);
  });
}

function createWindow(): BrowserWindow {
  const states = windowStateStore();
  const saved = states.get();
  const win = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    minWidth: 960,
    minHeight: 600,
    title: 'Relais',
    show: false,
    backgroundColor: '#f5f6f8',
    webPreferences: {
      preload: path.join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick',
      devTools: !app.isPackaged,
    },
  });
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  const remember = () => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    states.set({ width: b.width, height: b.height, x: b.x, y: b.y, maximized: win.isMaximized() });
  };
  win.on('resize', remember);
  win.on('move', remember);
  win.on('close', remember);
  void win.loadURL(`${ORIGIN}/index.html`);
  return win;
}
