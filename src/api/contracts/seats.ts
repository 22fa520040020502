/**
 * Remote-access seats: pools, seats, the waiting list, live usage and reclaim. Inputs are
 * strict; outputs carry codes and numbers, the renderer words them with `domain/seats` and
 * `domain/waitlist` in the user's language.
 */
import { z } from 'zod';
import { call, event } from '../contract-kit';
import { errorSchema } from '../../base/errors';
import { poolInputSchema, poolSchema, seatSchema } from '../../domain/seats';
import { serviceTierSchema, waitlistOverrideSchema } from '../../domain/waitlist';

const id = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);
/** A login as the access system reports it (OpenVPN Common Name, gateway DOMAIN\\user). */
const login = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\s"']+$/, 'no spaces or quotes');

const shareUsage = z.object({
  organisationId: z.string(),
  quota: z.number().int(),
  lendable: z.boolean(),
  used: z.number().int(),
  overQuota: z.number().int(),
  lent: z.number().int(),
  free: z.number().int(),
});
const usageSchema = z.object({
  capacity: z.number().int(),
  used: z.number().int(),
  free: z.number().int(),
  common: z.number().int(),
  commonFree: z.number().int(),
  shares: z.array(shareUsage),
  overAllocated: z.number().int(),
});
const verdictSchema = z.union([
  z.object({ ok: z.literal(true), borrowedFrom: z.string().nullable() }),
  z.object({ ok: z.literal(false), code: z.literal('POOL_FULL'), params: z.object({ used: z.number(), capacity: z.number() }) }),
  z.object({
    ok: z.literal(false),
    code: z.literal('QUOTA_FULL'),
    params: z.object({ organisationId: z.string(), used: z.number(), quota: z.number(), lendable: z.array(z.object({ organisationId: z.string(), free: z.number() })) }),
  }),
]);
export const seatRequestSchema = z.object({
  id: z.string(),
  poolId: z.string(),
  requesterName: z.string(),
  requesterLogin: z.string(),
  organisationId: z.string().nullable(),
  serviceId: z.string().nullable(),
  tier: serviceTierSchema.nullable(),
  priority: z.number().int(),
  reason: z.string(),
  ticketId: z.string().nullable(),
  requestedAt: z.string(),
  status: z.enum(['waiting', 'served', 'cancelled']),
  override: waitlistOverrideSchema.nullable(),
});
const liveSchema = z.object({
  source: z.enum(['openvpn', 'rd-gateway', 'none']),
  connected: z.array(z.object({ login: z.string(), since: z.string().nullable(), address: z.string().nullable() })),
  readAt: z.string().nullable(),
  error: errorSchema.pick({ code: true, message: true }).nullable(),
});
export const poolOverviewSchema = z.object({
  pool: poolSchema,
  usage: usageSchema,
  verdicts: z.array(z.object({ organisationId: z.string(), verdict: verdictSchema })),
  live: liveSchema,
  seats: z.array(seatSchema),
  waitlist: z.array(z.object({ request: seatRequestSchema, position: z.number().int(), decidedBy: z.enum(['head', 'override', 'tier', 'priority', 'age']) })),
  proposal: z.object({
    requestId: z.string().nullable(),
    passedOver: z.array(z.object({ requestId: z.string(), refusal: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }) })),
  }),
  reclaim: z.array(z.object({ seatId: z.string(), lastSeenAt: z.string().nullable(), idleDays: z.number().int() })),
  expiring: z.array(z.string()),
});
export type PoolOverview = z.infer<typeof poolOverviewSchema>;

const holderInput = z.strictObject({
  name: text(120),
  /** The directory person, when known (the caller panel lists their seats). */
  personId: id.nullable().optional(),
  login,
  organisationId: id.nullable(),
  tier: serviceTierSchema.nullable().optional(),
  reason: text(500),
  ticketId: id.nullable().optional(),
});

const syncResultSchema = z.object({
  pushed: z.number().int(),
  pending: z.number().int(),
  stoppedBy: errorSchema.nullable(),
  attention: z.array(z.object({ seq: z.number().int(), op: z.string(), login: z.string(), pool: z.string(), message: z.string() })),
});

export const seatCalls = {
  'seats.organisations': call(z.strictObject({}).optional(), z.object({ organisations: z.array(z.object({ id: z.string(), name: z.string() })) })),
  'seats.pools': call(z.strictObject({}).optional(), z.object({ pools: z.array(poolSchema) })),
  'seats.createPool': call(poolInputSchema, poolSchema),
  'seats.updatePool': call(z.strictObject({ id, pool: poolInputSchema, expectedRevision: z.number().int().optional() }), poolSchema),
  'seats.overview': call(z.strictObject({ poolId: id }), poolOverviewSchema),
  'seats.request': call(
    z.strictObject({
      poolId: id,
      requesterName: text(120),
      requesterLogin: login,
      personId: id.nullable().optional(),
      organisationId: id.nullable().optional(),
      serviceId: id.nullable().optional(),
      tier: serviceTierSchema.nullable().optional(),
      priority: z.number().int().min(1).max(6).default(3),
      reason: text(500),
      ticketId: id.nullable().optional(),
    }),
    seatRequestSchema,
  ),
  'seats.overrideRequest': call(z.strictObject({ requestId: id, reason: z.string().trim().min(3).max(500) }), seatRequestSchema),
  'seats.cancelRequest': call(z.strictObject({ requestId: id, reason: text(500) }), z.object({ cancelled: z.literal(true) })),
  'seats.assign': call(
    z
      .strictObject({ poolId: id, requestId: id.optional(), holder: holderInput.optional(), allowBorrow: z.boolean().default(false), overrideReason: z.string().trim().min(3).max(500).optional() })
      .refine((v) => !!v.requestId !== !!v.holder, { message: 'give either requestId or holder' }),
    seatSchema,
  ),
  'seats.renew': call(z.strictObject({ seatId: id }), seatSchema),
  'seats.transfer': call(z.strictObject({ seatId: id, to: holderInput.omit({ tier: true, ticketId: true, personId: true }), allowBorrow: z.boolean().default(false) }), seatSchema),
  'seats.revoke': call(
    z.strictObject({ seatId: id, reason: text(500), disconnect: z.boolean().default(false) }),
    z.object({ seat: seatSchema, disconnected: z.boolean().nullable(), disconnectError: errorSchema.nullable() }),
  ),
  'seats.refreshLive': call(z.strictObject({ poolId: id }), liveSchema),
  /** Live use of an RD Gateway pool from a finished run of the `win-rdgateway-connections` tool. */
  'seats.readGatewayRun': call(z.strictObject({ poolId: id, runId: id }), liveSchema),
  /** Sends the queued seat changes to the configured ITSM server: RT assets or GLPI licences. */
  'seats.sync': call(z.strictObject({}).optional(), syncResultSchema),
  /** The former name of `seats.sync` (it sent to RT only), kept for older pages. */
  'seats.syncRt': call(z.strictObject({}).optional(), syncResultSchema),
  /** The seats an agent holds, by access login or directory person (the caller panel). */
  'seats.ofHolder': call(
    z.strictObject({ login: login.optional(), personId: id.optional() }).refine((v) => !!v.login !== !!v.personId, { message: 'give either login or personId' }),
    z.object({ seats: z.array(seatSchema.extend({ poolName: z.string() })) }),
  ),
} as const;

export const seatEvents = {
  /** A pool's seats, requests or live usage changed (reload its overview). */
  'seats.changed': event(z.object({ poolId: z.string() })),
} as const;
