/**
 * A call linked under an "incident majeur" reaches a real Request Tracker 5 as a MemberOf link
 * to the parent ticket (and a private comment on each ticket), exactly once, whether the parent
 * was already on the server or is created in the same drain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { rtFetch } from './rt-helpers';
import { drainAll, type Harness } from '../../support/sync-harness';
import { createCore } from '../../../src/api/core';
import { createSecurityFeature } from '../../../src/api/handlers/security';
import { createSyncFeature } from '../../../src/api/handlers/sync';
import { createTicketFeature } from '../../../src/api/handlers/tickets';
import { makeTempDir } from '../../support/temp-dir';
import { createReferentials } from '../../../src/features/tickets/referentials';

let rt: RtInstance;
beforeAll(async () => {
  rt = await startRt();
});
afterAll(async () => {
  await rt?.dispose();
});

const caller = { clientId: 't' };

async function harness() {
  const tmp = makeTempDir('relais-links-rt-');
  const core = createCore({ dataDir: tmp.dir, host: 'web', policyFile: null });
  const tickets = createTicketFeature(core, {});
  const security = createSecurityFeature(core);
  const sync = createSyncFeature(core, { security, tickets: tickets.replica, referentials: createReferentials(core.db, () => core.now()).port }, { background: false, engine: { backoffBaseMs: 50, backoffMaxMs: 500 } });
  await sync.handlers['sync.configure']({ kind: 'rt', url: rt.url, token: rt.token }, caller);
  const h = { core, sync, security, dataDir: tmp.dir, events: [], dispose: async () => (await core.close(), tmp.cleanup()) } as Harness;
  const sid = (id: string) => (core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(id) as { server_id: string | null }).server_id;
  return { h, tickets, sid };
}

/** The ids of the tickets RT lists under `ref` of a ticket (REST2 names MemberOf "parent", its members "child"). */
async function rtLinks(serverId: string, ref: string): Promise<string[]> {
  const t = await rtFetch(rt, `/ticket/${serverId}`);
  expect(t.status).toBe(200);
  return ((t.body._hyperlinks ?? []) as { ref: string; id?: string | number; type?: string }[]).filter((l) => l.ref === ref && l.type === 'ticket').map((l) => String(l.id));
}

describe('ticket links to a real RT 5', () => {
  it('a call linked under an existing incident arrives as MemberOf, once, with a private note on both', async () => {
    const { h, tickets, sid } = await harness();
    try {
      const parent = tickets.workflow.logCall({ requesterName: 'Service informatique', subject: 'Messagerie indisponible (incident majeur)' });
      await drainAll(h, 60_000);
      const child = tickets.workflow.logCall({ requesterName: 'Hélène Dupré', subject: 'Plus de mails', parentTicketId: parent.id });
      await drainAll(h, 60_000);
      const [p, c] = [sid(parent.id)!, sid(child.id)!];
      expect(await rtLinks(c, 'parent')).toEqual([p]);
      expect(await rtLinks(p, 'child')).toEqual([c]);
      // The notes went as comments (private), never as replies to the requester.
      const history = await rtFetch(rt, `/ticket/${c}/history?fields=Type,Data&per_page=100`);
      const types = (history.body.items as { Type: string }[]).map((i) => i.Type);
      expect(types).toContain('Comment');
      expect(types).not.toContain('Correspond');
      // Sending it again (a retry after a lost answer) leaves one link.
      const c2 = await rtFetch(rt, `/ticket/${c}`, { method: 'PUT', body: JSON.stringify({ AddMemberOf: p }) });
      expect(c2.status).toBe(200);
      expect(await rtLinks(c, 'parent')).toEqual([p]);
      expect((h.core.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state <> 'done'").get() as { n: number }).n).toBe(0);
    } finally {
      await h.dispose();
    }
  });

  it('parent and child logged offline together: the link waits for the parent, then goes through', async () => {
    const { h, tickets, sid } = await harness();
    try {
      const parent = tickets.workflow.logCall({ requesterName: 'Service informatique', subject: 'Téléphonie coupée au Centre technique' });
      const children = ['Marc Girard', 'Lucie Caron'].map((name) => tickets.workflow.logCall({ requesterName: name, subject: 'Téléphone muet', parentTicketId: parent.id }));
      await drainAll(h, 90_000);
      const p = sid(parent.id)!;
      for (const child of children) expect(await rtLinks(sid(child.id)!, 'parent')).toEqual([p]);
      expect((await rtLinks(p, 'child')).sort()).toEqual(children.map((c) => sid(c.id)!).sort());
    } finally {
      await h.dispose();
    }
  });
});
