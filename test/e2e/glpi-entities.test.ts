/**
 * GLPI entities in Chromium (issue 12), against the GLPI 10 double: in Settings ›
 * Correspondances each organisation gets an entity picked from GLPI's list; a call whose
 * ticket GLPI's own rule files in another entity shows that difference on the ticket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { startTestHost } from '../support/web-host';
import { startGlpiFake, type GlpiFake } from '../services/glpi-fake';

let browser: Browser;
let host: Awaited<ReturnType<typeof startTestHost>>;
let glpi: GlpiFake;
const caller = { clientId: 'e2e' };
const TREE = 'organisation;direction;service;criticité\nVille;Population;État civil;1\nMétropole;Lecture publique;Médiathèques;3\n';
const PEOPLE = 'nom;prénom;organisation;service;e-mail\nZola;Émile;Métropole;Médiathèques;emile.zola@metropole.test\n';

beforeAll(async () => {
  [browser, host, glpi] = await Promise.all([launchBrowser(), startTestHost(), startGlpiFake()]);
});
afterAll(async () => {
  await browser?.close();
  await host?.dispose();
  await glpi?.close();
});

describe('GLPI entities', () => {
  it('maps organisations to GLPI entities from the server’s list; a ticket GLPI filed elsewhere says so', async () => {
    const { service } = host;
    const ok = async (name: Parameters<typeof service.dispatch>[0], input: unknown) => {
      const r = await service.dispatch(name, input, caller);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      return (r as { value: unknown }).value;
    };
    const ville = glpi.addEntity('Ville de Clermont-Ferrand');
    const metropole = glpi.addEntity('Clermont Auvergne Métropole');
    for (const team of ['Hotline', 'Interventions', 'Applications', 'SIG', 'Infrastructure technique']) glpi.addGroup(team);
    await ok('directory.importCommit', { kind: 'services', csv: TREE });
    await ok('directory.importCommit', { kind: 'people', csv: PEOPLE });
    await ok('sync.configure', { kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken });

    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(host.url);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-section-server').click();
    const ville$ = page.getByTestId('map-org-Ville');
    await expect.poll(() => ville$.locator('option').allTextContents(), { timeout: 30_000 }).toContain(`Entité racine > Ville de Clermont-Ferrand (#${ville})`);
    expect(await ville$.inputValue()).toBe('');
    expect(await ville$.locator('option').first().textContent()).toBe('GLPI choisit (entité du compte)');
    await ville$.selectOption(String(ville));
    await page.getByTestId('map-org-Métropole').selectOption(String(metropole));
    await page.getByTestId('sync-mappings-save').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('sync-mappings-saved').count()).toBe(1);
    const saved = (await ok('glpi.mappings.get', undefined)) as { entities: Record<string, number> };
    expect(saved.entities).toEqual({ Ville: ville, 'Métropole': metropole });
    await page.getByTestId('sync-mappings').scrollIntoViewIfNeeded();
    await screenshot(page, 'sync-mappings-glpi-fr');

    // GLPI's rule files the médiathèques' catalogue calls in the Ville entity.
    glpi.addTicketRule({ when: (input) => String(input.name).includes('Catalogue'), entities_id: ville });
    const hits = (await ok('directory.search', { q: 'zola', limit: 5 })) as { hits: { person: { id: string } | null }[] };
    const ticket = (await ok('tickets.logCall', { requesterId: hits.hits[0]!.person!.id, subject: 'Catalogue lent', description: 'Recherche très lente' })) as { id: string };
    await expect.poll(() => (host.service.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticket.id) as { server_id: string | null }).server_id, { timeout: 60_000 }).not.toBeNull();
    await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticket.id);
    const warning = page.getByTestId('sync-warning');
    await expect.poll(() => warning.textContent(), { timeout: 30_000 }).toContain('GLPI a classé ce ticket dans l’entité « Ville » et non « Métropole »');
    await screenshot(page, 'sync-entity-moved-fr');
    await page.close();
  }, 180_000);
});
