/**
 * Regression tests for the defects seen against a real GLPI 10.0.18 (issue 19, items 1–10),
 * run against the test double that reproduces it (a fresh GLPI: no groups, users glpi, tech,
 * normal, post-only). Calls are logged through the real tickets workflow.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createGlpiConnector } from '../../../src/features/sync/connectors/glpi';
import { createGlpiFeature } from '../../../src/api/handlers/glpi';
import { glpiMappingsSchema, glpiStatusAfterSend } from '../../../src/domain/glpi';
import { callOf, drainAll } from '../../support/sync-harness';
import { makeGlpiWorld, opIdOf, TEAMS, visibleText, type GlpiWorld } from './glpi-support';

let w: GlpiWorld;
afterEach(() => w?.dispose());

const connectorOf = (w: GlpiWorld, extra: Partial<Parameters<typeof createGlpiConnector>[0]> = {}) =>
  createGlpiConnector({ url: w.glpi.url, userToken: () => w.glpi.userToken, appToken: () => w.glpi.appToken, teams: () => TEAMS, operators: () => ['root'], ...extra });
const baseCall = { subject: 'Imprimante', description: 'Bourrage papier', requesterName: 'Agent Inconnu', requesterPhone: '0999' };
const parkedMessages = (w: GlpiWorld) => (w.h.core.db.prepare("SELECT last_error FROM outbox WHERE state = 'parked'").all() as { last_error: string }[]).map((r) => JSON.parse(r.last_error).message as string);

describe('1. a fresh GLPI: groups, technicians, kept calls', () => {
  it('the connection test reports each team without a group and each operator without an account; "Préparer le serveur" creates the groups', async () => {
    w = await makeGlpiWorld();
    const c = connectorOf(w);
    const before = await c.inspect!();
    expect(before.serverVersion).toBe('GLPI 10.0.18');
    expect(before.account).toBe('glpi');
    expect(before.checks.filter((x) => x.key.startsWith('group:'))).toEqual(TEAMS.map((team) => ({ key: `group:${team}`, ok: false, code: 'glpi.check.groupMissing', params: { team, group: team }, fixable: true })));
    expect(before.checks.find((x) => x.key === 'technician:root')).toMatchObject({ ok: false, code: 'glpi.check.technicianMissing', fixable: false });
    const after = await c.prepare!();
    expect(after.checks.filter((x) => x.key.startsWith('group:')).every((x) => x.ok)).toBe(true);
    expect(w.glpi.rows('Group').map((g) => g.name).sort()).toEqual([...TEAMS].sort());
    expect(w.glpi.rows('Group').every((g) => g.is_assign === 1)).toBe(true);
    await c.close();
  });

  it('without the right to create groups, prepare creates nothing and says the groups are not fixable', async () => {
    w = await makeGlpiWorld({ fake: { canCreateGroups: false } });
    const c = connectorOf(w);
    const r = await c.prepare!();
    expect(r.checks.filter((x) => x.key.startsWith('group:')).map((x) => [x.ok, x.fixable])).toEqual(TEAMS.map(() => [false, false]));
    expect(w.glpi.rows('Group')).toHaveLength(0);
    await c.close();
  });

  it('a missing group is not remembered: once created in GLPI, the next attempt after a short time finds it', async () => {
    w = await makeGlpiWorld();
    let clock = 1_000_000;
    const c = connectorOf(w, { lookups: { now: () => clock } });
    const fields = { subject: 'Routé', description: 'x', type: 'incident' as const, status: 1, urgency: 3, impact: 3, priority: 3, category: null, team: 'SIG', technician: null, requesterName: '', requesterPhone: '', requesterEmail: '', asset: null, solution: null };
    const err = await c.createTicket('0190aaaa-0000-7000-8000-000000000001', fields).catch((e) => e);
    expect(err).toMatchObject({ kind: 'rejected', code: 'glpi.error.groupMissing', params: { team: 'SIG', group: 'SIG' } });
    w.glpi.addGroup('SIG');
    clock += 11_000;
    const { serverId } = await c.createTicket('0190aaaa-0000-7000-8000-000000000001', fields);
    expect(w.glpi.groupsOf(Number(serverId))).toEqual(['SIG']);
    await c.close();
  });

  it('a call kept by the hotline gets no group; an operator without a GLPI account syncs with no technician and a visible note', async () => {
    w = await makeGlpiWorld();
    await w.configure();
    await w.h.sync.engine.idle();
    const t = w.wf.logCall({ ...baseCall, outcome: 'keep' });
    await w.syncAll();
    expect(parkedMessages(w)).toEqual([]);
    const sid = w.serverId(t.id);
    expect(w.glpi.groupsOf(sid)).toEqual([]);
    expect(w.glpi.technicianOf(sid)).toEqual([]);
    const notes = w.glpi.followups(sid);
    expect(notes).toHaveLength(1);
    expect(visibleText(notes[0]!.content)).toContain('pris en charge par « root », qui n\'a pas de compte GLPI');
    expect(notes[0]!.is_private).toBe(1);
    // The note comes back to Relais's timeline; the ticket stays with the hotline.
    expect(w.local(t.id)).toMatchObject({ team: 'Hotline', technician: null });
    const timeline = w.wf.timeline(t.id).map((f) => f.body);
    expect(timeline.some((b) => b.includes("n'a pas de compte GLPI"))).toBe(true);
  });

  it('configured mappings: a team goes to its mapped group, an operator to its GLPI login, and both map back on pull', async () => {
    w = await makeGlpiWorld({ mappings: { teams: { Interventions: 'DUN - Interventions', Hotline: 'DUN - Support' }, technicians: { root: 'tech' } } });
    w.glpi.addGroup('DUN - Interventions');
    w.glpi.addGroup('DUN - Support');
    const kept = w.wf.logCall({ ...baseCall, outcome: 'keep' });
    const routed = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('Interventions') });
    await w.configure();
    await w.syncAll();
    expect(w.glpi.technicianOf(w.serverId(kept.id))).toEqual(['tech']);
    expect(w.glpi.groupsOf(w.serverId(routed.id))).toEqual(['DUN - Interventions']);
    expect(w.local(kept.id)).toMatchObject({ technician: 'root', team: 'Hotline' });
    expect(w.local(routed.id)).toMatchObject({ team: 'Interventions' });
  });
});

describe('1. mappings set from the settings', () => {
  it('a call parked for a missing group goes through once the team is mapped to an existing group (glpi.mappings.set)', async () => {
    w = await makeGlpiWorld();
    w.glpi.addGroup('DUN - Système d’information géographique');
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG') });
    await w.configure();
    await w.syncAll();
    expect(parkedMessages(w)).toEqual([expect.stringContaining('GLPI has no group "SIG" for team SIG')]);
    const glpiFeature = createGlpiFeature(w.h.core, { sync: w.h.sync });
    const saved = await glpiFeature.handlers['glpi.mappings.set']({ teams: { SIG: 'DUN - Système d’information géographique' }, technicians: {} }, { clientId: 't' });
    expect(saved.teams.SIG).toBe('DUN - Système d’information géographique');
    await w.h.sync.engine.idle();
    await drainAll(w.h, 10_000);
    expect(parkedMessages(w)).toEqual([]);
    expect(w.glpi.groupsOf(w.serverId(t.id))).toEqual(['DUN - Système d’information géographique']);
    expect(await glpiFeature.handlers['glpi.mappings.get'](undefined, { clientId: 't' })).toEqual(saved);
    expect(glpiMappingsSchema.safeParse({ teams: { SIG: '' } }).success).toBe(false);
    expect(glpiMappingsSchema.safeParse({ teams: {}, other: 1 }).success).toBe(false);
  });

  it('what the UI says before sending: a new ticket given a group or a technician becomes 2 in GLPI', async () => {
    expect(glpiStatusAfterSend(1, { group: true, technician: false })).toEqual({ status: 2, notice: { code: 'glpi.statusBecomesAssigned', params: { from: 1, to: 2 } } });
    expect(glpiStatusAfterSend(1, { group: false, technician: false })).toEqual({ status: 1, notice: null });
    expect(glpiStatusAfterSend(3, { group: true, technician: true })).toEqual({ status: 3, notice: null });
    // The prediction is what the GLPI double does.
    w = await makeGlpiWorld({ groups: true });
    const c = connectorOf(w);
    const r = await c.createTicket('0190aaaa-0000-7000-8000-000000000009', { subject: 's', description: 'd', type: 'incident', status: 1, urgency: 3, impact: 3, priority: 3, category: null, team: 'SIG', technician: null, requesterName: '', requesterPhone: '', requesterEmail: '', asset: null, solution: null });
    expect(w.glpi.tickets.get(Number(r.serverId))!.status).toBe(glpiStatusAfterSend(1, { group: true, technician: false }).status);
    await c.close();
  });
});

describe('2. requester', () => {
  it('the caller is found as a GLPI user by phone or e-mail (search/User) and set as requester', async () => {
    w = await makeGlpiWorld({ groups: true });
    const jd = w.glpi.addUser({ name: 'jdupont', realname: 'Dupont', firstname: 'Jean', phone: '0102030405', email: 'jean.dupont@ville.example' });
    const t = w.wf.logCall({ ...baseCall, requesterName: 'Jean Dupont', requesterPhone: '0102030405', outcome: 'route', teamId: w.teamId('SIG') });
    await w.configure();
    await w.syncAll();
    const sid = w.serverId(t.id);
    expect(w.glpi.requesterOf(sid).map((r) => r.users_id)).toEqual([jd]);
    expect(visibleText(w.glpi.tickets.get(sid)!.content)).toBe('Bourrage papier');
    const c = connectorOf(w);
    const byMail = await c.createTicket('0190aaaa-0000-7000-8000-000000000002', { subject: 's', description: 'd', type: 'incident', status: 2, urgency: 3, impact: 3, priority: 3, category: null, team: 'SIG', technician: null, requesterName: 'J. Dupont', requesterPhone: '', requesterEmail: 'jean.dupont@ville.example', asset: null, solution: null });
    expect(w.glpi.requesterOf(Number(byMail.serverId)).map((r) => r.users_id)).toEqual([jd]);
    await c.close();
  });

  it('no such user: the requester goes as an alternative e-mail and a visible "Demandeur (sans compte GLPI)" line, read back on pull', async () => {
    w = await makeGlpiWorld({ groups: true });
    const c = connectorOf(w);
    const r = await c.createTicket('0190aaaa-0000-7000-8000-000000000003', { subject: 's', description: 'Écran noir', type: 'incident', status: 2, urgency: 3, impact: 3, priority: 3, category: null, team: 'SIG', technician: null, requesterName: 'Mme Martin', requesterPhone: '0611', requesterEmail: 'martin@ext.example', asset: null, solution: null });
    const sid = Number(r.serverId);
    expect(w.glpi.requesterOf(sid)).toEqual([expect.objectContaining({ users_id: 0, alternative_email: 'martin@ext.example' })]);
    expect(visibleText(w.glpi.tickets.get(sid)!.content)).toBe('Écran noir\n\nDemandeur (sans compte GLPI) : Mme Martin · 0611 · martin@ext.example');
    const back = await c.getTicket(String(sid));
    expect(back.state === 'found' && back.ticket.fields).toMatchObject({ description: 'Écran noir', requesterName: 'Mme Martin', requesterPhone: '0611' });
    await c.close();
  });
});

describe('2–4. edits keep what the content carries', () => {
  it('a description edit keeps the op id and the requester line; a requester who is a GLPI user becomes the requester', async () => {
    w = await makeGlpiWorld({ groups: true });
    const c = connectorOf(w);
    const op = '0190aaaa-0000-7000-8000-00000000000c';
    const base = { subject: 's', description: 'Avant', type: 'incident' as const, status: 2, urgency: 3, impact: 3, priority: 3, category: null, team: 'SIG', technician: null, requesterName: 'Mme Martin', requesterPhone: '0611', requesterEmail: '', asset: null, solution: null };
    const sid = (await c.createTicket(op, base)).serverId;
    await c.updateTicket(sid, { description: 'Après <modif>' }, null);
    const content = w.glpi.tickets.get(Number(sid))!.content;
    expect(visibleText(content)).toBe('Après <modif>\n\nDemandeur (sans compte GLPI) : Mme Martin · 0611');
    expect(opIdOf(content)).toBe(op);
    const jd = w.glpi.addUser({ name: 'jdupont', phone: '0102030405' });
    await c.updateTicket(sid, { requesterName: 'Jean Dupont', requesterPhone: '0102030405' }, null);
    expect(w.glpi.requesterOf(Number(sid)).map((r) => r.users_id)).toEqual([jd]);
    expect(visibleText(w.glpi.tickets.get(Number(sid))!.content)).toBe('Après <modif>');
    expect(await c.findTicketByOp(op)).toBe(sid);
    await c.close();
  });
});

describe('3–4. content, follow-ups and the invisible op id', () => {
  it('the creation content is the call text; only real follow-ups become ITILFollowup; no marker people can read', async () => {
    w = await makeGlpiWorld({ groups: true, mappings: { teams: {}, technicians: { root: 'tech' } } });
    const t = w.wf.logCall({ ...baseCall, outcome: 'keep' });
    const empty = w.wf.logCall({ ...baseCall, subject: 'Sans description', description: '', outcome: 'keep' });
    w.wf.addFollowup(t.id, 'Rappelé, redémarrage demandé', false);
    await w.configure();
    await w.syncAll();
    const sid = w.serverId(t.id);
    const ticket = w.glpi.tickets.get(sid)!;
    expect(visibleText(ticket.content)).toBe('Bourrage papier\n\nDemandeur (sans compte GLPI) : Agent Inconnu · 0999');
    expect(w.glpi.followups(sid).map((f) => visibleText(f.content))).toEqual(['Rappelé, redémarrage demandé']);
    expect(w.glpi.followups(w.serverId(empty.id))).toEqual([]);
    for (const text of [ticket.content, ...w.glpi.followups().map((f) => f.content)]) {
      expect(visibleText(text)).not.toMatch(/relais-op/);
      expect(opIdOf(text)).toMatch(/^[0-9a-f-]{36}$/);
    }
    // An empty description stays empty (it does not become the subject), both sides.
    expect(visibleText(w.glpi.tickets.get(w.serverId(empty.id))!.content)).toBe('Demandeur (sans compte GLPI) : Agent Inconnu · 0999');
    expect(w.local(empty.id)).toMatchObject({ description: '', subject: 'Sans description' });
  });

  it('an answer lost after GLPI created the ticket: the content search on the op id finds it, no duplicate', async () => {
    w = await makeGlpiWorld({ groups: true });
    w.glpi.dropAnswers('Ticket', 1);
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG') });
    await w.configure();
    await w.syncAll();
    expect(w.glpi.tickets.size).toBe(1);
    expect(w.serverId(t.id)).toBe([...w.glpi.tickets.keys()][0]);
    // The look-up itself: a content search on the op id, which only the HTML comment holds.
    const c = connectorOf(w);
    const op = (w.h.core.db.prepare("SELECT op_id FROM outbox WHERE ticket_id = ? AND kind = 'ticket.create'").get(t.id) as { op_id: string }).op_id;
    expect(await c.findTicketByOp(op)).toBe(String(w.serverId(t.id)));
    expect(await c.findTicketByOp('0190aaaa-0000-7000-8000-00000000dead')).toBeNull();
    await c.close();
  });
});

describe('5. solutions', () => {
  it('solved on the phone and resolved later: an ITILSolution with the text, not a follow-up; a GLPI-side solution comes back', async () => {
    w = await makeGlpiWorld({ groups: true, mappings: { teams: {}, technicians: { root: 'tech' } } });
    const phone = w.wf.logCall({ ...baseCall, outcome: 'solved_on_phone', solution: 'Papier retiré, test OK' });
    const later = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('Interventions') });
    const glpiSide = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG') });
    await w.configure();
    await w.syncAll();
    w.wf.resolve(later.id, 'Toner changé');
    w.glpi.ui.solve(w.serverId(glpiSide.id), '<p>Couche SIG <b>republiée</b> &amp; cache vidé</p>');
    await w.syncAll();
    for (const [t, text] of [[phone, 'Papier retiré, test OK'], [later, 'Toner changé']] as const) {
      const sid = w.serverId(t.id);
      expect(w.glpi.solutions(sid).map((s) => visibleText(s.content))).toEqual([text]);
      expect(w.glpi.tickets.get(sid)!.status).toBe(5);
      expect(w.glpi.followups(sid)).toEqual([]);
    }
    expect(w.local(glpiSide.id)).toMatchObject({ status: 5, solution: 'Couche SIG republiée & cache vidé' });
  });
});

describe('6. statuses, teams, technicians, categories', () => {
  it("GLPI's own transition is accepted: a routed call at status 1 comes back as 2; ids come back as names; re-routing replaces the group", async () => {
    w = await makeGlpiWorld({ groups: true });
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG') });
    await w.configure();
    await w.syncAll();
    const sid = w.serverId(t.id);
    expect(w.local(t.id)).toMatchObject({ status: 2, team: 'SIG' });
    w.wf.route(t.id, w.teamId('Applications'), null);
    await w.syncAll();
    expect(w.glpi.groupsOf(sid)).toEqual(['Applications']);
    expect(w.local(t.id)).toMatchObject({ team: 'Applications' });
    w.glpi.ui.assign(sid, 4);
    await w.syncAll();
    expect(w.local(t.id)).toMatchObject({ technician: 'tech' });
  });

  it('several groups in GLPI (field 8 as an array): the newest is the team', async () => {
    w = await makeGlpiWorld({ groups: true });
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('Hotline') });
    await w.configure();
    await w.syncAll();
    const sid = w.serverId(t.id);
    const sig = w.glpi.rows('Group').find((g) => g.name === 'SIG')!.id;
    // A technician adds a second group in GLPI (PUT adds beside the old one).
    const s = (await (await fetch(`${w.glpi.url}/initSession`, { headers: { Authorization: `user_token ${w.glpi.userToken}`, 'App-Token': w.glpi.appToken } })).json()) as { session_token: string };
    await fetch(`${w.glpi.url}/Ticket/${sid}`, { method: 'PUT', headers: { 'Session-Token': s.session_token, 'App-Token': w.glpi.appToken, 'Content-Type': 'application/json' }, body: JSON.stringify({ input: { _groups_id_assign: sig } }) });
    expect(w.glpi.groupsOf(sid)).toEqual(['Hotline', 'SIG']);
    await w.syncAll();
    expect(w.local(t.id)).toMatchObject({ team: 'SIG' });
  });

  it('an unknown category is refused locally with a clear message and the local category is kept', async () => {
    w = await makeGlpiWorld({ groups: true });
    const known = w.glpi.addCategory('Matériel > Poste de travail');
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG'), categoryId: w.categoryId('Matériel > Imprimante') });
    const ok = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG'), categoryId: w.categoryId('Matériel > Poste de travail') });
    await w.configure();
    await w.syncAll();
    expect(parkedMessages(w)).toEqual([expect.stringContaining('Category "Matériel > Imprimante" does not exist in GLPI')]);
    expect(w.glpi.tickets.get(w.serverId(ok.id))!.itilcategories_id).toBe(known);
    expect(w.local(ok.id)).toMatchObject({ category: 'Matériel > Poste de travail' });
    expect(w.local(t.id)).toMatchObject({ category: 'Matériel > Imprimante' });
  });
});

describe('7–9. rich text, GLPI-side follow-ups, trash', () => {
  it('text with <, &, quotes, line breaks and emoji goes out as GLPI rich text and comes back unchanged', async () => {
    w = await makeGlpiWorld({ groups: true });
    const description = 'Erreur "x < y" & \'z\' > 0\nligne 2\n\nparagraphe 2 😀 <b>pas gras</b>';
    const t = w.wf.logCall({ ...baseCall, subject: 'R&D <urgent> "vite"', description, outcome: 'route', teamId: w.teamId('SIG') });
    await w.configure();
    await w.syncAll();
    const sid = w.serverId(t.id);
    const stored = w.glpi.tickets.get(sid)!.content;
    expect(stored).toContain('&#38;lt;'); // our < escaped, then entity-encoded by GLPI
    expect(stored).not.toContain('<b>');
    expect(w.local(t.id)).toMatchObject({ description, subject: 'R&D <urgent> "vite"' });
    w.glpi.ui.followup(sid, '<p>Réponse &lt;OK&gt; &amp; merci 👍</p><p>2e ligne</p>');
    await w.syncAll();
    expect(w.wf.timeline(t.id).map((f) => f.body)).toContain('Réponse <OK> & merci 👍\n\n2e ligne');
  });

  it('a follow-up added in GLPI (only date_mod moves) arrives, with its privacy and author', async () => {
    w = await makeGlpiWorld({ groups: true });
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG') });
    await w.configure();
    await w.syncAll();
    const sid = w.serverId(t.id);
    const before = { ...w.local(t.id) };
    w.glpi.ui.followup(sid, '<p>Vu sur place</p>', { private: true, users_id: 4 });
    await w.syncAll();
    const note = w.wf.timeline(t.id).find((f) => f.body === 'Vu sur place');
    expect(note).toMatchObject({ private: true, author: 'tech' });
    expect(w.local(t.id).status).toBe(before.status);
  });

  it('a ticket put in GLPI trash is removed locally at the next pull, like an RT deletion', async () => {
    w = await makeGlpiWorld({ groups: true });
    const t = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG') });
    const kept = w.wf.logCall({ ...baseCall, outcome: 'route', teamId: w.teamId('SIG') });
    await w.configure();
    await w.syncAll();
    w.glpi.ui.trash(w.serverId(t.id));
    await w.h.sync.engine.sync();
    expect(w.h.core.db.prepare('SELECT id FROM tickets WHERE id = ?').get(t.id)).toBeUndefined();
    expect(w.h.core.db.prepare('SELECT id FROM tickets WHERE id = ?').get(kept.id)).toBeDefined();
  });
});

describe('10. configuration friction', () => {
  it('a missing or wrong App-Token is named as such; a URL without apirest.php is explained; the real version is shown', async () => {
    w = await makeGlpiWorld();
    const test = (input: { url: string; appToken: string; token?: string }) => callOf(w.h).test({ kind: 'glpi', token: w.glpi.userToken, ...input });
    const badApp = await test({ url: w.glpi.url, appToken: 'wrong' });
    expect(badApp.ok).toBe(false);
    expect(badApp.message.fr).toMatch(/^App-Token absent ou refusé par GLPI/);
    expect(badApp.message.fr).not.toContain('Identifiants refusés');
    const web = await test({ url: w.glpi.webUrl, appToken: w.glpi.appToken });
    expect(web.ok).toBe(false);
    expect(web.message.fr).toContain(`essayez ${w.glpi.webUrl}/apirest.php`);
    expect(web.message.fr).not.toContain('<html');
    const ok = await test({ url: w.glpi.url, appToken: w.glpi.appToken });
    // The account and the real version; whether the verdict is green depends on the readiness
    // checks (a fresh GLPI lacks the teams' groups), which say what is missing.
    expect(ok).toMatchObject({ user: 'glpi', serverVersion: 'GLPI 10.0.18' });
    expect(ok.ok).toBe(ok.readiness!.checks.every((c) => c.ok));
  });

  it("dates are read in the server's time zone and converted; incremental pulls ask in server-local time", async () => {
    w = await makeGlpiWorld({ groups: true, fake: { timezone: 'Europe/Paris' } });
    w.glpi.setClock('2026-07-14T10:00:00Z');
    const g = w.glpi.addTicket({ name: 'Créé dans GLPI' }, { groups: [1] });
    expect(g.date).toBe('2026-07-14 12:00:00');
    await w.configure();
    await w.syncAll();
    const row = w.h.core.db.prepare("SELECT created_at FROM tickets WHERE subject = 'Créé dans GLPI'").get() as { created_at: string };
    expect(row.created_at).toBe('2026-07-14T10:00:00.000Z');
    const last = w.glpi.requests.filter((r) => r.path === '/search/Ticket' && r.query.includes('morethan')).pop()!;
    // Watermark 10:00Z minus the 120 s overlap = 09:58Z = 11:58 in Paris.
    expect(new URLSearchParams(last.query).get('criteria[0][value]')).toBe('2026-07-14 11:58:00');
  });

  it('without a time-zone setting, the zone comes from the server clock against the HTTP Date header', async () => {
    w = await makeGlpiWorld({ groups: true, fake: { timezone: null } });
    const c = connectorOf(w);
    w.glpi.setClock('2026-01-10T08:00:00Z');
    const t = w.glpi.addTicket({ name: 'Sans fuseau' }, { groups: [1] });
    const found = await c.getTicket(String(t.id));
    // The double without a setting runs in UTC: the clock and the Date header agree.
    expect(found.state === 'found' && found.ticket.createdAt).toBe('2026-01-10T08:00:00.000Z');
    await c.close();
  });
});
