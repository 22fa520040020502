/**
 * Every activity figure of the dashboard on a generated history in a real SQLite store.
 * Expected answers are computed here from the generated records, with Intl in the
 * Europe/Paris zone for local days and hours, and hand-written period bounds.
 */
process.env.TZ = 'Europe/Paris';

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/features/schema/database';
import { computeDashboard, type StoreCapabilities } from '../../../src/features/dashboard/aggregates';
import { dashboardSchema, dashboardSelectionSchema, type DashboardSelectionInput } from '../../../src/domain/dashboard';
import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow';
import { makeTempDir } from '../../support/temp-dir';
import { ensureOrganisationSchema, generateHistory, OPERATORS, type GenTicket, type OrgFixture } from './fixture';

// 30 days ending on Friday 10 April 2026 (Paris), across the switch to summer time on 29 March.
const NOW = new Date('2026-04-10T09:00:00Z');
const FROM_30D = '2026-03-11T23:00:00.000Z'; // 12 March 00:00 CET
const TO = '2026-04-10T22:00:00.000Z'; // 11 April 00:00 CEST
const PREV_FROM_30D = new Date(Date.parse(FROM_30D) - (Date.parse(TO) - Date.parse(FROM_30D))).toISOString();

let temp: ReturnType<typeof makeTempDir>;
let db: Db;
let org: OrgFixture;
let gen: GenTicket[];

beforeAll(() => {
  temp = makeTempDir();
  db = openDatabase(path.join(temp.dir, 'relais.db'));
  org = ensureOrganisationSchema(db);
  gen = generateHistory(db, org, 1500, NOW, 70);
});
afterAll(() => {
  db.close();
  temp.cleanup();
});

const run = (sel: DashboardSelectionInput, caps?: StoreCapabilities) => computeDashboard(db, dashboardSelectionSchema.parse(sel), NOW, caps);

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
const parisParts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const dayOf = (iso: string) => parisDay.format(new Date(iso));
const inRange = (iso: string | null, from: string, to: string) => iso !== null && iso >= from && iso < to;
const doneAt = (t: GenTicket) => t.resolvedAt ?? t.closedAt;
const minutes = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60_000;

/** Every call of the generated history: the timeline's, plus one per phone ticket that has none. */
function allCalls(ts: GenTicket[]) {
  return ts.flatMap((t) => (t.calls.length ? t.calls.map((c) => ({ ...c, seconds: c.seconds as number | null })) : t.channel === 'phone' ? [{ at: t.createdAt, author: t.createdBy, seconds: null }] : []));
}

function p90(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.ceil(s.length * 0.9) - 1]!;
}

