/** Test setup shared by the loans tests against a real Request Tracker. */
import { afterAll, beforeAll } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { RT_LOAN_CATALOG, RT_LOAN_FIELDS } from '../../../src/features/loans/rt-loans';

/** What the RT administrator does once: the catalog's custom fields, the agents, Relais's rights. */
export async function prepareRtForLoans(server: RtInstance, opts: { catalog?: boolean } = {}) {
  const fields = Object.values(RT_LOAN_FIELDS)
    .map((f) => `'${f}'`)
    .join(', ');
  await server.perl(`
    use utf8;
    my $u = RT::User->new($RT::SystemUser); $u->Load('relais');
    $u->PrincipalObj->GrantRight(Right => $_, Object => $RT::System) for qw(ShowAsset CreateAsset ModifyAsset ShowCatalog AdminCatalog SeeCustomField ModifyCustomField);
    for my $a (['agent-dupre', 'Jeanne Dupré', 'jeanne.dupre@ville.fr'], ['agent-martin', 'Paul Martin', 'paul.martin@metropole.fr']) {
      my ($ok, $msg) = RT::User->new($RT::SystemUser)->Create(Name => $a->[0], RealName => $a->[1], EmailAddress => $a->[2]);
      die "user $a->[0]: $msg" unless $ok;
    }
    ${
      opts.catalog === false
        ? ''
        : `my $cat = RT::Catalog->new($RT::SystemUser);
    my ($ok, $msg) = $cat->Create(Name => '${RT_LOAN_CATALOG}', Lifecycle => 'assets'); die "catalog: $msg" unless $ok;
    for my $n (${fields}) {
      my $cf = RT::CustomField->new($RT::SystemUser);
      ($ok, $msg) = $cf->Create(Name => $n, Type => 'FreeformSingle', LookupType => RT::Asset->CustomFieldLookupType); die "cf $n: $msg" unless $ok;
      ($ok, $msg) = $cf->AddToObject($cat); die "apply $n: $msg" unless $ok;
    }`
    }
  `);
}


/** A real RT for the loans tests, prepared as its administrator would. */
export async function startRtForLoans(): Promise<RtInstance> {
  const rt = await startRt();
  await prepareRtForLoans(rt);
  return rt;
}

/** One prepared RT for the test file: started before its tests, disposed after them. */
export function withRtForLoans(): { readonly rt: RtInstance } {
  let rt: RtInstance | undefined;
  beforeAll(async () => {
    rt = await startRtForLoans();
  }, 120_000);
  afterAll(async () => {
    await rt?.dispose();
  });
  return {
    get rt() {
      if (!rt) throw new Error('RT starts in beforeAll');
      return rt;
    },
  };
}
