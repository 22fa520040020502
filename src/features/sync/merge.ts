/**
 * The three-way merge of a ticket, pure: no store, no server. `base` is what the
 * technician's change started from, `local` the values the technician set (each key is a
 * local change; an absent key is untouched locally), `server` what the server has now (an
 * absent key is a field this server does not expose).
 *
 * Per field:
 * - untouched on both sides → nothing;
 * - changed locally only → the local value, sent to the server;
 * - changed on the server only → the server's value;
 * - changed on both sides to the same value → nothing to send;
 * - changed on both sides differently → a conflict for the technician, the local value kept
 *   until chosen (never overwritten either way).
 */
import type { SyncField, SyncFields } from '../../domain/sync-fields';

export type Normalize = (field: SyncField, value: unknown) => unknown;

export interface FieldConflict {
  field: SyncField;
  base: unknown;
  ours: unknown;
  theirs: unknown;
}

export interface MergeResult {
  /** The ticket after the merge (base, then the server's changes, then the local ones). */
  merged: Partial<SyncFields>;
  /** What the server must be sent. */
  send: Partial<SyncFields>;
  conflicts: FieldConflict[];
}

const orNull = (v: unknown) => v ?? null;

/**
 * `normalize` says two values mean the same on this server (RT "open" is 2 and 3): a server
 * value equal to the base once normalized is "unchanged on the server". A local value already
 * exactly on the server is not sent again (a retry after a lost response), but a value that
 * only normalizes to the server's is, so a server that can keep the difference gets it.
 */
export function threeWayMerge(input: { base: Partial<SyncFields>; local: Partial<SyncFields>; server: Partial<SyncFields>; normalize?: Normalize }): MergeResult {
  const norm = (f: SyncField, v: unknown) => orNull(input.normalize ? input.normalize(f, v) : v);
  const merged: Record<string, unknown> = { ...input.base };
  const send: Record<string, unknown> = {};
  const conflicts: FieldConflict[] = [];
  const { base, local, server } = input;
  for (const [f, theirs] of Object.entries(server) as [SyncField, unknown][]) {
    if (f in local) continue;
    merged[f] = theirs;
  }
  for (const [f, ours] of Object.entries(local) as [SyncField, unknown][]) {
    merged[f] = ours;
    if (!(f in server)) {
      send[f] = ours;
      continue;
    }
    const theirs = server[f];
    if (orNull(theirs) === orNull(ours)) continue;
    if (!(f in base) || norm(f, theirs) === norm(f, base[f])) send[f] = ours;
    else conflicts.push({ field: f, base: orNull(base[f]), ours, theirs: orNull(theirs) });
  }
  return { merged: merged as Partial<SyncFields>, send: send as Partial<SyncFields>, conflicts };
}

/** One follow-up as the server lists it, in the terms the timeline union needs. */
export interface ServerEntry {
  serverId: string;
  opId: string | null;
}

/**
 * The union of a ticket's local timeline and the server's: an entry the timeline already has
 * (by server id) is skipped; one Relais sent itself (its operation marker names a local
 * entry) is linked to that entry; the others are added. Each server entry counts once.
 */
export function unionTimeline<E extends ServerEntry>(
  server: readonly E[],
  local: { hasServerId(serverId: string): boolean; entryOfOp(opId: string): string | null },
): { link: { localId: string; serverId: string }[]; add: E[] } {
  const seen = new Set<string>();
  const link: { localId: string; serverId: string }[] = [];
  const add: E[] = [];
  for (const e of server) {
    if (seen.has(e.serverId) || local.hasServerId(e.serverId)) continue;
    seen.add(e.serverId);
    const mine = e.opId ? local.entryOfOp(e.opId) : null;
    if (mine) link.push({ localId: mine, serverId: e.serverId });
    else add.push(e);
  }
  return { link, add };
}
