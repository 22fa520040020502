/**
 * Issue 18, "also": bidirectional override characters are shown, not applied. A subject
 * `Facture abc\u202etxt.exe` used to display as "Facture abcexe.txt" in the
 * ticket; Chromium must now show a visible [U+202E] tag and keep the characters' order.
 */
import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';

const ui = withConsole();

describe('bidi controls in ticket text', () => {
  it('are shown as visible tags in the ticket view and its timeline', async () => {
    const logged = await ui.host.service.dispatch(
      'tickets.logCall',
      { subject: 'Facture abc\u202etxt.exe', requesterName: 'Jean Martin', description: 'Pièce jointe abc\u202egpj.exe reçue' },
      { clientId: 'e2e' },
    );
    expect(logged.ok).toBe(true);
    const ticket = (logged as { value: { id: string; number: number } }).value;
    const page = await ui.openPage();
    await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticket.id);
    await page.getByText('Pièce jointe', { exact: false }).first().waitFor();
    const heading = await page.locator('h1, h2').filter({ hasText: 'Facture' }).first().innerText();
    expect(heading).toContain('abc[U+202E]txt.exe');
    expect(await page.locator('.ticket-description').innerText()).toContain('abc[U+202E]gpj.exe');
    expect(await page.getByTestId('bidi-control').count()).toBeGreaterThanOrEqual(2);
    // No raw override character is left in what the page shows.
    expect(await page.evaluate(() => document.body.innerText.includes('\u202e'))).toBe(false);
    await screenshot(page, 'bidi-ticket');
    await page.close();
  });
});
