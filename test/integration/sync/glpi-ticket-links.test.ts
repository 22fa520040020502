/**
 * A call linked under an "incident majeur" reaches GLPI (the test double of apirest.php) as a
 * Ticket_Ticket row "fils de" (link 3) from the child to the parent, once, plus a private
 * follow-up on each ticket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeGlpiWorld, type GlpiWorld } from './glpi-support';
import { fromGlpiHtml } from '../../../src/features/sync/connectors/glpi/richtext';

let world: GlpiWorld | null = null;
afterEach(async () => {
  await world?.dispose();
  world = null;
});

describe('ticket links to GLPI', () => {
  it('a child linked under a parent becomes Ticket_Ticket link 3, once, with a private follow-up on both', async () => {
    world = await makeGlpiWorld({ groups: true });
    const w = world;
    await w.configure();
    const parent = w.wf.logCall({ requesterName: 'Service informatique', subject: 'Messagerie indisponible' });
    const child = w.wf.logCall({ requesterName: 'Hélène Dupré', subject: 'Plus de mails', parentTicketId: parent.id });
    await w.syncAll();
    const [p, c] = [w.serverId(parent.id), w.serverId(child.id)];
    const links = w.glpi.rows('Ticket_Ticket').map((r) => [r.tickets_id_1, r.tickets_id_2, r.link]);
    expect(links).toEqual([[c, p, 3]]);
    const linkNotes = (id: number) => w.glpi.followups(id).filter((f) => /incident majeur|Appel rattach/.test(fromGlpiHtml(String(f.content)).text)).map((f) => f.is_private);
    expect([linkNotes(c), linkNotes(p)]).toEqual([[1], [1]]);
    // A second round changes nothing: still one link.
    await w.syncAll();
    expect(w.glpi.rows('Ticket_Ticket')).toHaveLength(1);
  });
});
