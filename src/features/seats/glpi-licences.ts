/**
 * Seats as GLPI software licences (legacy REST API, `apirest.php`), the GLPI side of what
 * rt-assets.ts does for Request Tracker:
 *
 * | Relais                 | GLPI                                                                  |
 * |------------------------|-----------------------------------------------------------------------|
 * | pool                   | `SoftwareLicense` named after the pool, `number` = capacity, under    |
 * |                        | the software "Accès distants"                                         |
 * | organisation's quota   | child licence "<pool> — <organisation>" (`softwarelicenses_id` = the  |
 * |                        | pool's licence), `number` = quota, in the organisation's entity       |
 * | seat                   | GLPI 10: `Item_SoftwareLicense` {itemtype "User", items_id};          |
 * |                        | GLPI 11: `SoftwareLicense_User` {users_id} (chosen from the version)  |
 *
 * GLPI does not enforce `number` through its API (GLPI-OBSERVED.md): a seat past it is
 * accepted and only `is_valid` drops to 0. So Relais checks before writing, writes, then
 * re-reads the pool: seats are ranked by GLPI id (first written, first served); when its own
 * seat falls past the capacity or the quota because another console assigned at the same
 * moment, Relais deletes its own seat and reports the race (SEAT_GLPI_OVER_QUOTA), which the
 * drain parks for a person. Both consoles apply the same ranking, so exactly one keeps the
 * last seat. An assignment is idempotent: a seat the agent already holds is reused (a push
 * whose answer was lost), and re-checked like a new one.
 */
import { z } from 'zod';
import { RelaisError } from '../../base/errors';
import { localize } from '../../base/messages';
import { toGlpiEntity, type GlpiEntityMapping } from '../sync/connectors/glpi-entities';
import { createLookups } from '../sync/connectors/glpi/mapping';
import { decodeEntities } from '../sync/connectors/glpi/richtext';
import { createGlpiSession, type GlpiSessionOptions } from '../sync/connectors/glpi/session';
import { seatErrorWrapper, seatServerErrors, type SeatCharge, type SeatPoolPlan, type SeatServer } from './seat-server';

export const GLPI_SEAT_SOFTWARE = 'Accès distants';

export interface GlpiSeatOptions extends GlpiSessionOptions {
  /** Organisation code → entities_id (glpi-entities.ts); unmapped organisations go to the root entity. */
  entities?: () => GlpiEntityMapping;
  software?: string;
}

export interface GlpiSeatPool {
  licenceId: string;
  name: string;
  /** `number` of the pool's licence (-1: unlimited). */
  capacity: number;
  /** GLPI's own indicator (0 once its `Item_SoftwareLicense` rows exceed `number`). */
  isValid: boolean;
  shares: { organisation: string; licenceId: string; quota: number; entitiesId: number; isValid: boolean; used: number }[];
  /** Every seat of the pool (its licence and the children), oldest first. */
  seats: { id: string; licenceId: string; userId: string | null }[];
}

/** The name of an organisation's child licence. */
export const shareLicenceName = (pool: string, organisation: string) => `${pool} — ${organisation}`;

const idSchema = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const num = z.union([z.number(), z.string()]).transform(Number);
const licenceSchema = z
  .object({ id: idSchema, name: z.string().transform(decodeEntities), number: num, softwarelicenses_id: num.optional().default(0), is_valid: num.optional().default(1), entities_id: num.optional().default(0) })
  .loose();
const seatRowSchema = z.object({ id: idSchema, itemtype: z.string().optional(), items_id: num.optional(), users_id: num.optional() }).loose();
const createdSchema = z.object({ id: idSchema }).loose();
type Licence = z.infer<typeof licenceSchema>;

const errors = seatServerErrors({ code: 'GLPI' });

export const glpiSeatErrors = {
  ...errors,
  overQuota: (pool: string, over: OverQuota, rolledBack: boolean) => {
    const where = over.organisation ? localize('SEAT_OVER_WHERE_org', { organisation: over.organisation, used: over.used, limit: over.limit }) : localize('SEAT_OVER_WHERE', { used: over.used, limit: over.limit });
    return RelaisError.of(rolledBack ? 'SEAT_GLPI_OVER_QUOTA_rolledback' : 'SEAT_GLPI_OVER_QUOTA', { pool, where }, { pool, ...over, rolledBack });
  },
  noUser: (login: string) => RelaisError.of('SEAT_GLPI_NO_USER', { login }, { login }),
  vanished: (pool: string, login: string) => RelaisError.of('SEAT_GLPI_VANISHED', { pool, login }, { pool, login }),
  notPrepared: (pool: string) => RelaisError.of('SEAT_GLPI_NO_POOL', { pool }),
};

export interface OverQuota {
  used: number;
  limit: number;
  /** Set when the organisation's quota (its child licence) is what is exceeded. */
  organisation: string | null;
}

