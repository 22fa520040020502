import type { Db } from '../../platform/db';
import { RelaisError, commonErrors } from '../../base/errors';
import { formatMessage, type MessageKey } from '../../base/messages';
import { stmt } from '../../platform/statements';
import { DEFAULT_PRIORITY_MATRIX, DEFAULT_SLA, priorityMatrixSchema, slaDueDates, type Category, type PriorityMatrix, type SlaTargets, type Team } from '../../domain/tickets';
import { businessCalendarSchema, defaultBusinessCalendar, type BusinessCalendar } from '../../domain/business-calendar';
import { matrixSlip, missingSlaPriorities, slaSettingsSchema, type DeskSettings } from '../../domain/referentials';
import { readSetting, writeSetting } from './repos/settings';
import { addTeam, findCategory, findTeam, insertCategory, listCategories, listTeams, renameCategoryRow, renameTeamRow, setCategoryActive, setTeamActive } from './repos/teams';
import type { ReferentialsPort } from './referentials-port';

export const SETTING_KEYS = { matrix: 'tickets.priorityMatrix', sla: 'tickets.sla', calendar: 'tickets.businessCalendar' } as const;

export const referentialErrors = {
  teamNameTaken: (name: string) => RelaisError.of('NAME_TAKEN_team', { name }, { field: 'name' }),
  categoryNameTaken: (fullName: string) => RelaisError.of('NAME_TAKEN_category', { name: fullName }, { field: 'name' }),
  lastTeam: () => RelaisError.of('LAST_ACTIVE_TEAM'),
  parentArchived: (fullName: string) => RelaisError.of('PARENT_ARCHIVED', { name: fullName }),
  matrixSlip: (u: number, i: number, tu: number, ti: number, m: PriorityMatrix) =>
    RelaisError.of(
      'MATRIX_NOT_MONOTONE',
      {
        axis: { msg: u !== tu ? 'NOUN_URGENCY' : 'NOUN_IMPACT' },
        u: level(u),
        i: level(i),
        p: priority(m[u - 1]![i - 1]!),
        tu: level(tu),
        ti: level(ti),
        tp: priority(m[tu - 1]![ti - 1]!),
      },
      { urgency: u, impact: i },
    ),
  slaMissing: (priorities: number[]) =>
    RelaisError.of('SLA_INCOMPLETE', { priorities: { fr: priorities.map((p) => formatMessage('fr', priorityKey(p))).join(', '), en: priorities.map((p) => formatMessage('en', priorityKey(p))).join(', ') } }),
};

