import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';
import { focusedTestId, pickRequester, startNewCall } from '../support/hotline';
import { spawnHostProcess } from '../support/web-host';
import { makeTempDir } from '../support/temp-dir';
import { RawClient } from '../support/ws-client';

const ui = withConsole({ demo: true });

const focused = focusedTestId;
const seconds = (text: string | null) => {
  const m = /(\d+):(\d\d)/.exec(text ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : -1;
};
const draftsInStore = () => (ui.host.service.core.db.prepare('SELECT COUNT(*) AS n FROM call_drafts').get() as { n: number }).n;

async function openConsole(url: string, { fakeClock = false } = {}) {
  const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
  // Playwright's clock: time flows as usual, and the test can jump it forward.
  if (fakeClock) await page.clock.install();
  await page.goto(url);
  await page.locator('nav a').first().waitFor();
  return page;
}


describe('call drafts', () => {
  it('keeps a call in progress, with its timer, across F3/F2 and a reload; a second call can be taken meanwhile', async () => {
    const page = await openConsole(ui.host.url, { fakeClock: true });
    await page.keyboard.press('F2');
    await expect.poll(() => focused(page)).toBe('requester-input');
    // Not started yet: the timer waits for the operator, however long the form stays idle.
    expect(await page.getByTestId('call-timer').textContent()).not.toMatch(/\d\d:\d\d/);
    await page.clock.fastForward('01:30');
    expect(await page.getByTestId('call-timer').textContent()).not.toMatch(/\d\d:\d\d/);

    await pickRequester(page, 'dupre', 'Hélène Dupré');
    await page.keyboard.type('Imprimante du 2e étage en bourrage');
    await page.getByTestId('call-description').fill("L'imprimante affiche un bourrage papier bac 2.");
    await expect.poll(async () => seconds(await page.getByTestId('call-timer').textContent()), { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(draftsInStore).toBe(1);
    await expect.poll(() => {
      const row = ui.host.service.core.db.prepare('SELECT form FROM call_drafts').get() as { form: string };
      return JSON.parse(row.form).description as string;
    }).toContain('bourrage papier bac 2');

    // F3 then F2: "Nouvel appel" with a call in progress asks which.
    await page.keyboard.press('F3');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/queue');
    await page.keyboard.press('F2');
    await page.getByTestId('draft-chooser').waitFor();
    expect(await page.getByTestId('draft-option').first().textContent()).toContain('Hélène Dupré');
    await screenshot(page, 'call-drafts-chooser');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('call-subject').inputValue()).toBe('Imprimante du 2e étage en bourrage');
    expect(await page.getByTestId('call-description').inputValue()).toContain('bourrage papier bac 2');
    expect(seconds(await page.getByTestId('call-timer').textContent())).toBeGreaterThanOrEqual(2);

    // A reload (or a renderer crash) brings back the same call with its running timer.
    const before = seconds(await page.getByTestId('call-timer').textContent());
    await page.reload();
    await expect.poll(() => page.getByTestId('call-subject').inputValue()).toBe('Imprimante du 2e étage en bourrage');
    expect(await page.getByTestId('requester-chosen').textContent()).toContain('Hélène Dupré');
    expect(seconds(await page.getByTestId('call-timer').textContent())).toBeGreaterThanOrEqual(before);

    // A second line rings: a new call while the first waits.
    await page.keyboard.press('F2');
    await page.getByTestId('draft-chooser').waitFor();
    await page.keyboard.press('n');
    await expect.poll(() => focused(page)).toBe('requester-input');
    await pickRequester(page, 'francois lefevre', 'François Lefèvre');
    await page.getByTestId('call-description').fill('Badge refusé au portique.');
    await expect.poll(draftsInStore).toBe(2);
    await page.keyboard.press('F2');
    await expect.poll(() => page.getByTestId('draft-option').count()).toBe(2);
    await page.close();
  });

  it('timer starts at the first keystroke or "Décrocher", stops on save and the real duration is on the timeline; F8 asks for the solution', async () => {
    ui.host.service.core.db.exec('DELETE FROM call_drafts');
    const page = await openConsole(ui.host.url);
    await page.keyboard.press('F2');
    await expect.poll(() => focused(page)).toBe('requester-input');
    await page.getByTestId('call-pickup').click();
    await expect.poll(async () => seconds(await page.getByTestId('call-timer').textContent()), { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await page.getByTestId('requester-input').focus();
    await pickRequester(page, 'dupre', 'Hélène Dupré');
    const problem = 'Le poste ne trouve plus le réseau Wi-Fi de la salle du conseil.';
    await page.getByTestId('call-description').fill(problem);
    await page.getByTestId('call-category').selectOption({ label: 'Réseau > Wi-Fi' });
    await page.keyboard.press('F8');
    await page.getByTestId('solution-prompt').waitFor();
    // Prefilled from the category's template, never from the problem text.
    const proposed = await page.getByTestId('solution-text').inputValue();
    expect(proposed).not.toBe(problem);
    expect(proposed).toContain('Profil Wi-Fi');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('call-saved').textContent()).toContain('résolu au téléphone');
    const recorded = seconds(await page.getByTestId('call-recorded-duration').textContent());
    expect(recorded).toBeGreaterThanOrEqual(2);
    // The next form waits for the next call: no timer running.
    expect(await page.getByTestId('call-timer').textContent()).not.toMatch(/\d\d:\d\d/);
    expect(draftsInStore()).toBe(0);

    await page.getByTestId('call-saved').locator('a').click();
    await page.getByTestId('ticket-page').waitFor();
    const timeline = (await page.getByTestId('timeline').textContent())!;
    expect(seconds(/Durée de l'appel : ([\d:]+)/.exec(timeline)?.[1] ?? null)).toBe(recorded);
    expect(timeline).toContain('Profil Wi-Fi supprimé puis recréé');
    expect(await page.getByTestId('ticket-status').textContent()).toMatch(/^Résolu/);
    await page.close();
  });

  it('Escape in the team chooser returns focus where it was', async () => {
    const page = await openConsole(ui.host.url);
    await startNewCall(page);
    await page.getByTestId('call-description').focus();
    await page.keyboard.type('Écran noir');
    await page.keyboard.press('F9');
    await page.getByTestId('team-chooser').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('call-description');
    await page.close();
  });
});

describe('call drafts survive a crash of the console', () => {
  it('a killed host process keeps the draft; the restarted console restores it', async () => {
    const temp = makeTempDir();
    let proc = await spawnHostProcess(temp.dir, ['--demo']);
    try {
      const page = await openConsole(proc.url);
      await page.keyboard.press('F2');
      await expect.poll(() => focused(page)).toBe('requester-input');
      await pickRequester(page, 'dupre', 'Hélène Dupré');
      await page.getByTestId('call-description').fill('Écran qui clignote depuis la mise à jour.');
      // The console has stored the draft (asked through its own API) before it is killed.
      const client = await RawClient.open(proc.port, proc.token);
      await expect
        .poll(async () => ((await client.call('drafts.list')).value?.drafts ?? []).map((d: { form: { description: string } }) => d.form.description), { timeout: 10_000 })
        .toContain('Écran qui clignote depuis la mise à jour.');
      client.close();
      await proc.stop('SIGKILL');
      await page.close();
      proc = await spawnHostProcess(temp.dir);
      const again = await openConsole(proc.url);
      await again.keyboard.press('F2');
      await again.getByTestId('draft-chooser').waitFor();
      expect(await again.getByTestId('draft-option').first().textContent()).toContain('Hélène Dupré');
      await again.keyboard.press('1');
      await expect.poll(() => again.getByTestId('call-description').inputValue()).toBe('Écran qui clignote depuis la mise à jour.');
      await again.close();
    } finally {
      await proc.stop('SIGKILL');
      temp.cleanup();
    }
  }, 120_000);
});
