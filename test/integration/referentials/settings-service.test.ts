/**
 * Settings › teams, categories, matrix, SLA and business hours, through the contract on a
 * real SQLite file: archived references stay on tickets, refused values leave nothing
 * half-written, and new calls get due dates on the business-hours calendar.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallName, SerializedError } from '../../../src/api/contract';
import { DEFAULT_PRIORITY_MATRIX } from '../../../src/domain/tickets';
import { makeCore } from '../../support/core';

// Friday 12 June 2026, 17:30 in Paris.
let now = new Date('2026-06-12T15:30:00Z');
beforeEach(() => {
  now = new Date('2026-06-12T15:30:00Z');
});
const app = makeCore({ clock: () => now });
const { call } = app;
async function refused(name: CallName, input: unknown): Promise<SerializedError> {
  const r = await app.service.dispatch(name, input, { clientId: 't' });
  expect(r.ok).toBe(false);
  return (r as { error: SerializedError }).error;
}

describe('teams', () => {
  it('creates, renames and archives a team; tickets keep it and the call form no longer offers it', async () => {
    const created = await call('referentials.createTeam', { name: '  Téléphonie  ' });
    expect(created).toMatchObject({ name: 'Téléphonie', active: true });
    const t = await call('tickets.logCall', { requesterName: 'Jeanne Martin', subject: 'Poste muet', outcome: 'route', teamId: created.id });
    await call('referentials.renameTeam', { id: created.id, name: 'Téléphonie fixe' });
    const archived = await call('referentials.archiveTeam', { id: created.id, archived: true });
    expect(archived.active).toBe(false);

    // The ticket still names its team, by the new name; the team is still listed, archived, with its use count.
    expect((await call('tickets.get', { id: t.id })).ticket.teamName).toBe('Téléphonie fixe');
    const list = await call('referentials.list', {});
    expect(list.teams.find((x) => x.id === created.id)).toMatchObject({ name: 'Téléphonie fixe', active: false });
    expect(list.usage.teams[created.id]).toBe(1);

    // A new call cannot be routed to it any more, and says so in words.
    const e = await refused('tickets.logCall', { requesterName: 'Jeanne Martin', subject: 'Encore', outcome: 'route', teamId: created.id });
    expect(e.code).toBe('ARCHIVED');
    expect(e.message.fr).toBe("L'équipe « Téléphonie fixe » est archivée : choisissez-en une autre dans la liste.");

    // Restored, it is offered again.
    await call('referentials.archiveTeam', { id: created.id, archived: false });
    expect((await call('tickets.logCall', { requesterName: 'Jeanne Martin', subject: 'Encore', outcome: 'route', teamId: created.id })).teamName).toBe('Téléphonie fixe');
  });

  it('refuses a name already taken (whatever the case) and archiving the last active team', async () => {
    const e = await refused('referentials.createTeam', { name: 'hotline' });
    expect(e.code).toBe('NAME_TAKEN');
    expect(e.message.fr).toBe("Une équipe s'appelle déjà « Hotline » : choisissez un autre nom.");
    const { teams } = await call('referentials.list', {});
    for (const team of teams.slice(1)) await call('referentials.archiveTeam', { id: team.id, archived: true });
    expect((await refused('referentials.archiveTeam', { id: teams[0]!.id, archived: true })).code).toBe('LAST_ACTIVE_TEAM');
    expect((await call('referentials.list', {})).teams.filter((x) => x.active).map((x) => x.name)).toEqual(['Hotline']);
  });

  it('words an empty name for a person', async () => {
    const e = await refused('referentials.createTeam', { name: '   ' });
    expect(e.message.fr).toBe('Le nom est obligatoire. Corrigez puis réessayez.');
    expect(e.message.en).toBe('The name is required. Fix it and try again.');
  });
});

describe('categories', () => {
  it('renames a parent (children follow), archives a branch and restores a leaf with its parents; tickets keep theirs', async () => {
    const root = await call('referentials.createCategory', { parentId: null, name: 'Téléphonie mobile' });
    const leaf = await call('referentials.createCategory', { parentId: root.id, name: 'Smartphone' });
    expect(leaf.fullName).toBe('Téléphonie mobile > Smartphone');
    const t = await call('tickets.logCall', { requesterName: 'Jeanne Martin', subject: 'Écran cassé', categoryId: leaf.id });

    await call('referentials.renameCategory', { id: root.id, name: 'Mobiles' });
    await call('referentials.archiveCategory', { id: root.id, archived: true });
    const cats = (await call('referentials.list', {})).categories;
    expect(cats.find((c) => c.id === leaf.id)).toMatchObject({ fullName: 'Mobiles > Smartphone', active: false });
    expect(cats.find((c) => c.id === root.id)).toMatchObject({ active: false });
    expect((await call('tickets.get', { id: t.id })).ticket.categoryName).toBe('Mobiles > Smartphone');

    // Nothing new goes under an archived branch.
    expect((await refused('referentials.createCategory', { parentId: root.id, name: 'Tablette' })).code).toBe('PARENT_ARCHIVED');
    expect((await refused('tickets.logCall', { requesterName: 'Jeanne Martin', subject: 'x', categoryId: leaf.id })).code).toBe('ARCHIVED');

    await call('referentials.archiveCategory', { id: leaf.id, archived: false });
    const after = (await call('referentials.list', {})).categories;
    expect(after.find((c) => c.id === root.id)?.active).toBe(true);
    expect(after.find((c) => c.id === leaf.id)?.active).toBe(true);
    // The rows are all there: archiving never deletes.
    const db = new Database(path.join(app.dir, 'data', 'relais.db'), { readonly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM categories WHERE id IN (?, ?)').get(root.id, leaf.id) as { n: number }).n).toBe(2);
    db.close();
  });

  it('refuses a sibling with the same name and a name with the level separator', async () => {
    const e = await refused('referentials.createCategory', { parentId: null, name: 'matériel' });
    expect(e.code).toBe('NAME_TAKEN');
    const sep = await refused('referentials.createCategory', { parentId: null, name: 'A > B' });
    expect(sep.message.fr).toBe('Le nom ne doit pas contenir « > » (il sépare les niveaux de catégorie). Corrigez puis réessayez.');
  });
});

describe('priority matrix and SLA targets', () => {
  it('saves an edited matrix that new calls use, and refuses one where priority falls as urgency rises', async () => {
    const m = DEFAULT_PRIORITY_MATRIX.map((row) => [...row]);
    m[2]![2] = 4; // urgency medium × impact medium → high
    await call('referentials.saveMatrix', { matrix: m });
    expect((await call('tickets.logCall', { requesterName: 'Jeanne Martin', subject: 'x', urgency: 3, impact: 3 })).priority).toBe(4);

    const bad = m.map((row) => [...row]);
    bad[4]![4] = 1; // very high × very high → very low
    const e = await refused('referentials.saveMatrix', { matrix: bad });
    expect(e.code).toBe('MATRIX_NOT_MONOTONE');
    expect(e.message.fr).toContain('urgence très haute × impact très haute donne Très basse');
    expect((await call('referentials.desk', {})).priorityMatrix).toEqual(m);

    const out = await refused('referentials.saveMatrix', { matrix: m.map((row) => row.map((p) => (p === 4 ? 7 : p))) });
    expect(out.code).toBe('INVALID_INPUT');
  });

  it('refuses a take-charge time longer than the resolve time, in words, and keeps the saved targets', async () => {
    const { sla } = await call('referentials.desk', {});
    const e = await refused('referentials.saveSla', { sla: { ...sla, '3': { ttoMinutes: 600, ttrMinutes: 60 } } });
    expect(e.message.fr).toBe('Le délai de prise en charge ne peut pas dépasser le délai de résolution. Corrigez puis réessayez.');
    const missing = { ...sla };
    delete missing['6'];
    expect((await refused('referentials.saveSla', { sla: missing })).message.fr).toMatch(/^Il manque les délais de la priorité Majeure/);
    expect((await call('referentials.desk', {})).sla).toEqual(sla);
  });
});

describe('business hours and holidays', () => {
  it('pre-fills the French holidays of this year and the next until the calendar is saved', async () => {
    const desk = await call('referentials.desk', {});
    expect(desk.calendarIsDefault).toBe(true);
    expect(desk.calendar.holidays.map((h) => h.date)).toContain('2026-05-25'); // Lundi de Pentecôte
    expect(desk.calendar.holidays.map((h) => h.date)).toContain('2027-05-17'); // Lundi de Pentecôte 2027
    expect(desk.calendar.holidays.some((h) => h.date.startsWith('2028'))).toBe(false);
  });

  it('computes new due dates on the calendar, keeps those of existing tickets, and moves a reclassified one', async () => {
    const before = await call('tickets.logCall', { requesterName: 'Jeanne Martin', subject: 'avant', urgency: 4, impact: 4 });
    // Friday 17:30 + 1 h (priority 4) → 30 min Friday, Monday 15 June 08:30.
    expect(before.ttoDue).toBe('2026-06-15T06:30:00.000Z');

    const { calendar } = await call('referentials.desk', {});
    const saturday = [{ start: '09:00', end: '12:00' }];
    await call('referentials.saveCalendar', { calendar: { ...calendar, week: [...calendar.week.slice(0, 5), saturday, []], holidays: [...calendar.holidays, { date: '2026-06-15', name: 'Fermeture exceptionnelle' }] } });

    const after = await call('tickets.logCall', { requesterName: 'Jeanne Martin', subject: 'après', urgency: 4, impact: 4 });
    // 30 min Friday, then Saturday from 09:00.
    expect(after.ttoDue).toBe('2026-06-13T07:30:00.000Z');
    expect((await call('tickets.get', { id: before.id })).ticket.ttoDue).toBe('2026-06-15T06:30:00.000Z');

    // A correction of urgency recomputes from the creation time on today's calendar.
    const edited = await call('tickets.edit', { id: before.id, changes: { urgency: 5, impact: 5 } });
    expect(edited.priority).toBe(5);
    // Priority 5: 30 min to take charge, all of it on Friday before 18:00.
    expect(edited.ttoDue).toBe('2026-06-12T16:00:00.000Z');
  });

  it('refuses a closing time before the opening, and a week with no open day, naming the day', async () => {
    const { calendar } = await call('referentials.desk', {});
    const e = await refused('referentials.saveCalendar', { calendar: { ...calendar, week: [[{ start: '18:00', end: '08:00' }], ...calendar.week.slice(1)] } });
    expect(e.message.fr).toBe("L'heure de fermeture doit venir après l'heure d'ouverture. Corrigez puis réessayez.");
    const hhmm = await refused('referentials.saveCalendar', { calendar: { ...calendar, week: [[{ start: '8h', end: '18:00' }], ...calendar.week.slice(1)] } });
    expect(hhmm.message.fr).toBe("L'heure d'ouverture du lundi doit être une heure au format HH:MM (par exemple 08:30). Corrigez puis réessayez.");
    const closed = await refused('referentials.saveCalendar', { calendar: { ...calendar, week: [[], [], [], [], [], [], []] } });
    expect(closed.message.en).toBe('At least one weekday must have business hours. Fix it and try again.');
    expect((await call('referentials.desk', {})).calendarIsDefault).toBe(true);
  });
});
