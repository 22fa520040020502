/**
 * First run on a console whose ITSM server is configured (GLPI, through its test double): the
 * bar asks the display name and the login on the server, refuses the server's administration
 * account, and the login becomes the technician identity — on the ticket, in the queue, and on
 * the server once synced. "root" (the system account of this machine) never shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { focusedTestId } from '../support/hotline';
import { startTestHost } from '../support/web-host';
import { startGlpiFake, type GlpiFake } from '../services/glpi-fake';

let browser: Browser;
let host: Awaited<ReturnType<typeof startTestHost>>;
let glpi: GlpiFake;

beforeAll(async () => {
  glpi = await startGlpiFake();
  for (const team of ['Hotline', 'Interventions', 'Applications', 'SIG', 'Infrastructure technique']) glpi.addGroup(team);
  [browser, host] = await Promise.all([launchBrowser(), startTestHost()]);
});
afterAll(async () => {
  await browser?.close();
  await host?.dispose();
  await glpi?.close();
});

async function ok<T = any>(name: string, input: unknown): Promise<T> {
  const r = await host.service.dispatch(name, input, { clientId: 'e2e-setup' });
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

describe('first run with a server configured', () => {
  it('asks the name and the GLPI login (keyboard), refuses an admin account, and the login is the technician everywhere', async () => {
    const server = { kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken };
    const tested = await ok<{ user: string | null }>('sync.test', server);
    expect(tested.user).toBe('glpi'); // the token's account: GLPI's administrator
    await ok('sync.configure', server);

    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(host.url);
    await page.getByTestId('first-run').waitFor();
    // The administrator account the token belongs to is not proposed as the operator's login.
    expect(await page.getByTestId('first-run-login').inputValue()).toBe('');
    await page.getByTestId('first-run-name').focus();
    await page.keyboard.type('Claire Martin');
    await page.keyboard.press('Tab');
    expect(await focusedTestId(page)).toBe('first-run-login');
    await page.keyboard.type('root');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('first-run-error').textContent()).toBe("« root » est un compte d'administration du serveur : indiquez votre propre identifiant.");
    await screenshot(page, 'first-run-login');
    await page.getByTestId('first-run-login').fill('');
    await page.keyboard.type('tech');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('first-run').count()).toBe(0);
    expect(host.service.core.currentUser()).toBe('tech');
    const prefs = await ok<{ values: { userName?: string; userLogin?: string } }>('settings.get', {});
    expect([prefs.values.userName, prefs.values.userLogin]).toEqual(['Claire Martin', 'tech']);

    // A call logged now: its technician is the login, on the ticket page and on GLPI.
    const ticket = await ok<{ id: string; technician: string | null }>('tickets.logCall', { requesterName: 'Hélène Dupré', subject: 'Imprimante en bourrage' });
    expect(ticket.technician).toBe('tech');
    await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticket.id);
    await page.getByTestId('ticket-page').waitFor();
    expect(await page.getByTestId('ticket-technician').textContent()).toBe('tech');
    expect(await page.locator('main').innerText()).not.toMatch(/\broot\b/);
    await ok('sync.now', {});
    await expect
      .poll(
        () => {
          const sid = (host.service.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticket.id) as { server_id: string | null }).server_id;
          return sid ? glpi.technicianOf(Number(sid)) : null;
        },
        { timeout: 20_000 },
      )
      .toEqual(['tech']);
    await page.close();
  });

  it('a console without a server asks only the name (no login field)', async () => {
    const local = await startTestHost();
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(local.url);
      await page.getByTestId('first-run').waitFor();
      expect(await page.getByTestId('first-run-login').count()).toBe(0);
      await page.getByTestId('first-run-name').fill('Paul Roux');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('first-run').count()).toBe(0);
      expect(local.service.core.currentUser()).toBe('Paul Roux');
      await page.close();
    } finally {
      await local.dispose();
    }
  });
});
