/**
 * The dashboard through the contract, as a UI calls it: input validation, live figures
 * after a logged call, saved dashboards, CSV of each figure, and the one-page activity
 * report rendered by poppler (pdfinfo/pdftotext, and pdftoppm into test/artifacts/).
 */
process.env.TZ = 'Europe/Paris';

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../../src/api/service';
import type { CallInput, CallName, CallOutput } from '../../../src/api/contract';
import { computeDashboard } from '../../../src/features/dashboard/aggregates';
import { buildActivityReport } from '../../../src/features/dashboard/report';
import { toCsv } from '../../../src/features/dashboard/csv';
import { dashboardSelectionSchema } from '../../../src/domain/dashboard';
import { makeTempDir } from '../../support/temp-dir';
import { artifactsDir } from '../../support/browser';
import { ensureOrganisationSchema, generateHistory, type GenTicket } from '../../unit/dashboard/fixture';

const NOW = new Date('2026-04-10T09:00:00Z');
let temp: ReturnType<typeof makeTempDir>;
let svc: Service;
let gen: GenTicket[];

beforeAll(() => {
  temp = makeTempDir();
  svc = createService({ dataDir: temp.dir, host: 'web', policyFile: null, clock: () => NOW });
  gen = generateHistory(svc.core.db, ensureOrganisationSchema(svc.core.db), 800, NOW, 60);
});
afterAll(async () => {
  await svc.close();
  temp.cleanup();
});

async function call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  const r = await svc.dispatch(name, input, { clientId: 'test' });
  if (!r.ok) throw Object.assign(new Error(r.error.message.en), { error: r.error });
  return r.value as CallOutput<N>;
}
async function callError(name: string, input: unknown) {
  const r = await svc.dispatch(name, input, { clientId: 'test' });
  if (r.ok) throw new Error(`${name} should have failed`);
  return r.error;
}

