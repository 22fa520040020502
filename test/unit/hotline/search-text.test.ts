import { describe, expect, it } from 'vitest';
import { closeTerms, editDistance, matchRanges, parseSearch, toFts } from '../../../src/domain/search-text';
import { keywords, similarText } from '../../../src/domain/caller';

describe('forgiving search terms', () => {
  it('a word typed without its hyphen also looks for it split in two; a hyphenated one also joined', () => {
    const [wifi] = parseSearch('wifi');
    expect(wifi!.variants).toContainEqual(['wi', 'fi']);
    const [typed] = parseSearch('Wi-Fi');
    expect(typed!.variants).toEqual([['wifi'], ['wi', 'fi']]);
    const q = toFts(parseSearch('wi-fi médiathèque'))!;
    expect(q.startsWith('("wifi"* OR "wi fi"*) AND ("mediatheque"*')).toBe(true);
  });

  it('neutralises FTS syntax whatever is typed', () => {
    // Only quoted, folded tokens reach FTS5: no operator or syntax typed survives unquoted.
    expect(toFts(parseSearch('" OR * NEAR( col:x'))).toMatch(/^(\("[a-z0-9 ]+"\*( OR "[a-z0-9 ]+"\*)*\)( AND )?)+$/);
    expect(toFts(parseSearch('  '))).toBeNull();
  });

  it('counts a transposition as one edit and stops early past the budget', () => {
    expect(editDistance('bourage', 'bourrage', 2)).toBe(1);
    expect(editDistance('teletravial', 'teletravail', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });

  it('picks the closest, most frequent indexed term; short words are never corrected', () => {
    const vocab = [{ term: 'bourrage', docs: 12 }, { term: 'bourse', docs: 40 }, { term: 'bouteille', docs: 3 }];
    expect(closeTerms('bourage', vocab)[0]).toBe('bourrage');
    expect(closeTerms('vpm', [{ term: 'vpn', docs: 99 }])).toEqual([]);
  });

  it('marks "Wi-Fi" for the search "wifi", accents ignored, positions in the original text', () => {
    const text = 'Le Wi-Fi de la médiathèque';
    expect(matchRanges(text, ['wifi']).map(([a, b]) => text.slice(a, b))).toEqual(['Wi-Fi']);
    expect(matchRanges(text, ['mediath']).map(([a, b]) => text.slice(a, b))).toEqual(['médiath']);
  });
});

describe('duplicate detection words', () => {
  it('keeps words that tell what a call is about and compares their stems', () => {
    expect(keywords("L'imprimante est en bourrage depuis ce matin")).toEqual(['imprimante', 'bourrage', 'matin']);
    expect(similarText('Imprimante en bourrage', "Bourrage papier sur l'imprimante du 2e")).toBe(true);
    expect(similarText('Mot de passe expiré', 'Écran noir')).toBe(false);
  });
});
