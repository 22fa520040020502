/**
 * The protocol between Electron's main process and the core running in a utility process
 * (as VS Code runs its shared services outside the window's process): synchronous SQLite
 * writes, FTS rebuilds and ssh2 crypto never stall the windows or IPC. Main keeps the
 * windows, the protocol, the permissions and safeStorage; the core asks main to encrypt
 * and decrypt vault entries. Pure message passing over a MessagePort, no Electron import,
 * so it runs and is tested in Node (test/unit/foundation/core-channel.test.ts).
 */
import type { CallResult, Service } from '../src/api/service';
import type { SafeStorageLike } from '../src/api/service';

/** A MessagePort as both ends see it: Electron's MessagePortMain and Node's MessagePort. */
export interface PortLike {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

type ToCore =
  | { t: 'call'; id: number; name: unknown; input: unknown; clientId: string }
  | { t: 'vault.reply'; id: number; ok: true; value: string; extra?: boolean }
  | { t: 'vault.reply'; id: number; ok: false; error: string };
type ToMain =
  | { t: 'ready' }
  | { t: 'result'; id: number; result: CallResult }
  | { t: 'event'; name: string; payload: unknown }
  | { t: 'vault'; id: number; op: 'available' | 'encrypt' | 'decrypt'; data: string };

const isObject = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m !== null;

/** Core side: answers calls with the service and forwards its events. */
export function serveCore(port: PortLike, service: Service): void {
  const send = (m: ToMain) => port.postMessage(m);
  service.core.events.subscribe((name, payload) => send({ t: 'event', name, payload }));
  port.onMessage((raw) => {
    if (!isObject(raw) || raw.t !== 'call' || typeof raw.id !== 'number' || typeof raw.clientId !== 'string') return;
    const m = raw as Extract<ToCore, { t: 'call' }>;
    // dispatch never throws: every failure comes back as a typed error.
    void service.dispatch(m.name, m.input, { clientId: m.clientId }).then((result) => send({ t: 'result', id: m.id, result }));
  });
  send({ t: 'ready' });
}

/**
 * Core side: safeStorage as the vault sees it, each operation asked of main over the port.
 * Call it before `serveCore` on the same port (both listen; each takes only its messages).
 */
export function portSafeStorage(port: PortLike): SafeStorageLike {
  let next = 0;
  const waiting = new Map<number, { resolve(v: { value: string; extra?: boolean }): void; reject(e: Error): void }>();
  port.onMessage((raw) => {
    if (!isObject(raw) || raw.t !== 'vault.reply' || typeof raw.id !== 'number') return;
    const w = waiting.get(raw.id);
    if (!w) return;
    waiting.delete(raw.id);
    if (raw.ok === true && typeof raw.value === 'string') w.resolve({ value: raw.value, extra: raw.extra === true });
    else w.reject(new Error(typeof raw.error === 'string' ? raw.error : 'safeStorage failed in the main process'));
  });
  const ask = (op: 'available' | 'encrypt' | 'decrypt', data: string) =>
    new Promise<{ value: string; extra?: boolean }>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      port.postMessage({ t: 'vault', id, op, data } satisfies ToMain);
    });
  return {
    isAsyncEncryptionAvailable: async () => (await ask('available', '')).value === 'yes',
    encryptStringAsync: async (plain) => Buffer.from((await ask('encrypt', plain)).value, 'base64'),
    decryptStringAsync: async (encrypted) => {
      const r = await ask('decrypt', encrypted.toString('base64'));
      return { result: r.value, shouldReEncrypt: r.extra === true };
    },
  };
}

export interface CoreClient {
  /** Resolves once the core process has built its service. */
  readonly ready: Promise<void>;
  dispatch(name: unknown, input: unknown, caller: { clientId: string }): Promise<CallResult>;
  onEvent(listener: (name: string, payload: unknown) => void): void;
  /** Every pending call fails with this error (the core process exited). */
  failAll(message: { fr: string; en: string }): void;
}

/** Main side: calls into the core, its events out, and its safeStorage requests answered. */
export function connectCore(port: PortLike, safe: SafeStorageLike): CoreClient {
  let next = 0;
  const pending = new Map<number, (r: CallResult) => void>();
  const listeners: ((name: string, payload: unknown) => void)[] = [];
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const reply = (m: ToCore) => port.postMessage(m);
  port.onMessage((raw) => {
    if (!isObject(raw)) return;
    if (raw.t === 'ready') markReady();
    else if (raw.t === 'result' && typeof raw.id === 'number') {
      pending.get(raw.id)?.(raw.result as CallResult);
      pending.delete(raw.id);
    } else if (raw.t === 'event' && typeof raw.name === 'string') {
      for (const l of listeners) l(raw.name, raw.payload);
    } else if (raw.t === 'vault' && typeof raw.id === 'number' && typeof raw.data === 'string') {
      const id = raw.id;
      const data = raw.data;
      const op = raw.op;
      const answer =
        op === 'available'
          ? safe.isAsyncEncryptionAvailable().then((ok) => ({ value: ok ? 'yes' : 'no' }))
          : op === 'encrypt'
            ? safe.encryptStringAsync(data).then((b) => ({ value: b.toString('base64') }))
            : op === 'decrypt'
              ? safe.decryptStringAsync(Buffer.from(data, 'base64')).then((r) => ({ value: r.result, extra: r.shouldReEncrypt === true }))
              : Promise.reject(new Error(`unknown vault operation ${String(op)}`));
      answer.then(
        (v) => reply({ t: 'vault.reply', id, ok: true, ...v }),
        (e: unknown) => reply({ t: 'vault.reply', id, ok: false, error: (e as Error)?.message ?? String(e) }),
      );
    }
  });
  return {
    ready,
    dispatch(name, input, caller) {
      const id = ++next;
      return new Promise<CallResult>((resolve) => {
        pending.set(id, resolve);
        reply({ t: 'call', id, name, input, clientId: caller.clientId });
      });
    },
    onEvent: (l) => void listeners.push(l),
    failAll(message) {
      for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'INTERNAL', message } });
      pending.clear();
    },
  };
}
