import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { newTicket, startHarness, writeAdminFolder, type Harness } from './harness';

let h: Harness | null = null;
let cleanup: (() => void) | null = null;
afterEach(async () => {
  await h?.close();
  cleanup?.();
  h = cleanup = null;
});

describe('a tool run on a ticket', () => {
  // Regression: the bridge once fell back to writing the follow-up straight into the table,
  // without its outbox row, so the run never reached the ITSM server.
  it('puts its timeline entry in the outbox, so sync sends it to the server', async () => {
    const temp = makeTempDir('relais-bridge-');
    cleanup = temp.cleanup;
    h = startHarness(path.join(temp.dir, 'data'), writeAdminFolder(temp.dir));
    const ticketId = await newTicket(h);
    const { run } = await h.call('tools.run', { toolId: 'linux-system-info', target: { kind: 'local' }, ticketId });
    await h.tools.runs.wait(run.id);

    const { timeline } = await h.call('tickets.get', { id: ticketId });
    const entry = timeline.find((f) => f.kind === 'tool_run');
    expect(entry).toBeDefined();
    const rows = h.core.db
      .prepare(`SELECT kind, payload FROM outbox WHERE ticket_id = ? AND kind = 'followup.create'`)
      .all(ticketId) as { kind: string; payload: string }[];
    const sent = rows.map((r) => JSON.parse(r.payload) as { id: string; kind: string });
    expect(sent).toContainEqual(expect.objectContaining({ id: entry!.id, kind: 'tool_run' }));
  });
});
