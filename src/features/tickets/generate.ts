import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import { DEFAULT_PRIORITY_MATRIX, computePriority, slaDueDates } from '../../domain/tickets';
import { listCategories, listTeams } from './repos/teams';
import { insertAsset, insertPerson } from './repos/directory';

/**
 * Makes N realistic tickets fast, for benchmarks and load tests: one transaction, prepared
 * statements, the FTS triggers doing their normal work. Generated tickets stand for
 * history pulled from the server, so they get no outbox rows.
 */
const SUBJECTS = [
  'Impossible d\'ouvrir une session', 'Imprimante en bourrage', 'VPN ne se connecte pas', 'Messagerie lente', 'Écran noir au démarrage',
  'Accès refusé au dossier partagé', 'Mot de passe expiré', 'Logiciel métier bloqué', 'Wi-Fi coupé', 'Demande de nouveau poste',
  'Téléphone fixe sans tonalité', 'Création de compte', 'Lecteur réseau absent', 'Scanner introuvable', 'Mise à jour en échec',
  'Badge refusé au portique', 'Application de paie inaccessible', 'Tableur figé', 'Clavier défectueux', 'Casque non reconnu',
];
const DETAILS = [
  'depuis ce matin', 'après la mise à jour de la nuit', 'pour tout le service', 'en télétravail uniquement', 'au guichet d\'accueil',
  'sur le poste partagé', 'en salle du conseil', 'au centre technique', 'à la médiathèque', 'après un déménagement de bureau',
];
const WORDS = ['erreur', 'message', 'redémarrage', 'câble', 'pilote', 'certificat', 'profil', 'quota', 'réseau', 'serveur', 'licence', 'sauvegarde', 'droits', 'navigateur', 'impression', 'agenda', 'partage', 'fichier', 'écran', 'lenteur'];
const FIRST = ['Hélène', 'Éric', 'Françoise', 'Jérôme', 'Anaïs', 'Benoît', 'Cécile', 'Loïc', 'Maëlle', 'Noël', 'Océane', 'Stéphane', 'Agnès', 'Gaëlle', 'Thérèse', 'Joël', 'Mélanie', 'Sébastien', 'Léa', 'Raphaël'];
const LAST = ['Martin', 'Bernard', 'Lefèvre', 'Moreau', 'Girard', 'Roussel', 'Lemaître', 'Faure', 'Mercier', 'Bonnet', 'Dubois', 'Garnier', 'Chevalier', 'Gauthier', 'Perrin', 'Lambert', 'Rivière', 'Boucher', 'Brunet', 'Hébert'];
const SERVICES = ['EAU', 'ASS', 'ECV', 'FIN', 'RH', 'VOI', 'ESV', 'URB', 'MED', 'PEN'];
const TECHS = ['Karim Benali', 'Sandrine Leroy', 'Mathieu Vasseur', 'Aurélie Fontaine', 'Julien Masson', 'Nadia Cherif'];

/** Small deterministic PRNG (mulberry32) so two runs make the same data set. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  now?: Date;
  seed?: number;
  /** People to create (each with one PC) if the directory has fewer. */
  people?: number;
  /** Share of tickets that get follow-ups. */
  followupRate?: number;
}

