/**
 * The GLPI connector's pure parts: rich text both ways, server-local dates, search rows
 * (field 5 ids, field 8 string or array, entity-encoded text) and the name mappings.
 */
import { describe, expect, it } from 'vitest';
import { decodeEntities, fromGlpiHtml, toGlpiHtml } from '../../../src/features/sync/connectors/glpi/richtext';
import { detectZone, glpiLocalToIso, isoToGlpiLocal } from '../../../src/features/sync/connectors/glpi/time';
import { EXTRAS, listOf, parseSearchRow, splitContent } from '../../../src/features/sync/connectors/glpi/search';
import { classify } from '../../../src/features/sync/connectors/glpi/session';
import { glpiLoginFor, groupFor, operatorForLogin, readGlpiMappings, teamForGroup } from '../../../src/features/sync/connectors/glpi/mapping';

/** What GLPI 10 does to text it stores (GLPI-OBSERVED.md): `&`, `<`, `>` as numeric entities. */
const glpiStores = (s: string) => s.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;');
const OP = '0190aaaa-0000-7000-8000-0000000000ab';

describe('GLPI rich text', () => {
  it.each([
    ['a < b', 'less-than'],
    ['R&D & co', 'ampersands'],
    ['il a dit "non" et l\'a écrit', 'quotes'],
    ['ligne 1\nligne 2\n\nparagraphe 2', 'line breaks and paragraphs'],
    ['merci 👍 😀 — ça marche', 'emoji and accents'],
    ['<b>pas du HTML</b> &amp; pas une entité', 'text that looks like markup'],
  ])('%s (%s) goes out as rich text and comes back identical', (text) => {
    const html = toGlpiHtml(text, OP);
    expect(html).not.toMatch(/<b>/);
    const back = fromGlpiHtml(glpiStores(html));
    expect(back).toEqual({ text, opId: OP });
  });

  it('the op id rides in an HTML comment: absent from the visible text, found back', () => {
    const html = toGlpiHtml('Bonjour', OP);
    expect(html).toBe(`<p>Bonjour</p><!-- relais-op:${OP} -->`);
    expect(fromGlpiHtml(glpiStores(html)).text).toBe('Bonjour');
  });

  it('decodes what GLPI sends: its entity-encoded HTML, with editor markup and named entities', () => {
    expect(fromGlpiHtml('x &#60;b&#62;y&#60;/b&#62; &#38; z').text).toBe('x y & z');
    expect(fromGlpiHtml(glpiStores('<p>Bonjour&nbsp;<strong>Jean</strong>,</p>\n<p>Redémarrez.<br />Merci</p>')).text).toBe('Bonjour Jean,\n\nRedémarrez.\nMerci');
    expect(decodeEntities('&#x1F600; &eacute;&lt;')).toBe('😀 &eacute;<');
  });

  it('plain content (older Relais, scripts) keeps its line breaks and its visible marker is read', () => {
    expect(splitContent(`Demandeur : Mme X · 01\n\ncorps\nsuite\n\n[relais-op:${OP}]`)).toEqual({ description: 'corps\nsuite', opId: OP, requester: { name: 'Mme X', phone: '01', email: '' } });
  });
});

describe('GLPI dates', () => {
  const paris = { kind: 'iana', name: 'Europe/Paris' } as const;
  it('server-local times convert to UTC and back, summer and winter', () => {
    expect(glpiLocalToIso('2026-07-14 12:00:00', paris)).toBe('2026-07-14T10:00:00.000Z');
    expect(glpiLocalToIso('2026-01-14 12:00:00', paris)).toBe('2026-01-14T11:00:00.000Z');
    expect(isoToGlpiLocal('2026-07-14T10:00:00.000Z', paris)).toBe('2026-07-14 12:00:00');
    expect(glpiLocalToIso('2026-10-25 03:30:00', paris)).toBe('2026-10-25T02:30:00.000Z'); // after the autumn change
    expect(glpiLocalToIso('pas une date', paris)).toBeNull();
  });
  it('the zone: GLPI setting first, else server clock against the HTTP Date header', () => {
    expect(detectZone('Europe/Paris', null, null)).toEqual(paris);
    expect(detectZone('', '2026-01-10 10:00:02', 'Sat, 10 Jan 2026 09:00:00 GMT')).toEqual({ kind: 'offset', minutes: 60 });
    expect(glpiLocalToIso('2026-01-10 10:00:00', { kind: 'offset', minutes: 60 })).toBe('2026-01-10T09:00:00.000Z');
  });
});

