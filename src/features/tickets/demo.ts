import type { Db } from '../../platform/db';
import directory from '../../../assets/demo/directory.json' with { type: 'json' };
import ticketData from '../../../assets/demo/tickets.json' with { type: 'json' };
import { countPeople, insertAsset, insertPerson, findPersonByNameOrEmail } from './repos/directory';
import { countTickets } from './repos/tickets';
import { listCategories, listTeams } from './repos/teams';
import { createTicketWorkflow } from './ticket-workflow';
import type { CallClassifier } from '../../domain/priority-rules';

/** The organisation feature's part of the demo (its tree, people's services, its rules). */
export interface DemoOrganisation {
  seed(db: Db): void;
  classify: CallClassifier;
  afterTickets(db: Db): void;
}

/**
 * `--demo`: fills an EMPTY data folder with a realistic French data set (the services of a
 * city, agents with accented names such as Hélène Dupré, their PCs named PC-EAU-0042, and
 * tickets at every stage), so a newcomer sees a working console at once. A folder that
 * already holds people or tickets is never touched.
 */
export function loadDemoIfEmpty(db: Db, options: { now: Date; user: string; organisation?: DemoOrganisation }): boolean {
  if (countPeople(db) > 0 || countTickets(db) > 0) return false;
  db.transaction(() => {
    for (const p of directory.people) {
      insertPerson(db, { lastName: p.nom, firstName: p.prenom, department: p.service, phone: p.telephone, email: p.email, site: p.site });
    }
    for (const pc of directory.pcs) {
      const owner = findPersonByNameOrEmail(db, pc.utilisateur);
      insertAsset(db, { name: pc.nom, serial: pc.serie, personId: owner?.id ?? null, ip: pc.ip, os: pc.os });
    }
    options.organisation?.seed(db);
    seedTickets(db, options);
    options.organisation?.afterTickets(db);
    // Demo tickets stand for history already known to the server: they must never be
    // pushed to a real ITSM server if one is configured later.
    db.prepare('DELETE FROM outbox').run();
  }).immediate();
  return true;
}

function seedTickets(db: Db, options: { now: Date; user: string; organisation?: DemoOrganisation }): void {
  const people = db.prepare('SELECT id FROM people ORDER BY last_name, first_name').all() as { id: string }[];
  const categories = new Map(listCategories(db).map((c) => [c.fullName, c.id]));
  const teams = listTeams(db);
  const techs = ticketData.technicians;
  const start = options.now.getTime() - 12 * 24 * 3600_000;
  let clock = start;
  let who = techs[0]!;
  const wf = createTicketWorkflow(db, { now: () => new Date(clock), currentUser: () => who, classify: options.organisation?.classify });
  const hl = db.prepare("SELECT id FROM people WHERE email = 'helene.dupre@ville-exemple.fr'").get() as { id: string } | undefined;
  const count = 42;
  for (let i = 0; i < count; i++) {
    const tpl = ticketData.templates[i % ticketData.templates.length]!;
    // Each ticket starts at its own slot, so follow-ups never push the history into the future.
    clock = start + Math.round((i * 11 * 24 * 3600_000) / count);
    who = techs[i % techs.length]!;
    const requesterId = i === 3 && hl ? hl.id : people[(i * 7) % people.length]!.id;
    const stage = i % 6;
    const t = wf.logCall({
      type: (tpl as { type?: 'incident' | 'request' }).type ?? 'incident',
      subject: tpl.subject,
      description: tpl.description,
      urgency: tpl.urgency,
      impact: tpl.impact,
      categoryId: categories.get(tpl.category) ?? null,
      requesterId,
      durationSec: 60 + ((i * 37) % 400),
      outcome: stage === 0 ? 'solved_on_phone' : stage === 1 ? 'keep' : 'route',
      teamId: stage === 0 || stage === 1 ? null : teams[1 + (i % (teams.length - 1))]!.id,
      solution: stage === 0 ? 'Résolu au téléphone : manipulation guidée avec l\'agent.' : '',
    });
    if (stage >= 3) {
      clock += 20 * 60_000;
      who = techs[(i + 1) % techs.length]!;
      wf.takeCharge(t.id);
      for (const body of tpl.followups) {
        clock += 45 * 60_000;
        wf.addFollowup(t.id, body, false);
      }
    }
    if (stage === 4) wf.setStatus(t.id, 4);
    if (stage === 5 && i % 12 === 5) {
      clock += 3600_000;
      wf.resolve(t.id, tpl.followups[0] ?? 'Problème corrigé, confirmé avec l\'agent.');
    }
  }
  // The person at the console gets a couple of tickets so "Mes tickets" is not empty.
  who = options.user;
  clock = options.now.getTime() - 3600_000;
  const mine = db.prepare('SELECT id FROM tickets WHERE technician IS NULL ORDER BY number LIMIT 2').all() as { id: string }[];
  for (const m of mine) wf.takeCharge(m.id);
}
