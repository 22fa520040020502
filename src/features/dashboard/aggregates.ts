import type { Db } from '../../platform/db';
import { stmt } from '../../platform/statements';
import { RelaisError } from '../../base/errors';
import {
  mondayFirst,
  nearestRank,
  type BreachRow,
  type Dashboard,
  type DashboardSelection,
  type DurationStats,
  type OrganisationSplit,
} from '../../domain/dashboard';
import { localDay, resolvePeriod } from './period';

/**
 * Every activity figure of the dashboard, from the local store. The store filters and
 * groups (indexed ranges on created_at / taken_at / the done time, GROUP BY for the
 * tallies); only the time bucketing into LOCAL hours and days is done here, because SQLite's
 * 'localtime' follows the C library's zone, not the one Node uses.
 *
 * Definitions (what the chef de service reads):
 * - a call is a `call` entry on a ticket's timeline; a phone ticket pulled from the server
 *   without one counts as one call at its creation (its duration is unknown);
 * - a ticket is done when resolved (or closed without a resolution); the backlog at the end
 *   of a day is what was created by then and not yet done;
 * - solved on the phone ("résolu au premier appel"): a phone ticket resolved in the call
 *   that opened it (resolved at its creation time: reopening it undoes that);
 * - time to take charge over the tickets taken in the period, time to resolve over those
 *   resolved in it, each against its own SLA due date;
 * - SLA breaches over the tickets created in the period, as the queue's "En retard".
 */

/** Which optional tables of other features exist in this store (organisation: issue 12). */
export interface StoreCapabilities {
  organisations: boolean;
}

export function detectCapabilities(db: Db): StoreCapabilities {
  const cols = db.prepare("SELECT name FROM pragma_table_info('tickets')").all() as { name: string }[];
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
  const hasCol = (c: string) => cols.some((r) => r.name === c);
  return { organisations: hasCol('organisation_id') && hasCol('service_id') && tables.has('organisations') && tables.has('org_units') };
}

export const organisationModelMissing = () =>
  new RelaisError('ORGANISATION_MODEL_MISSING', {
    fr: "Le modèle des organisations (Métropole, Ville, services) n'est pas encore disponible dans cette version : retirez le filtre d'organisation ou de service.",
    en: 'The organisation model (Métropole, Ville, services) is not available in this version yet: remove the organisation or service filter.',
  });

/** The WHERE fragment of the selection's filters on tickets aliased `t`. */
function filterSql(sel: DashboardSelection, caps: StoreCapabilities): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (sel.teamId) {
    parts.push('t.team_id = ?');
    params.push(sel.teamId);
  }
  if (sel.organisationId || sel.serviceId) {
    if (!caps.organisations) throw organisationModelMissing();
    if (sel.organisationId) {
      parts.push('t.organisation_id = ?');
      params.push(sel.organisationId);
    }
    if (sel.serviceId) {
      parts.push('t.service_id = ?');
      params.push(sel.serviceId);
    }
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

const DONE = 'COALESCE(t.resolved_at, t.closed_at)';
/**
 * Ranges over the creation time read the covering index of migration 0090 (every column
 * the figures need), named explicitly: the planner would otherwise pick the narrower
 * tickets_created and fetch every row from the table.
 */
const BY_CREATED = 'tickets t INDEXED BY tickets_period';
const minutesBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

type Filter = { sql: string; params: string[] };

interface CallRow {
  at: string;
  operator: string;
  seconds: number | null;
}

/** Calls on the timeline in [from, to). */
function timelineCalls(db: Db, from: string, to: string, f: Filter): CallRow[] {
  return stmt(
    db,
    `SELECT f.created_at AS at, f.author AS operator, json_extract(f.data, '$.durationSec') AS seconds
       FROM followups f JOIN tickets t ON t.id = f.ticket_id
      WHERE f.kind = 'call' AND f.created_at >= ? AND f.created_at < ?${f.sql}`,
  ).all(from, to, ...f.params) as CallRow[];
}

const NO_CALL_ENTRY = "NOT EXISTS (SELECT 1 FROM followups c WHERE c.ticket_id = t.id AND c.kind = 'call')";

function countCallsIn(db: Db, from: string, to: string, f: Filter): number {
  const r = stmt(
    db,
    `SELECT (SELECT COUNT(*) FROM followups f JOIN tickets t ON t.id = f.ticket_id
              WHERE f.kind = 'call' AND f.created_at >= ? AND f.created_at < ?${f.sql})
          + (SELECT COUNT(*) FROM ${BY_CREATED} WHERE t.created_at >= ? AND t.created_at < ?${f.sql}
              AND t.channel = 'phone' AND ${NO_CALL_ENTRY}) AS n`,
  ).get(from, to, ...f.params, from, to, ...f.params) as { n: number };
  return r.n;
}

function durationStats(rows: { start: string; end: string; due: string | null }[]): DurationStats {
  const minutes = rows.map((r) => minutesBetween(r.start, r.end)).sort((a, b) => a - b);
  const withDue = rows.filter((r) => r.due !== null);
  const p90 = nearestRank(minutes, 90);
  return {
    count: rows.length,
    meanMinutes: minutes.length ? round1(minutes.reduce((a, b) => a + b, 0) / minutes.length) : null,
    p90Minutes: p90 === null ? null : round1(p90),
    withinTargetRate: withDue.length ? withDue.filter((r) => r.end <= r.due!).length / withDue.length : null,
  };
}

/** A ticket created in the period, with what every per-ticket figure needs. */
interface PeriodTicket {
  created_at: string;
  channel: string;
  resolved_at: string | null;
  taken_at: string | null;
  tto_due: string | null;
  ttr_due: string | null;
  team_id: string | null;
  category_id: string | null;
  created_by: string;
  /** 1 when a phone ticket has no call on its timeline (pulled from the server): it counts as one call. */
  implicit_call: number | null;
  organisation_id?: string | null;
  service_id?: string | null;
}

/** The queue's "En retard": not taken in charge by its TTO due date, or not resolved by its TTR due date (now for open ones). */
const late = (due: string | null, doneAt: string | null, now: string) => due !== null && (doneAt ?? now) > due;
const breached = (t: PeriodTicket, now: string) => late(t.tto_due, t.taken_at, now) || late(t.ttr_due, t.resolved_at, now);

/** Counts per key, most first, then by label (the store's binary order). */
function tally<K extends string | null>(keys: Iterable<K>): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
const byCountThenLabel = <R extends { label: string }>(count: (r: R) => number[]) => (a: R, b: R) => {
  const ca = count(a);
  const cb = count(b);
  for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i]) return cb[i]! - ca[i]!;
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
};

