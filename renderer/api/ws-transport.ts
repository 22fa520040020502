import type { Transport } from '../../src/api/client';
import type { SerializedError } from '../../src/base/errors';

type Result = { ok: true; value: unknown } | { ok: false; error: SerializedError };
const TOKEN_KEY = 'relais.token';

/**
 * Reads the per-launch token from the URL fragment once, keeps it for this tab only
 * (sessionStorage, so a reload still works) and removes it from the address bar.
 */
export function takeToken(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search + '#/');
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

/** The contract over the local web host's WebSocket, reconnecting when the host restarts. */
export function createWebSocketTransport(token: string, onState: (s: ConnectionState) => void): Transport {
  const pending = new Map<number, (r: Result) => void>();
  const queue: string[] = [];
  const listeners = new Set<(name: string, payload: unknown) => void>();
  let ws: WebSocket | null = null;
  let ready = false;
  let nextId = 1;
  let retryMs = 250;

  const connect = () => {
    onState('connecting');
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`);
    ws = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', token }));
    socket.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data));
      if (msg.type === 'welcome') {
        ready = true;
        retryMs = 250;
        onState('connected');
        while (queue.length) socket.send(queue.shift()!);
      } else if (msg.type === 'result') {
        pending.get(msg.id)?.(msg.ok ? { ok: true, value: msg.value } : { ok: false, error: msg.error });
        pending.delete(msg.id);
      } else if (msg.type === 'event') {
        for (const l of listeners) l(msg.name, msg.payload);
      }
    };
    socket.onclose = (ev) => {
      ready = false;
      ws = null;
      const lost: SerializedError = {
        code: 'HOST_UNREACHABLE',
        message: {
          fr: "La console a perdu le contact avec Relais : l'opération n'a peut-être pas été effectuée. Réessayez dans un instant.",
          en: 'The console lost contact with Relais: the operation may not have been carried out. Try again in a moment.',
        },
      };
      for (const [id, resolve] of pending) {
        resolve({ ok: false, error: lost });
        pending.delete(id);
      }
      if (ev.code === 4401) return onState('unauthorized');
      onState('disconnected');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();

  return {
    invoke(name, input) {
      const id = nextId++;
      const text = JSON.stringify({ type: 'call', id, name, input });
      return new Promise<Result>((resolve) => {
        pending.set(id, resolve);
        if (ready && ws) ws.send(text);
        else queue.push(text);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
