/**
 * Loans on GLPI 10 (legacy REST, `apirest.php`). Each item is a GLPI asset of the itemtype
 * its type maps to (portable → Computer, téléphone → Phone, the rest → Peripheral), named
 * after its tag (also its inventory number, `otherserial`). Who holds it: the asset's
 * `users_id` (0 when the agent has no GLPI account) and `contact` (the agent's name, always);
 * its state: `states_id`, a GLPI "Statut" named after the Relais state (created when missing).
 *
 * Dated loans and pickup slots are GLPI reservations: the asset is made reservable with a
 * `ReservationItem` (itemtype + items_id, is_active), and each loan or slot is a
 * `Reservation` of that ReservationItem — its `reservationitems_id` is the ReservationItem's
 * id, NOT the asset's. GLPI refuses a reservation overlapping another one of the same
 * ReservationItem (400 ERROR_GLPI_ADD, "The required item is already reserved for this
 * timeframe"; back-to-back is accepted), which is what stops two consoles lending the same
 * laptop at once: the loser gets `conflict` with the holder of the overlapping reservation.
 *
 * Lost answers: every reservation carries a marker in an HTML comment of its `comment`
 * (kept and read back entity-encoded, as GLPI-OBSERVED.md notes for rich text), so a retry
 * first looks for its own reservation and answers 'done' instead of booking twice.
 */
import { z } from 'zod';
import { RelaisError } from '../../base/errors';
import { localize } from '../../base/messages';
import { createGlpiSession } from '../sync/connectors/glpi/session';
import { createLookups } from '../sync/connectors/glpi/mapping';
import { decodeEntities } from '../sync/connectors/glpi/richtext';
import { glpiLocalToIso, isoToGlpiLocal, type ServerZone } from '../sync/connectors/glpi/time';
import { SyncError } from '../sync/types';
import type { LoanItemState, LoanRemote, LoanRemoteAgent, LoanRemoteItem, LoanRemoteOp, LoanRemoteResult } from './remote-types';

export interface GlpiLoanOptions {
  url: string;
  userToken: () => Promise<string> | string;
  appToken: () => Promise<string> | string;
  timeoutMs?: number;
  /** When a return happens (ends the loan's reservation); injected by tests. */
  now?: () => number;
}

/** The GLPI "Statut" (State dropdown) name of each Relais state. */
export const GLPI_LOAN_STATES: Record<LoanItemState, string> = {
  disponible: 'Disponible',
  reserve: 'Réservé',
  prete: 'Prêté',
  retour_a_controler: 'Retour à contrôler',
  en_reparation: 'En réparation',
  perdu_vole: 'Perdu ou volé',
  reforme: 'Réformé',
};
const UNLENDABLE: readonly LoanItemState[] = ['en_reparation', 'perdu_vole', 'reforme'];

/** Which GLPI itemtype holds an item of this Relais type. */
export function glpiItemtypeFor(type: string): 'Computer' | 'Phone' | 'Peripheral' {
  const t = type.toLowerCase();
  if (t === 'portable' || t === 'ordinateur' || t === 'laptop') return 'Computer';
  if (t === 'telephone' || t === 'téléphone' || t === 'phone') return 'Phone';
  return 'Peripheral';
}

const idSchema = z.union([z.number(), z.string()]).transform((v) => Number(v));
const rowSchema = z.object({ id: idSchema }).loose();
const assetSchema = z
  .object({ id: idSchema, name: z.string().nullable().optional(), users_id: idSchema.optional(), contact: z.string().nullable().optional(), states_id: idSchema.optional() })
  .loose();
const reservationItemSchema = z.object({ id: idSchema, itemtype: z.string(), items_id: idSchema, is_active: idSchema.optional() }).loose();
const reservationSchema = z.object({ id: idSchema, reservationitems_id: idSchema, begin: z.string(), end: z.string(), users_id: idSchema.optional(), comment: z.string().nullable().optional() }).loose();
type GlpiReservation = z.infer<typeof reservationSchema> & { marker: string | null; agent: string | null };

