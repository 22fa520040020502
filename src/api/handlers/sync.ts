import { v7 as uuidv7 } from 'uuid';
import type { Core } from '../core';
import type { Handler } from '../handler-kit';
import { RelaisError } from '../../base/errors';
import { isEventName } from '../contract';
import { syncPolicySchema, type ServerKind, type SyncPolicy, type SyncStatusDto } from '../contracts/sync';
import { SyncEngine, safeParse, type EngineOptions } from '../../features/sync/engine';
import { createRtConnector } from '../../features/sync/connectors/rt';
import { createGlpiConnector } from '../../features/sync/connectors/glpi';
import { SyncError, type Connector, type SyncField } from '../../features/sync/types';
import { writeOutbox } from '../../features/tickets/outbox';
import { ensureCategory, ensureTeam } from '../../features/sync/local';

/** What sync needs from the security feature (the vault; core only). */
export interface SyncVault {
  put(label: string, secret: string, kind: 'token'): Promise<string>;
  replace(id: string, secret: string): Promise<void>;
  get(id: string): Promise<string>;
}

export interface StoredConfig {
  kind: ServerKind;
  url: string;
  user: string | null;
  /** Vault ids only: the secrets themselves never touch this table. */
  tokenId: string | null;
  appTokenId: string | null;
}

export interface SyncFeatureOptions {
  /** Tests: how connectors are made (a proxy URL, short timeouts). */
  connectorFactory?: (cfg: StoredConfig, secrets: { token: () => Promise<string>; appToken: () => Promise<string> }) => Connector;
  engine?: Partial<EngineOptions>;
  /** Background timers (interval pull, push on local change). Default on. */
  background?: boolean;
  intervalSec?: number;
  timeoutMs?: number;
}

type SyncHandlers = {
  'sync.status': Handler<'sync.status'>;
  'sync.configure': Handler<'sync.configure'>;
  'sync.test': Handler<'sync.test'>;
  'sync.now': Handler<'sync.now'>;
  'sync.ticket': Handler<'sync.ticket'>;
  'sync.resolveConflict': Handler<'sync.resolveConflict'>;
  'sync.retry': Handler<'sync.retry'>;
  'sync.discard': Handler<'sync.discard'>;
  'sync.skipped': Handler<'sync.skipped'>;
};

export const syncErrors = {
  noVault: () =>
    new RelaisError('SYNC_NO_VAULT', {
      fr: "Le coffre-fort d'identifiants n'est pas disponible : les identifiants du serveur ne peuvent pas être enregistrés. Redémarrez Relais ; si le problème persiste, signalez-le.",
      en: 'The credential vault is not available: the server credentials cannot be stored. Restart Relais; if it persists, report it.',
    }),
  notConfigured: () =>
    new RelaisError('SYNC_NOT_CONFIGURED', {
      fr: 'Aucun serveur ITSM configuré : renseignez le type de serveur, son adresse et vos identifiants dans Paramètres › Serveur ITSM.',
      en: 'No ITSM server configured: enter the server kind, its address and your credentials in Settings › ITSM server.',
    }),
  locked: () =>
    new RelaisError('LOCKED_BY_POLICY', {
      fr: "Le serveur ITSM est imposé par la politique de l'organisation : seuls vos identifiants peuvent être modifiés ici.",
      en: "The ITSM server is set by the organisation's policy: only your credentials can be changed here.",
    }),
  missingToken: (kind: ServerKind) =>
    new RelaisError('SYNC_MISSING_TOKEN', {
      fr: kind === 'rt' ? 'Jeton API manquant : créez un jeton dans RT (Préférences › Jetons d’authentification) et collez-le ici.' : "Jeton manquant : renseignez le jeton API de l'utilisateur et l'App-Token du client API GLPI (Configuration › Générale › API).",
      en: kind === 'rt' ? 'API token missing: create one in RT (Preferences › Auth tokens) and paste it here.' : "Token missing: enter the user's API token and the GLPI API client's App-Token (Setup › General › API).",
    }),
  opNotFound: (opId: string) =>
    new RelaisError('NOT_FOUND', { fr: `Modification introuvable ou déjà traitée (${opId}). Rafraîchissez le ticket.`, en: `Change not found or already handled (${opId}). Refresh the ticket.` }, { opId }),
  conflictNotFound: (id: number) =>
    new RelaisError('NOT_FOUND', { fr: `Conflit introuvable ou déjà résolu (${id}). Rafraîchissez le ticket.`, en: `Conflict not found or already resolved (${id}). Refresh the ticket.` }, { id }),
};

