/** The engine's options, the status it reports, and the small helpers its parts share. */
import type { Db } from '../../platform/db';
import type { TicketReplicaPort } from '../tickets/port';
import type { SyncField } from './types';

export interface EngineOptions {
  db: Db;
  /** The tickets feature's replica port: the only writer of tickets and their timelines. */
  tickets: TicketReplicaPort;
  now(): Date;
  /** Ticket ids changed locally by sync (the tickets feature's `tickets.changed` event). */
  onTicketsChanged?(ids: string[]): void;
  onStatus?(status: EngineStatus): void;
  onProgress?(p: { phase: 'push' | 'pull'; done: number; total: number | null }): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  parallelism?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  pageSize?: number;
  /** Seconds subtracted from the watermark on each incremental pull. */
  overlapSec?: number;
  /** Follow-ups of changed tickets are pulled on incremental syncs (not on the first). */
  pullFollowups?: boolean;
  /** Equivalence of values on this server (e.g. RT open = 2 or 3). */
  normalize?(field: SyncField, v: unknown): unknown;
  random?(): number;
  /** How often a pull also reconciles deletions and merges (default 15 min). */
  reconcileEveryMs?: number;
}

/**
 * The one state the status bar words (defect 4), in order of what the technician must act on:
 * local (no server), authRefused (401 after re-reading the token), unreachable (since T),
 * rejected (N parked), connecting (no answer yet), synced (at T).
 */
export type SyncState = 'local' | 'connecting' | 'synced' | 'unreachable' | 'authRefused' | 'rejected';

export interface EngineStatus {
  state: SyncState;
  /** First failed attempt of the current outage (only while unreachable). */
  unreachableSince: string | null;
  running: boolean;
  online: boolean | null;
  pending: number;
  parked: number;
  conflicts: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  initialDone: boolean;
}

export interface ParkedError {
  kind: string;
  status: number | null;
  message: string;
}

/** The local link of a timeline entry that is the server ticket's creation content. */
export const creationEntryId = (serverTicketId: string) => `create:${serverTicketId}`;

export function safeJson(s: string | null): Record<string, unknown> | null {
  if (!s) return null;
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function safeParse(s: string | null): ParkedError | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as ParkedError;
  } catch {
    return null;
  }
}
