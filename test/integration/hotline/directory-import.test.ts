import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/features/schema/database';
import { commitImport, previewImport } from '../../../src/features/tickets/directory-import';
import { searchDirectory } from '../../../src/features/tickets/repos/directory';
import { makeTempDir } from '../../support/temp-dir';

let temp: ReturnType<typeof makeTempDir>;
let db: Db;
beforeEach(() => {
  temp = makeTempDir();
  db = openDatabase(path.join(temp.dir, 'relais.db'));
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

const PEOPLE = `\uFEFFNom;Prénom;Service/Direction;Téléphone;E-mail;Site
Dupré;Hélène;Eau — Direction de l'Eau;03 88 91 24 13;helene.dupre@ville-exemple.fr;Station de Bellevue
Lefèvre;François;État civil;03 88 23 96 79;francois.lefevre@ville-exemple.fr;Hôtel de Ville
"Martin; dit ""Jo""";Joël;RH;;;Centre Jean-Jaurès
`;

describe('directory CSV import', () => {
  it('previews, then imports people with accents, quotes and a BOM', () => {
    const preview = previewImport(db, 'people', PEOPLE);
    expect(preview.errors).toEqual([]);
    expect(preview.valid).toBe(3);
    expect(preview.sample[2]![0]).toBe('Martin; dit "Jo"');
    expect(count('people')).toBe(0); // a preview writes nothing
    expect(commitImport(db, 'people', PEOPLE)).toBe(3);
    expect(searchDirectory(db, 'dupre')[0]?.person?.firstName).toBe('Hélène');
  });

  it('reports every wrong line with its reason and imports nothing while one is wrong', () => {
    const csv = `nom,prénom,service,téléphone,e-mail,site
Dupré,Hélène,Eau,03 88 91 24 13,helene.dupre@ville-exemple.fr,Bellevue
,Sans,Nom,,,
Girard,Luc,Finances,abc,luc.girard@ville-exemple.fr,
Bonnet,Zoé,RH,,pas-une-adresse,
Faure,Anaïs,RH,,helene.dupre@ville-exemple.fr,
`;
    const preview = previewImport(db, 'people', csv);
    expect(preview.valid).toBe(1);
    expect(preview.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(preview.errors[0]!.reason.fr).toContain('Nom manquant');
    expect(preview.errors[1]!.reason.en).toContain('Invalid phone');
    expect(preview.errors[2]!.reason.fr).toContain('e-mail invalide');
    expect(preview.errors[3]!.reason.fr).toContain('ligne 2');
    expect(() => commitImport(db, 'people', csv)).toThrowError(expect.objectContaining({ code: 'IMPORT_HAS_ERRORS' }));
    expect(count('people')).toBe(0);
  });

  it('imports PCs linked to their user, and refuses unknown users, bad names and bad IPs', () => {
    commitImport(db, 'people', PEOPLE);
    const good = `nom;numéro de série;utilisateur;IP;OS
PC-EAU-0042;CZC1234567;helene.dupre@ville-exemple.fr;10.12.3.42;Windows 11 Pro
PC-ECV-0007;CZC7654321;François Lefèvre;10.14.1.7;Windows 11 Pro
`;
    expect(commitImport(db, 'assets', good)).toBe(2);
    const hit = searchDirectory(db, 'pc-eau-0042')[0]!;
    expect(hit.person?.lastName).toBe('Dupré');
    expect(hit.asset?.ip).toBe('10.12.3.42');

    const bad = `nom;numéro de série;utilisateur;IP;OS
PC-FIN-0001;X1;inconnu@ville-exemple.fr;10.0.0.1;Windows
PC FIN 2;X2;;10.0.0.2;Windows
PC-FIN-0003;X3;;10.0.0.300;Windows
PC-FIN-0004;X4;;;Windows
`;
    const preview = previewImport(db, 'assets', bad);
    expect(preview.errors.map((e) => [e.line, e.reason.en.split(' ')[0]])).toEqual([[2, 'User'], [3, 'Invalid'], [4, 'Invalid']]);
    const before = count('assets');
    expect(() => commitImport(db, 'assets', bad)).toThrowError(expect.objectContaining({ code: 'IMPORT_HAS_ERRORS' }));
    expect(count('assets')).toBe(before);
  });

  it('says clearly when the header or the file is wrong', () => {
    expect(previewImport(db, 'people', 'foo;bar\n1;2\n').errors[0]!.reason.fr).toContain('Colonne « nom »');
    expect(previewImport(db, 'people', '').errors[0]!.reason.en).toContain('empty');
    expect(previewImport(db, 'people', 'nom;prénom\n"Dupré;Hélène\n').errors[0]!.reason.en).toContain('Unreadable CSV');
    expect(() => commitImport(db, 'people', 'nom;prénom\n')).toThrowError(expect.objectContaining({ code: 'IMPORT_EMPTY' }));
  });
});
