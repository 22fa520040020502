/**
 * The ticket fields sync exchanges with an ITSM server, in local vocabulary (GLPI numbering,
 * names rather than ids). Shared by the sync feature and the tickets feature's replica port,
 * which applies the server's values to the local tickets.
 */
/** The ticket fields sync exchanges with a server (local vocabulary). */
export interface SyncFields {
  subject: string;
  description: string;
  type: 'incident' | 'request';
  /** 1 nouveau … 6 clos (GLPI numbering). */
  status: number;
  urgency: number;
  impact: number;
  priority: number;
  /** Category full name ("Matériel > Imprimante"), null when none. */
  category: string | null;
  /** Team name (Hotline, Interventions, …), null when none. */
  team: string | null;
  /** Technician login on the server, null when unassigned. */
  technician: string | null;
  requesterName: string;
  requesterPhone: string;
  requesterEmail: string;
  /** Name of the linked PC ("Élément associé"), null when none. */
  asset: string | null;
  solution: string | null;
  /**
   * The requester's organisation code ("Ville", "Métropole"), sent on create; RT maps it
   * to a queue or a custom field (not pulled back: the local snapshot is the reference).
   */
  organisation?: string | null;
}
export type SyncField = keyof SyncFields;
export const SYNC_FIELDS: readonly SyncField[] = [
  'subject', 'description', 'type', 'status', 'urgency', 'impact', 'priority', 'category', 'team', 'technician',
  'requesterName', 'requesterPhone', 'requesterEmail', 'asset', 'solution',
];
/** Fields merged three-way against the base version (the list). */
export const MERGED_FIELDS: readonly SyncField[] = ['status', 'technician', 'team', 'category', 'priority'];
