import type { AuditPort } from '../../features/security/port';
import { v7 as uuidv7 } from 'uuid';
import type { Core } from '../core';
import type { Handler } from '../handler-kit';
import { RelaisError } from '../../base/errors';
import { isEventName } from '../contract';
import { lastTestSchema, syncPolicySchema, type ServerKind, type SyncPolicy, type SyncStatusDto } from '../contracts/sync';
import { SyncEngine, safeParse, type EngineOptions } from '../../features/sync/engine';
import { createRtConnector, DEFAULT_RT_ORGANISATION, rtOrganisationSchema } from '../../features/sync/connectors/rt';
import { readSetting } from '../../features/tickets/repos/settings';
import { createGlpiConnector } from '../../features/sync/connectors/glpi';
import { SyncError, type Connector, type ServerReadiness, type SyncField } from '../../features/sync/types';
import { writeOutbox } from '../../features/tickets/outbox';
import { ensureCategory, ensureTeam } from '../../features/sync/local';
import { readGlpiMappings } from '../../features/sync/connectors/glpi/mapping';

/** What sync needs from the security feature (the vault; core only). */
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
  'sync.retryAll': Handler<'sync.retryAll'>;
  'sync.prepare': Handler<'sync.prepare'>;
  'sync.remove': Handler<'sync.remove'>;
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
  // A connector that knows the precise set-up mistake (GLPI: App-Token, URL without apirest.php) says it.
  if (err instanceof SyncError && 'hint' in err && (err as { hint?: { fr: string; en: string } }).hint) return (err as { hint: { fr: string; en: string } }).hint;
  if (err instanceof SyncError) {
    // The server's own words are quoted as such, after a sentence in the user's language.
    const m = err.serverMessage.slice(0, 300);
    const http = err.status ? ` HTTP ${err.status}` : '';
    switch (err.kind) {
      case 'auth':
        return {
          fr: `Identifiants refusés par le serveur${http} : vérifiez ou renouvelez le jeton, puis enregistrez-le ici. Message du serveur : « ${m} »`,
          en: `Credentials refused by the server${http}: check or renew the token, then save it here. Server message: “${m}”`,
        };
      case 'transient':
        return {
          fr: `Serveur injoignable ou indisponible${http} : vérifiez l'adresse et votre connexion (VPN), puis réessayez. Détail technique : « ${m} »`,
          en: `Server unreachable or unavailable${http}: check the address and your connection (VPN), then try again. Technical detail: “${m}”`,
        };
      case 'notFound':
        return { fr: `Cette adresse ne répond pas comme un serveur de ce type${http} : vérifiez l'URL et le type de serveur.`, en: `This address does not answer like a server of this kind${http}: check the URL and server kind.` };
      default:
        return {
          fr: `Le serveur a refusé${http} : vérifiez les droits du compte et la configuration du serveur. Message du serveur : « ${m} »`,
          en: `The server refused${http}: check the account's rights and the server setup. Server message: “${m}”`,
        };
    }
  }
  const m = (err as Error)?.message?.slice(0, 200) ?? String(err);
  return { fr: `Échec inattendu : « ${m} ». Réessayez.`, en: `Unexpected failure: “${m}”. Try again.` };
}

