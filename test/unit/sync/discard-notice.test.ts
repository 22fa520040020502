/**
 * A change the technician discards stays on the ticket's timeline as a notice for this
 * console only: stored as kind + facts (no sentence in the database), worded by the
 * renderer in the reader's language from the real French and English resources.
 */
import { afterEach, describe, expect, it } from 'vitest';
import i18next from 'i18next';
import fr from '../../../renderer/i18n/fr/hotline.json';
import en from '../../../renderer/i18n/en/hotline.json';
import { generatedEntryText } from '../../../renderer/features/ticket/generated-entry';
import type { Followup } from '../../../src/domain/tickets';
import { SyncError } from '../../../src/features/sync/types';
import { callOf, drainAll, localUpdate, logCall, makeHarness, outboxCounts, type Harness } from '../../support/sync-harness';

async function wording(lng: 'fr' | 'en') {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: { fr: { hotline: fr }, en: { hotline: en } }, lng, fallbackLng: 'fr', defaultNS: 'hotline', interpolation: { escapeValue: false } });
  return (f: Followup) => generatedEntryText(f, i18n.t, lng);
}

const notice = (data: Record<string, unknown>): Followup => ({ id: 'n1', ticketId: 't1', kind: 'sync_discarded', author: 'hotline', createdAt: '2026-01-05T09:00:00.000Z', body: '', data, private: true });

describe('discarded change, worded by the renderer', () => {
  it.each([
    {
      data: { opId: 'o1', kind: 'ticket.create', payload: { subject: 'Imprimante HS' }, serverMessage: 'ERROR_RIGHT_MISSING' },
      fr: 'Modification abandonnée (non envoyée au serveur) : création « Imprimante HS » — refus du serveur : ERROR_RIGHT_MISSING',
      en: 'Change discarded (not sent to the server): creation “Imprimante HS” — refused by the server: ERROR_RIGHT_MISSING',
    },
    {
      data: { opId: 'o2', kind: 'followup.create', payload: { body: 'Rappeler demain' }, serverMessage: null },
      fr: 'Modification abandonnée (non envoyée au serveur) : suivi « Rappeler demain »',
      en: 'Change discarded (not sent to the server): follow-up “Rappeler demain”',
    },
    {
      data: { opId: 'o3', kind: 'ticket.update', payload: { changes: { technician: 'inconnu.xyz', status: 2 } }, serverMessage: 'That user does not exist' },
      fr: 'Modification abandonnée (non envoyée au serveur) : modification : technician = "inconnu.xyz", status = 2 — refus du serveur : That user does not exist',
      en: 'Change discarded (not sent to the server): change: technician = "inconnu.xyz", status = 2 — refused by the server: That user does not exist',
    },
  ])('$data.kind in French and in English', async ({ data, fr: inFrench, en: inEnglish }) => {
    expect((await wording('fr'))(notice(data))).toBe(inFrench);
    expect((await wording('en'))(notice(data))).toBe(inEnglish);
  });

  it('a notice without its facts shows its stored body', async () => {
    expect((await wording('en'))(notice({}))).toBeNull();
  });
});

describe('discarding a parked change through the sync feature', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('stores the copy as kind + facts, private, with no outbox row and no French sentence', async () => {
    h = await makeHarness({
      connectorFactory: () => ({
        kind: 'rt',
        testConnection: async () => ({ user: 'x', serverVersion: null }),
        createTicket: async () => {
          throw new SyncError('rejected', 'Queue Hotline: permission denied', 403);
        },
        findTicketByOp: async () => null,
        getTicket: async () => ({ state: 'gone' }),
        updateTicket: async () => {},
        addFollowup: async () => ({ serverId: null }),
        findFollowupByOp: async () => null,
        listFollowups: async () => [],
        listTickets: async () => ({ items: [], total: 0, hasMore: false }),
        listAllIds: async () => [],
        parseTicket: () => {
          throw new Error('unused');
        },
        close: async () => {},
      }),
    });
    const call = logCall(h.core.db, { subject: 'Écran noir' });
    localUpdate(h.core.db, call.ticketId, { technician: 'b.durand' });
    await callOf(h).configure({ kind: 'rt', url: 'http://rt.invalid', token: 't' });
    await drainAll(h, 10_000);
    expect(outboxCounts(h.core.db)).toEqual({ parked: 1, pending: 1 });
    const before = outboxCounts(h.core.db);
    const after = await callOf(h).discard(call.createOp);
    expect(after.parked).toHaveLength(0);
    // Only the discarded op changed state: the notice wrote no outbox row of its own.
    expect(outboxCounts(h.core.db)).toEqual({ pending: before.pending, discarded: 1 });
    const rows = h.core.db.prepare("SELECT body, data, private FROM followups WHERE ticket_id = ? AND kind = 'sync_discarded'").all(call.ticketId) as { body: string; data: string; private: number }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.body).toBe('');
    expect(rows[0]!.private).toBe(1);
    const data = JSON.parse(rows[0]!.data) as { opId: string; kind: string; payload: { subject: string }; serverMessage: string };
    expect(data).toMatchObject({ opId: call.createOp, kind: 'ticket.create', serverMessage: 'Queue Hotline: permission denied' });
    expect(data.payload.subject).toBe('Écran noir');
  });
});
