/**
 * La permanence, a ticket's loans and "Accès distants" read through the query layer and stay
 * current from `loans.changed` / `seats.changed` alone: what another console does (here, a
 * contract call from the test under another client id) shows on the open page without a
 * reload and without anyone touching the page.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from '../support/browser';
import { caller, withConsole } from '../support/console';
import { ensureOrgSchema } from '../integration/seats/harness';

const fx = withConsole();
/** Calls as another console would make them. */
const other = <T = any,>(name: string, input?: unknown): Promise<T> => caller(fx.host.service, 'other-console')<T>(name, input);

/** Opens the console on the page at `hash`. */
async function open(hash: string): Promise<Page> {
  const page = await fx.openPage();
  await page.evaluate((h) => (location.hash = h), hash);
  return page;
}
/** When the page's document began: a reload would start a new one. */
const documentStart = (page: Page) => page.evaluate(() => performance.timeOrigin);

const STOCK = `étiquette;type;numéro de série;modèle;site;kit
PC-101;portable;5CG3471AAA;HP EliteBook 840 G10;Hôtel de Ville;chargeur
PC-102;portable;5CG3471BBB;HP EliteBook 840 G10;Hôtel de Ville;chargeur
`;

describe('loans and seats kept current by core events', () => {
  it('a request and a loan made at another console show on the open permanence: waiting list, stock and the scanned item', async () => {
    await fx.ok('loans.importItems', { csv: STOCK });
    const page = await open('#/loans');
    const started = await documentStart(page);
    await page.getByTestId('loans-stock').waitFor();
    const lent = () => page.getByTestId('stock-portable').locator('[data-state="prete"]').textContent();
    expect(await lent()).toBe('0');
    expect(await page.getByTestId('waitlist-row').count()).toBe(0);
    // A mistyped tag is said on the page; then the operator scans a laptop: it is available.
    await page.getByTestId('scan-tag').focus();
    await page.keyboard.type('PC-191');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('loans-error').textContent()).toContain('Étiquette inconnue : « PC-191 »');
    expect(await page.getByTestId('scanned-item').count()).toBe(0);
    await page.keyboard.type('PC-101');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('scanned-state').textContent()).toBe('Disponible');
    expect(await page.getByTestId('loans-error').count()).toBe(0);

    // Another console takes a request at its desk: it joins the list shown here.
    const request = await other<{ id: string }>('loans.createRequest', { agent: { name: 'Agent Médiathèque' }, lines: [{ type: 'portable', quantity: 1 }], reason: 'télétravail' });
    const row = page.locator('[data-testid="waitlist-row"][data-agent="Agent Médiathèque"]');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);

    // It lends the laptop the operator is looking at: the stock, the list and the item follow.
    await other('loans.checkout', { requestId: request.id, tags: ['PC-101'], dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
    await expect.poll(lent, { timeout: 15_000 }).toBe('1');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('scanned-state').textContent(), { timeout: 15_000 }).toBe('Prêté');
    expect(await page.getByTestId('scanned-item').textContent()).toContain('Agent Médiathèque');
    // The mistyped tag is not asked again when loans change: its error does not come back.
    expect(await page.getByTestId('loans-error').count()).toBe(0);
    // The scan field still takes the next tag.
    await page.getByTestId('scan-tag').focus();
    await page.keyboard.type('PC-102');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('scanned-state').textContent()).toBe('Disponible');
    expect(await documentStart(page)).toBe(started);
    await screenshot(page, 'loans-live-other-console');
    await page.close();
  }, 90_000);

  it("a loan request made from another console on a call shows on that ticket's page, not on another ticket's", async () => {
    const ticket = await other<{ id: string }>('tickets.logCall', { requesterName: 'Agent Piscine', subject: 'Prêt d’un portable', description: 'Pour la formation' });
    const elsewhere = await other<{ id: string }>('tickets.logCall', { requesterName: 'Agent Voirie', subject: 'Imprimante', description: 'Bourrage' });
    const page = await open(`#/ticket/${ticket.id}`);
    const started = await documentStart(page);
    const second = await open(`#/ticket/${elsewhere.id}`);
    await page.getByTestId('timeline').waitFor();
    await second.getByTestId('timeline').waitFor();
    // Not a loan call and no request yet: no loans card.
    expect(await page.getByTestId('ticket-loans').count()).toBe(0);

    await other('loans.createRequest', { ticketId: ticket.id, lines: [{ type: 'portable', quantity: 1 }], reason: 'formation' });
    await expect.poll(() => page.getByTestId('ticket-loan-request').textContent(), { timeout: 15_000 }).toBe("Demande de Agent Piscine : 0/1 Portable — en liste d'attente");
    expect(await second.getByTestId('ticket-loans').count()).toBe(0);
    expect(await documentStart(page)).toBe(started);
    await page.close();
    await second.close();
  }, 90_000);

  it('a request, a seat and a new pool made at another console show on the open seats page', async () => {
    ensureOrgSchema(fx.host.service.core.db);
    const pool = await fx.ok<{ id: string }>('seats.createPool', { name: 'VPN agents', kind: 'vpn', capacity: 4, shares: [{ organisationId: 'ville', quota: 4, lendable: false }] });
    const page = await open('#/seats');
    const started = await documentStart(page);
    await page.getByTestId('pool-summary').waitFor();
    expect(await page.getByTestId('pool-capacity').textContent()).toBe('Capacité : 0 / 4 places attribuées');

    const request = await other<{ id: string }>('seats.request', { poolId: pool.id, requesterName: 'Agent Culture', requesterLogin: 'culture-9', organisationId: 'ville', tier: 2, reason: 'télétravail' });
    await page.getByTestId('request-culture-9').waitFor({ timeout: 15_000 });

    await other('seats.assign', { poolId: pool.id, requestId: request.id });
    await page.getByTestId('seat-culture-9').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('pool-capacity').textContent(), { timeout: 15_000 }).toBe('Capacité : 1 / 4 places attribuées');
    expect(await page.getByTestId('request-culture-9').count()).toBe(0);

    // A second pool defined elsewhere: the pool tabs appear (by name, so it comes first) and
    // the pool the operator was looking at stays shown.
    await other('seats.createPool', { name: 'Passerelle RDS', kind: 'rd-gateway', capacity: 10 });
    const tabs = page.getByRole('tab');
    await expect.poll(() => tabs.allTextContents(), { timeout: 15_000 }).toEqual(['Passerelle RDS', 'VPN agents']);
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe('VPN agents');
    expect(await page.getByTestId('pool-capacity').textContent()).toBe('Capacité : 1 / 4 places attribuées');
    expect(await documentStart(page)).toBe(started);
    await screenshot(page, 'seats-live-other-console');
    await page.close();
  }, 90_000);
});
