/**
 * Issue 18: 10,000 random request-targets and headers, sent as raw bytes to the real web host
 * (in this process, so any exception it throws fails the run). The host must answer every one
 * with a status line, and still serve the contract afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RawClient } from '../../support/ws-client';
import { startTestHost } from '../../support/web-host';
import { rawRequest } from '../../support/raw-http';

const REQUESTS = 10_000;
const PARALLEL = 48;

let host: Awaited<ReturnType<typeof startTestHost>>;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => host?.dispose());

const pieces = fc.oneof(
  fc.constantFrom('/', '//', '%', '[', ']', '\\', '..', '%2e', '%2f', '%5c', '%00', '%E0%A4', '%C0%AF', '?', '#', '@', ':', 'api', 'index.html', 'assets', '*', 'http://', 'ws://127.0.0.1'),
  fc.integer({ min: 0, max: 255 }).map((n) => '%' + n.toString(16).padStart(2, '0').toUpperCase()),
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.string({ maxLength: 6 }),
);
const target = fc.array(pieces, { maxLength: 12 }).map((p) => p.join(''));
const headerName = fc.oneof(
  fc.constantFrom('Host', 'Origin', 'Upgrade', 'Connection', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Content-Length', 'Transfer-Encoding', 'Expect', 'Cookie', 'X-Forwarded-For'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
);
const headerValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('websocket', 'Upgrade', '13', '0', '-1', '99999999999999999999', 'chunked', '100-continue', 'dGhlIHNhbXBsZSBub25jZQ=='));
const request = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS', 'G\u00c9T', ''),
  target,
  goodHost: fc.boolean(),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x'),
});

describe('HTTP request-line and header fuzzing against the real web host', () => {
  it(`answers each of ${REQUESTS} random requests and keeps serving`, async () => {
    const seed = Date.now() ^ 0x5eed;
    const samples = fc.sample(request, { numRuns: REQUESTS, seed });
    const unanswered: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < samples.length) {
        const r = samples[next++]!;
        const lines = [`${r.method} ${r.target} ${r.version}`];
        if (r.goodHost) lines.push(`Host: 127.0.0.1:${host.port}`);
        for (const [k, v] of r.headers) lines.push(`${k}: ${v}`);
        const raw = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8');
        const status = await rawRequest(host.port, raw, 5000);
        if (status === null) unanswered.push(JSON.stringify(raw.toString('latin1')));
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    expect(unanswered, `seed ${seed}: requests left without an answer`).toEqual([]);
    const c = await RawClient.open(host.port, host.token);
    expect((await c.call('app.info')).ok).toBe(true);
    c.close();
  }, 60_000);
});
