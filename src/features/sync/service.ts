/**
 * The sync feature: the engine over the store, the connector made from the stored settings
 * (secrets from the vault), background runs, and what the contract's `sync.*` calls do.
 * Tickets and their timelines are written through the tickets feature's replica port;
 * timeline notices are kind + facts, worded by the renderer in the reader's language.
 */
import type { FeatureHost } from '../../platform/feature-host';
import type { AuditPort } from '../security/port';
import type { TicketReplicaPort } from '../tickets/port';
import type { ReferentialsPort } from '../tickets/referentials-port';
import type { DataSettingsPort } from '../tickets/settings-port';
import type { ServerKind, SyncStatusDto } from '../../domain/sync';
import { SyncEngine, safeParse, type EngineOptions } from './engine';
import { createRtConnector, DEFAULT_RT_ORGANISATION, rtOrganisationSchema } from './connectors/rt';
import { createGlpiConnector } from './connectors/glpi';
import { readGlpiMappings } from './connectors/glpi/mapping';
import { readRtQueueMap, routedTeamNames } from './mappings';
import type { GlpiEntityMapping } from './connectors/glpi-entities';
import type { Connector, ServerReadiness, SyncField } from './types';
import { createServerConfig, isSameServer, parsePolicy, trimUrl, type StoredConfig, type SyncVault } from './config';
import { explainFailure, syncErrors, worksMessage } from './errors';
import { parseJson, readTicketState } from './ticket-state';
import { lastTestSchema } from '../../domain/sync';

export type { StoredConfig, SyncVault } from './config';

/** The events sync announces (assembled into the contract by `src/api/contracts/sync.ts`). */
export interface SyncEvents {
  'sync.changed': SyncStatusDto;
  'sync.progress': { phase: 'push' | 'pull'; done: number; total: number | null };
  'sync.ticketState': { ticketIds: string[] };
}

export interface SyncServiceOptions {
  /** Tests: how connectors are made (a proxy URL, short timeouts). */
  connectorFactory?: (cfg: StoredConfig, secrets: { token: () => Promise<string>; appToken: () => Promise<string> }) => Connector;
  engine?: Partial<Omit<EngineOptions, 'db' | 'tickets'>>;
  /** Background timers (interval pull, push on local change). Default on. */
  background?: boolean;
  intervalSec?: number;
  timeoutMs?: number;
}

export interface SyncDeps {
  tickets: TicketReplicaPort;
  /** The tickets feature's referentials: the teams each connector maps to queues or groups. */
  referentials: Pick<ReferentialsPort, 'teams'>;
  /** The tickets feature's data settings: the RT organisation mapping and queue map. */
  settings: DataSettingsPort;
  vault: SyncVault;
  audit: AuditPort;
  /** The administrator's `policy.sync` section, validated here. */
  policy: Record<string, unknown> | undefined;
  /** Calls `listener` after each local ticket change (a push soon after). Returns the unsubscribe. */
  onLocalChange(listener: () => void): () => void;
}

/** Values that mean the same on RT (one "open", one "resolved"). */
export function rtNormalize(field: SyncField, v: unknown): unknown {
  if (field === 'status' && typeof v === 'number') return v === 3 ? 2 : v === 6 ? 5 : v;
  return v;
}

type ServerInput = { kind?: ServerKind; url?: string; token?: string; appToken?: string; user?: string };

