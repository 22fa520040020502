import type { Db } from '../../../platform/db';
import { stmt } from '../../../platform/statements';
import type { LinkedTicket } from '../../../domain/tickets';

const LINKED = 'SELECT t.id, t.number, t.subject, t.status, t.requester_name AS requesterName FROM tickets t';

/** The parent ("incident majeur") a ticket is linked to, if any. */
export function parentOf(db: Db, childId: string): LinkedTicket | null {
  return (stmt(db, `${LINKED} JOIN ticket_links l ON l.parent_id = t.id WHERE l.child_id = ?`).get(childId) as LinkedTicket | undefined) ?? null;
}

/** The tickets linked under a parent, oldest first. */
export function childrenOf(db: Db, parentId: string): LinkedTicket[] {
  return stmt(db, `${LINKED} JOIN ticket_links l ON l.child_id = t.id WHERE l.parent_id = ? ORDER BY t.number`).all(parentId) as LinkedTicket[];
}

export function insertLink(db: Db, childId: string, parentId: string, at: string, by: string): void {
  stmt(db, 'INSERT INTO ticket_links (child_id, parent_id, created_at, created_by) VALUES (?, ?, ?, ?)').run(childId, parentId, at, by);
}

/** The id of the ticket with this number (the number people read out), if any. */
export function ticketIdByNumber(db: Db, number: number): string | null {
  return (stmt(db, 'SELECT id FROM tickets WHERE number = ?').get(number) as { id: string } | undefined)?.id ?? null;
}
