import Store from 'electron-store';

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