describe('dashboard contract', () => {
  it('rejects a bad selection with a message saying what to fix, in French and English', async () => {
    const e = await callError('dashboard.get', { period: 'custom', from: '2026-04-02' });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message.fr).toMatch(/^Une période personnalisée a besoin d’une date de début et d’une date de fin/);
    expect(e.message.en).toMatch(/^A custom period needs a start and an end date/);
    expect((await callError('dashboard.get', { period: 'year' })).code).toBe('INVALID_INPUT');
    expect((await callError('dashboard.get', { period: '7d', extra: 1 })).code).toBe('INVALID_INPUT');
  });

  it('shows a newly logged call at once: the cache is dropped on the ticket event', async () => {
    const before = await call('dashboard.get', { period: 'today' });
    expect(await call('dashboard.get', { period: 'today' })).toEqual(before);
    await call('tickets.logCall', { subject: 'Écran noir', requesterName: 'Hélène Dupré', outcome: 'solved_on_phone', durationSec: 95 });
    const after = await call('dashboard.get', { period: 'today' });
    expect(after.calls.total).toBe(before.calls.total + 1);
    expect(after.firstCall.solvedOnPhone).toBe(before.firstCall.solvedOnPhone + 1);
    // 09:00 UTC is 11:00 in Paris on a Friday.
    expect(after.calls.heatmap[4]![11]).toBe(before.calls.heatmap[4]![11]! + 1);
  });

  it('lists teams, organisations and services, and saves, reopens and deletes a dashboard', async () => {
    const meta = await call('dashboard.meta', {});
    expect(meta.teams.map((t) => t.name)).toContain('Hotline');
    expect(meta.organisations?.map((o) => o.name)).toContain('Ville de Clermont-Ferrand (test)');
    expect(meta.services?.find((s) => s.id === 'test-eau')?.tier).toBe(1);
    const saved = await call('dashboard.save', { name: 'Ville — 30 jours', selection: { period: '30d', organisationId: 'test-ville', teamId: null, serviceId: null } });
    expect((await call('dashboard.meta', {})).saved).toEqual([saved]);
    expect(await call('dashboard.deleteSaved', { id: saved.id })).toEqual({ deleted: true });
    expect((await call('dashboard.meta', {})).saved).toEqual([]);
    expect((await callError('dashboard.deleteSaved', { id: saved.id })).code).toBe('NOT_FOUND');
  });

  it('exports each figure as a CSV a French spreadsheet opens, with the same numbers', async () => {
    const sel = { period: '30d' as const };
    const d = await call('dashboard.get', sel);
    const daily = await call('dashboard.csv', { selection: sel, figure: 'daily' });
    expect(daily.name).toBe('relais-daily-2026-03-12_2026-04-10.csv');
    expect(daily.text.startsWith('\ufeff')).toBe(true);
    const lines = daily.text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Date;Ouverts;Résolus ou clos;En attente (fin de journée)');
    expect(lines).toHaveLength(31);
    const opened = lines.slice(1).reduce((a, l) => a + Number(l.split(';')[1]), 0);
    const loggedHere = (svc.core.db.prepare('SELECT COUNT(*) AS n FROM tickets WHERE created_at >= ? AND created_at < ?').get(d.period.from, d.period.to) as { n: number }).n;
    expect(loggedHere).toBeGreaterThan(gen.filter((t) => t.createdAt >= d.period.from && t.createdAt < d.period.to).length - 1);
    expect(opened).toBe(loggedHere);
    const fcr = await call('dashboard.csv', { selection: sel, figure: 'firstCall', locale: 'fr' });
    expect(fcr.text).toMatch(/;0,\d+\r\n$/);
    const en = await call('dashboard.csv', { selection: sel, figure: 'firstCall', locale: 'en' });
    expect(en.text).toMatch(/^\ufeffPhone tickets,Solved on the phone,Rate\r\n\d+,\d+,0\.\d+\r\n$/);
    const heat = await call('dashboard.csv', { selection: sel, figure: 'heatmap' });
    expect(heat.text.split('\r\n')[5]).toMatch(/^vendredi;/);
    const services = await call('dashboard.csv', { selection: sel, figure: 'services' });
    expect(services.text).toContain('Eau potable (test);Clermont Auvergne Métropole (test);1;');
    // Cells that a spreadsheet would run as formulas are neutralised; separators are quoted.
    expect(toCsv([['=HYPERLINK("x")', 'a;b', 1.5]], 'fr')).toBe('\ufeff"\'=HYPERLINK(""x"")";"a;b";1,5\r\n');
  });
});

