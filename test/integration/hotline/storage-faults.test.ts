import { afterEach, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../../src/api/service';
import { toRelaisError } from '../../../src/base/errors';
import { makeTempDir } from '../../support/temp-dir';

let svc: Service | null = null;
let temp: ReturnType<typeof makeTempDir> | null = null;
afterEach(async () => {
  await svc?.close();
  temp?.cleanup();
  svc = null;
});
const caller = { clientId: 'test' };
const call = { requesterName: 'Jean Inconnu', requesterPhone: '06 12 34 56 78', description: 'Badge refusé au portique. '.repeat(400) };
const count = (s: Service) => (s.core.db.prepare('SELECT (SELECT COUNT(*) FROM tickets) + (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM followups) AS n').get() as { n: number }).n;

function start(): Service {
  temp = makeTempDir();
  svc = createService({ dataDir: temp.dir, host: 'web', policyFile: null });
  return svc;
}

describe('a full or read-only disk', () => {
  it('answers STORAGE_FULL in French and English, writes nothing, and the same call succeeds once space is back', async () => {
    const s = start();
    const pages = s.core.db.pragma('page_count', { simple: true }) as number;
    // SQLite's own page limit gives a genuine SQLITE_FULL, as a full disk does.
    s.core.db.pragma(`max_page_count = ${pages}`);
    const before = count(s);
    const res = await s.dispatch('tickets.logCall', call, caller);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('STORAGE_FULL');
    expect(res.error.message.fr).toMatch(/disque est plein.*saisie est conservée/);
    expect(res.error.message.en).toMatch(/disk is full.*input is kept/);
    expect(count(s)).toBe(before);
    s.core.db.pragma('max_page_count = 1073741823');
    const retry = await s.dispatch('tickets.logCall', call, caller);
    expect(retry.ok).toBe(true);
    expect((s.core.db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
  });

  it('answers STORAGE_READONLY when the store refuses writes', async () => {
    const s = start();
    s.core.db.pragma('query_only = ON');
    const res = await s.dispatch('tickets.logCall', call, caller);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('STORAGE_READONLY');
      expect(res.error.message.fr).toMatch(/lecture seule/);
    }
  });

  it('maps file-system errors to the same clear codes', () => {
    expect(toRelaisError(Object.assign(new Error('x'), { code: 'ENOSPC' })).code).toBe('STORAGE_FULL');
    expect(toRelaisError(Object.assign(new Error('x'), { code: 'EROFS' })).code).toBe('STORAGE_READONLY');
    expect(toRelaisError(Object.assign(new Error('x'), { code: 'SQLITE_READONLY_DBMOVED' })).code).toBe('STORAGE_READONLY');
  });

  it('rejects invalid calls at the contract with the field named, in both languages', async () => {
    const s = start();
    const res = await s.dispatch('tickets.logCall', { ...call, urgency: 9, channel: 'pigeon' }, caller);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('INVALID_INPUT');
      // Each field in the reader's words, never the raw `urgency — …` of the schema.
      expect(res.error.message.fr).toContain("L'urgence ne doit pas dépasser 5");
      expect(res.error.message.fr).toContain("Le canal doit être l'une des valeurs proposées");
      expect(res.error.message.en).toContain('The urgency must not exceed 5');
      expect(res.error.message.en).toContain('The channel must be one of the values offered');
    }
    const unknownTeam = await s.dispatch('tickets.logCall', { ...call, outcome: 'route', teamId: 'nope' }, caller);
    expect(unknownTeam.ok).toBe(false);
    if (!unknownTeam.ok) expect(unknownTeam.error.message.fr).toMatch(/Équipe inconnue|Équipe inconnu/);
  });
});
