import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createService } from '../../../src/api/service';
import { makeTempDir } from '../../support/temp-dir';

const temp = makeTempDir();
const service = createService({ dataDir: temp.dir, host: 'web', policyFile: null });
afterAll(async () => {
  await service.close();
  temp.cleanup();
});
const call = async (name: string, input: unknown) => {
  const r = await service.dispatch(name, input, { clientId: 't' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as Record<string, unknown>;
};
const pdfText = (base64: string, name: string) => {
  const file = path.join(temp.dir, name);
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
};

describe('the intervention report tells the real time on the phone', () => {
  it('sums the calls timed by the form (2 min 5 s + 40 s), in French and English with each one’s punctuation', async () => {
    const t = await call('tickets.logCall', { requesterName: 'Jean Appel', description: 'Écran noir', durationSec: 125 });
    await call('drafts.save', { id: 'second-call', form: {} });
    await call('drafts.addToTicket', { draftId: 'second-call', ticketId: t.id, body: 'Rappel : toujours noir', durationSec: 40 });
    const fr = pdfText((await call('tools.report', { ticketId: t.id, audience: 'agent', locale: 'fr' })).base64 as string, 'fr.pdf');
    expect(fr).toMatch(/Durée des appels :\s+2 min 45 s/);
    const en = pdfText((await call('tools.report', { ticketId: t.id, audience: 'agent', locale: 'en' })).base64 as string, 'en.pdf');
    expect(en).toMatch(/Time on the phone:\s+2 min 45 s/);
    expect(en).not.toMatch(/\w :/);
  });
});
