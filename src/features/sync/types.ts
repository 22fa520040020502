/**
 * The one connector interface every ITSM server speaks to the sync engine through, and the
 * server-neutral shapes that cross it. Field names follow the local ticket model
 * (`src/domain/tickets.ts`, GLPI numbering): each connector maps them to its server and
 * documents the mapping in its own module.
 */

export { SYNC_FIELDS, MERGED_FIELDS, type SyncFields, type SyncField } from '../../domain/sync-fields';
import type { SyncFields, SyncField } from '../../domain/sync-fields';

/** A ticket as the server has it, already validated and mapped to local vocabulary. */
export interface RemoteTicket {
  serverId: string;
  /** The server's last-modified time, ISO-8601 UTC (watermark). */
  updatedAt: string;
  createdAt: string;
  /** Only the fields the server actually sent (mapping is partial on some servers). */
  fields: Partial<SyncFields>;
  /** Version token for optimistic concurrency (RT ETag). */
  etag: string | null;
  /** The operation UUID that created it (RT custom field / GLPI content marker). */
  opId: string | null;
  /** Deleted on the server. */
  deleted: boolean;
}

/**
 * Something the server did on its own that the ticket should show (code + params, worded by
 * the renderer in the `sync` namespace), e.g. GLPI's rules filing a ticket in another entity.
 */
export interface SyncNotice {
  code: string;
  params: Record<string, string | number | null>;
}

export interface RemoteFollowup {
  serverId: string;
  author: string;
  createdAt: string;
  body: string;
  private: boolean;
  opId: string | null;
}

/** One page of a ticket listing: raw items are parsed one by one so a bad one is skipped, not fatal. */
export interface TicketPage {
  items: unknown[];
  /** Total across pages when the server says it (progress bar); null when unknown. */
  total: number | null;
  hasMore: boolean;
}

/** Where a local ticket stands on the server when looked up by id. */
export type TicketLookup =
  | { state: 'found'; ticket: RemoteTicket }
  | { state: 'gone' }
  | { state: 'merged'; into: string };

/**
 * What a connector needs on the server (queues or groups per team, custom fields, rights,
 * user mappings) and whether each piece is there: the connection test's report and the
 * input of "Préparer le serveur".
 */
export interface ReadinessCheck {
  /** Stable key, e.g. 'queue:SIG', 'customfield:Urgency', 'right:CreateTicket', 'group:Hotline'. */
  key: string;
  ok: boolean;
  /** Message code + params for the renderer to word in the user's language (e.g. 'sync.check.queueMissing'). */
  code: string;
  params?: Record<string, string | number>;
  /** True when prepare() can create it with the current credentials. */
  fixable: boolean;
}
export interface ServerReadiness {
  /** The account the server authenticated (never the display name typed by the operator). */
  account: string;
  serverVersion: string | null;
  checks: ReadinessCheck[];
}

