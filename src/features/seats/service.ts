/**
 * Remote-access seats on the local store (offline first: every change is a local SQLite
 * transaction, its audit row written inside it). Pools, seats, the waiting list ranked by the
 * shared `domain/waitlist` code, live usage read from the access systems, idle reclaim.
 * Decisions about capacity and quotas are taken inside an IMMEDIATE transaction, so two
 * consoles sharing the store can never both take the last seat.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import { RelaisError } from '../../base/errors';
import { formatMessage } from '../../base/messages';
import {
  checkAssignment,
  expiringSeats,
  expiryFor,
  liveSourceSchema,
  poolUsage,
  reclaimCandidates,
  type AssignVerdict,
  type OrgNames,
  type Pool,
  type PoolInput,
  type PoolUsage,
  type Seat,
} from '../../domain/seats';
import type { SeatFigures } from '../../domain/dashboard';
import { proposeAllocation, rankWaitlist, type RankCriterion, type Refusal, type ServiceTier, type WaitlistOverride } from '../../domain/waitlist';
import { killCommonName, readLive, type ManagementEndpoint } from './openvpn-mgmt';
import type { createRtSeatAssets } from './rt-assets';
import { parseGatewayConnections } from './rdgateway';
import type { SeatCharge, SeatPoolPlan, SeatServer } from './seat-server';

/** What the push needs from RT (src/features/seats/rt-assets.ts). */
export type RtSeatClient = Pick<ReturnType<typeof createRtSeatAssets>, 'ensure' | 'list' | 'assign' | 'release'>;

export interface SeatRequest {
  id: string;
  poolId: string;
  requesterName: string;
  requesterLogin: string;
  organisationId: string | null;
  serviceId: string | null;
  tier: ServiceTier | null;
  priority: number;
  reason: string;
  ticketId: string | null;
  requestedAt: string;
  status: 'waiting' | 'served' | 'cancelled';
  override: WaitlistOverride | null;
}

export interface LiveState {
  source: 'openvpn' | 'rd-gateway' | 'none';
  /** Logins connected now, with since when. */
  connected: { login: string; since: string | null; address: string | null }[];
  readAt: string | null;
  /** The last read failed: `connected` is the last known state. */
  error: { code: string; message: { fr: string; en: string } } | null;
}

export interface PoolOverview {
  pool: Pool;
  usage: PoolUsage;
  /** Could each organisation take one more seat now (without borrowing)? */
  verdicts: { organisationId: string; verdict: AssignVerdict }[];
  live: LiveState;
  seats: Seat[];
  waitlist: { request: SeatRequest; position: number; decidedBy: RankCriterion }[];
  /** The request proposed for the next seat (null: none can be served now), and those passed over with why. */
  proposal: { requestId: string | null; passedOver: { requestId: string; refusal: Refusal }[] };
  reclaim: { seatId: string; lastSeenAt: string | null; idleDays: number }[];
  expiring: string[];
}

export interface SeatsDeps {
  db: Db;
  now(): Date;
  actor(): string;
  audit: { append(entry: { action: string; target?: string; ticketId?: string; details?: Record<string, unknown> }): unknown };
  vault: { get(id: string): Promise<string> };
  onChange?(poolId: string): void;
}

const err = {
  poolNotFound: (id: string) => RelaisError.of('SEAT_POOL_NOT_FOUND', { id }, { id }),
  seatNotFound: (id: string) => RelaisError.of('SEAT_NOT_FOUND', { id }, { id }),
  requestNotFound: (id: string) => RelaisError.of('SEAT_REQUEST_NOT_FOUND', { id }, { id }),
  seatNotActive: (id: string) => RelaisError.of('SEAT_NOT_ACTIVE', { id }, { id }),
  refused: (v: Exclude<AssignVerdict, { ok: true }>, names: OrgNames) => {
    if (v.code === 'POOL_FULL') return RelaisError.of('SEAT_POOL_FULL', { used: v.params.used, capacity: v.params.capacity }, { verdict: v });
    const p = v.params;
    const org = names[p.organisationId] ?? p.organisationId;
    if (!p.lendable.length) return RelaisError.of('SEAT_QUOTA_FULL', { org, used: p.used, quota: p.quota }, { verdict: v });
    // Each lendable organisation worded in each language, then listed.
    const lend = (lang: 'fr' | 'en') =>
      p.lendable.map((l) => formatMessage(lang, l.free > 1 ? 'SEAT_LENDABLE_other' : 'SEAT_LENDABLE_one', { free: l.free, org: names[l.organisationId] ?? l.organisationId })).join(', ');
    return RelaisError.of('SEAT_QUOTA_FULL_lendable', { org, used: p.used, quota: p.quota, lends: { fr: lend('fr'), en: lend('en') } }, { verdict: v });
  },
  notHead: (headName: string) =>
    RelaisError.of('SEAT_NOT_NEXT', { headName }, { head: headName }),
  stale: () =>
    RelaisError.of('SEAT_POOL_CHANGED'),
  noLive: () =>
    RelaisError.of('SEAT_NO_LIVE_SOURCE'),
};

