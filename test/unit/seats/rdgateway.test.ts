/**
 * The RD Gateway tool's output, parsed. Windows cannot run here: the fixtures are outputs in
 * the shape the tool's script prints (fixed markers, compressed JSON lines, ISO dates), with a
 * BOM and CRLF as PowerShell writes them, and the French error PowerShell shows without the role.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGatewayConnections } from '../../../src/features/seats/rdgateway';
import { RelaisError } from '../../../src/base/errors';
import { loadCatalog } from '../../../src/features/tools/catalog';
import { decodePowerShell, prepareCommand } from '../../../src/features/tools/command';
import { validateParams } from '../../../src/features/tools/params';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('RD Gateway connections', () => {
  it('reads user, login, address, resource, since when and idle time', () => {
    const c = parseGatewayConnections(fixture('rdg-fr.txt'));
    expect(c.map((x) => [x.login, x.clientAddress, x.connectedSince, x.idleSeconds])).toEqual([
      ['jdupre', '86.245.12.7', '2026-03-12T08:14:03.000Z', 95],
      ['pmartin', '2a01:cb00:1234::5', '2026-03-12T06:02:41.000Z', 7260],
      ['cgarcia', '10.20.0.4', null, null],
    ]);
    expect(c[1]!.userName).toBe('METROPOLE\\PMartin');
    expect(c[0]!.resource).toBe('PC-ETATCIVIL-012.ville.local');
  });

  it('reads an empty gateway (BOM, CRLF)', () => {
    expect(parseGatewayConnections(fixture('rdg-empty.txt'))).toEqual([]);
  });

  it('explains a gateway without the role, a truncated list and a garbled line', () => {
    const err = (text: string) => {
      try {
        parseGatewayConnections(text);
      } catch (e) {
        return e as RelaisError;
      }
      throw new Error('expected a failure');
    };
    const noRole = err(fixture('rdg-no-role.txt'));
    expect(noRole.code).toBe('RDGATEWAY_BAD_OUTPUT');
    expect(noRole.messages.fr).toContain('Espace de noms non valide');
    expect(noRole.messages.fr).toContain('Passerelle des services Bureau à distance');
    expect(err(fixture('rdg-fr.txt').replace(/RELAIS-RDG-END 3\n?$/, '')).messages.en).toContain('truncated');
    expect(err(fixture('rdg-fr.txt').replace('RELAIS-RDG-END 3', 'RELAIS-RDG-END 4')).messages.fr).toContain('3 connexions lues sur 4');
    expect(err('RELAIS-RDG-BEGIN\n{"UserName":\nRELAIS-RDG-END 1').messages.fr).toContain('pas du JSON');
  });

  it('the tool is in the catalog, queries Win32_TSGatewayConnection, and passes the gateway as a quoted literal', () => {
    const catalog = loadCatalog({ assetsDir: path.resolve(import.meta.dirname, '../../../assets') });
    const tool = catalog.tools.get('win-rdgateway-connections');
    expect(tool).toBeDefined();
    const cmd = prepareCommand(tool!, validateParams(tool!, { Gateway: 'rdg01.ville.local' }), { elevate: true, where: 'local' });
    const script = decodePowerShell(cmd.args[cmd.args.length - 1]!);
    expect(script).toContain("$Gateway = 'rdg01.ville.local'");
    expect(script).toContain("-Namespace 'root\\CIMv2\\TerminalServices' -ClassName 'Win32_TSGatewayConnection'");
  });
});
