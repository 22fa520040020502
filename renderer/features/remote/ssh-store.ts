/**
 * The open SSH terminals, kept outside React so a terminal (and its scrollback) survives
 * navigating away from the page and back, and tab switches. Terminal output arrives as
 * `ssh.data` events; each chunk is acknowledged once xterm has parsed it (flow control:
 * the core pauses the channel when too much is unacknowledged).
 */
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import type { CallOutput, EventPayload } from '../../../src/api/contract';
import { api } from '../../api/client';

export type OpenResult = CallOutput<'ssh.open'>;
export type HostKeyPrompt = Extract<OpenResult, { status: 'hostKey' }>['prompt'];
export type SshSessionInfo = Extract<OpenResult, { status: 'open' }>['session'];

export interface TerminalTab {
  info: SshSessionInfo;
  title: string;
  state: 'open' | 'dropped' | 'closed';
  reason: { fr: string; en: string } | null;
  /** The last failed call for this terminal (typing, resize, acknowledgement, clipboard), shown under it. */
  error: unknown;
  term: Terminal;
  fit: FitAddon;
  search: SearchAddon;
  /** The element xterm renders into; moved between containers as pages mount. */
  host: HTMLDivElement;
  opened: boolean;
}

/** A connection the technician asked for from elsewhere (a ticket's "Se connecter" menu). */
export interface PendingRequest {
  assetId: string;
  host: string;
  ticketId: string | null;
}

/** `error`: a failure that belongs to no terminal any more (closing one), shown above the tabs. */
type State = { tabs: TerminalTab[]; active: string | null; pending: PendingRequest | null; error: unknown };
let state: State = { tabs: [], active: null, pending: null, error: null };
const listeners = new Set<() => void>();
const set = (patch: Partial<State>) => {
  state = { ...state, ...patch };
  for (const l of listeners) l();
};

export const sshStore = {
  get: () => state,
  subscribe(l: () => void) {
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  },
  request(p: PendingRequest) {
    set({ pending: p });
  },
  takePending(): PendingRequest | null {
    const p = state.pending;
    if (p) set({ pending: null });
    return p;
  },
  activate(sessionId: string) {
    set({ active: sessionId });
  },
  find: (sessionId: string) => state.tabs.find((t) => t.info.sessionId === sessionId) ?? null,
  /** A call for this terminal failed: shown under it until the next success or dismissal. */
  failed(sessionId: string, err: unknown) {
    const tab = sshStore.find(sessionId);
    if (tab) tab.error = err;
    else state.error = err;
    sshStore.touch();
  },
  clearError(sessionId?: string) {
    const tab = sessionId ? sshStore.find(sessionId) : null;
    if (tab) tab.error = null;
    else state.error = null;
    sshStore.touch();
  },
  /** Adds a terminal for a newly opened session, or revives the tab after a reconnection. */
  adopt(info: SshSessionInfo, title: string): TerminalTab {
    const existing = sshStore.find(info.sessionId);
    if (existing) {
      existing.info = info;
      existing.state = info.state;
      existing.reason = null;
      existing.error = null;
      set({ tabs: [...state.tabs], active: info.sessionId });
      return existing;
    }
    const term = new Terminal({
      allowProposedApi: true,
      cursorBlink: true,
      scrollback: 10_000,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      theme: { background: '#1e1e1e' },
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new Unicode11Addon());
    term.unicode.activeVersion = '11';
    const host = document.createElement('div');
    host.className = 'ssh-term-host';
    const sessionId = info.sessionId;
    const fail = (err: unknown) => sshStore.failed(sessionId, err);
    term.onData((data) => void api.call('ssh.write', { sessionId, data }).catch(fail));
    term.onBinary((data) => void api.call('ssh.write', { sessionId, data }).catch(fail));
    term.onResize(({ cols, rows }) => void api.call('ssh.resize', { sessionId, cols: Math.max(10, cols), rows: Math.max(2, rows) }).catch(fail));
    // Copy / paste with Ctrl+Shift+C / Ctrl+Shift+V (Ctrl+C stays the terminal's interrupt).
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      const k = e.key.toLowerCase();
      if (k === 'c') {
        const sel = term.getSelection();
        if (sel) void navigator.clipboard?.writeText(sel).catch(fail);
        return false;
      }
      if (k === 'v') {
        void navigator.clipboard?.readText().then((t) => term.paste(t), fail);
        return false;
      }
      return true;
    });
    const tab: TerminalTab = { info, title, state: info.state, reason: null, error: null, term, fit, search, host, opened: false };
    set({ tabs: [...state.tabs, tab], active: sessionId });
    return tab;
  },
  async close(sessionId: string) {
    const tab = sshStore.find(sessionId);
    // The tab goes either way (the session may be gone from the core already); a failure is
    // shown above the remaining tabs, since the session may then still be open there.
    const failure = tab && tab.state !== 'closed' ? await api.call('ssh.close', { sessionId }).then(() => null, (err: unknown) => err) : null;
    tab?.term.dispose();
    const tabs = state.tabs.filter((t) => t.info.sessionId !== sessionId);
    set({ tabs, active: state.active === sessionId ? (tabs.at(-1)?.info.sessionId ?? null) : state.active, error: failure });
  },
  touch() {
    set({ tabs: [...state.tabs] });
  },
};

// Acknowledgements are batched: one call per 20 ms or 64 KiB per session.
const unacked = new Map<string, number>();
let ackTimer: ReturnType<typeof setTimeout> | null = null;
function flushAcks() {
  ackTimer = null;
  for (const [sessionId, bytes] of unacked) if (bytes > 0) void api.call('ssh.ack', { sessionId, bytes }).catch((err: unknown) => sshStore.failed(sessionId, err));
  unacked.clear();
}
function ack(sessionId: string, bytes: number) {
  const n = (unacked.get(sessionId) ?? 0) + bytes;
  unacked.set(sessionId, n);
  if (n >= 64 * 1024) flushAcks();
  else ackTimer ??= setTimeout(flushAcks, 20);
}

api.on('ssh.data', (p: EventPayload<'ssh.data'>) => {
  const tab = sshStore.find(p.sessionId);
  if (!tab) return;
  tab.term.write(p.data, () => ack(p.sessionId, p.bytes));
});
api.on('ssh.status', (p: EventPayload<'ssh.status'>) => {
  const tab = sshStore.find(p.sessionId);
  if (!tab) return;
  tab.state = p.state;
  tab.reason = p.reason ?? null;
  sshStore.touch();
});
