import Store from 'electron-store';
import type { PreferencesBackend } from '../src/base/preferences';
import type { Preferences } from '../src/base/preferences-schema';

/** Preferences in electron-store (validated again by the core when read). */
export function electronStoreBackend(): PreferencesBackend {
  const store = new Store<{ preferences: Record<string, unknown> }>({ name: 'preferences', defaults: { preferences: {} } });
  return {
    read: () => store.get('preferences'),
    write: (values: Preferences) => store.set('preferences', values),
  };
}

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized: boolean;
}

export function windowStateStore() {
  const store = new Store<{ window: WindowState }>({ name: 'window-state', defaults: { window: { width: 1280, height: 800, maximized: false } } });
  return {
    get: (): WindowState => store.get('window'),
    set: (state: WindowState) => store.set('window', state),
  };
}
