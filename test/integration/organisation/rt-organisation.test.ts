/**
 * A call from a vital service arrives in a real Request Tracker 5 with the priority Relais
 * computed (RT has no business rules of its own) and the requester's organisation, in the
 * custom field "Organisation" by default or as a queue when so configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { rtFetch } from '../sync/rt-helpers';
import { drainAll, type Harness } from '../../support/sync-harness';
import { createCore } from '../../../src/api/core';
import { createSecurityFeature } from '../../../src/api/handlers/security';
import { createSyncFeature } from '../../../src/api/handlers/sync';
import { createTicketFeature } from '../../../src/api/handlers/tickets';
import { createOrganisationPort } from '../../../src/api/handlers/organisation';
import { writeSetting } from '../../../src/features/tickets/repos/settings';
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
const TREE = 'organisation;direction;service;criticité\nVille;Population;État civil;1\nMétropole;Lecture publique;Médiathèques;3\n';
const PEOPLE = 'nom;prénom;organisation;service;e-mail\nLefèvre;François;Ville;État civil;francois.lefevre@ville.test\nZola;Émile;Métropole;Médiathèques;emile.zola@metropole.test\n';

async function harness(mapping?: unknown) {
  const tmp = makeTempDir('relais-org-rt-');
  const core = createCore({ dataDir: tmp.dir, host: 'web', policyFile: null });
  const organisation = createOrganisationPort(core);
  const tickets = createTicketFeature(core, { organisation });
  const security = createSecurityFeature(core);
  if (mapping) writeSetting(core.db, 'sync.rtOrganisation', mapping);
  const sync = createSyncFeature(core, { security, tickets: tickets.replica, referentials: createReferentials(core.db, () => core.now()).port }, { background: false, engine: { backoffBaseMs: 100, backoffMaxMs: 1_000 } });
  await tickets.handlers['directory.importCommit']({ kind: 'services', csv: TREE }, caller);
  await tickets.handlers['directory.importCommit']({ kind: 'people', csv: PEOPLE }, caller);
  await sync.handlers['sync.configure']({ kind: 'rt', url: rt.url, token: rt.token }, caller);
  const person = (q: string) => tickets.handlers['directory.search']({ q, limit: 5 }, caller) as { hits: { person: { id: string } | null }[] };
  const h = { core, sync, security, dataDir: tmp.dir, events: [], dispose: async () => (await core.close(), tmp.cleanup()) } as Harness;
  const logAndPush = async (who: string, subject: string) => {
    const t = tickets.workflow.logCall({ requesterId: person(who).hits[0]!.person!.id, subject, urgency: 3, impact: 3 });
    await drainAll(h, 60_000);
    const sid = (core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(t.id) as { server_id: string }).server_id;
    const server = await rtFetch(rt, `/ticket/${sid}`);
    const cfs = Object.fromEntries((server.body.CustomFields as { name: string; values: string[] }[]).map((c) => [c.name, c.values[0] ?? null]));
    return { local: t, server: server.body as { Priority: string | number; Queue: { id: string } }, cfs };
  };
  const queueName = async (id: string) => (await rtFetch(rt, `/queue/${id}`)).body.Name as string;
  return { h, logAndPush, queueName };
}

describe('organisation and priority to a real RT 5', () => {
  it('sends the raised priority and the organisation custom field', async () => {
    const { h, logAndPush, queueName } = await harness();
    try {
      const vital = await logAndPush('lefevre', 'Logiciel état civil bloqué');
      expect(vital.local.urgency).toBe(4); // raised by the default "Service vital" rule
      expect(vital.local.priority).toBe(4);
      expect(Number(vital.server.Priority)).toBe(4);
      expect(vital.cfs.Urgency).toBe('4');
      expect(vital.cfs.Organisation).toBe('Ville');
      expect(await queueName(vital.server.Queue.id)).toBe('Hotline');

      const standard = await logAndPush('zola', 'Catalogue lent');
      expect(Number(standard.server.Priority)).toBe(3);
      expect(standard.cfs.Organisation).toBe('Métropole');
    } finally {
      await h.dispose();
    }
  }, 180_000);

  it('puts the ticket in the organisation’s queue when configured so', async () => {
    const { h, logAndPush, queueName } = await harness({ mode: 'queue', queues: { Ville: 'Ville', 'Métropole': 'Metropole' } });
    try {
      const vital = await logAndPush('lefevre', 'Actes de naissance');
      expect(Number(vital.server.Priority)).toBe(4);
      expect(await queueName(vital.server.Queue.id)).toBe('Ville');
      const standard = await logAndPush('zola', 'Prêt numérique');
      expect(await queueName(standard.server.Queue.id)).toBe('Metropole');
    } finally {
      await h.dispose();
    }
  }, 180_000);
});
