import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../../src/api/service';
import { inLanguage } from '../../../src/base/errors';
import { makeTempDir } from '../../support/temp-dir';

let temp: ReturnType<typeof makeTempDir>;
let service: Service;
beforeAll(() => {
  temp = makeTempDir();
  service = createService({ dataDir: path.join(temp.dir, 'data'), host: 'web', policyFile: null });
});
afterAll(async () => {
  await service.close();
  temp.cleanup();
});

describe('an invalid input is refused in one language at a time', () => {
  it('a schema message written "français / English" shows only the reader\'s half', async () => {
    const r = await service.dispatch('tickets.logCall', { requesterName: 'Mme\nDupré', subject: 'Imprimante' }, { clientId: 't' });
    expect(r.ok).toBe(false);
    const { fr, en } = (r as { error: { message: { fr: string; en: string } } }).error.message;
    // The field in the reader's words, then the schema's message in the reader's language.
    expect(fr).toMatch(/^Le demandeur : une seule ligne imprimable/);
    expect(fr).not.toContain('Single printable line');
    expect(en).toMatch(/^The requester: single printable line/i);
    expect(en).not.toContain('Une seule ligne');
  });

  it('keeps a message that is not in two halves whole', () => {
    expect(inLanguage('Too big: expected string to have <=200 characters', 'fr')).toBe('Too big: expected string to have <=200 characters');
    expect(inLanguage('Nom de poste invalide / Invalid host name', 'en')).toBe('Invalid host name');
  });
});
