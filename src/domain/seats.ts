/**
 * Remote-access seats: pure rules. A pool (VPN, passerelle RDS, applications publiées…) has a
 * capacity and, optionally, a guaranteed quota per organisation, each quota saying whether
 * its unused part may be lent to the other organisations. Capacity left over after the quotas
 * is common to all. Relais never assigns beyond the capacity nor beyond a quota: a seat past
 * an organisation's own quota is taken from the common part, or — only when asked — borrowed
 * from another organisation's lendable unused share.
 */
import { z } from 'zod';
import { serviceTierSchema } from './waitlist';

export const poolKindSchema = z.enum(['vpn', 'rd-gateway', 'published-apps', 'other']);
export type PoolKind = z.infer<typeof poolKindSchema>;

const orgId = z.string().trim().min(1).max(64);

export const poolShareSchema = z.object({
  organisationId: orgId,
  quota: z.number().int().min(0).max(100_000),
  /** May the unused part of this quota be lent to the other organisations? */
  lendable: z.boolean(),
});
export type PoolShare = z.infer<typeof poolShareSchema>;

export const liveSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('openvpn'),
    host: z.string().trim().min(1).max(255),
    port: z.number().int().min(1).max(65_535),
    /** Vault entry holding the management password (never the password itself). */
    credentialId: z.string().min(1).max(64).nullable(),
  }),
  z.object({ kind: z.literal('rd-gateway'), host: z.string().trim().min(1).max(255) }),
]);
export type LiveSource = z.infer<typeof liveSourceSchema>;

export const poolInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    kind: poolKindSchema,
    capacity: z.number().int().min(0).max(100_000),
    /** Seats expire this many days after they start, unless renewed. */
    validityDays: z.number().int().min(1).max(3650).default(90),
    /** Seats whose holder has not connected for this many days are proposed for reclaim. */
    idleDays: z.number().int().min(1).max(3650).default(30),
    shares: z.array(poolShareSchema).max(20).default([]),
    live: liveSourceSchema.default({ kind: 'none' }),
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    for (const s of p.shares) {
      if (ids.has(s.organisationId)) ctx.addIssue({ code: 'custom', path: ['shares'], message: `organisation ${s.organisationId} listed twice` });
      ids.add(s.organisationId);
    }
    const total = p.shares.reduce((n, s) => n + s.quota, 0);
    if (total > p.capacity) ctx.addIssue({ code: 'custom', path: ['shares'], message: `the quotas (${total}) exceed the capacity (${p.capacity})` });
  });
export type PoolInput = z.output<typeof poolInputSchema>;

export const poolSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: poolKindSchema,
  capacity: z.number().int(),
  validityDays: z.number().int(),
  idleDays: z.number().int(),
  shares: z.array(poolShareSchema),
  live: liveSourceSchema,
  revision: z.number().int(),
});
export type Pool = z.infer<typeof poolSchema>;

export const seatStatusSchema = z.enum(['active', 'revoked', 'expired']);
export const seatSchema = z.object({
  id: z.string(),
  poolId: z.string(),
  holderName: z.string(),
  /** The login the access system reports (OpenVPN Common Name, gateway user name). */
  holderLogin: z.string(),
  organisationId: z.string().nullable(),
  tier: serviceTierSchema.nullable(),
  reason: z.string(),
  ticketId: z.string().nullable(),
  startedAt: z.string(),
  expiresAt: z.string(),
  status: seatStatusSchema,
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  /** The organisation whose lendable share this seat borrows, if any. */
  borrowedFrom: z.string().nullable(),
});
export type Seat = z.infer<typeof seatSchema>;

/** The seats that count against a pool: active ones. */
type Holding = Pick<Seat, 'organisationId' | 'borrowedFrom'>;

export interface ShareUsage {
  organisationId: string;
  quota: number;
  lendable: boolean;
  /** Active seats of this organisation (own share, common part and borrowed ones). */
  used: number;
  /** Its seats beyond its quota. */
  overQuota: number;
  /** Unused part of its quota that other organisations have borrowed. */
  lent: number;
  /** Unused part still free for itself (and, if lendable, for others). */
  free: number;
}

export interface PoolUsage {
  capacity: number;
  used: number;
  free: number;
  /** Capacity not reserved by any quota. */
  common: number;
  commonFree: number;
  shares: ShareUsage[];
  /** Seats in use beyond the capacity (pool shrunk below its seats): to take back. */
  overAllocated: number;
}

/**
 * Where every active seat sits. Seats beyond an organisation's quota take the common part
 * first; what is left is attributed to the share it was borrowed from (or, for older seats
 * without a lender, to lendable shares in order), never double-counted.
 */
