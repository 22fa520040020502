/**
 * The only bridge between the sandboxed renderer and the main process. It exposes one
 * object, `window.relais`, with two named functions that mirror the web host's socket:
 * `invoke` (a contract call) and `subscribe` (contract events). ipcRenderer itself is
 * never exposed, so the page cannot send on other channels or listen to other messages.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const CALL = 'relais:call';
const EVENT = 'relais:event';

contextBridge.exposeInMainWorld('relais', {
  invoke(name: string, input: unknown): Promise<unknown> {
    if (typeof name !== 'string') return Promise.reject(new TypeError('call name must be a string'));
    return ipcRenderer.invoke(CALL, name, input);
  },
  subscribe(listener: (name: string, payload: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(EVENT, handler);
    return () => {
      ipcRenderer.removeListener(EVENT, handler);
    };
  },
});