function breachRows(rows: PeriodTicket[], key: (t: PeriodTicket) => string | null, names: Map<string, string>, now: string): BreachRow[] {
  const acc = new Map<string | null, BreachRow>();
  for (const t of rows) {
    const k = key(t);
    const r = acc.get(k) ?? { key: k, label: k === null ? '' : (names.get(k) ?? ''), tickets: 0, breached: 0 };
    r.tickets++;
    if (breached(t, now)) r.breached++;
    acc.set(k, r);
  }
  return [...acc.values()].sort(byCountThenLabel((r) => [r.breached, r.tickets]));
}

function organisationSplit(db: Db, caps: StoreCapabilities, rows: PeriodTicket[]): OrganisationSplit {
  if (!caps.organisations) return { available: false, reason: 'organisation_model_missing' };
  const orgNames = new Map((stmt(db, 'SELECT id, name FROM organisations').all() as { id: string; name: string }[]).map((o) => [o.id, o.name]));
  const units = new Map(
    (stmt(db, 'SELECT id, name, organisation_id AS organisationId, tier FROM org_units').all() as { id: string; name: string; organisationId: string; tier: number | null }[]).map((u) => [u.id, u]),
  );
  const organisations = [...tally(rows.map((t) => t.organisation_id ?? null))]
    .map(([key, tickets]) => ({ key, label: key === null ? '' : (orgNames.get(key) ?? ''), tickets }))
    .sort(byCountThenLabel((r) => [r.tickets]));
  const services = [...tally(rows.map((t) => t.service_id ?? null))]
    .map(([key, tickets]) => {
      const u = key === null ? undefined : units.get(key);
      return { key, label: u?.name ?? '', organisation: u ? (orgNames.get(u.organisationId) ?? null) : null, tier: u?.tier ?? null, tickets };
    })
    .sort(byCountThenLabel((r) => [r.tickets]));
  return { available: true, organisations, services };
}

