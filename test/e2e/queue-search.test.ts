import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import type { Page } from 'playwright-core';
import { screenshot } from '../support/browser';

const ui = withConsole({ demo: true });

async function queue(): Promise<Page> {
  const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
  // Playwright's clock (time flows as usual): the search box's typing pause is jumped over.
  await page.clock.install();
  await page.goto(ui.host.url);
  await page.getByTestId('queue-row').first().waitFor();
  return page;
}
const search = async (page: Page, text: string) => {
  await page.getByTestId('queue-search').fill(text);
  await page.clock.runFor(400);
};

describe('queue search and rows at 1366 px', () => {
  it('rows keep their height with highlighted matches; the full subject and snippet are in the tooltip', async () => {
    const page = await queue();
    await page.getByTestId('view-all').click();
    await search(page, 'bourrage');
    await expect.poll(() => page.getByTestId('queue-row').first().locator('mark').count()).toBeGreaterThan(0);
    const overflow = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="queue-row"]')].map((row) => {
        const r = row.getBoundingClientRect();
        return [...row.querySelectorAll('.cell, .cell *')].some((c) => c.getBoundingClientRect().bottom > r.bottom + 1 || c.getBoundingClientRect().top < r.top - 1);
      }),
    );
    expect(overflow.length).toBeGreaterThan(0);
    expect(overflow.every((o) => !o)).toBe(true);
    const title = await page.getByTestId('queue-subject').first().getAttribute('title');
    expect(title).toMatch(/bourrage/i);
    expect(title!.split('\n').length).toBe(2);
    await screenshot(page, 'queue-search-bourrage-1366');
    await page.close();
  });

  it('"wifi" finds "Wi-Fi", "bourage" finds "bourrage", and a search empty here links to matches in other views', async () => {
    const page = await queue();
    await search(page, 'wifi');
    await expect.poll(() => page.getByTestId('queue-row').first().textContent()).toContain('Wi-Fi');
    await search(page, 'bourage');
    await expect.poll(() => page.getByTestId('queue-row').first().textContent()).toMatch(/bourrage/i);
    await expect.poll(() => page.getByTestId('queue-corrected').textContent()).toContain('bourrage');

    // "Mes tickets": none of them matches, resolved ones of others do.
    await page.getByTestId('view-mine').click();
    await search(page, 'bourrage');
    await expect.poll(() => page.getByTestId('queue-empty').textContent()).toMatch(/\d+ résultats? dans d'autres vues/);
    await page.getByTestId('queue-elsewhere').click();
    await expect.poll(() => page.getByTestId('queue-row').first().textContent()).toMatch(/bourrage/i);
    expect(await page.getByTestId('view-all').getAttribute('aria-pressed')).toBe('true');
    await page.close();
  });

  it('short statuses, compact dates and an SLA column with the time left; only a late SLA is red', async () => {
    const page = await queue();
    const first = page.getByTestId('queue-row').first();
    const status = (await first.locator('.c-status').textContent())!;
    expect(status.length).toBeLessThanOrEqual(12);
    const texts = await page.getByTestId('queue-sla').allTextContents();
    expect(texts.some((x) => /^(dans \d+ (min|h|j)|dépassé de \d+ (min|h|j))$/.test(x))).toBe(true);
    const dates = await page.locator('[data-testid="queue-row"] .c-date').allTextContents();
    expect(dates.some((d) => /^(aujourd’hui|aujourd'hui|hier|[a-z]{3}\.) \d\d:\d\d$/.test(d))).toBe(true);
    // "Modifié le" is never red; the SLA cell is red exactly when late.
    const colors = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="queue-row"]')].map((r) => ({
        date: getComputedStyle(r.querySelector('.c-date')!).color,
        sla: getComputedStyle(r.querySelector('.c-sla')!).color,
        late: r.querySelector('.c-sla')!.classList.contains('late'),
        text: r.querySelector('.c-sla')!.textContent,
      })),
    );
    const base = colors[0]!.date;
    expect(colors.every((c) => c.date === base)).toBe(true);
    expect(colors.filter((c) => c.text!.startsWith('dépassé')).every((c) => c.late)).toBe(true);
    // Every cell fits its column at 1366 px: text cut with an ellipsis, full text on hover.
    const cut = await page.evaluate(() => [...document.querySelectorAll('[data-testid="queue-row"] .cell')].every((c) => getComputedStyle(c).textOverflow === 'ellipsis' || c.classList.contains('c-subject')));
    expect(cut).toBe(true);
    await screenshot(page, 'queue-1366-fr');
    await page.close();
  });
});
