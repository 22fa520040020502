/**
 * The real service (contract validation, SQLite file) on a temp folder with a settable clock,
 * an organisation tree and agents imported through the directory (tier 1 État civil, tier 3
 * Médiathèques), and a small stock imported from CSV.
 */
import path from 'node:path';
import { createService, type Service } from '../../../src/api/service';
import type { CallInput, CallName, CallOutput } from '../../../src/api/contract';
import type { LoanRemote } from '../../../src/features/loans/remote-types';
import { makeTempDir } from '../../support/temp-dir';

export const TREE = `organisation;direction;service;criticité
Ville;Population;État civil;1 - vital
Métropole;Lecture publique;Médiathèques;3
`;
export const PEOPLE = `nom;prénom;organisation;direction;service;téléphone;e-mail;site
Lefèvre;François;Ville;Population;État civil;03 88 23 96 79;francois.lefevre@ville.test;Hôtel de Ville
Zola;Émile;METROPOLE;Lecture publique;Mediatheques;;emile.zola@metropole.test;Médiathèque
`;
export const STOCK = `tag;type;serial;model;site;kit
PC-001;portable;SN-A1;Latitude 5440;Hôtel de Ville;chargeur|sacoche|souris
PC-002;portable;SN-A2;Latitude 5440;Hôtel de Ville;chargeur|sacoche
CAS-01;casque;;Jabra Evolve2 40;Hôtel de Ville;
`;

export interface LoansHarness {
  service: Service;
  clock: { now: Date };
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  fail(name: CallName, input: unknown): Promise<{ code: string; message: { fr: string; en: string }; details?: unknown }>;
  personId(q: string): Promise<string>;
  /** Logs a loan call from a person (ticket type "demande", category "Prêt de matériel"). */
  logLoanCall(personId: string, text: string): Promise<CallOutput<'tickets.logCall'>>;
  close(): Promise<void>;
}

export async function makeLoansHarness(opts: { remote?: () => LoanRemote | null; stock?: string } = {}): Promise<LoansHarness> {
  const temp = makeTempDir('relais-loans-');
  const clock = { now: new Date('2026-03-12T08:00:00Z') };
  const service = createService({ dataDir: path.join(temp.dir, 'data'), host: 'web', policyFile: null, clock: () => clock.now, loansRemote: opts.remote, loansAutoSync: false });
  async function call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    const r = await service.dispatch(name, input, { clientId: 't' });
    if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.message.en}`), { relais: r.error });
    return r.value as CallOutput<N>;
  }
  const h: LoansHarness = {
    service,
    clock,
    call,
    async fail(name, input) {
      const r = await service.dispatch(name, input, { clientId: 't' });
      if (r.ok) throw new Error(`${name} should have failed`);
      return r.error as never;
    },
    async personId(q) {
      return (await call('directory.search', { q })).hits.find((x) => x.person)!.person!.id;
    },
    async logLoanCall(personId, text) {
      const meta = await call('tickets.meta', {});
      const cat = meta.categories.find((c) => c.fullName === 'Prêt de matériel')!;
      return call('tickets.logCall', { type: 'request', requesterId: personId, categoryId: cat.id, description: text });
    },
    async close() {
      await service.close();
      temp.cleanup();
    },
  };
  await call('directory.importCommit', { kind: 'services', csv: TREE });
  await call('directory.importCommit', { kind: 'people', csv: PEOPLE });
  await call('loans.importItems', { csv: opts.stock ?? STOCK });
  return h;
}
