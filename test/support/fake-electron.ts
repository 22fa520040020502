/**
 * A stand-in for the `electron` module, used only because the Electron binary cannot run
 * on these machines. It reproduces the documented behaviour the main process relies on:
 * events whose listeners may call `event.preventDefault()`, `ipcMain.handle` returning the
 * handler's value to `ipcRenderer.invoke`, `protocol.handle` answering fetch-style
 * Requests, `setWindowOpenHandler` deciding with `{ action }`, and permission handlers.
 * It records what the host configured so tests can drive it like Electron would.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

export const recorded = {
  privilegedSchemes: [] as any[],
  protocolHandlers: new Map<string, (req: Request) => Response | Promise<Response>>(),
  ipcHandlers: new Map<string, (event: any, ...args: any[]) => any>(),
  windows: [] as FakeBrowserWindow[],
  openedExternal: [] as string[],
  permissionRequest: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
  permissionCheck: null as null | ((...args: unknown[]) => boolean),
  sandboxEnabled: false,
  utilityProcesses: [] as { modulePath: string }[],
};

class FakeEvent {
  defaultPrevented = false;
  preventDefault() {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((d: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  readonly mainFrame: { url: string };
  readonly sent: { channel: string; args: unknown[] }[] = [];
  constructor(url = 'app://relais/index.html') {
    super();
    this.mainFrame = { url };
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'allow' | 'deny' }) {
    this.windowOpenHandler = h;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  /** What Electron does before navigating: emit, then navigate unless prevented. */
  attemptNavigation(url: string): boolean {
    const e = new FakeEvent();
    this.emit('will-navigate', e, url);
    return !e.defaultPrevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  loadedUrl = '';
  constructor(readonly options: any) {
    super();
    recorded.windows.push(this);
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isMaximized() {
    return false;
  }
  maximize() {}
  show() {}
  restore() {}
  focus() {}
  getNormalBounds() {
    return { x: 0, y: 0, width: 1280, height: 800 };
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  private paths = new Map<string, string>();
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  enableSandbox() {
    recorded.sandboxEnabled = true;
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return this.ready;
  }
  fireReady() {
    this.readyResolve();
  }
  setPath(name: string, value: string) {
    this.paths.set(name, value);
  }
  getPath(name: string) {
    return this.paths.get(name) ?? '/nonexistent';
  }
  quit() {}
}

export const app = new FakeApp();
export const BrowserWindow = FakeBrowserWindow;
export const ipcMain = {
  handle(channel: string, handler: (event: any, ...args: any[]) => any) {
    recorded.ipcHandlers.set(channel, handler);
  },
};
export const protocol = {
  registerSchemesAsPrivileged(schemes: any[]) {
    recorded.privilegedSchemes.push(...schemes);
  },
  handle(scheme: string, handler: (req: Request) => Response | Promise<Response>) {
    recorded.protocolHandlers.set(scheme, handler);
  },
};
export const net = {
  async fetch(url: string): Promise<Response> {
    const file = fileURLToPath(url);
    if (!fs.existsSync(file)) return new Response('not found', { status: 404 });
    return new Response(fs.readFileSync(file), { status: 200, headers: { 'Content-Type': 'text/html' } });
  },
};
export const session = {
  defaultSession: Object.assign(new EventEmitter(), {
    setPermissionRequestHandler(h: any) {
      recorded.permissionRequest = h;
    },
    setPermissionCheckHandler(h: any) {
      recorded.permissionCheck = h;
    },
  }),
};
export const shell = {
  async openExternal(url: string) {
    recorded.openedExternal.push(url);
  },
};
export const safeStorage = {
  isAsyncEncryptionAvailable: async () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptStringAsync: async (s: string) => Buffer.from(s).reverse(),
  decryptStringAsync: async (b: Buffer) => ({ result: Buffer.from(b).reverse().toString(), shouldReEncrypt: false }),
};
/** Electron's MessagePortMain: 'message' events carry `{ data }`; messages queue until start(). */
class FakePortMain extends EventEmitter {
  private started = false;
  constructor(readonly node: MessagePort) {
    super();
  }
  postMessage(message: unknown) {
    this.node.postMessage(message);
  }
  start() {
    if (this.started) return;
    this.started = true;
    this.node.on('message', (data) => this.emit('message', { data, ports: [] }));
  }
  close() {
    this.node.close();
  }
}
export class MessageChannelMain {
  readonly port1: FakePortMain;
  readonly port2: FakePortMain;
  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port1 = new FakePortMain(port1);
    this.port2 = new FakePortMain(port2);
  }
}
/**
 * `utilityProcess.fork(modulePath)`: a child whose `process.parentPort` receives what main
 * posts with the transferred ports. Here the core entry runs in this process, over a real
 * MessageChannel, through the same `runCore` the utility process calls.
 */
class FakeUtilityProcess extends EventEmitter {
  constructor(readonly modulePath: string) {
    super();
    recorded.utilityProcesses.push(this);
  }
  postMessage(data: unknown, ports: FakePortMain[] = []) {
    void import('../../main/core-process').then(({ runCore, portOf }) => {
      const port = ports[0]!;
      this.service = runCore(portOf(port), data as { dataDir: string; demo: boolean });
      port.start();
    });
  }
  service: { close(): Promise<void> } | null = null;
  kill() {
    void this.service?.close().then(() => this.emit('exit', 0));
    return true;
  }
}
export const utilityProcess = {
  fork: (modulePath: string) => new FakeUtilityProcess(modulePath),
};
export default { app, BrowserWindow, ipcMain, protocol, net, session, shell, safeStorage, MessageChannelMain, utilityProcess };
