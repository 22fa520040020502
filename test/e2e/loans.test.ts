/**
 * La permanence in real Chromium over the local web host. The operator logs a call from a
 * tier 1 agent (État civil) asking for a laptop and a headset; the request goes ahead of an
 * older tier 3 one; the items are checked out by "scanning" their tags (typed + Enter, as a
 * keyboard-wedge scanner does), the receipt is attached to the ticket and downloaded; the
 * tier 3 request waits while no laptop is left; later the laptop comes back without its
 * charger.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caller, withBrowser } from '../support/console';
import { artifactsDir, screenshot } from '../support/browser';
import { startTestHost } from '../support/web-host';
import { focusedTestId } from '../support/hotline';
import { PEOPLE, TREE } from '../integration/loans/harness';

const ui = withBrowser();

const STOCK = `étiquette;type;numéro de série;modèle;site;kit
PC-001;portable;5CG3471XQZ;HP EliteBook 840 G10;Hôtel de Ville;chargeur|sacoche|souris
CAS-01;casque;JB-88412;Jabra Evolve2 40;Hôtel de Ville;
`;

describe('la permanence, keyboard and scanner', () => {
  it('a tier 1 call goes first, is served by scanned tags with a receipt, and comes back without its charger; a tier 3 request waits', async () => {
    const clock = { now: new Date('2026-03-12T08:00:00Z') };
    const host = await startTestHost({ clock: () => clock.now });
    try {
      const call = caller(host.service, 'setup');
      await call('directory.importCommit', { kind: 'services', csv: TREE });
      await call('directory.importCommit', { kind: 'people', csv: PEOPLE });
      await call('loans.importItems', { csv: STOCK });
      const zola = (await call('directory.search', { q: 'zola' })).hits.find((h: any) => h.person).person.id;
      await call('loans.createRequest', { agent: { name: 'Émile Zola', personId: zola }, lines: [{ type: 'portable', quantity: 1 }], reason: 'télétravail' });
      clock.now = new Date('2026-03-12T09:30:00Z');

      const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
      await page.goto(host.url);
      await page.locator('nav a').first().waitFor();

      // The call: F2, the agent, what they ask, type "Demande", category "Prêt de matériel".
      await page.keyboard.press('F2');
      await expect.poll(() => focusedTestId(page)).toBe('requester-input');
      await page.keyboard.type('lefevre');
      await page.getByTestId('requester-suggestions').getByText('François Lefèvre', { exact: false }).first().waitFor();
      await page.keyboard.press('Enter');
      await expect.poll(() => focusedTestId(page)).toBe('call-subject');
      await page.keyboard.type('Prêt portable et casque');
      await page.keyboard.press('Tab');
      await page.keyboard.type("Permanence d'état civil à domicile : il lui faut un portable et un casque.");
      await page.getByTestId('call-category').selectOption({ label: 'Prêt de matériel' });
      await page.locator('select:has(option[value="request"])').first().selectOption('request');
      await page.getByTestId('call-description').focus();
      await page.keyboard.press('Control+Enter');
      await expect.poll(() => page.getByTestId('call-saved').textContent(), { timeout: 10_000 }).toMatch(/n° \d+/);
      const number = /n° (\d+)/.exec((await page.getByTestId('call-saved').textContent())!)![1]!;

      // On the ticket: the loan request, a laptop and a headset.
      await page.getByTestId('call-saved').getByRole('link').click();
      await page.getByTestId('ticket-loan-form').waitFor();
      const ticketHash = await page.evaluate(() => location.hash);
      await page.getByTestId('line-add').click();
      await expect.poll(() => page.getByTestId('line-type-1').inputValue()).toBe('casque');
      await page.getByTestId('ticket-loan-reason').fill('Continuité du service état civil');
      await page.getByTestId('ticket-loan-reason').press('Enter');
      await expect.poll(() => page.getByTestId('ticket-loan-request').textContent()).toBe('Demande de François Lefèvre : 0/1 Portable, 0/1 Casque — en liste d\'attente');
      await screenshot(page, 'loans-ticket-request');

      // The Permanence page: the tier 1 request is at the head, ahead of the older tier 3 one.
      await page.getByTestId('nav-loans').click();
      await page.getByTestId('loans-page').waitFor();
      const rows = page.getByTestId('waitlist-row');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.nth(0).getAttribute('data-agent')).toBe('François Lefèvre');
      expect(await rows.nth(0).getByTestId('waitlist-why').textContent()).toMatch(/^Service vital \(niveau 1\), .*demande du 12\/03 10:30$/);
      expect(await rows.nth(1).getAttribute('data-agent')).toBe('Émile Zola');
      expect(await rows.nth(1).textContent()).toContain('départagée par le niveau de service');
      await expect.poll(() => page.getByTestId('checkout-card').locator('h2').textContent()).toBe('Prêt à François Lefèvre');
      expect(await page.getByTestId('proposal').textContent()).toContain('PC-001 (Portable)');
      // The scan field has the focus when the page opens.
      expect(await focusedTestId(page)).toBe('scan-tag');

      // Check-out: the scanner types each tag then Enter.
      await page.getByTestId('checkout-tag').focus();
      await page.keyboard.type('PC-001');
      await page.keyboard.press('Enter');
      await page.keyboard.type('cas-01');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('basket').locator('li').count()).toBe(2);
      expect(await page.getByTestId('basket').textContent()).toContain('CAS-01 — Casque');
      await screenshot(page, 'loans-checkout-basket');
      await page.keyboard.press('Control+Enter');
      await expect.poll(() => page.getByTestId('checkout-done').textContent(), { timeout: 10_000 }).toContain(`Bon de prêt joint au ticket n° ${number}.`);

      // The receipt: printed from the browser's PDF viewer, or saved.
      const [popup] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('receipt-print').click()]);
      expect(popup.url()).toMatch(/^blob:/);
      await popup.close();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('receipt-download').click()]);
      expect(download.suggestedFilename()).toBe(`bon-de-pret-${number}-PC-001-CAS-01.pdf`);
      const file = path.join(artifactsDir, 'loans-receipt-e2e.pdf');
      await download.saveAs(file);
      expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');

      // No laptop left: the tier 3 request waits, and says why.
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.nth(0).getAttribute('data-agent')).toBe('Émile Zola');
      expect(await rows.nth(0).getByTestId('waitlist-blocked').textContent()).toBe('En attente de stock : Portable');
      expect(await page.getByTestId('stock-portable').locator('[data-state="prete"]').textContent()).toBe('1');
      await screenshot(page, 'loans-permanence');

      // Ten days later the laptop comes back without its charger.
      clock.now = new Date('2026-03-22T14:00:00Z');
      await page.getByTestId('scan-tag').focus();
      await page.keyboard.type('PC-001');
      await page.keyboard.press('Enter');
      await page.getByTestId('checkin-form').waitFor();
      expect(await page.getByTestId('scanned-item').textContent()).toContain('Prêté à François Lefèvre');
      await page.getByTestId('missing-chargeur').check();
      await page.getByTestId('checkin-submit').click();
      await expect.poll(() => page.getByTestId('checkin-done').textContent()).toBe('Retour de PC-001 (François Lefèvre) enregistré.');
      await expect.poll(() => page.getByTestId('scanned-state').textContent()).toBe('Retour à contrôler');
      await screenshot(page, 'loans-checkin');

      // The ticket shows its loans: the laptop returned without its charger, the headset still out.
      await page.evaluate((hash) => (location.hash = hash), ticketHash);
      await page.getByTestId('ticket-loan-list').waitFor();
      await expect.poll(() => page.getByTestId('ticket-loan-PC-001').textContent()).toContain('rendu · OK · manque : chargeur');
      expect(await page.getByTestId('ticket-loan-CAS-01').textContent()).toContain('prêté');
      expect(await page.getByTestId('timeline').textContent()).toContain('Bon de prêt joint');
      await screenshot(page, 'loans-ticket');
    } catch (e) {
      const pages = ui.browser.contexts().flatMap((c) => c.pages());
      if (pages[0]) await screenshot(pages[0], 'loans-failure');
      throw e;
    } finally {
      await host.dispose();
    }
  }, 180_000);

  it('shows the demo permanence at 1366×768: stock by type and state, the ranked list, the overdue loan and its reminder', async () => {
    const host = await startTestHost({ demo: true });
    try {
      const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(host.url);
      await page.getByTestId('nav-loans').click();
      await page.getByTestId('loans-stock').waitFor();
      await expect.poll(() => page.getByTestId('waitlist-row').count()).toBeGreaterThan(5);
      expect(await page.getByTestId('stock-ecran').locator('[data-state="en_reparation"]').textContent()).toBe('1');
      expect(await page.getByTestId('loans-overdue').textContent()).toContain('Message laissé sur la messagerie');
      await screenshot(page, 'loans-demo');
      await page.getByTestId('loans-overdue').scrollIntoViewIfNeeded();
      await screenshot(page, 'loans-demo-overdue');

      // The head's proposed laptop is held for a pickup slot instead of lent now.
      const proposed = (await page.getByTestId('proposal').locator('button').first().textContent())!.split(' ')[0]!;
      await page.getByTestId('checkout-tag').focus();
      await page.keyboard.type(proposed);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('basket').locator('li').count()).toBe(1);
      await page.getByTestId('checkout-card').locator('summary').click();
      const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      await page.getByTestId('reserve-begin').fill(local(new Date(Date.now() + 2 * 86_400_000)));
      await page.getByTestId('reserve-end').fill(local(new Date(Date.now() + 2 * 86_400_000 + 3_600_000)));
      await page.getByTestId('reserve-submit').click();
      await expect.poll(() => page.getByTestId('basket').locator('li').count()).toBe(0);
      await page.getByTestId('scan-tag').focus();
      await page.keyboard.type(proposed);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('scanned-state').textContent()).toBe('Réservé');
    } finally {
      await host.dispose();
    }
  }, 120_000);
});