interface PoolRow {
  id: string;
  name: string;
  kind: Pool['kind'];
  capacity: number;
  validity_days: number;
  idle_days: number;
  live: string;
  revision: number;
}
interface SeatRow {
  id: string;
  pool_id: string;
  holder_name: string;
  holder_login: string;
  organisation_id: string | null;
  tier: number | null;
  reason: string;
  ticket_id: string | null;
  started_at: string;
  expires_at: string;
  status: Seat['status'];
  ended_at: string | null;
  end_reason: string | null;
  borrowed_from: string | null;
}
interface RequestRow {
  id: string;
  pool_id: string;
  requester_name: string;
  requester_login: string;
  person_id: string | null;
  organisation_id: string | null;
  service_id: string | null;
  tier: number | null;
  priority: number;
  reason: string;
  ticket_id: string | null;
  requested_at: string;
  status: SeatRequest['status'];
  override: string | null;
}

/** The pool's own columns, in the order both INSERT and UPDATE list them. */
const poolColumns = (input: PoolInput) => [input.name, input.kind, input.capacity, input.validityDays, input.idleDays, JSON.stringify(input.live)] as const;
const asTier = (n: number | null): ServiceTier | null => (n === 1 || n === 2 || n === 3 ? n : null);
const toSeat = (r: SeatRow): Seat => ({
  id: r.id,
  poolId: r.pool_id,
  holderName: r.holder_name,
  holderLogin: r.holder_login,
  organisationId: r.organisation_id,
  tier: asTier(r.tier),
  reason: r.reason,
  ticketId: r.ticket_id,
  startedAt: r.started_at,
  expiresAt: r.expires_at,
  status: r.status,
  endedAt: r.ended_at,
  endReason: r.end_reason,
  borrowedFrom: r.borrowed_from,
});
const toRequest = (r: RequestRow): SeatRequest => ({
  id: r.id,
  poolId: r.pool_id,
  requesterName: r.requester_name,
  requesterLogin: r.requester_login,
  organisationId: r.organisation_id,
  serviceId: r.service_id,
  tier: asTier(r.tier),
  priority: r.priority,
  reason: r.reason,
  ticketId: r.ticket_id,
  requestedAt: r.requested_at,
  status: r.status,
  override: r.override ? (JSON.parse(r.override) as WaitlistOverride) : null,
});

export interface RequestInput {
  poolId: string;
  requesterName: string;
  requesterLogin: string;
  personId?: string | null;
  organisationId?: string | null;
  serviceId?: string | null;
  tier?: ServiceTier | null;
  priority: number;
  reason: string;
  ticketId?: string | null;
}

export type SeatsService = ReturnType<typeof createSeatsService>;

