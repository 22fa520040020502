/** What the loans feature asks of an ITSM server's asset side (RT assets / GLPI reservations). */
export type LoanItemState = 'disponible' | 'reserve' | 'prete' | 'retour_a_controler' | 'en_reparation' | 'perdu_vole' | 'reforme';
export interface LoanRemoteItem { localId: string; tag: string; serial: string | null; model: string | null; type: string; site: string | null; state: LoanItemState; remoteId: string | null }
export interface LoanRemoteAgent { name: string; login: string | null; email: string | null }
export type LoanRemoteOp =
  | { kind: 'item'; item: LoanRemoteItem }
  | { kind: 'checkout'; item: LoanRemoteItem; agent: LoanRemoteAgent; ticketRemoteId: string | null; startAt: string; dueAt: string }
  | { kind: 'checkin'; item: LoanRemoteItem; condition: 'ok' | 'a_controler' | 'endommage'; missingKit: string[] }
  | { kind: 'reserve'; item: LoanRemoteItem; agent: LoanRemoteAgent; begin: string; end: string; reservationKey: string }
  | { kind: 'cancelReservation'; item: LoanRemoteItem; reservationKey: string }
  | { kind: 'state'; item: LoanRemoteItem; reason: string };
/** done: applied (idempotent: re-applying an op already applied is 'done' too). conflict: the server refused because someone else holds/booked the item. */
export type LoanRemoteResult = { status: 'done'; remoteId?: string } | { status: 'conflict'; heldBy: string | null; message: { fr: string; en: string } };
/** Throws a RelaisError for transport/auth/validation failures (the caller retries or parks the op). */
export interface LoanRemote { readonly kind: 'rt' | 'glpi'; apply(op: LoanRemoteOp, signal?: AbortSignal): Promise<LoanRemoteResult> }
