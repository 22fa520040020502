import { routeHref } from '../../app/router';

/**
 * Settings sections, each at its own address (`#/settings/teams`), so the status bar, the
 * rules editor or a help text can send someone straight to the one they need.
 */
export const SETTINGS_SECTIONS = ['general', 'server', 'security', 'teams', 'categories', 'priorities', 'hours', 'rules', 'templates', 'incidents', 'directory'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export const isSettingsSection = (s: string | undefined): s is SettingsSection => (SETTINGS_SECTIONS as readonly string[]).includes(s ?? '');
export const settingsHref = (section: SettingsSection) => routeHref({ page: 'settings', section });
