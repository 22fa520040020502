/**
 * Issue 17, GLPI side: GLPI changes a ticket's status on its own when Relais writes to it
 * (GLPI 10.0.x `ParentStatus::updateParentStatus`: a follow-up reopens a waiting ticket;
 * `ITILSolution::prepareInputForAdd`: a second solution on a solved ticket is refused). After
 * sync and the next pulls, GLPI and Relais must both show the status the operator chose, and
 * nothing the server did on its own may come back as a change or a conflict.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outboxCounts } from '../../support/sync-harness';
import { makeGlpiWorld, visibleText, type GlpiWorld } from './glpi-support';

let w: GlpiWorld;
afterEach(() => w?.dispose());

const baseCall = { subject: 'Imprimante', description: 'Bourrage papier', requesterName: 'Agent Inconnu', requesterPhone: '0999' };
const openConflicts = (w: GlpiWorld) => w.h.core.db.prepare('SELECT field, local_value, server_value FROM sync_conflicts WHERE resolved_at IS NULL').all();
const parked = (w: GlpiWorld) => (w.h.core.db.prepare("SELECT last_error FROM outbox WHERE state = 'parked'").all() as { last_error: string }[]).map((r) => JSON.parse(r.last_error).message as string);

describe('GLPI reopen on follow-up: the final status is the operator’s', () => {
  it('follow-ups written after putting a ticket "En attente" (public and private): GLPI and Relais both end "En attente", after sync and two pulls', async () => {
    w = await makeGlpiWorld({ groups: true, mappings: { teams: {}, technicians: { root: 'tech' } } });
    const routed = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('Interventions') });
    const kept = w.wf.logCall({ ...baseCall, outcome: 'keep' });
    for (const t of [routed, kept]) {
      w.wf.setStatus(t.id, 4);
      w.wf.addFollowup(t.id, 'Rappeler l’agent à 14 h', false);
      w.wf.addFollowup(t.id, 'Pièce commandée', true);
    }
    await w.configure();
    await w.syncAll();
    await w.syncAll();
    expect(parked(w)).toEqual([]);
    expect(outboxCounts(w.h.core.db).pending ?? 0).toBe(0);
    for (const t of [routed, kept]) {
      const sid = w.serverId(t.id);
      expect({ ticket: t.subject, glpi: w.glpi.tickets.get(sid)!.status, relais: w.local(t.id).status }).toEqual({ ticket: t.subject, glpi: 4, relais: 4 });
      expect(w.glpi.followups(sid).map((f) => visibleText(f.content)).filter((b) => !b.startsWith('Relais :'))).toEqual(['Rappeler l’agent à 14 h', 'Pièce commandée']);
    }
    expect(openConflicts(w)).toEqual([]);
  });

  it('a follow-up written after the ticket was resolved leaves it resolved (Relais never asks GLPI to reopen); solvedate is set', async () => {
    w = await makeGlpiWorld({ groups: true, mappings: { teams: {}, technicians: { root: 'tech' } } });
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG') });
    w.wf.resolve(t.id, 'Couche republiée');
    w.wf.addFollowup(t.id, 'Agent prévenu', false);
    await w.configure();
    await w.syncAll();
    const s = w.glpi.tickets.get(w.serverId(t.id))!;
    expect([s.status, w.local(t.id).status]).toEqual([5, 5]);
    expect(s.solvedate).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(w.glpi.solutions(s.id).map((x) => [visibleText(x.content), x.status])).toEqual([['Couche republiée', 2]]);
  });
});

describe('GLPI solutions on a ticket already solved', () => {
  it('a solution corrected in Relais after the ticket was solved: GLPI keeps one live solution with the new text, status 5, nothing parked', async () => {
    w = await makeGlpiWorld({ groups: true, mappings: { teams: {}, technicians: { root: 'tech' } } });
    const t = w.wf.logCall({ ...baseCall, outcome: 'solved_on_phone', solution: 'Papier retiré' });
    await w.configure();
    await w.syncAll();
    w.wf.resolve(t.id, 'Papier retiré, rouleau changé');
    await w.syncAll();
    expect(parked(w)).toEqual([]);
    const sid = w.serverId(t.id);
    expect(w.glpi.tickets.get(sid)!.status).toBe(5);
    const live = w.glpi.solutions(sid).filter((x) => x.status !== 4);
    expect(live.map((x) => visibleText(x.content))).toEqual(['Papier retiré, rouleau changé']);
    expect(w.local(t.id)).toMatchObject({ status: 5, solution: 'Papier retiré, rouleau changé' });
    expect(openConflicts(w)).toEqual([]);
  });

  it('solved in GLPI without a solution text (status 5 alone), then resolved in Relais with a text: the text becomes the ITILSolution', async () => {
    w = await makeGlpiWorld({ groups: true, mappings: { teams: {}, technicians: { root: 'tech' } } });
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('Interventions') });
    await w.configure();
    await w.syncAll();
    const sid = w.serverId(t.id);
    w.glpi.ui.edit(sid, { status: 5 });
    await w.syncAll();
    expect(w.local(t.id).status).toBe(5);
    w.wf.resolve(t.id, 'Toner changé');
    await w.syncAll();
    expect(parked(w)).toEqual([]);
    expect(w.glpi.tickets.get(sid)!.status).toBe(5);
    expect(w.glpi.solutions(sid).filter((x) => x.status !== 4).map((x) => visibleText(x.content))).toEqual(['Toner changé']);
    expect(w.local(t.id)).toMatchObject({ status: 5, solution: 'Toner changé' });
  });

  it('reopened in GLPI ("Rouvrir" with a follow-up): Relais shows it open again, as a server change, not a conflict', async () => {
    w = await makeGlpiWorld({ groups: true, mappings: { teams: {}, technicians: { root: 'tech' } } });
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('Interventions') });
    w.wf.resolve(t.id, 'Toner changé');
    await w.configure();
    await w.syncAll();
    const sid = w.serverId(t.id);
    w.glpi.ui.followup(sid, '<p>Toujours des traces</p>', { reopen: true });
    await w.syncAll();
    expect(w.glpi.tickets.get(sid)!).toMatchObject({ status: 2, solvedate: null });
    expect(w.local(t.id).status).toBe(2);
    expect(openConflicts(w)).toEqual([]);
  });
});
