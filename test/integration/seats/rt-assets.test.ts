/**
 * Seats as assets of a REAL Request Tracker 5 (test/services/rt.ts): catalog "Accès distants",
 * one asset per seat, HeldBy the agent, custom field Organisation; two consoles racing for the
 * last seat: RT's If-Match makes exactly one of them win, the other is told none is left.
 * Through the service: seats assigned and revoked offline reach RT once the server is back,
 * exactly once, even when the answer to a push was lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { createRtSeatAssets, RT_SEAT_CATALOG } from '../../../src/features/seats/rt-assets';
import { RelaisError } from '../../../src/base/errors';
import { assignTwoRevokeOne, makeSeatsHarness, VPN_POOL } from './harness';

let rt: RtInstance;
beforeAll(async () => {
  rt = await startRt();
  // What the RT administrator sets up once: the catalog, its custom field, the agents, the rights.
  await rt.perl(`
    use utf8;
    my $cat = RT::Catalog->new($RT::SystemUser);
    my ($ok, $msg) = $cat->Create(Name => '${RT_SEAT_CATALOG}', Lifecycle => 'assets');
    die "catalog: $msg" unless $ok;
    my $cf = RT::CustomField->new($RT::SystemUser);
    ($ok, $msg) = $cf->Create(Name => 'Organisation', Type => 'FreeformSingle', LookupType => RT::Asset->CustomFieldLookupType);
    die "cf: $msg" unless $ok;
    ($ok, $msg) = $cf->AddToObject($cat);
    die "apply: $msg" unless $ok;
    for my $u ('agent-dupre', 'agent-martin', 'agent-garcia') { RT::User->new($RT::SystemUser)->Create(Name => $u, EmailAddress => "$u\\@ville.fr"); }
    my $u = RT::User->new($RT::SystemUser); $u->Load('relais');
    $u->PrincipalObj->GrantRight(Right => $_, Object => $RT::System) for qw(ShowAsset CreateAsset ModifyAsset ShowCatalog SeeCustomField ModifyCustomField);
  `);
}, 120_000);
afterAll(async () => {
  await rt?.dispose();
});

const client = () => createRtSeatAssets({ url: rt.url, token: () => rt.token });

describe('seats as Request Tracker assets', () => {
  it('creates one asset per seat, assigns with HeldBy and the organisation, releases', async () => {
    const seats = client();
    const assets = await seats.ensure('VPN test', 2);
    expect(assets.map((a) => [a.name, a.heldBy])).toEqual([
      ['VPN test #01', null],
      ['VPN test #02', null],
    ]);
    expect(await seats.ensure('VPN test', 2)).toHaveLength(2); // idempotent

    const given = await seats.assign('VPN test', 'agent-dupre', 'ville');
    expect(given).toMatchObject({ name: 'VPN test #01', heldBy: 'agent-dupre', organisation: 'ville' });
    // Read back independently through REST2.
    const raw = (await (await fetch(`${rt.url}/REST/2.0/asset/${given.id}`, { headers: { Authorization: `token ${rt.token}` } })).json()) as any;
    expect(raw.HeldBy.map((h: any) => h.id)).toEqual(['agent-dupre']);
    expect(raw.Catalog.id).toBeDefined();

    expect(await seats.release('VPN test', 'agent-dupre')).toBe(true);
    expect((await seats.list('VPN test')).every((a) => a.heldBy === null)).toBe(true);
    expect(await seats.release('VPN test', 'agent-dupre')).toBe(false);
  });

  it('two consoles assigning the last seat at once: exactly one gets it', async () => {
    const a = client();
    const b = client();
    await a.ensure('VPN dernier', 2);
    await a.assign('VPN dernier', 'agent-dupre', 'ville');
    const results = await Promise.allSettled([a.assign('VPN dernier', 'agent-martin', 'metropole'), b.assign('VPN dernier', 'agent-garcia', 'ville')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(RelaisError);
    expect((lost[0]!.reason as RelaisError).code).toBe('SEAT_RT_NONE_FREE');
    expect((lost[0]!.reason as RelaisError).messages.fr).toContain('une autre console vient de prendre la dernière');
    const held = (await a.list('VPN dernier')).map((x) => x.heldBy);
    expect(held.filter(Boolean)).toHaveLength(2);
    expect(held).toContain('agent-dupre');
  });

  it('a stale ETag is refused by RT (412): the console moves on instead of overwriting', async () => {
    const a = client();
    await a.ensure('VPN etag', 2);
    const [first] = await a.list('VPN etag');
    const stale = first!.etag;
    await a.assign('VPN etag', 'agent-martin', 'metropole'); // takes #01, its ETag changes
    const put = await fetch(`${rt.url}/REST/2.0/asset/${first!.id}`, {
      method: 'PUT',
      headers: { Authorization: `token ${rt.token}`, 'Content-Type': 'application/json', 'If-Match': stale! },
      body: JSON.stringify({ HeldBy: 'agent-garcia' }),
    });
    expect(put.status).toBe(412);
    // Through Relais, the next assignment lands on #02, never on the held #01.
    expect((await a.assign('VPN etag', 'agent-garcia', 'ville')).name).toBe('VPN etag #02');
  });
});

describe('seats pushed to RT through the service', () => {
  it('works offline, then pushes exactly once when RT is back (also after a lost answer)', async () => {
    const h = makeSeatsHarness();
    try {
      await h.call('sync.configure', { kind: 'rt', url: rt.url, token: rt.token, user: 'relais' });
      const pool = await h.call('seats.createPool', { ...VPN_POOL, name: 'VPN sync', capacity: 3, shares: [] });
      await rt.stop();
      // Offline: the hotline still assigns and revokes; nothing is lost.
      await assignTwoRevokeOne(h, pool.id);
      const offline = await h.call('seats.syncRt');
      expect(offline).toMatchObject({ pushed: 0, pending: 3 });
      expect(offline.stoppedBy.code).toBe('SEAT_RT_OFFLINE');
      expect(offline.stoppedBy.message.fr).toContain('restent en attente');

      await rt.start();
      const online = await h.call('seats.syncRt');
      expect(online).toMatchObject({ pushed: 3, pending: 0, stoppedBy: null });
      const held = () => client().list('VPN sync').then((l) => l.map((a) => a.heldBy).filter(Boolean));
      expect(await held()).toEqual(['agent-martin']);
      expect((await client().list('VPN sync')).find((a) => a.heldBy === 'agent-martin')!.organisation).toBe('metropole');

      // The answer to a push was lost: the outbox still holds the operation. Pushed again, it is not duplicated.
      h.service.core.db.prepare("UPDATE seat_outbox SET done_at = NULL WHERE op = 'assign' AND login = 'agent-martin'").run();
      expect(await h.call('seats.syncRt')).toMatchObject({ pushed: 1, pending: 0 });
      expect(await held()).toEqual(['agent-martin']);
      expect(await client().list('VPN sync')).toHaveLength(3);
    } finally {
      await h.close();
    }
  }, 120_000);
});

