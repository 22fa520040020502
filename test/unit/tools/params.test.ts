import { describe, expect, it } from 'vitest';
import { isHostname, isPrinterName, isUncPath, validateParam } from '../../../src/features/tools/params';
import type { ToolParam } from '../../../src/api/contracts/tools';

const label = { fr: 'Champ', en: 'Field' };
const P = (p: Record<string, unknown>) => ({ required: true, label, name: 'X', ...p }) as ToolParam;

describe('parameter validation', () => {
  it('accepts host names and IP addresses, refuses anything else', () => {
    for (const ok of ['pc-mairie-042', 'pc-mairie-042.ville.local', '10.1.2.3', 'fe80::1']) expect(isHostname(ok), ok).toBe(true);
    for (const bad of ['', '-pc', 'pc_1', 'a b', "pc';rm", 'pc$(id)', 'x'.repeat(64)]) expect(isHostname(bad), bad).toBe(false);
  });
  it('accepts UNC paths and printer names, refuses injection characters', () => {
    expect(isUncPath('\\\\fs-mairie\\services\\urbanisme')).toBe(true);
    expect(isUncPath('\\\\fs-mairie\\services\\')).toBe(true);
    for (const bad of ['C:\\x', '\\\\srv', '\\\\srv\\a"b', '\\\\srv\\a|b', '\\\\srv\\..\\x', '\\\\s rv\\x', '\\\\srv\\a\nb']) expect(isUncPath(bad), bad).toBe(false);
    expect(isPrinterName('\\\\print-01\\RDC-Accueil')).toBe(true);
    expect(isPrinterName('HP LaserJet 4e étage')).toBe(true);
    for (const bad of ['a,b', '\\\\srv\\a\\b', 'x\ny', '']) expect(isPrinterName(bad), bad).toBe(false);
  });
  it('checks integer ranges, enums, booleans, string length, and refuses NUL and broken Unicode', () => {
    const int = P({ type: 'integer', min: 1, max: 10 });
    expect(validateParam(int, '7')).toBe(7);
    expect(() => validateParam(int, 11)).toThrow(/between 1 and 10/);
    expect(() => validateParam(int, '1e3')).toThrow(/whole number/);
    const en = P({ type: 'enum', options: [{ value: 'a', label }] });
    expect(() => validateParam(en, 'b')).toThrow(/pick a/);
    expect(validateParam(P({ type: 'boolean' }), undefined)).toBe(false);
    const str = P({ type: 'string', maxLength: 5 });
    expect(() => validateParam(str, 'abcdef')).toThrow(/at most 5 characters/);
    expect(() => validateParam(str, 'a\u0000b')).toThrow(/NUL/);
    expect(() => validateParam(str, 'a\uD800')).toThrow(/Unicode/);
    expect(() => validateParam(P({ type: 'hostname' }), undefined)).toThrow(/required/);
    expect(validateParam(P({ type: 'hostname', required: false }), '')).toBeUndefined();
  });
});
