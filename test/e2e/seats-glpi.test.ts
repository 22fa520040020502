/**
 * "Accès distants" with GLPI as the ITSM server (the GLPI test double), in real Chromium over
 * the local web host: the page shows the pool as it does with Request Tracker, its button sends
 * the seats to GLPI's licences, and when another console filled the Ville's quota in GLPI
 * meanwhile, the page says so and nothing is left over in GLPI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { startTestHost } from '../support/web-host';
import { ensureOrgSchema } from '../integration/seats/harness';
import { glpiDecode, startGlpiFake } from '../services/glpi-fake';
import type { Service } from '../../src/api/service';

let browser: Browser;
const caller =
  (service: Service) =>
  async (name: string, input: unknown): Promise<any> => {
    const r = await service.dispatch(name, input, { clientId: 'setup' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value;
  };
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('remote-access seats page with GLPI', () => {
  it('sends seats to GLPI licences; a quota filled by another console is reported on the page', async () => {
    const glpi = await startGlpiFake();
    const host = await startTestHost();
    try {
      ensureOrgSchema(host.service.core.db);
      const call = caller(host.service);
      const other = glpi.addUser({ name: 'agent-autre' });
      for (const u of ['agent-dupre', 'agent-garcia']) glpi.addUser({ name: u });
      await call('sync.configure', { kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken });
      const pool = await call('seats.createPool', {
        name: 'VPN agents',
        kind: 'vpn',
        capacity: 3,
        shares: [
          { organisationId: 'ville', quota: 1, lendable: false },
          { organisationId: 'metropole', quota: 2, lendable: false },
        ],
      });
      await call('seats.assign', { poolId: pool.id, holder: { name: 'Jeanne Dupré', login: 'agent-dupre', organisationId: 'metropole', reason: 'astreinte' } });

      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(host.url);
      await page.getByTestId('nav-seats').click();
      await page.getByTestId('pool-summary').waitFor();
      expect(await page.getByTestId('pool-capacity').textContent()).toBe('Capacité : 1 / 3 places attribuées');
      expect(await page.getByTestId('seats-sync').textContent()).toBe('Envoyer les places au serveur ITSM');
      await page.getByTestId('seats-sync').click();
      await expect.poll(() => page.getByTestId('seats-sync-result').textContent()).toBe('1 changement(s) envoyé(s), 0 en attente.');
      const licence = (name: string) => glpi.licences.licences().find((l) => glpiDecode(String(l.name)) === name)!;
      expect(glpi.licences.seatsOf(licence('VPN agents — Métropole').id)).toHaveLength(1);

      // Another console gives the Ville's only seat in GLPI; here the hotline gives it too.
      glpi.licences.assignInUi(licence('VPN agents — Ville').id, other);
      await call('seats.assign', { poolId: pool.id, holder: { name: 'Ana Garcia', login: 'agent-garcia', organisationId: 'ville', reason: 'télétravail' } });
      await expect.poll(() => page.getByTestId('pool-capacity').textContent()).toBe('Capacité : 2 / 3 places attribuées');
      await page.getByTestId('seats-sync').click();
      const result = page.getByTestId('seats-sync-result');
      await expect.poll(() => result.textContent()).toContain('VPN agents / agent-garcia : GLPI : « VPN agents » est complet (quota Ville atteint : 2/1)');
      expect(await result.textContent()).toContain("Rien n'a été attribué dans GLPI");
      await screenshot(page, 'seats-glpi-quota-race');
      expect(glpi.licences.seatsOf(licence('VPN agents — Ville').id).map((s) => s.items_id)).toEqual([other]);
      await page.close();
    } finally {
      await host.dispose();
      await glpi.close();
    }
  }, 90_000);
});
