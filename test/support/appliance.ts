/**
 * The appliance an end-to-end test file runs against: the fixture server, the real renderer with
 * a test config, and (when asked) more fixture origins, a coturn, several renderers and a client
 * Chromium. `useAppliance` registers the before/after hooks of the file (or of the `describe` it
 * is called in): started in the order below, torn down in reverse, and every renderer must exit 0
 * on SIGTERM.
 *
 * Start order: fixture servers → `beforeStart` → TURN server → renderer(s) → client (and its
 * page) → `setUp`.
 */
import assert from "node:assert/strict";
import { after, before } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchClient } from "./client-browser.js";
import { testConfig } from "./config.js";
import { FixtureServer } from "./fixture-server.js";
import { startRenderer, type RendererProcess } from "./renderer-process.js";
import { startTestTurn, type TestTurn } from "./turn.js";

/** How to start one renderer. */
interface RendererSpec {
  /**
   * The config YAML, given the fixture server's origin and the parts started before the
   * renderers (extra fixtures, the TURN server, whatever `beforeStart` made). Default: `testConfig(origin)`.
   */
  config?: (fixtureOrigin: string, app: Appliance) => string;
  /** Extra environment for the renderer process. */
  env?: Record<string, string>;
}

/** Undoes what a `beforeStart` hook started; runs after the renderers have stopped. */
type Teardown = () => Promise<void> | void;

export interface ApplianceOptions<Name extends string = never> extends RendererSpec {
  /** Fixture servers on origins of their own beside the first one, as `app.extraFixtures` (default 0). */
  extraFixtures?: number;
  /**
   * Starts what the renderer's config must name (a server of the file's own, a free port), once
   * the fixture servers run; the teardown it returns runs after the renderers stop.
   */
  beforeStart?: (app: Appliance) => Promise<Teardown | void> | Teardown | void;
  /** A real coturn on loopback (`app.turn`), started before the renderers; see `turnSection`. */
  turn?: boolean;
  /**
   * Several renderers by name (`app.renderers.<name>`) instead of the one `app.renderer`, for a
   * file that compares configs side by side. Takes the place of `config` and `env`.
   */
  renderers?: Record<Name, RendererSpec>;
  /** `false`: no renderer at all, for a file whose tests start and stop their own (default true). */
  renderer?: boolean;
  /** Launch a client Chromium too. */
  client?: boolean;
  /**
   * A page of the client (`app.page`; implies `client`), at a path of the renderer when `at` is
   * given (a page on its origin, for code the test runs in it), else blank.
   */
  clientPage?: { at?: string; viewport?: { width: number; height: number } };
  /**
   * The file's own preparation once the parts run (pages, logins). Here rather than in a
   * `before` of the file's own: node:test does not wait for one root hook before starting the next.
   */
  setUp?: (app: Appliance<Name>) => Promise<void> | void;
  /** How long starting may take, for a file whose `beforeStart` prepares something slow (ms). */
  startTimeoutMs?: number;
}

export interface Appliance<Name extends string = never> {
  readonly fixtures: FixtureServer;
  /** Only with `extraFixtures`. */
  readonly extraFixtures: readonly FixtureServer[];
  /** Only with `turn: true`. */
  readonly turn: TestTurn;
  /** The one renderer (not with `renderers` or `renderer: false`). */
  readonly renderer: RendererProcess;
  /** Only with `renderers`. */
  readonly renderers: Readonly<Record<Name, RendererProcess>>;
  /** Only with `client: true` or `clientPage`. */
  readonly client: Browser;
  /** Only with `clientPage`. */
  readonly page: Page;
}

const ONE = "renderer";

