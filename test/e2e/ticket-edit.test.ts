import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';
import { focusedTestId } from '../support/hotline';
import { readOutbox } from '../../src/features/tickets/outbox';

const ui = withConsole({ demo: true });

const focused = focusedTestId;
const db = () => ui.host.service.core.db;

/** Logs a call for the first "Lefèvre" of the directory, as a hurried operator would. */
async function ticketForWrongLefevre(): Promise<{ id: string; personId: string }> {
  const people = db().prepare("SELECT id, first_name, last_name FROM people WHERE last_name = 'Lefèvre' ORDER BY first_name").all() as { id: string }[];
  expect(people.length).toBeGreaterThanOrEqual(2);
  const res = await ui.host.service.dispatch('tickets.logCall', { requesterId: people[0]!.id, subject: 'Scanner du guichet en panne', description: 'Le scanner ne numérise plus.' }, { clientId: 't' });
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return { id: (res.value as { id: string }).id, personId: people[0]!.id };
}

describe('ticket page: corrections and keyboard', () => {
  it('fixes a wrong homonym in two keystrokes (D, Enter): timeline entry and outbox row', async () => {
    const { id, personId } = await ticketForWrongLefevre();
    const outboxBefore = readOutbox(db()).length;
    const page = await ui.openPage();
    await page.evaluate((tid) => (location.hash = `#/ticket/${tid}`), id);
    await page.getByTestId('ticket-page').waitFor();
    // Focus lands on the first action.
    // Focus lands on the first action (taking charge is done: the operator logged it).
    await expect.poll(() => focused(page)).toBe('ticket-edit');
    const before = (await page.getByTestId('ticket-requester').textContent())!;
    await page.keyboard.press('d');
    await page.getByTestId('requester-fix-list').locator('[role="option"]').first().waitFor();
    await screenshot(page, 'ticket-homonym-fix');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('ticket-requester').textContent()).not.toBe(before);
    const after = (await page.getByTestId('ticket-requester').textContent())!;
    expect(after).toContain('Lefèvre');
    const row = db().prepare('SELECT requester_id FROM tickets WHERE id = ?').get(id) as { requester_id: string };
    expect(row.requester_id).not.toBe(personId);
    await expect.poll(() => page.getByTestId('timeline').textContent()).toMatch(/Correction.*Demandeur : .*Lefèvre.* → .*Lefèvre/s);
    const ops = readOutbox(db()).slice(outboxBefore);
    expect(ops.some((o) => o.kind === 'ticket.update' && 'requesterId' in ((o.payload as { changes: object }).changes))).toBe(true);
    await page.close();
  });

  it('corrects urgency and impact: priority and SLA due date are recomputed and the change is on the timeline', async () => {
    const { id } = await ticketForWrongLefevre();
    const before = db().prepare('SELECT priority, ttr_due FROM tickets WHERE id = ?').get(id) as { priority: number; ttr_due: string };
    const page = await ui.openPage();
    await page.evaluate((tid) => (location.hash = `#/ticket/${tid}`), id);
    await page.getByTestId('ticket-page').waitFor();
    await expect.poll(() => focused(page)).toBe('ticket-edit');
    await page.keyboard.press('e');
    await expect.poll(() => focused(page)).toBe('edit-subject');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Scanner du guichet état civil en panne');
    await page.getByTestId('edit-urgency').selectOption('5');
    await page.getByTestId('edit-impact').selectOption('5');
    await page.getByTestId('edit-channel').selectOption('walk_in');
    await page.getByTestId('edit-subject').focus();
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('h1').textContent()).toContain('état civil');
    const after = db().prepare('SELECT priority, ttr_due, channel FROM tickets WHERE id = ?').get(id) as { priority: number; ttr_due: string; channel: string };
    expect(after.priority).toBe(5);
    expect(after.priority).not.toBe(before.priority);
    expect(after.ttr_due < before.ttr_due).toBe(true);
    expect(after.channel).toBe('walk_in');
    // The timeline follows the correction once the ticket is read again.
    // From whatever the call got (the priority rules may have raised it) to "Très haute".
    const from = ({ 1: 'Très basse', 2: 'Basse', 3: 'Moyenne', 4: 'Haute' } as Record<number, string>)[before.priority];
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain(`Priorité : ${from} → Très haute`);
    const tl = (await page.getByTestId('timeline').textContent())!;
    expect(tl).toContain('Source : Téléphone → Guichet');
    await page.close();
  });

  it('shortcuts: ? lists them, S focuses the follow-up, Escape goes back to the queue with the selection kept', async () => {
    const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(ui.host.url);
    await page.getByTestId('queue-row').first().waitFor();
    await page.getByTestId('queue-list').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const chosen = (await page.locator('[data-testid="queue-row"][aria-selected="true"]').textContent())!;
    await page.keyboard.press('Enter');
    await page.getByTestId('ticket-page').waitFor();
    await page.keyboard.press('?');
    await page.getByTestId('shortcut-help').waitFor();
    const help = (await page.getByTestId('shortcut-help').textContent())!;
    for (const label of ['Ajouter un suivi', 'Prendre en charge', 'Résoudre', 'Nouvel appel pour ce demandeur', 'Changer de demandeur']) expect(help).toContain(label);
    await screenshot(page, 'ticket-shortcuts-help');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcut-help').count()).toBe(0);
    await page.keyboard.press('s');
    await expect.poll(() => focused(page)).toBe('followup-body');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/queue');
    await expect.poll(() => focused(page)).toBe('queue-list');
    expect(await page.locator('[data-testid="queue-row"][aria-selected="true"]').textContent()).toBe(chosen);
    await page.close();
  });

  it("the PC page opened from a ticket leads back to that ticket", async () => {
    const agent = db().prepare("SELECT id FROM people WHERE last_name = 'Dupré' AND first_name = 'Hélène'").get() as { id: string };
    const res = await ui.host.service.dispatch('tickets.logCall', { requesterId: agent.id, description: 'Écran figé.' }, { clientId: 't' });
    const ticket = (res as { value: { id: string } }).value;
    const page = await ui.openPage();
    await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticket.id);
    await page.getByTestId('rdp-asset-link').click();
    await page.getByTestId('asset-panel').waitFor();
    await page.getByTestId('pc-back-to-ticket').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/ticket/${ticket.id}`);
    await page.close();
  });
});
