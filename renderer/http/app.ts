/**
 * The Koa app: REST API of the original design plus ours, one error middleware, the viewer and
 * the built-in kiosk pages. Handlers are thin; the session manager does the work.
 */
import type Router from "@koa/router";
import Koa, { type Context } from "koa";
import {
  API_PATHS,
  type IceServersReply,
  type AdminSessionsReply,
  type CreateSessionReply,
  type InfoReply,
  type SessionsReply,
  type ErrorReply,
  type KiosksReply,
  readCreateSessionBody,
  readLoadBody,
  SIGNALING_PATH,
  ValidationError,
} from "../../protocol/index.js";
import { CHANNELS, SAMPLE_RATE } from "../audio/pulse-server.js";
import type { SharedBrowser } from "../browser/shared-browser.js";
import type { Config } from "../config/schema.js";
import { AppError } from "../errors.js";
import { httpError } from "./error-status.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { KeyedBuckets } from "../rate-limit.js";
import type { SessionManager } from "../sessions/session-manager.js";
import { BUILTIN_PAGES_PREFIX } from "../sessions/url-policy.js";
import { hostFromHeader, type IceServerSource } from "../webrtc/ice-servers.js";
import type { Access } from "./access.js";
import { Routes } from "./routes.js";
import { ensureTabletId } from "./tablet-id.js";
import { readFormBody, readJsonBody } from "./body.js";
import { loginPage } from "./login-page.js";
import { sendFile } from "./static-files.js";

export interface AppOptions {
  config: Config;
  version: string;
  sessions: SessionManager;
  browser: SharedBrowser;
  iceServers: IceServerSource;
  metrics: Metrics;
  access: Access;
  /** TURN credentials each client address may have minted (here and on joins). */
  mintLimit: KeyedBuckets;
  /** Directory of the built viewer (index.html, app.js). */
  viewerDir: string;
  /** Directory of the built-in kiosk pages. */
  pagesDir: string;
  log: Logger;
}

/** What `/api/info` calls each `video.capture` mode. */
// `auto` is decided at start (main.ts), so /api/info never names it; listed for the type only.
const CAPTURE_NAMES: Record<Config["video"]["capture"], string> = {
  auto: "auto",
  beginframe: "cdp-begin-frame",
  screencast: "cdp-screencast",
  screenshot: "screenshot-polling",
};

function errorReply(code: string, message: string): ErrorReply {
  return { error: { code, message }, detail: message };
}

/** Runs a boundary validator; a ValidationError becomes a 400 that names the bad field. */
function validated<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ValidationError) throw new AppError("bad_request", err.message);
    throw err;
  }
}

