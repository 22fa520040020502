/**
 * Zod issues at the contract boundary, turned into sentences a person can act on: the field
 * named in the user's words, what is wrong with it and, where it helps, an example
 * ("L'adresse du serveur doit commencer par http:// ou https://"), never `url — URL …`.
 * Both the renderer's client (checks before sending) and the core's dispatch use it, so a
 * form shows the same sentence whichever side caught the mistake.
 */
import type { z } from 'zod';
import { RelaisError, type LocalizedText } from '../base/errors';

type Fr = { fr: string; en: string };

/** Field names as the screens call them, by the last named segment of the issue's path. */
const FIELDS: Record<string, Fr> = {
  url: { fr: "L'adresse du serveur", en: 'The server address' },
  token: { fr: "Le jeton d'accès", en: 'The access token' },
  appToken: { fr: "Le jeton d'application", en: 'The application token' },
  user: { fr: "L'identifiant", en: 'The login' },
  userName: { fr: 'Le nom affiché', en: 'The display name' },
  name: { fr: 'Le nom', en: 'The name' },
  subject: { fr: "L'objet", en: 'The subject' },
  description: { fr: 'La description', en: 'The description' },
  requesterName: { fr: 'Le demandeur', en: 'The requester' },
  requesterPhone: { fr: 'Le téléphone du demandeur', en: "The requester's phone" },
  teamId: { fr: "L'équipe", en: 'The team' },
  categoryId: { fr: 'La catégorie', en: 'The category' },
  parentId: { fr: 'La catégorie parente', en: 'The parent category' },
  title: { fr: 'Le titre', en: 'The title' },
  body: { fr: 'Le texte', en: 'The text' },
  solution: { fr: 'La solution', en: 'The solution' },
  start: { fr: "L'heure d'ouverture", en: 'The opening time' },
  end: { fr: "L'heure de fermeture", en: 'The closing time' },
  date: { fr: 'La date', en: 'The date' },
  ttoMinutes: { fr: 'Le délai de prise en charge', en: 'The time to take charge' },
  ttrMinutes: { fr: 'Le délai de résolution', en: 'The time to resolve' },
  matrix: { fr: 'La matrice de priorité', en: 'The priority matrix' },
  week: { fr: 'Les heures ouvrées', en: 'The business hours' },
  holidays: { fr: 'Les jours fériés', en: 'The public holidays' },
  host: { fr: 'Le nom du poste', en: 'The host name' },
  port: { fr: 'Le port', en: 'The port' },
  urgency: { fr: "L'urgence", en: 'The urgency' },
  channel: { fr: 'Le canal', en: 'The channel' },
  type: { fr: 'Le type', en: 'The type' },
  status: { fr: 'Le statut', en: 'The status' },
  locale: { fr: 'La langue', en: 'The language' },
  impact: { fr: "L'impact", en: 'The impact' },
  remindAt: { fr: 'La date de relance', en: 'The reminder date' },
  reason: { fr: 'Le motif', en: 'The reason' },
  intervalSec: { fr: "L'intervalle de synchronisation", en: 'The sync interval' },
};

const DAYS: Fr[] = [
  { fr: 'lundi', en: 'Monday' },
  { fr: 'mardi', en: 'Tuesday' },
  { fr: 'mercredi', en: 'Wednesday' },
  { fr: 'jeudi', en: 'Thursday' },
  { fr: 'vendredi', en: 'Friday' },
  { fr: 'samedi', en: 'Saturday' },
  { fr: 'dimanche', en: 'Sunday' },
];

/** Messages set in the domain schemas as keys, worded here. `f` is the field's name. */
const KEYED: Record<string, (f: Fr) => Fr> = {
  http_url: (f) => ({ fr: `${f.fr} doit commencer par http:// ou https:// (par exemple https://glpi.ville.fr)`, en: `${f.en} must start with http:// or https:// (for example https://glpi.city.org)` }),
  hhmm: (f) => ({ fr: `${f.fr} doit être une heure au format HH:MM (par exemple 08:30)`, en: `${f.en} must be a time as HH:MM (for example 08:30)` }),
  iso_date: (f) => ({ fr: `${f.fr} doit être une date au format AAAA-MM-JJ (par exemple 2026-07-14)`, en: `${f.en} must be a date as YYYY-MM-DD (for example 2026-07-14)` }),
  opening_order: () => ({ fr: "L'heure de fermeture doit venir après l'heure d'ouverture", en: 'The closing time must come after the opening time' }),
  opening_overlap: () => ({ fr: 'Les plages horaires d’un même jour ne doivent pas se chevaucher', en: 'The openings of one day must not overlap' }),
  calendar_never_open: () => ({ fr: 'Au moins un jour de la semaine doit avoir des heures ouvrées', en: 'At least one weekday must have business hours' }),
  holiday_twice: () => ({ fr: 'Un même jour férié est saisi deux fois', en: 'The same public holiday is entered twice' }),
  tto_after_ttr: () => ({ fr: 'Le délai de prise en charge ne peut pas dépasser le délai de résolution', en: 'The time to take charge cannot exceed the time to resolve' }),
  single_line: (f) => ({ fr: `${f.fr} doit tenir sur une seule ligne, sans caractère de contrôle`, en: `${f.en} must fit on one line, without control characters` }),
  period_range: () => ({ fr: 'Une période personnalisée a besoin d’une date de début et d’une date de fin, la fin après le début', en: 'A custom period needs a start and an end date, the end after the start' }),
  category_separator: (f) => ({ fr: `${f.fr} ne doit pas contenir « > » (il sépare les niveaux de catégorie)`, en: `${f.en} must not contain ">" (it separates category levels)` }),
};

