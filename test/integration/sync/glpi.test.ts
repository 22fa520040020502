/**
 * The GLPI connector and the engine against an HTTP server reproducing apirest.php's
 * documented behaviour (test/services/glpi-fake.ts: GLPI itself cannot run here).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGlpiFake, type GlpiFake } from '../../services/glpi-fake';
import { fromGlpiHtml } from '../../../src/features/sync/connectors/glpi/richtext';
import { createGlpiConnector } from '../../../src/features/sync/connectors/glpi';
import { SyncError } from '../../../src/features/sync/types';
import { addFollowup, callOf, drainAll, localUpdate, logCall, makeHarness, outboxCounts, type Harness } from '../../support/sync-harness';

let glpi: GlpiFake;
let h: Harness;
beforeEach(async () => {
  glpi = await startGlpiFake();
  // A GLPI prepared for Relais: one group per team (a fresh one has none: glpi-defects.test.ts).
  for (const team of ['Hotline', 'Interventions', 'Applications', 'SIG', 'Infrastructure technique']) glpi.addGroup(team);
  h = await makeHarness({ timeoutMs: 1_000 });
});
afterEach(async () => {
  await h.dispose();
  await glpi.close();
});

const configure = () => callOf(h).configure({ kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken });
const markerOf = (content: string) => fromGlpiHtml(content).opId;
const textOf = (content: string) => fromGlpiHtml(content).text;

describe('GLPI connector (apirest.php)', () => {
  it('tests the connection with a clear verdict: user token, App-Token, wrong tokens', async () => {
    const ok = await callOf(h).test({ kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken });
    // The account GLPI authenticated; a fresh GLPI has none of the teams' groups, and the verdict says so.
    expect(ok.user).toBe('glpi');
    expect(ok.readiness).not.toBeNull();
    expect(ok.ok).toBe(ok.readiness!.checks.every((c) => c.ok));
    const badUser = await callOf(h).test({ kind: 'glpi', url: glpi.url, token: 'nope', appToken: glpi.appToken });
    expect(badUser.ok).toBe(false);
    expect(badUser.message.fr).toContain('Jeton utilisateur refusé par GLPI');
    expect(badUser.message.en).toContain('ERROR_GLPI_LOGIN_USER_TOKEN');
    const badApp = await callOf(h).test({ kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: 'nope' });
    expect(badApp.ok).toBe(false);
    expect(badApp.message.en).toContain('ERROR_WRONG_APP_TOKEN_PARAMETER');
    expect(badApp.message.fr).toContain('App-Token absent ou refusé');
    const down = await callOf(h).test({ kind: 'glpi', url: 'http://127.0.0.1:9/apirest.php', token: 'x', appToken: 'y' });
    expect(down.ok).toBe(false);
    expect(down.message.fr).toContain('injoignable');
  });

  it('pushes tickets, follow-ups in order, linked PC and team; each carries its op marker; killSession on close', async () => {
    const c = logCall(h.core.db, { subject: 'Imprimante bloquée', followups: ['premier', 'deuxième'], team: 'Interventions' });
    const asset = '0190aaaa-0000-7000-8000-000000000042';
    h.core.db.prepare("INSERT INTO assets (id, name, search_key) VALUES (?, 'PC-0042', 'pc-0042')").run(asset);
    h.core.db.prepare('INSERT INTO ticket_assets (ticket_id, asset_id) VALUES (?, ?)').run(c.ticketId, asset);
    // The create payload was written before the link: relog it with the PC (as the tickets feature does in one transaction).
    h.core.db.prepare("UPDATE outbox SET payload = json_set(payload, '$.assetIds', json_array(?)) WHERE op_id = ?").run(asset, c.createOp);
    const pcId = glpi.addComputer('PC-0042');
    await configure();
    await drainAll(h, 20_000);
    expect(outboxCounts(h.core.db)).toEqual({ done: 3 });
    const [t] = [...glpi.tickets.values()];
    expect(t!.name).toBe('Imprimante bloquée');
    expect(markerOf(t!.content)).toBe(c.createOp);
    expect(textOf(t!.content)).toBe('Imprimante bloquée\n\nDemandeur (sans compte GLPI) : Agent Test · 0102030405');
    expect(glpi.groupsOf(t!.id)).toEqual(['Interventions']);
    expect(glpi.rows('Item_Ticket')).toEqual([expect.objectContaining({ itemtype: 'Computer', items_id: pcId, tickets_id: t!.id })]);
    expect(glpi.followups().map((f) => textOf(String(f.content)))).toEqual(['premier', 'deuxième']);
    expect(glpi.followups().map((f) => markerOf(String(f.content)))).toEqual(c.followupOps);
    const session = [...glpi.sessions.keys()][0]!;
    await h.sync.engine.getConnector()!.close();
    expect(glpi.killed).toContain(session);
  });

  it('expired session mid-drain: a new session is opened once, transparently; nothing parked', async () => {
    for (let i = 0; i < 10; i++) logCall(h.core.db, { subject: `S${i}`, followups: [`f${i}`] });
    await configure();
    let expired = false;
    const unsub = h.core.events.subscribe((name, p) => {
      if (name === 'sync.progress' && !expired && (p as { done: number }).done >= 10) {
        expired = true;
        glpi.expireSessions();
      }
    });
    await drainAll(h, 20_000);
    unsub();
    expect(expired).toBe(true);
    expect(outboxCounts(h.core.db)).toEqual({ done: 20 });
    expect(glpi.requests.filter((r) => r.path === '/initSession').length).toBeGreaterThanOrEqual(2);
    expect(glpi.requests.some((r) => r.status === 401)).toBe(true);
    expect(glpi.tickets.size).toBe(10);
  });

  it('answers lost after the server committed: the marker is found, never a duplicate', async () => {
    const calls = Array.from({ length: 6 }, (_, i) => logCall(h.core.db, { subject: `Perdu ${i}`, followups: [`a${i}`, `b${i}`] }));
    glpi.dropAnswers('Ticket', 3);
    glpi.dropAnswers('ITILFollowup', 4);
    await configure();
    await drainAll(h, 30_000);
    expect(outboxCounts(h.core.db)).toEqual({ done: 18 });
    expect(glpi.tickets.size).toBe(6);
    expect(glpi.followups().length).toBe(12);
    for (const c of calls) {
      const t = [...glpi.tickets.values()].filter((x) => markerOf(x.content) === c.createOp);
      expect(t).toHaveLength(1);
      const sid = (h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(c.ticketId) as { server_id: string }).server_id;
      expect(sid).toBe(String(t[0]!.id));
      expect(glpi.followups(t[0]!.id).map((f) => markerOf(String(f.content)))).toEqual(c.followupOps);
    }
  });

  it('rights refused: parked "à traiter" with GLPI message; retry after the fix goes through; discard keeps a timeline copy', async () => {
    const a = logCall(h.core.db, { subject: 'Sans droit A' });
    const b = logCall(h.core.db, { subject: 'Sans droit B' });
    glpi.denyRights(true);
    await configure();
    await drainAll(h, 10_000);
    expect(outboxCounts(h.core.db)).toEqual({ parked: 2 });
    const st = await callOf(h).ticket(a.ticketId);
    expect(st.parked[0]!.serverMessage).toContain("ERROR_RIGHT_MISSING: You don't have permission");
    glpi.denyRights(false);
    await callOf(h).retry(a.createOp);
    await drainAll(h, 10_000);
    expect(outboxCounts(h.core.db)).toEqual({ done: 1, parked: 1 });
    const after = await callOf(h).discard(b.createOp);
    expect(after.parked).toHaveLength(0);
    const copy = h.core.db.prepare("SELECT body, data FROM followups WHERE ticket_id = ? AND kind = 'sync_discarded'").get(b.ticketId) as { body: string; data: string };
    // Kind + facts, worded by the console in the reader's language (no sentence stored).
    const facts = JSON.parse(copy.data) as { payload: { subject: string }; serverMessage: string };
    expect(copy.body).toBe('');
    expect(facts.payload.subject).toBe('Sans droit B');
    expect(facts.serverMessage).toContain('ERROR_RIGHT_MISSING');
  });

  it('validation refused by the server: parked with its message; later ops of that ticket wait behind it, other tickets go on', async () => {
    const c = logCall(h.core.db, { subject: 'Statut invalide' });
    const other = logCall(h.core.db, { subject: 'Autre' });
    await configure();
    await drainAll(h, 10_000);
    const op = localUpdate(h.core.db, c.ticketId, { status: 9 });
    addFollowup(h.core.db, c.ticketId, 'après la modification refusée');
    addFollowup(h.core.db, other.ticketId, 'autre ticket');
    await drainAll(h, 10_000);
    const st = await callOf(h).ticket(c.ticketId);
    expect(st.parked).toEqual([expect.objectContaining({ opId: op, serverMessage: expect.stringContaining('Statut invalide'), kind: 'ticket.update' })]);
    expect(st.pending).toBe(1); // the follow-up waits (FIFO per ticket)
    expect(glpi.followups().map((f) => textOf(String(f.content)))).toEqual(['autre ticket']);
    await callOf(h).discard(op);
    await drainAll(h, 10_000);
    expect(glpi.followups()).toHaveLength(2);
  });

  it('first pull pages with Content-Range and progress; incremental by date_mod with overlap and de-duplication; bad rows skipped', async () => {
    glpi.setClock('2026-01-01T07:00:00Z');
    const category = glpi.addCategory('Matériel > Imprimante');
    // Content written by an earlier Relais (plain text, "Demandeur :" line) still reads right.
    for (let i = 0; i < 229; i++) glpi.addTicket({ name: `Serveur ${i}`, content: `Demandeur : Mme ${i} · 01\n\ncorps ${i}`, status: 2, itilcategories_id: category }, { groups: [1], users: [4] });
    glpi.setClock('2026-01-01T08:00:00Z');
    glpi.addTicket({ name: 'Serveur 229' }, { groups: [1] });
    glpi.addTicket({ name: 'Sans statut', raw: { 12: 'weird' } });
    glpi.addTicket({ name: 'Sans date', raw: { 19: null } });
    glpi.addTicket({ name: 'x'.repeat(5_000) });
    await configure();
    await h.sync.engine.idle();
    await h.sync.engine.sync();
    const n = (h.core.db.prepare("SELECT COUNT(*) AS n FROM tickets WHERE created_by = 'sync:glpi'").get() as { n: number }).n;
    expect(n).toBe(230);
    const progress = h.events.filter((e) => e.name === 'sync.progress' && (e.payload as { phase: string }).phase === 'pull').map((e) => e.payload as { done: number; total: number });
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.some((p) => p.total === 233 && p.done === 233)).toBe(true);
    const one = h.core.db.prepare("SELECT t.*, te.name AS team FROM tickets t LEFT JOIN teams te ON te.id = t.team_id WHERE subject = 'Serveur 7'").get() as Record<string, unknown>;
    expect(one).toMatchObject({ status: 2, technician: 'tech', team: 'Hotline', requester_name: 'Mme 7', description: 'corps 7' });
    const skipped = (await h.sync.handlers['sync.skipped'](undefined, { clientId: 't' })).items.map((s) => s.reason);
    expect(skipped.some((r) => /status/.test(r))).toBe(true);
    expect(skipped.some((r) => /19|date/.test(r))).toBe(true);
    expect(skipped.some((r) => /too large/.test(r))).toBe(true);
    // Incremental: only what changed since the watermark (minus the overlap) is asked for.
    glpi.setClock('2026-01-01T09:00:00Z');
    const changed = [...glpi.tickets.values()].find((t) => t.name === 'Serveur 3')!;
    changed.status = 4;
    changed.date_mod = glpi.now();
    glpi.addTicket({ name: 'Nouveau serveur' });
    const before = glpi.requests.length;
    await h.sync.engine.sync();
    // One page: the tickets of 08:00 (overlap), the changed one and the new one.
    const searches = glpi.requests.slice(before).filter((r) => r.path === '/search/Ticket' && !r.query.includes('is_deleted'));
    expect(searches).toHaveLength(1);
    expect(searches[0]!.status).toBe(200);
    expect((h.core.db.prepare("SELECT status FROM tickets WHERE subject = 'Serveur 3'").get() as { status: number }).status).toBe(4);
    expect((h.core.db.prepare("SELECT COUNT(*) AS n FROM tickets WHERE subject = 'Nouveau serveur'").get() as { n: number }).n).toBe(1);
    // Same again: overlap re-reads recent items, nothing is duplicated.
    await h.sync.engine.sync();
    expect((h.core.db.prepare("SELECT COUNT(*) AS n FROM tickets WHERE created_by = 'sync:glpi'").get() as { n: number }).n).toBe(231);
    expect(h.core.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('changed here and on GLPI: conflict shown, nothing overwritten; other fields merge; choosing resolves', async () => {
    const c = logCall(h.core.db, { subject: 'Conflit', status: 1, priority: 3, team: null });
    await configure();
    await drainAll(h, 10_000);
    const sid = Number((h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(c.ticketId) as { server_id: string }).server_id);
    glpi.tickets.get(sid)!.status = 4; // changed on the server
    localUpdate(h.core.db, c.ticketId, { status: 2, priority: 5 });
    await drainAll(h, 10_000);
    expect(glpi.tickets.get(sid)!.status).toBe(4); // not overwritten
    expect(glpi.tickets.get(sid)!.priority).toBe(5); // merged
    const st = await callOf(h).ticket(c.ticketId);
    expect(st.conflicts).toHaveLength(1);
    expect(st.conflicts[0]).toMatchObject({ field: 'status', baseValue: 1, localValue: 2, serverValue: 4 });
    const resolved = await callOf(h).resolve(st.conflicts[0]!.id, 'local');
    expect(resolved.conflicts).toHaveLength(0);
    await drainAll(h, 10_000);
    expect(glpi.tickets.get(sid)!.status).toBe(2);
  });

  it('connector errors are typed: ["ERROR_…", message] bodies', async () => {
    const c = createGlpiConnector({ url: glpi.url, userToken: () => glpi.userToken, appToken: () => glpi.appToken });
    const err = await c.getTicket('999').then(
      (r) => r,
      (e) => e,
    );
    expect(err).toEqual({ state: 'gone' });
    glpi.denyRights(true);
    const e2 = await c.updateTicket('1', { status: 2 }, null).catch((e) => e);
    expect(e2).toBeInstanceOf(SyncError);
    expect((e2 as SyncError).kind).toBe('rejected');
    await c.close();
  });
});
