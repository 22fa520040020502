/**
 * The ticket's "Se connecter" menu in Chromium, over the local web host: the linked PCs'
 * methods with the default first, keyboard use, the PC page, a clear error when the PC does
 * not answer, and (with xrdp available) the certificate fingerprint shown before a real
 * xfreerdp session starts and ends, recorded on the ticket.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { launchBrowser, screenshot } from '../support/browser';
import { startTestHost } from '../support/web-host';
import { makeTempDir } from '../support/temp-dir';
import { startXrdp, type XrdpService } from '../services/xrdp';
import { freePort } from '../support/ports';

let browser: Browser;
let host: Awaited<ReturnType<typeof startTestHost>>;
let xrdp: XrdpService | null = null;
let home: ReturnType<typeof makeTempDir>;
const saved: Record<string, string | undefined> = {};

async function ok(name: string, input: unknown): Promise<any> {
  const r = await host.service.dispatch(name, input, { clientId: 'e2e-setup' });
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value;
}
function insertAsset(name: string, ip: string, os = 'Windows 11 Pro'): string {
  const id = uuidv7();
  host.service.core.db.prepare('INSERT INTO assets (id, name, ip, os, search_key) VALUES (?, ?, ?, ?, ?)').run(id, name, ip, os, name.toLowerCase());
  return id;
}
async function openTicket(page: Page, ticketId: string) {
  await page.goto(host.url);
  await page.locator('nav a').first().waitFor();
  await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticketId);
  await page.getByTestId('ticket-remote-actions').waitFor();
}
const menuItems = (page: Page, asset: string) => page.locator(`[data-testid="rdp-connect"][data-asset="${asset}"] [role="menuitem"]`);

beforeAll(async () => {
  xrdp = await startXrdp({ user: 'relaise2e', sessionSeconds: 3 });
  home = makeTempDir('relais-e2e-rdp-home-');
  // The in-process host's xfreerdp draws on the test display; FreeRDP's files go to a temp HOME.
  for (const k of ['DISPLAY', 'HOME']) saved[k] = process.env[k];
  process.env.DISPLAY = xrdp.display;
  process.env.HOME = home.dir;
  [browser, host] = await Promise.all([launchBrowser(), startTestHost()]);
});
afterAll(async () => {
  await browser?.close();
  await host?.dispose();
  await xrdp?.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  home?.cleanup();
});

describe('"Se connecter" on a ticket', () => {
  it("lists each linked PC's methods, the default one first, and works with the keyboard", async () => {
    const pc = insertAsset('PC-ETATCIVIL-12', '10.44.0.12');
    const srv = insertAsset('SRV-SIG-03', '10.44.1.3', 'Debian 12');
    await ok('rdp.setAssetMethods', { assetId: pc, methods: ['rdp', 'msra', 'shadow'], defaultMethod: 'msra' });
    const ticket = await ok('tickets.logCall', { requesterName: 'Mme Lefèvre', subject: 'Logiciel état civil bloqué', assetIds: [pc, srv] });

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openTicket(page, ticket.id);
    const pcMenu = page.locator('[data-testid="rdp-connect"][data-asset="PC-ETATCIVIL-12"]');
    await pcMenu.getByTestId('rdp-connect-button').click();
    await expect.poll(() => menuItems(page, 'PC-ETATCIVIL-12').count()).toBe(3);
    expect(await menuItems(page, 'PC-ETATCIVIL-12').evaluateAll((els) => els.map((e) => e.getAttribute('data-method')))).toEqual(['msra', 'rdp', 'shadow']);
    const first = menuItems(page, 'PC-ETATCIVIL-12').first();
    expect(await first.textContent()).toContain("Assistance à distance (l'agent accepte)");
    expect(await first.textContent()).toContain('par défaut');
    // Focus moved into the menu; arrows move, Escape closes and returns focus to the button.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-method'))).toBe('msra');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-method'))).toBe('rdp');
    await screenshot(page, 'rdp-ticket-menu');
    await page.keyboard.press('Escape');
    await expect.poll(() => menuItems(page, 'PC-ETATCIVIL-12').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('rdp-connect-button');

    // The Linux server: SSH only (derived from its system).
    await page.locator('[data-testid="rdp-connect"][data-asset="SRV-SIG-03"]').getByTestId('rdp-connect-button').click();
    expect(await menuItems(page, 'SRV-SIG-03').evaluateAll((els) => els.map((e) => e.getAttribute('data-method')))).toEqual(['ssh']);
    await page.close();
  });

  it("the PC page shows its methods; a change of default is reflected in the ticket's menu", async () => {
    const pc = insertAsset('PC-CULTURE-07', '10.44.0.7');
    const ticket = await ok('tickets.logCall', { requesterName: 'M. Girard', subject: 'Imprimante', assetIds: [pc] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openTicket(page, ticket.id);
    await page.getByTestId('rdp-asset-link').click();
    await page.getByTestId('asset-panel').waitFor();
    expect(await page.locator('#page-title').textContent()).toBe('Poste PC-CULTURE-07');
    const rows = page.getByTestId('asset-methods').locator('tbody tr');
    expect(await rows.evaluateAll((rs) => rs.filter((r) => (r.querySelector('input[type=checkbox]') as HTMLInputElement).checked).map((r) => r.getAttribute('data-method')))).toEqual(['rdp', 'msra', 'shadow']);
    await page.getByRole('radio', { name: 'Observer la session / prendre le contrôle — Par défaut' }).check();
    await page.getByTestId('asset-save').click();
    await page.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();
    await screenshot(page, 'rdp-asset-page');
    await page.goBack();
    await page.getByTestId('ticket-remote-actions').waitFor();
    await page.getByTestId('rdp-connect-button').click();
    expect(await menuItems(page, 'PC-CULTURE-07').first().getAttribute('data-method')).toBe('shadow');
    await page.close();
  });

  it('says clearly when the PC does not answer', async () => {
    const pc = insertAsset('PC-ETEINT-01', '127.0.0.1');
    await ok('rdp.setAssetMethods', { assetId: pc, methods: ['rdp'], defaultMethod: 'rdp', settings: { port: await freePort() } });
    const ticket = await ok('tickets.logCall', { requesterName: 'M. Roux', subject: 'PC ne démarre plus', assetIds: [pc] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openTicket(page, ticket.id);
    await page.getByTestId('rdp-connect-button').click();
    await menuItems(page, 'PC-ETEINT-01').first().click();
    const err = page.getByTestId('rdp-error');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/ne répond pas en RDP.*Vérifiez qu'il est allumé/);
    await page.close();
  });

  it('shows the certificate fingerprint, then runs a real session recorded on the ticket', async () => {
    const pc = insertAsset('PC-XRDP-01', '127.0.0.1');
    const cred = await ok('security.vaultPut', { label: 'Support PC-XRDP-01', kind: 'password', secret: xrdp!.password });
    await ok('rdp.setAssetMethods', { assetId: pc, methods: ['rdp'], defaultMethod: 'rdp', settings: { port: xrdp!.port, user: xrdp!.user, credentialId: cred.id, width: 800, height: 600 } });
    const ticket = await ok('tickets.logCall', { requesterName: 'Mme Caron', subject: 'Session bloquée', assetIds: [pc] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await openTicket(page, ticket.id);
    await page.getByTestId('rdp-connect-button').click();
    await menuItems(page, 'PC-XRDP-01').first().click();
    await page.getByTestId('rdp-trust').waitFor();
    const cert = new crypto.X509Certificate(fs.readFileSync('/etc/xrdp/cert.pem'));
    // Shown in groups of four bytes: "84:6A:D5:84  7E:97:8C:F3  ...".
    const shown = (await page.getByTestId('rdp-fingerprint').textContent())!.replace(/[\s:]+/g, '');
    expect(shown).toBe(cert.fingerprint256.replace(/:/g, ''));
    await screenshot(page, 'rdp-trust-dialog');
    const logFrom = xrdp!.logSize();
    await page.getByTestId('rdp-trust-accept').click();
    await expect.poll(() => page.getByTestId('rdp-session-state').getAttribute('data-state'), { timeout: 30_000 }).toMatch(/running|logged_in/);
    await xrdp!.waitForLog(new RegExp(`login successful for user ${xrdp!.user}`), 45_000, logFrom);
    await expect.poll(() => page.getByTestId('rdp-session-state').getAttribute('data-state'), { timeout: 60_000 }).toBe('ended');
    expect(await page.getByTestId('rdp-session-state').textContent()).toContain('Session terminée');
    // The timeline shows the session's start and end.
    await expect.poll(() => page.locator('[data-kind="rdp_session"]').count(), { timeout: 30_000 }).toBe(2);
    await screenshot(page, 'rdp-session-ended');
    await page.close();
  }, 180_000);
});
