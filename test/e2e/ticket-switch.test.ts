import { describe, expect, it } from 'vitest';
import { withConsole } from '../support/console';
import type { WebSocketRoute } from 'playwright-core';

const ui = withConsole({ demo: true });

async function logCall(subject: string): Promise<string> {
  const res = await ui.host.service.dispatch('tickets.logCall', { requesterName: 'Agent Test', subject, description: `${subject} — description` }, { clientId: 't' });
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return (res.value as { id: string }).id;
}

describe('ticket page: the answer shown is the one for the ticket on screen', () => {
  it('switching tickets fast: a late answer for the previous ticket is never shown, and a change event refreshes the ticket shown', async () => {
    const a = await logCall('Ticket A — imprimante du 2e étage');
    const b = await logCall('Ticket B — accès messagerie');
    const page = await ui.browser.newPage({ viewport: { width: 1366, height: 768 } });
    // The ids of the answers the page's socket has received, in order (to know the late one was handled).
    await page.addInitScript(() => {
      const seen: number[] = [];
      (window as unknown as { __answersSeen: number[] }).__answersSeen = seen;
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener('message', (ev) => {
            const m = JSON.parse(String(ev.data)) as { type: string; id?: number };
            if (m.type === 'result' && typeof m.id === 'number') seen.push(m.id);
          });
        }
      };
    });

    // Between the page and the host: the answer to `tickets.get` for A is held back until released.
    const heldCalls = new Set<number>();
    let heldAnswer: string | null = null;
    let toPage: WebSocketRoute | null = null;
    let answersForB = 0;
    const callsById = new Map<number, string>();
    await page.routeWebSocket(/\/api$/, (ws) => {
      toPage = ws;
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        const msg = JSON.parse(String(m));
        if (msg.type === 'call' && msg.name === 'tickets.get') {
          callsById.set(msg.id, msg.input.id);
          if (msg.input.id === a && heldAnswer === null && heldCalls.size === 0) heldCalls.add(msg.id);
        }
        server.send(m);
      });
      server.onMessage((m) => {
        const msg = JSON.parse(String(m));
        if (msg.type === 'result' && heldCalls.has(msg.id)) {
          heldAnswer = String(m);
          return;
        }
        if (msg.type === 'result' && callsById.get(msg.id) === b) answersForB++;
        ws.send(m);
      });
    });

    await page.goto(ui.host.url);
    await page.locator('nav a').first().waitFor();
    await page.evaluate((tid) => (location.hash = `#/ticket/${tid}`), a);
    // A's answer is held: the page is still loading when the operator moves on to B.
    await expect.poll(() => heldAnswer !== null, { timeout: 30_000 }).toBe(true);
    await page.evaluate((tid) => (location.hash = `#/ticket/${tid}`), b);
    await expect.poll(() => page.locator('#page-title').textContent(), { timeout: 30_000 }).toContain('Ticket B');

    // Now A's answer arrives, late: once the page has received it and drawn two frames, B is still shown.
    toPage!.send(heldAnswer!);
    const lateId = (JSON.parse(heldAnswer!) as { id: number }).id;
    await expect.poll(() => page.evaluate((id) => (window as unknown as { __answersSeen: number[] }).__answersSeen.includes(id), lateId), { timeout: 30_000 }).toBe(true);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await page.locator('#page-title').textContent()).toContain('Ticket B');
    expect(await page.getByTestId('timeline').textContent()).not.toContain('imprimante du 2e étage');
    // Then a change to B on the core: its event makes the page fetch B again. The socket keeps
    // order, so once the new follow-up is on screen the late answer for A has been handled.
    const before = answersForB;
    const res = await ui.host.service.dispatch('tickets.addFollowup', { id: b, body: 'Mot de passe réinitialisé, accès rétabli' }, { clientId: 't' });
    expect(res.ok).toBe(true);
    await expect.poll(() => answersForB > before, { timeout: 30_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('timeline').textContent(), { timeout: 30_000 }).toContain('Mot de passe réinitialisé, accès rétabli');
    const title = await page.locator('#page-title').textContent();
    expect(title).toContain('Ticket B');
    expect(title).not.toContain('Ticket A');
    expect(await page.getByTestId('timeline').textContent()).not.toContain('imprimante du 2e étage');

    // Going back to A shows A (its cached answer, then fresh data).
    await page.evaluate((tid) => (location.hash = `#/ticket/${tid}`), a);
    await expect.poll(() => page.locator('#page-title').textContent(), { timeout: 30_000 }).toContain('Ticket A');
    await page.close();
  });
});
