import { createClient, type Client, type Transport } from '../../src/api/client';
import { createWebSocketTransport, takeToken, type ConnectionState } from './ws-transport';

declare global {
  interface Window {
    /** Exposed by main/preload.ts in Electron. */
    relais?: Transport;
  }
}

type StateListener = (s: ConnectionState) => void;
const stateListeners = new Set<StateListener>();
let state: ConnectionState = 'connecting';
const setState = (s: ConnectionState) => {
  state = s;
  for (const l of stateListeners) l(s);
};

function pickTransport(): Transport {
  if (window.relais) {
    setState('connected');
    return window.relais;
  }
  const token = takeToken();
  if (!token) {
    setState('unauthorized');
    return { invoke: () => new Promise(() => {}), subscribe: () => () => {} };
  }
  return createWebSocketTransport(token, setState);
}

/** The one client of the contract for the whole renderer. */
export const api: Client = createClient(pickTransport());

export const connection = {
  get: () => state,
  subscribe(l: StateListener) {
    stateListeners.add(l);
    return () => {
      stateListeners.delete(l);
    };
  },
};
