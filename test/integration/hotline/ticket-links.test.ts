/**
 * Parent/child links ("incident majeur"): a call logged under a parent, or an existing ticket
 * linked afterwards, shows on both tickets, writes a timeline entry on each with its outbox row,
 * and refuses links that would make more than one level or a ticket its own parent.
 */
import { describe, expect, it } from 'vitest';
import { readOutbox } from '../../../src/features/tickets/outbox';
import { makeCore } from '../../support/core';

const app = makeCore();

const { call, refused } = app;

describe('incident majeur: parent and child tickets', () => {
  it('a call logged under a parent: both tickets show the link, each timeline says so, each entry has its outbox row', async () => {
    const parent = await call('tickets.logCall', { requesterName: 'Service informatique', subject: 'Messagerie indisponible' });
    const before = readOutbox(app.service.core.db).length;
    const child = await call('tickets.logCall', { requesterName: 'Hélène Dupré', subject: 'Plus de mails', parentTicketId: parent.id });

    const c = await call('tickets.get', { id: child.id });
    expect(c.parent).toEqual({ id: parent.id, number: parent.number, subject: 'Messagerie indisponible', status: parent.status, requesterName: 'Service informatique' });
    expect(c.children).toEqual([]);
    const p = await call('tickets.get', { id: parent.id });
    expect(p.parent).toBeNull();
    expect(p.children.map((x) => [x.id, x.number, x.requesterName])).toEqual([[child.id, child.number, 'Hélène Dupré']]);

    const childLink = c.timeline.find((f) => f.kind === 'link')!;
    expect(childLink).toMatchObject({ private: true, body: `Rattaché à l'incident majeur n° ${parent.number} — Messagerie indisponible`, data: { role: 'child', parentTicketId: parent.id } });
    const parentLink = p.timeline.find((f) => f.kind === 'link')!;
    expect(parentLink).toMatchObject({ private: true, body: `Appel rattaché : ticket n° ${child.number} (Hélène Dupré)`, data: { role: 'parent', childTicketId: child.id } });

    const ops = readOutbox(app.service.core.db).slice(before);
    const linkOps = ops.filter((o) => o.kind === 'followup.create' && o.payload.kind === 'link');
    expect(linkOps.map((o) => o.ticketId).sort()).toEqual([child.id, parent.id].sort());
  });

  it('links an existing ticket afterwards; refuses a second parent, a parent that is a child, a child that is a parent, and itself', async () => {
    const a = await call('tickets.logCall', { requesterName: 'A', subject: 'Réseau coupé au 3e étage' });
    const b = await call('tickets.logCall', { requesterName: 'B', subject: 'Pas de réseau' });
    const c = await call('tickets.logCall', { requesterName: 'C', subject: 'Réseau lent' });
    const linked = await call('tickets.linkParent', { id: b.id, parentId: a.id });
    expect(linked.id).toBe(b.id);
    expect((await call('tickets.get', { id: a.id })).children.map((x) => x.id)).toEqual([b.id]);

    const why = async (id: string, parentId: string) => ((await refused('tickets.linkParent', { id, parentId })).details as { why: string }).why;
    expect(await why(b.id, c.id)).toBe('hasParent');
    expect(await why(c.id, b.id)).toBe('parentIsChild');
    expect(await why(a.id, c.id)).toBe('isParent');
    expect(await why(c.id, c.id)).toBe('self');
    const err = await refused('tickets.linkParent', { id: c.id, parentId: b.id });
    expect(err.message.fr).toMatch(/rattachez l’appel à celui-ci/);
    expect(err.message.en).toMatch(/link the call to that one/);
    // Nothing half-written: C has no link and no link entry.
    const cNow = await call('tickets.get', { id: c.id });
    expect([cNow.parent, cNow.timeline.some((f) => f.kind === 'link')]).toEqual([null, false]);
    expect((await refused('tickets.linkParent', { id: c.id, parentId: '0190aaaa-0000-7000-8000-000000000000' })).code).toBe('NOT_FOUND');
  });
});
