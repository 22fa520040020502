import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calls, callNames } from '../../../src/api/contract';
import { RawClient } from '../../support/ws-client';
import { startTestHost } from '../../support/web-host';

/**
 * Sends malformed input to every contract call through the web host: wrong types, huge
 * strings, unknown calls, prototype-pollution keys. Each must come back as a typed error
 * (code + French and English message) and the host must stay alive and unpolluted.
 */
let host: Awaited<ReturnType<typeof startTestHost>>;
let client: RawClient;
beforeAll(async () => {
  host = await startTestHost();
  client = await RawClient.open(host.port, host.token);
});
afterAll(async () => {
  client?.close();
  await host?.dispose();
});

const huge = 'x'.repeat(1_000_000);
const hostile: unknown[] = [
  null,
  42,
  -1,
  Number.MAX_SAFE_INTEGER,
  'texte',
  true,
  [],
  [1, 2, 3],
  { unexpected: 'field' },
  { id: huge },
  { name: huge, host: huge, text: huge },
  huge,
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  JSON.parse('{"id": "x", "__proto__": {"isAdmin": true}}'),
  { id: { $ne: null } },
  { id: 'a'.repeat(100), locale: 'de' },
  { limit: 'NaN', offset: -5 },
];

function expectTypedError(reply: { ok: boolean; error?: any }, label: string) {
  expect(reply.ok, label).toBe(false);
  expect(typeof reply.error?.code, label).toBe('string');
  expect(reply.error.message.fr.length, label).toBeGreaterThan(0);
  expect(reply.error.message.en.length, label).toBeGreaterThan(0);
  // A rejected input is never echoed back whole (no 1 MB string in an error).
  expect(JSON.stringify(reply.error).length, label).toBeLessThan(20_000);
}

describe('contract fuzzing through the web host', () => {
  it('answers every malformed input to every call with a typed error', async () => {
    let sent = 0;
    for (const name of callNames) {
      const schema = calls[name].input;
      for (const input of hostile) {
        if (schema.safeParse(input).success) continue; // valid for this call: not malformed
        expectTypedError(await client.call(name, input), `${name} ← ${JSON.stringify(input)?.slice(0, 60)}`);
        sent++;
      }
    }
    expect(sent).toBeGreaterThan(callNames.length * 5);
  }, 120_000); // ~0.3 s per call with its 1 MB inputs on a loaded machine, and the contract keeps growing

  it('answers random garbage (property-based) with typed errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...callNames), fc.anything({ withNullPrototype: false, maxDepth: 3 }), async (name, input) => {
        fc.pre(!calls[name].input.safeParse(input).success);
        const json = JSON.parse(JSON.stringify(input ?? null));
        fc.pre(!calls[name].input.safeParse(json).success);
        expectTypedError(await client.call(name, json), name);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses unknown calls and inherited property names', async () => {
    for (const name of ['nope', 'app.infoo', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'x'.repeat(10_000), 42, null]) {
      const reply = await client.call(name as string, {});
      expectTypedError(reply, String(name).slice(0, 30));
      expect(reply.error.code).toBe('UNKNOWN_CALL');
    }
  });

  it('survives unreadable frames and oversized messages, and stays unpolluted', async () => {
    client.ws.send('{not json');
    client.ws.send(Buffer.from([0xff, 0x00, 0x13]));
    const big = await RawClient.open(host.port, host.token);
    big.ws.send(JSON.stringify({ type: 'call', id: 1, name: 'app.info', input: { x: 'y'.repeat(9 * 1024 * 1024) } }));
    await expect.poll(() => big.closed?.code, { timeout: 10_000 }).toBe(1009);

    const info = await client.call('app.info');
    expect(info.ok).toBe(true);
    expect(({} as any).polluted).toBeUndefined();
    expect(({} as any).isAdmin).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });
});
