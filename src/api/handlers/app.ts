import type { Core } from '../core';
import type { Handler } from '../handler-kit';
import { localeSchema } from '../../base/preferences-schema';
import pkg from '../../../package.json' with { type: 'json' };

export function appHandlers(core: Core) {
  const settings = () => ({ values: core.prefs.get(), locked: core.prefs.locked, policyFile: core.policy.file });
  const handlers: {
    'app.info': Handler<'app.info'>;
    'app.locale': Handler<'app.locale'>;
    'settings.get': Handler<'settings.get'>;
    'settings.set': Handler<'settings.set'>;
  } = {
    'app.info': () => ({
      name: 'Relais',
      version: pkg.version,
      host: core.host,
      platform: process.platform,
      dataDir: core.dataDir,
      userName: core.currentUser(),
      demo: core.demo,
    }),
    'app.locale': () => ({ locale: core.prefs.get().locale, available: [...localeSchema.options] }),
    'settings.get': settings,
    'settings.set': (patch) => {
      core.prefs.set(patch);
      const out = settings();
      core.events.emit('settings.changed', out);
      return out;
    },
  };
  return handlers;
}
