/**
 * Which cached answers a core event makes stale: the one map from events to the calls
 * whose answers they change. Pure (no client, no React) so it is tested on its own; the
 * query layer (api/queries.ts) turns each entry into an invalidation.
 *
 * A query's key is `[call name, input]`; an entry with an input matches the cached answers
 * whose input has those fields (`{ id }` matches `tickets.get` of that ticket only), an
 * entry without one matches every input of the call.
 */
import type { CallName, EventName, EventPayload } from '../../src/api/contract';

export interface StaleCall {
  name: CallName;
  input?: Record<string, unknown>;
}

type Rule<E extends EventName> = (payload: EventPayload<E>) => StaleCall[];

const all = (...names: CallName[]): StaleCall[] => names.map((name) => ({ name }));
const each = (ids: readonly string[], name: CallName, field: string): StaleCall[] => ids.map((id) => ({ name, input: { [field]: id } }));

/** Reads computed over every ticket: any ticket change may move them. */
const overTickets = all('incidents.list', 'incidents.campaigns', 'dashboard.get', 'caller.context', 'caller.duplicates', 'tools.runs', 'tools.checklistList');

const rules: { [E in EventName]?: Rule<E> } = {
  'tickets.changed': (p) => [...each(p.ids, 'tickets.get', 'id'), ...each(p.ids, 'incidents.get', 'ticketId'), ...each(p.ids, 'rdp.ticketTargets', 'ticketId'), ...overTickets],
  'sync.ticketState': (p) => each(p.ticketIds, 'sync.ticket', 'ticketId'),
  // Loans and seats move the dashboard's resources cards without touching a ticket. A loan
  // change names the tickets whose loans moved, and only those tickets' loans are asked again;
  // an empty list (stock, an item's state, requeued ops) does not say which, so all are.
  'loans.changed': (p) => [
    ...all('dashboard.get', 'loans.overview', 'loans.waitlist', 'loans.item', 'loans.propose'),
    ...(p.ticketIds.length ? each(p.ticketIds, 'loans.ofTicket', 'ticketId') : all('loans.ofTicket')),
  ],
  // The pool's overview; pools (a new one) and the seats a caller holds may move with it.
  'seats.changed': (p) => [...all('dashboard.get', 'seats.pools', 'seats.ofHolder'), { name: 'seats.overview', input: { poolId: p.poolId } }],
  'directory.changed': () => all('directory.search', 'organisation.tree', 'caller.context', 'dashboard.meta', 'rdp.assets'),
  'organisation.changed': () => all('organisation.tree', 'organisation.rules', 'organisation.explain', 'dashboard.meta', 'dashboard.get'),
  'referentials.changed': () => all('tickets.meta', 'dashboard.meta', 'incidents.config', 'referentials.list', 'referentials.desk', 'mappings.get'),
  // The operator's name is among the technicians `tickets.meta` lists.
  'settings.changed': () => all('tickets.meta'),
  'drafts.changed': () => all('drafts.list'),
  'ssh.profilesChanged': () => all('ssh.profiles', 'rdp.assetMethods', 'rdp.assets', 'rdp.ticketTargets'),
  'ssh.hostKeysChanged': () => all('ssh.hostKeys'),
  // A session opening, dropping or closing changes which sessions a reloaded page may reattach.
  'ssh.status': () => all('ssh.sessions'),
  'security.vaultChanged': () => all('security.vaultList', 'security.vaultInfo'),
  'security.auditAppended': () => all('security.auditVerify'),
  'rdp.session': (p) => [...all('rdp.sessions'), { name: 'rdp.session', input: { sessionId: p.id } }],
  'tools.started': () => all('tools.runs'),
  'tools.finished': (p) => [...all('tools.runs'), { name: 'tools.get', input: { runId: p.run.id } }],
  'tools.checklistChanged': (p) => [...all('tools.checklistList'), { name: 'tools.checklistGet', input: { runId: p.run.id } }],
};

/** The calls whose cached answers `event` makes stale (none for events that change no read). */
export function staleCalls<E extends EventName>(event: E, payload: EventPayload<E>): StaleCall[] {
  const rule = rules[event] as Rule<E> | undefined;
  return rule ? rule(payload) : [];
}

/** Events that carry a call's new answer themselves: it is stored, not asked again. */
export const answeredByEvent = { 'sync.changed': 'sync.status', 'settings.changed': 'settings.get' } as const satisfies { [E in EventName]?: CallName };

/** The events that make some answer stale, to subscribe to each once. */
export const invalidatingEvents = Object.keys(rules) as EventName[];

/** The query key of a call (its input normalised so an absent one matches `{}`). */
export function callKey(name: CallName, input: unknown): readonly [CallName, unknown] {
  return [name, input ?? {}] as const;
}
