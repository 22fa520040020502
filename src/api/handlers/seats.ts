import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import { createSeatsService, type SeatsService } from '../../features/seats/service';
import { createRtSeatAssets } from '../../features/seats/rt-assets';
import { createGlpiSeatLicences } from '../../features/seats/glpi-licences';
import type { GlpiEntityMapping } from '../../features/sync/connectors/glpi-entities';
import { RelaisError } from '../../base/errors';

export interface SeatsFeature {
  handlers: HandlersFor<'seats'>;
  seats: SeatsService;
}

/** What the seats feature needs from the security feature (see handlers/security.ts). */
export interface SeatsSecurityDeps {
  vault: { get(id: string): Promise<string> };
  audit: { append(entry: { action: string; target?: string; ticketId?: string; details?: Record<string, unknown> }): unknown };
}

/** Remote-access seats: thin handlers over the seats service (src/features/seats). */
/** What it needs from the sync feature: the configured ITSM server (see handlers/sync.ts). */
export interface SeatsSyncDeps {
  itsmTarget(): { kind: string; url: string; token: () => Promise<string>; appToken?: () => Promise<string> } | null;
  /** Organisation code → GLPI entities_id (sync state `glpi.entities`, see glpi-entities.ts). */
  glpiEntities?(): GlpiEntityMapping;
}

const noServer = () => RelaisError.of('SEAT_RT_NOT_CONFIGURED');

/** What it needs from the tools feature: a finished run's output (see handlers/tools.ts). */
export interface SeatsToolsDeps {
  runs: { get(id: string): { run: { toolId: string; status: string }; output: string } };
}

const notGatewayRun = () =>
  RelaisError.of('SEAT_NOT_GATEWAY_RUN');

export function createSeatsFeature(core: Core, deps: { security: SeatsSecurityDeps; sync?: SeatsSyncDeps; tools?: SeatsToolsDeps }): SeatsFeature {
  const seats = createSeatsService({
    db: core.db,
    now: () => core.now(),
    actor: () => core.currentUser(),
    audit: deps.security.audit,
    vault: deps.security.vault,
    onChange: (poolId) => core.events.emit('seats.changed', { poolId }),
  });
  const handlers: HandlersFor<'seats'> = {
    'seats.organisations': () => ({ organisations: seats.organisations() }),
    'seats.pools': () => ({ pools: seats.listPools() }),
    'seats.createPool': (input) => seats.createPool(input),
    'seats.updatePool': ({ id, pool, expectedRevision }) => seats.updatePool(id, pool, expectedRevision),
    'seats.overview': ({ poolId }) => seats.overview(poolId),
    'seats.request': (input) => seats.request(input),
    'seats.overrideRequest': ({ requestId, reason }) => seats.overrideRequest(requestId, reason),
    'seats.cancelRequest': ({ requestId, reason }) => {
      seats.cancelRequest(requestId, reason);
      return { cancelled: true as const };
    },
    'seats.assign': (input) => seats.assign(input),
    'seats.renew': ({ seatId }) => seats.renew(seatId),
    'seats.transfer': ({ seatId, to, allowBorrow }) => seats.transfer(seatId, to, allowBorrow),
    'seats.revoke': async ({ seatId, reason, disconnect }) => {
      const r = await seats.revoke(seatId, reason, { disconnect });
      return { seat: r.seat, disconnected: r.disconnected, disconnectError: r.disconnectError ? r.disconnectError.toJSON() : null };
    },
    'seats.refreshLive': ({ poolId }) => seats.refreshLive(poolId),
    'seats.readGatewayRun': ({ poolId, runId }) => {
      const r = deps.tools?.runs.get(runId);
      if (!r || r.run.toolId !== 'win-rdgateway-connections' || r.run.status !== 'succeeded') throw notGatewayRun();
      return seats.recordGatewayOutput(poolId, r.output);
    },
    'seats.sync': () => syncSeats(),
    'seats.syncRt': () => syncSeats(),
    'seats.ofHolder': (who) => ({ seats: seats.seatsOf(who) }),
  };
  /** Pushes the seat outbox to the configured server: RT assets, or GLPI licences. */
  async function syncSeats() {
    const target = deps.sync?.itsmTarget();
    if (!target || (target.kind !== 'rt' && target.kind !== 'glpi')) throw noServer();
    let r: Awaited<ReturnType<typeof seats.pushSeats>>;
    if (target.kind === 'glpi') {
      const glpi = createGlpiSeatLicences({ url: target.url, userToken: target.token, appToken: target.appToken ?? (async () => ''), entities: () => deps.sync?.glpiEntities?.() ?? {} });
      try {
        r = await seats.pushSeats(glpi);
      } finally {
        await glpi.close();
      }
    } else {
      r = await seats.pushToRt(createRtSeatAssets({ url: target.url, token: target.token }));
    }
    return { pushed: r.pushed, pending: r.pending, stoppedBy: r.stoppedBy ? r.stoppedBy.toJSON() : null, attention: seats.outbox().attention };
  }
  return { handlers, seats };
}
