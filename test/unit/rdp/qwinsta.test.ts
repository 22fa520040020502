import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeQwinsta, parseQwinsta, shadowableSessions } from '../../../src/features/rdp/qwinsta';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name));

describe('qwinsta output parsing', () => {
  it('reads English Windows output: marker, blank user names, disconnected rows without a session name', () => {
    const sessions = parseQwinsta(decodeQwinsta(fixture('qwinsta-en.txt')));
    expect(sessions).toEqual([
      { id: 0, name: 'services', user: '', state: 'disconnected', current: false },
      { id: 1, name: 'console', user: 'jdupont', state: 'active', current: true },
      { id: 2, name: 'rdp-tcp#12', user: 'mmartin', state: 'active', current: false },
      { id: 3, name: '', user: 'l.petit', state: 'disconnected', current: false },
      { id: 65536, name: '31c5ce94259d4006', user: '', state: 'listen', current: false },
      { id: 65537, name: 'rdp-tcp', user: '', state: 'listen', current: false },
    ]);
  });

  it('reads French Windows output in the console code page (CP850) and in UTF-8 alike', () => {
    const expected = [
      { id: 0, name: 'services', user: '', state: 'disconnected', current: false },
      { id: 1, name: 'console', user: 'agent.dupont', state: 'active', current: true },
      { id: 2, name: 'rdp-tcp#5', user: 'administrateur.mai', state: 'active', current: false },
      { id: 4, name: '', user: 'c.martin', state: 'disconnected', current: false },
      { id: 65536, name: 'rdp-tcp', user: '', state: 'listen', current: false },
    ];
    const cp850 = fixture('qwinsta-fr-cp850.txt');
    expect(cp850.includes(Buffer.from('ÉTAT'))).toBe(false); // really not UTF-8
    expect(decodeQwinsta(cp850)).toContain('ÉTAT');
    expect(parseQwinsta(decodeQwinsta(cp850))).toEqual(expected);
    expect(parseQwinsta(decodeQwinsta(fixture('qwinsta-fr-utf8.txt')))).toEqual(expected);
  });

  it('offers only sessions with a user, active ones first', () => {
    const fr = shadowableSessions(parseQwinsta(decodeQwinsta(fixture('qwinsta-fr-cp850.txt'))));
    expect(fr.map((s) => [s.id, s.user, s.state])).toEqual([
      [1, 'agent.dupont', 'active'],
      [2, 'administrateur.mai', 'active'],
      [4, 'c.martin', 'disconnected'],
    ]);
  });

  it('returns nothing for an error message instead of a table', () => {
    expect(parseQwinsta("Erreur 5 lors de l'obtention des noms de session\r\n")).toEqual([]);
    expect(parseQwinsta('No session exists for *\r\n')).toEqual([]);
    expect(parseQwinsta('')).toEqual([]);
  });
});