/**
 * Would the seat `seatId` (or a new one on `licenceId` when `seatId` is null) be kept? Seats
 * rank by GLPI id: those past the capacity, or past their child licence's quota, are over.
 */
export function overQuota(pool: GlpiSeatPool, seat: { id: string | null; licenceId: string }): OverQuota | null {
  const rank = (list: { id: string }[]) => (seat.id === null ? list.length : list.findIndex((s) => s.id === seat.id));
  const all = pool.seats;
  const total = all.length + (seat.id === null ? 1 : 0);
  if (pool.capacity >= 0 && rank(all) >= pool.capacity) return { used: total, limit: pool.capacity, organisation: null };
  const share = pool.shares.find((s) => s.licenceId === seat.licenceId);
  if (share && share.quota >= 0) {
    const mine = all.filter((s) => s.licenceId === share.licenceId);
    if (rank(mine) >= share.quota) return { used: mine.length + (seat.id === null ? 1 : 0), limit: share.quota, organisation: share.organisation };
  }
  return null;
}

export function createGlpiSeatLicences(options: GlpiSeatOptions) {
  const session = createGlpiSession(options);
  const lookups = createLookups(session);
  const softwareName = options.software ?? GLPI_SEAT_SOFTWARE;
  const wrap = seatErrorWrapper(errors);

  /** GLPI 11 gives licences to users with `SoftwareLicense_User`; GLPI 10 only has `Item_SoftwareLicense`. */
  async function seatItemtype(): Promise<'Item_SoftwareLicense' | 'SoftwareLicense_User'> {
    const { version } = await session.serverInfo();
    return Number((version ?? '10').split('.')[0]) >= 11 ? 'SoftwareLicense_User' : 'Item_SoftwareLicense';
  }

  const list = async (url: string, params: Record<string, unknown> = {}) => {
    const res = await session.call('GET', url, undefined, { range: '0-999', ...params });
    return z.array(z.unknown()).parse(res.data);
  };
  const create = async (itemtype: string, input: Record<string, unknown>) => createdSchema.parse((await session.call('POST', `/${itemtype}`, { input })).data).id;

  /** Licences named exactly `name` (searchText is a LIKE, and GLPI answers names entity-encoded). */
  async function licencesNamed(name: string): Promise<Licence[]> {
    const rows = await list('/SoftwareLicense', { 'searchText[name]': `^${name}$`, is_deleted: 0 });
    return rows.map((r) => licenceSchema.parse(r)).filter((l) => l.name === name);
  }

  /** The pool's licence and its children (read once per assignment: only the seats move). */
  async function licences(pool: string): Promise<{ pool: string; parent: Licence; children: Licence[] } | null> {
    const parent = (await licencesNamed(pool)).find((l) => l.softwarelicenses_id === 0);
    if (!parent) return null;
    const children = (await list(`/SoftwareLicense/${parent.id}/SoftwareLicense`)).map((r) => licenceSchema.parse(r));
    return { pool, parent, children };
  }

  /** The pool with every seat of its licences, as GLPI holds them now. */
  async function withSeats({ pool, parent, children }: { pool: string; parent: Licence; children: Licence[] }): Promise<GlpiSeatPool> {
    const itemtype = await seatItemtype();
    const seatsOf = async (l: Licence) =>
      (await list(`/SoftwareLicense/${l.id}/${itemtype}`)).map((r) => {
        const s = seatRowSchema.parse(r);
        const userId = itemtype === 'SoftwareLicense_User' ? s.users_id : s.itemtype === 'User' ? s.items_id : undefined;
        return { id: s.id, licenceId: l.id, userId: userId === undefined ? null : String(userId) };
      });
    const seats = (await Promise.all([parent, ...children].map(seatsOf))).flat().sort((a, b) => Number(a.id) - Number(b.id));
    const prefix = shareLicenceName(pool, '');
    return {
      licenceId: parent.id,
      name: parent.name,
      capacity: parent.number,
      isValid: parent.is_valid !== 0,
      shares: children
        .filter((c) => c.name.startsWith(prefix))
        .map((c) => ({ organisation: c.name.slice(prefix.length), licenceId: c.id, quota: c.number, entitiesId: c.entities_id, isValid: c.is_valid !== 0, used: seats.filter((s) => s.licenceId === c.id).length })),
      seats,
    };
  }

  async function read(pool: string): Promise<GlpiSeatPool | null> {
    const l = await licences(pool);
    return l ? withSeats(l) : null;
  }

  async function softwareId(): Promise<string> {
    const found = (await list('/Software', { 'searchText[name]': `^${softwareName}$`, is_deleted: 0 })).map((r) => z.object({ id: idSchema, name: z.string().transform(decodeEntities) }).loose().parse(r));
    return found.find((s) => s.name === softwareName)?.id ?? create('Software', { name: softwareName, entities_id: 0, is_recursive: 1 });
  }

  /** The licence `existing` made to hold `input.number` seats, or created from `input` when missing. */
  async function ensureLicence(existing: { id: string; number: number } | undefined, input: Record<string, unknown> & { number: number }): Promise<string> {
    if (!existing) return create('SoftwareLicense', input);
    if (existing.number !== input.number) await session.call('PUT', `/SoftwareLicense/${existing.id}`, { input: { number: input.number } });
    return existing.id;
  }

  const server: SeatServer & {
    seatItemtype(): Promise<'Item_SoftwareLicense' | 'SoftwareLicense_User'>;
    read(pool: string): Promise<GlpiSeatPool | null>;
    prepare(plan: SeatPoolPlan): Promise<GlpiSeatPool | null>;
    assign(pool: string, login: string, charge: SeatCharge): Promise<GlpiSeatPool['seats'][number]>;
    close(): Promise<void>;
  } = {
    kind: 'glpi',
    raceCode: 'SEAT_GLPI_OVER_QUOTA',
    /** Which table holds seats on this server. */
    seatItemtype: () => wrap(seatItemtype),
    read: (pool: string) => wrap(() => read(pool)),

    /** The pool's licence (capacity) and one child per organisation share (quota), created or adjusted. */
    prepare: (plan: SeatPoolPlan) =>
      wrap(async () => {
        const before = await read(plan.name);
        const software = await softwareId();
        const parentId = await ensureLicence(before ? { id: before.licenceId, number: before.capacity } : undefined, { name: plan.name, number: plan.capacity, softwares_id: Number(software), entities_id: 0, is_recursive: 1 });
        const mapping = options.entities?.() ?? {};
        for (const share of plan.shares) {
          const have = before?.shares.find((s) => s.organisation === share.organisation);
          await ensureLicence(have ? { id: have.licenceId, number: have.quota } : undefined, {
            name: shareLicenceName(plan.name, share.organisation),
            number: share.quota,
            softwarelicenses_id: Number(parentId),
            softwares_id: Number(software),
            entities_id: toGlpiEntity(mapping, share.organisation) ?? 0,
            is_recursive: 0,
          });
        }
        return read(plan.name);
      }),

    /** True when `login` holds a seat of the pool that is within capacity and quota. */
    holds: (pool: string, login: string) =>
      wrap(async () => {
        const state = await read(pool);
        const userId = state ? await lookups.user(login) : null;
        const mine = userId ? state!.seats.find((s) => s.userId === userId) : undefined;
        return !!mine && overQuota(state!, mine) === null;
      }),

    /**
     * Gives `login` a seat on the licence of the share it is charged to (the pool's licence
     * without one): checked, written, re-read; rolled back and reported when over (see header).
     */
    assign: (pool: string, login: string, charge: SeatCharge) =>
      wrap(async () => {
        const l = await licences(pool);
        if (!l) throw glpiSeatErrors.notPrepared(pool);
        const state = await withSeats(l);
        const target = state.shares.find((s) => s.organisation === charge.chargedTo)?.licenceId ?? state.licenceId;
        const userId = await lookups.user(login);
        if (!userId) throw glpiSeatErrors.noUser(login);
        let seatId = state.seats.find((s) => s.userId === userId)?.id ?? null;
        if (seatId === null) {
          const before = overQuota(state, { id: null, licenceId: target });
          if (before) throw glpiSeatErrors.overQuota(pool, before, false);
          const itemtype = await seatItemtype();
          seatId = await create(itemtype, itemtype === 'SoftwareLicense_User' ? { softwarelicenses_id: Number(target), users_id: Number(userId) } : { softwarelicenses_id: Number(target), itemtype: 'User', items_id: Number(userId) });
        }
        // GLPI counted nothing for us: read the seats again. Every seat GLPI numbered before ours
        // was committed before ours, so this read sees all of them; a later one will see ours
        // when its own console re-reads, and give way.
        const after = await withSeats(l);
        const mine = after.seats.find((s) => s.id === seatId);
        if (!mine) throw glpiSeatErrors.vanished(pool, login);
        const over = overQuota(after, mine);
        if (over) {
          await session.call('DELETE', `/${await seatItemtype()}/${seatId}`);
          throw glpiSeatErrors.overQuota(pool, over, true);
        }
        return mine;
      }),

    release: (pool: string, login: string) =>
      wrap(async () => {
        const state = await read(pool);
        const userId = state ? await lookups.user(login) : null;
        const mine = userId ? state!.seats.filter((s) => s.userId === userId) : [];
        const itemtype = await seatItemtype();
        for (const s of mine) await session.call('DELETE', `/${itemtype}/${s.id}`);
        return mine.length > 0;
      }),

    close: () => session.close(),
  };
  return server;
}
