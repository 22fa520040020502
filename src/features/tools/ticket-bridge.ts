/**
 * What this feature needs from the tickets feature: a ticket's header for the intervention
 * report, and tool runs and checklist steps on its timeline. Both go through the tickets
 * feature's port, so every entry is written with its outbox row and reaches the server.
 */
import type { TicketPort } from '../tickets/port';

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

export function createTicketBridge(tickets: TicketPort): TicketBridge {
  return {
    async header(id) {
      const t = tickets.get(id); // throws NOT_FOUND for an unknown ticket
      return { id: t.id, number: t.number, subject: t.subject, requester: t.requesterName, status: t.status };
    },
    async append(ticketId, entry) {
      tickets.appendTimeline(ticketId, entry);
    },
  };
}
