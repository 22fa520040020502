/** Run a configuration tool or a checklist from a ticket. */
export function TicketToolActions({ ticketId }: { ticketId: string }) {
  void ticketId;
  return null;
}