/** A verdict the technician can act on, from a connector failure. */
export function explainFailure(err: unknown): { fr: string; en: string } {
  if (err instanceof SyncError) {
    const m = err.serverMessage.slice(0, 300);
    switch (err.kind) {
      case 'auth':
        return { fr: `Identifiants refusés par le serveur (${m}) : vérifiez ou renouvelez le jeton.`, en: `Credentials refused by the server (${m}): check or renew the token.` };
      case 'transient':
        return { fr: `Serveur injoignable ou indisponible (${m}) : vérifiez l'adresse et votre connexion (VPN), puis réessayez.`, en: `Server unreachable or unavailable (${m}): check the address and your connection (VPN), then try again.` };
      case 'notFound':
        return { fr: `Cette adresse ne répond pas comme un serveur de ce type (${m}) : vérifiez l'URL et le type de serveur.`, en: `This address does not answer like a server of this kind (${m}): check the URL and server kind.` };
      default:
        return { fr: `Le serveur a refusé (${m}) : vérifiez les droits du compte et la configuration du serveur.`, en: `The server refused (${m}): check the account's rights and the server setup.` };
    }
  }
  return { fr: `Échec inattendu : ${(err as Error)?.message?.slice(0, 200) ?? String(err)}. Réessayez.`, en: `Unexpected failure: ${(err as Error)?.message?.slice(0, 200) ?? String(err)}. Try again.` };
}

/** Values that mean the same on RT (one "open", one "resolved"). */
export function rtNormalize(field: SyncField, v: unknown): unknown {
  if (field === 'status' && typeof v === 'number') return v === 3 ? 2 : v === 6 ? 5 : v;
  return v;
}

/**
 * Builds the sync feature: the engine over the store, the connector from the stored
 * settings (secrets from the vault), background timers, and the contract handlers.
 */
