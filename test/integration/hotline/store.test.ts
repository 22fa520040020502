import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/features/schema/database';
import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow';
import { insertAsset, insertPerson, searchDirectory } from '../../../src/features/tickets/repos/directory';
import { findTeamByName, listCategories, listTeams } from '../../../src/features/tickets/repos/teams';
import { readOutbox, outboxRowSchema } from '../../../src/features/tickets/outbox';
import { queryQueue, countQueue } from '../../../src/features/tickets/queue-query';
import { writeSetting } from '../../../src/features/tickets/repos/settings';
import { MARK_END, MARK_START } from '../../../src/domain/queue';
import { makeTempDir } from '../../support/temp-dir';

let temp: ReturnType<typeof makeTempDir>;
let db: Db;
let clock: Date;
let user: string;
const wf = () => createTicketWorkflow(db, { now: () => clock, currentUser: () => user });

beforeEach(() => {
  temp = makeTempDir();
  db = openDatabase(path.join(temp.dir, 'relais.db'));
  clock = new Date('2026-05-04T07:30:00Z');
  user = 'Karim Benali';
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

function helene() {
  const p = insertPerson(db, { lastName: 'Dupré', firstName: 'Hélène', department: 'Eau', phone: '03 88 91 24 13', email: 'helene.dupre@ville-exemple.fr', site: 'Station de Bellevue' });
  const pc = insertAsset(db, { name: 'PC-EAU-0042', serial: 'CZC1234567', personId: p.id, ip: '10.12.3.42', os: 'Windows 11' });
  return { p, pc };
}

describe('store on a real SQLite file', () => {
  it('opens in WAL with synchronous=FULL and seeds the configurable teams and categories', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(listTeams(db).map((t) => t.name)).toEqual(['Hotline', 'Interventions', 'Applications', 'SIG', 'Infrastructure technique']);
    const cats = listCategories(db);
    const printer = cats.find((c) => c.name === 'Imprimante')!;
    expect(printer.fullName).toBe('Matériel > Imprimante');
    expect(cats.find((c) => c.id === printer.parentId)?.name).toBe('Matériel');
  });

  it('finds a requester by a few letters of name, phone or PC name, ignoring accents and case', () => {
    const { p, pc } = helene();
    insertPerson(db, { lastName: 'Dupuis', firstName: 'Marc', department: 'RH', phone: '03 88 11 22 33', email: '', site: '' });
    expect(searchDirectory(db, 'dupre').map((h) => h.person?.id)).toEqual([p.id]);
    expect(searchDirectory(db, 'HELENE').map((h) => h.person?.id)).toEqual([p.id]);
    expect(searchDirectory(db, '91 24').map((h) => h.person?.id)).toEqual([p.id]);
    const byPc = searchDirectory(db, 'pc-eau-00');
    expect(byPc[0]?.asset?.id).toBe(pc.id);
    expect(byPc[0]?.person?.id).toBe(p.id);
    expect(searchDirectory(db, '%_')).toEqual([]);
  });

  it('logs a call with UUIDv7 id, matrix priority, SLA due dates, linked PC, timeline and outbox in one go', () => {
    const { p, pc } = helene();
    const t = wf().logCall({ requesterId: p.id, description: 'Écran noir au démarrage', urgency: 4, impact: 4, durationSec: 125 });
    expect(t.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(t).toMatchObject({ number: 1, status: 2, priority: 4, channel: 'phone', requesterName: 'Hélène Dupré', requesterPhone: '03 88 91 24 13', technician: 'Karim Benali', teamName: 'Hotline', assetIds: [pc.id], subject: 'Écran noir au démarrage' });
    expect(t.ttoDue).toBe('2026-05-04T08:30:00.000Z');
    // 24 h to resolve is one working day on the business-hours calendar: Tuesday, same time.
    expect(t.ttrDue).toBe('2026-05-05T07:30:00.000Z');
    const timeline = wf().timeline(t.id);
    expect(timeline.map((f) => f.kind)).toEqual(['call']);
    expect(timeline[0]!.data).toEqual({ durationSec: 125, channel: 'phone' });
    const outbox = readOutbox(db, { ticketId: t.id });
    expect(outbox.map((o) => o.kind)).toEqual(['ticket.create', 'followup.create']);
    expect(outbox[0]!.payload).toMatchObject({ id: t.id, number: 1, requesterName: 'Hélène Dupré', assetIds: [pc.id], teamName: 'Hotline' });
    for (const row of outbox) expect(outboxRowSchema.safeParse(row).success).toBe(true);
  });

  it('reads the priority matrix from the settings table', () => {
    const matrix = Array.from({ length: 5 }, () => [6, 6, 6, 6, 6]);
    writeSetting(db, 'tickets.priorityMatrix', matrix);
    const t = wf().logCall({ requesterName: 'Jean Inconnu', requesterPhone: '06 12 34 56 78', description: 'Badge refusé' });
    expect(t.priority).toBe(6);
    expect(t.requesterId).toBeNull();
    expect(t.requesterName).toBe('Jean Inconnu');
  });

  it('routes, takes charge, changes status and resolves with ticket.update rows carrying the merge base', () => {
    const { p } = helene();
    const interventions = findTeamByName(db, 'Interventions')!;
    const t = wf().logCall({ requesterId: p.id, description: 'Imprimante bloquée', outcome: 'route', teamId: interventions.id });
    expect(t).toMatchObject({ status: 1, technician: null, teamName: 'Interventions', takenAt: null });
    clock = new Date('2026-05-04T08:00:00Z');
    user = 'Sandrine Leroy';
    const taken = wf().takeCharge(t.id);
    expect(taken).toMatchObject({ status: 2, technician: 'Sandrine Leroy', takenAt: '2026-05-04T08:00:00.000Z' });
    wf().setStatus(t.id, 4);
    wf().addFollowup(t.id, 'Pièce commandée', false);
    const solved = wf().resolve(t.id, 'Rouleau remplacé');
    expect(solved).toMatchObject({ status: 5, solution: 'Rouleau remplacé' });
    expect(wf().timeline(t.id).map((f) => f.kind)).toEqual(['call', 'assign', 'assign', 'status', 'note', 'solution']);
    const updates = readOutbox(db, { ticketId: t.id }).filter((o) => o.kind === 'ticket.update');
    expect(updates[0]).toMatchObject({ payload: { changes: { technician: 'Sandrine Leroy', status: 2 } }, base: { technician: null, status: 1 } });
    expect(updates.at(-1)).toMatchObject({ payload: { changes: { status: 5, solution: 'Rouleau remplacé' } }, base: { status: 4, solution: null } });
    expect(() => wf().resolve(t.id, '  ')).toThrow(/solution/);
    expect(() => wf().takeCharge('nope')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('writes nothing at all when a change fails half-way (the outbox row shares the transaction)', () => {
    const { p } = helene();
    const t = wf().logCall({ requesterId: p.id, description: 'Test' });
    const before = { outbox: readOutbox(db).length, followups: wf().timeline(t.id).length };
    // The outbox write fails (as a full disk would) after the follow-up row went in.
    db.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox WHEN new.kind = 'followup.create' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
    expect(() => wf().addFollowup(t.id, 'Ne doit pas rester', false)).toThrow(/disk trouble/);
    expect(readOutbox(db).length).toBe(before.outbox);
    expect(wf().timeline(t.id).length).toBe(before.followups);
    expect(() => wf().route(t.id, findTeamByName(db, 'SIG')!.id, null)).toThrow(/disk trouble/);
    expect(wf().get(t.id).teamName).toBe('Hotline');
  });

  it('searches subject, description, requester, PC and follow-ups with FTS5, accent-insensitive, with highlights', () => {
    const { p } = helene();
    const a = wf().logCall({ requesterId: p.id, subject: 'Logiciel de télérelève', description: 'Compteur du secteur nord absent' });
    const b = wf().logCall({ requesterName: 'Marc Dupuis', description: 'Imprimante en bourrage' });
    wf().addFollowup(b.id, 'Passerelle radio réinitialisée', false);
    const ctx = { now: clock, user };
    const find = (text: string) => queryQueue(db, { filter: { text } }, ctx).rows.map((r) => r.number);
    expect(find('telereleve')).toEqual([a.number]);
    expect(find('dupre')).toEqual([a.number]);
    expect(find('PC-EAU-0042')).toEqual([a.number]);
    expect(find('passerelle')).toEqual([b.number]);
    expect(find('secteur nord')).toEqual([a.number]);
    expect(find('impr')).toEqual([b.number]);
    expect(find('"OR*')).toEqual([]); // FTS syntax neutralised
    const row = queryQueue(db, { filter: { text: 'telereleve' } }, ctx).rows[0]!;
    expect(row.subject).toBe(`Logiciel de ${MARK_START}télérelève${MARK_END}`);
    const viaFollowup = queryQueue(db, { filter: { text: 'passerelle' } }, ctx).rows[0]!;
    expect(viaFollowup.snippet).toContain(`${MARK_START}Passerelle${MARK_END}`);
  });

  it('filters and sorts the queue in the store, with counts', () => {
    const { p } = helene();
    const ctx = { now: clock, user };
    const interventions = findTeamByName(db, 'Interventions')!;
    const mine = wf().logCall({ requesterId: p.id, description: 'a', urgency: 5, impact: 5 });
    const routed = wf().logCall({ requesterId: p.id, description: 'b', outcome: 'route', teamId: interventions.id, urgency: 1, impact: 1 });
    const solved = wf().logCall({ requesterId: p.id, description: 'c', outcome: 'solved_on_phone' });
    const numbers = (filter: object, sort = 'number', dir = 'asc') => queryQueue(db, { filter, sort: sort as 'number', dir: dir as 'asc' }, ctx).rows.map((r) => r.number);
    expect(numbers({ statuses: [1, 2, 3, 4] })).toEqual([mine.number, routed.number]);
    expect(numbers({ unassigned: true })).toEqual([routed.number]);
    expect(numbers({ mine: true, statuses: [1, 2, 3, 4] })).toEqual([mine.number]);
    expect(numbers({ teamIds: [interventions.id] })).toEqual([routed.number]);
    expect(numbers({ priorities: [5] })).toEqual([mine.number]);
    expect(numbers({}, 'priority', 'desc')[0]).toBe(mine.number);
    expect(numbers({ statuses: [5] })).toEqual([solved.number]);
    expect(countQueue(db, { statuses: [1, 2, 3, 4] }, ctx)).toBe(2);
    // Two days later the open ones are late.
    const later = { now: new Date('2026-05-20T00:00:00Z'), user };
    expect(queryQueue(db, { filter: { slaBreached: true }, sort: 'number', dir: 'asc' }, later).rows.map((r) => r.number)).toEqual([mine.number, routed.number]);
    const page = queryQueue(db, { filter: {}, sort: 'number', dir: 'asc', offset: 1, limit: 1 }, ctx);
    expect(page).toMatchObject({ total: 3, offset: 1 });
    expect(page.rows.map((r) => r.number)).toEqual([routed.number]);
  });
});
