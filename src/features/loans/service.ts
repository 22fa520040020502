/**
 * La permanence on the local store (offline first). Every change is one IMMEDIATE SQLite
 * transaction holding the change, its item history rows (who, when, why) and its
 * `loan_outbox` row, so a crash never leaves half a loan and the ITSM server gets exactly
 * what happened here. Requests are ranked by the shared `domain/waitlist` code (the same as
 * remote-access seats); tier and priority come from the organisation rules, through the
 * ticket (a request logged as a call) or the classifier port (a request made directly).
 */
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import { stmt } from '../../platform/statements';
import { RelaisError } from '../../base/errors';
import { formatMessage, localize } from '../../base/messages';
import type { Ticket } from '../../domain/tickets';
import type { TicketPort } from '../tickets/port';
import {
  canTransition,
  checkItemRecords,
  dayBounds,
  inStock,
  isOverdue,
  LOAN_ITEM_STATES,
  LOAN_ITEM_TYPES,
  loanErrors,
  stateAfterReturn,
  type Loan,
  type LoanAgent,
  type LoanCondition,
  type LoanItem,
  type LoanItemEvent,
  type LoanItemInput,
  type LoanItemState,
  type LoanItemType,
  type LoanLine,
  type LoanRequest,
  type LoanReservation,
} from '../../domain/loans';
import type { LoanFigures } from '../../domain/dashboard';
import { loanEntry, returnDetails, type LoanEntryFacts, type LoanEntryKind } from '../../domain/loan-entries';
import { proposeAllocation, rankWaitlist, type RankCriterion, type Refusal, type ServiceTier, type WaitlistOverride } from '../../domain/waitlist';
import type { LoanRemote, LoanRemoteItem, LoanRemoteOp } from './remote-types';
import { buildLoanReceipt } from './receipt';

/** Tier, priority and service of an agent, from the organisation rules (see handlers/loans.ts). */
export interface LoanRankingPort {
  forPerson(personId: string | null, at: Date): { organisationId: string | null; serviceId: string | null; serviceName: string | null; tier: ServiceTier | null; priority: number };
  /** The directory's person: name, login (e-mail's local part when the directory has none) and e-mail. */
  person(personId: string): { name: string; login: string | null; email: string | null } | null;
}

export interface LoansDeps {
  db: Db;
  now(): Date;
  actor(): string;
  tickets: TicketPort;
  ranking: LoanRankingPort;
  /** The asset side of the ITSM server; null: standalone (the outbox waits). */
  remote(): LoanRemote | null;
  onChange?(ticketIds: string[]): void;
}

interface ItemRow {
  id: string;
  tag: string;
  type: LoanItemType;
  serial: string | null;
  model: string | null;
  site: string | null;
  kit: string;
  notes: string;
  state: LoanItemState;
  remote_id: string | null;
}
interface RequestRow {
  id: string;
  ticket_id: string | null;
  agent_name: string;
  agent_login: string | null;
  agent_email: string | null;
  person_id: string | null;
  organisation_id: string | null;
  service_id: string | null;
  service_name: string | null;
  tier: number | null;
  priority: number;
  reason: string;
  wanted_at: string | null;
  requested_at: string;
  status: LoanRequest['status'];
  override: string | null;
}
interface LoanRow {
  id: string;
  item_id: string;
  request_id: string | null;
  ticket_id: string | null;
  agent_name: string;
  agent_login: string | null;
  agent_email: string | null;
  service_name: string | null;
  start_at: string;
  due_at: string;
  condition_out: string;
  returned_at: string | null;
  condition_in: LoanCondition | null;
  missing_kit: string;
  status: Loan['status'];
  conflict: string | null;
  receipt_id: string | null;
}
interface OutboxRow {
  seq: number;
  op_id: string;
  kind: LoanRemoteOp['kind'];
  item_id: string;
  loan_id: string | null;
  reservation_id: string | null;
  ticket_id: string | null;
  payload: string;
  attempts: number;
  next_at: string | null;
}

export interface WaitlistView {
  request: LoanRequest;
  position: number;
  decidedBy: RankCriterion;
  /** Why it cannot be served now (no stock of the types it still needs), or null. */
  blocked: Refusal | null;
}

export interface Proposal {
  requestId: string;
  /** Available items matching the request's remaining lines, first ones first. */
  items: { type: LoanItemType; tags: string[] }[];
}

/** Retry delays of a failed push (ms), then the op is parked for a person. */
const BACKOFF_MS = [5_000, 15_000, 60_000, 300_000, 900_000];
const receiptName = (locale: string, ref: number | string, tags: string[]) => `${locale === 'fr' ? 'bon-de-pret' : 'loan-receipt'}-${ref}-${tags.join('-')}.pdf`.slice(0, 120);
const asTier = (n: number | null): ServiceTier | null => (n === 1 || n === 2 || n === 3 ? n : null);
const parseList = (s: string | null): string[] => (s ? (JSON.parse(s) as string[]) : []);

const toItem = (r: ItemRow): LoanItem => ({ id: r.id, tag: r.tag, type: r.type, serial: r.serial, model: r.model, site: r.site, kit: parseList(r.kit), notes: r.notes, state: r.state, remoteId: r.remote_id });
const remoteItem = (r: ItemRow, state: LoanItemState = r.state): LoanRemoteItem => ({ localId: r.id, tag: r.tag, serial: r.serial, model: r.model, type: r.type, site: r.site, state, remoteId: r.remote_id });

/** Is a failed push worth retrying? The adapter may say so (`details.retryable`); rights and validation errors are not. */
function retryable(e: RelaisError): boolean {
  const d = e.details as { retryable?: unknown } | undefined;
  if (d && typeof d.retryable === 'boolean') return d.retryable;
  return !/AUTH|TOKEN|RIGHT|FORBIDDEN|INVALID|VALIDATION|REFUSED|NOT_CONFIGURED/.test(e.code);
}

export type LoansService = ReturnType<typeof createLoansService>;