export function createSyncFeature(core: Core, deps: { tickets?: unknown; security?: { vault?: SyncVault } | unknown } = {}, options: SyncFeatureOptions = {}) {
  const vault = (deps.security as { vault?: SyncVault } | undefined)?.vault ?? null;
  const audit = (deps.security as { audit?: { append(e: { action: string; target?: string; ticketId?: string; details?: Record<string, unknown> }): unknown } } | undefined)?.audit ?? null;
  const policy = parsePolicy(core.policy.policy.sync);
  let tokenCache: { token?: string; appToken?: string } = {};

  const emitTicketsChanged = (ids: string[]) => {
    if (!ids.length) return;
    if (isEventName('tickets.changed')) (core.events.emit as (n: string, p: unknown) => void)('tickets.changed', { ids });
    core.events.emit('sync.ticketState', { ticketIds: ids });
  };

  const engine = new SyncEngine({
    db: core.db,
    now: () => core.now(),
    parallelism: 4,
    normalize: (f, v) => (readConfig()?.kind === 'rt' ? rtNormalize(f, v) : v),
    onTicketsChanged: emitTicketsChanged,
    onStatus: () => core.events.emit('sync.changed', statusDto()),
    onProgress: (p) => core.events.emit('sync.progress', p),
    log: (level, m) => {
      if (level !== 'info' && process.env.RELAIS_SYNC_QUIET !== '1') console.warn(`[relais sync] ${m}`);
    },
    ...options.engine,
  });

  function readConfig(): StoredConfig | null {
    const raw = engine.getState('config');
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
  function writeConfig(cfg: StoredConfig) {
    engine.setState('config', JSON.stringify(cfg));
  }

  const secretReader = (which: 'token' | 'appToken') => async () => {
    const cached = tokenCache[which];
    if (cached) return cached;
    const cfg = readConfig();
    const id = which === 'token' ? cfg?.tokenId : cfg?.appTokenId;
    if (!id || !vault) return '';
    const v = await vault.get(id);
    tokenCache[which] = v;
    return v;
  };

  function makeConnector(cfg: StoredConfig): Connector {
    const secrets = { token: secretReader('token'), appToken: secretReader('appToken') };
    if (options.connectorFactory) return options.connectorFactory(cfg, secrets);
    const base =
      cfg.kind === 'rt'
        ? createRtConnector({ url: cfg.url, token: secrets.token, timeoutMs: options.timeoutMs ?? 15_000, user: cfg.user ?? undefined })
        : createGlpiConnector({ url: cfg.url, userToken: secrets.token, appToken: secrets.appToken, timeoutMs: options.timeoutMs ?? 15_000 });
    return withReauth(base);
  }
  /** Re-authentication = forget cached secrets and re-read them (a GLPI connector also opens a new session). */
  function withReauth(c: Connector): Connector {
    const own = (c as Connector & { reauth?: () => Promise<void> }).reauth?.bind(c);
    return Object.assign(c, {
      async reauth() {
        tokenCache = {};
        await own?.();
      },
    });
  }

  function applyConfig() {
    const cfg = readConfig();
    const old = engine.getConnector();
    if (old) void old.close();
    tokenCache = {};
    engine.setConnector(cfg && cfg.tokenId ? makeConnector(cfg) : null);
  }

  function statusDto(): SyncStatusDto {
    const cfg = readConfig();
    const s = engine.status();
    return {
      config: {
        configured: !!cfg?.tokenId,
        kind: cfg?.kind ?? null,
        url: cfg?.url ?? null,
        user: cfg?.user ?? null,
        hasToken: !!cfg?.tokenId,
        hasAppToken: !!cfg?.appTokenId,
        locked: !!policy?.locked,
      },
      ...s,
    };
  }

  function ticketState(ticketId: string) {
    const conflicts = (core.db.prepare('SELECT * FROM sync_conflicts WHERE ticket_id = ? AND resolved_at IS NULL ORDER BY id').all(ticketId) as {
      id: number;
      ticket_id: string;
      field: string;
      base_value: string | null;
      local_value: string | null;
      server_value: string | null;
      detected_at: string;
    }[]).map((c) => ({
      id: c.id,
      ticketId: c.ticket_id,
      field: c.field,
      baseValue: parseJson(c.base_value),
      localValue: parseJson(c.local_value),
      serverValue: parseJson(c.server_value),
      detectedAt: c.detected_at,
    }));
    const ops = core.db.prepare("SELECT op_id, ticket_id, kind, payload, created_at, state, last_error FROM outbox WHERE ticket_id = ? AND state IN ('pending', 'parked') ORDER BY seq").all(ticketId) as {
      op_id: string;
      ticket_id: string;
      kind: string;
      payload: string;
      created_at: string;
      state: string;
      last_error: string | null;
    }[];
    const parked = ops
      .filter((o) => o.state === 'parked')
      .map((o) => {
        const e = safeParse(o.last_error);
        return { opId: o.op_id, ticketId: o.ticket_id, kind: o.kind, createdAt: o.created_at, summary: summarize(o.kind, o.payload), serverMessage: e?.message ?? '', status: e?.status ?? null };
      });
    const serverId = (core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticketId) as { server_id: string | null } | undefined)?.server_id ?? null;
    return { ticketId, serverId, pending: ops.filter((o) => o.state === 'pending').length, conflicts, parked };
  }

  const kick = () => {
    if (engine.getConnector()) void engine.sync();
  };

  // Background: periodic sync, push soon after a local change, first sync at start.
  const background = options.background ?? process.env.RELAIS_SYNC_BACKGROUND !== '0';
  if (background) {
    const every = (policy?.intervalSec ?? options.intervalSec ?? 60) * 1000;
    const interval = setInterval(kick, every);
    interval.unref?.();
    let debounce: NodeJS.Timeout | null = null;
    const unsubscribe = core.events.subscribe((name) => {
      if (name !== 'tickets.changed' || debounce) return;
      debounce = setTimeout(() => {
        debounce = null;
        if (engine.getConnector()) void engine.sync({ pull: false });
      }, 300);
      debounce.unref?.();
    });
    const first = setTimeout(kick, 1_000);
    first.unref?.();
    core.onClose(() => {
      clearInterval(interval);
      clearTimeout(first);
      if (debounce) clearTimeout(debounce);
      unsubscribe();
    });
  }
  core.onClose(async () => {
    engine.stop();
    await engine.idle();
    await engine.getConnector()?.close();
  });
  applyConfig();

  const handlers: SyncHandlers = {
    'sync.status': () => statusDto(),
    'sync.configure': async (input) => {
      if (!vault) throw syncErrors.noVault();
      if (policy?.locked && !isSameServer(input, policy)) throw syncErrors.locked();
      const prev = readConfig();
      const sameServer = prev && prev.kind === input.kind && prev.url === input.url;
      const cfg: StoredConfig = {
        kind: input.kind,
        url: input.url.replace(/\/+$/, ''),
        user: input.user ?? (sameServer ? prev.user : null),
        tokenId: sameServer ? prev.tokenId : null,
        appTokenId: sameServer ? prev.appTokenId : null,
      };
      if (input.token) {
        if (cfg.tokenId) await vault.replace(cfg.tokenId, input.token);
        else cfg.tokenId = await vault.put(`Serveur ITSM (${input.kind}) ${cfg.url}`, input.token, 'token');
      }
      if (input.appToken && input.kind === 'glpi') {
        if (cfg.appTokenId) await vault.replace(cfg.appTokenId, input.appToken);
        else cfg.appTokenId = await vault.put(`GLPI App-Token ${cfg.url}`, input.appToken, 'token');
      }
      if (!cfg.tokenId || (cfg.kind === 'glpi' && !cfg.appTokenId)) throw syncErrors.missingToken(cfg.kind);
      if (prev && !sameServer) engine.setState('watermark', null);
      writeConfig(cfg);
      audit?.append({ action: 'sync.configure', target: cfg.url, details: { kind: cfg.kind, tokenChanged: !!input.token, appTokenChanged: !!input.appToken } });
      applyConfig();
      // New credentials: changes parked for an authentication failure go through now.
      if (input.token || input.appToken) engine.retryParked({ kind: 'auth' });
      kick();
      return statusDto();
    },
    'sync.test': async (input) => {
      let connector: Connector;
      let temporary = false;
      if (input && input.kind && input.url && input.token) {
        // The same lock as sync.configure: a locked server cannot be swapped for a test either.
        if (policy?.locked && !isSameServer({ kind: input.kind, url: input.url }, policy)) throw syncErrors.locked();
        const cfg: StoredConfig = { kind: input.kind, url: input.url.replace(/\/+$/, ''), user: input.user ?? null, tokenId: 'unsaved', appTokenId: 'unsaved' };
        const token = input.token;
        // A stored secret goes only to the server it was saved for (same kind and URL), never
        // to whatever URL a caller names: that would hand the App-Token to anyone.
        const saved = readConfig();
        const appToken = input.appToken ?? (saved && isSameServer(cfg, saved) ? await secretReader('appToken')() : '');
        connector = options.connectorFactory
          ? options.connectorFactory(cfg, { token: async () => token, appToken: async () => appToken })
          : cfg.kind === 'rt'
            ? createRtConnector({ url: cfg.url, token: () => token, timeoutMs: 10_000, user: cfg.user ?? undefined })
            : createGlpiConnector({ url: cfg.url, userToken: () => token, appToken: () => appToken, timeoutMs: 10_000 });
        temporary = true;
      } else {
        const c = engine.getConnector();
        if (!c) throw syncErrors.notConfigured();
        connector = c;
      }
      try {
        const r = await connector.testConnection();
        return {
          ok: true,
          user: r.user,
          serverVersion: r.serverVersion,
          message: { fr: `Connexion réussie : ${r.serverVersion ?? 'serveur'} répond, compte ${r.user}.`, en: `Connection works: ${r.serverVersion ?? 'server'} answers, account ${r.user}.` },
        };
      } catch (err) {
        return { ok: false, user: null, serverVersion: null, message: explainFailure(err) };
      } finally {
        if (temporary) await connector.close();
      }
    },
    'sync.now': () => {
      if (!engine.getConnector()) throw syncErrors.notConfigured();
      void engine.sync();
      return { started: true };
    },
    'sync.ticket': ({ ticketId }) => ticketState(ticketId),
    'sync.resolveConflict': ({ conflictId, keep }) => {
      const c = core.db.prepare('SELECT * FROM sync_conflicts WHERE id = ? AND resolved_at IS NULL').get(conflictId) as
        | { id: number; ticket_id: string; field: SyncField; local_value: string | null; server_value: string | null }
        | undefined;
      if (!c) throw syncErrors.conflictNotFound(conflictId);
      const now = core.now().toISOString();
      const local = parseJson(c.local_value);
      const server = parseJson(c.server_value);
      core.db.transaction(() => {
        if (keep === 'local') {
          // Send ours again, based on the server's value: the next push applies it.
          writeOutbox(core.db, { kind: 'ticket.update', ticketId: c.ticket_id, payload: { changes: fieldToChanges(c.field, local) }, base: fieldToChanges(c.field, server) }, now);
        } else {
          applyLocal(core, c.ticket_id, c.field, server, now);
        }
        core.db.prepare('UPDATE sync_conflicts SET resolved_at = ?, resolution = ? WHERE id = ?').run(now, keep, c.id);
      })();
      emitTicketsChanged([c.ticket_id]);
      if (keep === 'local') kick();
      return ticketState(c.ticket_id);
    },
    'sync.retry': ({ opId }) => {
      const row = core.db.prepare("SELECT ticket_id FROM outbox WHERE op_id = ? AND state = 'parked'").get(opId) as { ticket_id: string } | undefined;
      if (!row) throw syncErrors.opNotFound(opId);
      engine.retryParked({ opId });
      kick();
      return ticketState(row.ticket_id);
    },
    'sync.discard': ({ opId }) => {
      const row = core.db.prepare("SELECT seq, ticket_id, kind, payload, last_error FROM outbox WHERE op_id = ? AND state IN ('parked', 'pending')").get(opId) as
        | { seq: number; ticket_id: string; kind: string; payload: string; last_error: string | null }
        | undefined;
      if (!row) throw syncErrors.opNotFound(opId);
      const now = core.now().toISOString();
      const err = safeParse(row.last_error);
      core.db.transaction(() => {
        core.db.prepare("UPDATE outbox SET state = 'discarded', next_attempt_at = NULL WHERE seq = ?").run(row.seq);
        // The copy on the timeline: what was dropped and why the server refused it.
        core.db
          .prepare('INSERT INTO followups (id, ticket_id, kind, author, created_at, body, data, private) VALUES (?, ?, ?, ?, ?, ?, ?, 1)')
          .run(
            uuidv7(),
            row.ticket_id,
            'sync_discarded',
            core.currentUser(),
            now,
            `Modification abandonnée (non envoyée au serveur) : ${summarize(row.kind, row.payload)}${err?.message ? ` — refus du serveur : ${err.message}` : ''}`,
            JSON.stringify({ opId, kind: row.kind, payload: parseJson(row.payload), serverMessage: err?.message ?? null }),
          );
      })();
      audit?.append({ action: 'sync.discard', ticketId: row.ticket_id, details: { opId, kind: row.kind } });
      emitTicketsChanged([row.ticket_id]);
      core.events.emit('sync.changed', statusDto());
      return ticketState(row.ticket_id);
    },
    'sync.skipped': (input) => ({
      items: (core.db.prepare('SELECT server_id, reason, at FROM sync_skipped ORDER BY id DESC LIMIT ?').all(input?.limit ?? 50) as { server_id: string | null; reason: string; at: string }[]).map((r) => ({
        serverId: r.server_id,
        reason: r.reason,
        at: r.at,
      })),
    }),
  };

  return { handlers, engine, status: statusDto, ticketState, readConfig };
}
export type SyncFeature = ReturnType<typeof createSyncFeature>;

