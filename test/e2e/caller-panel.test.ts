import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';
import { startNewCall } from '../support/hotline';

const ui = withConsole({ demo: true });

const db = () => ui.host.service.core.db;

const newCall = startNewCall;

describe('caller panel and duplicate warning', () => {
  it("shows the caller's open tickets, warns of a duplicate and adds the call as a follow-up with one key", async () => {
    // A requester with an open ticket in the demo data.
    const open = db()
      .prepare(`SELECT t.id, t.number, t.subject, p.first_name || ' ' || p.last_name AS name FROM tickets t JOIN people p ON p.id = t.requester_id
                WHERE t.status < 5 AND t.created_at > datetime('now', '-6 days') ORDER BY t.number DESC LIMIT 1`)
      .get() as { id: string; number: number; subject: string; name: string };
    const count = () => (db().prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
    const before = count();
    const page = await ui.openPage();
    await newCall(page);
    await page.keyboard.type(open.name);
    await page.getByTestId('requester-suggestions').getByText(open.name, { exact: false }).first().waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('caller-open').textContent()).toContain(`n° ${open.number}`);
    await page.keyboard.type(open.subject);
    await expect.poll(() => page.getByTestId('caller-duplicates').textContent(), { timeout: 5000 }).toContain(`n° ${open.number}`);
    await screenshot(page, 'call-form-caller-panel-fr');
    await page.getByTestId('call-description').focus();
    await page.keyboard.type('Toujours pas réglé, rappel de l’agent.');
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.getByTestId('call-saved').textContent()).toContain(`n° ${open.number}`);
    expect(count()).toBe(before);
    const last = db().prepare("SELECT body FROM followups WHERE ticket_id = ? AND kind = 'note' ORDER BY created_at DESC, rowid DESC LIMIT 1").get(open.id) as { body: string };
    expect(last.body).toContain('Toujours pas réglé');
    await page.close();
  });

  it('many similar calls in the last hour: an outage warning', async () => {
    const people = db().prepare('SELECT id FROM people ORDER BY last_name LIMIT 4').all() as { id: string }[];
    for (const p of people.slice(0, 3)) {
      const r = await ui.host.service.dispatch('tickets.logCall', { requesterId: p.id, subject: 'Téléphonie IP coupée', description: 'Plus de tonalité sur le poste fixe.' }, { clientId: 't' });
      expect(r.ok).toBe(true);
    }
    const page = await ui.openPage();
    await newCall(page);
    await page.keyboard.type('Jean Appelant');
    await page.getByTestId('requester-suggestions').waitFor();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByTestId('call-subject').fill('Plus de tonalité, téléphonie coupée');
    await expect.poll(() => page.getByTestId('caller-outage').textContent(), { timeout: 5000 }).toMatch(/3 appels semblables depuis une heure/);
    await page.close();
  });

  it('an outage: the call is linked under the "incident majeur" ticket with Alt+Shift+N, and both tickets show the link', async () => {
    const people = db().prepare('SELECT id FROM people ORDER BY last_name DESC LIMIT 3').all() as { id: string }[];
    for (const p of people) {
      const r = await ui.host.service.dispatch('tickets.logCall', { requesterId: p.id, subject: 'Messagerie Outlook indisponible', description: 'Impossible d’ouvrir Outlook.' }, { clientId: 't' });
      expect(r.ok).toBe(true);
    }
    const before = (db().prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
    const page = await ui.openPage();
    await newCall(page);
    await page.keyboard.type('Jean Appelant');
    await page.getByTestId('requester-suggestions').waitFor();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByTestId('call-subject').fill('Outlook indisponible, messagerie bloquée');
    const outage = page.getByTestId('caller-outage');
    await expect.poll(() => outage.textContent(), { timeout: 5000 }).toMatch(/3 appels semblables depuis une heure/);
    // Each open ticket of the outage offers the link; the first one is Alt+Shift+1.
    const first = outage.getByTestId('caller-ticket').first();
    await first.getByTestId('caller-link-parent').waitFor();
    const parentNumber = Number(/n° (\d+)/.exec((await first.textContent())!)![1]);
    await screenshot(page, 'call-form-outage-link');
    await page.keyboard.press('Alt+Shift+Digit1');
    await expect.poll(() => page.getByTestId('call-saved').textContent()).toContain(`rattaché à l'incident majeur n° ${parentNumber}`);
    expect((db().prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n).toBe(before + 1);
    const child = db().prepare('SELECT t.id, t.number FROM ticket_links l JOIN tickets t ON t.id = l.child_id JOIN tickets p ON p.id = l.parent_id WHERE p.number = ?').get(parentNumber) as { id: string; number: number };
    const parentId = (db().prepare('SELECT id FROM tickets WHERE number = ?').get(parentNumber) as { id: string }).id;
    // Through the workflow: a link entry on each ticket, each with its outbox row.
    const outbox = db().prepare("SELECT ticket_id FROM outbox WHERE kind = 'followup.create' AND json_extract(payload, '$.kind') = 'link'").all() as { ticket_id: string }[];
    expect(outbox.map((o) => o.ticket_id).sort()).toEqual([child.id, parentId].sort());

    // The child's page names its parent; the parent's page lists the call, both timelines say so.
    await page.evaluate((id) => (location.hash = `#/ticket/${id}`), child.id);
    await expect.poll(() => page.getByTestId('ticket-parent').textContent()).toContain(`n° ${parentNumber} — Messagerie Outlook indisponible`);
    expect(await page.getByTestId('timeline').locator('li[data-kind="link"]').textContent()).toContain(`Rattaché à l'incident majeur n° ${parentNumber}`);
    await page.getByTestId('ticket-parent').locator('a').click();
    await expect.poll(() => page.getByTestId('ticket-children').textContent()).toContain(`n° ${child.number}`);
    expect(await page.getByTestId('timeline').locator('li[data-kind="link"]').textContent()).toContain(`Appel rattaché : ticket n° ${child.number} (Jean Appelant)`);
    await screenshot(page, 'ticket-incident-majeur-children');
    await page.close();
  });
});
