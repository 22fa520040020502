/**
 * Live usage against a REAL OpenVPN 2.6 server (test/services/openvpn-lab.sh): two real
 * clients in network namespaces show as connected with their Common Name; reclaiming one
 * seat with disconnection kills its session (`kill <CN>`), which is gone from `status 3`,
 * and the audit log holds the revocation and the disconnection. The management password
 * comes from the vault. Then the faults: the server stopped → a clear message, last state kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenVpnLab, type OpenVpnLab } from '../../services/openvpn';
import { makeSeatsHarness, VPN_POOL, type SeatsHarness } from './harness';

let lab: OpenVpnLab;
let h: SeatsHarness;
beforeAll(async () => {
  lab = await startOpenVpnLab({ clients: ['agent-dupre', 'agent-martin'] });
  h = makeSeatsHarness();
}, 90_000);
afterAll(async () => {
  await h?.close();
  await lab?.down();
}, 60_000);

describe('live usage from a real OpenVPN server', () => {
  it('shows connected clients by Common Name, and a reclaim with disconnect removes the session', async () => {
    const credentialId = (await h.call('security.vaultPut', { label: 'OpenVPN management', kind: 'password', secret: lab.password })).id;
    const pool = await h.call('seats.createPool', { ...VPN_POOL, live: { kind: 'openvpn', host: lab.host, port: lab.port, credentialId } });
    const dupre = await h.call('seats.assign', { poolId: pool.id, holder: { name: 'Jeanne Dupré', login: 'agent-dupre', organisationId: 'ville', reason: 'télétravail' } });
    const martin = await h.call('seats.assign', { poolId: pool.id, holder: { name: 'Paul Martin', login: 'agent-martin', organisationId: 'metropole', reason: 'astreinte' } });

    const live = await h.call('seats.refreshLive', { poolId: pool.id });
    expect(live.error).toBeNull();
    expect(live.connected.map((c: any) => c.login).sort()).toEqual(['agent-dupre', 'agent-martin']);
    expect(live.connected.every((c: any) => /^10\.213\.0\.1\d:\d+$/.test(c.address) && c.since)).toBe(true);

    const r = await h.call('seats.revoke', { seatId: martin.id, reason: 'inactif depuis 45 jours', disconnect: true });
    expect(r).toMatchObject({ disconnected: true, disconnectError: null, seat: { status: 'revoked' } });
    // Gone from the server's own status (read with the recipe's client, not Relais's).
    expect(await lab.rawStatus()).not.toMatch(/^CLIENT_LIST\tagent-martin\t/m);
    expect(await lab.rawStatus()).toMatch(/^CLIENT_LIST\tagent-dupre\t/m);
    const after = await h.call('seats.refreshLive', { poolId: pool.id });
    expect(after.connected.map((c: any) => c.login)).toEqual(['agent-dupre']);

    const o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.seats.map((s: any) => s.id)).toEqual([dupre.id]);
    const actions = (await h.call('security.auditList', { limit: 20 })).rows.map((x: any) => [x.action, x.details?.holder ?? null]);
    expect(actions.slice(0, 2)).toEqual([
      ['seat.disconnected', 'agent-martin'],
      ['seat.revoked', 'agent-martin'],
    ]);
    // The password never reaches the audit log or the contract's answers.
    expect(JSON.stringify((await h.call('security.auditList', { limit: 50 })).rows)).not.toContain(lab.password);
    expect(JSON.stringify(o)).not.toContain(lab.password);
  });

  it('a wrong vault password and a stopped server each give a clear message and keep the last state', async () => {
    const wrong = (await h.call('security.vaultPut', { label: 'OpenVPN wrong', kind: 'password', secret: 'not-the-password' })).id;
    const bad = await h.call('seats.createPool', { ...VPN_POOL, name: 'VPN mauvais mot de passe', live: { kind: 'openvpn', host: lab.host, port: lab.port, credentialId: wrong } });
    const denied = await h.call('seats.refreshLive', { poolId: bad.id });
    expect(denied.error.code).toBe('OPENVPN_AUTH_FAILED');

    const pools = (await h.call('seats.pools')).pools;
    const good = pools.find((p: any) => p.name === VPN_POOL.name);
    await lab.down();
    const down = await h.call('seats.refreshLive', { poolId: good.id });
    expect(down.error.code).toBe('OPENVPN_UNREACHABLE');
    expect(down.error.message.fr).toContain(`127.0.0.1:${lab.port}`);
    expect(down.connected.map((c: any) => c.login)).toEqual(['agent-dupre']);
    expect(down.readAt).not.toBeNull();
  }, 30_000);
});