export function createSeatsService(deps: SeatsDeps) {
  const { db } = deps;
  const live = new Map<string, LiveState>();
  const hasTable = (name: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  const changed = (poolId: string) => deps.onChange?.(poolId);

  const getPoolRow = (id: string) => db.prepare('SELECT * FROM seat_pools WHERE id = ?').get(id) as PoolRow | undefined;
  function toPool(r: PoolRow): Pool {
    const shares = (db.prepare('SELECT organisation_id, quota, lendable FROM seat_pool_shares WHERE pool_id = ? ORDER BY organisation_id').all(r.id) as { organisation_id: string; quota: number; lendable: number }[]).map((s) => ({
      organisationId: s.organisation_id,
      quota: s.quota,
      lendable: s.lendable === 1,
    }));
    return { id: r.id, name: r.name, kind: r.kind, capacity: r.capacity, validityDays: r.validity_days, idleDays: r.idle_days, shares, live: liveSourceSchema.parse(JSON.parse(r.live)), revision: r.revision };
  }
  function pool(id: string): Pool {
    const r = getPoolRow(id);
    if (!r) throw err.poolNotFound(id);
    return toPool(r);
  }
  const activeSeats = (poolId: string) => (db.prepare("SELECT * FROM seats WHERE pool_id = ? AND status = 'active' ORDER BY started_at").all(poolId) as SeatRow[]).map(toSeat);
  const seatRow = (id: string) => db.prepare('SELECT * FROM seats WHERE id = ?').get(id) as SeatRow | undefined;
  const waiting = (poolId: string) => (db.prepare("SELECT * FROM seat_requests WHERE pool_id = ? AND status = 'waiting'").all(poolId) as RequestRow[]).map(toRequest);

  /** Organisation names for messages: the organisation feature's table when present. */
  function orgNames(): OrgNames {
    if (!hasTable('organisations')) return {};
    return Object.fromEntries((db.prepare('SELECT id, code FROM organisations').all() as { id: string; code: string }[]).map((o) => [o.id, o.code]));
  }
  function organisations(): { id: string; name: string }[] {
    const names = orgNames();
    const ids = new Set([...Object.keys(names), ...(db.prepare('SELECT DISTINCT organisation_id AS id FROM seat_pool_shares').pluck().all() as string[])]);
    return [...ids].sort().map((id) => ({ id, name: names[id] ?? id }));
  }
  /** A service's organisation and tier, from the organisation feature's table when present. */
  function serviceInfo(serviceId: string): { organisationId: string | null; tier: ServiceTier | null } | null {
    if (!hasTable('org_units')) return null;
    const r = db.prepare('SELECT organisation_id, tier FROM org_units WHERE id = ?').get(serviceId) as { organisation_id: string; tier: number | null } | undefined;
    return r ? { organisationId: r.organisation_id, tier: asTier(r.tier) } : null;
  }

  /** Queues the change for the ITSM server, in the caller's transaction. */
  const enqueue = (op: 'assign' | 'release', seatId: string, poolId: string, login: string, organisationId: string | null) => {
    const name = (db.prepare('SELECT name FROM seat_pools WHERE id = ?').pluck().get(poolId) as string | undefined) ?? poolId;
    db.prepare('INSERT INTO seat_outbox (op, seat_id, pool_name, login, organisation_id, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(op, seatId, name, login, organisationId, deps.now().toISOString());
  };

  const audit = (action: string, target: string, ticketId: string | null, details: Record<string, unknown>) =>
    deps.audit.append({ action, target, ...(ticketId ? { ticketId } : {}), details });

  /** Active seats past their expiry become expired (each one audited). */
  const sweepExpired = db.transaction((poolId: string) => {
    const nowIso = deps.now().toISOString();
    const rows = db.prepare("SELECT * FROM seats WHERE pool_id = ? AND status = 'active' AND expires_at <= ?").all(poolId, nowIso) as SeatRow[];
    for (const r of rows) {
      db.prepare("UPDATE seats SET status = 'expired', ended_at = ?, end_reason = 'expired' WHERE id = ?").run(nowIso, r.id);
      enqueue('release', r.id, poolId, r.holder_login, r.organisation_id);
      audit('seat.expired', r.id, r.ticket_id, { poolId, holder: r.holder_login, expiresAt: r.expires_at });
    }
    return rows.length;
  });

  function writeShares(poolId: string, shares: PoolInput['shares']) {
    db.prepare('DELETE FROM seat_pool_shares WHERE pool_id = ?').run(poolId);
    const ins = db.prepare('INSERT INTO seat_pool_shares (pool_id, organisation_id, quota, lendable) VALUES (?, ?, ?, ?)');
    for (const s of shares) ins.run(poolId, s.organisationId, s.quota, s.lendable ? 1 : 0);
  }

  /** Runs `change` on a request still waiting, in one write transaction; returns its row. */
  function onWaitingRequest(requestId: string, change: (row: RequestRow) => void): RequestRow {
    return db
      .transaction(() => {
        const row = db.prepare("SELECT * FROM seat_requests WHERE id = ? AND status = 'waiting'").get(requestId) as RequestRow | undefined;
        if (!row) throw err.requestNotFound(requestId);
        change(row);
        return row;
      })
      .immediate();
  }

  function rankedFor(poolId: string) {
    return rankWaitlist(waiting(poolId).map((r) => ({ ...r, override: r.override })));
  }
  function proposal(p: Pool, seats: Seat[]) {
    const ranked = rankedFor(p.id);
    const proposed = proposeAllocation(ranked, (r) => {
      const v = checkAssignment(p, seats, r.organisationId);
      return v.ok ? { ok: true } : { ok: false, code: v.code, params: { used: v.params.used, ...('quota' in v.params ? { quota: v.params.quota, organisationId: v.params.organisationId } : { capacity: v.params.capacity }) } };
    });
    return { ranked, proposed };
  }

  const service = {
    organisations,
    orgNames,

    createPool(input: PoolInput): Pool {
      const id = uuidv7();
      const now = deps.now().toISOString();
      db.transaction(() => {
        db.prepare('INSERT INTO seat_pools (id, name, kind, capacity, validity_days, idle_days, live, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(id, ...poolColumns(input), now, now);
        writeShares(id, input.shares);
        audit('seat.pool.created', id, null, { name: input.name, kind: input.kind, capacity: input.capacity, shares: input.shares });
      }).immediate();
      changed(id);
      return pool(id);
    },

    /** Accepts a capacity below the seats in use: the overview then flags the over-allocation. */
    updatePool(id: string, input: PoolInput, expectedRevision?: number): Pool {
      db.transaction(() => {
        const cur = getPoolRow(id);
        if (!cur) throw err.poolNotFound(id);
        if (expectedRevision !== undefined && cur.revision !== expectedRevision) throw err.stale();
        db.prepare('UPDATE seat_pools SET name = ?, kind = ?, capacity = ?, validity_days = ?, idle_days = ?, live = ?, revision = revision + 1, updated_at = ? WHERE id = ?').run(...poolColumns(input), deps.now().toISOString(), id);
        writeShares(id, input.shares);
        audit('seat.pool.updated', id, null, { name: input.name, capacity: input.capacity, previousCapacity: cur.capacity, shares: input.shares });
      }).immediate();
      changed(id);
      return pool(id);
    },

    listPools(): Pool[] {
      return (db.prepare('SELECT * FROM seat_pools ORDER BY name').all() as PoolRow[]).map(toPool);
    },

    overview(poolId: string): PoolOverview {
      sweepExpired.immediate(poolId);
      const p = pool(poolId);
      const seats = activeSeats(poolId);
      const usage = poolUsage(p, seats);
      const { ranked, proposed } = proposal(p, seats);
      const liveState = live.get(poolId) ?? { source: p.live.kind, connected: [], readAt: null, error: null };
      const lastSeen = new Map((db.prepare('SELECT login, last_seen_at FROM seat_last_seen WHERE pool_id = ?').all(poolId) as { login: string; last_seen_at: string }[]).map((r) => [r.login, r.last_seen_at]));
      const connectedNow = new Set(liveState.connected.map((c) => c.login));
      const now = deps.now();
      return {
        pool: p,
        usage,
        verdicts: p.shares.map((s) => ({ organisationId: s.organisationId, verdict: checkAssignment(p, seats, s.organisationId) })),
        live: liveState,
        seats,
        waitlist: ranked.map((r) => ({ request: r.entry, position: r.position, decidedBy: r.decidedBy })),
        proposal: { requestId: proposed.proposed?.entry.id ?? null, passedOver: proposed.passedOver.map((x) => ({ requestId: x.ranked.entry.id, refusal: x.refusal })) },
        reclaim: reclaimCandidates(seats, lastSeen, connectedNow, p.idleDays, now).map((c) => ({ seatId: c.seat.id, lastSeenAt: c.lastSeenAt, idleDays: c.idleDays })),
        expiring: expiringSeats(seats, now).map((s) => s.id),
      };
    },

    /**
     * The dashboard's seats card: per pool, capacity, seats in use, waiting requests and the
     * organisations whose quota is used up. Read-only: seats past their expiry are not counted
     * (the next overview sweeps them), so computing the dashboard never writes.
     */
    figures(): SeatFigures {
      const nowIso = deps.now().toISOString();
      const names = orgNames();
      return {
        pools: (db.prepare('SELECT * FROM seat_pools ORDER BY name').all() as PoolRow[]).map(toPool).map((p) => {
          const usage = poolUsage(p, activeSeats(p.id).filter((s) => s.expiresAt > nowIso));
          return {
            id: p.id,
            name: p.name,
            capacity: p.capacity,
            used: usage.used,
            waiting: db.prepare("SELECT count(*) FROM seat_requests WHERE pool_id = ? AND status = 'waiting'").pluck().get(p.id) as number,
            quotaReached: usage.shares.filter((sh) => sh.quota > 0 && sh.used >= sh.quota).map((sh) => ({ organisationId: sh.organisationId, label: names[sh.organisationId] ?? sh.organisationId })),
          };
        }),
      };
    },

    /** A call asks for a seat: it joins the waiting list, ranked by the shared code. */
    request(input: RequestInput): SeatRequest {
      const p = pool(input.poolId);
      const fromService = input.serviceId ? serviceInfo(input.serviceId) : null;
      const id = uuidv7();
      const row = {
        id,
        pool_id: p.id,
        requester_name: input.requesterName,
        requester_login: input.requesterLogin,
        person_id: input.personId ?? null,
        organisation_id: fromService?.organisationId ?? input.organisationId ?? null,
        service_id: input.serviceId ?? null,
        tier: fromService?.tier ?? input.tier ?? null,
        priority: input.priority,
        reason: input.reason,
        ticket_id: input.ticketId ?? null,
        requested_at: deps.now().toISOString(),
      };
      db.transaction(() => {
        db.prepare(
          "INSERT INTO seat_requests (id, pool_id, requester_name, requester_login, person_id, organisation_id, service_id, tier, priority, reason, ticket_id, requested_at, status) VALUES (@id, @pool_id, @requester_name, @requester_login, @person_id, @organisation_id, @service_id, @tier, @priority, @reason, @ticket_id, @requested_at, 'waiting')",
        ).run(row);
        audit('seat.requested', id, row.ticket_id, { poolId: p.id, requester: row.requester_login, organisationId: row.organisation_id, tier: row.tier, priority: row.priority });
      }).immediate();
      changed(p.id);
      return toRequest({ ...row, status: 'waiting', override: null });
    },

    /** Moves a request to the head of the list; the reason is recorded and audited. */
    overrideRequest(requestId: string, reason: string): SeatRequest {
      const override: WaitlistOverride = { reason, by: deps.actor(), at: deps.now().toISOString() };
      const r = onWaitingRequest(requestId, (row) => {
        db.prepare('UPDATE seat_requests SET override = ? WHERE id = ?').run(JSON.stringify(override), requestId);
        audit('seat.request.overridden', requestId, row.ticket_id, { poolId: row.pool_id, reason });
      });
      changed(r.pool_id);
      return toRequest({ ...r, override: JSON.stringify(override) });
    },

    cancelRequest(requestId: string, reason: string): void {
      const r = onWaitingRequest(requestId, (row) => {
        db.prepare("UPDATE seat_requests SET status = 'cancelled', closed_at = ? WHERE id = ?").run(deps.now().toISOString(), requestId);
        audit('seat.request.cancelled', requestId, row.ticket_id, { poolId: row.pool_id, reason });
      });
      changed(r.pool_id);
    },

    /**
     * Gives a seat to a waiting request (or directly to a holder). A request that is not the
     * one proposed needs an override reason. Capacity and quota are checked inside the write
     * transaction; borrowing another organisation's lendable share must be asked for.
     */
    assign(input: {
      poolId: string;
      requestId?: string;
      holder?: { name: string; login: string; personId?: string | null; organisationId: string | null; tier?: ServiceTier | null; reason: string; ticketId?: string | null };
      allowBorrow?: boolean;
      overrideReason?: string;
    }): Seat {
      const id = uuidv7();
      const seat = db.transaction((): Seat => {
        sweepExpired(input.poolId);
        const p = pool(input.poolId);
        const seats = activeSeats(p.id);
        let holder = input.holder;
        let req: RequestRow | undefined;
        if (input.requestId) {
          req = db.prepare("SELECT * FROM seat_requests WHERE id = ? AND pool_id = ? AND status = 'waiting'").get(input.requestId, p.id) as RequestRow | undefined;
          if (!req) throw err.requestNotFound(input.requestId);
          const { ranked, proposed } = proposal(p, seats);
          const head = proposed.proposed?.entry ?? ranked[0]?.entry;
          if (head && head.id !== req.id && !input.overrideReason) throw err.notHead(head.requesterName);
          holder = { name: req.requester_name, login: req.requester_login, personId: req.person_id, organisationId: req.organisation_id, tier: asTier(req.tier), reason: req.reason, ticketId: req.ticket_id };
        }
        if (!holder) throw err.requestNotFound('');
        const v = checkAssignment(p, seats, holder.organisationId, { allowBorrow: input.allowBorrow });
        if (!v.ok) throw err.refused(v, orgNames());
        const now = deps.now();
        const row: SeatRow = {
          id,
          pool_id: p.id,
          holder_name: holder.name,
          holder_login: holder.login,
          organisation_id: holder.organisationId,
          tier: holder.tier ?? null,
          reason: holder.reason,
          ticket_id: holder.ticketId ?? null,
          started_at: now.toISOString(),
          expires_at: expiryFor(p.validityDays, now),
          status: 'active',
          ended_at: null,
          end_reason: null,
          borrowed_from: v.borrowedFrom,
        };
        db.prepare(
          'INSERT INTO seats (id, pool_id, holder_name, holder_login, person_id, organisation_id, tier, reason, ticket_id, request_id, started_at, expires_at, status, borrowed_from, assigned_by) VALUES (@id, @pool_id, @holder_name, @holder_login, @person_id, @organisation_id, @tier, @reason, @ticket_id, @request_id, @started_at, @expires_at, @status, @borrowed_from, @assigned_by)',
        ).run({ ...row, person_id: holder.personId ?? null, request_id: req?.id ?? null, assigned_by: deps.actor() });
        enqueue('assign', id, p.id, row.holder_login, row.organisation_id);
        if (req) {
          if (input.overrideReason) db.prepare('UPDATE seat_requests SET override = ? WHERE id = ?').run(JSON.stringify({ reason: input.overrideReason, by: deps.actor(), at: now.toISOString() }), req.id);
          db.prepare("UPDATE seat_requests SET status = 'served', seat_id = ?, closed_at = ? WHERE id = ?").run(id, now.toISOString(), req.id);
        }
        audit('seat.assigned', id, row.ticket_id, {
          poolId: p.id,
          holder: row.holder_login,
          organisationId: row.organisation_id,
          expiresAt: row.expires_at,
          ...(req ? { requestId: req.id } : {}),
          ...(v.borrowedFrom ? { borrowedFrom: v.borrowedFrom } : {}),
          ...(input.overrideReason ? { overrideReason: input.overrideReason } : {}),
        });
        return toSeat(row);
      }).immediate();
      changed(input.poolId);
      return seat;
    },

    renew(seatId: string): Seat {
      const s = db.transaction(() => {
        const r = seatRow(seatId);
        if (!r) throw err.seatNotFound(seatId);
        if (r.status !== 'active') throw err.seatNotActive(seatId);
        const expires = expiryFor(pool(r.pool_id).validityDays, deps.now(), r.expires_at);
        db.prepare('UPDATE seats SET expires_at = ? WHERE id = ?').run(expires, seatId);
        audit('seat.renewed', seatId, r.ticket_id, { poolId: r.pool_id, holder: r.holder_login, previousExpiry: r.expires_at, expiresAt: expires });
        return toSeat({ ...r, expires_at: expires });
      }).immediate();
      changed(s.poolId);
      return s;
    },

    /** Moves a seat to another agent; the new holder's organisation must have room. */
    transfer(seatId: string, to: { name: string; login: string; organisationId: string | null; reason: string }, allowBorrow = false): Seat {
      const s = db.transaction(() => {
        const r = seatRow(seatId);
        if (!r) throw err.seatNotFound(seatId);
        if (r.status !== 'active') throw err.seatNotActive(seatId);
        const p = pool(r.pool_id);
        const others = activeSeats(p.id).filter((x) => x.id !== seatId);
        const v = checkAssignment(p, others, to.organisationId, { allowBorrow });
        if (!v.ok) throw err.refused(v, orgNames());
        db.prepare('UPDATE seats SET holder_name = ?, holder_login = ?, organisation_id = ?, borrowed_from = ?, reason = ? WHERE id = ?').run(to.name, to.login, to.organisationId, v.borrowedFrom, to.reason, seatId);
        enqueue('release', seatId, p.id, r.holder_login, r.organisation_id);
        enqueue('assign', seatId, p.id, to.login, to.organisationId);
        audit('seat.transferred', seatId, r.ticket_id, { poolId: p.id, from: r.holder_login, to: to.login, organisationId: to.organisationId, reason: to.reason });
        return toSeat({ ...r, holder_name: to.name, holder_login: to.login, organisation_id: to.organisationId, borrowed_from: v.borrowedFrom, reason: to.reason });
      }).immediate();
      changed(s.poolId);
      return s;
    },

    /**
     * Revokes a seat (reclaim, departure…). With `disconnect`, the live session is ended too
     * (OpenVPN `kill <CN>`), and that is audited separately with its outcome. The seat is
     * revoked even when the disconnection fails: the result says so.
     */
    async revoke(seatId: string, reason: string, opts: { disconnect?: boolean } = {}): Promise<{ seat: Seat; disconnected: boolean | null; disconnectError: RelaisError | null }> {
      const s = db.transaction(() => {
        const r = seatRow(seatId);
        if (!r) throw err.seatNotFound(seatId);
        if (r.status !== 'active') throw err.seatNotActive(seatId);
        const now = deps.now().toISOString();
        db.prepare("UPDATE seats SET status = 'revoked', ended_at = ?, end_reason = ? WHERE id = ?").run(now, reason, seatId);
        enqueue('release', seatId, r.pool_id, r.holder_login, r.organisation_id);
        audit('seat.revoked', seatId, r.ticket_id, { poolId: r.pool_id, holder: r.holder_login, reason });
        return toSeat({ ...r, status: 'revoked', ended_at: now, end_reason: reason });
      }).immediate();
      changed(s.poolId);
      if (!opts.disconnect) return { seat: s, disconnected: null, disconnectError: null };
      const p = pool(s.poolId);
      try {
        if (p.live.kind !== 'openvpn') throw err.noLive();
        const killed = await killCommonName(endpointOf(p), s.holderLogin);
        audit('seat.disconnected', seatId, s.ticketId, { poolId: p.id, holder: s.holderLogin, sessionFound: killed });
        const state = live.get(p.id);
        if (state) live.set(p.id, { ...state, connected: state.connected.filter((c) => c.login !== s.holderLogin) });
        changed(p.id);
        return { seat: s, disconnected: killed, disconnectError: null };
      } catch (e) {
        const re = e instanceof RelaisError ? e : RelaisError.of('OPENVPN_UNREACHABLE_unexpected', { detail: String(e) });
        audit('seat.disconnect-failed', seatId, s.ticketId, { poolId: p.id, holder: s.holderLogin, code: re.code });
        return { seat: s, disconnected: false, disconnectError: re };
      }
    },

    /** Reads who is connected now from the pool's access system; keeps the last state on failure. */
    async refreshLive(poolId: string): Promise<LiveState> {
      const p = pool(poolId);
      const prev = live.get(poolId) ?? { source: p.live.kind, connected: [], readAt: null, error: null };
      if (p.live.kind !== 'openvpn') {
        const state: LiveState = { ...prev, error: err.noLive().toJSON() };
        live.set(poolId, state);
        return state;
      }
      try {
        const snap = await readLive(endpointOf(p));
        return recordLive(poolId, 'openvpn', snap.clients.map((c) => ({ login: c.commonName, since: c.connectedSince, address: c.realAddress || null })));
      } catch (e) {
        const re = e instanceof RelaisError ? e : RelaisError.of('OPENVPN_UNREACHABLE_unexpected', { detail: String(e) });
        const state: LiveState = { ...prev, source: 'openvpn', error: re.toJSON() };
        live.set(poolId, state);
        changed(poolId);
        return state;
      }
    },

    /** Changes waiting for the ITSM server, and those a person must look at. */
    outbox(): { pending: number; attention: { seq: number; op: string; login: string; pool: string; message: string }[] } {
      const pending = db.prepare('SELECT count(*) FROM seat_outbox WHERE done_at IS NULL AND attention IS NULL').pluck().get() as number;
      const attention = (db.prepare('SELECT seq, op, login, pool_name, attention FROM seat_outbox WHERE attention IS NOT NULL AND done_at IS NULL ORDER BY seq').all() as { seq: number; op: string; login: string; pool_name: string; attention: string }[]).map((r) => ({
        seq: r.seq,
        op: r.op,
        login: r.login,
        pool: r.pool_name,
        message: r.attention,
      }));
      return { pending, attention };
    },

    /**
     * Pushes the queued seat changes to the ITSM server holding the seats (RT assets or GLPI
     * licences, through a `SeatServer`), in order, exactly once: before giving a seat, it asks
     * whether the agent already holds one in that pool (a previous push whose answer was
     * lost); releasing a seat nobody holds is a no-op. A server that cannot be reached stops
     * the push and keeps the queue; a lost race (another console took the last seat, the
     * server's `raceCode`) parks the change for a person, audited.
     */
    async pushSeats(server: SeatServer): Promise<{ pushed: number; pending: number; stoppedBy: RelaisError | null }> {
      let pushed = 0;
      const prepared = new Set<string>();
      for (;;) {
        const row = db.prepare('SELECT * FROM seat_outbox WHERE done_at IS NULL AND attention IS NULL ORDER BY seq LIMIT 1').get() as
          | { seq: number; op: 'assign' | 'release'; seat_id: string; pool_name: string; login: string; organisation_id: string | null }
          | undefined;
        if (!row) break;
        try {
          if (row.op === 'assign') {
            if (!prepared.has(row.pool_name)) {
              const plan = poolPlan(row.pool_name);
              if (plan) await server.prepare(plan);
              prepared.add(row.pool_name);
            }
            if (!(await server.holds(row.pool_name, row.login))) await server.assign(row.pool_name, row.login, chargeOf(row.seat_id, row.organisation_id));
          } else {
            await server.release(row.pool_name, row.login);
          }
          db.prepare('UPDATE seat_outbox SET done_at = ? WHERE seq = ?').run(deps.now().toISOString(), row.seq);
          pushed++;
        } catch (e) {
          const re = e instanceof RelaisError ? e : RelaisError.of(server.kind === 'rt' ? 'SEAT_RT_ERROR_unexpected' : 'SEAT_GLPI_ERROR_unexpected', { detail: String(e) });
          if (re.code === server.raceCode) {
            db.transaction(() => {
              db.prepare('UPDATE seat_outbox SET attention = ? WHERE seq = ?').run(re.messages.fr, row.seq);
              audit('seat.sync.race', row.seat_id, null, { pool: row.pool_name, holder: row.login, server: server.kind });
            })();
            continue;
          }
          return { pushed, pending: service.outbox().pending, stoppedBy: re };
        }
      }
      return { pushed, pending: service.outbox().pending, stoppedBy: null };
    },

    /** `pushSeats` to RT assets; `capacityOf` says how many assets a pool needs. */
    pushToRt(rt: RtSeatClient, capacityOf: (poolName: string) => number | null = (name) => poolPlan(name)?.capacity ?? null) {
      return service.pushSeats({
        kind: 'rt',
        raceCode: 'SEAT_RT_NONE_FREE',
        prepare: async (plan) => {
          const cap = capacityOf(plan.name);
          if (cap !== null) await rt.ensure(plan.name, cap);
        },
        holds: async (pool, login) => (await rt.list(pool)).some((a) => a.heldBy === login),
        assign: (pool, login, charge) => rt.assign(pool, login, charge.organisationId),
        release: (pool, login) => rt.release(pool, login),
      });
    },

    /**
     * Live use of an RD Gateway pool from a run of the `win-rdgateway-connections` tool (run
     * through the tool runners, on the gateway or an admin PC): its output is parsed here.
     */
    recordGatewayOutput(poolId: string, output: string): LiveState {
      pool(poolId);
      return recordLive(poolId, 'rd-gateway', parseGatewayConnections(output).map((c) => ({ login: c.login, since: c.connectedSince, address: c.clientAddress })));
    },

    /** The seats an agent holds (the caller panel shows them). */
    seatsOf(who: { login?: string; personId?: string }): (Seat & { poolName: string })[] {
      const [col, value] = who.personId ? ['s.person_id', who.personId] : ['s.holder_login', who.login ?? ''];
      const rows = db.prepare(`SELECT s.*, p.name AS pool_name FROM seats s JOIN seat_pools p ON p.id = s.pool_id WHERE ${col} = ? AND s.status = 'active' ORDER BY s.started_at`).all(value) as (SeatRow & { pool_name: string })[];
      return rows.map((r) => ({ ...toSeat(r), poolName: r.pool_name }));
    },
  };

  /** Who is connected now; each login's last-seen time is kept for idle reclaim. */
  function recordLive(poolId: string, source: LiveState['source'], connected: LiveState['connected']): LiveState {
    const readAt = deps.now().toISOString();
    const state: LiveState = { source, connected, readAt, error: null };
    const upsert = db.prepare('INSERT INTO seat_last_seen (pool_id, login, last_seen_at) VALUES (?, ?, ?) ON CONFLICT(pool_id, login) DO UPDATE SET last_seen_at = excluded.last_seen_at');
    db.transaction(() => {
      for (const c of connected) upsert.run(poolId, c.login, readAt);
    })();
    live.set(poolId, state);
    changed(poolId);
    return state;
  }

  /** The pool as the ITSM server should hold it (organisations by code), null when it no longer exists here. */
  function poolPlan(name: string): SeatPoolPlan | null {
    const row = db.prepare('SELECT * FROM seat_pools WHERE name = ?').get(name) as PoolRow | undefined;
    if (!row) return null;
    const p = toPool(row);
    const names = orgNames();
    return { name: p.name, capacity: p.capacity, shares: p.shares.map((s) => ({ organisation: names[s.organisationId] ?? s.organisationId, quota: s.quota })) };
  }

  /** Whom a queued seat goes to; a borrowed seat counts on the lender's share. */
  function chargeOf(seatId: string, organisationId: string | null): SeatCharge {
    const names = orgNames();
    const borrowedFrom = (db.prepare('SELECT borrowed_from FROM seats WHERE id = ?').pluck().get(seatId) as string | null | undefined) ?? null;
    const code = (id: string | null) => (id ? (names[id] ?? id) : null);
    return { organisationId, organisation: code(organisationId), chargedTo: code(borrowedFrom ?? organisationId) };
  }

  function endpointOf(p: Pool): ManagementEndpoint {
    if (p.live.kind !== 'openvpn') throw err.noLive();
    const credentialId = p.live.credentialId;
    return { host: p.live.host, port: p.live.port, password: async () => (credentialId ? deps.vault.get(credentialId) : null) };
  }

  return service;
}
