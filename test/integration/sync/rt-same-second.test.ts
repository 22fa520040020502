/**
 * Issue 17: RT dates changes to the second. A change made on the server in the very second
 * a pull read the ticket keeps the date that pull stored; the next pull must still see it
 * (and apply it once), without the tests waiting a second between changes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow';
import { rtFetch } from './rt-helpers';
import { callOf, drainAll, makeHarness } from '../../support/sync-harness';
import { poll } from '../../support/poll';

let rt: RtInstance;
beforeAll(async () => {
  rt = await startRt();
});
afterAll(async () => {
  await rt?.dispose();
});

it('a server change made in the same second as the pull that read the ticket is seen by the next pull, once', async () => {
  const h = await makeHarness();
  try {
    const wf = createTicketWorkflow(h.core.db, { now: () => new Date(), currentUser: () => 'relais' });
    const t = wf.logCall({ requesterName: 'Agent Test', subject: 'Objet initial', description: 'Écran noir' });
    await callOf(h).configure({ kind: 'rt', url: rt.url, token: rt.token });
    await drainAll(h, 60_000);
    await h.sync.engine.sync();
    const sid = (h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(t.id) as { server_id: string }).server_id;
    const local = () => h.core.db.prepare('SELECT subject, version FROM tickets WHERE id = ?').get(t.id) as { subject: string; version: number };
    const stored = () => (h.core.db.prepare('SELECT server_updated_at FROM sync_tickets WHERE ticket_id = ?').get(t.id) as { server_updated_at: string }).server_updated_at;
    const put = async (Subject: string) => expect((await rtFetch(rt, `/ticket/${sid}`, { method: 'PUT', body: JSON.stringify({ Subject }) })).status).toBe(200);
    const rtUpdated = async () => new Date((await rtFetch(rt, `/ticket/${sid}`)).body.LastUpdated as string).toISOString();

    // Change A, a pull that reads it, change B: all three inside one second (tried until the
    // machine manages it; each try starts at the beginning of a second).
    let sameSecond = 0;
    for (let attempt = 0; attempt < 10 && sameSecond === 0; attempt++) {
      await poll(() => Date.now() % 1000, (ms) => ms < 60, { everyMs: 5, what: 'the start of a second' });
      await put(`Objet A ${attempt}`);
      await h.sync.engine.sync();
      expect(local().subject).toBe(`Objet A ${attempt}`);
      await put(`Objet B ${attempt}`);
      if ((await rtUpdated()) === stored()) sameSecond = attempt + 1;
      else await h.sync.engine.sync();
    }
    expect(sameSecond, 'could not make a change inside the second of a pull in 10 tries').toBeGreaterThan(0);
    const attempt = sameSecond - 1;
    await h.sync.engine.sync();
    expect(local().subject).toBe(`Objet B ${attempt}`);
    // Applied once: a further pull of the same version changes nothing.
    const v = local().version;
    await h.sync.engine.sync();
    await h.sync.engine.sync();
    expect(local()).toEqual({ subject: `Objet B ${attempt}`, version: v });
  } finally {
    await h.dispose();
  }
}, 120_000);
