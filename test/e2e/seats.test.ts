/**
 * "Accès distants" in real Chromium over the local web host: two requests are taken from the
 * page (an older tier 3 one, then a tier 1 one); the tier 1 agent is proposed and gets the
 * next free VPN seat; the Ville's share is then full and the quota message says so, with the
 * Métropole seats that could be lent; the tier 3 request can borrow one. With GLPI as the
 * server, the page sends seats to GLPI's licences and reports a quota another console filled.
 */
import { describe, expect, it } from 'vitest';
import { caller, withBrowser } from '../support/console';
import { screenshot } from '../support/browser';
import { startTestHost } from '../support/web-host';
import { ensureOrgSchema } from '../integration/seats/harness';
import { startOpenVpnLab } from '../services/openvpn';
import { glpiDecode, startGlpiFake } from '../services/glpi-fake';

const ui = withBrowser();

describe('remote-access seats page', () => {
  it('a tier 1 request takes the next free VPN seat ahead of an older tier 3 one; the quota message shows', async () => {
    const clock = { now: new Date('2026-03-12T08:00:00Z') };
    const host = await startTestHost({ clock: () => clock.now });
    try {
      ensureOrgSchema(host.service.core.db);
      const call = caller(host.service, 'setup');
      const pool = await call('seats.createPool', {
        name: 'VPN agents',
        kind: 'vpn',
        capacity: 4,
        shares: [
          { organisationId: 'ville', quota: 2, lendable: true },
          { organisationId: 'metropole', quota: 2, lendable: true },
        ],
      });
      await call('seats.assign', { poolId: pool.id, holder: { name: 'Agent Urbanisme', login: 'urba-1', organisationId: 'ville', reason: 'télétravail' } });
      await call('seats.assign', { poolId: pool.id, holder: { name: 'Agent Voirie', login: 'voirie-1', organisationId: 'metropole', reason: 'astreinte' } });

      const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(host.url);
      await page.getByTestId('nav-seats').click();
      await page.getByTestId('pool-summary').waitFor();
      expect(await page.getByTestId('pool-capacity').textContent()).toBe('Capacité : 2 / 4 places attribuées');

      // The hotline logs the two requests from the keyboard, the tier 3 one first.
      const addRequest = async (name: string, login: string, tier: string) => {
        await page.keyboard.press('Alt+n');
        await page.keyboard.type(name);
        await page.keyboard.press('Tab');
        await page.keyboard.type(login);
        await page.getByTestId('req-org').selectOption('ville');
        await page.getByTestId('req-tier').selectOption(tier);
        await page.getByTestId('req-reason').fill('Accès au logiciel métier depuis le domicile');
        await page.getByTestId('req-reason').press('Enter');
        await page.getByTestId(`request-${login}`).waitFor();
      };
      await addRequest('Agent Culture', 'culture-1', '3');
      clock.now = new Date('2026-03-12T08:14:00Z');
      await addRequest('Agent État civil', 'etatcivil-1', '1');

      const rows = page.getByTestId('waitlist').locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.nth(0).getAttribute('data-testid')).toBe('request-etatcivil-1');
      expect(await rows.nth(0).getByTestId('request-why').textContent()).toMatch(/^Service vital \(niveau 1\), demande du 12\/03 \d\d:14$/);
      expect(await rows.nth(1).getByTestId('request-why').textContent()).toMatch(/^Service standard \(niveau 3\), demande du 12\/03 \d\d:00$/);
      expect(await rows.nth(1).textContent()).toContain('départagée par le niveau de service');
      await screenshot(page, 'seats-waitlist');

      // The tier 1 agent is proposed and takes the free Ville seat.
      await page.getByTestId('request-etatcivil-1').getByTestId('assign-proposed').click();
      await page.getByTestId('seat-etatcivil-1').waitFor();
      await expect.poll(() => page.getByTestId('pool-capacity').textContent()).toBe('Capacité : 3 / 4 places attribuées');
      await expect.poll(() => rows.count()).toBe(1);

      // The Ville's share is full: the page says so, with what the Métropole could lend.
      const quota = page.getByTestId('quota-message-ville');
      await expect.poll(() => quota.textContent()).toBe('quota Ville atteint : 2/2 ; 1 place Métropole prêtable');
      expect(await page.getByTestId('request-culture-1').textContent()).toContain('passée : quota Ville atteint : 2/2');
      await screenshot(page, 'seats-quota-full');

      // Borrowing is an explicit act: the tier 3 agent gets the Métropole's lendable seat.
      await page.getByTestId('request-culture-1').getByTestId('assign-borrow').click();
      await page.getByTestId('seat-culture-1').waitFor();
      expect(await page.getByTestId('seat-culture-1').textContent()).toContain('empruntée à Métropole');
      await expect.poll(() => page.getByTestId('quota-message-ville').textContent()).toBe('capacité atteinte : 4/4 places occupées');

      // Every change is in the audit log.
      const audit = await call('security.auditList', { limit: 20 });
      expect(audit.rows.map((r: any) => r.action).filter((a: string) => a === 'seat.assigned')).toHaveLength(4);
      await page.close();
    } finally {
      await host.dispose();
    }
  });

  it('shows who is connected now from a real OpenVPN server, and a confirmed reclaim ends the session', async () => {
    const lab = await startOpenVpnLab({ clients: ['agent-dupre', 'agent-martin'] });
    const host = await startTestHost();
    try {
      ensureOrgSchema(host.service.core.db);
      const call = caller(host.service, 'setup');
      const credential = await call('security.vaultPut', { label: 'OpenVPN management', kind: 'password', secret: lab.password });
      const pool = await call('seats.createPool', {
        name: 'VPN agents',
        kind: 'vpn',
        capacity: 50,
        shares: [
          { organisationId: 'ville', quota: 20, lendable: true },
          { organisationId: 'metropole', quota: 30, lendable: false },
        ],
        live: { kind: 'openvpn', host: lab.host, port: lab.port, credentialId: credential.id },
      });
      await call('seats.assign', { poolId: pool.id, holder: { name: 'Jeanne Dupré', login: 'agent-dupre', organisationId: 'ville', reason: 'télétravail' } });
      await call('seats.assign', { poolId: pool.id, holder: { name: 'Paul Martin', login: 'agent-martin', organisationId: 'metropole', reason: 'astreinte' } });

      const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(host.url);
      await page.getByTestId('nav-seats').click();
      await page.getByTestId('pool-summary').waitFor();
      await page.keyboard.press('Alt+l');
      await expect.poll(() => page.getByTestId('live-count').textContent(), { timeout: 10_000 }).toBe('connectés maintenant : 2 / 50');
      await screenshot(page, 'seats-live');

      await page.getByTestId('seat-agent-martin').getByTestId('seat-revoke').click();
      const dialog = page.getByTestId('reclaim-dialog');
      await dialog.waitFor();
      expect(await dialog.getByTestId('reclaim-disconnect').isChecked()).toBe(true);
      await page.keyboard.press('Enter'); // the reason field has the focus and a default reason
      await expect.poll(() => page.getByTestId('seat-list').textContent()).toContain('Session coupée.');
      expect(await page.getByTestId('seat-agent-martin').count()).toBe(0);
      expect(await lab.rawStatus()).not.toMatch(/^CLIENT_LIST\tagent-martin\t/m);
      await page.keyboard.press('Alt+l');
      await expect.poll(() => page.getByTestId('live-count').textContent(), { timeout: 10_000 }).toBe('connectés maintenant : 1 / 50');

      // The server goes away: the page keeps the last state and says why.
      await lab.down();
      await page.keyboard.press('Alt+l');
      await expect.poll(() => page.getByTestId('live-error').textContent(), { timeout: 10_000 }).toContain('Interface de gestion OpenVPN injoignable');
      expect(await page.getByTestId('live-count').textContent()).toBe('connectés maintenant : 1 / 50');
      await page.close();
    } finally {
      await host.dispose();
      await lab.down();
    }
  }, 90_000);

  it('the caller panel shows the seats the caller already holds', async () => {
    const host = await startTestHost({ demo: true });
    try {
      const call = caller(host.service, 'setup');
      const helene = host.service.core.db.prepare("SELECT id FROM people WHERE last_name = 'Dupré' AND first_name = 'Hélène'").pluck().get() as string;
      const pool = await call('seats.createPool', { name: 'VPN agents', kind: 'vpn', capacity: 10, validityDays: 30 });
      const seat = await call('seats.assign', { poolId: pool.id, holder: { name: 'Hélène Dupré', login: 'hdupre', personId: helene, organisationId: 'metropole', reason: 'astreinte eau' } });
      const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(host.url);
      await page.locator('nav a').first().waitFor();
      await page.keyboard.press('F2');
      await page.getByTestId('requester-input').waitFor();
      await page.keyboard.type('dupre');
      await page.getByTestId('requester-suggestions').getByText('Hélène Dupré', { exact: false }).first().waitFor();
      await page.keyboard.press('Enter');
      const expiry = new Date(seat.expiresAt).toLocaleDateString('fr-FR');
      await expect.poll(() => page.getByTestId('caller-seats').textContent()).toBe(`VPN agents jusqu'au ${expiry}`);
      await screenshot(page, 'seats-caller-panel');
      await page.close();
    } finally {
      await host.dispose();
    }
  });

  it('with GLPI as the server: sends seats to GLPI licences; a quota filled by another console is reported on the page', async () => {
    const glpi = await startGlpiFake();
    const host = await startTestHost();
    try {
      ensureOrgSchema(host.service.core.db);
      const call = caller(host.service, 'setup');
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

      const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
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
