/**
 * The dashboard in real Chromium over the local web host, on the demo data set: switch
 * periods and organisations (kept in the address), reach a chart's data table with the
 * keyboard alone, watch a newly logged call appear without reloading, and take French and
 * English screenshots at 1366×768 into test/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { startTestHost } from '../support/web-host';
import { RawClient } from '../support/ws-client';
import { ensureOrganisationSchema } from '../unit/dashboard/fixture';

let browser: Browser;
let host: Awaited<ReturnType<typeof startTestHost>>;

beforeAll(async () => {
  browser = await launchBrowser();
  host = await startTestHost({ demo: true });
  // Until the organisation model ships its own demo rows, give the demo tickets one.
  const db = host.service.core.db;
  const org = ensureOrganisationSchema(db);
  const tickets = db.prepare('SELECT number FROM tickets WHERE organisation_id IS NULL ORDER BY number').all() as { number: number }[];
  const set = db.prepare('UPDATE tickets SET organisation_id = ?, service_id = ? WHERE number = ?');
  tickets.forEach((t, i) => {
    const s = org.services[i % org.services.length]!;
    set.run(s.organisationId, s.id, t.number);
  });
});
afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

const count = (sql: string, ...args: unknown[]) => (host.service.core.db.prepare(sql).get(...args) as { n: number }).n;
/** Tickets created since local midnight (the host runs in this process, so in its time zone). */
const createdToday = () => {
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  return count('SELECT COUNT(*) AS n FROM tickets WHERE created_at >= ?', midnight.toISOString());
};
const digits = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));

async function openDashboard(page: Page): Promise<void> {
  await page.goto(host.url);
  await page.getByTestId('nav-dashboard').click();
  await page.getByTestId('summary-daily').waitFor();
}

/** The first number of the "opened and resolved" summary: tickets opened in the period. */
async function openedInSummary(page: Page): Promise<number> {
  const text = await page.getByTestId('summary-daily').textContent();
  return Number(/^([\d\s\u202f\u00a0]+)/.exec(text ?? '')![1]!.replace(/\D/g, ''));
}

