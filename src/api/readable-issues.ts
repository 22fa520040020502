/**
 * Zod issues at the contract boundary, turned into sentences a person can act on: the field
 * named in the user's words, what is wrong with it and, where it helps, an example
 * ("L'adresse du serveur doit commencer par http:// ou https://"), never `url — URL …`.
 * Both the renderer's client (checks before sending) and the core's dispatch use it, so a
 * form shows the same sentence whichever side caught the mistake.
 */
import type { z } from 'zod';
import { RelaisError, type LocalizedText } from '../base/errors';
import { formatMessage, localize, type Lang, type MessageKey, type Param } from '../base/messages';

/** Field names as the screens call them, by the last named segment of the issue's path. */
const FIELDS: Record<string, MessageKey> = {
  url: 'FIELD_URL',
  token: 'FIELD_TOKEN',
  appToken: 'FIELD_APP_TOKEN',
  user: 'FIELD_USER',
  userName: 'FIELD_USER_NAME',
  name: 'FIELD_NAME',
  subject: 'FIELD_SUBJECT',
  description: 'FIELD_DESCRIPTION',
  requesterName: 'FIELD_REQUESTER_NAME',
  requesterPhone: 'FIELD_REQUESTER_PHONE',
  teamId: 'FIELD_TEAM_ID',
  categoryId: 'FIELD_CATEGORY_ID',
  parentId: 'FIELD_PARENT_ID',
  title: 'FIELD_TITLE',
  body: 'FIELD_BODY',
  solution: 'FIELD_SOLUTION',
  start: 'FIELD_START',
  end: 'FIELD_END',
  date: 'FIELD_DATE',
  ttoMinutes: 'FIELD_TTO_MINUTES',
  ttrMinutes: 'FIELD_TTR_MINUTES',
  matrix: 'FIELD_MATRIX',
  week: 'FIELD_WEEK',
  holidays: 'FIELD_HOLIDAYS',
  host: 'FIELD_HOST',
  port: 'FIELD_PORT',
  urgency: 'FIELD_URGENCY',
  channel: 'FIELD_CHANNEL',
  type: 'FIELD_TYPE',
  status: 'FIELD_STATUS',
  locale: 'FIELD_LOCALE',
  impact: 'FIELD_IMPACT',
  remindAt: 'FIELD_REMIND_AT',
  reason: 'FIELD_REASON',
  intervalSec: 'FIELD_INTERVAL_SEC',
};

/** Messages set in the domain schemas as keys, worded by the message catalogue. */
const KEYED: Record<string, MessageKey> = {
  http_url: 'ISSUE_HTTP_URL',
  hhmm: 'ISSUE_HHMM',
  iso_date: 'ISSUE_ISO_DATE',
  opening_order: 'ISSUE_OPENING_ORDER',
  opening_overlap: 'ISSUE_OPENING_OVERLAP',
  calendar_never_open: 'ISSUE_CALENDAR_NEVER_OPEN',
  holiday_twice: 'ISSUE_HOLIDAY_TWICE',
  tto_after_ttr: 'ISSUE_TTO_AFTER_TTR',
  single_line: 'ISSUE_SINGLE_LINE',
  period_range: 'ISSUE_PERIOD_RANGE',
  category_separator: 'ISSUE_CATEGORY_SEPARATOR',
};

const DAYS: MessageKey[] = ['DAY_1', 'DAY_2', 'DAY_3', 'DAY_4', 'DAY_5', 'DAY_6', 'DAY_7'];

/** A catalogue text in both languages; parameters may be texts in both languages too. */
const say = (key: MessageKey, params: Record<string, Param> = {}): LocalizedText => (localize as (k: MessageKey, p: Record<string, Param>) => LocalizedText)(key, params);

/** The field named from the issue's path, with the weekday or row it sits in. */
function fieldOf(path: readonly PropertyKey[]): LocalizedText {
  const names = path.filter((p): p is string => typeof p === 'string');
  const last = names[names.length - 1];
  const known = last ? FIELDS[last] : undefined;
  const base = known ? say(known) : last ? say('FIELD_NAMED', { name: last }) : say('FIELD_INPUT');
  const weekAt = path.indexOf('week');
  const day = weekAt >= 0 && typeof path[weekAt + 1] === 'number' ? DAYS[path[weekAt + 1] as number] : undefined;
  const holidayAt = path.indexOf('holidays');
  const row = holidayAt >= 0 && typeof path[holidayAt + 1] === 'number' ? (path[holidayAt + 1] as number) + 1 : undefined;
  if (day) return say('FIELD_ON_DAY', { field: base, day: { msg: day } });
  if (row) return say('FIELD_HOLIDAY_ROW', { field: base, row });
  return base;
}

/** One issue as a sentence in both languages. */
export function readableIssue(issue: z.core.$ZodIssue): LocalizedText {
  const field = fieldOf(issue.path);
  const keyed = KEYED[issue.message];
  if (keyed) return say(keyed, { field });
  // Schemas written before these keys carry "français / English" messages.
  const pair = /^(.+?) \/ (.+)$/.exec(issue.message);
  if (pair && issue.code === 'custom') return say('ISSUE_SCHEMA_TEXT', { field, text: { fr: lower(pair[1]!), en: lower(pair[2]!) } });
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? say('ISSUE_REQUIRED', { field }) : say('ISSUE_MIN_CHARS', { field, min });
      return say(issue.origin === 'array' ? 'ISSUE_MIN_ITEMS' : 'ISSUE_MIN_VALUE', { field, min });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      return say(issue.origin === 'string' ? 'ISSUE_MAX_CHARS' : issue.origin === 'array' ? 'ISSUE_MAX_ITEMS' : 'ISSUE_MAX_VALUE', { field, max });
    }
    case 'invalid_type': {
      if (/received undefined/.test(issue.message)) return say('ISSUE_REQUIRED', { field });
      const expected: Param = issue.expected === 'number' || issue.expected === 'int' ? { msg: 'EXPECTED_NUMBER' } : issue.expected === 'string' ? { msg: 'EXPECTED_TEXT' } : issue.expected;
      return say('ISSUE_WRONG_TYPE', { field, expected });
    }
    case 'invalid_value':
    case 'invalid_union':
      return say('ISSUE_ONE_OF', { field });
    case 'invalid_format':
      return say('ISSUE_FORMAT', { field });
    case 'not_multiple_of':
      return say('ISSUE_WHOLE_NUMBER', { field });
    case 'unrecognized_keys':
      return say('ISSUE_UNKNOWN_KEYS', { keys: issue.keys.join(', ') });
    default:
      return say('ISSUE_OTHER', { field, message: issue.message });
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
  const joined = (lang: Lang) => [...new Set(sentences.map((s) => s[lang]))].join(formatMessage(lang, 'ISSUES_SEPARATOR'));
  return RelaisError.of(
    'INVALID_INPUT_readable',
    { issues: { fr: joined('fr'), en: joined('en') } },
    { issues: issues.map((i, n) => ({ path: i.path.map(String).join('.').slice(0, 120), message: sentences[n]!.fr.slice(0, 300), messageEn: sentences[n]!.en.slice(0, 300) })) },
  );
}
