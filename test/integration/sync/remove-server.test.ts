/**
 * "Retirer le serveur": the settings and the vault's secrets go, the tickets and the changes
 * not sent yet stay (counted in the answer) for the next server configured.
 */
import { describe, expect, it } from 'vitest';
import { makeCore } from '../../support/core';

const app = makeCore();
const { call } = app;

describe('removing the ITSM server', () => {
  it('forgets the server and its token, keeps the tickets and the unsent changes', async () => {
    // Port 9 (discard) refuses connections here: the change stays waiting.
    await call('sync.configure', { kind: 'rt', url: 'http://127.0.0.1:9/', token: 'jeton-secret' });
    const t = await call('tickets.logCall', { requesterName: 'Jeanne Martin', subject: 'Appel pendant la coupure' });
    const vaultBefore = await call('security.vaultList', {});
    expect(vaultBefore.entries.some((e) => e.label.includes('127.0.0.1:9'))).toBe(true);

    const removed = await call('sync.remove', { confirm: true });
    expect(removed.kept).toBeGreaterThanOrEqual(1);
    expect(removed.status.config).toMatchObject({ configured: false, url: null, hasToken: false });
    expect((await call('security.vaultList', {})).entries.some((e) => e.label.includes('127.0.0.1:9'))).toBe(false);
    // The ticket and its outbox rows are still there, waiting.
    expect((await call('tickets.get', { id: t.id })).ticket.subject).toBe('Appel pendant la coupure');
    expect((await call('sync.status', {})).pending).toBe(removed.kept);
  });

  it('asks for the confirmation in the call itself', async () => {
    const r = await app.service.dispatch('sync.remove', {}, { clientId: 't' });
    expect(r.ok).toBe(false);
  });
});
