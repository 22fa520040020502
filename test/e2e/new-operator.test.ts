import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';
import { focusedTestId, pickRequester, startNewCall } from '../support/hotline';

const ui = withConsole({ demo: true });

const db = () => ui.host.service.core.db;
const focused = focusedTestId;
const pick = pickRequester;

describe("a new operator's first hour", () => {
  it('name on first run, a call interrupted by a second one, duplicate → follow-up, a wrong requester corrected, a call solved with a template', async () => {
    const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(ui.host.url);
    // 1. First run: the console asks who is at it.
    await page.getByTestId('first-run').waitFor();
    await page.getByTestId('first-run-name').fill('Claire Martin');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('first-run').count()).toBe(0);
    expect(ui.host.service.core.currentUser()).toBe('Claire Martin');

    // 2. A call: an agent whose printer jams. It has an open ticket already (seeded below).
    const agent = db().prepare("SELECT id FROM people WHERE last_name = 'Dupré' AND first_name = 'Hélène'").get() as { id: string };
    const existing = await ui.host.service.dispatch('tickets.logCall', { requesterId: agent.id, subject: 'Imprimante du service en bourrage', description: 'Bourrage papier bac 2.' }, { clientId: 'other' });
    const existingTicket = (existing as { value: { id: string; number: number } }).value;
    await page.keyboard.press('F2');
    await expect.poll(() => focused(page)).toBe('requester-input');
    await pick(page, 'dupre', 'Hélène Dupré');
    await page.keyboard.type('Imprimante encore en bourrage');

    // 3. Interrupted: a second line. Start a new call, which is solved on the phone with a template.
    await page.keyboard.press('F2');
    await page.getByTestId('draft-chooser').waitFor();
    await page.keyboard.press('n');
    await expect.poll(() => focused(page)).toBe('requester-input');
    await pick(page, 'francois lefevre', 'François Lefèvre');
    await page.keyboard.type('Mot de passe expiré');
    await page.getByTestId('call-category').selectOption({ label: 'Compte et accès > Mot de passe' });
    await page.keyboard.press('F8');
    await page.getByTestId('solution-prompt').waitFor();
    await page.keyboard.press('Alt+1');
    expect(await page.getByTestId('solution-text').inputValue()).toContain('Mot de passe réinitialisé');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('call-saved').textContent()).toContain('résolu au téléphone');
    const solvedNumber = Number(/n° (\d+)/.exec((await page.getByTestId('call-saved').textContent())!)![1]);

    // 4. Back to the first caller: resume the draft, the duplicate warning shows, Alt+1 adds it as a follow-up.
    await page.keyboard.press('F2');
    await page.getByTestId('draft-chooser').waitFor();
    expect(await page.getByTestId('draft-option').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('call-subject').inputValue()).toBe('Imprimante encore en bourrage');
    await expect.poll(() => page.getByTestId('caller-duplicates').textContent(), { timeout: 5000 }).toContain(`n° ${existingTicket.number}`);
    await screenshot(page, 'journey-call-form-caller-panel-fr');
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.getByTestId('call-saved').textContent()).toContain(`n° ${existingTicket.number}`);
    const notes = db().prepare("SELECT body, author FROM followups WHERE ticket_id = ? AND kind = 'note'").all(existingTicket.id) as { body: string; author: string }[];
    expect(notes.map((n) => n.body).join()).toContain('Imprimante encore en bourrage');
    expect(notes[0]!.author).toBe('Claire Martin');

    // 5. The solved call went to the wrong Lefèvre: fix it from the ticket in two keys.
    const solvedId = (db().prepare('SELECT id FROM tickets WHERE number = ?').get(solvedNumber) as { id: string }).id;
    await page.evaluate((id) => (location.hash = `#/ticket/${id}`), solvedId);
    await page.getByTestId('ticket-page').waitFor();
    await expect.poll(() => focused(page)).toBe('ticket-edit');
    await page.keyboard.press('d');
    await page.getByTestId('requester-fix-list').locator('[role="option"]').first().waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toMatch(/Demandeur : François Lefèvre.* → .*Lefèvre/);
    expect(await page.getByTestId('timeline').textContent()).toContain('Mot de passe réinitialisé');
    expect(await page.getByTestId('ticket-technician').textContent()).toBe('Claire Martin');
    await page.close();
  });

  it('screenshots at 1366×768: queue, call form with caller panel, ticket — French and English', async () => {
    for (const locale of ['fr', 'en'] as const) {
      const r = await ui.host.service.dispatch('settings.set', { locale }, { clientId: 't' });
      expect(r.ok).toBe(true);
      const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(ui.host.url);
      await page.getByTestId('queue-row').first().waitFor();
      await screenshot(page, `screen-queue-${locale}`);
      await startNewCall(page);
      await pick(page, 'dupre', 'Hélène Dupré');
      await page.keyboard.type(locale === 'fr' ? 'Imprimante en bourrage' : 'Printer jam (bourrage)');
      await page.getByTestId('caller-open').waitFor();
      await page.getByTestId('caller-duplicates').waitFor();
      await screenshot(page, `screen-call-form-${locale}`);
      const anyTicket = (db().prepare('SELECT id FROM tickets WHERE status < 5 ORDER BY number DESC LIMIT 1').get() as { id: string }).id;
      await page.evaluate((id) => (location.hash = `#/ticket/${id}`), anyTicket);
      await page.getByTestId('ticket-page').waitFor();
      await page.getByTestId('timeline').waitFor();
      await screenshot(page, `screen-ticket-${locale}`);
      await page.close();
    }
    await ui.setLocale('fr');
  });
});
