/**
 * RDP benchmarks against a real xrdp (127.0.0.1, free ports) with the real xfreerdp under
 * Xvfb, through the contract (`rdp.launch`, its input validated by the contract schema):
 * - click_to_spawn_ms: from the contract call to the client process spawned (the call
 *   returns once the process exists; includes the certificate check). Target: under 50 ms.
 * - call_return_ms: until the call returns (session recorded on the ticket and the audit log).
 * - login_ms: from the contract call to xrdp's "login successful for user ..." log line.
 * Medians over several runs (RDP_BENCH_RUNS, default 7) after one warm-up run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startXrdp, xrdpUnavailable } from '../test/services/xrdp';
import { insertAsset, makeRdpHarness } from '../test/support/rdp-harness';
import { percentile, round, writeResults } from './_support';

const RUNS = Number(process.env.RDP_BENCH_RUNS ?? 7);
const why = xrdpUnavailable();
if (why) {
  console.error(`Mesures RDP impossibles ici : ${why}. / RDP benchmarks cannot run here: ${why}.`);
  process.exit(1);
}

const xrdp = await startXrdp({ user: 'relaisbench', sessionSeconds: 1 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bench-rdp-'));
// The real tickets, security and RDP features; every input validated against the contract
// as service.dispatch does. The client draws on the test display, FreeRDP's files go to dir.
const h = await makeRdpHarness({ processEnv: { ...process.env, DISPLAY: xrdp.display, HOME: dir } });
const ok = (name: Parameters<typeof h.call>[0], input: unknown): Promise<any> => h.call(name, input);

try {
  const assetId = insertAsset(h.core, { name: 'PC-BENCH-001', ip: '127.0.0.1' });
  const credentialId = await h.security.vault.put('bench', xrdp.password, 'password');
  await ok('rdp.setAssetMethods', { assetId, methods: ['rdp'], defaultMethod: 'rdp', settings: { port: xrdp.port, user: xrdp.user, credentialId, width: 800, height: 600 } });
  const trust = await ok('rdp.launch', { assetId, method: 'rdp' });
  if (trust.status !== 'needs_trust') throw new Error('expected a certificate to trust first');

  const ended = new Map<string, () => void>();
  h.core.events.subscribe((name, payload: any) => {
    if (name === 'rdp.session' && payload.endedAt) ended.get(payload.id)?.();
  });

  const spawnMs: number[] = [];
  const loginMs: number[] = [];
  const returnMs: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const from = xrdp.logSize();
    const t0 = performance.now();
    const r = await ok('rdp.launch', { assetId, method: 'rdp', ...(i === 0 ? { trustFingerprint: trust.fingerprint } : {}) });
    const tReturn = performance.now();
    if (r.status !== 'started') throw new Error(`launch ${i}: ${r.status}`);
    const t1 = h.rdp.runningClient(r.session.id)?.spawnedAt ?? tReturn;
    const done = new Promise<void>((res) => ended.set(r.session.id, res));
    await xrdp.waitForLog(new RegExp(`login successful for user ${xrdp.user}`), 20_000, from);
    const t2 = performance.now();
    await done;
    if (i === 0) continue; // warm-up: FreeRDP version detection, first TLS
    spawnMs.push(t1 - t0);
    returnMs.push(tReturn - t0);
    loginMs.push(t2 - t0);
    console.log(`run ${i}: click_to_spawn ${round(t1 - t0)} ms, login ${round(t2 - t0)} ms`);
  }
  const clients = await ok('rdp.clients', {});
  writeResults('rdp', {
    runs: RUNS,
    click_to_spawn_ms: percentile(spawnMs, 50),
    click_to_spawn_p95_ms: percentile(spawnMs, 95),
    call_return_ms: percentile(returnMs, 50),
    login_ms: percentile(loginMs, 50),
    login_p95_ms: percentile(loginMs, 95),
    client: `xfreerdp ${clients.clients.find((c: any) => c.id === 'xfreerdp')?.version ?? '?'}`,
    server: 'xrdp 0.9 (127.0.0.1, Xvfb)',
  });
} finally {
  await h.dispose();
  await xrdp.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