describe('GLPI search rows', () => {
  const ctx = { zone: { kind: 'offset', minutes: 0 } as const, mappings: { teams: { Interventions: 'DUN-N2' }, technicians: { root: 'tech' } }, hotlineTeam: 'Hotline' };
  const row = (extra: Record<string, unknown>) => ({ 1: 'R&#38;D &#60;x&#62;', 2: 7, 12: 2, 15: '2026-01-01 08:00:00', 19: '2026-01-02 08:00:00', 21: glpiStores(toGlpiHtml('Texte', OP)), ...extra });
  it('field 8: one group as a string, several as an array (newest last), none → the hotline; mapped back to teams', () => {
    expect(listOf('SIG')).toEqual(['SIG']);
    expect(listOf(['Hotline', 'SIG'])).toEqual(['Hotline', 'SIG']);
    expect(parseSearchRow(row({ 8: ['Hotline', 'SIG'] }), ctx).fields.team).toBe('SIG');
    expect(parseSearchRow(row({ 8: 'DUN-N2' }), ctx).fields.team).toBe('Interventions');
    expect(parseSearchRow(row({ 8: null }), ctx).fields.team).toBe('Hotline');
  });
  it('technician from the resolved login, mapped back to the operator; subject decoded; op id found', () => {
    const t = parseSearchRow(row({ 5: '4', [EXTRAS]: { technicianLogin: 'tech' } }), ctx);
    expect(t.fields).toMatchObject({ technician: 'root', subject: 'R&D <x>', description: 'Texte', status: 2 });
    expect(t.opId).toBe(OP);
    expect(t.updatedAt).toBe('2026-01-02T08:00:00.000Z');
  });
  it('a trashed row is a deletion; a bad status is bad data', () => {
    expect(parseSearchRow(row({ [EXTRAS]: { deleted: true } }), ctx).deleted).toBe(true);
    expect(() => parseSearchRow(row({ 12: 9 }), ctx)).toThrow(/status/);
  });
});

describe('GLPI name mappings', () => {
  const m = readGlpiMappings(JSON.stringify({ teams: { SIG: 'DUN - SIG' }, technicians: { root: 'jmartin' } }));
  it('maps listed names, keeps the others, and reverses', () => {
    expect(groupFor(m, 'SIG')).toBe('DUN - SIG');
    expect(groupFor(m, 'Hotline')).toBe('Hotline');
    expect(teamForGroup(m, 'DUN - SIG')).toBe('SIG');
    expect(glpiLoginFor(m, 'root')).toBe('jmartin');
    expect(operatorForLogin(m, 'jmartin')).toBe('root');
    expect(operatorForLogin(m, 'tech')).toBe('tech');
  });
  it('damaged stored mappings mean none', () => {
    expect(readGlpiMappings('{not json')).toEqual({ teams: {}, technicians: {} });
    expect(readGlpiMappings(JSON.stringify({ teams: 3 }))).toEqual({ teams: {}, technicians: {} });
  });
});

describe('GLPI answers classified', () => {
  const res = (status: number, data: unknown) => ({ status, data, headers: {}, invalidUtf8: false });
  it('set-up mistakes are named: App-Token, user token, a web page instead of the API (HTML or a redirect)', () => {
    expect(classify(res(400, ['ERROR_WRONG_APP_TOKEN_PARAMETER', 'x']), 'https://g/apirest.php')).toMatchObject({ kind: 'auth', code: 'glpi.error.appTokenRefused' });
    expect(classify(res(401, ['ERROR_GLPI_LOGIN_USER_TOKEN', 'x']), 'https://g/apirest.php')).toMatchObject({ kind: 'auth', code: 'glpi.error.userTokenRefused' });
    expect(classify(res(404, '<!DOCTYPE html><html>Not Found</html>'), 'https://g/glpi')).toMatchObject({ code: 'glpi.error.urlNotApi', params: { suggestion: 'https://g/glpi/apirest.php' } });
    expect(classify(res(302, undefined), 'https://g/glpi/index.php')).toMatchObject({ code: 'glpi.error.urlNotApi', params: { suggestion: 'https://g/glpi/apirest.php' } });
    expect(classify(res(401, ['ERROR_SESSION_TOKEN_INVALID', 'x']), 'u')).toMatchObject({ kind: 'auth' });
    expect(classify(res(503, ['ERROR', 'down']), 'u')).toMatchObject({ kind: 'transient' });
  });
});
