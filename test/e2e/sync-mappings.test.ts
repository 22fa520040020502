/**
 * Settings › Serveur ITSM › Correspondances in Chromium, against a real Request Tracker 5:
 * with the keyboard, the SIG team is given RT's "General" queue picked from the server's own
 * list; a call routed to SIG then lands in that queue. A refused map says why, in French.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';
import { startRt, type RtInstance } from '../services/rt';
import { rtFetch } from '../integration/sync/rt-helpers';

const ui = withConsole();
let rt: RtInstance;
const caller = { clientId: 'e2e' };

beforeAll(async () => {
  rt = await startRt();
});
afterAll(async () => {
  await rt?.dispose();
});

describe('sync mappings UI', () => {
  it('maps a team to a queue from RT’s list with the keyboard; the next routed call lands there', async () => {
    const { service } = ui.host;
    const configured = await service.dispatch('sync.configure', { kind: 'rt', url: rt.url, token: rt.token }, caller);
    expect(configured.ok).toBe(true);
    const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(ui.host.url);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-section-server').click();
    const picker = page.getByTestId('map-team-SIG');
    // The picker lists the server's queues once they arrive.
    await expect.poll(() => picker.locator('option').allTextContents(), { timeout: 30_000 }).toContain('General');
    expect(await picker.inputValue()).toBe('');
    expect(await picker.locator('option').first().textContent()).toBe('File du même nom (SIG)');
    await picker.focus();
    await picker.selectOption('General');
    await page.getByTestId('sync-mappings-save').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('sync-mappings-saved').count()).toBe(1);
    expect(await page.getByTestId('sync-mappings-saved').textContent()).toContain('Correspondances enregistrées');
    await page.getByTestId('sync-mappings').scrollIntoViewIfNeeded();
    await screenshot(page, 'sync-mappings-rt-fr');

    // Two teams in one queue: refused, with what to do; the saved map stays.
    await page.getByTestId('map-team-Applications').selectOption('General');
    await page.getByTestId('sync-mappings-save').click();
    await expect.poll(() => page.getByTestId('sync-mappings-error').textContent()).toContain('Donnez une file différente à chaque équipe');
    const mapped = await service.dispatch('mappings.get', undefined, caller);
    expect(mapped.ok && (mapped.value as { queueMap: Record<string, string> }).queueMap).toEqual({ SIG: 'General' });
    // The refused choice is still on screen, unsaved: "Annuler les modifications" shows the stored map again.
    expect(await page.getByTestId('sync-mappings-save-dirty').textContent()).toBe('Modifications non enregistrées');
    await page.getByTestId('sync-mappings-save-discard').click();
    expect(await page.getByTestId('map-team-Applications').inputValue()).toBe('');
    expect(await page.getByTestId('map-team-SIG').inputValue()).toBe('General');
    expect(await page.getByTestId('sync-mappings-save-dirty').count()).toBe(0);

    const teamId = (ui.host.service.core.db.prepare("SELECT id FROM teams WHERE name = 'SIG'").get() as { id: string }).id;
    const logged = await service.dispatch('tickets.logCall', { requesterName: 'Mme Agent', subject: 'Couche cadastre absente', description: 'x', outcome: 'route', teamId }, caller);
    expect(logged.ok).toBe(true);
    const ticketId = (logged as { value: { id: string } }).value.id;
    await expect
      .poll(() => (ui.host.service.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticketId) as { server_id: string | null }).server_id, { timeout: 60_000 })
      .not.toBeNull();
    const sid = (ui.host.service.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticketId) as { server_id: string }).server_id;
    const r = await rtFetch(rt, `/ticket/${sid}`);
    expect((await rtFetch(rt, `/queue/${r.body.Queue.id}`)).body.Name).toBe('General');
    await page.close();
  }, 180_000);
});
