/**
 * The appliance an end-to-end test file runs against: the fixture server, the real renderer with
 * a test config, and (when asked) a client Chromium. `useAppliance` registers the file's
 * before/after hooks: started in that order, torn down in reverse, and the renderer must exit 0
 * on SIGTERM.
 */
import assert from "node:assert/strict";
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import { launchClient } from "./client-browser.js";
import { testConfig } from "./config.js";
import { FixtureServer } from "./fixture-server.js";
import { startRenderer, type RendererProcess } from "./renderer-process.js";

export interface ApplianceOptions {
  /** The renderer's config YAML, given the fixture server's origin (default: `testConfig(origin)`). */
  config?: (fixtureOrigin: string) => string;
  /** Extra environment for the renderer process. */
  env?: Record<string, string>;
  /** Launch a client Chromium too. */
  client?: boolean;
  /**
   * The file's own preparation once the parts run (pages, logins). Here rather than in a
   * `before` of the file's own: node:test does not wait for one root hook before starting the next.
   */
  setUp?: (app: Appliance) => Promise<void> | void;
}

export interface Appliance {
  readonly fixtures: FixtureServer;
  readonly renderer: RendererProcess;
  /** Only with `client: true`. */
  readonly client: Browser;
}

/** Call at the top level of a test file; the parts are there from the file's first test on. */
export function useAppliance(options: ApplianceOptions = {}): Appliance {
  let fixtures: FixtureServer | null = null;
  let renderer: RendererProcess | null = null;
  let client: Browser | null = null;
  const started = <T>(part: T | null, name: string): T => {
    if (part === null) throw new Error(`the appliance's ${name} is not started (used outside a test, or not asked for)`);
    return part;
  };

  before(async () => {
    fixtures = new FixtureServer();
    await fixtures.start();
    renderer = await startRenderer((options.config ?? testConfig)(fixtures.origin), options.env);
    if (options.client) client = await launchClient();
    await options.setUp?.(app);
  });

  after(async () => {
    await client?.close();
    const code = await renderer?.stop();
    await fixtures?.stop();
    if (renderer) assert.equal(code, 0, "the renderer exits 0 on SIGTERM");
  });

  const app: Appliance = {
    get fixtures() {
      return started(fixtures, "fixture server");
    },
    get renderer() {
      return started(renderer, "renderer");
    },
    get client() {
      return started(client, "client browser");
    },
  };
  return app;
}
