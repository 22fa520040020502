import { calls, isCallName, type CallName } from './contract';
import { localize } from '../base/messages';
import { commonErrors, toRelaisError, type SerializedError } from '../base/errors';
import { invalidInputError } from './readable-issues';
import { createCore, type Core, type CoreOptions } from './core';
import type { Caller, Handlers } from './handler-kit';
import type { VaultFactory } from '../features/security/vault';

/** For the Electron host: the vault backed by Electron's safeStorage. */
export { safeStorageVaultFactory, type SafeStorageLike } from '../features/security/vault';
import { appHandlers } from './handlers/app';
import { createTicketFeature } from './handlers/tickets';
import { createSecurityFeature } from './handlers/security';
import { createSshFeature } from './handlers/ssh';
import { rdpHandlers } from './handlers/rdp';
import { createRdpService } from '../features/rdp/service';
import { createToolFeature } from './handlers/tools';
import { createSyncFeature } from './handlers/sync';
import { createGlpiFeature } from './handlers/glpi';
import { createSyncMappingsFeature } from './handlers/sync-mappings';
import { listOrganisations } from '../features/organisation/store';
import { createIncidentFeature } from './handlers/incidents';
import { createDashboardFeature } from './handlers/dashboard';
import { createSeatsFeature } from './handlers/seats';
import { createOrganisationFeature, createOrganisationPort } from './handlers/organisation';
import { createHotlineFeature } from './handlers/hotline';
import { createLoansFeature } from './handlers/loans';
import type { LoanRemote } from '../features/loans/remote-types';
import { loanRemoteProvider } from '../features/loans/remote';
import { createReferentialsFeature } from './handlers/referentials';

export type CallResult = { ok: true; value: unknown } | { ok: false; error: SerializedError };

export interface Service {
  readonly core: Core;
  /** Validates `rawInput` against the contract, runs the handler, never throws. */
  dispatch(name: unknown, rawInput: unknown, caller: Caller): Promise<CallResult>;
  /**
   * Called by the host's fault policy after an uncaught exception or rejection: work whose
   * handling died with it is ended with the reason (tool runs marked failed), so nothing
   * stays 'running' forever. Never throws.
   */
  recoverFromFault(err: unknown): void;
  close(): Promise<void>;
}

export type ServiceOptions = CoreOptions & {
  /** Injected by the Electron host (safeStorage); the file vault is used otherwise. */
  vaultFactory?: VaultFactory;
  /** The loans feature's ITSM asset side (RT/GLPI adapters); absent: standalone. Tests inject their own. */
  loansRemote?: () => LoanRemote | null;
  /** Push loan changes in the background (default true); tests drive `loans.sync` themselves. */
  loansAutoSync?: boolean;
};

/**
 * The one implementation of the contract, used by both hosts. Features are built in
 * dependency order; each returns its contract handlers and the services others use.
 */
export function createService(options: ServiceOptions): Service {
  const core = createCore(options);
  const referentials = createReferentialsFeature(core);
  const organisation = createOrganisationPort(core, referentials.port);
  const tickets = createTicketFeature(core, { organisation });
  const security = createSecurityFeature(core, { vaultFactory: options.vaultFactory });
  const ssh = createSshFeature(core, { tickets: tickets.port, security });
  const rdp = createRdpService(core, { tickets: tickets.port, vault: security.vault, audit: security.audit });
  const tools = createToolFeature(core, { tickets: tickets.port, audit: security.audit, ssh: ssh.port });
  const sync = createSyncFeature(core, { security, tickets: tickets.replica, referentials: referentials.port });
  const glpi = createGlpiFeature(core, { sync });
  const syncMappings = createSyncMappingsFeature(core, {
    sync,
    referentials: referentials.port,
    organisationCodes: () => listOrganisations(core.db).map((o) => o.code),
  });
  const incidents = createIncidentFeature(core, { tickets, security, tools, referentials: referentials.port });
  const seats = createSeatsFeature(core, { security, sync, tools });
  const organisationFeature = createOrganisationFeature(core, { organisation, tickets });
  const hotline = createHotlineFeature(core, { tickets });
  // The loans adapter follows the ITSM server configured for sync (none: standalone).
  const loansRemote = options.loansRemote ?? loanRemoteProvider(() => sync.itsmTarget());
  const loans = createLoansFeature(core, { tickets: tickets.port, organisation, remote: loansRemote, autoSync: options.loansAutoSync });
  const dashboard = createDashboardFeature(core, { resources: { loans: (organisationId) => loans.loans.figures(organisationId), seats: () => seats.seats.figures() } });

  const handlers = {
    ...appHandlers(core),
    ...tickets.handlers,
    ...security.handlers,
    ...ssh.handlers,
    ...rdpHandlers(rdp),
    ...tools.handlers,
    ...sync.handlers,
    ...glpi.handlers,
    ...syncMappings.handlers,
    ...incidents.handlers,
    ...dashboard.handlers,
    ...seats.handlers,
    ...organisationFeature.handlers,
    ...hotline.handlers,
    ...loans.handlers,
    ...referentials.handlers,
  } satisfies Handlers;

  return {
    core,
    async dispatch(name, rawInput, caller) {
      if (!isCallName(name)) return { ok: false, error: commonErrors.unknownCall(String(name)).toJSON() };
      const spec = calls[name];
      const parsed = spec.input.safeParse(rawInput);
      if (!parsed.success) return { ok: false, error: invalidInputError(parsed.error).toJSON() };
      try {
        const handler = handlers[name as CallName] as (input: unknown, caller: Caller) => unknown;
        const value = await handler(parsed.data, caller);
        return { ok: true, value };
      } catch (err) {
        const relais = toRelaisError(err);
        if (relais.code === 'INTERNAL') console.error(`[relais] ${String(name)} failed:`, (err as Error)?.stack ?? err);
        return { ok: false, error: relais.toJSON() };
      }
    },
    recoverFromFault(err) {
      const detail = err instanceof Error ? err.message : String(err);
      try {
        tools.runs.failOrphans(localize('TOOL_RUN_INTERNAL_ERROR', { detail }));
      } catch (e) {
        console.error('[relais] recovery after a fault failed:', (e as Error)?.message ?? e);
      }
    },
    close: () => core.close(),
  };
}
