import type { Ticket } from '../../domain/tickets';
import type { TimelineEntry } from './repos/followups';
import type { SyncField, SyncFields } from '../../domain/sync-fields';

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

/**
 * What sync may ask of the tickets feature to keep the local tickets a replica of the
 * ITSM server (`replica.ts`). Values are in sync vocabulary (team and category by name, the
 * PC by name). The server's own values are written without an outbox row (they are not
 * local changes); the one local change sync makes, keeping the technician's value after a
 * conflict, is written with its outbox row like every other change.
 */
export interface TicketReplicaPort {
  exists(ticketId: string): boolean;
  serverIdOf(ticketId: string): string | null;
  /** Every local ticket linked to a server ticket. */
  linked(): { id: string; serverId: string }[];
  /** The local ticket linked to a server ticket. */
  byServerId(serverId: string): string | null;
  /** The ticket's current values in sync vocabulary, with its server id. */
  fields(ticketId: string): (SyncFields & { serverId: string | null }) | null;
  statusOf(ticketId: string): number | undefined;
  teamName(teamId: string): string | null;
  categoryName(categoryId: string): string | null;
  assetNames(assetIds: readonly string[]): string[];
  organisationCode(organisationId: string): string | null;
  /** The server id of a timeline entry (null: not on the server yet; undefined: no such entry). */
  followupServerId(followupId: string): string | null | undefined;
  hasServerFollowup(ticketId: string, serverId: string): boolean;

  /** A server ticket not known locally: inserted as it is there. Returns the local id. */
  insertFromServer(t: { serverId: string; createdAt: string; updatedAt: string; fields: Partial<SyncFields> }, createdBy: string): string;
  /** The server's values for these fields (no outbox row). Returns whether the ticket changed. */
  applyServerFields(ticketId: string, fields: Partial<SyncFields>, updatedAt: string): boolean;
  setServerId(ticketId: string, serverId: string | null): void;
  linkFollowup(followupId: string, serverId: string): void;
  insertServerFollowup(ticketId: string, f: { serverId: string; author: string; createdAt: string; body: string; private: boolean }): void;
  /** Deleted on the server: the ticket, its timeline and PC links go. */
  remove(ticketId: string): void;
  /** Merged on the server: the timeline and PC links move to `targetId`, the ticket goes. */
  mergeInto(ticketId: string, targetId: string): void;
  /** Conflict resolved "keep mine": the local value again, with a `ticket.update` outbox row based on the server's value. */
  keepLocalValue(ticketId: string, field: SyncField, local: unknown, server: unknown): void;
  /**
   * A notice for this console only (never sent to the server: e.g. the copy of a change the
   * technician discarded), private, stored as kind + facts for the renderer to word.
   */
  appendLocalNotice(ticketId: string, entry: { kind: string; body: string; data: Record<string, unknown> }): { id: string };
  /** Announces tickets changed by sync (`tickets.changed`). */
  changed(ids: string[]): void;
}
