import type { Ticket } from '../../domain/tickets';
import type { TimelineEntry } from './repos/followups';

/**
 * What other features (SSH, RDP, tools, sync) may ask of the tickets feature. Each timeline
 * entry goes through the tickets workflow: written with its outbox row in one transaction,
 * so it reaches the ITSM server, and announced with `tickets.changed`.
 */
export interface TicketPort {
  /** The ticket by local id, server id or number; throws NOT_FOUND. */
  get(id: string): Ticket;
  appendTimeline(ticketId: string, entry: TimelineEntry): { id: string };
}