const MARKER = /<!-- relais-loan:([^ ]+) -->/;
const AGENT = /<!-- relais-agent:(.*?) -->/;

export const glpiLoanErrors = {
  offline: (e: SyncError) => RelaisError.of('LOAN_GLPI_OFFLINE', { detail: e.message.slice(0, 120) }, { kind: e.kind, status: e.status, retryable: true }),
  server: (e: SyncError) =>
    RelaisError.of('LOAN_GLPI_ERROR', { status: e.status ?? e.kind, detail: e.message.slice(0, 200) }, { kind: e.kind, status: e.status, retryable: e.kind === 'auth' || e.kind === 'conflict' }),
  badDates: (begin: string, end: string) => RelaisError.of('LOAN_GLPI_DATES', { begin, end }, { retryable: false }),
};

const conflict = (heldBy: string | null, tag: string, what: 'lent' | 'reserved' | 'inactive'): LoanRemoteResult => ({
  status: 'conflict',
  heldBy,
  message: localize(`LOAN_GLPI_CONFLICT_${what}`, { tag, heldBy: heldBy ?? { msg: 'NOUN_ANOTHER_AGENT' } }),
});

export function createGlpiLoanRemote(options: GlpiLoanOptions): LoanRemote {
  const session = createGlpiSession({ url: options.url, userToken: options.userToken, appToken: options.appToken, timeoutMs: options.timeoutMs });
  const lookups = createLookups(session);
  const now = options.now ?? Date.now;
  const stateIds = new Map<string, number>();

  async function list(path: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let start = 0; start < 100_000; start += 500) {
      const res = await session.call('GET', path, undefined, { ...params, range: `${start}-${start + 499}` });
      signal?.throwIfAborted();
      const rows = z.array(z.unknown()).safeParse(res.data);
      if (!rows.success) break;
      out.push(...rows.data);
      if (res.status !== 206) break;
    }
    return out;
  }
  /** Exact match on a text field (searchText is a LIKE; GLPI answers text entity-encoded). */
  async function findBy(itemtype: string, field: string, value: string, signal?: AbortSignal) {
    const rows = await list(`/${itemtype}`, { [`searchText[${field}]`]: `^${value}$`, is_deleted: 0 }, signal);
    return rows.map((r) => rowSchema.parse(r)).filter((r) => decodeEntities(String((r as Record<string, unknown>)[field] ?? '')) === value);
  }
  async function create(itemtype: string, input: Record<string, unknown>): Promise<number> {
    const res = await session.call('POST', `/${itemtype}`, { input });
    return rowSchema.parse(res.data).id;
  }
  const update = (itemtype: string, id: number, input: Record<string, unknown>) => session.call('PUT', `/${itemtype}/${id}`, { input });

  async function stateId(state: LoanItemState, signal?: AbortSignal): Promise<number> {
    const name = GLPI_LOAN_STATES[state];
    const hit = stateIds.get(name);
    if (hit) return hit;
    let found = await findBy('State', 'name', name, signal);
    if (!found.length) {
      await create('State', { name, is_visible_computer: 1, is_visible_peripheral: 1, is_visible_phone: 1 });
      // Two consoles may create it at once: both then use the oldest one.
      found = await findBy('State', 'name', name, signal);
    }
    const id = Math.min(...found.map((r) => r.id));
    stateIds.set(name, id);
    return id;
  }

  const comment = (i: LoanRemoteItem) => [i.model ? `Modèle : ${i.model}` : null, i.site ? `Site : ${i.site}` : null, `Type : ${i.type}`].filter(Boolean).join('\n');

  /** The item's asset: by remote id, else by name (its tag) — an 'item' op whose answer was lost created it already. */
  async function assetFor(item: LoanRemoteItem, signal?: AbortSignal): Promise<{ itemtype: string; id: number; row: z.infer<typeof assetSchema> }> {
    const itemtype = glpiItemtypeFor(item.type);
    if (item.remoteId) {
      try {
        const row = assetSchema.parse((await session.call('GET', `/${itemtype}/${encodeURIComponent(item.remoteId)}`)).data);
        return { itemtype, id: row.id, row };
      } catch (e) {
        if (!(e instanceof SyncError && e.kind === 'notFound')) throw e;
      }
    }
    const [found] = await findBy(itemtype, 'name', item.tag, signal);
    const id = found?.id ?? (await create(itemtype, { name: item.tag, otherserial: item.tag, serial: item.serial ?? '', comment: comment(item), states_id: await stateId(item.state, signal) }));
    const row = assetSchema.parse((await session.call('GET', `/${itemtype}/${id}`)).data);
    return { itemtype, id, row };
  }

  /** The asset's ReservationItem (made once, active unless the item cannot be lent). */
  async function reservationItem(itemtype: string, assetId: number, signal?: AbortSignal) {
    const find = async () => {
      const rows = await list('/ReservationItem', { [`searchText[itemtype]`]: `^${itemtype}$`, [`searchText[items_id]`]: `^${assetId}$` }, signal);
      return rows.map((r) => reservationItemSchema.parse(r)).find((r) => r.itemtype === itemtype && r.items_id === assetId);
    };
    const ri = await find();
    if (ri) return ri;
    try {
      const id = await create('ReservationItem', { itemtype, items_id: assetId, is_active: 1 });
      return { id, itemtype, items_id: assetId, is_active: 1 };
    } catch (e) {
      // GLPI keeps one ReservationItem per asset (unique key): another console, or our own
      // lost answer, made it first.
      const made = e instanceof SyncError ? await find() : undefined;
      if (made) return made;
      throw e;
    }
  }

  async function reservationsOf(riId: number, signal?: AbortSignal): Promise<GlpiReservation[]> {
    const rows = await list(`/ReservationItem/${riId}/Reservation`, {}, signal);
    return rows.map((r) => {
      const p = reservationSchema.parse(r);
      const c = decodeEntities(p.comment ?? '');
      return { ...p, marker: MARKER.exec(c)?.[1] ?? null, agent: AGENT.exec(c)?.[1] ?? null };
    });
  }

  async function agentUser(agent: LoanRemoteAgent): Promise<number> {
    const byLogin = agent.login ? await lookups.user(agent.login) : null;
    const id = byLogin ?? (agent.email ? await lookups.requester({ name: '', phone: '', email: agent.email }) : null);
    return id ? Number(id) : 0;
  }
  async function holderName(r: GlpiReservation): Promise<string | null> {
    if (r.agent) return r.agent;
    return r.users_id ? await lookups.login(String(r.users_id)) : null;
  }

  async function book(
    item: LoanRemoteItem,
    key: string,
    agent: LoanRemoteAgent,
    beginIso: string,
    endIso: string,
    extraComment: string,
    signal?: AbortSignal,
  ): Promise<{ ok: true; asset: Awaited<ReturnType<typeof assetFor>>; userId: number } | { ok: false; result: LoanRemoteResult }> {
    if (!(Date.parse(beginIso) < Date.parse(endIso))) throw glpiLoanErrors.badDates(beginIso, endIso);
    const zone: ServerZone = (await session.serverInfo()).zone;
    const asset = await assetFor(item, signal);
    const ri = await reservationItem(asset.itemtype, asset.id, signal);
    const userId = await agentUser(agent);
    const mine = async () => (await reservationsOf(ri.id, signal)).find((r) => r.marker === key);
    if (await mine()) return { ok: true, asset, userId };
    // GLPI itself does not check is_active when a reservation is added through the API (only its UI hides inactive items): Relais does.
    if (Number(ri.is_active ?? 1) === 0) return { ok: false, result: conflict(null, item.tag, 'inactive') };
    const begin = isoToGlpiLocal(beginIso, zone);
    const end = isoToGlpiLocal(endIso, zone);
    const input = { reservationitems_id: ri.id, begin, end, users_id: userId || undefined, comment: `${extraComment}<!-- relais-loan:${key} --><!-- relais-agent:${agent.name} -->` };
    try {
      await create('Reservation', input);
      return { ok: true, asset, userId };
    } catch (e) {
      if (!(e instanceof SyncError)) throw e;
      // The answer was lost, or GLPI refused an overlap: what GLPI holds now decides.
      if (e.kind !== 'transient' && !(e.kind === 'rejected' && /ERROR_GLPI_ADD/.test(e.serverMessage))) throw e;
      if (await mine()) return { ok: true, asset, userId };
      if (e.kind === 'transient') throw e;
      const clash = (await reservationsOf(ri.id, signal)).find((r) => {
        const b = glpiLocalToIso(r.begin, zone);
        const en = glpiLocalToIso(r.end, zone);
        return b && en && Date.parse(b) < Date.parse(endIso) && Date.parse(beginIso) < Date.parse(en);
      });
      if (!clash) throw e;
      return { ok: false, result: conflict(await holderName(clash), item.tag, key.startsWith('loan:') ? 'lent' : 'reserved') };
    }
  }

  async function setHolder(asset: { itemtype: string; id: number }, fields: { users_id: number; contact: string; state: LoanItemState }, signal?: AbortSignal) {
    await update(asset.itemtype, asset.id, { users_id: fields.users_id, contact: fields.contact, states_id: await stateId(fields.state, signal) });
  }

  async function checkout(op: Extract<LoanRemoteOp, { kind: 'checkout' }>, signal?: AbortSignal): Promise<LoanRemoteResult> {
    // Who the loan is for is part of its key: two consoles lending the same item to two agents are two loans, and only one may exist.
    const key = `loan:${op.item.localId}:${op.startAt}:${op.agent.login ?? op.agent.email ?? op.agent.name}`;
    const current = await assetFor(op.item, signal);
    // Lent in GLPI without a reservation (its own UI): the asset's holder says so.
    const lentTo = decodeEntities(current.row.contact ?? '');
    const lentState = await stateId('prete', signal);
    if (current.row.states_id === lentState && lentTo && lentTo !== op.agent.name) {
      const ri = await reservationItem(current.itemtype, current.id, signal);
      if (!(await reservationsOf(ri.id, signal)).some((r) => r.marker === key)) return conflict(lentTo, op.item.tag, 'lent');
    }
    // The agent's own pickup slot is used up by the loan: free it, or GLPI would see the loan overlap it.
    const zone = (await session.serverInfo()).zone;
    const ri0 = await reservationItem(current.itemtype, current.id, signal);
    for (const r of await reservationsOf(ri0.id, signal)) {
      const b = glpiLocalToIso(r.begin, zone);
      const e = glpiLocalToIso(r.end, zone);
      if (r.marker?.startsWith('resa:') && r.agent === op.agent.name && b && e && Date.parse(b) < Date.parse(op.dueAt) && Date.parse(op.startAt) < Date.parse(e)) await session.call('DELETE', `/Reservation/${r.id}`);
    }
    const ticket = op.ticketRemoteId ? `Ticket ${op.ticketRemoteId}. ` : '';
    const b = await book(op.item, key, op.agent, op.startAt, op.dueAt, `Prêt à ${op.agent.name}. ${ticket}`, signal);
    if (!b.ok) return b.result;
    await setHolder(b.asset, { users_id: b.userId, contact: op.agent.name, state: 'prete' }, signal);
    if (op.ticketRemoteId) {
      const links = await list('/Item_Ticket', { 'searchText[tickets_id]': `^${op.ticketRemoteId}$`, 'searchText[itemtype]': `^${b.asset.itemtype}$` }, signal);
      const linked = links.some((l) => {
        const r = z.object({ items_id: idSchema, itemtype: z.string(), tickets_id: idSchema }).loose().safeParse(l);
        return r.success && r.data.items_id === b.asset.id && r.data.itemtype === b.asset.itemtype && r.data.tickets_id === Number(op.ticketRemoteId);
      });
      if (!linked) await create('Item_Ticket', { itemtype: b.asset.itemtype, items_id: b.asset.id, tickets_id: Number(op.ticketRemoteId) });
    }
    return { status: 'done', remoteId: String(b.asset.id) };
  }

  async function checkin(op: Extract<LoanRemoteOp, { kind: 'checkin' }>, signal?: AbortSignal): Promise<LoanRemoteResult> {
    const asset = await assetFor(op.item, signal);
    const zone = (await session.serverInfo()).zone;
    const ri = await reservationItem(asset.itemtype, asset.id, signal);
    // The loan's reservation ends now, so the item can be booked again.
    const at = now();
    for (const r of await reservationsOf(ri.id, signal)) {
      if (!r.marker?.startsWith(`loan:${op.item.localId}:`)) continue;
      const b = glpiLocalToIso(r.begin, zone);
      const e = glpiLocalToIso(r.end, zone);
      if (!b || !e || Date.parse(e) <= at) continue;
      if (Date.parse(b) >= at) await session.call('DELETE', `/Reservation/${r.id}`);
      else await update('Reservation', r.id, { end: isoToGlpiLocal(new Date(Math.max(at, Date.parse(b) + 1000)).toISOString(), zone) });
    }
    const state: LoanItemState = op.item.state !== 'prete' ? op.item.state : op.condition === 'ok' ? 'disponible' : 'retour_a_controler';
    const missing = op.missingKit.length ? ` ; kit manquant : ${op.missingKit.join(', ')}` : '';
    await update(asset.itemtype, asset.id, { users_id: 0, contact: '', states_id: await stateId(state, signal), comment: `${comment(op.item)}\nRetour : ${op.condition}${missing}` });
    return { status: 'done', remoteId: String(asset.id) };
  }

  async function apply(op: LoanRemoteOp, signal?: AbortSignal): Promise<LoanRemoteResult> {
    switch (op.kind) {
      case 'item': {
        const a = await assetFor(op.item, signal);
        await update(a.itemtype, a.id, { name: op.item.tag, otherserial: op.item.tag, serial: op.item.serial ?? '', comment: comment(op.item), states_id: await stateId(op.item.state, signal) });
        await reservationItem(a.itemtype, a.id, signal); // lendable from the start
        return { status: 'done', remoteId: String(a.id) };
      }
      case 'state': {
        const a = await assetFor(op.item, signal);
        await update(a.itemtype, a.id, { states_id: await stateId(op.item.state, signal) });
        // An item that cannot be lent is no longer offered for reservation in GLPI's UI either.
        const ri = await reservationItem(a.itemtype, a.id, signal);
        const active = UNLENDABLE.includes(op.item.state) ? 0 : 1;
        if (Number(ri.is_active ?? 1) !== active) await update('ReservationItem', ri.id, { is_active: active });
        return { status: 'done', remoteId: String(a.id) };
      }
      case 'checkout':
        return checkout(op, signal);
      case 'checkin':
        return checkin(op, signal);
      case 'reserve': {
        const b = await book(op.item, `resa:${op.reservationKey}`, op.agent, op.begin, op.end, `Réservation pour ${op.agent.name}. `, signal);
        if (!b.ok) return b.result;
        if (b.asset.row.states_id === (await stateId('disponible', signal))) await update(b.asset.itemtype, b.asset.id, { states_id: await stateId('reserve', signal) });
        return { status: 'done', remoteId: String(b.asset.id) };
      }
      case 'cancelReservation': {
        const a = await assetFor(op.item, signal);
        const ri = await reservationItem(a.itemtype, a.id, signal);
        const r = (await reservationsOf(ri.id, signal)).find((x) => x.marker === `resa:${op.reservationKey}`);
        if (r) await session.call('DELETE', `/Reservation/${r.id}`);
        if (a.row.states_id === (await stateId('reserve', signal)) && op.item.state !== 'reserve') await update(a.itemtype, a.id, { states_id: await stateId(op.item.state, signal) });
        return { status: 'done', remoteId: String(a.id) };
      }
    }
  }

  return {
    kind: 'glpi',
    async apply(op, signal) {
      try {
        return await apply(op, signal);
      } catch (e) {
        if (e instanceof SyncError) throw e.kind === 'transient' ? glpiLoanErrors.offline(e) : glpiLoanErrors.server(e);
        throw e;
      }
    },
  };
}
