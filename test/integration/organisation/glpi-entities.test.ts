/**
 * Issue 12, GLPI: the requester's organisation goes to GLPI as `entities_id`, through the
 * mapping set with `glpi.mappings.set`. GLPI runs its own business rules at creation and may
 * file the ticket in another entity: GLPI's entity stays (nothing is pushed back over it) and
 * the ticket shows the difference. Against the GLPI 10 double, through the real features.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGlpiFake, type GlpiFake } from '../../services/glpi-fake';
import { drainAll, type Harness } from '../../support/sync-harness';
import { createCore } from '../../../src/api/core';
import { createSecurityFeature } from '../../../src/api/handlers/security';
import { createSyncFeature } from '../../../src/api/handlers/sync';
import { createGlpiFeature } from '../../../src/api/handlers/glpi';
import { createTicketFeature } from '../../../src/api/handlers/tickets';
import { createOrganisationPort } from '../../../src/api/handlers/organisation';
import { makeTempDir } from '../../support/temp-dir';
import { createReferentials } from '../../../src/features/tickets/referentials';

const caller = { clientId: 't' };
const TREE = 'organisation;direction;service;criticité\nVille;Population;État civil;1\nMétropole;Lecture publique;Médiathèques;3\n';
const PEOPLE = 'nom;prénom;organisation;service;e-mail\nLefèvre;François;Ville;État civil;francois.lefevre@ville.test\nZola;Émile;Métropole;Médiathèques;emile.zola@metropole.test\n';

let glpi: GlpiFake;
let dispose: (() => Promise<void>) | null = null;
afterEach(async () => {
  await dispose?.();
  await glpi?.close();
});

async function world() {
  glpi = await startGlpiFake();
  const ville = glpi.addEntity('Ville de Clermont-Ferrand');
  const metropole = glpi.addEntity('Clermont Auvergne Métropole');
  const tmp = makeTempDir('relais-org-glpi-');
  const core = createCore({ dataDir: tmp.dir, host: 'web', policyFile: null });
  const organisation = createOrganisationPort(core);
  const tickets = createTicketFeature(core, { organisation });
  const security = createSecurityFeature(core);
  const sync = createSyncFeature(core, { security, tickets: tickets.replica, referentials: createReferentials(core.db, () => core.now()).port }, { background: false, engine: { backoffBaseMs: 100, backoffMaxMs: 1_000 } });
  const glpiFeature = createGlpiFeature(core, { sync });
  const h = { core, sync, security, dataDir: tmp.dir, events: [], dispose: async () => (await core.close(), tmp.cleanup()) } as Harness;
  dispose = h.dispose;
  await tickets.handlers['directory.importCommit']({ kind: 'services', csv: TREE }, caller);
  await tickets.handlers['directory.importCommit']({ kind: 'people', csv: PEOPLE }, caller);
  await sync.handlers['sync.configure']({ kind: 'glpi', url: glpi.url, token: glpi.userToken, appToken: glpi.appToken }, caller);
  const person = (q: string) => (tickets.handlers['directory.search']({ q, limit: 5 }, caller) as { hits: { person: { id: string } | null }[] }).hits[0]!.person!.id;
  const logAndPush = async (who: string, subject: string) => {
    const t = tickets.workflow.logCall({ requesterId: person(who), subject, urgency: 3, impact: 3 });
    await drainAll(h, 30_000);
    const sid = Number((core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(t.id) as { server_id: string }).server_id);
    const state = await sync.handlers['sync.ticket']({ ticketId: t.id }, caller);
    return { local: t, server: glpi.tickets.get(sid)!, warnings: state.warnings };
  };
  return { ville, metropole, glpiFeature, sync, h, logAndPush };
}

describe('organisation → GLPI entity', () => {
  it('sends the mapped entities_id of the requester’s organisation; the mapping is kept by glpi.mappings.set/get', async () => {
    const w = await world();
    const saved = await w.glpiFeature.handlers['glpi.mappings.set']({ teams: {}, technicians: {}, entities: { Ville: w.ville, 'Métropole': w.metropole } }, caller);
    expect(saved.entities).toEqual({ Ville: w.ville, 'Métropole': w.metropole });
    expect((await w.glpiFeature.handlers['glpi.mappings.get'](undefined, caller)).entities).toEqual({ Ville: w.ville, 'Métropole': w.metropole });
    const vital = await w.logAndPush('lefevre', 'Logiciel état civil bloqué');
    expect(vital.server.entities_id).toBe(w.ville);
    expect(vital.warnings).toEqual([]);
    const other = await w.logAndPush('zola', 'Catalogue lent');
    expect(other.server.entities_id).toBe(w.metropole);
    expect(other.warnings).toEqual([]);
  }, 60_000);

  it('GLPI’s business rule files the ticket in another entity: GLPI keeps it, the ticket shows the difference, later changes do not move it back', async () => {
    const w = await world();
    await w.glpiFeature.handlers['glpi.mappings.set']({ teams: {}, technicians: {}, entities: { Ville: w.ville, 'Métropole': w.metropole } }, caller);
    glpi.addTicketRule({ when: (input) => String(input.name).includes('Catalogue'), entities_id: w.ville });
    const moved = await w.logAndPush('zola', 'Catalogue des médiathèques lent');
    expect(moved.server.entities_id).toBe(w.ville);
    expect(moved.warnings).toEqual([{ code: 'sync.entityMoved', params: { local: 'Métropole', server: 'Ville', entitiesId: w.ville } }]);
    // An entity Relais does not map is named by GLPI's own name.
    glpi.addTicketRule({ when: (input) => String(input.name).includes('Racine'), entities_id: 0 });
    const root = await w.logAndPush('lefevre', 'Racine : imprimante');
    expect(root.warnings).toEqual([{ code: 'sync.entityMoved', params: { local: 'Ville', server: 'Entité racine', entitiesId: 0 } }]);
    // Later work on the ticket never sends the entity again.
    await w.sync.handlers['sync.now']({}, caller);
    expect(glpi.tickets.get(moved.server.id)!.entities_id).toBe(w.ville);
    expect(glpi.requests.filter((r) => r.method === 'PUT' && r.path === `/Ticket/${moved.server.id}`)).toEqual([]);
  }, 60_000);

  it('without a mapping, no entities_id is sent (GLPI chooses) and nothing is shown', async () => {
    const w = await world();
    const t = await w.logAndPush('lefevre', 'Sans correspondance');
    expect(t.server.entities_id).toBe(0);
    expect(t.warnings).toEqual([]);
    expect(glpi.requests.some((r) => r.path.startsWith('/Entity'))).toBe(false);
  }, 60_000);
});
