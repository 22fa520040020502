import { foldText } from './tickets';

/**
 * What the agent typed, turned into search terms that forgive how words are written:
 * accents and case (folded), hyphens and punctuation ("wifi" finds "Wi-Fi", "wi-fi" finds
 * "wifi"), word beginnings (prefixes), and typos (a spelling fallback, see closeTerms).
 * Pure: the store builds its FTS5 query from these, the tests and the bench reuse them.
 */

/** One word of the search, with the spellings that count as it (each a list of adjacent tokens). */
export interface SearchWord {
  /** The word as one folded token ("wifi"). */
  joined: string;
  /** Every spelling: ["wifi"], ["wi","fi"], … The last token of each is a prefix. */
  variants: string[][];
}

const MAX_WORDS = 12;
/** Splits tried for a word typed without its hyphen: both parts at least this long. */
const MIN_PART = 2;
const MAX_SPLIT_LENGTH = 14;

const tokens = (s: string) => foldText(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

export function parseSearch(text: string): SearchWord[] {
  const words: SearchWord[] = [];
  for (const chunk of text.trim().split(/\s+/)) {
    const parts = tokens(chunk);
    if (parts.length === 0) continue;
    const joined = parts.join('');
    const variants: string[][] = [[joined]];
    // "wi-fi", "e.mail": the parts as typed, side by side in the text.
    if (parts.length > 1) variants.push(parts);
    // "wifi": maybe written with a hyphen in the ticket ("Wi-Fi").
    else if (joined.length >= 2 * MIN_PART && joined.length <= MAX_SPLIT_LENGTH && !/^\d+$/.test(joined)) {
      for (let i = MIN_PART; i <= joined.length - MIN_PART; i++) variants.push([joined.slice(0, i), joined.slice(i)]);
    }
    words.push({ joined, variants });
    if (words.length >= MAX_WORDS) break;
  }
  return words;
}

/** An FTS5 query: every word must match, in any of its spellings, the last token as a prefix. */
export function toFts(words: SearchWord[]): string | null {
  if (words.length === 0) return null;
  return words.map((w) => `(${w.variants.map((v) => `"${v.join(' ')}"*`).join(' OR ')})`).join(' AND ');
}

/** Optimal string alignment distance (a transposition counts as one), stopping past `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Typos forgiven for a word of this length: none below 4 letters, one up to 6, two beyond. */
export const typoBudget = (length: number) => (length < 4 ? 0 : length <= 6 ? 1 : 2);

/**
 * The indexed terms closest to a misspelled word, best first: fewest edits, then the most
 * frequent. A word typed as the start of a longer one ("bourag") is compared with the
 * same-length start of each term, so prefixes keep working with a typo in them.
 */
export function closeTerms(word: string, vocabulary: { term: string; docs: number }[], limit = 3): string[] {
  const budget = typoBudget(word.length);
  if (budget === 0) return [];
  const scored: { term: string; d: number; docs: number }[] = [];
  for (const v of vocabulary) {
    if (v.term === word) continue;
    const whole = editDistance(word, v.term, budget);
    const start = v.term.length > word.length ? editDistance(word, v.term.slice(0, word.length), budget) : budget + 1;
    const d = Math.min(whole, start + 0.5);
    if (d <= budget) scored.push({ term: v.term, d, docs: v.docs });
  }
  scored.sort((x, y) => x.d - y.d || y.docs - x.docs);
  return scored.slice(0, limit).map((s) => s.term);
}

/**
 * Marks every place a search word appears in `text`, accents, case and separators between
 * its letters ignored ("wifi" marks "Wi-Fi"), as [start, end) ranges of `text`.
 */
export function matchRanges(text: string, words: string[]): [number, number][] {
  // Fold character by character so positions in the folded text map back to the original.
  let folded = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const f = foldText(text[i]!);
    for (let k = 0; k < f.length; k++) {
      folded += f[k];
      origin.push(i);
    }
  }
  const ranges: [number, number][] = [];
  for (const w of words) {
    if (!w) continue;
    const letters = [...w].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${letters.join("[-'’._/ ]?")}`, 'gu');
    for (const m of folded.matchAll(re)) {
      const start = origin[m.index]!;
      const end = origin[m.index + m[0].length - 1]! + 1;
      ranges.push([start, end]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}
