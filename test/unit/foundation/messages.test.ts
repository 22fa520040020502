import { describe, expect, it } from 'vitest';
import { en, fr, placeholdersOf, type MessageKey } from '../../../src/base/messages';
import { RelaisError, commonErrors, errorSchema } from '../../../src/base/errors';

describe('core messages (codes + parameters, worded in fr and en)', () => {
  const keys = Object.keys(fr) as MessageKey[];

  it('every key has a French and an English text with the same parameters', () => {
    expect(Object.keys(en).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      expect(fr[k].trim(), k).not.toBe('');
      expect(en[k].trim(), k).not.toBe('');
      expect(placeholdersOf(en[k]), k).toEqual(placeholdersOf(fr[k]));
    }
  });

  it('keys are a code in capitals, optionally followed by a lower-case i18next context', () => {
    for (const k of keys) expect(k).toMatch(/^[A-Z0-9_]+(_[a-z]\w*)?$/);
  });

  it('a variant keeps its error code and travels as the i18next context', () => {
    const err = RelaisError.of('CHECKLIST_STEP_KIND_manual');
    expect(err.code).toBe('CHECKLIST_STEP_KIND');
    expect(err.params).toEqual({ context: 'manual' });
    expect(err.messages.en).toBe('This step is ticked by hand.');
  });

  it('data in both languages (a tool label) is worded in each language', () => {
    const err = RelaisError.of('TOOL_ELEVATION_CONFIRM', { label: { fr: 'Vider le cache', en: 'Clear the cache' } });
    expect(err.messages.fr).toContain('« Vider le cache »');
    expect(err.messages.en).toContain('"Clear the cache"');
  });

  it('a parameter that is itself a message is worded in the same language', () => {
    const err = commonErrors.notFound('NOUN_RUN', 'r-42');
    expect(err.code).toBe('NOT_FOUND');
    expect(err.messages).toEqual({ fr: 'Exécution introuvable (r-42).', en: 'Run not found (r-42).' });
    expect(err.params).toEqual({ what: { msg: 'NOUN_RUN' }, id: 'r-42' });
  });

  it('serializes code, both texts and the parameters in the shape the renderer reads', () => {
    const json = JSON.parse(JSON.stringify(commonErrors.locked('theme')));
    expect(errorSchema.parse(json)).toEqual(json);
    expect(json).toEqual({
      code: 'LOCKED_BY_POLICY',
      message: {
        fr: "Ce réglage est imposé par la politique de l'organisation (theme) et ne peut pas être modifié ici.",
        en: "This setting is enforced by the organisation's policy (theme) and cannot be changed here.",
      },
      params: { key: 'theme' },
      details: { key: 'theme' },
    });
  });

  it('an error without parameters still carries an (empty) parameter set, so the UI words it from its code', () => {
    const json = JSON.parse(JSON.stringify(RelaisError.of('INTERNAL')));
    expect(json.params).toEqual({});
    expect(json.message.en).toMatch(/^Unexpected internal error/);
  });
});
