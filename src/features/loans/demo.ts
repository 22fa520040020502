/**
 * The demo's permanence: a stock short of what agents ask for (25 items against 30 asked,
 * almost twice as many laptops asked as there are), requests from agents of vital and
 * ordinary services, a few loans already out (one agent late, reminded once), one item in
 * repair and one back to be checked. Written
 * through the service itself, on a clock moved back in time, so every row has its history.
 */
import type { Db } from '../../platform/db';
import type { LoanItemInput, LoanItemType } from '../../domain/loans';
import { createLoansService, type LoansDeps } from './service';

const STOCK: [LoanItemType, number, string, string[]][] = [
  ['portable', 6, 'HP EliteBook 840 G10', ['chargeur', 'sacoche', 'souris']],
  ['casque', 5, 'Jabra Evolve2 40', []],
  ['webcam', 4, 'Logitech C920', []],
  ['cle_4g', 3, 'Huawei E3372', ['carte SIM']],
  ['ecran', 3, 'Dell P2422H', ['câble HDMI', 'câble secteur']],
  ['station_accueil', 2, 'HP USB-C G5', ['bloc secteur']],
  ['telephone', 2, 'Samsung Galaxy A35', ['chargeur']],
];
const PREFIX: Record<LoanItemType, string> = { portable: 'PC', casque: 'CAS', webcam: 'CAM', cle_4g: '4G', ecran: 'ECR', station_accueil: 'DOCK', telephone: 'TEL', configurable: 'CFG' };
const SITES = ['Hôtel de Ville', 'Hôtel de Métropole'];

const ASKS: { lines: [LoanItemType, number][]; reason: string }[] = [
  { lines: [['portable', 1], ['casque', 1]], reason: 'Permanence à domicile pendant le confinement' },
  { lines: [['portable', 1]], reason: 'Télétravail, poste fixe resté au bureau' },
  { lines: [['cle_4g', 1]], reason: 'Pas de connexion internet au domicile' },
  { lines: [['portable', 1], ['ecran', 1]], reason: 'Saisie de la paie en télétravail' },
  { lines: [['casque', 2]], reason: 'Accueil téléphonique à distance' },
  { lines: [['webcam', 1]], reason: 'Visioconférences de service' },
  { lines: [['portable', 1], ['station_accueil', 1]], reason: 'Astreinte réseau d’eau' },
  { lines: [['portable', 1]], reason: 'Agent d’état civil en télétravail' },
  { lines: [['telephone', 1]], reason: 'Astreinte téléphonique' },
  { lines: [['portable', 2]], reason: 'Deux agents du service sans ordinateur' },
  { lines: [['ecran', 1], ['casque', 1]], reason: 'Confort de travail à domicile' },
  { lines: [['portable', 1], ['cle_4g', 1]], reason: 'Zone blanche au domicile' },
  { lines: [['webcam', 1], ['casque', 1]], reason: 'Formation à distance' },
  { lines: [['portable', 1]], reason: 'Remplacement d’un portable en panne' },
  { lines: [['portable', 1], ['casque', 1]], reason: 'Cellule de crise : travail à domicile' },
  { lines: [['portable', 1], ['casque', 1]], reason: 'Instruction des dossiers d’urbanisme à domicile' },
  { lines: [['webcam', 2]], reason: 'Réunions du conseil en visioconférence' },
  { lines: [['portable', 1], ['casque', 1]], reason: 'Agent de la paie en télétravail' },
];

export function seedLoansDemo(deps: Omit<LoansDeps, 'now' | 'remote' | 'onChange'>, now: Date): void {
  const db: Db = deps.db;
  if (db.prepare('SELECT count(*) FROM loan_items').pluck().get() !== 0) return;
  const clock = { t: new Date(now.getTime() - 20 * 86_400_000) };
  const loans = createLoansService({ ...deps, now: () => clock.t, remote: () => null });
  const items: LoanItemInput[] = STOCK.flatMap(([type, n, model, kit]) =>
    Array.from({ length: n }, (_, i) => ({ tag: `${PREFIX[type]}-${String(i + 1).padStart(3, '0')}`, type, serial: `${PREFIX[type]}${7340 + i * 17}X`, model, site: SITES[i % 2]!, kit, notes: '' })),
  );
  loans.importItems([['tag', 'type', 'serial', 'model', 'site', 'kit'], ...items.map((i) => [i.tag, i.type, i.serial ?? '', i.model ?? '', i.site ?? '', i.kit.join('|')])]);
  const people = db.prepare("SELECT id, first_name || ' ' || last_name AS name FROM people WHERE service_id IS NOT NULL ORDER BY last_name, first_name LIMIT 40").all() as { id: string; name: string }[];
  if (people.length === 0) return;
  const requests = ASKS.map((a, i) => {
    clock.t = new Date(now.getTime() - (18 - i) * 86_400_000 + (i % 5) * 3_600_000);
    const p = people[(i * 3) % people.length]!;
    return loans.createRequest({ agent: { name: p.name, login: null, email: null, personId: p.id }, lines: a.lines.map(([type, quantity]) => ({ type, quantity })), reason: a.reason });
  });
  // Serve the head of the list a few times, as the desk did over the past days.
  const serve = (daysAgo: number, dueInDays: number) => {
    clock.t = new Date(now.getTime() - daysAgo * 86_400_000);
    const w = loans.waitlist(1);
    if (!w.proposal) return null;
    const tags = w.proposal.items.flatMap((x) => x.tags);
    if (!tags.length) return null;
    return loans.checkout({ requestId: w.proposal.requestId, tags, dueAt: new Date(clock.t.getTime() + dueInDays * 86_400_000).toISOString(), condition: 'Bon état, complet' });
  };
  const late = serve(12, 7);
  serve(9, 21);
  serve(6, 21);
  const back = serve(5, 14);
  serve(3, 14);
  clock.t = new Date(now.getTime() - 2 * 86_400_000);
  if (late?.[0]) loans.remind(late[0].id, 'Message laissé sur la messagerie de l’agent');
  if (back?.[0]) loans.checkin({ tag: back[0].tag, condition: 'ok', missingKit: back[0].kit.slice(0, 1) });
  const spare = loans.items({ state: 'disponible' }).find((i) => i.type === 'ecran');
  if (spare) loans.changeState(spare.tag, 'en_reparation', 'Dalle fissurée constatée au contrôle');
  void requests;
}
