/**
 * "On every console, once synced": a security report made on one console reaches a second
 * console through a real Request Tracker 5, as its category, and shows there as a security
 * incident (red banner, register) with its priority and team.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncFeature } from '../../../src/api/handlers/sync';
import { ticketReplicaPort } from '../../../src/api/handlers/tickets';
import { startRt, type RtInstance } from '../../services/rt';
import { makeTempDir } from '../../support/temp-dir';
import { startIncidentHarness, type IncidentHarness } from './harness';
import { createReferentials } from '../../../src/features/tickets/referentials';

process.env.RELAIS_SYNC_QUIET = '1';

let rt: RtInstance;
let temp: { dir: string; cleanup(): void };
const consoles: IncidentHarness[] = [];

beforeAll(async () => {
  rt = await startRt();
  temp = makeTempDir('relais-incident-sync-');
}, 120_000);
afterAll(async () => {
  for (const c of consoles) await c.close();
  await rt?.dispose();
  temp?.cleanup();
});

async function console_(name: string) {
  const h = startIncidentHarness(path.join(temp.dir, name));
  consoles.push(h);
  const sync = createSyncFeature(h.core, { security: h.security, tickets: ticketReplicaPort(h.core), referentials: createReferentials(h.core.db, () => h.core.now()).port }, { background: false });
  await sync.handlers['sync.configure']({ kind: 'rt', url: rt.url, token: rt.token } as never, { clientId: 'test' });
  await sync.engine.idle();
  return { h, sync };
}

describe('security incident across consoles (real RT 5)', () => {
  it('shows on the second console as a security incident once synced', async () => {
    const a = await console_('a');
    const b = await console_('b');
    const { ticket } = await a.h.call('incidents.report', { categoryKey: 'ransomware', call: { requesterName: 'Crèche Jaude', description: 'Écran rouge, fichiers chiffrés' } });
    await a.sync.engine.sync();
    const serverId = a.h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').pluck().get(ticket.id) as string | null;
    expect(serverId).toBeTruthy();

    await b.sync.engine.sync();
    const local = b.h.core.db.prepare('SELECT id FROM tickets WHERE server_id = ?').pluck().get(serverId) as string | undefined;
    expect(local).toBeDefined();
    const detail = await b.h.call('incidents.get', { ticketId: local! });
    expect(detail.isSecurity).toBe(true);
    const got = await b.h.call('tickets.get', { id: local! });
    expect(got.ticket.categoryName).toBe('Sécurité > Rançongiciel suspecté');
    expect(got.ticket.teamName).toBe('Infrastructure technique');
    expect(got.ticket.priority).toBe(6);
    const listed = (await b.h.call('incidents.list')).incidents.find((i) => i.ticketId === local);
    expect(listed).toMatchObject({ categoryKey: 'ransomware', state: 'open' });
  }, 120_000);
});
