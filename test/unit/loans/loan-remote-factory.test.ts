/** The loans adapter follows the ITSM server configured for sync; none when Relais runs standalone. */
import { describe, expect, it } from 'vitest';
import { createLoanRemote, loanRemoteProvider, type LoanServerTarget } from '../../../src/features/loans/remote';

const token = async () => 'tok';
const rt: LoanServerTarget = { kind: 'rt', url: 'http://rt.example', token };
const glpi: LoanServerTarget = { kind: 'glpi', url: 'http://glpi.example/apirest.php', token, appToken: token };

describe('createLoanRemote', () => {
  it('standalone (no server): null, loans stay local', () => {
    expect(createLoanRemote(null)).toBeNull();
  });
  it('RT gives the RT assets adapter, GLPI the reservations adapter', () => {
    expect(createLoanRemote(rt)?.kind).toBe('rt');
    expect(createLoanRemote(glpi)?.kind).toBe('glpi');
  });
  it('GLPI without an App-Token reader or an unknown kind: null rather than a half-configured adapter', () => {
    expect(createLoanRemote({ ...glpi, appToken: undefined })).toBeNull();
    expect(createLoanRemote({ kind: 'jira', url: 'http://x', token })).toBeNull();
  });
  it('the provider keeps one adapter per server and follows a change of server', () => {
    let target: LoanServerTarget | null = rt;
    const remote = loanRemoteProvider(() => target);
    const first = remote();
    expect(remote()).toBe(first);
    target = glpi;
    expect(remote()?.kind).toBe('glpi');
    target = null;
    expect(remote()).toBeNull();
  });
});