// The matrix sentences name levels and priorities as the screens do (the catalogue's words).
const LEVEL_KEYS = ['LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'LEVEL_4', 'LEVEL_5'] as const satisfies readonly MessageKey[];
const PRIORITY_KEYS = ['PRIORITY_1', 'PRIORITY_2', 'PRIORITY_3', 'PRIORITY_4', 'PRIORITY_5', 'PRIORITY_6'] as const satisfies readonly MessageKey[];
const priorityKey = (n: number): MessageKey => PRIORITY_KEYS[n - 1]!;
const level = (n: number) => ({ msg: LEVEL_KEYS[n - 1]! });
const priority = (n: number) => ({ msg: priorityKey(n) });

/**
 * Teams, categories, the priority matrix, SLA targets and the business-hours calendar: the
 * desk's referentials, edited in Settings. Nothing is deleted (tickets keep their team and
 * category); archiving hides it from every new choice. `now` gives the year of the default
 * holidays. Each write is one IMMEDIATE transaction.
 */
export function createReferentials(db: Db, now: () => Date) {
  const tx = <T>(fn: () => T): T => db.transaction(fn).immediate();
  const team = (id: string): Team => findTeam(db, id) ?? (() => { throw commonErrors.notFound('NOUN_TEAM', id); })();
  const category = (id: string): Category => findCategory(db, id) ?? (() => { throw commonErrors.notFound('NOUN_CATEGORY', id); })();
  const teamNameFree = (name: string, except?: string) => {
    const clash = listTeams(db).find((t) => t.id !== except && t.name.toLocaleLowerCase('fr') === name.toLocaleLowerCase('fr'));
    if (clash) throw referentialErrors.teamNameTaken(clash.name);
  };
  const categoryNameFree = (parentId: string | null, name: string, except?: string) => {
    const clash = listCategories(db).find((c) => c.id !== except && c.parentId === parentId && c.name.toLocaleLowerCase('fr') === name.toLocaleLowerCase('fr'));
    if (clash) throw referentialErrors.categoryNameTaken(clash.fullName);
  };
  const descendants = (id: string): string[] => {
    const all = listCategories(db);
    const out: string[] = [];
    const walk = (p: string) => {
      for (const c of all.filter((x) => x.parentId === p)) {
        out.push(c.id);
        walk(c.id);
      }
    };
    walk(id);
    return out;
  };
  const ancestors = (c: Category): string[] => {
    const out: string[] = [];
    for (let p = c.parentId; p && out.length < 20; p = findCategory(db, p)?.parentId ?? null) out.push(p);
    return out;
  };

  const matrix = (): PriorityMatrix => readSetting(db, SETTING_KEYS.matrix, priorityMatrixSchema, DEFAULT_PRIORITY_MATRIX);
  const sla = (): SlaTargets => readSetting(db, SETTING_KEYS.sla, slaSettingsSchema, DEFAULT_SLA);
  const storedCalendar = (): BusinessCalendar | null => readSetting(db, SETTING_KEYS.calendar, businessCalendarSchema.nullable(), null);
  const calendar = (): BusinessCalendar => storedCalendar() ?? defaultBusinessCalendar(Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Paris', year: 'numeric' }).format(now())));

  const port: ReferentialsPort = {
    teams: () => listTeams(db),
    categories: () => listCategories(db),
    slaDueDates: (createdAt, priority, override) => slaDueDates(createdAt, priority, override ? { [String(priority)]: override } : sla(), calendar()),
  };

  return {
    port,
    listTeams: () => listTeams(db),
    listCategories: () => listCategories(db),
    createTeam: (name: string): Team =>
      tx(() => {
        teamNameFree(name);
        return addTeam(db, name);
      }),
    renameTeam: (id: string, name: string): Team =>
      tx(() => {
        team(id);
        teamNameFree(name, id);
        renameTeamRow(db, id, name);
        return team(id);
      }),
    archiveTeam: (id: string, archived: boolean): Team =>
      tx(() => {
        const t = team(id);
        if (archived && t.active && listTeams(db).filter((x) => x.active).length === 1) throw referentialErrors.lastTeam();
        setTeamActive(db, id, !archived);
        return team(id);
      }),
    createCategory: (parentId: string | null, name: string): Category =>
      tx(() => {
        const parent = parentId ? category(parentId) : null;
        if (parent && !parent.active) throw referentialErrors.parentArchived(parent.fullName);
        categoryNameFree(parentId, name);
        return insertCategory(db, parent, name);
      }),
    renameCategory: (id: string, name: string): Category =>
      tx(() => {
        const c = category(id);
        categoryNameFree(c.parentId, name, id);
        renameCategoryRow(db, id, name);
        return category(id);
      }),
    /** Archiving takes the sub-categories with it; restoring brings back the parents, so the path is whole. */
    archiveCategory: (id: string, archived: boolean): Category =>
      tx(() => {
        const c = category(id);
        setCategoryActive(db, archived ? [id, ...descendants(id)] : [id, ...ancestors(c)], !archived);
        return category(id);
      }),
    /** How many tickets refer to each team and category (shown beside "Archiver": it is why nothing is deleted). */
    usage: (): { teams: Record<string, number>; categories: Record<string, number> } => {
      const count = (sql: string) => Object.fromEntries((stmt(db, sql).all() as { id: string; n: number }[]).map((r) => [r.id, r.n]));
      return {
        teams: count('SELECT team_id AS id, COUNT(*) AS n FROM tickets WHERE team_id IS NOT NULL GROUP BY team_id'),
        categories: count('SELECT category_id AS id, COUNT(*) AS n FROM tickets WHERE category_id IS NOT NULL GROUP BY category_id'),
      };
    },
    desk: (): DeskSettings => {
      const stored = storedCalendar();
      return { priorityMatrix: matrix(), sla: sla(), calendar: stored ?? calendar(), calendarIsDefault: stored === null };
    },
    saveMatrix: (m: PriorityMatrix): void => {
      const slip = matrixSlip(m);
      if (slip) throw referentialErrors.matrixSlip(slip.urgency, slip.impact, slip.than.urgency, slip.than.impact, m);
      tx(() => writeSetting(db, SETTING_KEYS.matrix, m));
    },
    saveSla: (targets: SlaTargets): void => {
      const missing = missingSlaPriorities(targets);
      if (missing.length) throw referentialErrors.slaMissing(missing);
      tx(() => writeSetting(db, SETTING_KEYS.sla, slaSettingsSchema.parse(targets)));
    },
    saveCalendar: (c: BusinessCalendar): void => {
      const sorted = { ...c, holidays: [...c.holidays].sort((a, b) => a.date.localeCompare(b.date)) };
      tx(() => writeSetting(db, SETTING_KEYS.calendar, businessCalendarSchema.parse(sorted)));
    },
  };
}
export type Referentials = ReturnType<typeof createReferentials>;