export interface Connector {
  readonly kind: 'rt' | 'glpi';
  /**
   * Fields the server may set on its own when a ticket is created (GLPI: status 1 + a group
   * becomes 2). The engine reads them back after a create and takes the server's value as the
   * base of the changes still waiting, so its own rule is never mistaken for a conflict.
   */
  readonly createSideEffects?: readonly SyncField[];
  /** Everything the connector needs on the server, checked read-only (the connection test). */
  inspect?(): Promise<ServerReadiness>;
  /** Creates what inspect() found missing and fixable; returns the readiness afterwards. */
  prepare?(): Promise<ServerReadiness>;
  /** What the settings may map to on this server: RT queues, GLPI groups and entities. */
  choices?(): Promise<{ queues?: string[]; groups?: string[]; entities?: { id: number; name: string }[] }>;
  /**
   * The fields among `fields` this server cannot store as it is set up now (e.g. RT without
   * an "Urgency" custom field). The engine shows them as a warning on the ticket instead of
   * dropping them silently. Empty or absent: everything goes through.
   */
  unsentFields?(fields: Partial<SyncFields>): SyncField[];
  /** Forget the session or cached credentials and authenticate again (after a 401). */
  reauth?(): Promise<void>;
  /** Checks URL + credentials; returns who we are on the server. */
  testConnection(): Promise<{ user: string; serverVersion: string | null }>;
  /** `notices`: what the server did on its own with the new ticket, shown on it as warnings. */
  createTicket(opId: string, fields: SyncFields): Promise<{ serverId: string; notices?: SyncNotice[] }>;
  /** After a lost response: the ticket created by this operation, if it reached the server. */
  findTicketByOp(opId: string): Promise<string | null>;
  getTicket(serverId: string): Promise<TicketLookup>;
  /** Sends only `changes`; `etag` makes the server refuse if the ticket moved on (SyncError 'conflict'). */
  updateTicket(serverId: string, changes: Partial<SyncFields>, etag: string | null): Promise<void>;
  /**
   * `kind` is the timeline entry's kind ('note', 'call', 'solution'…): a connector may carry some
   * otherwise (GLPI: ITILSolution). `status` (1–6, local numbering) is the ticket's status as the
   * operator left it at this point of the timeline: a server whose reply reopens tickets (RT's
   * "On Correspond Open Inactive Tickets", GLPI's reopen on follow-up) must end with this status
   * after the reply.
   */
  addFollowup(serverId: string, opId: string, followup: { body: string; private: boolean; author: string; kind?: string; status?: number }): Promise<{ serverId: string | null }>;
  findFollowupByOp(serverId: string, opId: string): Promise<string | null>;
  /**
   * Links a ticket under a parent ticket on the server (RT: MemberOf). Idempotent: linking
   * again what is linked changes nothing. Absent: the link travels only as the timeline note.
   */
  linkParent?(childServerId: string, parentServerId: string): Promise<void>;
  listFollowups(serverId: string): Promise<RemoteFollowup[]>;
  /** Tickets changed at or after `since` (null: all), oldest first, page numbers from 1. */
  listTickets(since: string | null, page: number, pageSize: number): Promise<TicketPage>;
  /** Every ticket id the server still has (for deletion / merge reconciliation). */
  listAllIds(): Promise<string[]>;
  /** Validates and maps one raw listing item; throws BadDataError with the reason. */
  parseTicket(raw: unknown): RemoteTicket;
  close(): Promise<void>;
}

export type SyncErrorKind =
  /** Network error, timeout, 5xx, 429: retry later with backoff. */
  | 'transient'
  /** Expired session or revoked/invalid token: re-authenticate once, then park. */
  | 'auth'
  /** 4xx validation or rights: park as "à traiter" with the server's message. */
  | 'rejected'
  /** Optimistic concurrency failed (412): re-read and merge again. */
  | 'conflict'
  | 'notFound';

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    /** The server's own message when it gave one (shown to the technician), else ours. */
    readonly serverMessage: string,
    readonly status: number | null = null,
    /** For 429 / 503 with Retry-After. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(`${kind}${status ? ` (${status})` : ''}: ${serverMessage}`);
    this.name = 'SyncError';
  }
}

/** Something the server sent that Relais cannot use; the item is skipped and logged. */
export class BadDataError extends Error {
  constructor(
    readonly reason: string,
    readonly serverId: string | null = null,
  ) {
    super(reason);
    this.name = 'BadDataError';
  }
}

export const OP_MARKER_PREFIX = 'relais-op:';
/** The marker line appended to content sent to servers that have no custom field for it. */
export const opMarker = (opId: string) => `[${OP_MARKER_PREFIX}${opId}]`;
const markerRe = /\[relais-op:([0-9a-f-]{36})\]/i;
export function findOpMarker(text: string): string | null {
  return markerRe.exec(text)?.[1]?.toLowerCase() ?? null;
}
export function stripOpMarker(text: string): string {
  return text.replace(/\n*\[relais-op:[0-9a-f-]{36}\]\s*$/i, '');
}
