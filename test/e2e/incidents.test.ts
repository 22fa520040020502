/**
 * Security incident in real Chromium over the local web host, keyboard only: a call about a
 * ransom note becomes a "signalement sécurité" (Ctrl+Maj+S, 2), the red banner shows on the
 * queue and the ticket, the first-response checklist is read to the agent step by step, the
 * indicator collection runs (the isolation step is skipped here: it would cut this test
 * machine off the network; it runs for real in a namespace in the integration tests), its
 * output is attached as evidence with its SHA-256, and the incident is in the register.
 */
import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';
import { focusedTestId } from '../support/hotline';
import { RawClient } from '../support/ws-client';

const ui = withConsole({ demo: true });

const focused = focusedTestId;

describe('security incident, keyboard only', () => {
  it('signalement sécurité for suspected ransomware: banner, first response walked, evidence attached, in the register', async () => {
    const page = await ui.openPage();

    await page.keyboard.press('F2');
    await expect.poll(() => focused(page)).toBe('requester-input');
    await page.keyboard.type('dupre');
    await page.getByTestId('requester-suggestions').getByText('Hélène Dupré', { exact: false }).first().waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('call-subject');
    await page.keyboard.type('Message de rançon à l’écran');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Les fichiers du partage Eau finissent en .locked, une note demande un paiement.');
    // The button shows its shortcut.
    expect(await page.getByTestId('call-security').textContent()).toContain('Ctrl+Maj+S');

    await page.keyboard.press('Control+Shift+S');
    const dialog = page.getByTestId('security-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('security-category-ransomware').textContent()).toMatch(/^2\s*Rançongiciel suspecté/);
    await page.keyboard.press('2');
    await dialog.getByTestId('security-done').waitFor();
    const doneText = (await dialog.getByTestId('security-done').textContent()) ?? '';
    const number = Number(/n° (\d+)/.exec(doneText)?.[1]);
    expect(number).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('call-saved').textContent()).toContain(String(number));

    // The queue: red banner at the top.
    await page.keyboard.press('F3');
    const qBanner = page.getByTestId('queue-security-banner');
    await qBanner.waitFor();
    expect(await qBanner.textContent()).toContain(`n° ${number} — Message de rançon`);
    await screenshot(page, 'incidents-queue-banner');

    // Open the ticket from the queue's search, keyboard only.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('rançon');
    await expect.poll(() => page.getByTestId('queue-row').first().textContent()).toContain('Message de rançon');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    const banner = page.getByTestId('security-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/Incident de sécurité — priorité majeure/);
    expect(await page.getByTestId('ticket-team').textContent()).toBe('Infrastructure technique');
    expect(await page.locator('.ticket-badges').textContent()).toContain('Majeure');

    // First response: Linux counterpart on this PC (the console runs on Linux here).
    const panel = page.getByTestId('incident-panel');
    await panel.getByTestId('first-response-os').focus();
    await page.keyboard.press('ArrowDown'); // Windows → Linux
    await expect.poll(() => panel.getByTestId('tool-target').inputValue()).toBe('local');
    await panel.getByTestId('first-response-start').focus();
    await page.keyboard.press('Enter');
    const checklist = page.locator('[data-testid="checklist-panel"][data-checklist-id="rancongiciel-premiers-gestes-linux"]');
    await checklist.waitFor();

    const answers = ['PC laissé allumé', 'câble débranché, Wi-Fi coupé', 'photo envoyée par Teams', 'S:\\Eau\\Relevés', 'facture_042.pdf.exe reçu à 8 h 55'];
    for (const [i, answer] of answers.entries()) {
      await expect.poll(() => checklist.getAttribute('data-current-step')).toBe(String(i));
      await checklist.getByTestId('step-note').focus();
      await page.keyboard.type(answer);
      await page.keyboard.press('Enter');
    }
    // Isolation: skipped here with the reason (it runs for real in a network namespace in the integration tests).
    await expect.poll(() => checklist.getAttribute('data-current-step')).toBe('5');
    await checklist.locator('.step-skip summary').focus();
    await page.keyboard.press('Enter');
    await checklist.locator('.step-skip input').focus();
    await page.keyboard.type('poste déjà débranché par l’agent');
    await page.keyboard.press('Enter');
    // Indicator collection: confirmed elevation, then the output becomes evidence.
    await expect.poll(() => checklist.getAttribute('data-current-step')).toBe('6');
    await checklist.getByTestId('step-run').focus();
    await page.keyboard.press('Enter');
    await checklist.getByTestId('elevation-confirm').waitFor();
    await expect.poll(() => focused(page)).toBe('elevation-ok');
    await page.keyboard.press('Enter');
    await expect.poll(() => checklist.getAttribute('data-current-step'), { timeout: 60_000 }).toBe('7');
    await checklist.getByTestId('step-note').focus();
    await page.keyboard.type('compte h.dupre désactivé par l’équipe système');
    await page.keyboard.press('Enter');
    await expect.poll(() => checklist.getByTestId('step-7').getAttribute('data-status')).toBe('done');

    const evidence = panel.getByTestId('evidence-item');
    await expect.poll(() => evidence.count(), { timeout: 10_000 }).toBe(1);
    const sha = /[0-9a-f]{64}/.exec((await evidence.first().textContent()) ?? '')?.[0];
    expect(sha).toBeDefined();
    // The digest is the one recorded for the run, and the phone answers are on the timeline with their time.
    const c = await RawClient.open(ui.host.port, ui.host.token);
    try {
      const list = await c.call('incidents.list', {});
      if (!list.ok) throw new Error(JSON.stringify(list.error));
      const inc = (list.value as { incidents: { number: number; ticketId: string }[] }).incidents.find((i) => i.number === number)!;
      // The evidence shown is the stored one, and it is byte for byte the output of the run it came from.
      const detail = await c.call('incidents.get', { ticketId: inc.ticketId });
      if (!detail.ok) throw new Error(JSON.stringify(detail.error));
      const stored = (detail.value as { evidence: { sha256: string; runId: string | null; toolId: string | null }[] }).evidence;
      expect(stored.map((e) => e.sha256)).toEqual([sha]);
      expect(stored[0]!.toolId).toBe('linux-collect-indicators');
      const runs = await c.call('tools.runs', { ticketId: inc.ticketId });
      if (!runs.ok) throw new Error(JSON.stringify(runs.error));
      const run = (runs.value as { runs: { id: string; status: string; outputDigest: string | null }[] }).runs.find((r) => r.id === stored[0]!.runId);
      expect(run?.status).not.toBe('running');
      expect(run?.outputDigest).toBe(sha);
    } finally {
      c.close();
    }
    const timeline = page.locator('.timeline');
    for (const a of answers) expect(await timeline.textContent()).toContain(a);
    await page.getByTestId('security-banner').scrollIntoViewIfNeeded();
    await screenshot(page, 'incidents-ticket');

    // The register lists it, open (not isolated), with its evidence.
    await page.getByTestId('nav-incidents').focus();
    await page.keyboard.press('Enter');
    const row = page.getByTestId('register-row').filter({ hasText: 'Message de rançon' });
    await row.waitFor();
    expect(await row.getByTestId('register-state').textContent()).toBe('Ouvert (non isolé)');
    expect(await row.textContent()).toContain('non isolé');
    await screenshot(page, 'incidents-register');
  }, 120_000);

  it('phishing: a pasted message is shown defanged, never as a link, and the next caller is matched to the campaign in two keystrokes', async () => {
    const c = await RawClient.open(ui.host.port, ui.host.token);
    try {
      for (const [i, subject] of ['Votre colis n°4411 est en attente', 'RE: Votre colis n° 92 est en attente'].entries()) {
        const r = await c.call('incidents.reportPhishing', { paste: { sender: `noreply${i}@colis-express.fr`, subject, text: 'Payez ici : https://suivi.colis-express.fr/p' }, call: { requesterName: `Agent ${i + 1}`, description: 'Mail suspect' } });
        if (!r.ok) throw new Error(JSON.stringify(r.error));
      }
    } finally {
      c.close();
    }
    const page = await ui.openPage();

    // The next caller: F2, a name, Ctrl+Maj+S, then "A" — the ongoing campaign, with the answer to read.
    await page.keyboard.press('F2');
    await expect.poll(() => focused(page)).toBe('requester-input');
    await page.keyboard.type('Jean Inconnu');
    await page.getByTestId('requester-suggestions').waitFor();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    // The caller is taken once the search has answered: the free-text fields then take the focus.
    await expect.poll(() => focused(page)).toBe('requester-name');
    await page.keyboard.press('Control+Shift+S');
    const dialog = page.getByTestId('security-dialog');
    const choice = dialog.getByTestId('campaign-choice');
    await choice.waitFor();
    expect(await choice.textContent()).toMatch(/^A\s*Campagne en cours : 2 signalements depuis \d\d:\d\d/);
    await screenshot(page, 'incidents-campaign-choice');
    await page.keyboard.press('a');
    await dialog.getByTestId('prepared-answer').waitFor();
    expect(await dialog.getByTestId('prepared-answer').textContent()).toMatch(/Ne cliquez sur aucun lien/);
    expect(await dialog.getByTestId('security-campaign').textContent()).toMatch(/Campagne en cours : 3 signalements/);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });

    // A pasted message with hostile HTML: category 1 (hameçonnage), paste, Ctrl+Entrée.
    await page.getByTestId('requester-input').focus();
    await expect.poll(() => focused(page)).toBe('requester-input');
    await page.keyboard.type('Marie Test');
    await page.getByTestId('requester-suggestions').waitFor();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    // The caller is taken once the search has answered: the free-text fields then take the focus.
    await expect.poll(() => focused(page)).toBe('requester-name');
    await page.keyboard.press('Control+Shift+S');
    await dialog.waitFor();
    await page.keyboard.press('1');
    await expect.poll(() => focused(page)).toBe('phishing-sender');
    await page.keyboard.type('Colis <alerte@colis-express.fr>');
    await page.getByTestId('phishing-text').focus();
    await page.keyboard.insertText('<p>Bonjour <a href="http://evil.example/x">suivez</a><img src=x onerror="document.title=1"><script>document.title=2</script> http://evil.example/y</p>');
    await page.keyboard.press('Control+Enter');
    await dialog.getByTestId('security-done').waitFor();
    expect(await dialog.getByTestId('security-campaign').textContent()).toMatch(/Campagne en cours : 4 signalements/);
    const link = dialog.locator('a');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('security-banner').waitFor();
    const timeline = page.locator('.timeline');
    await expect.poll(() => timeline.textContent()).toContain('hxxp://evil[.]example/y');
    expect(await timeline.locator('a, img, script').count()).toBe(0);
    expect(await page.title()).not.toMatch(/^[12]$/);
    await screenshot(page, 'incidents-phishing-ticket');
  }, 60_000);
});
