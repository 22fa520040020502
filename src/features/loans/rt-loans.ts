/**
 * Loans on Request Tracker 5 assets (REST2). One catalog "Permanence" (created when missing
 * and the token may), one asset per lendable item named after its tag, `HeldBy` the agent who
 * has it, the request ticket linked with `RefersTo asset:ID` (set on the ticket, as RT's own
 * UI does; the asset then lists the ticket as `ReferredToBy`).
 *
 * Why a custom field for the loan state, not a custom asset lifecycle: a lifecycle lives in
 * RT_SiteConfig.pm, so the RT administrator must edit a file and restart RT before Relais can
 * push a single loan, and RT would then enforce its own transition table beside Relais's
 * (a drain of offline work could be refused halfway by a transition RT does not know). A
 * custom field is created in RT's web UI in a minute, needs no restart, and its value is part
 * of the same If-Match-guarded write as `HeldBy`. The catalog keeps RT's stock "assets"
 * lifecycle, untouched.
 *
 * Concurrency: two consoles lending the same laptop. Taking an item is a write of `HeldBy`
 * alone with If-Match on the ETag just read; RT refuses a stale one (412). RT checks If-Match
 * and writes in separate steps, so a write racing ours in the same instant can still land:
 * the read-back waits out RT's one-second window (shared client's `settled`), and whoever is
 * `HeldBy` then has the item; the other console gets `conflict` with that holder's name.
 * Only the holder then writes the state, the due date and the ticket link.
 *
 * Lost answers: every op first reads the asset and answers 'done' when RT already shows what
 * the op asks (the holder, the state, the link, the reservation key), and a write whose answer
 * was lost is followed by one re-read before giving up, so an op is never applied twice.
 */
import { z } from 'zod';
import { RelaisError } from '../../base/errors';
import { localize } from '../../base/messages';
import { createRtAssetClient, rtQuote, type RtAsset } from '../sync/connectors/rt-assets';
import { SyncError } from '../sync/types';
import type { LoanItemState, LoanRemote, LoanRemoteAgent, LoanRemoteItem, LoanRemoteOp, LoanRemoteResult } from './remote-types';

export const RT_LOAN_CATALOG = 'Permanence';
/** The custom fields of the catalog (applied to it by the RT administrator). `state` and `due` are required. */
export const RT_LOAN_FIELDS = {
  state: 'État du prêt',
  due: 'Retour prévu',
  type: 'Type de matériel',
  serial: 'Numéro de série',
  model: 'Modèle',
  site: 'Site',
  condition: 'État au retour',
  missingKit: 'Kit manquant',
  reservation: 'Réservation',
} as const;
const REQUIRED_FIELDS = [RT_LOAN_FIELDS.state, RT_LOAN_FIELDS.due];

export interface RtLoanOptions {
  url: string;
  token: () => Promise<string> | string;
  catalog?: string;
  timeoutMs?: number;
}

/** The item's reservations (pickup slots), kept as a JSON list in the "Réservation" field: RT assets have no bookings. */
const reservationSchema = z.object({ key: z.string(), begin: z.string(), end: z.string(), agent: z.string() });
type RtReservation = z.infer<typeof reservationSchema>;

export const rtLoanErrors = {
  offline: (e: SyncError) => RelaisError.of('LOAN_RT_OFFLINE', { detail: e.message.slice(0, 120) }, { kind: e.kind, status: e.status, retryable: true }),
  server: (e: SyncError, catalog: string) =>
    RelaisError.of('LOAN_RT_ERROR', { status: e.status ?? e.kind, detail: e.message.slice(0, 200), catalog }, { kind: e.kind, status: e.status, retryable: e.kind === 'auth' || e.kind === 'conflict' }),
  noCatalog: (catalog: string) => RelaisError.of('LOAN_RT_NO_CATALOG', { catalog }, { catalog, retryable: false }),
  missingFields: (catalog: string, fields: string[]) =>
    RelaisError.of('LOAN_RT_FIELDS_MISSING', { catalog, fields: { fr: fields.map((f) => `« ${f} »`).join(', '), en: fields.map((f) => `"${f}"`).join(', ') } }, { catalog, fields, retryable: false }),
  unknownAgent: (agent: LoanRemoteAgent) => RelaisError.of('LOAN_RT_UNKNOWN_AGENT', { name: agent.name, login: agent.login ?? { msg: 'NOUN_UNKNOWN' } }, { retryable: false }),
};

