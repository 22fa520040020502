/**
 * Screens read through the query layer (renderer/api/queries.ts) and stay current from the
 * core's events alone: a change made by someone else (here: a call made from the test, as
 * another console would) shows on the incident register and on an open ticket's incident
 * panel without reloading, and a switch of caller never shows the previous caller's tickets.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from '../support/browser';
import { caller, withConsole } from '../support/console';
import { startNewCall } from '../support/hotline';

const fx = withConsole({ demo: true });
/** Calls as another console would make them. */
const dispatch = <T,>(name: string, input: unknown): Promise<T> => caller(fx.host.service, 'other-console')<T>(name, input);

/** Opens the console at `hash` and leaves a mark a reload would wipe out. */
async function open(hash: string): Promise<Page> {
  const page = await fx.openPage();
  await page.evaluate((h) => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    location.hash = h;
  }, hash);
  return page;
}
const notReloaded = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

describe('screens kept current by core events', () => {
  it('an incident declared elsewhere appears on the register and on the open ticket, without a reload', async () => {
    const subject = 'Courriel suspect reçu par la paie — lien vers un faux portail';
    const ticket = await dispatch<{ id: string; number: number }>('tickets.logCall', { requesterName: 'Agent Paie', subject, description: 'Reçu ce matin' });

    const register = await open('#/incidents');
    await register.getByTestId('incident-register').waitFor();
    const rowsBefore = await register.getByTestId('register-row').count();
    // Wait until the register has its answer (a row count or the empty sentence), then check the ticket is not there.
    await expect.poll(() => register.getByTestId('incident-register').textContent(), { timeout: 30_000 }).not.toContain('…');
    expect(await register.getByTestId('incident-register').textContent()).not.toContain(subject);

    const ticketPage = await open(`#/ticket/${ticket.id}`);
    const panel = ticketPage.getByTestId('incident-panel');
    await expect.poll(() => panel.textContent(), { timeout: 30_000 }).toContain("Ce ticket n'est pas un incident de sécurité");
    expect(await ticketPage.getByTestId('security-banner').count()).toBe(0);

    // Another console marks it as phishing: both screens follow from `tickets.changed`.
    await dispatch('incidents.mark', { ticketId: ticket.id, categoryKey: 'phishing' });
    await expect.poll(() => register.getByTestId('register-row').count(), { timeout: 30_000 }).toBe(rowsBefore + 1);
    expect(await register.locator('[data-testid="register-row"]', { hasText: subject }).count()).toBe(1);
    await ticketPage.getByTestId('security-banner').waitFor({ timeout: 30_000 });
    await expect.poll(() => ticketPage.getByTestId('incident-state').textContent(), { timeout: 30_000 }).toBeTruthy();
    expect(await ticketPage.getByTestId('breach-clock').count()).toBe(0);

    // A suspected breach set elsewhere starts the 72 h clock on the open ticket.
    await dispatch('incidents.setBreach', { ticketId: ticket.id, suspected: true });
    await ticketPage.getByTestId('breach-clock').waitFor({ timeout: 30_000 });
    await ticketPage.getByTestId('incident-panel').scrollIntoViewIfNeeded();
    await screenshot(ticketPage, 'live-incident-marked-elsewhere-fr');
    await screenshot(register, 'live-incident-register-fr');
    expect(await notReloaded(register)).toBe(true);
    expect(await notReloaded(ticketPage)).toBe(true);
    await register.close();
    await ticketPage.close();
  });

  it("a call another console logs for the caller on the line shows in the caller panel while the form is open", async () => {
    const person = fx.host.service.core.db.prepare("SELECT id, first_name || ' ' || last_name AS name FROM people ORDER BY last_name, first_name LIMIT 1 OFFSET 7").get() as { id: string; name: string };
    const page = await fx.openPage();
    await page.locator('nav a').first().waitFor();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await startNewCall(page);
    await page.keyboard.type(person.name);
    await page.getByTestId('requester-suggestions').getByText(person.name, { exact: false }).first().waitFor();
    await page.keyboard.press('Enter');
    // The panel has its first answer (the caller's tickets as they were) before the other console acts.
    await page.getByTestId('caller-open').waitFor({ timeout: 30_000 });
    const subject = 'Badge refusé à la porte du parking — appel pris par un collègue';
    const other = await dispatch<{ number: number }>('tickets.logCall', { requesterId: person.id, subject, description: 'Le badge ne passe plus depuis ce matin.' });
    await expect.poll(() => page.getByTestId('caller-open').textContent(), { timeout: 30_000 }).toContain(`n° ${other.number}`);
    expect(await page.getByTestId('caller-open').textContent()).toContain(subject);
    expect(await notReloaded(page)).toBe(true);
    await page.close();
  });

  it('the remote sessions page finds a PC by the name typed, showing only the answer for the last text', async () => {
    const pc = fx.host.service.core.db.prepare("SELECT id, name FROM assets WHERE name <> '' ORDER BY name LIMIT 1").get() as { id: string; name: string };
    const page = await open('#/remote');
    const find = page.getByRole('searchbox');
    await find.waitFor({ timeout: 30_000 });
    await find.fill('zzz-aucun-poste');
    await page.getByText('Aucun poste trouvé.').waitFor({ timeout: 30_000 });
    await find.fill(pc.name);
    const results = page.getByTestId('rdp-asset-results');
    await expect.poll(() => results.locator('a').allTextContents(), { timeout: 30_000 }).toContain(pc.name);
    expect(await results.locator('a', { hasText: pc.name }).first().getAttribute('href')).toBe(`#/remote/${encodeURIComponent(pc.id)}`);
    expect(await page.getByText('Aucun poste trouvé.').count()).toBe(0);
    await page.close();
  });
});