export function poolUsage(pool: Pick<Pool, 'capacity' | 'shares'>, seats: readonly Holding[]): PoolUsage {
  const quotaTotal = pool.shares.reduce((n, s) => n + s.quota, 0);
  const common = Math.max(0, pool.capacity - quotaTotal);
  const usedBy = new Map<string, number>();
  const borrowedFrom = new Map<string, number>();
  for (const s of seats) {
    const key = s.organisationId ?? '';
    usedBy.set(key, (usedBy.get(key) ?? 0) + 1);
    if (s.borrowedFrom) borrowedFrom.set(s.borrowedFrom, (borrowedFrom.get(s.borrowedFrom) ?? 0) + 1);
  }
  const shareIds = new Set(pool.shares.map((s) => s.organisationId));
  let overflow = 0;
  for (const [org, n] of usedBy) {
    const quota = shareIds.has(org) ? pool.shares.find((s) => s.organisationId === org)!.quota : 0;
    overflow += Math.max(0, n - quota);
  }
  const borrowedTotal = [...borrowedFrom.values()].reduce((a, b) => a + b, 0);
  // Overflow not explained by explicit borrowing sits in the common part.
  const commonUsed = Math.min(common, Math.max(0, overflow - borrowedTotal));
  let unattributed = Math.max(0, overflow - borrowedTotal - commonUsed);
  const shares: ShareUsage[] = pool.shares.map((s) => {
    const used = usedBy.get(s.organisationId) ?? 0;
    const unused = Math.max(0, s.quota - used);
    let lent = Math.min(unused, borrowedFrom.get(s.organisationId) ?? 0);
    const extra = s.lendable ? Math.min(unused - lent, unattributed) : 0;
    lent += extra;
    unattributed -= extra;
    return { organisationId: s.organisationId, quota: s.quota, lendable: s.lendable, used, overQuota: Math.max(0, used - s.quota), lent, free: unused - lent };
  });
  const used = seats.length;
  return {
    capacity: pool.capacity,
    used,
    free: Math.max(0, pool.capacity - used),
    common,
    commonFree: Math.max(0, common - commonUsed),
    shares,
    overAllocated: Math.max(0, used - pool.capacity),
  };
}

export type AssignVerdict =
  | { ok: true; borrowedFrom: string | null }
  | { ok: false; code: 'POOL_FULL'; params: { used: number; capacity: number } }
  | { ok: false; code: 'QUOTA_FULL'; params: { organisationId: string; used: number; quota: number; lendable: { organisationId: string; free: number }[] } };

/**
 * May `organisationId` take one more seat? Its own quota first, then the common part; past
 * that, only with `allowBorrow`, from another organisation's lendable unused share.
 */
export function checkAssignment(pool: Pick<Pool, 'capacity' | 'shares'>, seats: readonly Holding[], organisationId: string | null, opts: { allowBorrow?: boolean } = {}): AssignVerdict {
  const u = poolUsage(pool, seats);
  if (u.used >= pool.capacity) return { ok: false, code: 'POOL_FULL', params: { used: u.used, capacity: pool.capacity } };
  const own = organisationId ? u.shares.find((s) => s.organisationId === organisationId) : undefined;
  if (own && own.free > 0) return { ok: true, borrowedFrom: null };
  if (u.commonFree > 0) return { ok: true, borrowedFrom: null };
  const lendable = u.shares.filter((s) => s.lendable && s.free > 0 && s.organisationId !== organisationId).map((s) => ({ organisationId: s.organisationId, free: s.free }));
  if (opts.allowBorrow && lendable.length > 0) return { ok: true, borrowedFrom: lendable[0]!.organisationId };
  if (!own && pool.shares.length === 0) return { ok: false, code: 'POOL_FULL', params: { used: u.used, capacity: pool.capacity } };
  return { ok: false, code: 'QUOTA_FULL', params: { organisationId: organisationId ?? '', used: own?.used ?? 0, quota: own?.quota ?? 0, lendable } };
}

/** Names of organisations by id, for messages ("Ville", "Métropole"); the renderer words the verdicts (renderer/features/seats/wording.ts). */
export type OrgNames = Record<string, string>;

// --- Validity and reclaim -------------------------------------------------------------------

const DAY = 86_400_000;

/** A new or renewed seat's expiry: `validityDays` from now (a renewal never shortens it). */
export function expiryFor(validityDays: number, now: Date, currentExpiry?: string): string {
  const next = now.getTime() + validityDays * DAY;
  const cur = currentExpiry ? Date.parse(currentExpiry) : NaN;
  return new Date(Number.isNaN(cur) ? next : Math.max(next, cur)).toISOString();
}

export const isExpired = (seat: Pick<Seat, 'expiresAt'>, now: Date) => Date.parse(seat.expiresAt) <= now.getTime();

/** Active seats expiring within `withinDays`, soonest first. */
export function expiringSeats<S extends Pick<Seat, 'expiresAt' | 'status'>>(seats: readonly S[], now: Date, withinDays = 7): S[] {
  const limit = now.getTime() + withinDays * DAY;
  return seats.filter((s) => s.status === 'active' && Date.parse(s.expiresAt) <= limit).sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt));
}

export interface ReclaimCandidate<S> {
  seat: S;
  /** Last time the holder was seen connected; null if never since the seat started. */
  lastSeenAt: string | null;
  idleDays: number;
}

/**
 * Active seats whose holder has not connected for `idleDays` (counted from the seat's start
 * when never seen), longest idle first. Someone connected now is never proposed.
 */
export function reclaimCandidates<S extends Pick<Seat, 'status' | 'startedAt' | 'holderLogin'>>(
  seats: readonly S[],
  lastSeen: ReadonlyMap<string, string>,
  connectedNow: ReadonlySet<string>,
  idleDays: number,
  now: Date,
): ReclaimCandidate<S>[] {
  const out: ReclaimCandidate<S>[] = [];
  for (const seat of seats) {
    if (seat.status !== 'active' || connectedNow.has(seat.holderLogin)) continue;
    const seen = lastSeen.get(seat.holderLogin) ?? null;
    const since = Math.max(Date.parse(seat.startedAt), seen ? Date.parse(seen) : 0);
    const idle = Math.floor((now.getTime() - since) / DAY);
    if (idle >= idleDays) out.push({ seat, lastSeenAt: seen, idleDays: idle });
  }
  return out.sort((a, b) => b.idleDays - a.idleDays);
}
