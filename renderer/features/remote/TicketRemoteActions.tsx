/** Remote-session actions on a ticket ("Se connecter": RDP, assistance, shadowing, SSH). */
export function TicketRemoteActions({ ticketId }: { ticketId: string }) {
  void ticketId;
  return null;
}