function worksMessage(version: string | null, account: string, missing: number): { fr: string; en: string } {
  const fr = `${version ?? 'Le serveur'} répond, compte authentifié : ${account}.`;
  const en = `${version ?? 'The server'} answers, authenticated account: ${account}.`;
  if (!missing) return { fr: `Connexion réussie : ${fr}`, en: `Connection works: ${en}` };
  return {
    fr: `${fr} Il manque ${missing} élément${missing > 1 ? 's' : ''} sur le serveur (détail ci-dessous) : utilisez « Préparer le serveur » ou transmettez la liste à l'administrateur.`,
    en: `${en} ${missing} item${missing > 1 ? 's are' : ' is'} missing on the server (see below): use “Prepare the server” or send the list to the administrator.`,
  };
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
/** What sync needs from the security feature: its secrets in the vault, its actions in the audit log. */
export interface SyncSecurityDeps {
  vault: SyncVault;
  audit: AuditPort;
}

export function createSyncFeature(core: Core, deps: { security: SyncSecurityDeps }, options: SyncFeatureOptions = {}) {
  const vault = deps.security.vault;
  const audit = deps.security.audit;
  const policy = parsePolicy(core.policy.policy.sync);
  /** Where RT gets the organisation (issue 12): data setting `sync.rtOrganisation`, a custom field by default. */
  const rtOrganisation = () => readSetting(core.db, 'sync.rtOrganisation', rtOrganisationSchema, DEFAULT_RT_ORGANISATION);
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

  /** What the GLPI connector reads from Relais: team/technician mappings (sync_state 'glpi.mappings'), teams, operators. */
  function glpiContext() {
    return {
      mappings: () => readGlpiMappings(engine.getState('glpi.mappings')),
      teams: () => (core.db.prepare('SELECT name FROM teams WHERE active = 1 ORDER BY position').all() as { name: string }[]).map((t) => t.name),
      operators: () => [core.currentUser()],
    };
  }

  function makeConnector(cfg: StoredConfig): Connector {
    const secrets = { token: secretReader('token'), appToken: secretReader('appToken') };
    if (options.connectorFactory) return options.connectorFactory(cfg, secrets);
    const base =
      cfg.kind === 'rt'
        ? createRtConnector({ url: cfg.url, token: secrets.token, timeoutMs: options.timeoutMs ?? 15_000, teams: teamNames, organisation: rtOrganisation() })
        : createGlpiConnector({ url: cfg.url, userToken: secrets.token, appToken: secrets.appToken, timeoutMs: options.timeoutMs ?? 15_000, ...glpiContext() });
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

  /** The teams tickets are routed to: each needs a queue (RT) or a group (GLPI) on the server. */
  function teamNames(): string[] {
    return (core.db.prepare('SELECT name FROM teams WHERE active = 1 ORDER BY position').all() as { name: string }[]).map((t) => t.name);
  }

  function readLastTest() {
    const raw = engine.getState('lastTest');
    if (!raw) return null;
    try {
      const p = lastTestSchema.safeParse(JSON.parse(raw));
      return p.success ? p.data : null;
    } catch {
      return null;
    }
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
        lastTest: (() => {
          const t = readLastTest();
          return t && cfg && t.kind === cfg.kind && t.url === cfg.url ? t : null;
        })(),
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
        return { opId: o.op_id, ticketId: o.ticket_id, kind: o.kind, createdAt: o.created_at, summary: summarize(o.kind, o.payload), serverMessage: e?.message ?? '', status: e?.status ?? null, reason: e?.kind ?? 'rejected' };
      });
    const serverId = (core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticketId) as { server_id: string | null } | undefined)?.server_id ?? null;
    const warnings = (core.db.prepare('SELECT code, params FROM sync_warnings WHERE ticket_id = ? ORDER BY code').all(ticketId) as { code: string; params: string }[]).map((w) => ({
      code: w.code,
      params: (parseJson(w.params) as Record<string, unknown> | null) ?? {},
    }));
    const historyPartial = engine.historyPartial(ticketId);
    return { ticketId, serverId, pending: ops.filter((o) => o.state === 'pending').length, conflicts, parked, historyPartial, warnings };
  }

  /** Runs `fn` on the stored connector, or on a temporary one made from the given settings. */
  async function withConnector<T>(
    input: { kind?: ServerKind; url?: string; token?: string; appToken?: string; user?: string } | undefined,
    fn: (c: Connector, cfg: { kind: ServerKind; url: string }) => Promise<T>,
  ): Promise<T> {
    if (input && input.kind && input.url && input.token) {
      // The same lock as sync.configure: a locked server cannot be swapped for a test either.
      if (policy?.locked && !isSameServer({ kind: input.kind, url: input.url }, policy)) throw syncErrors.locked();
      const cfg: StoredConfig = { kind: input.kind, url: input.url.replace(/\/+$/, ''), user: input.user ?? null, tokenId: 'unsaved', appTokenId: 'unsaved' };
      const token = input.token;
      // A stored secret goes only to the server it was saved for (same kind and URL), never
      // to whatever URL a caller names: that would hand the App-Token to anyone.
      const saved = readConfig();
      const appToken = input.appToken ?? (saved && isSameServer(cfg, saved) ? await secretReader('appToken')() : '');
      const connector = options.connectorFactory
        ? options.connectorFactory(cfg, { token: async () => token, appToken: async () => appToken })
        : cfg.kind === 'rt'
          ? createRtConnector({ url: cfg.url, token: () => token, timeoutMs: 10_000, teams: teamNames, organisation: rtOrganisation() })
          : createGlpiConnector({ url: cfg.url, userToken: () => token, appToken: () => appToken, timeoutMs: 10_000, ...glpiContext() });
      try {
        return await fn(connector, cfg);
      } finally {
        await connector.close();
      }
    }
    const c = engine.getConnector();
    const cfg = readConfig();
    if (!c || !cfg) throw syncErrors.notConfigured();
    return fn(c, cfg);
  }

  /** The connection test's verdict (or the readiness after "Préparer le serveur"), kept beside the settings. */
  async function verdictOf(connector: Connector, cfg: { kind: ServerKind; url: string }, how: 'inspect' | 'prepare') {
    let result: { ok: boolean; user: string | null; serverVersion: string | null; message: { fr: string; en: string }; readiness: ServerReadiness | null };
    try {
      const run = how === 'prepare' ? connector.prepare?.bind(connector) : connector.inspect?.bind(connector);
      if (!run) {
        const r = await connector.testConnection();
        result = { ok: true, user: r.user, serverVersion: r.serverVersion, message: worksMessage(r.serverVersion, r.user, 0), readiness: null };
      } else {
        const readiness = await run();
        const missing = readiness.checks.filter((c) => !c.ok).length;
        result = { ok: missing === 0, user: readiness.account, serverVersion: readiness.serverVersion, message: worksMessage(readiness.serverVersion, readiness.account, missing), readiness };
      }
    } catch (err) {
      result = { ok: false, user: null, serverVersion: null, message: explainFailure(err), readiness: null };
    }
    engine.setState('lastTest', JSON.stringify({ ok: result.ok, at: core.now().toISOString(), account: result.user, kind: cfg.kind, url: cfg.url.replace(/\/+$/, '') }));
    core.events.emit('sync.changed', statusDto());
    return result;
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
      audit.append({ action: 'sync.configure', target: cfg.url, details: { kind: cfg.kind, tokenChanged: !!input.token, appTokenChanged: !!input.appToken } });
      applyConfig();
      // A new server or new credentials: parked changes are qualified again (transport and
      // authentication failures go back to the queue, refusals of the server stay parked).
      if (prev && !sameServer) engine.requalifyParked('server');
      else if (input.token || input.appToken) engine.requalifyParked('credentials');
      kick();
      return statusDto();
    },
    'sync.test': async (input) => withConnector(input, (c, cfg) => verdictOf(c, cfg, 'inspect')),
    'sync.prepare': async (input) => {
      const { confirm: _confirm, ...rest } = input;
      const r = await withConnector(Object.keys(rest).length ? rest : undefined, (c, cfg) => verdictOf(c, cfg, 'prepare'));
      audit.append({ action: 'sync.prepare', target: readConfig()?.url ?? input.url ?? '', details: { ok: r.ok, missing: r.readiness?.checks.filter((c) => !c.ok).map((c) => c.key) ?? [] } });
      return r;
    },
    /**
     * Forgets the server: its settings, its secrets in the vault and the pull watermark. The
     * tickets and the outbox stay: changes not sent yet wait for the next server configured.
     */
    'sync.remove': async () => {
      if (policy) throw syncErrors.locked();
      const cfg = readConfig();
      const before = engine.status();
      engine.setState('config', null);
      engine.setState('watermark', null);
      applyConfig();
      for (const id of [cfg?.tokenId, cfg?.appTokenId]) if (id && vault) await vault.delete(id).catch(() => undefined);
      audit.append({ action: 'sync.remove', target: cfg?.url ?? '', details: { kind: cfg?.kind ?? null, pending: before.pending, parked: before.parked } });
      const status = statusDto();
      core.events.emit('sync.changed', status);
      return { kept: before.pending + before.parked, status };
    },
    'sync.retryAll': () => {
      const retried = engine.retryParked();
      kick();
      return { retried, status: statusDto() };
    },
    'sync.now': () => {
      if (!engine.getConnector()) throw syncErrors.notConfigured();
      void engine.sync();
      return { started: true };
    },
    'sync.ticket': ({ ticketId }) => {
      const state = ticketState(ticketId);
      // Opening a ticket brings its older follow-ups (first pull kept to the queue itself).
      if (state.historyPartial)
        void engine.loadHistory(ticketId).catch((err: unknown) => {
          if (process.env.RELAIS_SYNC_QUIET !== '1') console.warn(`[relais sync] history of ${ticketId}: ${(err as Error).message}`);
        });
      return state;
    },
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
          // Exactly the technician's value, locally and (based on the server's) on the server.
          applyLocal(core, c.ticket_id, c.field, local, now);
          writeOutbox(core.db, { kind: 'ticket.update', ticketId: c.ticket_id, payload: { changes: fieldToChanges(c.field, local) }, base: fieldToChanges(c.field, server) }, now);
        } else {
          // The server's latest value (a pull during the conflict updates it in the conflict).
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
      audit.append({ action: 'sync.discard', ticketId: row.ticket_id, details: { opId, kind: row.kind } });
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

  /** The configured ITSM server and its token reader, for features that sync their own objects (seats). */
  const itsmTarget = () => {
    const cfg = readConfig();
    return cfg && cfg.tokenId ? { kind: cfg.kind, url: cfg.url, token: secretReader('token') } : null;
  };
  return { handlers, engine, status: statusDto, ticketState, readConfig, itsmTarget };
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
