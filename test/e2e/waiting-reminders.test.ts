import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';

const ui = withConsole({ demo: true });

describe('"En attente" with a reason and a reminder', () => {
  it('asks for a reason in plain words, records it with the reminder, and the reminders view lists it once due', async () => {
    const res = await ui.host.service.dispatch('tickets.logCall', { requesterName: 'Jean Rappel', subject: 'Attente du technicien opérateur', description: 'Ligne coupée.' }, { clientId: 't' });
    const ticket = (res as { value: { id: string; number: number } }).value;
    const page = await ui.openPage();
    await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticket.id);
    await page.getByTestId('ticket-page').waitFor();
    await page.getByTestId('status-select').selectOption('4');
    await page.getByTestId('status-apply').click();
    await expect.poll(() => page.getByTestId('ticket-error').textContent()).toContain('Indiquez pourquoi le ticket est en attente');
    await page.getByTestId('wait-reason').fill("Passage de l'opérateur télécom");
    // A reminder already due (one minute ago), so the view lists it now.
    const due = new Date(Date.now() - 60_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page.getByTestId('wait-remind').fill(`${due.getFullYear()}-${pad(due.getMonth() + 1)}-${pad(due.getDate())}T${pad(due.getHours())}:${pad(due.getMinutes())}`);
    await page.getByTestId('status-apply').click();
    await expect.poll(() => page.getByTestId('ticket-status').textContent()).toBe('En attente');
    expect(await page.getByTestId('timeline').textContent()).toContain("Passage de l'opérateur télécom");
    const row = ui.host.service.core.db.prepare('SELECT waiting_reason, remind_at FROM tickets WHERE id = ?').get(ticket.id) as { waiting_reason: string; remind_at: string };
    expect(row.waiting_reason).toBe("Passage de l'opérateur télécom");

    await page.keyboard.press('F3');
    await page.getByTestId('view-reminders').click();
    await expect.poll(() => page.getByTestId('queue-row').first().textContent()).toContain('Attente du technicien opérateur');
    const numbers = await page.locator('[data-testid="queue-row"] .c-number').allTextContents();
    expect(numbers).toContain(String(ticket.number));
    // Taken back in hand: the reminder no longer applies.
    await ui.host.service.dispatch('tickets.setStatus', { id: ticket.id, status: 2 }, { clientId: 't' });
    await expect.poll(async () => (await page.locator('[data-testid="queue-row"] .c-number').allTextContents()).includes(String(ticket.number))).toBe(false);
    await page.close();
  });
});
