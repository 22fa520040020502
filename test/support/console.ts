/**
 * The shared setup of the console's end-to-end tests: one Chromium for the file and, with
 * `withConsole`, one in-process web host, both started before the file's tests and stopped
 * after them (the hooks are registered by the call, at the top of the test file).
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Service } from '../../src/api/service';
import type { WebHostOptions } from '../../main/web';
import { launchBrowser } from './browser';
import { startTestHost } from './web-host';

export type TestHost = Awaited<ReturnType<typeof startTestHost>>;

/** A contract call that must succeed (test setup): its value, or an error naming the call. */
export function caller(service: Service, clientId = 'e2e-setup') {
  return async <T = any>(name: string, input?: unknown): Promise<T> => {
    const r = await service.dispatch(name, input, { clientId });
    if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
    return r.value as T;
  };
}

/** Opens the console at `url` in a new page and waits for its navigation to be drawn. */
export async function openConsolePage(browser: Browser, url: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(url);
  await page.locator('nav a').first().waitFor();
  return page;
}

/** One Chromium for the file's tests (each test starts its own host). */
export function withBrowser(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
  };
}

export interface ConsoleFixture {
  readonly browser: Browser;
  readonly host: TestHost;
  /** A new page on the console (1366×768 unless said), once its navigation is drawn. */
  openPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** The console's language, as the settings page sets it. */
  setLocale(locale: 'fr' | 'en'): Promise<void>;
  /** A contract call that must succeed. */
  ok<T = any>(name: string, input?: unknown): Promise<T>;
}

/** One Chromium and one web host (`options` as for `startTestHost`) for the file. */
export function withConsole(options: Partial<WebHostOptions> = {}): ConsoleFixture {
  let browser: Browser | undefined;
  let host: TestHost | undefined;
  beforeAll(async () => {
    [browser, host] = await Promise.all([launchBrowser(), startTestHost(options)]);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.dispose();
  });
  const fixture: ConsoleFixture = {
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    get host() {
      if (!host) throw new Error('the web host starts in beforeAll');
      return host;
    },
    openPage: (viewport) => openConsolePage(fixture.browser, fixture.host.url, viewport),
    setLocale: async (locale) => {
      await fixture.ok('settings.set', { locale });
    },
    ok: (name, input) => caller(fixture.host.service)(name, input),
  };
  return fixture;
}
