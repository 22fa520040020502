import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../../src/api/service';
import { makeTempDir } from '../../support/temp-dir';

let temp: ReturnType<typeof makeTempDir>;
let service: Service | null = null;
afterEach(async () => {
  await service?.close();
  temp.cleanup();
});
const call = async (name: string, input?: unknown): Promise<any> => {
  const r = await service!.dispatch(name, input, { clientId: 't' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

describe('demo permanence', () => {
  it('holds a stock short of demand, a ranked waiting list, loans out (one overdue with a reminder), an item in repair', async () => {
    temp = makeTempDir('relais-loans-demo-');
    service = createService({ dataDir: path.join(temp.dir, 'data'), host: 'web', policyFile: null, demo: true, loansAutoSync: false });
    const ov = await call('loans.overview', {});
    const stock = ov.stock.reduce((a: number, s: any) => a + s.total, 0);
    expect(stock).toBe(25);
    const db = service.core.db;
    const asked = db.prepare('SELECT sum(quantity) FROM loan_request_lines').pluck().get() as number;
    expect(asked).toBeGreaterThan(stock);
    // One agent is late with what they borrowed (a laptop and a headset); the first loan was followed up.
    expect(new Set(ov.overdue.map((l: any) => l.agentName)).size).toBe(1);
    expect(ov.overdue.flatMap((l: any) => l.reminders)).toHaveLength(1);
    expect(ov.stock.find((s: any) => s.type === 'ecran').counts.en_reparation).toBe(1);
    expect(ov.stock.find((s: any) => s.type === 'portable').counts.retour_a_controler).toBe(1);
    const wl = await call('loans.waitlist', {});
    expect(wl.total).toBeGreaterThan(5);
    expect(new Set(wl.entries.map((e: any) => e.request.tier)).size).toBeGreaterThan(1);
    // Restarting the demo does not add a second stock.
    await service.close();
    service = createService({ dataDir: path.join(temp.dir, 'data'), host: 'web', policyFile: null, demo: true, loansAutoSync: false });
    expect(service.core.db.prepare('SELECT count(*) FROM loan_items').pluck().get()).toBe(25);
  }, 120_000);
});