export function generateTickets(db: Db, n: number, options: GenerateOptions = {}): number {
  const rand = rng(options.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const now = (options.now ?? new Date()).getTime();
  const teams = listTeams(db);
  const categories = listCategories(db).filter((c) => c.parentId !== null);
  return db.transaction(() => {
    const wanted = options.people ?? 2000;
    let people = db.prepare('SELECT p.id, p.first_name, p.last_name, p.phone, a.id AS asset_id FROM people p LEFT JOIN assets a ON a.person_id = p.id').all() as { id: string; first_name: string; last_name: string; phone: string; asset_id: string | null }[];
    const existingAssets = (db.prepare('SELECT COUNT(*) AS n FROM assets').get() as { n: number }).n;
    for (let i = people.length; i < wanted; i++) {
      const svc = pick(SERVICES);
      const p = insertPerson(db, { lastName: pick(LAST), firstName: pick(FIRST), department: svc, phone: `03 88 ${String(10 + (i % 90)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')} ${String((i * 7) % 100).padStart(2, '0')}`, email: `agent${i}@ville-exemple.fr`, site: 'Hôtel de Ville' });
      const a = insertAsset(db, { name: `PC-${svc}-G${String(existingAssets + i).padStart(5, '0')}`, serial: `GEN${i}`, personId: p.id, ip: `10.${20 + (i % 200)}.${Math.floor(i / 250) % 250}.${i % 250}`, os: 'Windows 11 Pro' });
      people.push({ id: p.id, first_name: p.firstName, last_name: p.lastName, phone: p.phone, asset_id: a.id });
    }
    people = people.slice(0, Math.max(wanted, 1));
    const insert = db.prepare(`INSERT INTO tickets (number, id, type, status, subject, description, urgency, impact, priority, category_id, channel,
      requester_id, requester_name, requester_phone, team_id, technician, created_by, created_at, updated_at, taken_at, resolved_at, solution, tto_due, ttr_due)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'phone', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const link = db.prepare('INSERT INTO ticket_assets (ticket_id, asset_id) VALUES (?, ?)');
    const follow = db.prepare("INSERT INTO followups (id, ticket_id, kind, author, created_at, body) VALUES (?, ?, 'note', ?, ?, ?)");
    // Links and follow-ups go in before their ticket (foreign keys checked at commit), and
    // the search documents are built in one INSERT … SELECT at the end with the per-row
    // trigger set aside: a bulk FTS5 load is many times faster than 100,000 trigger runs.
    // All inside this transaction, so the trigger is back before anyone else can write.
    db.pragma('defer_foreign_keys = ON');
    const trigger = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'tickets_fts_insert'").get() as { sql: string } | undefined;
    if (trigger) db.exec('DROP TRIGGER tickets_fts_insert');
    let number = (db.prepare('SELECT COALESCE(MAX(number), 0) AS n FROM tickets').get() as { n: number }).n;
    const firstNumber = number + 1;
    const span = 730 * 24 * 3600_000;
    for (let i = 0; i < n; i++) {
      number++;
      const p = pick(people);
      // Older tickets are mostly closed; the recent ones make the open queue.
      const created = now - Math.floor(span * (1 - (i + rand()) / n));
      const age = (now - created) / span;
      const status = age > 0.05 ? (rand() < 0.9 ? 6 : 5) : pick([1, 1, 2, 2, 2, 3, 4, 5]);
      const urgency = 1 + Math.floor(rand() * 5);
      const impact = 1 + Math.floor(rand() * 5);
      const priority = computePriority(urgency, impact, DEFAULT_PRIORITY_MATRIX);
      const due = slaDueDates(new Date(created), priority);
      const tech = status === 1 ? null : pick(TECHS);
      const taken = tech ? new Date(created + rand() * 3 * 3600_000).toISOString() : null;
      const resolved = status >= 5 ? new Date(created + rand() * 5 * 24 * 3600_000).toISOString() : null;
      const id = uuidv7();
      const subject = `${pick(SUBJECTS)} ${pick(DETAILS)}`;
      const description = `${subject}. ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} signalé par l'agent, ${pick(WORDS)} à vérifier.`;
      const createdIso = new Date(created).toISOString();
      if (p.asset_id) link.run(id, p.asset_id);
      if (rand() < (options.followupRate ?? 0.3)) follow.run(uuidv7(), id, tech ?? pick(TECHS), createdIso, `${pick(WORDS)} ${pick(WORDS)} : ${pick(DETAILS)}.`);
      insert.run(
        number, id, rand() < 0.75 ? 'incident' : 'request', status, subject, description, urgency, impact, priority,
        categories.length ? pick(categories).id : null, p.id, `${p.first_name} ${p.last_name}`, p.phone,
        pick(teams).id, tech, pick(TECHS), createdIso, resolved ?? taken ?? createdIso, taken, resolved,
        resolved ? `Résolu : ${pick(WORDS)} corrigé.` : null, due.ttoDue, due.ttrDue,
      );
    }
    if (trigger) {
      db.prepare(
        `INSERT INTO tickets_fts (rowid, subject, description, requester, assets, followups)
         SELECT t.number, t.subject, t.description, t.requester_name || ' ' || t.requester_phone,
           COALESCE((SELECT group_concat(a.name || ' ' || a.serial || ' ' || a.ip, ' ') FROM ticket_assets ta JOIN assets a ON a.id = ta.asset_id WHERE ta.ticket_id = t.id), ''),
           COALESCE((SELECT group_concat(body, ' ') FROM followups WHERE ticket_id = t.id AND kind <> 'call'), '')
         FROM tickets t WHERE t.number >= ?`,
      ).run(firstNumber);
      db.exec(trigger.sql);
    }
    return n;
  }).immediate();
}