export function createApp(options: AppOptions): { app: Koa; router: Router } {
  const { config, sessions, browser, log } = options;
  const httpLog = log.child({ module: "http" });
  const app = new Koa();
  app.proxy = false;

  // On every reply, refusals included: no framing by other sites, no type sniffing, no referrer.
  const frameAncestors = ["'self'", ...config.allowedOrigins].join(" ");
  app.use(async (ctx, next) => {
    ctx.set("Content-Security-Policy", `frame-ancestors ${frameAncestors}`);
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Referrer-Policy", "no-referrer");
    await next();
  });

  // One error middleware: typed errors become {error:{code,message}}; anything else is a 500
  // whose details stay in the log.
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = errorReply("not_found", `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      if (err instanceof AppError) {
        const { status, code } = httpError(err.reason);
        options.metrics.httpErrors.inc({ status: String(status) });
        ctx.status = status;
        ctx.set(err.headers);
        ctx.body = errorReply(code, err.message);
      } else {
        httpLog.error({ err, method: ctx.method, path: ctx.path }, "request failed");
        options.metrics.httpErrors.inc({ status: "500" });
        ctx.status = 500;
        ctx.body = errorReply("internal", "internal error; see the renderer log");
      }
    }
  });

  app.use(options.access.middleware());

  const routes = new Routes(options.access);
  const client = (ctx: Context) => options.access.identify(ctx.req);

  // The appliance's own pages (the PIN page and the viewer's shell) keep their referrer for
  // same-origin requests: under no-referrer a form post's or fetch POST's Origin is "null", and a
  // browser without Sec-Fetch-Site (Chrome 75 and older: the old tablets the viewer serves) could
  // not be told from a foreign page. Nothing is sent to other origins either way.
  const ownPageReferrerPolicy = (ctx: Context) => ctx.set("Referrer-Policy", "same-origin");

  routes.get("/login", "public", (ctx) => {
    ownPageReferrerPolicy(ctx);
    const next = typeof ctx.query.next === "string" ? ctx.query.next : "/";
    ctx.type = "text/html; charset=utf-8";
    ctx.body = loginPage(config.name, next, null);
  });

  // Only the appliance's own login page may post the PIN (not even an allowed origin).
  routes.post("/login", { access: "public", body: "form", writers: "same-origin" }, async (ctx) => {
    const form = await readFormBody(ctx);
    const next = form.next ?? "/";
    try {
      await options.access.login(ctx, form.pin ?? "", next);
      ensureTabletId(ctx);
    } catch (err) {
      if (!(err instanceof AppError) || !ctx.accepts("html") || /json/i.test(ctx.get("content-type"))) throw err;
      const { status } = httpError(err.reason);
      options.metrics.httpErrors.inc({ status: String(status) });
      ctx.status = status;
      ctx.set(err.headers);
      ownPageReferrerPolicy(ctx);
      ctx.type = "text/html; charset=utf-8";
      ctx.body = loginPage(config.name, next, err.reason === "wrong_pin" ? "Wrong PIN, try again." : err.message);
    }
  });

  routes.get("/health", "public", (ctx) => {
    const up = browser.connected;
    ctx.status = up ? 200 : 503;
    ctx.body = {
      status: up ? "healthy" : "unhealthy",
      version: options.version,
      timestamp: new Date().toISOString(),
      browser: up ? "running" : "down",
    };
  });

  routes.get("/metrics", "admin", async (ctx) => {
    ctx.type = options.metrics.contentType;
    ctx.body = await options.metrics.text();
  });

  routes.get(API_PATHS.info, "tablet", (ctx) => {
    const list = sessions.list();
    const viewers = list.map((s) => s.summary().viewers);
    const audio = sessions.audioAvailability();
    const reply: InfoReply = {
      name: config.name,
      version: options.version,
      webrtc: {
        video: {
          codec: "VP8",
          resolution: `${config.viewport.width}x${config.viewport.height}`,
          framerate: config.video.maxFps,
          // Congestion control adapts below the cap; nothing holds the encoder above a floor.
          bitrate_range: `0-${config.video.maxBitrateKbps}kbps`,
          maxBitrateKbps: config.video.maxBitrateKbps,
          capture: CAPTURE_NAMES[config.video.capture],
        },
        // Counts of what exists now: a closed session leaves no sink, capture or browser behind.
        audio: {
          codec: "opus",
          enabled: audio.available,
          sample_rate: SAMPLE_RATE,
          channels: CHANNELS,
          sampleRate: SAMPLE_RATE,
          ...audio,
          ...sessions.audioCounts(),
        },
      },
      browser: {
        connected: browser.connected,
        active_sessions: list.length,
        max_sessions: config.sessions.max,
        sessions: list.map((s) => s.id),
      },
      connections: {
        active_connections: viewers.reduce((a, b) => a + b, 0),
        sessions_with_viewers: viewers.filter((n) => n > 0).length,
        max_viewers_per_session: config.sessions.maxViewersPerSession,
      },
      sessions: { active: list.length, max: config.sessions.max },
      endpoints: {
        health: "/health",
        info: API_PATHS.info,
        kiosks: API_PATHS.kiosks,
        create_session: API_PATHS.createSession,
        // The original design spells the id `{session_id}`.
        load_url: API_PATHS.sessionLoad.replace(":id", "{session_id}"),
        close_session: API_PATHS.session.replace(":id", "{session_id}"),
        list_sessions: API_PATHS.sessions,
        session_details: API_PATHS.adminSessions,
        signaling: SIGNALING_PATH,
      },
    };
    ctx.body = reply;
  });

  // Fresh ICE servers for the diagnostics page: proves TURN answers with minted credentials.
  routes.get(API_PATHS.iceServers, "tablet", (ctx) => {
    if (options.iceServers.turnEnabled && !options.mintLimit.take(client(ctx).address))
      throw new AppError("rate_limited", "too many TURN credentials asked for from this address; wait a little");
    const host = hostFromHeader(ctx.get("host"));
    ctx.set("Cache-Control", "no-store");
    const reply: IceServersReply = {
      success: true,
      iceServers: options.iceServers.forPeer(host, "diagnostics"),
      turn: { enabled: options.iceServers.turnEnabled, urls: options.iceServers.turnUrls(host) },
    };
    ctx.body = reply;
  });

  routes.get(API_PATHS.kiosks, "tablet", (ctx) => {
    const reply: KiosksReply = { success: true, name: config.name, allowCustomUrls: config.allowCustomUrls, kiosks: sessions.listKiosks() };
    ctx.body = reply;
  });

  routes.post(API_PATHS.createSession, "tablet", async (ctx) => {
    const raw = await readJsonBody(ctx);
    const body = validated(() => readCreateSessionBody(raw));
    const session = await sessions.create(body, client(ctx));
    const reply: CreateSessionReply = {
      success: true,
      session_id: session.id,
      viewport: session.viewport,
      websocket_url: SIGNALING_PATH,
      url: session.url,
      ui: { navigationBar: config.ui.navigationBar },
      message: "Session created",
    };
    if (session.kioskId) reply.kiosk = session.kioskId;
    ctx.status = 200;
    ctx.body = reply;
  });

  routes.post(API_PATHS.sessionLoad, "tablet", async (ctx) => {
    const id = ctx.params.id!;
    sessions.getFor(id, client(ctx)); // an unknown session is a 404 before the body is read
    const raw = await readJsonBody(ctx);
    const body = validated(() => readLoadBody(raw));
    const session = await sessions.load(id, body.url, client(ctx));
    ctx.body = { success: true, session_id: id, url: session.url, message: `Loaded ${body.url}` };
  });

  // The original design's shape: ids only. Summaries are an admin route.
  routes.get(API_PATHS.sessions, "admin", (ctx) => {
    const ids = sessions.list().map((s) => s.id);
    const reply: SessionsReply = {
      success: true,
      sessions: { active_sessions: ids.length, max_sessions: config.sessions.max, sessions: ids },
    };
    ctx.body = reply;
  });

  routes.get(API_PATHS.adminSessions, "admin", (ctx) => {
    const reply: AdminSessionsReply = { success: true, sessions: sessions.list().map((s) => s.summary()) };
    ctx.body = reply;
  });

  // Admin (when an admin token is configured): close every session at once.
  routes.delete(API_PATHS.sessions, "admin", async (ctx) => {
    const ids = sessions.list().map((s) => s.id);
    await Promise.all(ids.map((id) => sessions.close(id)));
    ctx.body = { success: true, closed: ids, message: `Closed ${ids.length} sessions` };
  });

  routes.get(API_PATHS.session, "tablet", (ctx) => {
    ctx.body = { success: true, session: sessions.getFor(ctx.params.id!, client(ctx)).summary() };
  });

  routes.get(API_PATHS.sessionStats, "tablet", async (ctx) => {
    ctx.body = { success: true, session_id: ctx.params.id!, ...(await sessions.getFor(ctx.params.id!, client(ctx)).stats()) };
  });

  routes.delete(API_PATHS.session, "tablet", async (ctx) => {
    const id = ctx.params.id!;
    if (!(await sessions.closeFor(id, client(ctx)))) throw new AppError("session_not_found", `no session ${JSON.stringify(id)}`);
    ctx.body = { success: true, session_id: id, message: "Session closed" };
  });

  // The viewer: one page shell for the launcher and the viewer, plus its bundle.
  const shell = async (ctx: Context) => {
    ensureTabletId(ctx);
    ownPageReferrerPolicy(ctx);
    if (!(await sendFile(ctx, options.viewerDir, "index.html"))) {
      throw new AppError("viewer_not_built", "the viewer is not built; run `npm run build`");
    }
  };
  routes.get("/", "tablet", shell);
  routes.get("/viewer", "tablet", shell);
  routes.get("/diagnostics", "tablet", shell);
  routes.get(/^\/(app(-legacy)?\.js(\.map)?|sw\.js|icons\/[A-Za-z0-9._-]+)$/, "public", async (ctx) => {
    if (!(await sendFile(ctx, options.viewerDir, ctx.path.slice(1)))) ctx.status = 404;
  });
  // Installable as an app on the tablet, under the appliance's own name.
  routes.get("/manifest.webmanifest", "public", (ctx) => {
    ctx.type = "application/manifest+json";
    ctx.body = JSON.stringify({
      name: config.name,
      short_name: config.name.slice(0, 12),
      start_url: "/",
      scope: "/",
      display: "fullscreen",
      orientation: "any",
      background_color: "#000000",
      theme_color: "#000000",
      icons: [{ src: "/icons/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any maskable" }],
    });
  });
  routes.get(new RegExp(`^${BUILTIN_PAGES_PREFIX}(.+)$`), "public", async (ctx) => {
    if (!(await sendFile(ctx, options.pagesDir, ctx.path.slice(BUILTIN_PAGES_PREFIX.length)))) ctx.status = 404;
  });

  routes.post(API_PATHS.adminTokensRevoke, "admin", (ctx) => {
    const revoked = options.access.revokeAll();
    ctx.body = { success: true, revoked, message: `Revoked ${revoked} tablet login tokens; tablets enter the PIN again` };
  });

  app.use(routes.router.routes());
  app.use(routes.router.allowedMethods());
  return { app, router: routes.router };
}
