import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCertificate } from '../../../src/features/rdp/cert';
import { RelaisError } from '../../../src/base/errors';

// A real socket that accepts and never answers: the RDP check times out.
let server: net.Server;
let port = 0;
const sockets: net.Socket[] = [];
beforeAll(async () => {
  server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

describe('errors in one language at a time', () => {
  it('an RDP check that times out says so in French, or in English, never both', async () => {
    const err = (await probeCertificate('127.0.0.1', port, 200).catch((e: unknown) => e)) as RelaisError;
    expect(err).toBeInstanceOf(RelaisError);
    const { fr, en } = err.messages;
    expect(fr).toContain('délai dépassé');
    expect(fr).not.toContain('timed out');
    expect(en).toContain('timed out');
    expect(en).not.toContain('délai');
  });
});
