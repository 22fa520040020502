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
import { resolvePeriod } from './period';

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
  RelaisError.of('ORGANISATION_MODEL_MISSING');

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

/** The queue's "En retard": not taken in charge by its TTO due date, or not resolved by its TTR due date (now for open ones). */
const BREACHED = `CASE WHEN (t.tto_due IS NOT NULL AND COALESCE(t.taken_at, ?) > t.tto_due)
  OR (t.ttr_due IS NOT NULL AND COALESCE(t.resolved_at, ?) > t.ttr_due) THEN 1 ELSE 0 END`;

/** Most first, then by label (the store's binary order). */
const byCountThenLabel = <R extends { label: string }>(count: (r: R) => number[]) => (a: R, b: R) => {
  const ca = count(a);
  const cb = count(b);
  for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i]) return cb[i]! - ca[i]!;
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
};

/**
 * Tallies are GROUP BYs over the covering index (a fraction of a millisecond each); names
 * are joined here from the small reference tables, which costs less than a join per row.
 */
function breachRows(db: Db, column: 'team_id' | 'category_id', names: Map<string, string>, from: string, to: string, now: string, f: Filter): BreachRow[] {
  const rows = stmt(
    db,
    `SELECT t.${column} AS key, COUNT(*) AS tickets, SUM(${BREACHED}) AS breached
       FROM ${BY_CREATED} WHERE t.created_at >= ? AND t.created_at < ?${f.sql} GROUP BY t.${column}`,
  ).all(now, now, from, to, ...f.params) as { key: string | null; tickets: number; breached: number }[];
  return rows.map((r) => ({ ...r, label: r.key === null ? '' : (names.get(r.key) ?? '') })).sort(byCountThenLabel((r) => [r.breached, r.tickets]));
}

function countBy(db: Db, column: string, from: string, to: string, f: Filter): { key: string | null; tickets: number }[] {
  return stmt(db, `SELECT t.${column} AS key, COUNT(*) AS tickets FROM ${BY_CREATED} WHERE t.created_at >= ? AND t.created_at < ?${f.sql} GROUP BY t.${column}`).all(
    from,
    to,
    ...f.params,
  ) as { key: string | null; tickets: number }[];
}

function organisationSplit(db: Db, caps: StoreCapabilities, from: string, to: string, f: Filter): OrganisationSplit {
  if (!caps.organisations) return { available: false, reason: 'organisation_model_missing' };
  const orgNames = new Map((stmt(db, 'SELECT id, name FROM organisations').all() as { id: string; name: string }[]).map((o) => [o.id, o.name]));
  const units = new Map(
    (stmt(db, 'SELECT id, name, organisation_id AS organisationId, tier FROM org_units').all() as { id: string; name: string; organisationId: string; tier: number | null }[]).map((u) => [u.id, u]),
  );
  const organisations = countBy(db, 'organisation_id', from, to, f)
    .map(({ key, tickets }) => ({ key, label: key === null ? '' : (orgNames.get(key) ?? ''), tickets }))
    .sort(byCountThenLabel((r) => [r.tickets]));
  const services = countBy(db, 'service_id', from, to, f)
    .map(({ key, tickets }) => {
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

  // One read transaction: every figure sees the same state of the store. Rows are
  // materialised only where local time is needed (calls); the rest are counts and tallies.
  return db.transaction(() => {
    // Calls: the timeline's, plus one per phone ticket that has none (pulled from the server).
    const calls: CallRow[] = timelineCalls(db, from, to, f);
    const implicit = stmt(db, `SELECT t.created_at, t.created_by FROM ${BY_CREATED} WHERE t.created_at >= ? AND t.created_at < ?${f.sql} AND t.channel = 'phone' AND ${NO_CALL_ENTRY}`)
      .raw()
      .all(from, to, ...f.params) as [string, string][];
    for (const [at, operator] of implicit) calls.push({ at, operator, seconds: null });
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

    // Opened / done per local day (index range counts between the days' starts), and the
    // backlog at the end of each day: open when the period began, plus opened minus done.
    const openedIn = stmt(db, `SELECT COUNT(*) FROM ${BY_CREATED} WHERE t.created_at >= ? AND t.created_at < ?${f.sql}`).pluck();
    const doneIn = stmt(db, `SELECT COUNT(*) FROM tickets t WHERE ${DONE} >= ? AND ${DONE} < ?${f.sql}`).pluck();
    const before = stmt(
      db,
      `SELECT (SELECT COUNT(*) FROM tickets t WHERE ${DONE} IS NULL AND t.created_at < ?${f.sql})
            + (SELECT COUNT(*) FROM tickets t WHERE ${DONE} >= ? AND t.created_at < ?${f.sql}) AS n`,
    ).get(from, ...f.params, from, from, ...f.params) as { n: number };
    let backlog = before.n;
    const daily = period.days.map((day, i) => {
      const [start, end] = [period.dayStarts[i]!, period.dayStarts[i + 1]!];
      const o = openedIn.get(start, end, ...f.params) as number;
      const r = doneIn.get(start, end, ...f.params) as number;
      backlog += o - r;
      return { day, opened: o, resolved: r, backlog };
    });

    const fcr = stmt(db, `SELECT COUNT(*) AS phone, COALESCE(SUM(t.resolved_at = t.created_at), 0) AS solved FROM ${BY_CREATED} WHERE t.created_at >= ? AND t.created_at < ?${f.sql} AND t.channel = 'phone'`).get(
      from,
      to,
      ...f.params,
    ) as { phone: number; solved: number };

    const taken = stmt(db, `SELECT t.created_at AS start, t.taken_at AS end, t.tto_due AS due FROM tickets t WHERE t.taken_at >= ? AND t.taken_at < ?${f.sql}`)
      .all(from, to, ...f.params) as { start: string; end: string; due: string | null }[];
    const solved = stmt(db, `SELECT t.created_at AS start, t.resolved_at AS end, t.ttr_due AS due FROM tickets t WHERE t.resolved_at >= ? AND t.resolved_at < ?${f.sql}`)
      .all(from, to, ...f.params) as { start: string; end: string; due: string | null }[];

    const teamNames = new Map((stmt(db, 'SELECT id, name FROM teams').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
    const categoryNames = new Map((stmt(db, 'SELECT id, full_name AS name FROM categories').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
    const topCategories = countBy(db, 'category_id', from, to, f)
      .map(({ key, tickets }) => ({ key, label: key === null ? '' : (categoryNames.get(key) ?? ''), tickets }))
      .sort(byCountThenLabel((r) => [r.tickets]))
      .slice(0, 10);

    return {
      period: { from, to, days: period.days, previousFrom: period.previousFrom },
      computedAt: nowIso,
      calls: { total: calls.length, previousTotal: countCallsIn(db, period.previousFrom, from, f), heatmap },
      daily,
      firstCall: { phoneTickets: fcr.phone, solvedOnPhone: fcr.solved, rate: fcr.phone ? fcr.solved / fcr.phone : null },
      takeCharge: durationStats(taken),
      resolve: durationStats(solved),
      breaches: {
        byTeam: breachRows(db, 'team_id', teamNames, from, to, nowIso, f),
        byCategory: breachRows(db, 'category_id', categoryNames, from, to, nowIso, f),
      },
      topCategories,
      operators,
      organisations: organisationSplit(db, caps, from, to, f),
      resources: { loans: { available: false, reason: 'loans_missing' }, seats: { available: false, reason: 'seats_missing' } },
    } satisfies Dashboard;
  })();
}