/** Same kind and URL (trailing slashes aside, scheme and host case-insensitive): where stored secrets may go. */
function isSameServer(a: { kind: string; url: string }, b: { kind: string; url: string }): boolean {
  return a.kind === b.kind && normalizeServerUrl(a.url) === normalizeServerUrl(b.url);
}

function normalizeServerUrl(url: string): string {
  try {
    return new URL(url).href.replace(/\/+$/, '');
  } catch {
    return url.replace(/\/+$/, '');
  }
}

function parsePolicy(raw: unknown): SyncPolicy | null {
  if (raw === undefined || raw === null) return null;
  const p = syncPolicySchema.safeParse(raw);
  if (!p.success) {
    console.warn(`[relais sync] policy.sync ignored: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return null;
  }
  return p.data;
}

function parseJson(s: string | null): unknown {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** A parked change in one line, for the banner and the timeline copy. */
function summarize(kind: string, payload: string): string {
  const p = parseJson(payload) as Record<string, unknown> | null;
  if (!p || typeof p !== 'object') return kind;
  if (kind === 'ticket.create') return `création « ${String(p.subject ?? '').slice(0, 120)} »`;
  if (kind === 'followup.create') return `suivi « ${String(p.body ?? '').slice(0, 120)} »`;
  const changes = (p.changes ?? {}) as Record<string, unknown>;
  return `modification : ${Object.entries(changes)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ')
    .slice(0, 200)}`;
}

/** A sync field back to the outbox's camelCase change keys. */
function fieldToChanges(field: SyncField, value: unknown): Record<string, unknown> {
  switch (field) {
    case 'team':
      return { teamName: value };
    case 'category':
      return { categoryName: value };
    default:
      return { [field]: value };
  }
}

/** Takes the server's value for one field, locally, without writing an outbox row. */
function applyLocal(core: Core, ticketId: string, field: SyncField, value: unknown, now: string) {
  const db = core.db;
  let col: string;
  let v: unknown = value;
  switch (field) {
    case 'team':
      col = 'team_id';
      v = value ? ensureTeam(db, String(value)) : null;
      break;
    case 'category':
      col = 'category_id';
      v = value ? ensureCategory(db, String(value)) : null;
      break;
    case 'requesterName':
      col = 'requester_name';
      break;
    case 'requesterPhone':
      col = 'requester_phone';
      break;
    case 'status':
    case 'priority':
    case 'urgency':
    case 'impact':
    case 'technician':
    case 'subject':
    case 'description':
    case 'type':
    case 'solution':
      col = field;
      break;
    default:
      return;
  }
  db.prepare(`UPDATE tickets SET ${col} = ?, updated_at = ?, version = version + 1 WHERE id = ?`).run(v, now, ticketId);
}
