/**
 * Settings in sections, edited by keyboard only: a team, a category, the priority matrix,
 * business hours and a public holiday; the next call's take-charge date is then computed on
 * that calendar. The host's clock starts on Friday 12 June 2026, 17:30 in Paris, and the
 * browser runs in the Paris time zone, so nothing depends on when the test runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { focusedTestId, pickRequester, startNewCall } from '../support/hotline';
import { startTestHost } from '../support/web-host';

let browser: Browser;
let host: Awaited<ReturnType<typeof startTestHost>>;
const FRIDAY_1730_PARIS = new Date('2026-06-12T15:30:00Z');
// The clock starts on Friday 17:30 and moves on with elapsed time (the sync engine's retries
// wait for it to move); the test's due dates hold for the 30 minutes after it.
const started = Date.now();
const clock = () => new Date(FRIDAY_1730_PARIS.getTime() + (Date.now() - started));

beforeAll(async () => {
  [browser, host] = await Promise.all([launchBrowser(), startTestHost({ demo: true, clock })]);
});
afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

async function open(hash = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, timezoneId: 'Europe/Paris' });
  await page.goto(host.url);
  await page.locator('nav a').first().waitFor();
  if (hash) await page.goto(`${host.origin}/${hash}`);
  return page;
}

/** Presses Tab (or Shift+Tab) until the focused element is `testId` (and, if given, holds `value`). */
async function tabTo(page: Page, testId: string, value?: string, back = false): Promise<void> {
  for (let i = 0; i < 80; i++) {
    const here = await page.evaluate(() => ({ id: document.activeElement?.getAttribute('data-testid') ?? '', value: (document.activeElement as HTMLInputElement | null)?.value ?? '' }));
    if (here.id === testId && (value === undefined || here.value === value)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`focus never reached ${testId}${value ? ` (${value})` : ''}`);
}

describe('settings sections', () => {
  it('opens a section from its address, and the status bar and section list lead to theirs', async () => {
    const page = await open('#/settings/hours');
    await page.getByTestId('settings-hours').waitFor();
    expect(await page.getByTestId('settings-heading').textContent()).toBe('Heures ouvrées et jours fériés');
    expect(await page.getByTestId('settings-section-hours').getAttribute('aria-current')).toBe('page');
    // The plain address opens "Général"; each section is a link with its own address.
    await page.goto(`${host.origin}/#/settings`);
    await page.getByTestId('settings-general').waitFor();
    expect(await page.getByTestId('settings-section-teams').getAttribute('href')).toBe('#/settings/teams');
    // With no server configured the status bar's action goes straight to the server section.
    await page.getByTestId('nav-queue').click();
    await page.locator('footer.statusbar button').first().click();
    await page.getByTestId('settings-server').waitFor();
    expect(page.url()).toMatch(/#\/settings\/server$/);
    await page.close();
  });

  it('says what is wrong with a server address in words', async () => {
    const page = await open('#/settings/server');
    await page.getByTestId('sync-url').fill('glpi.ville-exemple.fr');
    await page.getByTestId('sync-token').fill('un-jeton');
    await page.getByTestId('sync-save').click();
    const alert = page.getByTestId('sync-settings').getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe("L'adresse du serveur doit commencer par http:// ou https:// (par exemple https://glpi.ville.fr). Corrigez puis réessayez.");
    expect(await alert.textContent()).not.toContain('url —');
    await screenshot(page, 'settings-server-validation-fr');
    await page.close();
  });
});

describe('editing the desk by keyboard only', () => {
  it('team, category, matrix, business hours and a holiday; the next call is due on business hours', async () => {
    const page = await open('#/settings/teams');
    // Team: add, rename, archive.
    await expect.poll(() => focusedTestId(page)).toBe('team-new');
    await page.keyboard.type('Téléphonie');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('team-notice').textContent()).toBe('Équipe « Téléphonie » ajoutée.');
    await tabTo(page, 'team-name', 'Téléphonie');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Téléphonie fixe');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('team-notice').textContent()).toBe('Équipe renommée en « Téléphonie fixe ».');
    await page.keyboard.press('Tab');
    expect(await focusedTestId(page)).toBe('team-archive');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('team-notice').textContent()).toBe('Équipe « Téléphonie fixe » archivée : elle n\'est plus proposée.');
    const teamRow = page.getByTestId('team-row').filter({ has: page.locator('input[value="Téléphonie fixe"]') });
    await expect.poll(() => teamRow.getAttribute('data-active')).toBe('false');
    await screenshot(page, 'settings-teams-fr');

    // Category: reached from the section list, added under "Téléphonie", then archived.
    await tabTo(page, 'settings-section-categories', undefined, true);
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedTestId(page)).toBe('category-parent');
    for (let i = 0; i < 80 && (await page.getByTestId('category-parent').locator('option:checked').textContent()) !== 'Téléphonie'; i++) await page.keyboard.press('ArrowDown');
    expect(await page.getByTestId('category-parent').locator('option:checked').textContent()).toBe('Téléphonie');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Casque');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('category-notice').textContent()).toBe('Catégorie « Téléphonie > Casque » ajoutée.');
    await tabTo(page, 'category-name', 'Casque');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('category-notice').textContent()).toBe('Catégorie « Téléphonie > Casque » archivée avec ses sous-catégories.');
    await expect.poll(() => page.locator('[data-testid="category-row"][data-full-name="Téléphonie > Casque"]').getAttribute('data-active')).toBe('false');
    await screenshot(page, 'settings-categories-fr');

    // Matrix: urgency medium × impact medium goes from Moyenne to Haute.
    // The other sections by their address (the section list was walked above).
    await page.goto(`${host.origin}/#/settings/priorities`);
    await page.getByTestId('matrix').waitFor();
    await tabTo(page, 'matrix-3-3');
    expect(await page.getByTestId('matrix-3-3').inputValue()).toBe('3');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByTestId('matrix-3-3').inputValue()).toBe('4');
    expect(await page.getByTestId('matrix-save-dirty').textContent()).toBe('Modifications non enregistrées');
    await tabTo(page, 'matrix-save');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('matrix-notice').textContent()).toBe('Matrice enregistrée : les nouveaux appels l\'utilisent.');
    // Saved: nothing differs from what is stored any more.
    await expect.poll(() => page.getByTestId('matrix-save-dirty').count()).toBe(0);
    await screenshot(page, 'settings-priorities-fr');

    // Business hours: Friday closes at 17:00; Monday 15 June is closed (a holiday added by hand).
    await page.goto(`${host.origin}/#/settings/hours`);
    await expect.poll(() => focusedTestId(page), { timeout: 10_000 }).toBe('hours-0');
    await tabTo(page, 'hours-4');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('08:00-12:00, 13:30-17:00');
    await tabTo(page, 'holiday-add');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedTestId(page)).toBe('holiday-date');
    await page.keyboard.type('2026-06-15');
    // Saved without a name: the message names the field and the row, in words.
    await tabTo(page, 'hours-save');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('hours-notice').textContent()).toBe('Le nom (jour férié n° 23) est obligatoire. Corrigez puis réessayez.');
    await tabTo(page, 'holiday-date', '2026-06-15', true);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Fermeture exceptionnelle');
    await tabTo(page, 'hours-save');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('hours-notice').textContent()).toBe('Calendrier enregistré : les échéances des nouveaux appels en tiennent compte.');
    await screenshot(page, 'settings-hours-fr');

    // A call now (Friday 17:30, after Friday's new closing time): urgency and impact medium give
    // Haute (the edited matrix), one hour to take charge, counted from Tuesday 08:00 → 09:00.
    await startNewCall(page);
    await pickRequester(page, 'camille faure', 'Camille Faure');
    await page.keyboard.type('Casque du standard muet');
    // The archived category and team are offered no more.
    expect(await page.getByTestId('call-category').locator('option', { hasText: 'Casque' }).count()).toBe(0);
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('call-saved').waitFor();
    const row = host.service.core.db.prepare('SELECT id, priority, urgency, impact, tto_due FROM tickets ORDER BY number DESC LIMIT 1').get() as { id: string; priority: number; urgency: number; impact: number; tto_due: string };
    expect([row.urgency, row.impact, row.priority]).toEqual([3, 3, 4]);
    expect(row.tto_due).toBe('2026-06-16T07:00:00.000Z');
    await page.evaluate((id) => (location.hash = `#/ticket/${id}`), row.id);
    const due = page.locator('dt', { hasText: 'Prise en charge avant' }).locator('xpath=following-sibling::dd[1]');
    await expect.poll(() => due.textContent()).toBe('16/06/2026 09:00');
    await page.close();
  }, 240_000);

  it('an edit not saved yet says so, and "Annuler les modifications" puts the saved values back without saving', async () => {
    const page = await open('#/settings/priorities');
    await page.getByTestId('matrix').waitFor();
    const cell = page.getByTestId('matrix-1-1');
    const stored = await cell.inputValue();
    expect(await page.getByTestId('matrix-save-discard').count()).toBe(0);
    await tabTo(page, 'matrix-1-1');
    await page.keyboard.press(stored === '1' ? 'ArrowDown' : 'ArrowUp');
    expect(await cell.inputValue()).not.toBe(stored);
    await tabTo(page, 'matrix-save-discard');
    expect(await page.getByTestId('matrix-save-dirty').textContent()).toBe('Modifications non enregistrées');
    await screenshot(page, 'settings-priorities-unsaved-fr');
    await page.keyboard.press('Enter');
    expect(await cell.inputValue()).toBe(stored);
    expect(await page.getByTestId('matrix-save-dirty').count()).toBe(0);
    const desk = await host.service.dispatch('referentials.desk', undefined, { clientId: 't' });
    expect(desk.ok && String((desk.value as { priorityMatrix: number[][] }).priorityMatrix[0]![0])).toBe(stored);

    // Business hours: a half-typed day goes back to the stored openings.
    await page.goto(`${host.origin}/#/settings/hours`);
    await expect.poll(() => focusedTestId(page), { timeout: 10_000 }).toBe('hours-0');
    const monday = await page.getByTestId('hours-0').inputValue();
    await page.keyboard.type(', 18:00-');
    await tabTo(page, 'hours-save-discard');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('hours-0').inputValue()).toBe(monday);
    expect(await page.getByTestId('hours-save-dirty').count()).toBe(0);
    expect(await page.getByTestId('hours-notice').count()).toBe(0);
    await page.close();
  }, 120_000);

  it('shows the sections in English', async () => {
    const page = await open();
    await host.service.dispatch('settings.set', { locale: 'en' }, { clientId: 't' });
    await page.goto(`${host.origin}/#/settings/priorities`);
    await expect.poll(() => page.getByTestId('settings-heading').textContent()).toBe('Priorities and targets');
    await screenshot(page, 'settings-priorities-en');
    await page.goto(`${host.origin}/#/settings/hours`);
    await expect.poll(() => page.getByTestId('settings-heading').textContent()).toBe('Business hours and holidays');
    await screenshot(page, 'settings-hours-en');
    await page.goto(`${host.origin}/#/settings/teams`);
    await page.getByTestId('team-row').first().waitFor();
    await screenshot(page, 'settings-teams-en');
    await host.service.dispatch('settings.set', { locale: 'fr' }, { clientId: 't' });
    await page.close();
  }, 120_000);
});