describe('dashboard in the console', () => {
  it('switches periods and organisations, keeps them in the address, and shows the data table by keyboard', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e.stack)));
    await openDashboard(page);
    expect(await page.getByTestId('period-7d').getAttribute('aria-checked')).toBe('true');

    // 30 days holds the whole demo history (12 days).
    await page.getByTestId('period-30d').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('period=30d');
    await expect.poll(() => openedInSummary(page)).toBe(count('SELECT COUNT(*) AS n FROM tickets'));
    const all = await openedInSummary(page);

    // "Today": only what was created since local midnight.
    await page.getByTestId('period-today').click();
    await expect.poll(() => openedInSummary(page)).toBe(createdToday());

    // Back to 30 days, then one organisation: fewer tickets, the organisation in the address.
    await page.getByTestId('period-30d').click();
    await expect.poll(() => openedInSummary(page)).toBe(all);
    const orgSelect = page.getByTestId('filter-organisation');
    const ville = await orgSelect.locator('option', { hasText: /Ville de Clermont/ }).first().getAttribute('value');
    await orgSelect.selectOption(ville!);
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`org=${encodeURIComponent(ville!)}`);
    const villeCount = count('SELECT COUNT(*) AS n FROM tickets WHERE organisation_id = ?', ville);
    expect(villeCount).toBeLessThan(all);
    await expect.poll(() => openedInSummary(page)).toBe(villeCount);
    // Tier-1 services are named in the organisation card.
    await expect.poll(() => page.getByTestId('summary-organisations').textContent()).toMatch(/services vitaux/);

    // A reload reopens the same selection.
    await page.reload();
    await page.getByTestId('summary-daily').waitFor();
    expect(await page.getByTestId('period-30d').getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('filter-organisation').inputValue()).toBe(ville);
    await expect.poll(() => openedInSummary(page)).toBe(villeCount);

    // Keyboard only: Tab to the daily chart's card, then T shows its data table, focused.
    await page.getByTestId('period-30d').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'table-toggle-daily');
    }
    expect(reached).toBe(true);
    await page.keyboard.press('t');
    const table = page.getByTestId('table-daily');
    await table.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('table-daily');
    expect(await table.locator('tbody tr').count()).toBe(30);
    const opened = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(opened.reduce((a, s) => a + digits(s), 0)).toBe(villeCount);
    expect(await table.locator('caption').textContent()).toBe('Données : Tickets ouverts et résolus par jour');
    // French dates in the table.
    expect(await table.locator('tbody tr th').first().textContent()).toMatch(/^\d{1,2} [a-zéû.]+ 20\d\d$/);
    await screenshot(page, 'dashboard-fr-table');
    await page.keyboard.press('t');
    await page.getByTestId('chart-daily').waitFor();

    // Loans and seats: the figures of their own stores; loans and requests of the chosen organisation, the stock shared.
    const loansText = await page.getByTestId('summary-loans').textContent();
    expect(loansText).toContain(`Stock : ${count("SELECT COUNT(*) AS n FROM loan_items WHERE state = 'disponible'")} disponible(s), ${count("SELECT COUNT(*) AS n FROM loan_items WHERE state = 'prete'")} prêté(s).`);
    const villeWaiting = count("SELECT COUNT(*) AS n FROM loan_requests WHERE status = 'waiting' AND organisation_id = ?", ville);
    expect(loansText).toContain(`${villeWaiting} demande(s) en attente`);
    expect(loansText).toContain("Prêts et demandes de l'organisation choisie");
    const villeOverdue = count(
      "SELECT COUNT(*) AS n FROM loans l JOIN loan_requests r ON r.id = l.request_id WHERE l.status = 'active' AND r.organisation_id = ? AND l.due_at < ?",
      ville,
      new Date().toISOString(),
    );
    await page.getByTestId('table-toggle-loans').focus();
    await page.keyboard.press('t');
    const loansTable = page.getByTestId('table-loans');
    await loansTable.waitFor();
    expect(await loansTable.locator('tr', { hasText: 'Prêts en retard' }).locator('td').last().textContent()).toBe(String(villeOverdue));
    const pools = count('SELECT COUNT(*) AS n FROM seat_pools');
    const seatsText = await page.getByTestId('summary-seats').textContent();
    if (pools === 0) expect(seatsText).toBe("Aucun pool d'accès distant n'est configuré.");
    else {
      const used = count("SELECT COUNT(*) AS n FROM seats WHERE status = 'active' AND expires_at > ?", new Date().toISOString());
      expect(seatsText).toContain(`${used} place(s) occupée(s) sur ${count('SELECT SUM(capacity) AS n FROM seat_pools')} dans ${pools} pool(s)`);
    }
    await page.getByTestId('card-loans').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-fr-resources');
    await page.getByTestId('card-organisations').scrollIntoViewIfNeeded();
    await page.getByTestId('card-organisations').locator('canvas').first().waitFor({ state: 'attached' });
    await screenshot(page, 'dashboard-fr-lower');
    // No chart failed to draw.
    expect(errors).toEqual([]);
    await page.evaluate(() => document.querySelector('.main')!.scrollTo(0, 0));
    await screenshot(page, 'dashboard-fr');
    await page.close();
  });

  it('updates live when a call is logged, and speaks English', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await openDashboard(page);
    await page.getByTestId('period-today').click();
    // Read the count only once the page shows today's figures (not the previous period's).
    await expect.poll(() => openedInSummary(page)).toBe(createdToday());
    const before = await openedInSummary(page);
    const c = await RawClient.open(host.port, host.token);
    const r = await c.call('tickets.logCall', { subject: 'Imprimante bloquée', requesterName: 'Élodie Martin', outcome: 'solved_on_phone', durationSec: 80 });
    c.close();
    expect(r.ok).toBe(true);
    await expect.poll(() => openedInSummary(page), { timeout: 5000 }).toBe(before + 1);

    // Saved dashboards: save the current view, then reopen it from another one.
    await page.getByTestId('saved-save').click();
    await page.getByTestId('saved-name').fill('Aujourd’hui');
    await page.getByTestId('saved-confirm').click();
    await page.getByTestId('period-30d').click();
    await expect.poll(() => page.getByTestId('saved-open').locator('option').count()).toBe(2);
    await page.getByTestId('saved-open').selectOption({ label: 'Aujourd’hui' });
    await expect.poll(() => page.getByTestId('period-today').getAttribute('aria-checked')).toBe('true');

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language').selectOption('en');
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('period-30d').click();
    await expect.poll(() => page.getByTestId('summary-daily').textContent()).toMatch(/tickets opened and [\d,]+ resolved or closed/);
    // All organisations: every active loan; a check-out shows at once (the loans event refetches).
    const active = count("SELECT COUNT(*) AS n FROM loans WHERE status = 'active'");
    await expect.poll(() => page.getByTestId('summary-loans').textContent()).toContain(`${active} active loan(s)`);
    expect(await page.getByTestId('summary-loans').textContent()).toContain('All organisations.');
    const tag = (host.service.core.db.prepare("SELECT tag FROM loan_items WHERE state = 'disponible' ORDER BY tag LIMIT 1").get() as { tag: string }).tag;
    const c2 = await RawClient.open(host.port, host.token);
    const out = await c2.call('loans.checkout', { agent: { name: 'Élodie Martin' }, tags: [tag], dueAt: new Date(Date.now() + 86_400_000).toISOString(), locale: 'en' });
    expect(out.ok).toBe(true);
    await expect.poll(() => page.getByTestId('summary-loans').textContent(), { timeout: 5000 }).toContain(`${active + 1} active loan(s)`);
    // A remote-access pool with one seat taken and one request waiting appears the same way.
    const pool = await c2.call('seats.createPool', { name: 'VPN e2e', kind: 'vpn', capacity: 2, validityDays: 90, idleDays: 30, shares: [] });
    if (!pool.ok) throw new Error(JSON.stringify(pool.error));
    const poolId = (pool.value as { id: string }).id;
    expect((await c2.call('seats.assign', { poolId, holder: { name: 'Jeanne Dupré', login: 'agent-dupre', organisationId: null, reason: 'télétravail' } })).ok).toBe(true);
    expect((await c2.call('seats.request', { poolId, requesterName: 'Paul Martin', requesterLogin: 'agent-martin', reason: 'astreinte' })).ok).toBe(true);
    c2.close();
    const used = count("SELECT COUNT(*) AS n FROM seats WHERE status = 'active'");
    const capacity = count('SELECT SUM(capacity) AS n FROM seat_pools');
    const waiting = count("SELECT COUNT(*) AS n FROM seat_requests WHERE status = 'waiting'");
    await expect.poll(() => page.getByTestId('summary-seats').textContent(), { timeout: 5000 }).toContain(`${used} of ${capacity} seat(s) in use across 1 pool(s); 0 pool(s) full; ${waiting} request(s) waiting.`);
    await page.getByTestId('card-loans').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-en-resources');
    await page.evaluate(() => document.querySelector('.main')!.scrollTo(0, 0));
    await screenshot(page, 'dashboard-en');
    await page.close();
  });
});
