/**
 * The sync UI in Chromium over the local web host, against a real Request Tracker 5:
 * settings (token typed once, stored in the vault, "Tester la connexion" verdict), the status
 * bar (server online, changes waiting, last sync, "Synchroniser"), and the ticket banner
 * (a change parked "à traiter" with RT's message, discarded after confirmation, copy kept).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { startTestHost } from '../support/web-host';
import { startRt, type RtInstance } from '../services/rt';
import { localUpdate, logCall } from '../integration/sync/support';

let browser: Browser;
let host: Awaited<ReturnType<typeof startTestHost>>;
let rt: RtInstance;

beforeAll(async () => {
  [browser, host, rt] = await Promise.all([launchBrowser(), startTestHost(), startRt()]);
});
afterAll(async () => {
  await browser?.close();
  await host?.dispose();
  await rt?.dispose();
});

describe('sync UI', () => {
  it('configures RT from Settings, tests the connection, shows status; parked change shown on the ticket and discarded with confirmation', async () => {
    const db = host.service.core.db;
    const call = logCall(db, { subject: 'Appel e2e hors ligne', followups: ['noté pendant la coupure'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(host.url);
    await expect.poll(() => page.getByTestId('pending-count').textContent()).toContain('2 modifications en attente');

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('sync-kind').selectOption('rt');
    await page.getByTestId('sync-url').fill(rt.url);
    await page.getByTestId('sync-user').fill('relais');
    await page.getByTestId('sync-token').fill('1-99-wrong-token');
    await page.getByTestId('sync-test').click();
    await expect.poll(() => page.getByTestId('sync-verdict').textContent(), { timeout: 20_000 }).toContain('Identifiants refusés');
    await page.getByTestId('sync-token').fill(rt.token);
    await page.getByTestId('sync-test').click();
    await expect.poll(() => page.getByTestId('sync-verdict').textContent(), { timeout: 20_000 }).toContain('Connexion réussie');
    await page.getByTestId('sync-save').click();
    await expect.poll(() => page.getByTestId('sync-saved').count()).toBe(1);
    // The token field is emptied and never shown again; it says one is stored.
    expect(await page.getByTestId('sync-token').inputValue()).toBe('');
    expect(await page.getByTestId('sync-token').getAttribute('placeholder')).toContain('coffre-fort');
    await expect.poll(() => page.getByTestId('pending-count').textContent(), { timeout: 60_000 }).toContain('Aucune modification en attente');
    await expect.poll(() => page.getByTestId('sync-server').textContent()).toContain('en ligne');
    await expect.poll(() => page.getByTestId('sync-last').textContent()).toContain('Dernière synchronisation');
    // The token went to the vault only: not in the page, not in the sync settings.
    expect(await page.content()).not.toContain(rt.token);
    const cfg = db.prepare("SELECT value FROM sync_state WHERE key = 'config'").get() as { value: string };
    expect(cfg.value).not.toContain(rt.token);
    await screenshot(page, 'sync-settings-fr');

    // A change RT refuses: parked "à traiter" with the server's message on the ticket page.
    localUpdate(db, call.ticketId, { technician: 'personne.inconnue' });
    await page.getByTestId('sync-now').click();
    await expect.poll(() => page.getByTestId('sync-parked').textContent(), { timeout: 60_000 }).toContain('1 à traiter');
    await page.goto(`${host.origin}/#/ticket/${call.ticketId}`);
    await expect.poll(() => page.getByTestId('server-message').textContent(), { timeout: 20_000 }).toContain('That user does not exist');
    await screenshot(page, 'sync-ticket-parked-fr');
    await page.getByTestId('discard-op').click();
    await expect.poll(() => page.getByText('Abandonner cette modification').count()).toBe(1);
    await page.getByTestId('confirm-discard').click();
    await expect.poll(() => page.getByTestId('ticket-sync-banner').count()).toBe(0);
    const copy = db.prepare("SELECT body FROM followups WHERE ticket_id = ? AND kind = 'sync_discarded'").get(call.ticketId) as { body: string } | undefined;
    expect(copy?.body).toContain('personne.inconnue');
    await page.close();
  }, 180_000);
});
