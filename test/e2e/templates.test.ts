import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import { startNewCall } from '../support/hotline';

const ui = withConsole({ demo: true });

describe('solution templates edited in Settings', () => {
  it('says what is missing in plain words, saves, and F8 offers the new template for its category', async () => {
    const page = await ui.openPage();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-section-templates').click();
    await page.getByTestId('template-settings').waitFor();
    await page.getByTestId('template-add').click();
    await page.getByTestId('template-save').click();
    await expect.poll(() => page.getByTestId('template-settings').textContent()).toContain('Donnez un titre court à ce modèle');
    const row = page.getByTestId('template-row').last();
    // Each problem is read with its field (aria-describedby), and the summary is an alert.
    const describedBy = await row.getByTestId('template-title').getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain('Donnez un titre court');
    expect(await page.getByTestId('template-status').getAttribute('role')).toBe('alert');
    await row.locator('select').nth(1).selectOption({ label: 'Téléphonie > Poste fixe' });
    await row.getByTestId('template-title').fill('Câble réseau du téléphone');
    await row.getByTestId('template-body').fill('Câble du poste fixe rebranché sur la prise murale, tonalité revenue.');
    await page.getByTestId('template-save').click();
    await expect.poll(() => page.getByTestId('template-status').textContent()).toBe('Modèles enregistrés.');

    await startNewCall(page);
    await page.getByTestId('call-category').selectOption({ label: 'Téléphonie > Poste fixe' });
    await page.keyboard.press('F8');
    await page.getByTestId('solution-prompt').waitFor();
    expect(await page.getByTestId('solution-text').inputValue()).toBe('Câble du poste fixe rebranché sur la prise murale, tonalité revenue.');
    await page.close();
  });
});
