/**
 * What the seats outbox drain (service.ts `pushSeats`) needs from the ITSM server holding the
 * seats: Request Tracker assets (rt-assets.ts) or GLPI licences (glpi-licences.ts). One
 * drain, two adapters: the order, exactly-once and race handling live in the drain only.
 */
import { RelaisError } from '../../base/errors';
import { SyncError } from '../sync/types';

/** A pool as the server should hold it: capacity and, per organisation (code), its quota. */
export interface SeatPoolPlan {
  name: string;
  capacity: number;
  shares: { organisation: string; quota: number }[];
}

/** Whom a seat goes to, and which organisation's share it counts on (a borrowed seat counts on the lender's). */
export interface SeatCharge {
  organisationId: string | null;
  /** The holder's organisation code ("Ville"), null when none. */
  organisation: string | null;
  /** The organisation code whose share the seat uses (the lender's when borrowed). */
  chargedTo: string | null;
}

export interface SeatServer {
  readonly kind: 'rt' | 'glpi';
  /** Code of the error an adapter throws when another console took the last seat: the drain parks such a change for a person. */
  readonly raceCode: string;
  /** Creates or adjusts the pool on the server (idempotent). */
  prepare(plan: SeatPoolPlan): Promise<unknown>;
  /** Does `login` already hold a seat of the pool there (a previous push whose answer was lost)? */
  holds(pool: string, login: string): Promise<boolean>;
  assign(pool: string, login: string, charge: SeatCharge): Promise<unknown>;
  /** Frees the seat `login` holds; false when there was none. */
  release(pool: string, login: string): Promise<boolean>;
}

/** The two errors every seat adapter reports the same way, worded for its server (`SEAT_RT_*`, `SEAT_GLPI_*`). */
export function seatServerErrors(server: { code: 'RT' | 'GLPI'; catalog?: string }) {
  return {
    offline: (e: SyncError) => RelaisError.of(`SEAT_${server.code}_OFFLINE`, { detail: e.message.slice(0, 120) }, { kind: e.kind }),
    server: (e: SyncError) =>
      RelaisError.of(`SEAT_${server.code}_ERROR`, { status: e.status ?? e.kind, detail: e.message.slice(0, 200), catalog: server.catalog ?? '' }, { kind: e.kind, status: e.status }),
  };
}

/** Runs a server call; a SyncError becomes "offline" (transient: retried later) or "refused". */
export function seatErrorWrapper(errors: ReturnType<typeof seatServerErrors>) {
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SyncError) throw e.kind === 'transient' ? errors.offline(e) : errors.server(e);
      throw e;
    }
  };
}
