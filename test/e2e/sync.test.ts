/**
 * The sync UI in Chromium over the local web host, against a real Request Tracker 5:
 * the status bar's one sentence through each state (local only, token refused, synchronised,
 * unreachable since T with changes waiting, rejected changes with "Tout réessayer"), the
 * settings (token typed once and kept in the vault, verdict naming the authenticated account,
 * confirmation before saving a configuration whose test failed, the last verdict beside it),
 * and the ticket banner (a change parked with RT's message, discarded after confirmation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';
import { startRt, type RtInstance } from '../services/rt';
import { localUpdate, logCall } from '../support/sync-harness';

const ui = withConsole();
let rt: RtInstance;

beforeAll(async () => {
  rt = await startRt();
});
afterAll(async () => {
  await rt?.dispose();
});

describe('sync UI', () => {
  it('says one truthful sentence in each state, with the action that helps; settings confirm a failed test; parked change discarded', async () => {
    const db = ui.host.service.core.db;
    const call = logCall(db, { subject: 'Appel e2e hors ligne', followups: ['noté pendant la coupure'] });
    const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
    const sentence = () => page.getByTestId('sync-sentence').textContent();
    await page.goto(ui.host.url);
    // Local only: no server, and then no pending count.
    await expect.poll(sentence).toContain('Local uniquement');
    expect(await sentence()).not.toContain('attente');
    expect(await page.getByTestId('sync-action').textContent()).toContain('Configurer un serveur');
    await screenshot(page, 'sync-state-local-fr');

    await page.getByTestId('sync-action').click();
    await page.getByTestId('sync-kind').selectOption('rt');
    await page.getByTestId('sync-url').fill(rt.url);
    await page.getByTestId('sync-user').fill('bob.nobody');
    await page.getByTestId('sync-token').fill('1-99-wrong-token');
    await page.getByTestId('sync-test').click();
    await expect.poll(() => page.getByTestId('sync-verdict').textContent(), { timeout: 20_000 }).toContain('Identifiants refusés');
    // Saving what failed its test asks first.
    await page.getByTestId('sync-save').click();
    await expect.poll(() => page.getByTestId('sync-confirm-save').count()).toBe(1);
    await page.getByTestId('sync-confirm-save-yes').click();
    await expect.poll(() => page.getByTestId('sync-saved').count()).toBe(1);
    await expect.poll(() => page.getByTestId('sync-last-test').textContent()).toContain('Dernier test en échec');
    // Token refused: one global sentence and the action to renew it.
    await expect.poll(sentence, { timeout: 30_000 }).toContain('Jeton refusé par le serveur');
    expect(await page.getByTestId('sync-action').textContent()).toContain('Renouveler le jeton');
    await screenshot(page, 'sync-state-token-refused-fr');

    await page.getByTestId('sync-token').fill(rt.token);
    await page.getByTestId('sync-test').click();
    await expect.poll(() => page.getByTestId('sync-verdict').textContent(), { timeout: 20_000 }).toContain('Connexion réussie');
    // The account RT authenticated, not the name typed.
    expect(await page.getByTestId('sync-verdict').textContent()).toContain('compte authentifié : relais');
    expect(await page.getByTestId('sync-verdict').textContent()).not.toContain('bob.nobody');
    await page.getByTestId('sync-save').click();
    expect(await page.getByTestId('sync-confirm-save').count()).toBe(0);
    expect(await page.getByTestId('sync-token').inputValue()).toBe('');
    expect(await page.getByTestId('sync-token').getAttribute('placeholder')).toContain('coffre-fort');
    await expect.poll(sentence, { timeout: 60_000 }).toContain('Synchronisé à');
    expect(await sentence()).not.toContain('attente');
    expect(await page.content()).not.toContain(rt.token);
    const cfg = db.prepare("SELECT value FROM sync_state WHERE key = 'config'").get() as { value: string };
    expect(cfg.value).not.toContain(rt.token);
    await screenshot(page, 'sync-state-synced-fr');

    // The server goes down: unreachable since T, with what waits; the last success does not move.
    const synced = await sentence();
    await rt.stop();
    try {
      localUpdate(db, call.ticketId, { priority: 4 });
      await page.getByTestId('sync-action').click();
      await expect.poll(sentence, { timeout: 60_000 }).toContain('Serveur injoignable depuis');
      await expect.poll(sentence, { timeout: 10_000 }).toContain('1 en attente');
      expect(await page.getByTestId('sync-action').textContent()).toContain('Réessayer maintenant');
      await screenshot(page, 'sync-state-unreachable-fr');
    } finally {
      await rt.start();
    }
    await page.getByTestId('sync-action').click();
    await expect.poll(sentence, { timeout: 60_000 }).toContain('Synchronisé à');
    expect(synced).toContain('Synchronisé à');

    // A change RT refuses: "N rejetée(s)" with "Tout réessayer", RT's message on the ticket.
    localUpdate(db, call.ticketId, { technician: 'personne.inconnue' });
    await page.getByTestId('sync-action').click();
    // Sentence and action are read together: a background retry may re-render the bar between two reads.
    const bar = async () => `${await sentence()} | ${await page.getByTestId('sync-action').textContent()}`;
    await expect.poll(bar, { timeout: 60_000 }).toMatch(/1 modification rejetée par le serveur.* \| .*Tout réessayer \(1\)/);
    await screenshot(page, 'sync-state-rejected-fr');
    await page.goto(`${ui.host.origin}/#/ticket/${call.ticketId}`);
    await expect.poll(() => page.getByTestId('server-message').textContent(), { timeout: 20_000 }).toContain('That user does not exist');
    await page.getByTestId('discard-op').click();
    await expect.poll(() => page.getByText('Abandonner cette modification').count()).toBe(1);
    await page.getByTestId('confirm-discard').click();
    await expect.poll(() => page.getByTestId('ticket-sync-banner').count()).toBe(0);
    // The copy is stored as facts and worded on the timeline in the reader's language.
    const copy = db.prepare("SELECT body, data FROM followups WHERE ticket_id = ? AND kind = 'sync_discarded'").get(call.ticketId) as { body: string; data: string } | undefined;
    expect(copy?.body).toBe('');
    expect(copy?.data).toContain('personne.inconnue');
    const notice = page.getByTestId('timeline').locator('li[data-kind="sync_discarded"]');
    await expect.poll(() => notice.textContent(), { timeout: 20_000 }).toContain('Modification abandonnée (non envoyée au serveur) : modification : technician = "personne.inconnue"');
    expect(await notice.textContent()).toContain('refus du serveur : ');
    await screenshot(page, 'sync-discarded-notice-fr');
    await expect.poll(sentence, { timeout: 20_000 }).toContain('Synchronisé à');
    await page.close();
  }, 240_000);

  it('on a fresh RT, the test lists what is missing in French and "Préparer le serveur" creates it', async () => {
    const fresh = await startRt({ variant: 'fresh' });
    const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await page.goto(ui.host.url);
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('settings-section-server').click();
      await page.getByTestId('sync-url').fill(fresh.url);
      await page.getByTestId('sync-token').fill(fresh.token);
      await page.getByTestId('sync-test').click();
      await expect.poll(() => page.getByTestId('sync-readiness').count(), { timeout: 30_000 }).toBe(1);
      const missing = page.locator('[data-testid="sync-check"][data-ok="false"]');
      await expect.poll(() => missing.count()).toBeGreaterThanOrEqual(13);
      const texts = await missing.allTextContents();
      expect(texts).toContain('✖ File « SIG » absente : les tickets de l’équipe SIG seraient refusés');
      expect(texts).toContain('✖ Champ personnalisé « Urgency » absent : cette information ne serait pas envoyée');
      await page.getByTestId('sync-readiness').scrollIntoViewIfNeeded();
      await screenshot(page, 'sync-readiness-missing-fr');
      await page.getByTestId('sync-prepare').click();
      await expect.poll(() => missing.count(), { timeout: 60_000 }).toBe(0);
      await expect.poll(() => page.getByTestId('sync-verdict').textContent()).toContain('Connexion réussie');
      await page.getByTestId('sync-readiness').scrollIntoViewIfNeeded();
      await screenshot(page, 'sync-readiness-prepared-fr');
    } finally {
      await page.close();
      await fresh.dispose();
    }
  }, 180_000);
});
