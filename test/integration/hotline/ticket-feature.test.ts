import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/api/core';
import { createTicketFeature } from '../../../src/api/handlers/tickets';
import { readOutbox } from '../../../src/features/tickets/outbox';
import { logCallInputSchema } from '../../../src/domain/tickets';
import { makeTempDir } from '../../support/temp-dir';

let core: Core | null = null;
const temp = makeTempDir();
afterEach(async () => {
  await core?.close();
  core = null;
});
afterAll(() => temp.cleanup());

describe('the ticket feature as other features use it', () => {
  it('fills an empty folder with the French demo data set, once', async () => {
    core = createCore({ dataDir: temp.dir, host: 'web', policyFile: null, demo: true });
    const f = createTicketFeature(core);
    const hits = (await f.handlers['directory.search']({ q: 'dupre', limit: 10 }, { clientId: 't' })).hits;
    expect(hits[0]?.person).toMatchObject({ firstName: 'Hélène', lastName: 'Dupré' });
    const pc = (await f.handlers['directory.search']({ q: 'PC-EAU-0042', limit: 10 }, { clientId: 't' })).hits[0];
    expect(pc?.person?.lastName).toBe('Dupré');
    const services = core.db.prepare('SELECT DISTINCT department FROM people').all() as { department: string }[];
    for (const s of ['Eau', 'Assainissement', 'État civil', 'Finances', 'RH']) expect(services.some((d) => d.department.startsWith(s))).toBe(true);
    const counts = core.db.prepare("SELECT (SELECT COUNT(*) FROM tickets) AS t, (SELECT COUNT(*) FROM followups WHERE kind = 'note') AS n, (SELECT COUNT(*) FROM outbox) AS o, (SELECT MAX(updated_at) FROM tickets) AS last").get() as { t: number; n: number; o: number; last: string };
    expect(counts.t).toBeGreaterThan(30);
    expect(counts.n).toBeGreaterThan(5);
    expect(counts.o).toBe(0); // demo history is never pushed to a server
    expect(counts.last <= new Date().toISOString()).toBe(true);
    await core.close();
    core = createCore({ dataDir: temp.dir, host: 'web', policyFile: null, demo: true });
    createTicketFeature(core);
    expect((core.db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n).toBe(counts.t);
  });

  it('timeline.append records any kind with its outbox row, bumps the ticket and emits tickets.changed', async () => {
    // The folder the demo test filled (Hélène Dupré and her PC); the core's clock is ours.
    let clock = new Date();
    core = createCore({ dataDir: temp.dir, host: 'web', policyFile: null, clock: () => clock });
    const f = createTicketFeature(core);
    const events: { name: string; payload: unknown }[] = [];
    core.events.subscribe((name, payload) => events.push({ name, payload }));
    const person = core.db.prepare("SELECT id FROM people WHERE email = 'helene.dupre@ville-exemple.fr'").get() as { id: string };
    const t = await f.handlers['tickets.logCall'](logCallInputSchema.parse({ requesterId: person.id, description: 'Session bloquée', durationSec: 30 }), { clientId: 't' });
    const ticket = f.tickets.get(t.id);
    expect(ticket.assetIds.length).toBe(1);
    const before = ticket.updatedAt;
    clock = new Date(clock.getTime() + 60_000);
    const { id } = f.timeline.append(t.id, { kind: 'ssh_session', body: 'Session SSH sur srv-sig-01 : 12 min', data: { target: 'srv-sig-01', durationSec: 720 } });
    expect(events.filter((e) => e.name === 'tickets.changed').at(-1)?.payload).toEqual({ ids: [t.id] });
    expect(f.tickets.get(t.id).updatedAt > before).toBe(true);
    const row = readOutbox(core.db, { ticketId: t.id }).find((o) => o.kind === 'followup.create' && o.payload.id === id);
    expect(row?.payload).toMatchObject({ kind: 'ssh_session', body: 'Session SSH sur srv-sig-01 : 12 min', data: { durationSec: 720 } });
    const detail = await f.handlers['tickets.get']({ id: t.id }, { clientId: 't' });
    expect(detail.timeline.at(-1)?.kind).toBe('ssh_session');
    expect(detail.assets[0]?.name).toMatch(/^PC-/);
    expect(() => f.tickets.get('missing')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => f.timeline.append('missing', { kind: 'note', body: 'x' })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

