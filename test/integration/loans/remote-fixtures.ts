/** Lendable items as the loans service hands them to an ITSM adapter, numbered per test file. */
import type { LoanRemoteItem } from '../../../src/features/loans/remote-types';

export function loanItemFactory(serialSuffix: string) {
  let n = 0;
  return (over: Partial<LoanRemoteItem> = {}): LoanRemoteItem => {
    n++;
    return {
      localId: `local-${n}`,
      tag: `PORT-${String(n).padStart(4, '0')}`,
      serial: `SN-${n}-${serialSuffix}`,
      model: 'Dell Latitude 5420',
      type: 'portable',
      site: 'Hôtel de Ville',
      state: 'disponible',
      remoteId: null,
      ...over,
    };
  };
}