const conflict = (heldBy: string | null, tag: string, what: 'lent' | 'reserved' | 'state', state?: string): LoanRemoteResult => ({
  status: 'conflict',
  heldBy,
  message: localize(`LOAN_RT_CONFLICT_${what}`, { tag, heldBy: heldBy ?? { msg: 'NOUN_ANOTHER_AGENT' }, state: state ?? '' }),
});

const UNLENDABLE: readonly string[] = ['en_reparation', 'perdu_vole', 'reforme'] satisfies LoanItemState[];

export function createRtLoanRemote(options: RtLoanOptions): LoanRemote {
  const catalog = options.catalog ?? RT_LOAN_CATALOG;
  const rt = createRtAssetClient({ url: options.url, token: options.token, timeoutMs: options.timeoutMs });
  let catalogReady = false;
  let fieldsChecked = false;

  async function ensureCatalog(signal?: AbortSignal) {
    if (catalogReady) return;
    if ((await rt.catalogId(catalog, signal)) === null) {
      try {
        await rt.createCatalog(catalog, 'Prêts de matériel de la permanence (Relais)', signal);
      } catch (e) {
        if (e instanceof SyncError && e.kind === 'rejected') throw rtLoanErrors.noCatalog(catalog);
        throw e;
      }
    }
    catalogReady = true;
  }

  /** RT lists every custom field applied to the catalog on each asset, empty ones included. */
  function checkFields(a: RtAsset) {
    if (fieldsChecked) return;
    const missing = REQUIRED_FIELDS.filter((f) => !a.customFields.has(f));
    if (missing.length) throw rtLoanErrors.missingFields(catalog, missing);
    fieldsChecked = true;
  }

  /** Only the fields the catalog has (the optional ones may be absent). */
  function cfs(a: RtAsset, values: Partial<Record<keyof typeof RT_LOAN_FIELDS, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) {
      const name = RT_LOAN_FIELDS[k as keyof typeof RT_LOAN_FIELDS];
      if (v !== undefined && a.customFields.has(name)) out[name] = v;
    }
    return out;
  }
  const differs = (a: RtAsset, wanted: Record<string, string>) => Object.entries(wanted).some(([k, v]) => (a.customFields.get(k) ?? '') !== v);

  const describe = (i: LoanRemoteItem) => [i.type, i.model, i.serial ? `n° ${i.serial}` : null, i.site].filter(Boolean).join(' · ');
  const itemFields = (i: LoanRemoteItem) => ({ type: i.type, serial: i.serial ?? '', model: i.model ?? '', site: i.site ?? '' });

  /** The item's asset: by remote id, else by tag in the catalog; created when RT has none. */
  async function assetFor(item: LoanRemoteItem, signal?: AbortSignal): Promise<RtAsset> {
    await ensureCatalog(signal);
    let id = item.remoteId;
    if (id) {
      try {
        const a = await rt.get(id, signal);
        checkFields(a);
        return a;
      } catch (e) {
        if (!(e instanceof SyncError && e.kind === 'notFound')) throw e;
        id = null;
      }
    }
    // Found by name: an 'item' op whose answer was lost created it already.
    const [found] = await rt.search(`Catalog = ${rtQuote(catalog)} AND Name = ${rtQuote(item.tag)}`, signal);
    if (found) {
      const a = await rt.get(found, signal);
      checkFields(a);
      return a;
    }
    // Custom fields come with the op's own write: RT refuses a create naming a field the catalog lacks.
    const created = await rt.create({ Name: item.tag, Catalog: catalog, Description: describe(item) }, signal);
    const a = await rt.get(created, signal);
    checkFields(a);
    return a;
  }

  /** The RT user name for the agent: the login when RT knows it, else the user with that e-mail, else the e-mail (RT creates the user). */
  async function userFor(agent: LoanRemoteAgent, signal?: AbortSignal): Promise<{ name: string; label: string }> {
    if (agent.login) {
      const u = await rt.user(agent.login, signal);
      if (u) return { name: u.name, label: u.realName ?? u.name };
    }
    if (agent.email) return { name: (await rt.userByEmail(agent.email, signal)) ?? agent.email, label: agent.name };
    throw rtLoanErrors.unknownAgent(agent);
  }
  async function holderLabel(name: string | undefined, signal?: AbortSignal): Promise<string | null> {
    if (!name) return null;
    const u = await rt.user(name, signal).catch(() => null);
    return u?.realName ? `${u.realName} (${u.name})` : name;
  }
  const sameUser = (a: string | undefined, b: string) => !!a && a.toLowerCase() === b.toLowerCase();

  /**
   * Writes with If-Match; on 412 re-reads and asks `still` whether the write is still wanted
   * (null: yes, with the fresh asset; a result: stop with it). A write whose answer was lost
   * is followed by one re-read: when it shows the write, it counts as done.
   */
  async function guardedWrite(
    a: RtAsset,
    /** Computed from the asset as last read, so a retry after 412 never writes back stale values. */
    fields: (cur: RtAsset) => Record<string, unknown>,
    applied: (fresh: RtAsset) => boolean,
    still: (fresh: RtAsset) => Promise<LoanRemoteResult | null>,
    signal?: AbortSignal,
  ): Promise<RtAsset | LoanRemoteResult> {
    let cur = a;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await rt.update(cur.id, fields(cur), cur.etag, signal);
        return await rt.get(cur.id, signal);
      } catch (e) {
        if (!(e instanceof SyncError)) throw e;
        if (e.kind === 'transient' && !signal?.aborted) {
          const fresh = await rt.get(cur.id, signal); // throws again while RT stays unreachable
          if (applied(fresh)) return fresh;
          throw e;
        }
        if (e.kind !== 'conflict') throw e;
        cur = await rt.get(cur.id, signal);
        const stop = await still(cur);
        if (stop) return stop;
      }
    }
    throw new SyncError('conflict', 'the asset kept changing while Relais wrote to it', 412);
  }
  const isResult = (x: RtAsset | LoanRemoteResult): x is LoanRemoteResult => 'status' in x;

  async function linkTicket(a: RtAsset, ticketId: string, signal?: AbortSignal) {
    if (a.referredToByTickets.includes(ticketId)) return;
    try {
      await rt.call('PUT', `/ticket/${encodeURIComponent(ticketId)}`, { AddRefersTo: `asset:${a.id}` }, {}, undefined, signal);
    } catch (e) {
      if (!(e instanceof SyncError && e.kind === 'transient')) throw e;
      if (!(await rt.get(a.id, signal)).referredToByTickets.includes(ticketId)) throw e;
    }
  }

  const reservations = (a: RtAsset): RtReservation[] => {
    const raw = a.customFields.get(RT_LOAN_FIELDS.reservation);
    if (!raw) return [];
    try {
      const r = z.array(reservationSchema).safeParse(JSON.parse(raw));
      return r.success ? r.data : [];
    } catch {
      return [];
    }
  };
  const reservationValue = (list: RtReservation[]) => (list.length ? JSON.stringify(list) : '');
  const overlaps = (r: RtReservation, begin: string, end: string) => Date.parse(r.begin) < Date.parse(end) && Date.parse(begin) < Date.parse(r.end);

  async function checkout(op: Extract<LoanRemoteOp, { kind: 'checkout' }>, signal?: AbortSignal): Promise<LoanRemoteResult> {
    const agent = await userFor(op.agent, signal);
    let a = await assetFor(op.item, signal);
    const blocked = async (x: RtAsset): Promise<LoanRemoteResult | null> => {
      const holder = x.heldBy[0];
      if (holder && !sameUser(holder, agent.name)) return conflict(await holderLabel(holder, signal), op.item.tag, 'lent');
      if (holder) return null;
      const state = x.customFields.get(RT_LOAN_FIELDS.state) ?? '';
      if (UNLENDABLE.includes(state)) return conflict(null, op.item.tag, 'state', state);
      const r = reservations(x).find((v) => !sameUser(v.agent, agent.name) && overlaps(v, op.startAt, op.dueAt));
      if (r) return conflict(await holderLabel(r.agent, signal), op.item.tag, 'reserved');
      return null;
    };
    const stop = await blocked(a);
    if (stop) return stop;
    if (!sameUser(a.heldBy[0], agent.name)) {
      const w = await guardedWrite(a, () => ({ HeldBy: agent.name }), (f) => sameUser(f.heldBy[0], agent.name), blocked, signal);
      if (isResult(w)) return w;
      // Whoever is first in HeldBy once RT's write window has passed has the item. RT computes a
      // role's new members from the ones it read, so two racing writes can leave both agents in
      // HeldBy: every console then agrees on the first one and puts HeldBy back to that one alone.
      a = (await rt.settled(w, signal)) as RtAsset;
      const winner = a.heldBy[0];
      if (a.heldBy.length > 1 && winner) {
        const only = await guardedWrite(a, () => ({ HeldBy: [winner] }), (f) => f.heldBy.length === 1, async (f) => (f.heldBy.length <= 1 ? { status: 'done' } : null), signal);
        if (!isResult(only)) a = only;
        else a = await rt.get(a.id, signal);
      }
      if (!sameUser(a.heldBy[0], agent.name)) return conflict(await holderLabel(a.heldBy[0], signal), op.item.tag, 'lent');
    }
    // The agent's own pickup slot is used up by the loan.
    const kept = reservations(a).filter((v) => !(sameUser(v.agent, agent.name) && overlaps(v, op.startAt, op.dueAt)));
    const wanted = cfs(a, { state: 'prete', due: op.dueAt, condition: '', missingKit: '', reservation: reservationValue(kept) });
    if (differs(a, wanted)) {
      const w = await guardedWrite(a, () => ({ CustomFields: wanted }), (f) => !differs(f, wanted), async (f) => (sameUser(f.heldBy[0], agent.name) ? null : conflict(await holderLabel(f.heldBy[0], signal), op.item.tag, 'lent')), signal);
      if (isResult(w)) return w;
      a = w;
    }
    if (op.ticketRemoteId) await linkTicket(a, op.ticketRemoteId, signal);
    return { status: 'done', remoteId: a.id };
  }

  async function checkin(op: Extract<LoanRemoteOp, { kind: 'checkin' }>, signal?: AbortSignal): Promise<LoanRemoteResult> {
    const a = await assetFor(op.item, signal);
    const state: LoanItemState = op.item.state !== 'prete' ? op.item.state : op.condition === 'ok' ? 'disponible' : 'retour_a_controler';
    const wanted = cfs(a, { state, due: '', condition: op.condition, missingKit: op.missingKit.join(', ') });
    if (a.heldBy.length === 0 && !differs(a, wanted)) return { status: 'done', remoteId: a.id };
    const w = await guardedWrite(a, () => ({ HeldBy: [], CustomFields: wanted }), (f) => f.heldBy.length === 0 && !differs(f, wanted), async () => null, signal);
    if (isResult(w)) return w;
    return { status: 'done', remoteId: a.id };
  }

  async function reserve(op: Extract<LoanRemoteOp, { kind: 'reserve' }>, signal?: AbortSignal): Promise<LoanRemoteResult> {
    const agent = await userFor(op.agent, signal);
    const a = await assetFor(op.item, signal);
    if (!a.customFields.has(RT_LOAN_FIELDS.reservation)) throw rtLoanErrors.missingFields(catalog, [RT_LOAN_FIELDS.reservation]);
    const mine = (x: RtAsset) => reservations(x).some((v) => v.key === op.reservationKey);
    const blocked = async (x: RtAsset): Promise<LoanRemoteResult | null> => {
      if (mine(x)) return { status: 'done', remoteId: x.id };
      // Reservations never overlap; back-to-back slots are fine (GLPI's rule too).
      const r = reservations(x).find((v) => overlaps(v, op.begin, op.end));
      if (r) return conflict(await holderLabel(r.agent, signal), op.item.tag, 'reserved');
      const holder = x.heldBy[0];
      const due = x.customFields.get(RT_LOAN_FIELDS.due);
      if (holder && !sameUser(holder, agent.name) && (!due || Date.parse(due) > Date.parse(op.begin))) return conflict(await holderLabel(holder, signal), op.item.tag, 'lent');
      const state = x.customFields.get(RT_LOAN_FIELDS.state) ?? '';
      if (UNLENDABLE.includes(state)) return conflict(null, op.item.tag, 'state', state);
      return null;
    };
    const stop = await blocked(a);
    if (stop) return stop;
    const wanted = (x: RtAsset) => {
      const list = [...reservations(x), { key: op.reservationKey, begin: op.begin, end: op.end, agent: agent.name }].sort((p, q) => p.begin.localeCompare(q.begin));
      return { CustomFields: cfs(x, { reservation: reservationValue(list), ...(x.heldBy.length === 0 ? { state: 'reserve' } : {}) }) };
    };
    const w = await guardedWrite(a, wanted, mine, blocked, signal);
    if (isResult(w)) return w;
    // Two consoles booking the same slot: the list RT keeps once its write window has passed decides.
    const after = (await rt.settled(w, signal)) as RtAsset;
    if (mine(after)) return { status: 'done', remoteId: after.id };
    return conflict(await holderLabel(reservations(after).find((v) => overlaps(v, op.begin, op.end))?.agent, signal), op.item.tag, 'reserved');
  }

  async function cancelReservation(op: Extract<LoanRemoteOp, { kind: 'cancelReservation' }>, signal?: AbortSignal): Promise<LoanRemoteResult> {
    const a = await assetFor(op.item, signal);
    const gone = (x: RtAsset) => !reservations(x).some((v) => v.key === op.reservationKey);
    if (gone(a)) return { status: 'done', remoteId: a.id };
    const wanted = (x: RtAsset) => {
      const rest = reservations(x).filter((v) => v.key !== op.reservationKey);
      const freed = x.heldBy.length === 0 && rest.length === 0 && x.customFields.get(RT_LOAN_FIELDS.state) === 'reserve';
      return { CustomFields: cfs(x, { reservation: reservationValue(rest), ...(freed ? { state: op.item.state === 'reserve' ? 'disponible' : op.item.state } : {}) }) };
    };
    const w = await guardedWrite(a, wanted, gone, async (f) => (gone(f) ? { status: 'done', remoteId: f.id } : null), signal);
    if (isResult(w)) return w;
    return { status: 'done', remoteId: a.id };
  }

  async function upsertItem(item: LoanRemoteItem, extra: Partial<Record<keyof typeof RT_LOAN_FIELDS, string>>, signal?: AbortSignal): Promise<LoanRemoteResult> {
    const a = await assetFor(item, signal);
    const wanted = cfs(a, { ...itemFields(item), state: item.state, ...extra });
    const same = (x: RtAsset) => x.name === item.tag && x.description === describe(item) && !differs(x, wanted);
    if (same(a)) return { status: 'done', remoteId: a.id };
    const w = await guardedWrite(a, () => ({ Name: item.tag, Description: describe(item), CustomFields: wanted }), same, async () => null, signal);
    if (isResult(w)) return w;
    return { status: 'done', remoteId: a.id };
  }

  async function apply(op: LoanRemoteOp, signal?: AbortSignal): Promise<LoanRemoteResult> {
    switch (op.kind) {
      case 'item':
        return upsertItem(op.item, {}, signal);
      case 'state':
        return upsertItem(op.item, {}, signal);
      case 'checkout':
        return checkout(op, signal);
      case 'checkin':
        return checkin(op, signal);
      case 'reserve':
        return reserve(op, signal);
      case 'cancelReservation':
        return cancelReservation(op, signal);
    }
  }

  return {
    kind: 'rt',
    async apply(op, signal) {
      try {
        return await apply(op, signal);
      } catch (e) {
        if (e instanceof SyncError) throw e.kind === 'transient' ? rtLoanErrors.offline(e) : rtLoanErrors.server(e, catalog);
        throw e;
      }
    },
  };
}
