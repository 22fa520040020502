/**
 * A core with the real tickets, security and RDP features over a temp data folder, for the
 * RDP integration tests and the bench. The RDP feature gets an environment pointing the
 * client at the test display and, as extra login evidence, xrdp's own log.
 */
import crypto from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { createCore, type Core } from '../../src/api/core';
import { calls } from '../../src/api/contract';
import { createTicketFeature } from '../../src/api/handlers/tickets';
import { createSecurityFeature } from '../../src/api/handlers/security';
import { createRdpService, type OutcomeProbe, type RdpEnvironment } from '../../src/features/rdp/service';
import { rdpHandlers } from '../../src/api/handlers/rdp';
import { makeTempDir } from './temp-dir';
import type { XrdpService } from '../services/xrdp';
import { poll } from './poll';

export function insertAsset(core: Core, a: { name: string; ip?: string; os?: string }): string {
  const id = uuidv7();
  core.db
    .prepare('INSERT INTO assets (id, name, serial, ip, os, search_key) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, a.name, `SN-${crypto.randomBytes(3).toString('hex')}`, a.ip ?? '', a.os ?? 'Windows 11 Pro', a.name.toLowerCase());
  return id;
}

/** xrdp's log as login evidence, from the launch on. */
export function xrdpLogProbe(xrdp: XrdpService): OutcomeProbe {
  return async ({ user }) => {
    const from = xrdp.logSize();
    const outcome = () => {
      const text = xrdp.log().slice(from);
      if (text.includes(`login successful for user ${user}`)) return 'logged_in' as const;
      if (text.includes(`login failed for user ${user}`)) return 'auth_failed' as const;
      return null;
    };
    // No outcome in 20 s is itself an answer (null), not a failure of the probe.
    return poll(outcome, Boolean, { timeoutMs: 20_000, everyMs: 25, what: 'a login line in the xrdp log' }).catch(() => null);
  };
}

export async function makeRdpHarness(env: Partial<RdpEnvironment> = {}) {
  const temp = makeTempDir('relais-rdp-core-');
  const core = createCore({ dataDir: temp.dir, host: 'web', policyFile: null });
  const tickets = createTicketFeature(core);
  const security = createSecurityFeature(core);
  const rdp = createRdpService(core, { tickets: tickets.port, vault: security.vault, audit: security.audit, env });
  const handlers = rdpHandlers(rdp);
  /** Calls a handler after validating the input against the contract, as the hosts do. */
  const call = async <N extends keyof typeof handlers>(name: N, input: unknown) => {
    const parsed = calls[name].input.parse(input);
    return (handlers[name] as (i: unknown, c: { clientId: string }) => unknown)(parsed, { clientId: 'test' }) as ReturnType<(typeof handlers)[N]>;
  };
  const logTicket = async (assetIds: string[]) =>
    (await tickets.handlers['tickets.logCall'](calls['tickets.logCall'].input.parse({ requesterName: 'Agent Test', subject: 'Écran figé', assetIds }), { clientId: 'test' })) as {
      id: string;
    };
  return {
    core,
    tickets,
    security,
    rdp,
    call,
    logTicket,
    async dispose() {
      await core.close();
      temp.cleanup();
    },
  };
}
