/**
 * What this feature needs from the tickets feature: check a ticket exists, read its header
 * for the intervention report, and append tool runs and checklist steps to its timeline.
 * Uses the tickets service (`tickets.get`, `tickets.timeline.append`) when present, so the
 * entry goes through its outbox and sync; falls back to the shared tables otherwise.
 */
import { randomUUID } from 'node:crypto';
import type { Core } from '../../api/core';
import { commonErrors } from '../../base/errors';

export interface TicketsService {
  get?: (id: string) => unknown;
  /** The tickets feature exposes `tickets.get` beside `timeline`. */
  tickets?: { get?: (id: string) => unknown };
  timeline?: { append: (ticketId: string, entry: { kind: string; body: string; data?: unknown }) => unknown };
}

export interface TicketHeader {
  id: string;
  number: number | null;
  subject: string;
  requester: string;
  status: number | null;
}

export interface TicketBridge {
  header(id: string): Promise<TicketHeader>;
  append(ticketId: string, entry: { kind: 'tool_run' | 'checklist_step'; body: string; data: unknown }): Promise<void>;
}

const notFound = (id: string) => commonErrors.notFound({ fr: 'Ticket', en: 'Ticket' }, id);

export function createTicketBridge(core: Core, tickets: TicketsService | undefined): TicketBridge {
  const fromDb = (id: string): TicketHeader | null => {
    const row = core.db
      .prepare('SELECT id, number, subject, requester_name AS requester, status FROM tickets WHERE id = ? OR server_id = ? OR CAST(number AS TEXT) = ?')
      .get(id, id, id) as TicketHeader | undefined;
    return row ?? null;
  };
  return {
    async header(id) {
      const get = tickets?.tickets?.get ?? tickets?.get;
      if (typeof get === 'function') {
        const t: any = await get(id); // throws NOT_FOUND for an unknown ticket
        const ticket = t?.ticket ?? t;
        if (ticket && typeof ticket === 'object') {
          return {
            id: String(ticket.id ?? id),
            number: typeof ticket.number === 'number' ? ticket.number : null,
            subject: String(ticket.subject ?? ''),
            requester: String(ticket.requesterName ?? ticket.requester?.name ?? ticket.requester_name ?? ticket.requester ?? ''),
            status: typeof ticket.status === 'number' ? ticket.status : null,
          };
        }
      }
      const row = fromDb(id);
      if (!row) throw notFound(id);
      return row;
    },
    async append(ticketId, entry) {
      if (typeof tickets?.timeline?.append === 'function') {
        await tickets.timeline.append(ticketId, entry);
        return;
      }
      const row = fromDb(ticketId);
      if (!row) throw notFound(ticketId);
      core.db
        .prepare('INSERT INTO followups (id, ticket_id, kind, author, created_at, body, data) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(randomUUID(), row.id, entry.kind, core.currentUser(), core.now().toISOString(), entry.body, JSON.stringify(entry.data));
    },
  };
}
