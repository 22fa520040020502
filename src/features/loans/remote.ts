/**
 * Which ITSM server the loans go to: the one configured for sync (Settings › Serveur ITSM).
 * Null when Relais runs standalone: loans then stay local, and their outbox rows wait.
 */
import { createGlpiLoanRemote } from './glpi-loans';
import { createRtLoanRemote } from './rt-loans';
import type { LoanRemote } from './remote-types';

/** The configured server as the sync feature exposes it (`itsmTarget()` in src/api/handlers/sync.ts); secrets come from the vault on demand. */
export interface LoanServerTarget {
  kind: string;
  url: string;
  token: () => Promise<string>;
  /** GLPI only: the API client's App-Token. */
  appToken?: () => Promise<string>;
}

export interface LoanRemoteFactoryOptions {
  timeoutMs?: number;
  /** GLPI: when a return ends the loan's reservation (tests inject a clock). */
  now?: () => number;
}

export function createLoanRemote(target: LoanServerTarget | null, options: LoanRemoteFactoryOptions = {}): LoanRemote | null {
  if (!target) return null;
  if (target.kind === 'rt') return createRtLoanRemote({ url: target.url, token: target.token, timeoutMs: options.timeoutMs });
  if (target.kind === 'glpi' && target.appToken) return createGlpiLoanRemote({ url: target.url, userToken: target.token, appToken: target.appToken, timeoutMs: options.timeoutMs, now: options.now });
  return null;
}

/**
 * A `remote()` for the loans service: the adapter for the server configured right now, rebuilt
 * only when the server changes (kind or URL), so its caches (catalog, states, GLPI session)
 * survive between drains.
 */
export function loanRemoteProvider(target: () => LoanServerTarget | null, options: LoanRemoteFactoryOptions = {}): () => LoanRemote | null {
  let cached: { key: string; remote: LoanRemote | null } | null = null;
  return () => {
    const t = target();
    const key = t ? `${t.kind} ${t.url}` : '';
    if (!cached || cached.key !== key) cached = { key, remote: createLoanRemote(t, options) };
    return cached.remote;
  };
}
