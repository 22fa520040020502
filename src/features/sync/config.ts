/**
 * The ITSM server settings: what is stored (kind, URL, vault ids — never the secrets), the
 * administrator's policy that may lock kind and URL, and the secrets read from the vault
 * (cached until the settings or the credentials change).
 */
import { syncPolicySchema, type ServerKind, type SyncPolicy } from '../../domain/sync';

/** What sync needs from the security feature's vault. */
export interface SyncVault {
  put(label: string, secret: string, kind: 'token'): Promise<string>;
  replace(id: string, secret: string): Promise<void>;
  get(id: string): Promise<string>;
  delete(id: string): Promise<void>;
}

export interface StoredConfig {
  kind: ServerKind;
  url: string;
  user: string | null;
  /** Vault ids only: the secrets themselves never touch this table. */
  tokenId: string | null;
  appTokenId: string | null;
}

/** Where the settings live (the engine's `sync_state`). */
export interface StateStore {
  getState(key: string): string | null;
  setState(key: string, value: string | null): void;
}

/** The administrator's `policy.sync`, validated; an invalid one is ignored with a warning. */
export function parsePolicy(raw: Record<string, unknown> | undefined): SyncPolicy | null {
  if (raw === undefined || raw === null) return null;
  const p = syncPolicySchema.safeParse(raw);
  if (!p.success) {
    console.warn(`[relais sync] policy.sync ignored: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return null;
  }
  return p.data;
}

/** Same kind and URL (trailing slashes aside, scheme and host case-insensitive): where stored secrets may go. */
export function isSameServer(a: { kind: string; url: string }, b: { kind: string; url: string }): boolean {
  return a.kind === b.kind && normalizeServerUrl(a.url) === normalizeServerUrl(b.url);
}

function normalizeServerUrl(url: string): string {
  try {
    return new URL(url).href.replace(/\/+$/, '');
  } catch {
    return url.replace(/\/+$/, '');
  }
}

export const trimUrl = (url: string) => url.replace(/\/+$/, '');

export function createServerConfig(state: StateStore, policy: SyncPolicy | null, vault: SyncVault) {
  let tokenCache: { token?: string; appToken?: string } = {};

  /** The stored settings, with the policy's kind and URL when it locks them (or nothing is stored). */
  function read(): StoredConfig | null {
    const raw = state.getState('config');
    let cfg: StoredConfig | null = null;
    if (raw) {
      try {
        cfg = JSON.parse(raw) as StoredConfig;
      } catch {
        cfg = null;
      }
    }
    if (policy) cfg = { user: null, tokenId: null, appTokenId: null, ...cfg, kind: policy.locked || !cfg ? policy.kind : cfg.kind, url: policy.locked || !cfg ? policy.url : cfg.url };
    return cfg;
  }

  const secretReader = (which: 'token' | 'appToken') => async () => {
    const cached = tokenCache[which];
    if (cached) return cached;
    const cfg = read();
    const id = which === 'token' ? cfg?.tokenId : cfg?.appTokenId;
    if (!id) return '';
    const v = await vault.get(id);
    tokenCache[which] = v;
    return v;
  };

  return {
    policy,
    read,
    write: (cfg: StoredConfig) => state.setState('config', JSON.stringify(cfg)),
    secretReader,
    /** Forget cached secrets: the next use reads them from the vault again. */
    forgetSecrets: () => {
      tokenCache = {};
    },
    /** The vault ids for a new configuration: secrets given are stored (or replace the old ones). */
    async storeSecrets(cfg: StoredConfig, input: { token?: string; appToken?: string }): Promise<StoredConfig> {
      const out = { ...cfg };
      if (input.token) {
        if (out.tokenId) await vault.replace(out.tokenId, input.token);
        else out.tokenId = await vault.put(`Serveur ITSM (${cfg.kind}) ${cfg.url}`, input.token, 'token');
      }
      if (input.appToken && cfg.kind === 'glpi') {
        if (out.appTokenId) await vault.replace(out.appTokenId, input.appToken);
        else out.appTokenId = await vault.put(`GLPI App-Token ${cfg.url}`, input.appToken, 'token');
      }
      return out;
    },
  };
}
export type ServerConfig = ReturnType<typeof createServerConfig>;