export function createLoansService(deps: LoansDeps) {
  const { db } = deps;
  const changed = (ticketIds: (string | null)[]) => deps.onChange?.([...new Set(ticketIds.filter((t): t is string => !!t))]);
  const q = <T>(sql: string) => {
    const s = stmt(db, sql);
    return { get: (...a: unknown[]) => s.get(...a) as T | undefined, all: (...a: unknown[]) => s.all(...a) as T[], run: (...a: unknown[]) => s.run(...a) };
  };
  const itemByTag = q<ItemRow>('SELECT * FROM loan_items WHERE tag = ? COLLATE NOCASE');
  const itemById = q<ItemRow>('SELECT * FROM loan_items WHERE id = ?');
  const activeLoanOf = q<LoanRow>("SELECT * FROM loans WHERE item_id = ? AND status IN ('active', 'conflict')");
  const insertEvent = stmt(db, 
    'INSERT INTO loan_item_events (item_id, at, actor, action, from_state, to_state, reason, loan_id, request_id, agent_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const setState = stmt(db, 'UPDATE loan_items SET state = ?, updated_at = ? WHERE id = ?');
  const insertOutbox = stmt(db, 'INSERT INTO loan_outbox (op_id, kind, item_id, loan_id, reservation_id, ticket_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertLoan = stmt(db, 
    'INSERT INTO loans (id, item_id, request_id, ticket_id, agent_name, agent_login, agent_email, service_name, start_at, due_at, condition_out, checked_out_by) VALUES (@id, @item_id, @request_id, @ticket_id, @agent_name, @agent_login, @agent_email, @service_name, @start_at, @due_at, @condition_out, @checked_out_by)',
  );

  /** Moves an item to `to` (validated) and records who, when, why; in the caller's transaction. */
  function move(item: ItemRow, to: LoanItemState, action: string, reason: string, ctx: { loanId?: string | null; requestId?: string | null; agentName?: string | null } = {}) {
    if (item.state !== to && !canTransition(item.state, to)) throw loanErrors.badTransition(item.tag, item.state, to);
    const at = deps.now().toISOString();
    setState.run(to, at, item.id);
    insertEvent.run(item.id, at, deps.actor(), action, item.state, to, reason, ctx.loanId ?? null, ctx.requestId ?? null, ctx.agentName ?? null);
    item.state = to;
  }

  /** Queues an op for the ITSM server, in the caller's transaction (the op carries the item as it is now). */
  function enqueue(op: LoanRemoteOp, refs: { loanId?: string | null; reservationId?: string | null; ticketId?: string | null }) {
    insertOutbox.run(uuidv7(), op.kind, op.item.localId, refs.loanId ?? null, refs.reservationId ?? null, refs.ticketId ?? null, JSON.stringify(op), deps.now().toISOString());
  }

  function requireItem(tag: string): ItemRow {
    const r = itemByTag.get(tag.trim());
    if (!r) throw loanErrors.unknownTag(tag.trim());
    return r;
  }

  // --- Stock ---------------------------------------------------------------------------

  function stockOf(type: LoanItemType): number {
    return (stmt(db, "SELECT count(*) FROM loan_items WHERE type = ? AND state NOT IN ('perdu_vole', 'reforme')").pluck().get(type) as number) ?? 0;
  }

  function addItemsInTx(items: LoanItemInput[], reason: string) {
    const now = deps.now().toISOString();
    const ins = stmt(db, "INSERT INTO loan_items (id, tag, type, serial, model, site, kit, notes, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'disponible', ?, ?)");
    for (const it of items) {
      const id = uuidv7();
      ins.run(id, it.tag, it.type, it.serial, it.model, it.site, JSON.stringify(it.kit), it.notes, now, now);
      insertEvent.run(id, now, deps.actor(), 'created', null, 'disponible', reason, null, null, null);
      enqueue({ kind: 'item', item: remoteItem(itemById.get(id)!) }, {});
    }
  }

  // --- Requests ------------------------------------------------------------------------

  const linesOf = q<{ type: LoanItemType; quantity: number; served: number }>('SELECT type, quantity, served FROM loan_request_lines WHERE request_id = ? ORDER BY rowid');
  const ticketNumber_ = (id: string | null): number | null => {
    if (!id) return null;
    try {
      return deps.tickets.get(id).number;
    } catch {
      return null;
    }
  };
  function toRequest(r: RequestRow, lines = linesOf.all(r.id), number: number | null = ticketNumber_(r.ticket_id)): LoanRequest {
    return {
      id: r.id,
      ticketId: r.ticket_id,
      ticketNumber: number,
      agent: { name: r.agent_name, login: r.agent_login, email: r.agent_email, personId: r.person_id },
      serviceId: r.service_id,
      serviceName: r.service_name,
      tier: asTier(r.tier),
      priority: r.priority,
      reason: r.reason,
      wantedAt: r.wanted_at,
      requestedAt: r.requested_at,
      status: r.status,
      override: r.override ? (JSON.parse(r.override) as WaitlistOverride) : null,
      lines,
    };
  }

  /**
   * The waiting requests, kept in memory: the list may hold 10,000 requests and reading
   * them all back on every change costs far more than ranking them. This service's own
   * writes mark the requests they touch (`touch`), which are read again; a commit by another
   * connection to the same file (another console, a tool) changes SQLite's `data_version`
   * and the whole list is read again.
   */
  let waitingCache: Map<string, LoanRequest> | null = null;
  let cacheVersion = -1;
  const dirty = new Set<string>();
  const touch = (id: string | null | undefined) => {
    if (id) dirty.add(id);
  };
  const REQUEST_SELECT = 'SELECT r.*, t.number AS ticket_number FROM loan_requests r LEFT JOIN tickets t ON t.id = r.ticket_id';
  type LineRow = { request_id: string; type: LoanItemType; quantity: number; served: number };
  function groupLines(rows: LineRow[]): Map<string, LoanRequest['lines']> {
    const lines = new Map<string, LoanRequest['lines']>();
    for (const l of rows) {
      let a = lines.get(l.request_id);
      if (!a) lines.set(l.request_id, (a = []));
      a.push({ type: l.type, quantity: l.quantity, served: l.served });
    }
    return lines;
  }
  function readRequests(where: string, ...args: unknown[]): LoanRequest[] {
    const rows = db.prepare(`${REQUEST_SELECT} WHERE ${where}`).all(...args) as (RequestRow & { ticket_number: number | null })[];
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const lines = groupLines(db.prepare(`SELECT request_id, type, quantity, served FROM loan_request_lines WHERE request_id IN (${ids.map(() => '?').join(',')}) ORDER BY rowid`).all(...ids) as LineRow[]);
    return rows.map((r) => toRequest(r, lines.get(r.id) ?? [], r.ticket_number));
  }
  function waitingRequests(): LoanRequest[] {
    const version = db.pragma('data_version', { simple: true }) as number;
    if (!waitingCache || version !== cacheVersion) {
      const all = stmt(db, `${REQUEST_SELECT} WHERE r.status = 'waiting'`).all() as (RequestRow & { ticket_number: number | null })[];
      const lines = groupLines(stmt(db, "SELECT l.request_id, l.type, l.quantity, l.served FROM loan_request_lines l JOIN loan_requests r ON r.id = l.request_id WHERE r.status = 'waiting' ORDER BY l.rowid").all() as LineRow[]);
      waitingCache = new Map(all.map((r) => [r.id, toRequest(r, lines.get(r.id) ?? [], r.ticket_number)]));
      cacheVersion = version;
      dirty.clear();
    } else if (dirty.size) {
      const ids = [...dirty];
      dirty.clear();
      for (const id of ids) waitingCache.delete(id);
      // A change touches a handful of requests: far below SQLite's parameter limit.
      for (const r of readRequests(`r.id IN (${ids.map(() => '?').join(',')}) AND r.status = 'waiting'`, ...ids)) waitingCache.set(r.id, r);
    }
    return [...waitingCache.values()];
  }

  /** Available items per type, not held by a reservation of someone else. */
  function availableByType(forRequestId: string | null = null): Map<LoanItemType, string[]> {
    const rows = db
      .prepare(
        `SELECT i.type, i.tag FROM loan_items i
         WHERE i.state = 'disponible' OR (i.state = 'reserve' AND ? IS NOT NULL AND EXISTS (SELECT 1 FROM loan_reservations r WHERE r.item_id = i.id AND r.status = 'active' AND r.request_id = ?))
         ORDER BY i.state DESC, i.tag`,
      )
      .all(forRequestId, forRequestId) as { type: LoanItemType; tag: string }[];
    const m = new Map<LoanItemType, string[]>();
    for (const r of rows) {
      let a = m.get(r.type);
      if (!a) m.set(r.type, (a = []));
      a.push(r.tag);
    }
    return m;
  }

  const remaining = (r: LoanRequest) => r.lines.filter((l) => l.served < l.quantity);

  function rankAndPropose() {
    const requests = waitingRequests();
    const ranked = rankWaitlist(requests);
    const avail = availableByType();
    const canServe = (r: LoanRequest) => {
      const missing = remaining(r).filter((l) => !(avail.get(l.type)?.length));
      return missing.length < remaining(r).length ? ({ ok: true } as const) : ({ ok: false, code: 'NO_STOCK', params: { types: missing.map((l) => l.type).join(',') } } as const);
    };
    const proposed = proposeAllocation(ranked, canServe);
    return { ranked, proposed, canServe };
  }

  function itemsFor(request: LoanRequest): Proposal {
    const avail = availableByType(request.id);
    return { requestId: request.id, items: remaining(request).map((l) => ({ type: l.type, tags: (avail.get(l.type) ?? []).slice(0, l.quantity - l.served) })) };
  }

  // --- Loans ---------------------------------------------------------------------------

  const remindersOf = q<{ at: string; actor: string; note: string }>('SELECT at, actor, note FROM loan_reminders WHERE loan_id = ? ORDER BY at');
  function toLoan(r: LoanRow & { tag: string; type: LoanItemType; serial: string | null; model: string | null; kit: string }): Loan {
    return {
      id: r.id,
      itemId: r.item_id,
      tag: r.tag,
      type: r.type,
      serial: r.serial,
      model: r.model,
      kit: parseList(r.kit),
      requestId: r.request_id,
      ticketId: r.ticket_id,
      agentName: r.agent_name,
      agentLogin: r.agent_login,
      serviceName: r.service_name,
      startAt: r.start_at,
      dueAt: r.due_at,
      conditionOut: r.condition_out,
      returnedAt: r.returned_at,
      conditionIn: r.condition_in,
      missingKit: parseList(r.missing_kit),
      status: r.status,
      conflict: r.conflict ? (JSON.parse(r.conflict) as Loan['conflict']) : null,
      receiptId: r.receipt_id,
      reminders: remindersOf.all(r.id),
    };
  }
  const LOAN_SELECT = 'SELECT l.*, i.tag, i.type, i.serial, i.model, i.kit FROM loans l JOIN loan_items i ON i.id = l.item_id';
  const loansWhere = (where: string, ...args: unknown[]) => (stmt(db, `${LOAN_SELECT} WHERE ${where} ORDER BY l.start_at, i.tag`).all(...args) as Parameters<typeof toLoan>[0][]).map(toLoan);

  function reservationsWhere(where: string, ...args: unknown[]): LoanReservation[] {
    return (
      stmt(db, `SELECT r.*, i.tag, i.type FROM loan_reservations r JOIN loan_items i ON i.id = r.item_id WHERE ${where} ORDER BY r.begin_at`).all(...args) as {
        id: string;
        item_id: string;
        tag: string;
        type: LoanItemType;
        request_id: string | null;
        agent_name: string;
        begin_at: string;
        end_at: string;
        status: LoanReservation['status'];
      }[]
    ).map((r) => ({ id: r.id, itemId: r.item_id, tag: r.tag, type: r.type, requestId: r.request_id, agentName: r.agent_name, beginAt: r.begin_at, endAt: r.end_at, status: r.status }));
  }

  function agentOf(r: RequestRow): LoanAgent {
    return { name: r.agent_name, login: r.agent_login, email: r.agent_email, personId: r.person_id };
  }

  /** A timeline entry: its facts, and their French sentence for the ITSM server (the console words the facts). */
  function timeline<K extends LoanEntryKind>(ticketId: string | null, kind: K, facts: LoanEntryFacts<K> & Record<string, unknown>) {
    if (!ticketId) return;
    deps.tickets.appendTimeline(ticketId, loanEntry(kind, facts));
  }

  let draining: Promise<DrainResult> | null = null;

  const service = {
    // --- stock ---
    addItem(input: LoanItemInput): LoanItem {
      const item = db
        .transaction(() => {
          if (itemByTag.get(input.tag)) throw loanErrors.csvInvalid([{ line: 1, message: localize('LOAN_CSV_TAG_IN_STOCK', { tag: input.tag }) }]);
          addItemsInTx([input], 'ajout manuel');
          return itemByTag.get(input.tag)!;
        })
        .immediate();
      changed([]);
      return toItem(item);
    },

    /** CSV import: every line checked first; one bad line (duplicate tag…) and nothing is imported. */
    importItems(records: string[][]): { imported: number } {
      const n = db
        .transaction(() => {
          const existing = new Set((stmt(db, 'SELECT lower(tag) FROM loan_items').pluck().all() as string[]).map(String));
          const { items, errors } = checkItemRecords(records, existing);
          if (errors.length) throw loanErrors.csvInvalid(errors);
          addItemsInTx(items, 'import CSV');
          return items.length;
        })
        .immediate();
      changed([]);
      return { imported: n };
    },

    item(tag: string): { item: LoanItem; loan: Loan | null; history: LoanItemEvent[] } {
      const r = requireItem(tag);
      const active = loansWhere("l.item_id = ? AND l.status IN ('active', 'conflict')", r.id)[0] ?? null;
      return { item: toItem(r), loan: active, history: service.history({ itemId: r.id }) };
    },

    items(filter: { type?: LoanItemType; state?: LoanItemState } = {}): LoanItem[] {
      return (
        stmt(db, 'SELECT * FROM loan_items WHERE (? IS NULL OR type = ?) AND (? IS NULL OR state = ?) ORDER BY type, tag').all(filter.type ?? null, filter.type ?? null, filter.state ?? null, filter.state ?? null) as ItemRow[]
      ).map(toItem);
    },

    /** An item's or an agent's full history, newest last. */
    history(who: { itemId?: string; agentName?: string }): LoanItemEvent[] {
      const rows = db
        .prepare(
          `SELECT e.*, i.tag FROM loan_item_events e JOIN loan_items i ON i.id = e.item_id WHERE ${who.itemId ? 'e.item_id = ?' : 'e.agent_name = ?'} ORDER BY e.seq`,
        )
        .all(who.itemId ?? who.agentName ?? '') as {
        seq: number;
        item_id: string;
        tag: string;
        at: string;
        actor: string;
        action: string;
        from_state: LoanItemState | null;
        to_state: LoanItemState;
        reason: string;
        loan_id: string | null;
        request_id: string | null;
        agent_name: string | null;
      }[];
      return rows.map((e) => ({ seq: e.seq, itemId: e.item_id, tag: e.tag, at: e.at, actor: e.actor, action: e.action, fromState: e.from_state, toState: e.to_state, reason: e.reason, loanId: e.loan_id, requestId: e.request_id, agentName: e.agent_name }));
    },

    /** An operator decision (repair, loss, write-off, checked and back in stock), with its reason. */
    changeState(tag: string, to: LoanItemState, reason: string): LoanItem {
      const item = db
        .transaction(() => {
          const r = requireItem(tag);
          if (r.state === 'prete' || to === 'prete' || to === 'reserve') {
            if (to === 'prete' || to === 'reserve') throw loanErrors.badTransition(r.tag, r.state, to);
            if (to !== 'perdu_vole') throw loanErrors.alreadyLent(r.tag, activeLoanOf.get(r.id)?.agent_name ?? null);
          }
          if (r.state === 'reserve') throw loanErrors.badTransition(r.tag, r.state, to);
          if (!canTransition(r.state, to)) throw loanErrors.badTransition(r.tag, r.state, to);
          const loan = activeLoanOf.get(r.id);
          move(r, to, 'state', reason, { loanId: loan?.id ?? null, agentName: loan?.agent_name ?? null });
          if (loan) stmt(db, "UPDATE loans SET status = 'returned', returned_at = ?, checked_in_by = ? WHERE id = ?").run(deps.now().toISOString(), deps.actor(), loan.id);
          enqueue({ kind: 'state', item: remoteItem(r), reason }, { loanId: loan?.id ?? null, ticketId: loan?.ticket_id ?? null });
          return r;
        })
        .immediate();
      changed([]);
      return toItem(item);
    },

    // --- requests and the waiting list ---
    /**
     * A request, from a call (its ticket gives the agent, tier and priority the rules set) or
     * directly (the organisation rules classify the agent). A quantity above the whole stock
     * of a type is refused: it could never be served.
     */
    createRequest(input: { ticketId?: string | null; agent?: LoanAgent | null; lines: LoanLine[]; reason: string; wantedAt?: string | null }): LoanRequest {
      const now = deps.now();
      let ticket: Ticket | null = null;
      if (input.ticketId) ticket = deps.tickets.get(input.ticketId);
      const personId = input.agent?.personId ?? ticket?.requesterId ?? null;
      const person = personId ? deps.ranking.person(personId) : null;
      const ranked = ticket
        ? { organisationId: ticket.org.organisationId, serviceId: ticket.org.serviceId, serviceName: ticket.org.serviceName, tier: asTier(ticket.org.tier), priority: ticket.priority }
        : deps.ranking.forPerson(personId, now);
      const name = input.agent?.name ?? person?.name ?? ticket?.requesterName ?? '';
      if (!name) throw loanErrors.requestNotFound('agent');
      const merged = new Map<LoanItemType, number>();
      for (const l of input.lines) merged.set(l.type, (merged.get(l.type) ?? 0) + l.quantity);
      const id = uuidv7();
      const row: RequestRow = {
        id,
        ticket_id: ticket?.id ?? null,
        agent_name: name,
        agent_login: input.agent?.login ?? person?.login ?? null,
        agent_email: input.agent?.email ?? person?.email ?? null,
        person_id: personId,
        organisation_id: ranked.organisationId,
        service_id: ranked.serviceId,
        service_name: ranked.serviceName,
        tier: ranked.tier,
        priority: ranked.priority,
        reason: input.reason,
        wanted_at: input.wantedAt ?? null,
        requested_at: ticket?.createdAt ?? now.toISOString(),
        status: 'waiting',
        override: null,
      };
      db.transaction(() => {
        for (const [type, qty] of merged) {
          const stock = stockOf(type);
          if (qty > stock) throw loanErrors.aboveStock(type, qty, stock);
        }
        stmt(db, 
          'INSERT INTO loan_requests (id, ticket_id, agent_name, agent_login, agent_email, person_id, organisation_id, service_id, service_name, tier, priority, reason, wanted_at, requested_at, status, created_by) VALUES (@id, @ticket_id, @agent_name, @agent_login, @agent_email, @person_id, @organisation_id, @service_id, @service_name, @tier, @priority, @reason, @wanted_at, @requested_at, @status, @created_by)',
        ).run({ ...row, created_by: deps.actor() });
        touch(id);
        const ins = stmt(db, 'INSERT INTO loan_request_lines (request_id, type, quantity) VALUES (?, ?, ?)');
        for (const [type, qty] of merged) ins.run(id, type, qty);
        timeline(row.ticket_id, 'loan_request', { requestId: id, lines: [...merged].map(([type, quantity]) => ({ type, quantity })) });
      }).immediate();
      changed([row.ticket_id]);
      return toRequest(row);
    },

    request(id: string): LoanRequest {
      const r = q<RequestRow>('SELECT * FROM loan_requests WHERE id = ?').get(id);
      if (!r) throw loanErrors.requestNotFound(id);
      return toRequest(r);
    },

    /** The ranked waiting list with the criterion of each position (the console words it), and what is proposed to the first servable request. */
    waitlist(limit = 200): { entries: WaitlistView[]; total: number; proposal: Proposal | null } {
      const { ranked, proposed, canServe } = rankAndPropose();
      const entries = ranked.slice(0, limit).map((r) => {
        const v = canServe(r.entry);
        return {
          request: r.entry,
          position: r.position,
          decidedBy: r.decidedBy,
          blocked: v.ok ? null : { code: v.code, params: v.params },
        };
      });
      return { entries, total: ranked.length, proposal: proposed.proposed ? itemsFor(proposed.proposed.entry) : null };
    },

    /** Matching available items for any waiting request (the operator may serve out of order with a reason). */
    proposeFor(requestId: string): Proposal {
      return itemsFor(service.request(requestId));
    },

    /** Moves a request to the head of the list; who and why are recorded and shown. */
    overrideRequest(requestId: string, reason: string): LoanRequest {
      const r = db
        .transaction(() => {
          const row = q<RequestRow>("SELECT * FROM loan_requests WHERE id = ? AND status = 'waiting'").get(requestId);
          if (!row) throw loanErrors.requestNotFound(requestId);
          const override: WaitlistOverride = { reason, by: deps.actor(), at: deps.now().toISOString() };
          stmt(db, 'UPDATE loan_requests SET override = ? WHERE id = ?').run(JSON.stringify(override), requestId);
          touch(requestId);
          timeline(row.ticket_id, 'loan_override', { requestId, reason });
          return { ...row, override: JSON.stringify(override) };
        })
        .immediate();
      changed([r.ticket_id]);
      return toRequest(r);
    },

    cancelRequest(requestId: string, reason: string): LoanRequest {
      const r = db
        .transaction(() => {
          const row = q<RequestRow>("SELECT * FROM loan_requests WHERE id = ? AND status = 'waiting'").get(requestId);
          if (!row) throw loanErrors.requestNotFound(requestId);
          stmt(db, "UPDATE loan_requests SET status = 'cancelled', closed_at = ? WHERE id = ?").run(deps.now().toISOString(), requestId);
          touch(requestId);
          for (const res of reservationsWhere("r.request_id = ? AND r.status = 'active'", requestId)) cancelReservationInTx(res.id, reason);
          timeline(row.ticket_id, 'loan_request_cancelled', { requestId, reason });
          return { ...row, status: 'cancelled' as const };
        })
        .immediate();
      changed([r.ticket_id]);
      return toRequest(r);
    },

    requestsOfTicket(ticketId: string): LoanRequest[] {
      return q<RequestRow>('SELECT * FROM loan_requests WHERE ticket_id = ? ORDER BY requested_at').all(ticketId).map((r) => toRequest(r));
    },

    // --- reservations ---
    /** Holds an item for a pickup slot. Two reservations of one item never overlap (checked, and refused by a trigger too). */
    reserve(input: { tag: string; requestId: string; beginAt: string; endAt: string }): LoanReservation {
      const res = db
        .transaction(() => {
          const item = requireItem(input.tag);
          const req = q<RequestRow>("SELECT * FROM loan_requests WHERE id = ? AND status = 'waiting'").get(input.requestId);
          if (!req) throw loanErrors.requestNotFound(input.requestId);
          if (!(Date.parse(input.endAt) > Date.parse(input.beginAt)) || Date.parse(input.endAt) <= deps.now().getTime()) throw loanErrors.badSlot();
          if (item.state === 'prete') throw loanErrors.alreadyLent(item.tag, activeLoanOf.get(item.id)?.agent_name ?? null);
          if (item.state !== 'disponible' && item.state !== 'reserve') throw loanErrors.notAvailable(item.tag, item.state);
          const clash = reservationsWhere("r.item_id = ? AND r.status = 'active' AND r.begin_at < ? AND ? < r.end_at", item.id, input.endAt, input.beginAt)[0];
          if (clash) throw loanErrors.overlap(item.tag, clash.agentName);
          const id = uuidv7();
          stmt(db, 'INSERT INTO loan_reservations (id, item_id, request_id, agent_name, begin_at, end_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
            id,
            item.id,
            req.id,
            req.agent_name,
            input.beginAt,
            input.endAt,
            deps.now().toISOString(),
            deps.actor(),
          );
          move(item, 'reserve', 'reserved', `créneau ${input.beginAt} – ${input.endAt}`, { requestId: req.id, agentName: req.agent_name });
          enqueue({ kind: 'reserve', item: remoteItem(item), agent: agentOf(req), begin: input.beginAt, end: input.endAt, reservationKey: id }, { reservationId: id, ticketId: req.ticket_id });
          return { ticketId: req.ticket_id, view: reservationsWhere('r.id = ?', id)[0]! };
        })
        .immediate();
      changed([res.ticketId]);
      return res.view;
    },

    cancelReservation(reservationId: string, reason: string): void {
      db.transaction(() => cancelReservationInTx(reservationId, reason)).immediate();
      changed([]);
    },

    // --- check-out, check-in ---
    /**
     * Lends the scanned items to the agent of a request (or an agent directly). Refused, with
     * nothing changed: an unknown tag, an item already lent or not available, a tag twice, a
     * past due date, an item type the request no longer needs, or a request that is not the
     * head of the list without an override reason (recorded when given).
     */
    checkout(input: { requestId?: string | null; agent?: LoanAgent | null; ticketId?: string | null; tags: string[]; dueAt: string; condition: string; overrideReason?: string | null }): Loan[] {
      const now = deps.now();
      const nowIso = now.toISOString();
      const result = db
        .transaction(() => {
          if (!(Date.parse(input.dueAt) > now.getTime())) throw loanErrors.duePast(input.dueAt);
          const seen = new Set<string>();
          const items = input.tags.map((t) => {
            const item = requireItem(t);
            if (seen.has(item.id)) throw loanErrors.duplicateInCheckout(item.tag);
            seen.add(item.id);
            return item;
          });
          let req: RequestRow | undefined;
          let agent: LoanAgent;
          let ticketId = input.ticketId ?? null;
          let serviceName: string | null = null;
          if (input.requestId) {
            req = q<RequestRow>("SELECT * FROM loan_requests WHERE id = ? AND status = 'waiting'").get(input.requestId);
            if (!req) throw loanErrors.requestNotFound(input.requestId);
            const { ranked, proposed } = rankAndPropose();
            const head = proposed.proposed?.entry ?? ranked[0]?.entry;
            if (head && head.id !== req.id && !input.overrideReason) throw loanErrors.notHead(head.agent.name);
            agent = agentOf(req);
            ticketId = req.ticket_id;
            serviceName = req.service_name;
          } else if (input.agent) {
            agent = input.agent;
          } else throw loanErrors.requestNotFound('');
          const need = new Map((req ? linesOf.all(req.id) : []).map((l) => [l.type, l.quantity - l.served]));
          const loans: string[] = [];
          for (const item of items) {
            if (item.state === 'prete') throw loanErrors.alreadyLent(item.tag, activeLoanOf.get(item.id)?.agent_name ?? null);
            if (item.state === 'reserve') {
              const mine = reservationsWhere("r.item_id = ? AND r.status = 'active'", item.id);
              // Another agent's slot blocks only when it falls inside this loan's period.
              const other = mine.find((r) => (!req || r.requestId !== req.id) && Date.parse(r.beginAt) < Date.parse(input.dueAt));
              if (other && !input.overrideReason) throw loanErrors.reservedForOther(item.tag, other.agentName);
              for (const r of mine) {
                stmt(db, "UPDATE loan_reservations SET status = ? WHERE id = ?").run(r.requestId === req?.id ? 'picked_up' : 'cancelled', r.id);
                if (r.requestId !== req?.id) enqueue({ kind: 'cancelReservation', item: remoteItem(item), reservationKey: r.id }, { reservationId: r.id });
              }
            } else if (item.state !== 'disponible') throw loanErrors.notAvailable(item.tag, item.state);
            if (req) {
              const left = need.get(item.type) ?? 0;
              if (left <= 0) throw loanErrors.notNeeded(item.tag, item.type);
              need.set(item.type, left - 1);
              stmt(db, 'UPDATE loan_request_lines SET served = served + 1 WHERE request_id = ? AND type = ?').run(req.id, item.type);
            }
            const id = uuidv7();
            insertLoan.run({
              id,
              item_id: item.id,
              request_id: req?.id ?? null,
              ticket_id: ticketId,
              agent_name: agent.name,
              agent_login: agent.login,
              agent_email: agent.email,
              service_name: serviceName,
              start_at: nowIso,
              due_at: new Date(input.dueAt).toISOString(),
              condition_out: input.condition,
              checked_out_by: deps.actor(),
            });
            move(item, 'prete', 'checkout', input.overrideReason ? formatMessage('fr', 'LOAN_HISTORY_OUT_OF_TURN', { reason: input.overrideReason }) : input.condition, { loanId: id, requestId: req?.id ?? null, agentName: agent.name });
            enqueue({ kind: 'checkout', item: remoteItem(item), agent: { name: agent.name, login: agent.login, email: agent.email }, ticketRemoteId: null, startAt: nowIso, dueAt: new Date(input.dueAt).toISOString() }, { loanId: id, ticketId });
            loans.push(id);
          }
          if (req) {
            touch(req.id);
            if (input.overrideReason) stmt(db, 'UPDATE loan_requests SET override = ? WHERE id = ?').run(JSON.stringify({ reason: input.overrideReason, by: deps.actor(), at: nowIso }), req.id);
            const open = stmt(db, 'SELECT count(*) FROM loan_request_lines WHERE request_id = ? AND served < quantity').pluck().get(req.id) as number;
            if (open === 0) stmt(db, "UPDATE loan_requests SET status = 'served', closed_at = ? WHERE id = ?").run(nowIso, req.id);
          }
          timeline(ticketId, 'loan_checkout', {
            loanIds: loans,
            agentName: agent.name,
            items: items.map((i) => ({ type: i.type, tag: i.tag, serial: i.serial ?? null })),
            dueAt: new Date(input.dueAt).toISOString(),
            ...(input.overrideReason ? { overrideReason: input.overrideReason } : {}),
          });
          return { loans, ticketId };
        })
        .immediate();
      changed([result.ticketId]);
      return result.loans.map((id) => service.loan(id));
    },

    /** Records a return: condition and missing kit parts; anything short of complete and OK is checked before lending again. */
    checkin(input: { tag: string; condition: LoanCondition; missingKit: string[]; note?: string }): Loan {
      const r = db
        .transaction(() => {
          const item = requireItem(input.tag);
          const loan = activeLoanOf.get(item.id);
          if (!loan || item.state !== 'prete') throw loanErrors.notLent(item.tag);
          const kit = parseList(item.kit);
          const missing = input.missingKit.map((m) => kit.find((k) => k.toLowerCase() === m.trim().toLowerCase()) ?? m.trim()).filter(Boolean);
          const to = stateAfterReturn(input.condition, missing);
          const at = deps.now().toISOString();
          stmt(db, "UPDATE loans SET status = 'returned', returned_at = ?, condition_in = ?, missing_kit = ?, checked_in_by = ? WHERE id = ?").run(at, input.condition, JSON.stringify(missing), deps.actor(), loan.id);
          // The item's history keeps French text, like the server's records of it.
          const why = returnDetails({ condition: input.condition, missingKit: missing, note: input.note }, 'fr');
          move(item, to, 'checkin', why, { loanId: loan.id, requestId: loan.request_id, agentName: loan.agent_name });
          enqueue({ kind: 'checkin', item: remoteItem(item), condition: input.condition, missingKit: missing }, { loanId: loan.id, ticketId: loan.ticket_id });
          timeline(loan.ticket_id, 'loan_checkin', { loanId: loan.id, tag: item.tag, agentName: loan.agent_name, condition: input.condition, missingKit: missing, ...(input.note ? { note: input.note } : {}) });
          return loan;
        })
        .immediate();
      changed([r.ticket_id]);
      return service.loan(r.id);
    },

    loan(id: string): Loan {
      const l = loansWhere('l.id = ?', id)[0];
      if (!l) throw loanErrors.loanNotFound(id);
      return l;
    },

    loansOfTicket(ticketId: string): Loan[] {
      return loansWhere('l.ticket_id = ?', ticketId);
    },

    /** Records a reminder sent to an agent late with a return (and on the ticket). */
    remind(loanId: string, note: string): Loan {
      const l = service.loan(loanId);
      db.transaction(() => {
        stmt(db, 'INSERT INTO loan_reminders (id, loan_id, at, actor, note) VALUES (?, ?, ?, ?, ?)').run(uuidv7(), loanId, deps.now().toISOString(), deps.actor(), note);
        timeline(l.ticketId, 'loan_reminder', { loanId, tag: l.tag, agentName: l.agentName, note });
      }).immediate();
      changed([l.ticketId]);
      return service.loan(loanId);
    },

    /** A loan the server refused (someone else holds the item there): the operator ends it here; the request waits again. */
    resolveConflict(loanId: string, reason: string): Loan {
      const l = db
        .transaction(() => {
          const row = q<LoanRow>("SELECT * FROM loans WHERE id = ? AND status = 'conflict'").get(loanId);
          if (!row) throw loanErrors.loanNotFound(loanId);
          const item = itemById.get(row.item_id)!;
          stmt(db, "UPDATE loans SET status = 'cancelled', returned_at = ? WHERE id = ?").run(deps.now().toISOString(), loanId);
          if (item.state === 'prete') move(item, 'disponible', 'conflict_resolved', reason, { loanId, requestId: row.request_id, agentName: row.agent_name });
          if (row.request_id) {
            touch(row.request_id);
            stmt(db, 'UPDATE loan_request_lines SET served = served - 1 WHERE request_id = ? AND type = ? AND served > 0').run(row.request_id, item.type);
            stmt(db, "UPDATE loan_requests SET status = 'waiting', closed_at = NULL WHERE id = ? AND status = 'served'").run(row.request_id);
          }
          timeline(row.ticket_id, 'loan_conflict_resolved', { loanId, tag: item.tag, reason });
          return row;
        })
        .immediate();
      changed([l.ticket_id]);
      return service.loan(loanId);
    },

    /**
     * Issues the handover receipt (bon de prêt) of loans made together: the PDF is kept as
     * issued and attached to the request's ticket (a timeline entry naming it, through the
     * tickets workflow, so it also reaches the ITSM server).
     */
    async issueReceipt(loanIds: string[], locale: 'fr' | 'en'): Promise<{ receiptId: string; fileName: string; pdf: Buffer; ticketNumber: number | null }> {
      const loans = loanIds.map((id) => service.loan(id));
      const ticketId = loans[0]?.ticketId ?? null;
      const ticketNumber = ticketNumber_(ticketId);
      const { pdf } = await buildLoanReceipt({ loans, ticketNumber, operator: deps.actor(), generatedAt: deps.now(), locale });
      const id = uuidv7();
      const sha = createHash('sha256').update(pdf).digest('hex');
      const fileName = receiptName(locale, ticketNumber ?? id.slice(-8), loans.map((l) => l.tag));
      db.transaction(() => {
        stmt(db, 'INSERT INTO loan_receipts (id, ticket_id, loan_ids, locale, created_at, sha256, pdf) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, ticketId, JSON.stringify(loanIds), locale, deps.now().toISOString(), sha, pdf);
        const set = stmt(db, 'UPDATE loans SET receipt_id = ? WHERE id = ?');
        for (const l of loanIds) set.run(id, l);
        timeline(ticketId, 'loan_receipt', { receiptId: id, fileName, sha256: sha, loanIds });
      }).immediate();
      changed([ticketId]);
      return { receiptId: id, fileName, pdf, ticketNumber };
    },

    receipt(receiptId: string): { receiptId: string; fileName: string; pdf: Buffer; ticketNumber: number | null } {
      const r = stmt(db, 'SELECT * FROM loan_receipts WHERE id = ?').get(receiptId) as { id: string; ticket_id: string | null; locale: string; pdf: Buffer; loan_ids: string } | undefined;
      if (!r) throw loanErrors.loanNotFound(receiptId);
      const ticketNumber = ticketNumber_(r.ticket_id);
      const tags = (JSON.parse(r.loan_ids) as string[]).map((l) => service.loan(l).tag);
      return { receiptId: r.id, fileName: receiptName(r.locale, ticketNumber ?? r.id.slice(-8), tags), pdf: r.pdf, ticketNumber };
    },

    // --- the Permanence page ---
    overview(): {
      stock: { type: LoanItemType; counts: Partial<Record<LoanItemState, number>>; total: number }[];
      pickups: LoanReservation[];
      returnsToday: Loan[];
      overdue: Loan[];
      conflicts: Loan[];
      outbox: { pending: number; waitingForTicket: number; parked: { seq: number; kind: string; tag: string; message: string }[] };
    } {
      const now = deps.now();
      const { start, end } = dayBounds(now);
      const counts = stmt(db, 'SELECT type, state, count(*) AS n FROM loan_items GROUP BY type, state').all() as { type: LoanItemType; state: LoanItemState; n: number }[];
      const stock = LOAN_ITEM_TYPES.map((type) => {
        const c: Partial<Record<LoanItemState, number>> = {};
        let total = 0;
        for (const r of counts.filter((x) => x.type === type)) {
          c[r.state] = r.n;
          if (inStock(r.state)) total += r.n;
        }
        return { type, counts: c, total };
      }).filter((s) => Object.keys(s.counts).length > 0);
      const active = loansWhere("l.status = 'active'");
      return {
        stock,
        pickups: reservationsWhere("r.status = 'active' AND r.begin_at >= ? AND r.begin_at < ?", start.toISOString(), end.toISOString()),
        returnsToday: active.filter((l) => Date.parse(l.dueAt) >= Math.max(start.getTime(), now.getTime()) && Date.parse(l.dueAt) < end.getTime()),
        overdue: active.filter((l) => isOverdue(l.dueAt, now)),
        conflicts: loansWhere("l.status = 'conflict'"),
        outbox: service.outbox(),
      };
    },

    /**
     * The dashboard's loans card: items per state (the stock is shared, so always global), and
     * active / overdue loans and waiting requests, of one organisation's requests when given.
     */
    figures(organisationId: string | null = null): LoanFigures {
      const now = deps.now();
      const byState = new Map((stmt(db, 'SELECT state, count(*) AS n FROM loan_items GROUP BY state').all() as { state: LoanItemState; n: number }[]).map((r) => [r.state, r.n]));
      const org = organisationId === null ? '' : ' AND r.organisation_id = ?';
      const args = organisationId === null ? [] : [organisationId];
      const dues = stmt(db, `SELECT l.due_at FROM loans l LEFT JOIN loan_requests r ON r.id = l.request_id WHERE l.status = 'active'${org}`).pluck().all(...args) as string[];
      const waiting = stmt(db, `SELECT count(*) AS n, coalesce(sum(r.tier = 1), 0) AS tier1 FROM loan_requests r WHERE r.status = 'waiting'${org}`).get(...args) as { n: number; tier1: number };
      return {
        scope: organisationId === null ? 'global' : 'organisation',
        items: LOAN_ITEM_STATES.map((state) => ({ state, items: byState.get(state) ?? 0 })),
        activeLoans: dues.length,
        overdueLoans: dues.filter((d) => isOverdue(d, now)).length,
        waitingRequests: waiting.n,
        waitingTier1: waiting.tier1,
      };
    },

    outbox() {
      const pending = stmt(db, 'SELECT count(*) FROM loan_outbox WHERE done_at IS NULL AND parked IS NULL').pluck().get() as number;
      const waitingForTicket = (stmt(db, 'SELECT ticket_id FROM loan_outbox WHERE done_at IS NULL AND parked IS NULL AND ticket_id IS NOT NULL').pluck().all() as string[]).filter((t) => {
        try {
          return !deps.tickets.get(t).serverId;
        } catch {
          return false;
        }
      }).length;
      const parked = (stmt(db, 'SELECT o.seq, o.kind, i.tag, o.parked FROM loan_outbox o JOIN loan_items i ON i.id = o.item_id WHERE o.parked IS NOT NULL AND o.done_at IS NULL ORDER BY o.seq').all() as { seq: number; kind: string; tag: string; parked: string }[]).map(
        (r) => ({ seq: r.seq, kind: r.kind, tag: r.tag, message: r.parked }),
      );
      return { pending, waitingForTicket, parked };
    },

    /** Puts parked ops back in the queue (after the operator fixed the cause). */
    retryParked(): number {
      const n = stmt(db, 'UPDATE loan_outbox SET parked = NULL, attempts = 0, next_at = NULL WHERE parked IS NOT NULL AND done_at IS NULL').run().changes;
      changed([]);
      return n;
    },

    /**
     * Pushes queued ops to the ITSM server, in order, one at a time. Per item the order is
     * kept: an op waiting (its ticket has no server id yet, or a retry delay) holds the
     * item's later ops back. done → marked done, the remote id stored on the item; conflict →
     * the loan is marked in conflict for the operator (the item is never lent twice); thrown
     * error → retried with backoff, or parked with its message when it will not get better.
     */
    drain(signal?: AbortSignal): Promise<DrainResult> {
      if (draining) return draining;
      draining = drainOnce(signal).finally(() => (draining = null));
      return draining;
    },
  };

  function cancelReservationInTx(reservationId: string, reason: string) {
    const res = reservationsWhere("r.id = ? AND r.status = 'active'", reservationId)[0];
    if (!res) throw loanErrors.requestNotFound(reservationId);
    stmt(db, "UPDATE loan_reservations SET status = 'cancelled' WHERE id = ?").run(reservationId);
    const item = itemById.get(res.itemId)!;
    const others = stmt(db, "SELECT count(*) FROM loan_reservations WHERE item_id = ? AND status = 'active'").pluck().get(item.id) as number;
    if (item.state === 'reserve' && others === 0) move(item, 'disponible', 'reservation_cancelled', reason, { requestId: res.requestId, agentName: res.agentName });
    enqueue({ kind: 'cancelReservation', item: remoteItem(item), reservationKey: reservationId }, { reservationId });
  }

  interface DrainResult {
    done: number;
    conflicts: number;
    waiting: number;
    parked: number;
    stoppedBy: RelaisError | null;
  }

  async function drainOnce(signal?: AbortSignal): Promise<DrainResult> {
    const out: DrainResult = { done: 0, conflicts: 0, waiting: 0, parked: 0, stoppedBy: null };
    const remote = deps.remote();
    if (!remote) return out;
    const held = new Set<string>();
    const touched: (string | null)[] = [];
    let after = 0;
    for (;;) {
      if (signal?.aborted) break;
      const row = stmt(db, 'SELECT * FROM loan_outbox WHERE done_at IS NULL AND parked IS NULL AND seq > ? ORDER BY seq LIMIT 1').get(after) as OutboxRow | undefined;
      if (!row) break;
      after = row.seq;
      if (held.has(row.item_id)) continue;
      const now = deps.now();
      // A retry delay after a transport failure holds the whole queue (the server is down for all).
      if (row.next_at && Date.parse(row.next_at) > now.getTime()) {
        out.waiting++;
        break;
      }
      let ticketRemoteId: string | null = null;
      if (row.ticket_id) {
        try {
          ticketRemoteId = deps.tickets.get(row.ticket_id).serverId;
        } catch {
          ticketRemoteId = null;
        }
        if (!ticketRemoteId && row.kind === 'checkout') {
          held.add(row.item_id);
          out.waiting++;
          continue;
        }
      }
      const op = JSON.parse(row.payload) as LoanRemoteOp;
      const item = itemById.get(row.item_id)!;
      op.item = { ...op.item, remoteId: item.remote_id };
      if (op.kind === 'checkout') op.ticketRemoteId = ticketRemoteId;
      try {
        const res = await remote.apply(op, signal);
        db.transaction(() => {
          const at = deps.now().toISOString();
          if (res.status === 'done') {
            stmt(db, "UPDATE loan_outbox SET done_at = ?, outcome = 'done', last_error = NULL WHERE seq = ?").run(at, row.seq);
            if (res.remoteId && res.remoteId !== item.remote_id) stmt(db, 'UPDATE loan_items SET remote_id = ? WHERE id = ?').run(res.remoteId, item.id);
            out.done++;
          } else {
            stmt(db, "UPDATE loan_outbox SET done_at = ?, outcome = 'conflict', last_error = ? WHERE seq = ?").run(at, JSON.stringify(res), row.seq);
            out.conflicts++;
            const conflict = JSON.stringify({ heldBy: res.heldBy, message: res.message });
            if (row.loan_id && op.kind === 'checkout') {
              stmt(db, "UPDATE loans SET status = 'conflict', conflict = ? WHERE id = ? AND status = 'active'").run(conflict, row.loan_id);
              timeline(row.ticket_id, 'loan_conflict', { loanId: row.loan_id, tag: item.tag, heldBy: res.heldBy, message: res.message });
            }
            if (row.reservation_id && op.kind === 'reserve') {
              stmt(db, "UPDATE loan_reservations SET status = 'cancelled' WHERE id = ? AND status = 'active'").run(row.reservation_id);
              const others = stmt(db, "SELECT count(*) FROM loan_reservations WHERE item_id = ? AND status = 'active'").pluck().get(item.id) as number;
              const cur = itemById.get(item.id)!;
              if (cur.state === 'reserve' && others === 0) move(cur, 'disponible', 'reservation_conflict', res.message.fr);
            }
          }
        })();
        touched.push(row.ticket_id);
      } catch (e) {
        const re = e instanceof RelaisError ? e : RelaisError.of('LOAN_SYNC_ERROR', { detail: String(e) });
        const attempts = row.attempts + 1;
        const park = !retryable(re) || attempts > BACKOFF_MS.length;
        const delay = BACKOFF_MS[Math.min(attempts, BACKOFF_MS.length) - 1]! * (0.8 + Math.random() * 0.4);
        stmt(db, 'UPDATE loan_outbox SET attempts = ?, last_error = ?, next_at = ?, parked = ? WHERE seq = ?').run(
          attempts,
          JSON.stringify(re.toJSON()),
          new Date(deps.now().getTime() + delay).toISOString(),
          park ? re.messages.fr : null,
          row.seq,
        );
        if (park) out.parked++;
        out.stoppedBy = re;
        touched.push(row.ticket_id);
        // A transport failure concerns every op: stop here and keep the order.
        if (!park) break;
        held.add(row.item_id);
      }
    }
    if (touched.length) changed(touched);
    return out;
  }

  return service;
}
