/**
 * Timeline entries written by the core (a tool run here) are stored with their facts and a
 * French sentence for the ITSM server; the console words them in the reader's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { makeTempDir } from '../support/temp-dir';
import { startTestHost } from '../support/web-host';
import { RawClient } from '../support/ws-client';
import { writeAdminFolder } from '../integration/tools/harness';

let browser: Browser;
const temps: (() => void)[] = [];
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  temps.forEach((c) => c());
});

describe('the timeline in the reader’s language', () => {
  it('shows an English timeline for a tool run written in French', async () => {
    const temp = makeTempDir('relais-e2e-timeline-');
    temps.push(temp.cleanup);
    const host = await startTestHost({ policyFile: writeAdminFolder(temp.dir) });
    try {
      const c = await RawClient.open(host.port, host.token);
      const logged = await c.call('tickets.logCall', { subject: 'Lecteur réseau absent', requesterName: 'Élodie Martin', description: 'Appel' });
      if (!logged.ok) throw new Error(JSON.stringify(logged.error));
      const ticketId = (logged.value as { id: string }).id;
      const run = await c.call('tools.run', { toolId: 'site-echo', target: { kind: 'local' }, ticketId, params: { Text: 'bonjour' } });
      if (!run.ok) throw new Error(JSON.stringify(run.error));
      // The stored entry: a French sentence, as the ITSM server receives it.
      await expect
        .poll(async () => {
          const got = await c.call('tickets.get', { id: ticketId });
          return got.ok ? ((got.value as { timeline: { kind: string; body: string }[] }).timeline.find((f) => f.kind === 'tool_run')?.body ?? '') : '';
        }, { timeout: 10_000 })
        .toMatch(/^Écho de test — réussi \(code 0\) en \d+,\d s — ce poste$/);
      c.close();

      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(host.url);
      await page.locator('nav a').first().waitFor();
      await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticketId);
      const entry = page.getByTestId('timeline').locator('li[data-kind="tool_run"]');
      await expect.poll(() => entry.textContent()).toMatch(/Écho de test — réussi \(code 0\) en \d+,\d s — ce poste/);

      await page.getByTestId('nav-settings').click();
      await page.getByTestId('language').selectOption('en');
      await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticketId);
      await expect.poll(() => entry.textContent()).toMatch(/Test echo — succeeded \(code 0\) in \d+\.\d s — this PC/);
      expect(await entry.textContent()).not.toContain('réussi');
      await screenshot(page, 'timeline-english');
      await page.close();
    } finally {
      await host.dispose();
    }
  });
});
