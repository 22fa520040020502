import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** The data-testid (or tag) of what has the keyboard focus. */
export const focusedTestId = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '');

/** Types a few letters in the call form's requester field and picks the suggestion showing `shown`. */
export async function pickRequester(page: Page, typed: string, shown: string): Promise<void> {
  await page.keyboard.type(typed);
  await page.getByTestId('requester-suggestions').getByText(shown, { exact: false }).first().waitFor();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('requester-chosen').textContent()).toContain(shown);
}

/** F2, and a new call when calls are already in progress: ends with the requester field focused. */
export async function startNewCall(page: Page): Promise<void> {
  await page.keyboard.press('F2');
  await page.getByTestId('draft-chooser').or(page.getByTestId('call-form')).first().waitFor();
  if (await page.getByTestId('draft-chooser').count()) await page.keyboard.press('n');
  await expect.poll(() => focusedTestId(page)).toBe('requester-input');
}
