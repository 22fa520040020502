import { calls, isCallName, type CallName } from './contract';
import { commonErrors, toRelaisError, type SerializedError } from '../base/errors';
import { createCore, type Core, type CoreOptions } from './core';
import type { Caller, Handlers } from './handler-kit';
import type { VaultFactory } from '../features/security/vault';
import { appHandlers } from './handlers/app';
import { createTicketFeature } from './handlers/tickets';
import { createSecurityFeature } from './handlers/security';
import { createSshFeature } from './handlers/ssh';
import { createRdpFeature } from './handlers/rdp';
import { createToolFeature } from './handlers/tools';
import { createSyncFeature } from './handlers/sync';
import { createHotlineFeature } from './handlers/hotline';

export type CallResult = { ok: true; value: unknown } | { ok: false; error: SerializedError };

export interface Service {
  readonly core: Core;
  /** Validates `rawInput` against the contract, runs the handler, never throws. */
  dispatch(name: unknown, rawInput: unknown, caller: Caller): Promise<CallResult>;
  close(): Promise<void>;
}

export type ServiceOptions = CoreOptions & {
  /** Injected by the Electron host (safeStorage); the file vault is used otherwise. */
  vaultFactory?: VaultFactory;
};

/**
 * The one implementation of the contract, used by both hosts. Features are built in
 * dependency order; each returns its contract handlers and the services others use.
 */
export function createService(options: ServiceOptions): Service {
  const core = createCore(options);
  const tickets = createTicketFeature(core);
  const security = createSecurityFeature(core, { vaultFactory: options.vaultFactory });
  const ssh = createSshFeature(core, { tickets, security });
  const rdp = createRdpFeature(core, { tickets, security });
  const tools = createToolFeature(core, { tickets, security, ssh });
  const sync = createSyncFeature(core, { tickets, security });
  const hotline = createHotlineFeature(core, { tickets });

  const handlers = {
    ...appHandlers(core),
    ...tickets.handlers,
    ...security.handlers,
    ...ssh.handlers,
    ...rdp.handlers,
    ...tools.handlers,
    ...sync.handlers,
    ...hotline.handlers,
  } satisfies Handlers;

  return {
    core,
    async dispatch(name, rawInput, caller) {
      if (!isCallName(name)) return { ok: false, error: commonErrors.unknownCall(String(name)).toJSON() };
      const spec = calls[name];
      const parsed = spec.input.safeParse(rawInput);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 10).map((i) => ({
          path: i.path.map(String).join('.').slice(0, 120),
          message: i.message.slice(0, 200),
        }));
        return { ok: false, error: commonErrors.invalidInput(issues).toJSON() };
      }
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
    close: () => core.close(),
  };
}
