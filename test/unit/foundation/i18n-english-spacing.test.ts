import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths';

/** Every string of a resource file, with its key path. */
function strings(value: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([at, value]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, at ? `${at}.${k}` : k, out);
  return out;
}

const dir = (lang: string) => path.join(repoRoot, 'renderer', 'i18n', lang);
const resources = (lang: string) =>
  fs
    .readdirSync(dir(lang))
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => strings(JSON.parse(fs.readFileSync(path.join(dir(lang), f), 'utf8')), f.replace(/\.json$/, '')));

describe('English text uses English punctuation', () => {
  it('no space (plain or non-breaking) before : ; ? ! in the English resources', () => {
    const en = resources('en');
    expect(en.length).toBeGreaterThan(500);
    const offenders = en.filter(([, text]) => /[ \u00a0\u202f][:;?!](?![\w/])/.test(text)).map(([key, text]) => `${key}: ${text}`);
    expect(offenders).toEqual([]);
  });

  it('the check catches the French habit (so the test above can fail)', () => {
    const frenchStyle = /[ \u00a0\u202f][:;?!](?![\w/])/;
    expect(frenchStyle.test('Demandeur : Dupré')).toBe(true);
    expect(frenchStyle.test('Requester: Dupré')).toBe(false);
  });

  it('the French resources keep the space before : (the other way round)', () => {
    const fr = resources('fr');
    const glued = fr.filter(([, text]) => /[a-zà-ÿ)»]:(\s|$)/i.test(text) && !/https?:|\{\{[^}]*:/.test(text)).map(([key, text]) => `${key}: ${text}`);
    expect(glued).toEqual([]);
  });
});