export function createSyncService(host: FeatureHost<SyncEvents>, deps: SyncDeps, options: SyncServiceOptions = {}) {
  const { db, events } = host;
  const { tickets, audit } = deps;
  const quiet = () => process.env.RELAIS_SYNC_QUIET === '1';

  const ticketsChanged = (ids: string[]) => {
    if (!ids.length) return;
    tickets.changed(ids);
    events.emit('sync.ticketState', { ticketIds: ids });
  };

  const engine = new SyncEngine({
    db,
    tickets,
    now: () => host.now(),
    parallelism: 4,
    normalize: (f, v) => (config.read()?.kind === 'rt' ? rtNormalize(f, v) : v),
    onTicketsChanged: ticketsChanged,
    onStatus: () => events.emit('sync.changed', status()),
    onProgress: (p) => events.emit('sync.progress', p),
    log: (level, m) => {
      if (level !== 'info' && !quiet()) console.warn(`[relais sync] ${m}`);
    },
    ...options.engine,
  });
  const config = createServerConfig(engine, parsePolicy(deps.policy), deps.vault);
  const policy = config.policy;
  /** Where RT gets the organisation (issue 12): data setting `sync.rtOrganisation`, a custom field by default. */
  const rtOrganisation = () => deps.settings.read('sync.rtOrganisation', rtOrganisationSchema, DEFAULT_RT_ORGANISATION);
  /** What the GLPI connector reads from Relais: team/technician mappings (sync_state 'glpi.mappings'), teams, operators. */
  const glpiContext = () => ({
    mappings: () => readGlpiMappings(engine.getState('glpi.mappings')),
    teams: () => routedTeamNames(deps.referentials),
    operators: () => [host.currentUser()],
  });

  function connectorFor(cfg: StoredConfig, secrets: { token: () => Promise<string> | string; appToken: () => Promise<string> | string }, timeoutMs: number): Connector {
    return cfg.kind === 'rt'
      ? createRtConnector({ url: cfg.url, token: secrets.token, timeoutMs, teams: () => routedTeamNames(deps.referentials), organisation: rtOrganisation(), queueMap: () => readRtQueueMap(deps.settings) })
      : createGlpiConnector({ url: cfg.url, userToken: secrets.token, appToken: secrets.appToken, timeoutMs, ...glpiContext() });
  }

  function makeConnector(cfg: StoredConfig): Connector {
    const secrets = { token: config.secretReader('token'), appToken: config.secretReader('appToken') };
    if (options.connectorFactory) return options.connectorFactory(cfg, secrets);
    return withReauth(connectorFor(cfg, secrets, options.timeoutMs ?? 15_000));
  }
  /** Re-authentication = forget cached secrets and re-read them (a GLPI connector also opens a new session). */
  function withReauth(c: Connector): Connector {
    const own = c.reauth?.bind(c);
    return Object.assign(c, {
      async reauth() {
        config.forgetSecrets();
        await own?.();
      },
    });
  }

  /** The last connection test; absent or damaged: none. */
  function readLastTest() {
    const p = lastTestSchema.safeParse(parseJson(engine.getState('lastTest')));
    return p.success ? p.data : null;
  }

  function applyConfig() {
    const cfg = config.read();
    const old = engine.getConnector();
    if (old) void old.close();
    config.forgetSecrets();
    engine.setConnector(cfg && cfg.tokenId ? makeConnector(cfg) : null);
  }

  function status(): SyncStatusDto {
    const cfg = config.read();
    const t = readLastTest();
    return {
      config: {
        configured: !!cfg?.tokenId,
        kind: cfg?.kind ?? null,
        url: cfg?.url ?? null,
        user: cfg?.user ?? null,
        hasToken: !!cfg?.tokenId,
        hasAppToken: !!cfg?.appTokenId,
        locked: !!policy?.locked,
        lastTest: t && cfg && t.kind === cfg.kind && t.url === cfg.url ? t : null,
      },
      ...engine.status(),
    };
  }

  const ticketState = (ticketId: string) => readTicketState(db, tickets, ticketId, engine.historyPartial(ticketId));

  /** Runs `fn` on the stored connector, or on a temporary one made from the given settings. */
  async function withConnector<T>(input: ServerInput | undefined, fn: (c: Connector, cfg: { kind: ServerKind; url: string }) => Promise<T>): Promise<T> {
    if (input && input.kind && input.url && input.token) {
      // The same lock as configure: a locked server cannot be swapped for a test either.
      if (policy?.locked && !isSameServer({ kind: input.kind, url: input.url }, policy)) throw syncErrors.locked();
      const cfg: StoredConfig = { kind: input.kind, url: trimUrl(input.url), user: input.user ?? null, tokenId: 'unsaved', appTokenId: 'unsaved' };
      const token = input.token;
      // A stored secret goes only to the server it was saved for (same kind and URL), never
      // to whatever URL a caller names: that would hand the App-Token to anyone.
      const saved = config.read();
      const appToken = input.appToken ?? (saved && isSameServer(cfg, saved) ? await config.secretReader('appToken')() : '');
      const connector = options.connectorFactory
        ? options.connectorFactory(cfg, { token: async () => token, appToken: async () => appToken })
        : connectorFor(cfg, { token: () => token, appToken: () => appToken }, 10_000);
      try {
        return await fn(connector, cfg);
      } finally {
        await connector.close();
      }
    }
    const c = engine.getConnector();
    const cfg = config.read();
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
    engine.setState('lastTest', JSON.stringify({ ok: result.ok, at: host.now().toISOString(), account: result.user, kind: cfg.kind, url: trimUrl(cfg.url) }));
    events.emit('sync.changed', status());
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
    const unsubscribe = deps.onLocalChange(() => {
      if (debounce) return;
      debounce = setTimeout(() => {
        debounce = null;
        if (engine.getConnector()) void engine.sync({ pull: false });
      }, 300);
      debounce.unref?.();
    });
    const first = setTimeout(kick, 1_000);
    first.unref?.();
    host.onClose(() => {
      clearInterval(interval);
      clearTimeout(first);
      if (debounce) clearTimeout(debounce);
      unsubscribe();
    });
  }
  host.onClose(async () => {
    engine.stop();
    await engine.idle();
    await engine.getConnector()?.close();
  });
  applyConfig();

  return {
    engine,
    status,
    ticketState,
    readConfig: config.read,

    async configure(input: { kind: ServerKind; url: string; token?: string; appToken?: string; user?: string }) {
      if (policy?.locked && !isSameServer(input, policy)) throw syncErrors.locked();
      const prev = config.read();
      const sameServer = prev && prev.kind === input.kind && prev.url === input.url;
      const cfg = await config.storeSecrets(
        {
          kind: input.kind,
          url: trimUrl(input.url),
          user: input.user ?? (sameServer ? prev.user : null),
          tokenId: sameServer ? prev.tokenId : null,
          appTokenId: sameServer ? prev.appTokenId : null,
        },
        input,
      );
      if (!cfg.tokenId || (cfg.kind === 'glpi' && !cfg.appTokenId)) throw syncErrors.missingToken(cfg.kind);
      if (prev && !sameServer) engine.setState('watermark', null);
      config.write(cfg);
      audit.append({ action: 'sync.configure', target: cfg.url, details: { kind: cfg.kind, tokenChanged: !!input.token, appTokenChanged: !!input.appToken } });
      applyConfig();
      // A new server or new credentials: parked changes are qualified again (transport and
      // authentication failures go back to the queue, refusals of the server stay parked).
      if (prev && !sameServer) engine.requalifyParked('server');
      else if (input.token || input.appToken) engine.requalifyParked('credentials');
      kick();
      return status();
    },

    test: (input: ServerInput | undefined) => withConnector(input, (c, cfg) => verdictOf(c, cfg, 'inspect')),

    async prepare(input: ServerInput) {
      const r = await withConnector(Object.keys(input).length ? input : undefined, (c, cfg) => verdictOf(c, cfg, 'prepare'));
      audit.append({ action: 'sync.prepare', target: config.read()?.url ?? input.url ?? '', details: { ok: r.ok, missing: r.readiness?.checks.filter((c) => !c.ok).map((c) => c.key) ?? [] } });
      return r;
    },

    /**
     * Forgets the server: its settings, its secrets in the vault and the pull watermark. The
     * tickets and the outbox stay: changes not sent yet wait for the next server configured.
     */
    async remove() {
      if (policy) throw syncErrors.locked();
      const cfg = config.read();
      const before = engine.status();
      engine.setState('config', null);
      engine.setState('watermark', null);
      applyConfig();
      for (const id of [cfg?.tokenId, cfg?.appTokenId]) {
        if (!id) continue;
        // The server is forgotten either way; a secret the vault cannot drop is only logged.
        await deps.vault.delete(id).catch((err: unknown) => console.warn('[relais sync] token not removed from the vault:', (err as Error).message));
      }
      audit.append({ action: 'sync.remove', target: cfg?.url ?? '', details: { kind: cfg?.kind ?? null, pending: before.pending, parked: before.parked } });
      const now = status();
      events.emit('sync.changed', now);
      return { kept: before.pending + before.parked, status: now };
    },

    retryAll() {
      const retried = engine.retryParked();
      kick();
      return { retried, status: status() };
    },

    syncNow() {
      if (!engine.getConnector()) throw syncErrors.notConfigured();
      void engine.sync();
      return { started: true };
    },

    /** The ticket's sync state; opening a ticket brings its older follow-ups (the first pull keeps to the queue). */
    openTicket(ticketId: string) {
      const state = ticketState(ticketId);
      if (state.historyPartial)
        void engine.loadHistory(ticketId).catch((err: unknown) => {
          if (!quiet()) console.warn(`[relais sync] history of ${ticketId}: ${(err as Error).message}`);
        });
      return state;
    },

    resolveConflict(conflictId: number, keep: 'local' | 'server') {
      const c = db.prepare('SELECT * FROM sync_conflicts WHERE id = ? AND resolved_at IS NULL').get(conflictId) as
        | { id: number; ticket_id: string; field: SyncField; local_value: string | null; server_value: string | null }
        | undefined;
      if (!c) throw syncErrors.conflictNotFound(conflictId);
      const now = host.now().toISOString();
      const local = parseJson(c.local_value);
      const server = parseJson(c.server_value);
      db.transaction(() => {
        // Keep mine: the technician's value again, sent based on the server's. Keep theirs: the
        // server's latest value (a pull during the conflict updates it in the conflict).
        if (keep === 'local') tickets.keepLocalValue(c.ticket_id, c.field, local, server);
        else tickets.applyServerFields(c.ticket_id, { [c.field]: server }, now);
        db.prepare('UPDATE sync_conflicts SET resolved_at = ?, resolution = ? WHERE id = ?').run(now, keep, c.id);
      })();
      ticketsChanged([c.ticket_id]);
      if (keep === 'local') kick();
      return ticketState(c.ticket_id);
    },

    retry(opId: string) {
      const row = db.prepare("SELECT ticket_id FROM outbox WHERE op_id = ? AND state = 'parked'").get(opId) as { ticket_id: string } | undefined;
      if (!row) throw syncErrors.opNotFound(opId);
      engine.retryParked({ opId });
      kick();
      return ticketState(row.ticket_id);
    },

    discard(opId: string) {
      const row = db.prepare("SELECT seq, ticket_id, kind, payload, last_error FROM outbox WHERE op_id = ? AND state IN ('parked', 'pending')").get(opId) as
        | { seq: number; ticket_id: string; kind: string; payload: string; last_error: string | null }
        | undefined;
      if (!row) throw syncErrors.opNotFound(opId);
      const err = safeParse(row.last_error);
      db.transaction(() => {
        db.prepare("UPDATE outbox SET state = 'discarded', next_attempt_at = NULL WHERE seq = ?").run(row.seq);
        // The copy on the timeline: what was dropped and why the server refused it, as facts
        // the console words in the reader's language (this notice never goes to the server).
        tickets.appendLocalNotice(row.ticket_id, {
          kind: 'sync_discarded',
          body: '',
          data: { opId, kind: row.kind, payload: parseJson(row.payload), serverMessage: err?.message ?? null },
        });
      })();
      audit.append({ action: 'sync.discard', ticketId: row.ticket_id, details: { opId, kind: row.kind } });
      ticketsChanged([row.ticket_id]);
      events.emit('sync.changed', status());
      return ticketState(row.ticket_id);
    },

    skipped(limit: number) {
      return {
        items: (db.prepare('SELECT server_id, reason, at FROM sync_skipped ORDER BY id DESC LIMIT ?').all(limit) as { server_id: string | null; reason: string; at: string }[]).map((r) => ({
          serverId: r.server_id,
          reason: r.reason,
          at: r.at,
        })),
      };
    },

    /** The configured ITSM server and its token reader, for features that sync their own objects (seats). */
    itsmTarget() {
      const cfg = config.read();
      return cfg && cfg.tokenId ? { kind: cfg.kind, url: cfg.url, token: config.secretReader('token'), appToken: config.secretReader('appToken') } : null;
    },
    /** Organisation code → GLPI entity (the `entities` of the GLPI mappings; empty when unset). */
    glpiEntities(): GlpiEntityMapping {
      return readGlpiMappings(engine.getState('glpi.mappings')).entities ?? {};
    },
  };
}
export type SyncService = ReturnType<typeof createSyncService>;