export function computeDashboard(db: Db, sel: DashboardSelection, now: Date, caps: StoreCapabilities = detectCapabilities(db)): Dashboard {
  const period = resolvePeriod(sel, now);
  const { from, to } = period;
  const f = filterSql(sel, caps);
  const nowIso = now.toISOString();

  // One read transaction: every figure sees the same state of the store.
  return db.transaction(() => {
    // The tickets created in the period, read once from the covering index; the tallies
    // over them (breaches, categories, organisations, first-call) are made in one pass here.
    const created = stmt(
      db,
      `SELECT t.created_at, t.channel, t.resolved_at, t.taken_at, t.tto_due, t.ttr_due, t.team_id, t.category_id, t.created_by,
              CASE WHEN t.channel = 'phone' THEN ${NO_CALL_ENTRY} END AS implicit_call
              ${caps.organisations ? ', t.organisation_id, t.service_id' : ''}
         FROM ${BY_CREATED} WHERE t.created_at >= ? AND t.created_at < ?${f.sql}`,
    ).all(from, to, ...f.params) as PeriodTicket[];

    // Calls: the timeline's, plus one per phone ticket that has none; heatmap by local weekday and hour, and per operator.
    const calls: CallRow[] = timelineCalls(db, from, to, f);
    for (const t of created) if (t.implicit_call === 1) calls.push({ at: t.created_at, operator: t.created_by, seconds: null });
    const heatmap = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    const ops = new Map<string, { calls: number; seconds: number; timed: number }>();
    for (const c of calls) {
      const d = new Date(c.at);
      heatmap[mondayFirst(d.getDay())]![d.getHours()]!++;
      const o = ops.get(c.operator) ?? { calls: 0, seconds: 0, timed: 0 };
      o.calls++;
      if (c.seconds !== null) {
        o.seconds += c.seconds;
        o.timed++;
      }
      ops.set(c.operator, o);
    }
    const operators = [...ops]
      .map(([operator, o]) => ({ operator, calls: o.calls, meanCallSeconds: o.timed ? Math.round(o.seconds / o.timed) : null }))
      .sort((a, b) => b.calls - a.calls || a.operator.localeCompare(b.operator, 'fr'));

    // Opened / done per local day, and the backlog at the end of each day: what was open
    // when the period began (created before it, not done before it) plus opened minus done.
    const done = stmt(db, `SELECT ${DONE} AS at FROM tickets t WHERE ${DONE} >= ? AND ${DONE} < ?${f.sql}`).all(from, to, ...f.params) as { at: string }[];
    const before = stmt(
      db,
      `SELECT (SELECT COUNT(*) FROM tickets t WHERE ${DONE} IS NULL AND t.created_at < ?${f.sql})
            + (SELECT COUNT(*) FROM tickets t WHERE ${DONE} >= ? AND t.created_at < ?${f.sql}) AS n`,
    ).get(from, ...f.params, from, from, ...f.params) as { n: number };
    const opened = tally(created.map((r) => localDay(new Date(r.created_at))));
    const resolved = tally(done.map((r) => localDay(new Date(r.at))));
    let backlog = before.n;
    const daily = period.days.map((day) => {
      const o = opened.get(day) ?? 0;
      const r = resolved.get(day) ?? 0;
      backlog += o - r;
      return { day, opened: o, resolved: r, backlog };
    });

    const phoneTickets = created.filter((r) => r.channel === 'phone');
    const solvedOnPhone = phoneTickets.filter((r) => r.resolved_at === r.created_at).length;

    const taken = stmt(db, `SELECT t.created_at AS start, t.taken_at AS end, t.tto_due AS due FROM tickets t WHERE t.taken_at >= ? AND t.taken_at < ?${f.sql}`)
      .all(from, to, ...f.params) as { start: string; end: string; due: string | null }[];
    const solved = stmt(db, `SELECT t.created_at AS start, t.resolved_at AS end, t.ttr_due AS due FROM tickets t WHERE t.resolved_at >= ? AND t.resolved_at < ?${f.sql}`)
      .all(from, to, ...f.params) as { start: string; end: string; due: string | null }[];

    const teamNames = new Map((stmt(db, 'SELECT id, name FROM teams').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
    const categoryNames = new Map((stmt(db, 'SELECT id, full_name AS name FROM categories').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
    const topCategories = [...tally(created.map((t) => t.category_id))]
      .map(([key, tickets]) => ({ key, label: key === null ? '' : (categoryNames.get(key) ?? ''), tickets }))
      .sort(byCountThenLabel((r) => [r.tickets]))
      .slice(0, 10);

    return {
      period: { from, to, days: period.days, previousFrom: period.previousFrom },
      computedAt: nowIso,
      calls: { total: calls.length, previousTotal: countCallsIn(db, period.previousFrom, from, f), heatmap },
      daily,
      firstCall: { phoneTickets: phoneTickets.length, solvedOnPhone, rate: phoneTickets.length ? solvedOnPhone / phoneTickets.length : null },
      takeCharge: durationStats(taken),
      resolve: durationStats(solved),
      breaches: {
        byTeam: breachRows(created, (t) => t.team_id, teamNames, nowIso),
        byCategory: breachRows(created, (t) => t.category_id, categoryNames, nowIso),
      },
      topCategories,
      operators,
      organisations: organisationSplit(db, caps, created),
      resources: { loans: { available: false, reason: 'loans_missing' }, seats: { available: false, reason: 'seats_missing' } },
    } satisfies Dashboard;
  })();
}