/** The field named from the issue's path, with the weekday or row it sits in. */
function fieldOf(path: readonly PropertyKey[]): Fr {
  const names = path.filter((p): p is string => typeof p === 'string');
  const last = names[names.length - 1];
  const base: Fr = (last ? FIELDS[last] : undefined) ?? (last ? { fr: `Le champ « ${last} »`, en: `The field "${last}"` } : { fr: 'La saisie', en: 'The input' });
  const weekAt = path.indexOf('week');
  const day = weekAt >= 0 && typeof path[weekAt + 1] === 'number' ? DAYS[path[weekAt + 1] as number] : undefined;
  const holidayAt = path.indexOf('holidays');
  const row = holidayAt >= 0 && typeof path[holidayAt + 1] === 'number' ? (path[holidayAt + 1] as number) + 1 : undefined;
  if (day) return { fr: `${base.fr} du ${day.fr}`, en: `${base.en} on ${day.en}` };
  if (row) return { fr: `${base.fr} (jour férié n° ${row})`, en: `${base.en} (public holiday #${row})` };
  return base;
}

/** One issue as a sentence in both languages. */
export function readableIssue(issue: z.core.$ZodIssue): LocalizedText {
  const f = fieldOf(issue.path);
  const keyed = KEYED[issue.message];
  if (keyed) return keyed(f);
  // Schemas written before these keys carry "français / English" messages.
  const pair = /^(.+?) \/ (.+)$/.exec(issue.message);
  if (pair && issue.code === 'custom') return { fr: `${f.fr} : ${lower(pair[1]!)}`, en: `${f.en}: ${lower(pair[2]!)}` };
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? { fr: `${f.fr} est obligatoire`, en: `${f.en} is required` } : { fr: `${f.fr} doit compter au moins ${min} caractères`, en: `${f.en} must have at least ${min} characters` };
      if (issue.origin === 'array') return { fr: `${f.fr} doit compter au moins ${min} élément(s)`, en: `${f.en} must have at least ${min} item(s)` };
      return { fr: `${f.fr} doit valoir au moins ${min}`, en: `${f.en} must be at least ${min}` };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return { fr: `${f.fr} ne doit pas dépasser ${max} caractères`, en: `${f.en} must not exceed ${max} characters` };
      if (issue.origin === 'array') return { fr: `${f.fr} ne doit pas compter plus de ${max} élément(s)`, en: `${f.en} must not have more than ${max} item(s)` };
      return { fr: `${f.fr} ne doit pas dépasser ${max}`, en: `${f.en} must not exceed ${max}` };
    }
    case 'invalid_type':
      return /received undefined/.test(issue.message)
        ? { fr: `${f.fr} est obligatoire`, en: `${f.en} is required` }
        : { fr: `${f.fr} n'a pas la forme attendue (${issue.expected === 'number' || issue.expected === 'int' ? 'un nombre' : issue.expected === 'string' ? 'un texte' : issue.expected})`, en: `${f.en} is not in the expected form (${issue.expected})` };
    case 'invalid_value':
    case 'invalid_union':
      return { fr: `${f.fr} doit être l'une des valeurs proposées`, en: `${f.en} must be one of the values offered` };
    case 'invalid_format':
      return { fr: `${f.fr} n'a pas le format attendu`, en: `${f.en} is not in the expected format` };
    case 'not_multiple_of':
      return { fr: `${f.fr} doit être un nombre entier`, en: `${f.en} must be a whole number` };
    case 'unrecognized_keys':
      return { fr: `Champ inconnu : ${issue.keys.join(', ')}`, en: `Unknown field: ${issue.keys.join(', ')}` };
    default:
      return { fr: `${f.fr} : ${issue.message}`, en: `${f.en}: ${issue.message}` };
  }
}

const lower = (s: string) => s.charAt(0).toLocaleLowerCase('fr') + s.slice(1);

/**
 * The INVALID_INPUT error for a failed parse: sentences for a person, and in `details.issues`
 * the paths (so a form can mark the fields) with the same sentences.
 */
export function invalidInputError(error: z.ZodError): RelaisError {
  const issues = error.issues.slice(0, 10);
  const sentences = issues.map(readableIssue);
  const fr = [...new Set(sentences.map((s) => s.fr))];
  const en = [...new Set(sentences.map((s) => s.en))];
  return new RelaisError(
    'INVALID_INPUT',
    { fr: `${fr.join(' ; ')}. Corrigez puis réessayez.`, en: `${en.join('; ')}. Fix it and try again.` },
    { issues: issues.map((i, n) => ({ path: i.path.map(String).join('.').slice(0, 120), message: sentences[n]!.fr.slice(0, 300), messageEn: sentences[n]!.en.slice(0, 300) })) },
  );
}