function checkOptions(options: ApplianceOptions<string>): void {
  const named = options.renderers !== undefined;
  if (named && (options.config || options.env))
    throw new Error("useAppliance: give `config`/`env` inside each of `renderers`, not beside them");
  if (options.renderer === false && (named || options.config || options.env))
    throw new Error("useAppliance: `renderer: false` starts no renderer, so it takes no `config`, `env` or `renderers`");
  if (named && Object.keys(options.renderers!).length === 0) throw new Error("useAppliance: `renderers` names no renderer");
  if (options.clientPage?.at !== undefined && (named || options.renderer === false))
    throw new Error(
      "useAppliance: `clientPage.at` is a path on the one renderer, so it needs that renderer (not `renderers` or `renderer: false`)",
    );
  if (!Number.isInteger(options.extraFixtures ?? 0) || (options.extraFixtures ?? 0) < 0)
    throw new Error(`useAppliance: extraFixtures must be a whole number ≥ 0, got ${options.extraFixtures}`);
}

/** Call at the top level of a test file (or of a `describe`); the parts are there from its first test on. */
export function useAppliance<Name extends string = never>(options: ApplianceOptions<Name> = {}): Appliance<Name> {
  checkOptions(options);
  const specs: [string, RendererSpec][] =
    options.renderer === false ? [] : options.renderers ? Object.entries<RendererSpec>(options.renderers) : [[ONE, options]];
  let fixtures: FixtureServer | null = null;
  const extraFixtures: FixtureServer[] = [];
  let teardown: Teardown | null = null;
  let turn: TestTurn | null = null;
  const renderers = new Map<string, RendererProcess>();
  let client: Browser | null = null;
  let page: Page | null = null;
  const started = <T>(part: T | null | undefined, name: string): T => {
    if (part === null || part === undefined)
      throw new Error(`the appliance's ${name} is not started (used outside a test, before its turn, or not asked for)`);
    return part;
  };

  before(
    async () => {
      fixtures = new FixtureServer();
      await fixtures.start();
      for (let i = 0; i < (options.extraFixtures ?? 0); i++) {
        const server = new FixtureServer();
        extraFixtures.push(server);
        await server.start();
      }
      teardown = (await options.beforeStart?.(app)) ?? null;
      if (options.turn) turn = await startTestTurn();
      for (const [name, spec] of specs)
        renderers.set(name, await startRenderer((spec.config ?? testConfig)(fixtures.origin, app), spec.env));
      if (options.client || options.clientPage) client = await launchClient();
      if (options.clientPage) {
        const { at, viewport } = options.clientPage;
        page = await client!.newPage(viewport ? { viewport } : {});
        if (at !== undefined) await page.goto(new URL(at, started(renderers.get(ONE), "renderer (the page's origin)").url).href);
      }
      await options.setUp?.(app);
    },
    options.startTimeoutMs ? { timeout: options.startTimeoutMs } : {},
  );

  after(async () => {
    await client?.close();
    const codes: [string, number | null][] = [];
    for (const [name, renderer] of [...renderers].reverse()) codes.push([name, await renderer.stop()]);
    await turn?.server.close();
    await teardown?.();
    for (const server of [...extraFixtures].reverse()) await server.stop();
    await fixtures?.stop();
    for (const [name, code] of codes) assert.equal(code, 0, `the ${name === ONE ? "renderer" : `renderer "${name}"`} exits 0 on SIGTERM`);
  });

  const named = {} as Record<Name, RendererProcess>;
  for (const name of Object.keys(options.renderers ?? {}))
    Object.defineProperty(named, name, { enumerable: true, get: () => started(renderers.get(name), `renderer "${name}"`) });

  const app: Appliance<Name> = {
    get fixtures() {
      return started(fixtures, "fixture server");
    },
    get extraFixtures() {
      return started(extraFixtures.length > 0 ? extraFixtures : null, "extra fixture servers");
    },
    get turn() {
      return started(turn, "TURN server");
    },
    get renderer() {
      return started(options.renderers ? null : renderers.get(ONE), "renderer");
    },
    get renderers() {
      return started(options.renderers ? named : null, "named renderers");
    },
    get client() {
      return started(client, "client browser");
    },
    get page() {
      return started(page, "client page");
    },
  };
  return app;
}
