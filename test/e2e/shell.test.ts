import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { screenshot } from '../support/browser';

const ui = withConsole();

describe('console shell', () => {
  it('opens in French, switches to English, and keeps English after a reload', async () => {
    const page = await ui.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(ui.host.url);
    await expect.poll(() => page.locator('nav').getByText("File d'attente").count()).toBe(1);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    // No server configured: the status bar says so in one sentence (no browser "En ligne" beside it).
    await expect.poll(() => page.getByTestId('sync-sentence').textContent()).toContain('Local uniquement');
    expect(await page.getByTestId('network-state').count()).toBe(0);
    // The token leaves the address bar once read.
    expect(page.url()).not.toContain('token=');
    await screenshot(page, 'shell-fr');

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language').selectOption('en');
    await expect.poll(() => page.locator('nav').getByText('Queue', { exact: true }).count()).toBe(1);

    await page.reload();
    await expect.poll(() => page.locator('nav').getByText('Settings', { exact: true }).count()).toBe(1);
    expect(await page.getByTestId('language').inputValue()).toBe('en');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await screenshot(page, 'shell-en-after-reload');
    await page.close();
  });

  it('is navigable with the keyboard alone and shows where focus is', async () => {
    const page = await ui.openPage({ width: 1280, height: 720 });
    // Tab past the skip link to the first navigation entry, then follow links by keyboard.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    expect(first).toBe('nav-queue');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // A new call opens on its own draft: #/call/<draft id>.
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#\/call\/[0-9a-f-]{36}$/);
    await page.keyboard.press('F3');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/queue');
    await page.close();
  });

  it('stays usable at 200% zoom on a 1280x720 screen (no horizontal scroll, navigation reachable)', async () => {
    const context = await ui.browser.newContext({ viewport: { width: 640, height: 360 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(ui.host.url);
    await page.locator('nav a').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const id of ['nav-queue', 'nav-call', 'nav-remote', 'nav-tools', 'nav-settings']) {
      expect(await page.getByTestId(id).isVisible()).toBe(true);
    }
    await screenshot(page, 'shell-zoom-200');
    await context.close();
  });

  it('shows a clear message when opened without the session token', async () => {
    const page = await ui.browser.newPage();
    await page.goto(`${ui.host.origin}/`);
    await expect.poll(() => page.getByTestId('host-state').textContent()).toContain('Lien de session invalide');
    await page.close();
  });
});
