/**
 * How Relais's teams and organisations are named on the ITSM server, edited in Settings ›
 * Serveur ITSM: RT team → queue (when the queues are not named after the teams), GLPI team →
 * group and organisation → entity (`glpiMappingsSchema`). Pure schemas and checks.
 */
import { z } from 'zod';
import { glpiMappingsSchema } from './glpi';

// Printable text only: a queue name goes into RT requests and back into the settings screen.
const printable = (s: string) => !/[\p{Cc}\p{Cf}]/u.test(s);
const teamName = z.string().trim().min(1).max(64);
const queueName = z.string().trim().min(1).max(200).refine(printable, { message: 'control characters are not allowed in a queue name' });

/** Team → RT queue; a team left out uses the queue of its own name. */
export const rtQueueMapSchema = z.record(teamName, queueName);
export type RtQueueMap = z.infer<typeof rtQueueMapSchema>;

export const setQueueMapInput = z.strictObject({ queueMap: rtQueueMapSchema });

export const syncMappingsSchema = z.object({
  /** The configured server's kind; null: no server (nothing to map yet). */
  kind: z.enum(['rt', 'glpi']).nullable(),
  /** Local teams and organisation codes, in their display order. */
  teams: z.array(z.string()),
  organisations: z.array(z.string()),
  queueMap: rtQueueMapSchema,
  glpi: glpiMappingsSchema,
});
export type SyncMappings = z.infer<typeof syncMappingsSchema>;

/** What the server offers to map to (empty lists when it cannot be reached: `error` says why). */
export const syncMappingChoicesSchema = z.object({
  queues: z.array(z.string()),
  groups: z.array(z.string()),
  entities: z.array(z.object({ id: z.number().int(), name: z.string() })),
});

/**
 * Problems a queue map has beyond its shape: a team Relais does not have, or two teams
 * sharing one queue (a ticket pulled from that queue could not be given back to one team).
 */
export function queueMapProblems(map: RtQueueMap, teams: readonly string[]): ({ kind: 'unknownTeam'; team: string } | { kind: 'sharedQueue'; queue: string; teams: string[] })[] {
  const out: ({ kind: 'unknownTeam'; team: string } | { kind: 'sharedQueue'; queue: string; teams: string[] })[] = [];
  for (const team of Object.keys(map)) if (!teams.includes(team)) out.push({ kind: 'unknownTeam', team });
  const byQueue = new Map<string, string[]>();
  for (const [team, queue] of Object.entries(map)) byQueue.set(queue, [...(byQueue.get(queue) ?? []), team]);
  // A team mapped to the queue named after another, unmapped team shares it too.
  for (const team of teams) if (!(team in map) && byQueue.has(team)) byQueue.set(team, [team, ...byQueue.get(team)!]);
  for (const [queue, list] of byQueue) if (list.length > 1) out.push({ kind: 'sharedQueue', queue, teams: list });
  return out;
}
