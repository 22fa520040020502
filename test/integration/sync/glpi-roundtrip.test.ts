/**
 * Round trip against the GLPI 10.0.18 double: 50 calls logged offline through the real
 * tickets workflow, covering every status, routing and re-routing, private and public
 * follow-ups, solutions and edits, then more changes on both sides. After sync and two
 * pulls, the local store and GLPI agree field by field, and nothing is duplicated.
 */
import { afterEach, expect, it } from 'vitest';
import { localUpdate, outboxCounts } from '../../support/sync-harness';
import { makeGlpiWorld, TEAMS, visibleText, type GlpiWorld } from './glpi-support';
import { glpiDecode } from '../../services/glpi-fake';
import { REQUESTER_LABEL } from '../../../src/features/sync/connectors/glpi/search';

let w: GlpiWorld;
afterEach(() => w?.dispose());

const CATEGORIES = ['Matériel > Imprimante', 'Logiciel > Messagerie', 'Réseau > Wi-Fi'];

it('50 calls, every status, routing, follow-ups, solutions and edits: local and GLPI agree field by field after sync and two pulls', async () => {
  w = await makeGlpiWorld({ groups: true, mappings: { teams: {}, technicians: { root: 'tech' } } });
  for (const c of CATEGORIES) w.glpi.addCategory(c);
  const { wf } = w;
  const team = (i: number) => TEAMS[1 + (i % (TEAMS.length - 1))]!;
  const ids: string[] = [];

  // ---- offline: 50 calls and a first round of changes ----
  for (let i = 0; i < 50; i++) {
    const outcome = (['keep', 'solved_on_phone', 'route'] as const)[i % 3];
    const t = wf.logCall({
      subject: i % 7 === 0 ? '' : `Appel ${i} : « imprimante » & <réseau>`,
      description: i % 13 === 5 ? '' : `Description ${i}\nligne 2 "citée"\n\nparagraphe 😀 ${i}`,
      requesterName: `Agent ${i}`,
      requesterPhone: `01020304${String(i).padStart(2, '0')}`,
      urgency: 1 + (i % 5),
      impact: 1 + ((i * 3) % 5),
      type: i % 4 === 0 ? 'request' : 'incident',
      categoryId: i % 5 === 4 ? null : w.categoryId(CATEGORIES[i % CATEGORIES.length]!),
      outcome,
      teamId: outcome === 'route' ? w.teamId(team(i)) : null,
      solution: outcome === 'solved_on_phone' ? `Solution au téléphone ${i} <ok> & fin` : '',
    });
    ids.push(t.id);
    if (i % 2 === 0) wf.addFollowup(t.id, `Suivi public ${i} & <détail>`, false);
    if (i % 3 === 0) wf.addFollowup(t.id, `Note privée ${i}`, true);
    if (i % 10 === 2) wf.route(t.id, w.teamId(team(i + 1)), null); // re-routed before any sync
    if (i % 10 === 5) wf.setStatus(t.id, 3);
    if (i % 10 === 8) wf.setStatus(t.id, 4);
    if (i % 10 === 9) wf.resolve(t.id, `Résolu ${i}`);
    if (i % 9 === 1) localUpdate(w.h.core.db, t.id, { priority: 5, urgency: 5 });
  }
  await w.configure();
  await w.syncAll();
  expect(outboxCounts(w.h.core.db).pending ?? 0).toBe(0);

  // ---- a second round: more local changes, and technicians working in GLPI ----
  const sid = (i: number) => w.serverId(ids[i]!);
  for (let i = 0; i < 50; i++) {
    if (i % 10 === 2) wf.route(ids[i]!, w.teamId(team(i + 2)), null); // re-routed again
    if (i % 10 === 9) wf.setStatus(ids[i]!, 6); // closed after its solution
    if (i % 10 === 1) wf.setStatus(ids[i]!, 2); // solved on the phone, reopened
    if (i % 10 === 6) wf.setStatus(ids[i]!, 1); // back to new: GLPI makes it 2 (actors assigned)
    if (i % 10 === 7) localUpdate(w.h.core.db, ids[i]!, { subject: `Objet modifié ${i}` });
    if (i % 10 === 3) wf.addFollowup(ids[i]!, `Deuxième suivi ${i}`, i % 2 === 0);
    if (i % 10 === 8) wf.addFollowup(ids[i]!, `Relance ${i} (en attente)`, i % 4 === 0); // GLPI reopens a waiting ticket on a follow-up
  }
  w.glpi.ui.followup(sid(4), '<p>Réponse du technicien &lt;GLPI&gt;</p>', { private: false, users_id: 4 });
  w.glpi.ui.solve(sid(14), '<p>Résolu dans GLPI</p>');
  w.glpi.ui.route(sid(24), w.glpi.rows('Group').find((g) => g.name === 'SIG')!.id);
  w.glpi.ui.edit(sid(34), { urgency: 2, name: 'Renommé dans GLPI' });
  await w.syncAll();

  // ---- everything arrived once, nothing parked or waiting ----
  expect(outboxCounts(w.h.core.db).pending ?? 0).toBe(0);
  expect(outboxCounts(w.h.core.db).parked ?? 0).toBe(0);
  expect(w.glpi.tickets.size).toBe(50);
  const statuses = new Set<number>();
  const groupsName = (g: string) => g;
  for (let i = 0; i < 50; i++) {
    const local = w.local(ids[i]!);
    const s = w.glpi.tickets.get(sid(i))!;
    statuses.add(s.status);
    const content = visibleText(s.content);
    const ctx = `ticket ${i} (GLPI ${s.id})`;
    expect({ ctx, subject: local.subject }).toEqual({ ctx, subject: glpiDecode(s.name) });
    expect({ ctx, description: local.description }).toEqual({ ctx, description: content.replace(new RegExp(`(\\n\\n)?${REQUESTER_LABEL.replace(/[()]/g, '\\$&')} .*$`), '') });
    expect({ ctx, status: local.status, urgency: local.urgency, impact: local.impact, priority: local.priority, type: local.type }).toEqual({
      ctx,
      status: s.status,
      urgency: s.urgency,
      impact: s.impact,
      priority: s.priority,
      type: s.type === 2 ? 'request' : 'incident',
    });
    const cat = s.itilcategories_id ? String(w.glpi.rows('ITILCategory').find((c) => c.id === s.itilcategories_id)!.completename).replace(/&#62;/g, '>') : null;
    expect({ ctx, category: local.category }).toEqual({ ctx, category: cat });
    const groups = w.glpi.groupsOf(s.id).map(groupsName);
    expect(groups.length).toBeLessThanOrEqual(1);
    expect({ ctx, team: local.team }).toEqual({ ctx, team: groups[0] ?? 'Hotline' });
    const techs = w.glpi.technicianOf(s.id);
    expect({ ctx, technician: local.technician }).toEqual({ ctx, technician: techs[0] === 'tech' ? 'root' : (techs[0] ?? null) });
    if (s.status >= 5) {
      const sols = w.glpi.solutions(s.id).filter((x) => x.status !== 4);
      expect({ ctx, solution: local.solution }).toEqual({ ctx, solution: visibleText(sols[sols.length - 1]?.content) });
    }
    // Follow-ups: the same texts and privacy on both sides (the call itself is the content, not a follow-up).
    const localNotes = wf.timeline(ids[i]!).filter((f) => f.kind === 'note').map((f) => `${f.private ? 'P' : 'p'}|${f.body}`).sort();
    const serverNotes = w.glpi.followups(s.id).map((f) => `${f.is_private ? 'P' : 'p'}|${visibleText(f.content)}`).sort();
    expect({ ctx, notes: localNotes }).toEqual({ ctx, notes: serverNotes });
  }
  expect([...statuses].sort()).toEqual([2, 3, 4, 5, 6]);
  // GLPI-side work arrived.
  expect(w.local(ids[14]!)).toMatchObject({ status: 5, solution: 'Résolu dans GLPI' });
  expect(w.local(ids[24]!)).toMatchObject({ team: 'SIG' });
  expect(w.local(ids[34]!)).toMatchObject({ urgency: 2, subject: 'Renommé dans GLPI' });
  expect(wf.timeline(ids[4]!).some((f) => f.body === 'Réponse du technicien <GLPI>' && f.author === 'root')).toBe(true);
  // A third pull changes nothing.
  const before = w.h.core.db.prepare('SELECT id, version FROM tickets ORDER BY id').all();
  await w.h.sync.engine.sync();
  expect(w.h.core.db.prepare('SELECT id, version FROM tickets ORDER BY id').all()).toEqual(before);
}, 120_000);
