import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../../src/api/service';
import { foldText } from '../../../src/domain/tickets';
import type { QueuePage } from '../../../src/domain/queue';
import { MARK_END, MARK_START } from '../../../src/domain/queue';
import { TYPO_QUERIES } from '../../../bench/search-typo-queries';
import { makeTempDir } from '../../support/temp-dir';

let service: Service;
const temp = makeTempDir();
beforeAll(() => {
  service = createService({ dataDir: temp.dir, host: 'web', policyFile: null, demo: true });
});
afterAll(async () => {
  await service.close();
  temp.cleanup();
});

const search = async (text: string, filter: object = {}) => {
  const r = await service.dispatch('tickets.list', { filter: { ...filter, text }, sort: 'number', dir: 'desc', limit: 50 }, { clientId: 't' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as QueuePage;
};
const plain = (s: string) => s.replaceAll(MARK_START, '').replaceAll(MARK_END, '');

describe('search that forgives how words are written', () => {
  it('"wifi" finds "Wi-Fi" and marks it; "wi-fi" finds it too', async () => {
    for (const q of ['wifi', 'wi-fi', 'WIFI']) {
      const page = await search(q);
      expect(page.total, q).toBeGreaterThan(0);
      expect(plain(page.rows[0]!.subject)).toContain('Wi-Fi');
      expect(page.rows[0]!.subject).toContain(`${MARK_START}Wi-Fi${MARK_END}`);
    }
  });

  it('"bourage" finds "bourrage" and says which spelling it used', async () => {
    const page = await search('bourage');
    expect(page.total).toBeGreaterThan(0);
    expect(page.correctedText).toBe('bourrage');
    expect(foldText(plain(page.rows[0]!.subject))).toContain('bourrage');
  });

  it('a search with no match in the current view tells how many tickets match elsewhere', async () => {
    // The demo's Wi-Fi tickets include solved ones; nobody is "technician = nobody".
    const page = await search('wifi', { technician: 'personne-inconnue' });
    expect(page.total).toBe(0);
    const all = await search('wifi');
    expect(page.elsewhere).toBe(all.total);
  });

  it('finds at least 90% of the fixed list of misspelled and hyphen-variant searches', async () => {
    let hits = 0;
    const misses: string[] = [];
    for (const { query, expect: word } of TYPO_QUERIES) {
      const page = await search(query);
      const found = page.rows.some((r) => foldText(`${plain(r.subject)} ${plain(r.snippet ?? '')}`).includes(foldText(word)));
      if (found) hits++;
      else misses.push(query);
    }
    expect(TYPO_QUERIES.length).toBe(30);
    expect(hits / TYPO_QUERIES.length, `missed: ${misses.join(', ')}`).toBeGreaterThanOrEqual(0.9);
  });
});
