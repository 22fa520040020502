import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';
import { focusedTestId } from '../support/hotline';

const ui = withConsole({ demo: true });

const focused = focusedTestId;

describe('hotline, keyboard only', () => {
  it('logs a call for Hélène Dupré, routes it to Interventions, finds it, adds a follow-up and resolves it', async () => {
    const page = await ui.openPage({ width: 1280, height: 800 });

    // F2 from anywhere opens the call form (a new draft) with the requester field focused;
    // the timer runs from the first keystroke.
    await page.keyboard.press('F2');
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#\/call\/[\w-]+$/);
    await expect.poll(() => focused(page)).toBe('requester-input');

    await page.keyboard.type('dupre');
    await expect.poll(() => page.getByTestId('call-timer').textContent(), { timeout: 5000 }).toMatch(/00:0[1-9]/);
    await page.getByTestId('requester-suggestions').getByText('Hélène Dupré', { exact: false }).first().waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('requester-chosen').textContent()).toContain('Hélène Dupré');
    expect(await page.getByTestId('requester-chosen').textContent()).toContain('PC-EAU-0042');
    // Focus moved on to the subject.
    await expect.poll(() => focused(page)).toBe('call-subject');
    await page.keyboard.type('Compteur de sectorisation hors ligne');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Le logiciel de télérelève ne voit plus le compteur du secteur nord depuis ce matin.');
    await page.keyboard.press('Tab'); // category
    await page.keyboard.press('Tab'); // urgency
    await page.keyboard.press('ArrowDown'); // urgency 4
    await expect.poll(() => page.getByTestId('call-urgency').inputValue()).toBe('4');
    await screenshot(page, 'hotline-call-form');

    // F9 routes: the team chooser opens with focus, the number picks Interventions.
    await page.keyboard.press('F9');
    await page.getByTestId('team-chooser').waitFor();
    const interventions = await page.getByTestId('team-chooser').locator('li', { hasText: 'Interventions' }).textContent();
    await page.keyboard.press(interventions!.trim().charAt(0));
    await expect.poll(() => page.getByTestId('call-saved').textContent(), { timeout: 10_000 }).toContain('transmis à Interventions');
    const saved = (await page.getByTestId('call-saved').textContent())!;
    const number = /n° (\d+)/.exec(saved)![1]!;
    // Ready for the next call at once.
    await expect.poll(() => focused(page)).toBe('requester-input');
    await screenshot(page, 'hotline-call-saved');

    // The queue finds it by full-text search on the description, with the match marked.
    await page.keyboard.press('F3');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/queue');
    // The queue page is drawn (its shortcut is live) before the operator presses Ctrl+K.
    await page.getByTestId('queue-search').waitFor();
    await page.keyboard.press('Control+k');
    await expect.poll(() => focused(page)).toBe('queue-search');
    await page.keyboard.type('telereleve');
    await expect.poll(() => page.getByTestId('queue-total').textContent()).toMatch(/^1 ticket/);
    await expect.poll(() => page.getByTestId('queue-row').first().locator('mark').first().textContent()).toMatch(/télérelève/i);
    await screenshot(page, 'hotline-queue-search');
    await page.keyboard.press('Enter'); // from the search box into the list
    await expect.poll(() => focused(page)).toBe('queue-list');
    await page.keyboard.press('Enter'); // opens the active row
    await page.getByTestId('ticket-page').waitFor();
    expect(await page.locator('h1').textContent()).toContain(`n° ${number}`);
    expect(await page.getByTestId('ticket-team').textContent()).toBe('Interventions');
    expect(await page.getByTestId('ticket-assets').textContent()).toContain('PC-EAU-0042');
    expect(await page.getByTestId('timeline').textContent()).toContain("Durée de l'appel");

    // Follow-up by keyboard: Tab to the field, type, Ctrl+Enter.
    await page.getByTestId('followup-body').focus();
    await page.keyboard.type('Compteur redémarré à distance, relevé reçu à 10 h 12.');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('Compteur redémarré à distance');

    await page.getByTestId('solution-body').focus();
    await page.keyboard.type('Passerelle radio du secteur nord réinitialisée.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('ticket-status').textContent()).toBe('Résolu');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('Passerelle radio du secteur nord réinitialisée.');
    await screenshot(page, 'hotline-ticket-resolved');
    await page.close();
  });

  it('keeps the input and says why when the call cannot be logged', async () => {
    const page = await ui.openPage({ width: 1280, height: 800 });
    await page.keyboard.press('F2');
    await expect.poll(() => focused(page)).toBe('requester-input');
    // Free-text requester (not in the directory), then save with Ctrl+Enter without a description.
    await page.keyboard.type('Jean Inconnu');
    await page.getByTestId('requester-suggestions').waitFor();
    await page.keyboard.press('ArrowUp'); // the last option: requester not in the directory
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('requester-name').inputValue()).toBe('Jean Inconnu');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('call-error').textContent()).toContain('description');
    expect(await page.getByTestId('requester-name').inputValue()).toBe('Jean Inconnu');
    await page.getByTestId('call-description').focus();
    await page.keyboard.type('Badge refusé au portique du centre technique.');
    await page.keyboard.press('F8');
    await page.getByTestId('solution-prompt').waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Badge réactivé dans le contrôle d’accès.');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('call-saved').textContent()).toContain('résolu au téléphone');
    await page.close();
  });

  it('keeps the call in the form with a clear message when the disk is full, and saves it once space is back', async () => {
    const page = await ui.openPage({ width: 1280, height: 800 });
    await page.keyboard.press('F2');
    await expect.poll(() => focused(page)).toBe('requester-input');
    await page.keyboard.type('francois lefevre');
    await page.getByTestId('requester-suggestions').getByText('François Lefèvre').first().waitFor();
    await page.keyboard.press('Enter');
    const description = 'Le scanner du guichet ne numérise plus les actes. '.repeat(150);
    await page.getByTestId('call-description').fill(description);
    const db = ui.host.service.core.db;
    // No free pages left and no growth allowed: the next write fails with SQLITE_FULL, as on a full disk.
    db.exec('VACUUM');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    try {
      await page.keyboard.press('Control+Enter');
      await expect.poll(() => page.getByTestId('call-error').textContent()).toContain('Le disque est plein');
      expect(await page.getByTestId('call-description').inputValue()).toBe(description);
      expect(await page.getByTestId('requester-chosen').textContent()).toContain('François Lefèvre');
      await screenshot(page, 'hotline-disk-full');
    } finally {
      db.pragma('max_page_count = 1073741823');
    }
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('call-saved').textContent()).toContain('Appel enregistré');
    await page.close();
  });

  it('updates the queue live when a ticket is logged elsewhere', async () => {
    const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(ui.host.url);
    await page.getByTestId('queue-row').first().waitFor();
    await page.getByTestId('view-all').click();
    await expect.poll(() => page.getByTestId('queue-total').textContent()).toMatch(/^\d+ tickets$/);
    const before = Number(/^(\d+)/.exec((await page.getByTestId('queue-total').textContent())!)![1]);
    const res = await ui.host.service.dispatch('tickets.logCall', { requesterName: 'Poste de police', description: 'Radio du poste muette' }, { clientId: 'other' });
    expect(res.ok).toBe(true);
    await expect.poll(() => page.getByTestId('queue-total').textContent()).toBe(`${before + 1} tickets`);
    await expect.poll(() => page.getByTestId('queue-row').first().textContent()).toContain('Radio du poste muette');
    await page.close();
  });
});
