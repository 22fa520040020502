/**
 * Timeline entries written by the core (a tool run, a loan, the priority rules that applied)
 * are stored with their facts and a French sentence for the ITSM server; the console words
 * them in the reader's language.
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

  it('shows in English the priority rules and the loan written in French', async () => {
    const host = await startTestHost({ demo: true });
    try {
      const c = await RawClient.open(host.port, host.token);
      const ok = <T,>(r: { ok: boolean; value?: unknown; error?: unknown }) => {
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        return r.value as T;
      };
      // François Lefèvre works at the Ville's État civil (tier 1): the crisis rule applies to his call.
      const { hits } = ok<{ hits: { person: { id: string; firstName: string; lastName: string; email: string } | null }[] }>(await c.call('directory.search', { q: 'francois lefevre' }));
      const person = hits.find((h) => h.person?.email === 'francois.lefevre@ville-exemple.fr')!.person!;
      const name = `${person.firstName} ${person.lastName}`;
      const ticketId = ok<{ id: string }>(await c.call('tickets.logCall', { subject: 'Permanence à domicile', requesterId: person.id, requesterName: name, description: 'Il lui faut un portable' })).id;
      const { items } = ok<{ items: { tag: string }[] }>(await c.call('loans.items', { type: 'portable', state: 'disponible' }));
      const tag = items[0]!.tag;
      ok(await c.call('loans.checkout', { agent: { name }, ticketId, tags: [tag], dueAt: '2031-03-20T16:00:00.000Z' }));
      // Stored as the ITSM server receives them: French sentences.
      const timeline = ok<{ timeline: { kind: string; body: string }[] }>(await c.call('tickets.get', { id: ticketId })).timeline;
      expect(timeline.find((f) => f.kind === 'rules')?.body).toBe('Service vital : urgence relevée à Haute, étiquette « service-vital »');
      expect(timeline.find((f) => f.kind === 'loan_checkout')?.body).toMatch(new RegExp(`^Prêt à François Lefèvre : Portable ${tag}( \\(n° de série [^)]+\\))?\\. Retour prévu le 20/03/2031\\.$`));
      c.close();

      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(host.url);
      await page.locator('nav a').first().waitFor();
      await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticketId);
      const rules = page.getByTestId('timeline').locator('li[data-kind="rules"] .tl-body');
      const loan = page.getByTestId('timeline').locator('li[data-kind="loan_checkout"] .tl-body');
      await expect.poll(() => rules.textContent()).toBe('Service vital : urgence relevée à Haute, étiquette « service-vital »');
      expect(await loan.textContent()).toMatch(new RegExp(`^Prêt à François Lefèvre : Portable ${tag}`));

      await page.getByTestId('nav-settings').click();
      await page.getByTestId('language').selectOption('en');
      await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticketId);
      await expect.poll(() => rules.textContent()).toBe('Service vital: urgency raised to High, tag "service-vital"');
      expect(await loan.textContent()).toMatch(new RegExp(`^Loan to François Lefèvre: Laptop ${tag}( \\(serial number [^)]+\\))?\\. Due back on 20/03/2031\\.$`));
      await loan.scrollIntoViewIfNeeded();
      await screenshot(page, 'timeline-english-rules-loan');
      await page.close();
    } finally {
      await host.dispose();
    }
  });
});
