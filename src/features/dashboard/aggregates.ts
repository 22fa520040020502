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
const minutesBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

interface CallRow {
  at: string;
  operator: string;
  seconds: number | null;
}

function callsIn(db: Db, from: string, to: string, f: { sql: string; params: string[] }): CallRow[] {
  return stmt(
    db,
    `SELECT f.created_at AS at, f.author AS operator, json_extract(f.data, '$.durationSec') AS seconds
       FROM followups f JOIN tickets t ON t.id = f.ticket_id
      WHERE f.kind = 'call' AND f.created_at >= ? AND f.created_at < ?${f.sql}
     UNION ALL
     SELECT t.created_at, t.created_by, NULL FROM tickets t
      WHERE t.channel = 'phone' AND t.created_at >= ? AND t.created_at < ?${f.sql}
        AND NOT EXISTS (SELECT 1 FROM followups c WHERE c.ticket_id = t.id AND c.kind = 'call')`,
  ).all(from, to, ...f.params, from, to, ...f.params) as CallRow[];
}

function countCallsIn(db: Db, from: string, to: string, f: { sql: string; params: string[] }): number {
  const r = stmt(
    db,
    `SELECT (SELECT COUNT(*) FROM followups f JOIN tickets t ON t.id = f.ticket_id
              WHERE f.kind = 'call' AND f.created_at >= ? AND f.created_at < ?${f.sql})
          + (SELECT COUNT(*) FROM tickets t WHERE t.channel = 'phone' AND t.created_at >= ? AND t.created_at < ?${f.sql}
              AND NOT EXISTS (SELECT 1 FROM followups c WHERE c.ticket_id = t.id AND c.kind = 'call')) AS n`,
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

function breaches(db: Db, keyCol: string, labelSql: string, join: string, from: string, to: string, now: string, f: { sql: string; params: string[] }): BreachRow[] {
  return stmt(
    db,
    `SELECT ${keyCol} AS key, ${labelSql} AS label, COUNT(*) AS tickets, SUM(${BREACHED}) AS breached
       FROM tickets t ${join}
      WHERE t.created_at >= ? AND t.created_at < ?${f.sql}
      GROUP BY ${keyCol} ORDER BY breached DESC, tickets DESC, label`,
  ).all(now, now, from, to, ...f.params) as BreachRow[];
}

function organisationSplit(db: Db, caps: StoreCapabilities, from: string, to: string, f: { sql: string; params: string[] }): OrganisationSplit {
  if (!caps.organisations) return { available: false, reason: 'organisation_model_missing' };
  const organisations = stmt(
    db,
    `SELECT t.organisation_id AS key, COALESCE(o.name, '') AS label, COUNT(*) AS tickets
       FROM tickets t LEFT JOIN organisations o ON o.id = t.organisation_id
      WHERE t.created_at >= ? AND t.created_at < ?${f.sql}
      GROUP BY t.organisation_id ORDER BY tickets DESC, label`,
  ).all(from, to, ...f.params) as { key: string | null; label: string; tickets: number }[];
  const services = stmt(
    db,
    `SELECT t.service_id AS key, COALESCE(u.name, '') AS label, o.name AS organisation, u.tier AS tier, COUNT(*) AS tickets
       FROM tickets t LEFT JOIN org_units u ON u.id = t.service_id LEFT JOIN organisations o ON o.id = u.organisation_id
      WHERE t.created_at >= ? AND t.created_at < ?${f.sql}
      GROUP BY t.service_id ORDER BY tickets DESC, label`,
  ).all(from, to, ...f.params) as { key: string | null; label: string; organisation: string | null; tier: number | null; tickets: number }[];
  return { available: true, organisations, services };
}

export function computeDashboard(db: Db, sel: DashboardSelection, now: Date, caps: StoreCapabilities = detectCapabilities(db)): Dashboard {
  const period = resolvePeriod(sel, now);
  const { from, to } = period;
  const f = filterSql(sel, caps);
  const nowIso = now.toISOString();

  return db.transaction(() => {
    // Calls: heatmap by local weekday and hour, and per operator.
    const calls = callsIn(db, from, to, f);
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

    // Opened / done per local day, and the backlog at the end of each day.
    const created = stmt(db, `SELECT t.created_at AS at, t.channel = 'phone' AS phone, t.resolved_at = t.created_at AS onPhone FROM tickets t WHERE t.created_at >= ? AND t.created_at < ?${f.sql}`)
      .all(from, to, ...f.params) as { at: string; phone: number; onPhone: number | null }[];
    const done = stmt(db, `SELECT ${DONE} AS at FROM tickets t WHERE ${DONE} >= ? AND ${DONE} < ?${f.sql}`).all(from, to, ...f.params) as { at: string }[];
    const before = stmt(
      db,
      `SELECT (SELECT COUNT(*) FROM tickets t WHERE t.created_at < ?${f.sql}) - (SELECT COUNT(*) FROM tickets t WHERE ${DONE} < ?${f.sql}) AS n`,
    ).get(from, ...f.params, from, ...f.params) as { n: number };
    const opened = new Map<string, number>();
    const resolved = new Map<string, number>();
    for (const r of created) opened.set(localDay(new Date(r.at)), (opened.get(localDay(new Date(r.at))) ?? 0) + 1);
    for (const r of done) resolved.set(localDay(new Date(r.at)), (resolved.get(localDay(new Date(r.at))) ?? 0) + 1);
    let backlog = before.n;
    const daily = period.days.map((day) => {
      const o = opened.get(day) ?? 0;
      const r = resolved.get(day) ?? 0;
      backlog += o - r;
      return { day, opened: o, resolved: r, backlog };
    });

    const phoneTickets = created.filter((r) => r.phone === 1);
    const solvedOnPhone = phoneTickets.filter((r) => r.onPhone === 1).length;

    const taken = stmt(db, `SELECT t.created_at AS start, t.taken_at AS end, t.tto_due AS due FROM tickets t WHERE t.taken_at >= ? AND t.taken_at < ?${f.sql}`)
      .all(from, to, ...f.params) as { start: string; end: string; due: string | null }[];
    const solved = stmt(db, `SELECT t.created_at AS start, t.resolved_at AS end, t.ttr_due AS due FROM tickets t WHERE t.resolved_at >= ? AND t.resolved_at < ?${f.sql}`)
      .all(from, to, ...f.params) as { start: string; end: string; due: string | null }[];

    const topCategories = stmt(
      db,
      `SELECT t.category_id AS key, COALESCE(c.full_name, '') AS label, COUNT(*) AS tickets
         FROM tickets t LEFT JOIN categories c ON c.id = t.category_id
        WHERE t.created_at >= ? AND t.created_at < ?${f.sql}
        GROUP BY t.category_id ORDER BY tickets DESC, label LIMIT 10`,
    ).all(from, to, ...f.params) as { key: string | null; label: string; tickets: number }[];

    return {
      period: { from, to, days: period.days, previousFrom: period.previousFrom },
      computedAt: nowIso,
      calls: { total: calls.length, previousTotal: countCallsIn(db, period.previousFrom, from, f), heatmap },
      daily,
      firstCall: { phoneTickets: phoneTickets.length, solvedOnPhone, rate: phoneTickets.length ? solvedOnPhone / phoneTickets.length : null },
      takeCharge: durationStats(taken),
      resolve: durationStats(solved),
      breaches: {
        byTeam: breaches(db, 't.team_id', "COALESCE(tm.name, '')", 'LEFT JOIN teams tm ON tm.id = t.team_id', from, to, nowIso, f),
        byCategory: breaches(db, 't.category_id', "COALESCE(c.full_name, '')", 'LEFT JOIN categories c ON c.id = t.category_id', from, to, nowIso, f),
      },
      topCategories,
      operators,
      organisations: organisationSplit(db, caps, from, to, f),
      resources: { loans: { available: false, reason: 'loans_missing' }, seats: { available: false, reason: 'seats_missing' } },
    } satisfies Dashboard;
  })();
}
