import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import type { Page } from 'playwright-core';
import { screenshot } from '../support/browser';
import { focusedTestId } from '../support/hotline';

const ui = withConsole({ demo: true });

const focused = focusedTestId;
async function tabTo(page: Page, testId: string) {
  for (let i = 0; i < 30 && (await focused(page)) !== testId; i++) await page.keyboard.press('Tab');
  expect(await focused(page)).toBe(testId);
}

describe('critical services first, keyboard only', () => {
  it('raises the urgency of an état civil call, says why, and puts it first in "Services vitaux"', async () => {
    const page = await ui.openPage();

    await page.keyboard.press('F2');
    await expect.poll(() => focused(page)).toBe('requester-input');
    await page.keyboard.type('francois lefevre');
    await page.getByTestId('requester-suggestions').getByText('François Lefèvre', { exact: false }).first().waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('call-subject');

    // François Lefèvre works at the Ville's État civil (tier 1): the default crisis rule raises
    // the urgency from Moyenne to Haute and the form says which rule and why.
    await expect.poll(() => page.getByTestId('rule-reason').first().textContent()).toBe('Service vital : urgence relevée à Haute, étiquette « service-vital »');
    expect(await page.getByTestId('call-urgency').inputValue()).toBe('4');
    expect(await page.getByTestId('rule-explanation').getByTestId('tier-badge').textContent()).toBe('V1');

    await page.keyboard.type('Logiciel des actes d’état civil bloqué');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Impossible de délivrer les actes de naissance : le logiciel se fige à la signature.');
    await tabTo(page, 'call-impact');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // impact 5: urgency Haute × impact Très haute
    await expect.poll(() => page.getByTestId('call-impact').inputValue()).toBe('5');
    await expect.poll(() => page.getByTestId('call-priority').textContent()).toBe('Très haute');
    // The rule still holds: changing the impact is not an override of the urgency.
    expect(await page.getByTestId('call-urgency').inputValue()).toBe('4');
    expect(await page.getByTestId('rule-override').count()).toBe(0);
    await screenshot(page, 'organisation-call-rule');

    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('call-saved').textContent(), { timeout: 10_000 }).toMatch(/n° \d+/);
    const number = /n° (\d+)/.exec((await page.getByTestId('call-saved').textContent())!)![1]!;

    // The queue's built-in view "Services vitaux" puts it first.
    await page.keyboard.press('F3');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/queue');
    await page.keyboard.press('Control+k');
    await expect.poll(() => focused(page)).toBe('queue-search');
    await tabTo(page, 'view-vital');
    expect(await page.getByTestId('view-vital').textContent()).toContain('Services vitaux');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('view-vital').getAttribute('aria-pressed')).toBe('true');
    const first = page.getByTestId('queue-row').first();
    await expect.poll(() => first.locator('.c-number').textContent()).toBe(number);
    expect(await first.locator('.c-service').textContent()).toContain('V1 État civil');
    expect(await first.locator('.c-organisation').textContent()).toBe('Ville');
    expect(await first.locator('.c-priority').textContent()).toBe('Très haute');
    // Every row of the view is a vital service's call.
    const tiers = await page.getByTestId('queue-row').locator('.c-service').evaluateAll((els) => els.map((e) => e.getAttribute('data-tier')));
    expect(tiers.length).toBeGreaterThan(1);
    expect(new Set(tiers)).toEqual(new Set(['1']));
    await screenshot(page, 'organisation-queue-vital');

    // The ticket records the rule on its timeline.
    await page.getByTestId('queue-list').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('ticket-page').waitFor();
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('Service vital : urgence relevée à Haute');
    expect(await page.getByTestId('ticket-service').textContent()).toBe('Ville · Direction de la Population › V1 État civil');
    expect(await page.getByTestId('ticket-tags').textContent()).toBe('service-vital');

    // An old ticket of a service closed since ("Recensement") still names it, marked archived.
    await page.keyboard.press('F3');
    const service = page.getByTestId('filter-service');
    await service.focus();
    await service.selectOption({ label: 'Direction de la Population › Recensement (archivé)' });
    await page.getByTestId('view-all').focus();
    await page.keyboard.press('Enter');
    await service.selectOption({ label: 'Direction de la Population › Recensement (archivé)' });
    await expect.poll(() => page.getByTestId('queue-row').first().locator('.c-service').textContent()).toBe('S3 Recensement (archivé)');
    await screenshot(page, 'organisation-archived-service');
    await page.close();
  });

  it('previews rules on the last tickets in Settings and flags a rule an earlier "stop" rule hides', async () => {
    const page = await ui.openPage();
    await page.getByRole('link', { name: /Paramètres/ }).click();
    await page.getByTestId('settings-section-rules').click();
    const editor = page.getByTestId('rules-editor');
    await editor.waitFor();
    // The demo's tier 1 calls were logged with the default rule: replaying it changes nothing new,
    // but the preview says how many tickets the rule touches.
    await expect.poll(() => editor.getByTestId('rule-preview').first().textContent()).toMatch(/« Service vital » : cette règle aurait modifié \d+ tickets/);
    const json = JSON.parse(await editor.getByTestId('rules-json').inputValue()) as unknown[];
    const draft = [
      { ...(json[0] as object), stop: true },
      { id: 'etat-civil', name: 'État civil au téléphone', criteria: { tiers: [1], channels: ['phone'] }, actions: [{ kind: 'setImpact', level: 4 }] },
    ];
    await editor.getByTestId('rules-json').fill(JSON.stringify(draft, null, 2));
    await expect.poll(() => editor.getByTestId('rule-issue').first().textContent()).toBe(
      '« État civil au téléphone » ne s\'appliquera jamais : la règle « Service vital », placée avant, s\'arrête sur les mêmes appels.',
    );
    await expect.poll(() => editor.getByTestId('rules-changed').textContent()).toMatch(/^Sur les \d+ derniers tickets, ces règles en auraient modifié 0 /);
    // A schema error is shown with its path, and nothing can be saved.
    await editor.getByTestId('rules-json').fill('[{"id":"x","name":"X","actions":[{"kind":"raiseUrgency","by":9}]}]');
    await expect.poll(() => editor.getByTestId('rules-invalid').textContent()).toContain('0.actions.0.by');
    expect(await editor.getByTestId('rules-save').isDisabled()).toBe(true);
    await editor.scrollIntoViewIfNeeded();
    await screenshot(page, 'organisation-rules-settings');
    await page.close();
  });
});
