import { describe, expect, it } from 'vitest';
import i18n from '../../../renderer/i18n';
import { errorText } from '../../../renderer/components/Notice';
import { ContractError } from '../../../src/api/client';
import { RelaisError, commonErrors } from '../../../src/base/errors';

/** What the renderer receives: the core error as it crosses the contract (JSON). */
const received = (err: RelaisError) => new ContractError(JSON.parse(JSON.stringify(err)));

describe('errorText: core errors worded by the renderer from code and parameters', () => {
  it('shows a core error in English from the renderer resources, not from the text the core sent', async () => {
    await i18n.changeLanguage('en');
    const wire = JSON.parse(JSON.stringify(commonErrors.notFound('NOUN_CHECKLIST', 'c-7')));
    // Only the code and the parameters are used: blank out the texts the core sent.
    const err = new ContractError({ ...wire, message: { fr: '', en: '' } });
    expect(errorText(err, 'en')).toBe('Checklist not found (c-7).');
    expect(errorText(err, 'fr')).toBe('Liste de contrôle introuvable (c-7).');
  });

  it('words a variant that has no text under its bare code (the variant travels as the context)', () => {
    const wire = JSON.parse(JSON.stringify(RelaisError.of('ARCHIVED_team', { name: 'Réseau' })));
    const err = new ContractError({ ...wire, message: { fr: '', en: '' } });
    expect(errorText(err, 'en')).toBe('The team "Réseau" is archived: pick another one from the list.');
    expect(errorText(err, 'fr')).toBe("L'équipe « Réseau » est archivée : choisissez-en une autre dans la liste.");
  });

  it('keeps characters as typed (no HTML escaping in a text node)', () => {
    expect(errorText(received(commonErrors.unknownCall('<a & "b">')), 'en')).toBe('Unknown operation: "<a & "b">".');
  });

  it('falls back to the texts the core sent for errors not yet converted to codes + parameters', () => {
    const legacy = received(new RelaisError('SOMETHING_OLD', { fr: 'Ancien texte.', en: 'Old text.' }));
    expect(errorText(legacy, 'en')).toBe('Old text.');
    expect(errorText(legacy, 'fr-FR')).toBe('Ancien texte.');
  });

  it('never shows "[object Object]" or a stack for something that is not a core error', () => {
    expect(errorText(new TypeError('x is undefined'), 'en')).toBe('Unexpected error: try again.');
    expect(errorText({ weird: true }, 'fr')).toBe('Erreur inattendue : réessayez.');
  });
});
