/**
 * A call the operator did not start by hand (here the call form's templates loading) fails:
 * the console says so in the status bar, in the operator's language, instead of dropping it.
 */
import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';

const ui = withConsole({ demo: true });

describe('background failures are shown, never swallowed', () => {
  it('a failed templates load on the call form is shown in the status bar and can be dismissed', async () => {
    const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
    // Between the page and the host: `templates.list` is answered with a core error.
    await page.routeWebSocket(/\/api$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        const msg = JSON.parse(String(m));
        if (msg.type === 'call' && msg.name === 'templates.list') {
          ws.send(JSON.stringify({ type: 'result', id: msg.id, ok: false, error: { code: 'STORAGE_READONLY', message: { fr: 'Dossier en lecture seule.', en: 'Read-only data folder.' } } }));
          return;
        }
        server.send(m);
      });
      server.onMessage((m) => ws.send(m));
    });
    await page.goto(ui.host.url);
    await page.getByTestId('nav-call').click();
    const notice = page.getByTestId('background-failure');
    await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toContain('Dossier en lecture seule.');
    expect(await notice.getByRole('alert').count()).toBe(1);
    await notice.getByRole('button').click();
    await expect.poll(() => notice.count()).toBe(0);
    await page.close();
  });
});
