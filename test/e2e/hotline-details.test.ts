/**
 * The smaller things a new operator tripped over (issue 11, "smaller things"; issue 12's caller
 * tier and rules on correction), each walked in Chromium at 1366×768 over the local web host
 * with the demo data: the RDP check says it is connecting and fails in one language, the tools
 * page keeps the launcher in view, a ticket's Windows tools offer the ticket's own PC, a
 * checklist's steps show before it starts, the caller panel shows the service's tier, and a
 * corrected requester re-runs the priority rules with the reason on the timeline.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import type { Page } from 'playwright-core';
import { screenshot } from '../support/browser';
import { focusedTestId, pickRequester, startNewCall } from '../support/hotline';

const ui = withConsole({ demo: true });
// A PC that accepts the RDP connection and never answers: the check waits, then times out.
let silent: net.Server;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  silent = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent?.close(r));
});

const db = () => ui.host.service.core.db;
const { ok, setLocale, openPage } = ui;
async function openTicket(page: Page, id: string) {
  await page.evaluate((tid) => (location.hash = `#/ticket/${tid}`), id);
  await page.getByTestId('ticket-page').waitFor();
}
const personId = (first: string, last: string) => (db().prepare('SELECT id FROM people WHERE first_name = ? AND last_name = ?').get(first, last) as { id: string }).id;

describe('RDP check: progress, then an error in one language', () => {
  it('shows "Connexion…" while the PC is silent, then says "délai dépassé" in French only — and "timed out" in English only', async () => {
    const port = (silent.address() as net.AddressInfo).port;
    const asset = (db().prepare("SELECT id FROM assets WHERE name = 'PC-EAU-0042'").get() as { id: string }).id;
    db().prepare("UPDATE assets SET ip = '127.0.0.1' WHERE id = ?").run(asset);
    await ok('rdp.setAssetMethods', { assetId: asset, methods: ['rdp', 'msra'], defaultMethod: 'rdp', settings: { port } });
    const ticket = await ok<{ id: string }>('tickets.logCall', { requesterId: personId('Hélène', 'Dupré'), subject: 'Session Windows figée' });

    for (const [locale, waiting, timeout, other] of [
      ['fr', 'Connexion à PC-EAU-0042…', 'délai dépassé', 'timed out'],
      ['en', 'Connecting to PC-EAU-0042…', 'timed out', 'délai'],
    ] as const) {
      await setLocale(locale);
      const page = await openPage();
      await openTicket(page, ticket.id);
      await page.getByTestId('rdp-connect-button').focus();
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => focusedTestId(page)).toBe('rdp-method-rdp');
      await page.keyboard.press('Enter');
      // The check waits on the PC (about 4 s): the operator sees that it is connecting.
      await expect.poll(() => page.getByTestId('rdp-connecting').textContent()).toBe(waiting);
      if (locale === 'fr') await screenshot(page, 'rdp-connecting');
      const error = page.getByTestId('rdp-error');
      await error.waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('rdp-connecting').count()).toBe(0);
      expect(await error.textContent()).toContain(timeout);
      expect(await error.textContent()).not.toContain(other);
      await page.close();
    }
    await setLocale('fr');
  });

  it('Remote Assistance from a console that is not on Windows: "ne peut être lancée" (feminine)', async () => {
    const asset = (db().prepare("SELECT id FROM assets WHERE name = 'PC-EAU-0042'").get() as { id: string }).id;
    await ok('rdp.setAssetMethods', { assetId: asset, methods: ['msra'], defaultMethod: 'msra' });
    const ticket = await ok<{ id: string }>('tickets.logCall', { requesterId: personId('Hélène', 'Dupré'), subject: 'Aide sur Excel' });
    const page = await openPage();
    await openTicket(page, ticket.id);
    await page.getByTestId('rdp-connect-button').click();
    await page.getByTestId('rdp-method-msra').click();
    await page.getByTestId('rdp-error').waitFor();
    expect(await page.getByTestId('rdp-error').textContent()).toContain("L'Assistance à distance Windows ne peut être lancée que depuis un poste Windows");
    await page.close();
  });
});

describe('tools page', () => {
  it('opens the launcher in view for the last tool of the list (keyboard), "Listes de contrôle" once, and previews a checklist', async () => {
    const page = await openPage();
    await page.getByTestId('nav-tools').click();
    const cards = page.getByTestId('tool-list').locator('button.tool-card');
    await cards.first().waitFor();
    const last = cards.last();
    await last.focus();
    await page.keyboard.press('Enter');
    const launcher = page.getByTestId('tools-page-launcher');
    await launcher.waitFor();
    // The launcher is on screen (1366×768), and the keyboard is in it.
    await expect.poll(async () => {
      const box = (await launcher.boundingBox())!;
      return box.y >= 0 && box.y + Math.min(box.height, 200) <= 768 && box.x >= 0 && box.x + box.width <= 1366;
    }).toBe(true);
    const box = (await launcher.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="tools-page-launcher"]'))).toBe(true);
    const toolId = (await last.getAttribute('data-testid'))!.replace(/^tool-/, '');
    expect(await launcher.getByTestId('tool-select').inputValue()).toBe(toolId);
    await screenshot(page, 'tools-launcher-in-view');
    // Escape goes back to the tool in the list.
    await page.keyboard.press('Escape');
    expect(await focusedTestId(page)).toBe(`tool-${toolId}`);

    // "Listes de contrôle" is said once (the section title), not again by its field.
    const text = (await page.locator('main').innerText()).split('Listes de contrôle').length - 1;
    expect(text).toBe(1);

    // A checklist's steps can be read before it is started; nothing starts by looking.
    const runsBefore = (db().prepare('SELECT COUNT(*) AS n FROM checklist_runs').get() as { n: number }).n;
    await page.getByTestId('checklist-select').selectOption('depannage-imprimante');
    const preview = page.getByTestId('checklist-preview');
    await preview.waitFor();
    const steps = preview.getByTestId('checklist-preview-step');
    expect(await steps.allTextContents()).toEqual([
      expect.stringContaining('Imprimante allumée, papier chargé'),
      expect.stringContaining('Redémarrer le spouleur'),
      expect.stringContaining("Réinstaller l'imprimante réseau"),
      expect.stringContaining('Page de test imprimée'),
    ]);
    expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['manual', 'tool', 'tool', 'manual']);
    expect((db().prepare('SELECT COUNT(*) AS n FROM checklist_runs').get() as { n: number }).n).toBe(runsBefore);
    await screenshot(page, 'tools-checklist-preview');
    await page.close();
  });

  it('in English, the tools page uses English punctuation (no space before a colon)', async () => {
    await setLocale('en');
    const page = await openPage();
    await page.getByTestId('nav-tools').click();
    await page.getByTestId('tool-list').locator('button.tool-card').first().waitFor();
    await page.getByTestId('checklist-select').selectOption('depannage-imprimante');
    await page.getByTestId('checklist-preview').waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain('Checklists');
    expect(text.match(/\S[ \u00a0\u202f][:;?!](?=\s|$)/g) ?? []).toEqual([]);
    await page.close();
    await setLocale('fr');
  });
});

describe("a ticket's tools", () => {
  it("offer the ticket's own Windows PC instead of \"Aucun poste compatible\", with the way to create its SSH profile", async () => {
    const ticket = await ok<{ id: string }>('tickets.logCall', { requesterId: personId('François', 'Lefèvre'), subject: 'Imprimante du guichet hors ligne' });
    const page = await openPage();
    await openTicket(page, ticket.id);
    const tools = page.getByTestId('ticket-tools');
    await tools.getByTestId('ticket-launch-tool').locator('summary').click();
    await tools.getByTestId('tool-select').selectOption('win-restart-spooler');
    const target = tools.getByTestId('tool-target');
    await target.waitFor();
    expect(await tools.textContent()).not.toContain('Aucun poste compatible');
    const asset = db().prepare("SELECT id, name, ip FROM assets WHERE name = 'PC-ECV-0002'").get() as { id: string; name: string; ip: string };
    expect(await target.inputValue()).toBe(`pc:${asset.id}`);
    expect(await target.locator('option:checked').textContent()).toBe(`PC-ECV-0002 — poste du ticket (${asset.ip})`);
    // No profile yet: the run waits for one, and the console says how to create it.
    expect(await tools.getByTestId('tool-run').isDisabled()).toBe(true);
    expect(await tools.getByTestId('tool-target-needs-profile').textContent()).toContain("PC-ECV-0002 n'a pas encore de profil SSH");
    await screenshot(page, 'ticket-tools-own-pc');
    await tools.getByTestId('tool-target-create-profile').click();
    // The remote-sessions page proposes the PC's profile, prefilled with its address.
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#\/remote/);
    await expect.poll(() => page.locator('input[value="' + asset.ip + '"]').count()).toBeGreaterThan(0);

    // Once it exists, the ticket's PC is the tool's target, chosen by default.
    const profile = await ok<{ id: string }>('ssh.profileSave', { name: 'PC-ECV-0002', host: asset.ip, port: 22, username: 'support', auth: 'agent', assetId: asset.id });
    await openTicket(page, ticket.id);
    await page.getByTestId('ticket-tools').getByTestId('ticket-launch-tool').locator('summary').click();
    await page.getByTestId('ticket-tools').getByTestId('tool-select').selectOption('win-restart-spooler');
    await expect.poll(() => page.getByTestId('ticket-tools').getByTestId('tool-target').inputValue()).toBe(`ssh:${profile.id}`);
    // The select shows its first option one frame before the launcher adopts it as the target.
    await expect.poll(() => page.getByTestId('ticket-tools').getByTestId('tool-run').isDisabled()).toBe(false);
    await page.close();
  });
});

describe('organisation in the hotline (issue 12)', () => {
  it("the caller panel shows the service's tier", async () => {
    const page = await openPage();
    await startNewCall(page);
    await pickRequester(page, 'francois lefevre', 'François Lefèvre');
    const service = page.getByTestId('caller-service');
    await expect.poll(() => service.getAttribute('data-tier')).toBe('1');
    expect(await service.getByTestId('tier-badge').textContent()).toBe('V1');
    expect(await service.textContent()).toContain('État civil');
    await page.close();
  });

  it('a requester corrected on the ticket (D) re-runs the priority rules and the timeline says why', async () => {
    // A hurried operator picked a Lefèvre of a standard service; the caller is François, État civil (tier 1).
    const wrong = db()
      .prepare("SELECT p.id FROM people p LEFT JOIN org_units u ON u.id = p.service_id WHERE p.last_name = 'Lefèvre' AND p.first_name <> 'François' AND COALESCE(u.tier, 3) > 1 LIMIT 1")
      .get() as { id: string };
    const ticket = await ok<{ id: string; urgency: number; priority: number }>('tickets.logCall', { requesterId: wrong.id, subject: 'Logiciel des actes bloqué' });
    expect(ticket.urgency).toBe(3);
    const page = await openPage();
    await openTicket(page, ticket.id);
    await expect.poll(() => focusedTestId(page)).toBe('ticket-edit');
    await page.keyboard.press('d');
    const input = page.getByTestId('requester-fix-input');
    await input.waitFor();
    await input.fill('francois lefevre');
    await expect.poll(() => page.getByTestId('requester-fix-list').locator('[role="option"]').first().textContent()).toContain('François Lefèvre');
    await page.keyboard.press('Enter');
    const rules = page.getByTestId('timeline').locator('li[data-kind="rules"]');
    await expect.poll(() => rules.last().textContent()).toContain('Service vital : urgence relevée à Haute');
    expect(await rules.last().textContent()).toContain('Règles de priorité');
    const row = db().prepare('SELECT urgency, priority, service_tier FROM tickets WHERE id = ?').get(ticket.id) as { urgency: number; priority: number; service_tier: number };
    expect(row).toEqual({ urgency: 4, priority: 4, service_tier: 1 });
    await screenshot(page, 'ticket-requester-fix-rules');
    await page.close();
  });
});

describe('incident majeur from the ticket page', () => {
  it('I, the parent\'s number, Enter: the ticket is linked, both pages show it; a wrong number says so', async () => {
    const parent = await ok<{ id: string; number: number }>('tickets.logCall', { requesterName: 'Service informatique', subject: 'Serveur de fichiers inaccessible' });
    const child = await ok<{ id: string; number: number }>('tickets.logCall', { requesterId: personId('Hélène', 'Dupré'), subject: 'Lecteur réseau S: absent' });
    const page = await openPage();
    await openTicket(page, child.id);
    await expect.poll(() => focusedTestId(page)).toBe('ticket-edit');
    await page.keyboard.press('i');
    await expect.poll(() => focusedTestId(page)).toBe('parent-link-number');
    await page.keyboard.type('999999');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('parent-link-error').textContent()).toContain('Ticket introuvable (n° 999999)');
    await page.getByTestId('parent-link-number').fill('');
    await page.keyboard.type(String(parent.number));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('ticket-parent').textContent()).toContain(`n° ${parent.number} — Serveur de fichiers inaccessible`);
    expect(await page.getByTestId('ticket-link-parent').count()).toBe(0);
    await page.getByTestId('ticket-parent').locator('a').click();
    await expect.poll(() => page.getByTestId('ticket-children').textContent()).toContain(`n° ${child.number}`);
    expect(await page.getByTestId('timeline').locator('li[data-kind="link"]').textContent()).toContain(`Appel rattaché : ticket n° ${child.number} (Hélène Dupré)`);
    await page.close();
  });
});
