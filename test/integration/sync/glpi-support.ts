/**
 * GLPI sync tests' set-up: the GLPI test double (fresh, like a new GLPI 10.0.18), a real core
 * with the sync feature, and the real tickets workflow to log calls as the hotline does.
 */
import { startGlpiFake, type GlpiFake, type GlpiFakeOptions } from '../../services/glpi-fake';
import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow';
import { fromGlpiHtml } from '../../../src/features/sync/connectors/glpi/richtext';
import { callOf, drainAll, makeHarness, type Harness } from '../../support/sync-harness';

export const TEAMS = ['Hotline', 'Interventions', 'Applications', 'SIG', 'Infrastructure technique'];

export interface GlpiWorld {
  glpi: GlpiFake;
  h: Harness;
  wf: ReturnType<typeof createTicketWorkflow>;
  /** The local operator logging calls. */
  operator: string;
  teamId(name: string): string;
  categoryId(fullName: string): string;
  serverId(ticketId: string): number;
  local(ticketId: string): Record<string, unknown> & { team: string | null; category: string | null };
  configure(): Promise<unknown>;
  /** Push everything, then pull twice (the second must change nothing). */
  syncAll(): Promise<void>;
  dispose(): Promise<void>;
}

export async function makeGlpiWorld(o: { fake?: GlpiFakeOptions; operator?: string; groups?: boolean; mappings?: unknown } = {}): Promise<GlpiWorld> {
  const glpi = await startGlpiFake(o.fake);
  // GLPI's dates have one-second resolution: the server clock moves a minute after each sync
  // round, so a change made "in GLPI" between rounds has a newer date_mod, as in real life.
  let clock = Date.parse('2026-03-02T08:00:00Z');
  glpi.setClock(new Date(clock).toISOString());
  if (o.groups) for (const t of TEAMS) glpi.addGroup(t);
  const h = await makeHarness({ timeoutMs: 2_000 });
  const operator = o.operator ?? 'root';
  const wf = createTicketWorkflow(h.core.db, { now: () => new Date(), currentUser: () => operator });
  if (o.mappings) h.sync.engine.setState('glpi.mappings', JSON.stringify(o.mappings));
  const one = <T>(sql: string, ...args: unknown[]) => h.core.db.prepare(sql).get(...args) as T;
  return {
    glpi,
    h,
    wf,
    operator,
    teamId: (name) => one<{ id: string }>('SELECT id FROM teams WHERE name = ?', name).id,
    categoryId: (fullName) => one<{ id: string }>('SELECT id FROM categories WHERE full_name = ?', fullName).id,
    serverId: (ticketId) => Number(one<{ server_id: string }>('SELECT server_id FROM tickets WHERE id = ?', ticketId).server_id),
    local: (ticketId) =>
      one('SELECT t.*, te.name AS team, c.full_name AS category FROM tickets t LEFT JOIN teams te ON te.id = t.team_id LEFT JOIN categories c ON c.id = t.category_id WHERE t.id = ?', ticketId),
    configure: async () => callOf(h).configure({ kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken }),
    async syncAll() {
      await h.sync.engine.idle();
      await drainAll(h, 30_000);
      await h.sync.engine.sync();
      await h.sync.engine.sync();
      clock += 60_000;
      glpi.setClock(new Date(clock).toISOString());
    },
    async dispose() {
      await h.dispose();
      await glpi.close();
    },
  };
}

/** What people read in GLPI (the decoded text, comments hidden as a browser hides them). */
export const visibleText = (stored: unknown) => fromGlpiHtml(String(stored ?? '')).text;
export const opIdOf = (stored: unknown) => fromGlpiHtml(String(stored ?? '')).opId;
