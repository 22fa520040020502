import { describe, expect, it } from 'vitest';
import { baseDomain, defang, extractLinks, sameCampaign, subjectSimilarity } from '../../../src/domain/phishing';
import { breachClock, formatRemaining, isSecurityCategory } from '../../../src/domain/incidents';
import { parsePhishing } from '../../../src/features/incidents/phishing-parse';

describe('defanging and links', () => {
  it('defangs URLs and addresses so nothing is clickable, idempotently', () => {
    expect(defang('http://evil.com/x')).toBe('hxxp://evil[.]com/x');
    expect(defang('HTTPS://a.b.fr')).toBe('hxxps://a[.]b[.]fr');
    expect(defang('noreply@colis.fr')).toBe('noreply[@]colis[.]fr');
    expect(defang(defang('http://evil.com/x'))).toBe('hxxp://evil[.]com/x');
  });
  it('finds links in text and HTML hrefs, ignoring javascript: and mailto:', () => {
    const links = extractLinks('voir www.site.fr/a, ou http://x.y.com/p?q=1.', '<a href="https://h.example/z">z</a><a href="javascript:alert(1)">j</a><a href="mailto:a@b.c">m</a>');
    expect(links).toEqual(['https://h.example/z', 'www.site.fr/a', 'http://x.y.com/p?q=1']);
  });
  it('reduces hosts to their registrable domain', () => {
    expect(baseDomain('suivi.colis-express.fr')).toBe('colis-express.fr');
    expect(baseDomain('www.impots.gouv.fr')).toBe('impots.gouv.fr');
    expect(baseDomain('192.168.1.10')).toBe('192.168.1.10');
  });
});

describe('grouping rules', () => {
  const r = (senderDomain: string, subject: string, linkDomains: string[] = []) => ({ senderDomain, subject, linkDomains, reportedAt: '2026-01-01T00:00:00Z' });
  it('similar subjects match whatever numbers, prefixes, accents and case', () => {
    expect(subjectSimilarity('Votre colis n°123 est en attente', 'TR: RE: votre COLIS n° 9 est en attente')).toBe(1);
    expect(subjectSimilarity('Facture impayée', 'Votre colis est en attente')).toBe(0);
  });
  it('matches by sender domain, link domain or subject, but not by a shared webmail domain', () => {
    expect(sameCampaign(r('colis.fr', 'a'), r('colis.fr', 'b'))).toBe('sender');
    expect(sameCampaign(r('x.fr', 'a', ['evil.com']), r('y.fr', 'b', ['evil.com']))).toBe('link');
    expect(sameCampaign(r('gmail.com', 'Bonjour'), r('gmail.com', 'Réunion demain'))).toBeNull();
  });
});

describe('parsing a pasted message', () => {
  it('decodes encoded headers, keeps HTML as text, defangs every link, caps sizes', async () => {
    const d = await parsePhishing({
      text: 'From: =?UTF-8?Q?Imp=C3=B4ts?= <contact@impots-remboursement.com>\nSubject: Remboursement\nContent-Type: text/html\n\n<b>Cliquez</b> <a href="http://impots-remboursement.com/r">ici</a><img src=x onerror=alert(1)>',
    });
    expect(d).toMatchObject({ sender: 'contact[@]impots-remboursement[.]com', senderName: 'Impôts', senderDomain: 'impots-remboursement.com', subject: 'Remboursement' });
    expect(d.links).toEqual(['hxxp://impots-remboursement[.]com/r']);
    expect(d.excerpt).not.toMatch(/[<>]|http:/);
  });
  it('a header line typed in the sender field cannot inject headers', async () => {
    const d = await parsePhishing({ sender: 'a@b.fr\nSubject: injecté', subject: '', text: 'corps' });
    expect(d.subject).toBe('');
    expect(d.senderDomain).toBe('b.fr');
  });
});

describe('incident rules', () => {
  it('recognises security categories by their root', () => {
    expect(isSecurityCategory('Sécurité > Hameçonnage')).toBe(true);
    expect(isSecurityCategory('sécurité')).toBe(true);
    expect(isSecurityCategory('Matériel > Imprimante')).toBe(false);
    expect(isSecurityCategory(null)).toBe(false);
  });
  it('counts down the 72 hours of GDPR art. 33', () => {
    const c = breachClock('2026-03-10T10:00:00.000Z', new Date('2026-03-10T11:30:00Z'));
    expect(c).toEqual({ deadline: '2026-03-13T10:00:00.000Z', remainingMs: (70 * 60 + 30) * 60_000, overdue: false });
    expect(formatRemaining(c.remainingMs)).toBe('70 h 30 min');
  });
});

describe('any encoding, hostile structure', () => {
  it('decodes a Latin-1 quoted-printable body and a Windows-1252 encoded subject', async () => {
    const d = await parsePhishing({
      text: 'From: =?windows-1252?Q?Tr=E9sor_public?= <dgfip@remboursement-impots.fr>\nSubject: =?iso-8859-1?Q?R=E9gularisation_=E0_effectuer?=\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nR=E9gularisation : http://remboursement-impots.fr/r=\n?id=3D1\n',
    });
    expect(d.subject).toBe('Régularisation à effectuer');
    expect(d.senderName).toBe('Trésor public');
    expect(d.excerpt).toContain('Régularisation');
    expect(d.links).toEqual(['hxxp://remboursement-impots[.]fr/r?id=1']);
  });

  it('copes with a large pathological paste (deep multipart nesting, long lines) and stays bounded', async () => {
    let nested = '';
    for (let i = 0; i < 200; i++) nested += `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n`;
    const text = `From: a@b.fr\nSubject: x\n${nested}${'A'.repeat(300_000)} http://evil.example/${'z'.repeat(5000)}\n`;
    const d = await parsePhishing({ text });
    expect(d.excerpt.length).toBeLessThanOrEqual(2000);
    expect(d.links.length).toBeLessThanOrEqual(50);
    expect(d.senderDomain).toBe('b.fr');
  });
});