function renderPdf(base64: string, name: string): { text: string; png: string } {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.pdf`);
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/^Pages:\s+1$/m);
  execFileSync('pdftoppm', ['-png', '-r', '90', '-singlefile', file, path.join(artifactsDir, name)]);
  return { text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }), png: path.join(artifactsDir, `${name}.png`) };
}

describe("rapport d'activité (PDF)", () => {
  it('fits one page for 30 days and an organisation, with its key numbers, in French', async () => {
    const sel = { period: '30d' as const, organisationId: 'test-metropole' };
    await call('loans.importItems', { csv: 'tag;type\nPC-91;portable\nPC-92;portable\n' });
    await call('loans.checkout', { agent: { name: 'Agent sans service' }, tags: ['PC-92'], dueAt: '2026-04-12T09:00:00.000Z' });
    const d = await call('dashboard.get', sel);
    const pdf = await call('dashboard.report', { selection: sel });
    expect(pdf.name).toBe('rapport-activite-2026-03-12_2026-04-10.pdf');
    const { text, png } = renderPdf(pdf.base64, 'dashboard-report-fr');
    expect(fs.statSync(png).size).toBeGreaterThan(20_000);
    expect(text).toContain("Rapport d'activité");
    expect(text).toContain('12 mars 2026 – 10 avr. 2026');
    expect(text).toContain('Clermont Auvergne Métropole (test)');
    expect(text).toContain('Résolus au 1er appel');
    expect(text).toMatch(new RegExp(`Appels[\\s\\S]*${d.calls.total}`));
    expect(text).toContain('Eau potable (test)');
    expect(text).not.toContain('État civil (test)'); // a Ville service, outside this organisation
    // The stock is shared; the loan has no organisation, so none counts for the Métropole.
    expect(text).toContain('Prêts (organisation choisie, stock commun) : 1 disponible, 1 prêté — 0 en cours dont 0 en retard ; 0 demande(s) en attente dont 0 de niveau 1.');
    expect(text).toContain('Accès distants : aucun pool configuré.');
  });

  it('in English, and says plainly when the organisation model is missing', async () => {
    const data = computeDashboard(svc.core.db, dashboardSelectionSchema.parse({ period: '7d' }), NOW, { organisations: false });
    const { pdf, pages } = await buildActivityReport({ data, locale: 'en', generatedAt: NOW, author: 'Karim Benali', scope: { organisation: null, team: null, service: null } });
    expect(pages).toBe(1);
    const { text } = renderPdf(pdf.toString('base64'), 'dashboard-report-en');
    expect(text).toContain('Activity report');
    expect(text).toContain('all organisations');
    expect(text).toContain('The organisation model is not available yet');
    expect(text).toContain('Equipment loans: the loans desk is not installed in Relais.');
  });
});

describe('resources cards: loans and seats as their services report them', () => {
  let now = new Date('2026-04-10T09:00:00Z');
  let t2: ReturnType<typeof makeTempDir>;
  let s2: Service;
  beforeAll(() => {
    t2 = makeTempDir();
    s2 = createService({ dataDir: t2.dir, host: 'web', policyFile: null, clock: () => now, loansAutoSync: false });
  });
  afterAll(async () => {
    await s2.close();
    t2.cleanup();
  });
  async function c2<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    const r = await s2.dispatch(name, input, { clientId: 'test' });
    if (!r.ok) throw Object.assign(new Error(r.error.message.en), { error: r.error });
    return r.value as CallOutput<N>;
  }
  const hours = (h: number) => new Date(now.getTime() + h * 3_600_000).toISOString();

  it('follows check-outs, requests and seat assignments at once, with the figures the loans and seats pages show', async () => {
    const empty = await c2('dashboard.get', { period: 'today' });
    expect(empty.resources.seats).toEqual({ available: true, figures: { pools: [] } });
    if (!empty.resources.loans.available) throw new Error('loans card should be available');
    expect(empty.resources.loans.figures.activeLoans).toBe(0);

    await c2('loans.importItems', { csv: 'tag;type\nPC-1;portable\nPC-2;portable\nPC-3;portable\nCAS-1;casque\nCAS-2;casque\n' });
    const req = await c2('loans.createRequest', { agent: { name: 'Agent A' }, lines: [{ type: 'portable', quantity: 2 }], reason: 'télétravail' });
    await c2('loans.createRequest', { agent: { name: 'Agent B' }, lines: [{ type: 'casque', quantity: 1 }], reason: 'formation' });
    await c2('loans.checkout', { requestId: req.id, tags: ['PC-1'], dueAt: hours(48) });
    await c2('loans.checkout', { agent: { name: 'Agent C' }, tags: ['PC-2'], dueAt: hours(2) });
    await c2('loans.changeState', { tag: 'CAS-2', to: 'en_reparation', reason: 'arceau cassé' });
    now = new Date(now.getTime() + 3 * 3_600_000); // PC-2 is now overdue

    const pool = await c2('seats.createPool', { name: 'VPN test', kind: 'vpn', capacity: 3, validityDays: 90, idleDays: 30, shares: [{ organisationId: 'ville', quota: 1, lendable: false }, { organisationId: 'metropole', quota: 2, lendable: false }] });
    await c2('seats.assign', { poolId: pool.id, holder: { name: 'Jeanne Dupré', login: 'agent-dupre', organisationId: 'ville', reason: 'télétravail' } });
    await c2('seats.assign', { poolId: pool.id, holder: { name: 'Paul Martin', login: 'agent-martin', organisationId: 'metropole', reason: 'astreinte' } });
    await c2('seats.request', { poolId: pool.id, requesterName: 'Agent D', requesterLogin: 'agent-d', organisationId: 'ville', reason: 'télétravail' });

    const d = await c2('dashboard.get', { period: 'today' });
    if (!d.resources.loans.available || !d.resources.seats.available) throw new Error('both cards should be available');
    const loans = d.resources.loans.figures;
    // Independently: the Permanence page's own overview and waiting list, and the store.
    const overview = await c2('loans.overview', undefined);
    const perState = new Map<string, number>();
    for (const s of overview.stock) for (const [state, n] of Object.entries(s.counts)) perState.set(state, (perState.get(state) ?? 0) + (n ?? 0));
    for (const i of loans.items) expect([i.state, i.items]).toEqual([i.state, perState.get(i.state) ?? 0]);
    expect(Object.fromEntries(loans.items.filter((i) => i.items > 0).map((i) => [i.state, i.items]))).toEqual({ disponible: 2, prete: 2, en_reparation: 1 });
    expect(loans.activeLoans).toBe(s2.core.db.prepare("SELECT count(*) FROM loans WHERE status = 'active'").pluck().get());
    expect(loans.activeLoans).toBe(2);
    expect(loans.overdueLoans).toBe(overview.overdue.length);
    expect(overview.overdue.map((l) => l.tag)).toEqual(['PC-2']);
    const waitlist = await c2('loans.waitlist', undefined);
    expect(loans.waitingRequests).toBe(waitlist.total);
    expect(loans.waitingTier1).toBe(waitlist.entries.filter((e) => e.request.tier === 1).length);
    expect(loans.scope).toBe('global');

    const seat = await c2('seats.overview', { poolId: pool.id });
    expect(d.resources.seats.figures.pools).toEqual([
      {
        id: pool.id,
        name: 'VPN test',
        capacity: seat.pool.capacity,
        used: seat.usage.used,
        waiting: seat.waitlist.length,
        quotaReached: seat.usage.shares.filter((s) => s.used >= s.quota).map((s) => ({ organisationId: s.organisationId, label: expect.any(String) })),
      },
    ]);
    expect(d.resources.seats.figures.pools[0]).toMatchObject({ capacity: 3, used: 2, waiting: 1, quotaReached: [{ organisationId: 'ville' }] });

    // The CSV of each card holds the same numbers.
    const csv = await c2('dashboard.csv', { selection: { period: 'today' }, figure: 'loans', locale: 'fr' });
    expect(csv.text).toContain('Prêts en retard;1\r\n');
    const seatsCsv = await c2('dashboard.csv', { selection: { period: 'today' }, figure: 'seats', locale: 'en' });
    expect(seatsCsv.text).toContain('VPN test,3,2,1,');
  });

  it('keeps loans and requests to the chosen organisation (the stock stays shared), and says unavailable when the service is absent', async () => {
    const d = await c2('dashboard.get', { period: 'today', organisationId: 'no-such-organisation' });
    if (!d.resources.loans.available) throw new Error('loans card should be available');
    expect(d.resources.loans.figures).toMatchObject({ scope: 'organisation', activeLoans: 0, overdueLoans: 0, waitingRequests: 0 });
    expect(d.resources.loans.figures.items.find((i) => i.state === 'prete')?.items).toBe(2);

    const bare = computeDashboard(s2.core.db, dashboardSelectionSchema.parse({ period: 'today' }), now, { organisations: false });
    expect(bare.resources).toEqual({ loans: { available: false, reason: 'loans_missing' }, seats: { available: false, reason: 'seats_missing' } });
    const pdf = await buildActivityReport({ data: bare, locale: 'en', generatedAt: now, author: 'test', scope: { organisation: null, team: null, service: null } });
    expect(pdf.pages).toBe(1);
  });
});