describe('dashboard aggregates over 30 days', () => {
  it('resolves "30 days" to thirty local days ending today, across the summer-time change', () => {
    const d = run({ period: '30d' });
    expect(dashboardSchema.parse(d)).toBeTruthy();
    expect(d.period.from).toBe(FROM_30D);
    expect(d.period.to).toBe(TO);
    expect(d.period.days).toHaveLength(30);
    expect(d.period.days[0]).toBe('2026-03-12');
    expect(d.period.days.at(-1)).toBe('2026-04-10');
    expect(d.period.days).toContain('2026-03-29');
  });

  it('counts calls per local weekday × hour and compares with the 30 days before', () => {
    const d = run({ period: '30d' });
    const calls = allCalls(gen);
    const inPeriod = calls.filter((c) => inRange(c.at, FROM_30D, TO));
    const expected = Array.from({ length: 7 }, () => new Array(24).fill(0));
    for (const c of inPeriod) {
      const parts = Object.fromEntries(parisParts.formatToParts(new Date(c.at)).map((p) => [p.type, p.value]));
      expected[WEEKDAYS.indexOf(parts.weekday!)]![Number(parts.hour)]++;
    }
    expect(d.calls.heatmap).toEqual(expected);
    expect(d.calls.total).toBe(inPeriod.length);
    expect(d.calls.total).toBeGreaterThan(300);
    expect(d.calls.previousTotal).toBe(calls.filter((c) => inRange(c.at, PREV_FROM_30D, FROM_30D)).length);
  });

  it('counts opened and done tickets per local day, and the backlog at the end of each day', () => {
    const d = run({ period: '30d' });
    for (const row of d.daily) {
      expect(row.opened, row.day).toBe(gen.filter((t) => inRange(t.createdAt, FROM_30D, TO) && dayOf(t.createdAt) === row.day).length);
      expect(row.resolved, row.day).toBe(gen.filter((t) => inRange(doneAt(t), FROM_30D, TO) && dayOf(doneAt(t)!) === row.day).length);
      // Open at the end of that day: created by then, not done by then.
      const endOfDay = gen.filter((t) => dayOf(t.createdAt) <= row.day && !(doneAt(t) && dayOf(doneAt(t)!) <= row.day)).length;
      expect(row.backlog, row.day).toBe(endOfDay);
    }
    expect(d.daily.reduce((a, r) => a + r.opened, 0)).toBe(gen.filter((t) => inRange(t.createdAt, FROM_30D, TO)).length);
  });

  it('gives the first-call resolution rate of phone tickets', () => {
    const d = run({ period: '30d' });
    const phone = gen.filter((t) => t.channel === 'phone' && inRange(t.createdAt, FROM_30D, TO));
    const solved = phone.filter((t) => t.resolvedAt === t.createdAt);
    expect(d.firstCall.phoneTickets).toBe(phone.length);
    expect(d.firstCall.solvedOnPhone).toBe(solved.length);
    expect(d.firstCall.rate).toBeCloseTo(solved.length / phone.length, 10);
    expect(solved.length).toBeGreaterThan(10);
  });

  it('gives mean and p90 times to take charge and to resolve, and the share within the SLA targets', () => {
    const d = run({ period: '30d' });
    const taken = gen.filter((t) => inRange(t.takenAt, FROM_30D, TO));
    const tto = taken.map((t) => minutes(t.createdAt, t.takenAt!));
    expect(d.takeCharge.count).toBe(taken.length);
    expect(d.takeCharge.meanMinutes).toBeCloseTo(tto.reduce((a, b) => a + b, 0) / tto.length, 1);
    expect(d.takeCharge.p90Minutes).toBeCloseTo(p90(tto), 1);
    expect(d.takeCharge.withinTargetRate).toBeCloseTo(taken.filter((t) => Date.parse(t.takenAt!) <= Date.parse(t.ttoDue)).length / taken.length, 10);

    const solved = gen.filter((t) => inRange(t.resolvedAt, FROM_30D, TO));
    const ttr = solved.map((t) => minutes(t.createdAt, t.resolvedAt!));
    expect(d.resolve.count).toBe(solved.length);
    expect(d.resolve.meanMinutes).toBeCloseTo(ttr.reduce((a, b) => a + b, 0) / ttr.length, 1);
    expect(d.resolve.p90Minutes).toBeCloseTo(p90(ttr), 1);
    expect(d.resolve.withinTargetRate).toBeCloseTo(solved.filter((t) => Date.parse(t.resolvedAt!) <= Date.parse(t.ttrDue)).length / solved.length, 10);
  });

  it('counts SLA breaches by team and by category, late open tickets included', () => {
    const d = run({ period: '30d' });
    const created = gen.filter((t) => inRange(t.createdAt, FROM_30D, TO));
    const late = (due: string, doneIso: string | null) => Date.parse(doneIso ?? NOW.toISOString()) > Date.parse(due);
    const breached = (t: GenTicket) => late(t.ttoDue, t.takenAt) || late(t.ttrDue, t.resolvedAt);
    const byTeam = new Map<string, { tickets: number; breached: number }>();
    const byCat = new Map<string, { tickets: number; breached: number }>();
    for (const t of created) {
      for (const [m, k] of [[byTeam, t.teamName], [byCat, t.categoryName ?? '']] as const) {
        const e = m.get(k) ?? { tickets: 0, breached: 0 };
        e.tickets++;
        if (breached(t)) e.breached++;
        m.set(k, e);
      }
    }
    expect(Object.fromEntries(d.breaches.byTeam.map((r) => [r.label, { tickets: r.tickets, breached: r.breached }]))).toEqual(Object.fromEntries(byTeam));
    expect(Object.fromEntries(d.breaches.byCategory.map((r) => [r.label, { tickets: r.tickets, breached: r.breached }]))).toEqual(Object.fromEntries(byCat));
    // Worst first.
    const counts = d.breaches.byTeam.map((r) => r.breached);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('lists the top categories, most tickets first', () => {
    const d = run({ period: '30d' });
    const counts = new Map<string, number>();
    for (const t of gen.filter((x) => inRange(x.createdAt, FROM_30D, TO))) counts.set(t.categoryName ?? '', (counts.get(t.categoryName ?? '') ?? 0) + 1);
    const expected = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 10);
    expect(d.topCategories.map((c) => c.tickets)).toEqual(expected.map(([, n]) => n));
    for (const c of d.topCategories) expect(c.tickets).toBe(counts.get(c.label));
  });

  it('gives calls and the mean call duration per operator', () => {
    const d = run({ period: '30d' });
    const calls = allCalls(gen).filter((c) => inRange(c.at, FROM_30D, TO));
    expect(d.operators.map((o) => o.operator).sort()).toEqual([...OPERATORS].sort());
    for (const op of OPERATORS) {
      const mine = calls.filter((c) => c.author === op);
      const timed = mine.filter((c) => c.seconds !== null).map((c) => c.seconds!);
      const row = d.operators.find((o) => o.operator === op)!;
      expect(row.calls).toBe(mine.length);
      expect(row.meanCallSeconds).toBe(Math.round(timed.reduce((a, b) => a + b, 0) / timed.length));
    }
  });

  it('splits tickets by organisation and by service, with the services tier', () => {
    const d = run({ period: '30d' });
    if (!d.organisations.available) throw new Error('organisation model expected in this fixture');
    const created = gen.filter((t) => inRange(t.createdAt, FROM_30D, TO));
    for (const o of org.organisations) {
      expect(d.organisations.organisations.find((r) => r.key === o.id)?.tickets).toBe(created.filter((t) => t.organisationId === o.id).length);
    }
    expect(d.organisations.organisations.find((r) => r.key === null)?.tickets).toBe(created.filter((t) => t.organisationId === null).length);
    for (const s of org.services) {
      const row = d.organisations.services.find((r) => r.key === s.id)!;
      expect(row.tickets).toBe(created.filter((t) => t.serviceId === s.id).length);
      expect(row.tier).toBe(s.tier);
    }
  });
});

describe('dashboard filters and periods', () => {
  it('filters every figure by organisation, service and team', () => {
    const ville = org.organisations[1]!.id;
    const d = run({ period: '30d', organisationId: ville });
    const mine = gen.filter((t) => t.organisationId === ville);
    expect(d.daily.reduce((a, r) => a + r.opened, 0)).toBe(mine.filter((t) => inRange(t.createdAt, FROM_30D, TO)).length);
    expect(d.calls.total).toBe(allCalls(mine).filter((c) => inRange(c.at, FROM_30D, TO)).length);

    const eau = run({ period: '30d', serviceId: 'test-eau' });
    expect(eau.firstCall.phoneTickets).toBe(gen.filter((t) => t.serviceId === 'test-eau' && t.channel === 'phone' && inRange(t.createdAt, FROM_30D, TO)).length);

    const team = gen[0]!.teamId;
    const byTeam = run({ period: '30d', teamId: team });
    expect(byTeam.breaches.byTeam).toHaveLength(1);
    expect(byTeam.breaches.byTeam[0]!.tickets).toBe(gen.filter((t) => t.teamId === team && inRange(t.createdAt, FROM_30D, TO)).length);
  });

  it('"today" is the current local day, a custom range its local days inclusive', () => {
    const today = run({ period: 'today' });
    expect(today.period.from).toBe('2026-04-09T22:00:00.000Z');
    expect(today.daily.map((r) => r.day)).toEqual(['2026-04-10']);
    expect(today.daily[0]!.opened).toBe(gen.filter((t) => dayOf(t.createdAt) === '2026-04-10').length);

    const custom = run({ period: 'custom', from: '2026-03-28', to: '2026-03-30' });
    expect(custom.period.from).toBe('2026-03-27T23:00:00.000Z');
    expect(custom.period.to).toBe('2026-03-30T22:00:00.000Z');
    expect(custom.daily.map((r) => r.day)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    // The previous period has the same length, just before.
    expect(custom.period.previousFrom).toBe(new Date(Date.parse('2026-03-27T23:00:00.000Z') - (Date.parse('2026-03-30T22:00:00.000Z') - Date.parse('2026-03-27T23:00:00.000Z'))).toISOString());
  });

  it('rejects a custom range without dates or backwards, and one longer than two years', () => {
    expect(dashboardSelectionSchema.safeParse({ period: 'custom' }).success).toBe(false);
    expect(dashboardSelectionSchema.safeParse({ period: 'custom', from: '2026-04-02', to: '2026-04-01' }).success).toBe(false);
    expect(dashboardSelectionSchema.safeParse({ period: 'custom', from: '2026-4-1', to: '2026-04-02' }).success).toBe(false);
    expect(() => run({ period: 'custom', from: '2020-01-01', to: '2026-01-01' })).toThrow(/at most 731 days/);
  });

  it('says plainly when the organisation model is missing, and refuses its filters', () => {
    const none = { organisations: false };
    const d = run({ period: '7d' }, none);
    expect(d.organisations).toEqual({ available: false, reason: 'organisation_model_missing' });
    expect(d.resources.loans).toEqual({ available: false, reason: 'loans_missing' });
    expect(d.resources.seats).toEqual({ available: false, reason: 'seats_missing' });
    expect(() => run({ period: '7d', organisationId: 'test-ville' }, none)).toThrow(/organisation model/);
  });
});

describe('dashboard over tickets logged by the call form', () => {
  it('counts a call solved on the phone as first-call resolution, and a routed one as not', () => {
    const t2 = makeTempDir();
    const db2 = openDatabase(path.join(t2.dir, 'relais.db'));
    try {
      ensureOrganisationSchema(db2);
      const at = new Date('2026-04-10T07:15:00Z');
      const wf = createTicketWorkflow(db2, { now: () => at, currentUser: () => 'Nadia Cherif' });
      wf.logCall({ subject: 'Mot de passe expiré', requesterName: 'Hélène Dupré', outcome: 'solved_on_phone', durationSec: 120 });
      wf.logCall({ subject: 'Imprimante HS', requesterName: 'Éric Moreau', outcome: 'keep', durationSec: 300 });
      const d = computeDashboard(db2, dashboardSelectionSchema.parse({ period: 'today' }), NOW);
      expect(d.firstCall).toEqual({ phoneTickets: 2, solvedOnPhone: 1, rate: 0.5 });
      expect(d.operators).toEqual([{ operator: 'Nadia Cherif', calls: 2, meanCallSeconds: 210 }]);
      // 07:15 UTC is 09:15 in Paris, a Friday.
      expect(d.calls.heatmap[4]![9]).toBe(2);
      expect(d.takeCharge).toEqual({ count: 2, meanMinutes: 0, p90Minutes: 0, withinTargetRate: 1 });
    } finally {
      db2.close();
      t2.cleanup();
    }
  });
});
