/**
 * The Koa app: REST API of the original design plus ours, one error middleware, the viewer and
 * the built-in kiosk pages. Handlers are thin; the session manager does the work.
 */
import Router from "@koa/router";
import Koa, { type Context } from "koa";
import {
  type CreateSessionReply,
  type ErrorReply,
  type KiosksReply,
  readCreateSessionBody,
  readLoadBody,
  SIGNALING_PATH,
  ValidationError,
} from "../../protocol/index.js";
import { CHANNELS, SAMPLE_RATE } from "../audio/pulse-server.js";
import type { BrowserPool } from "../browser/browser-pool.js";
import type { Config } from "../config/schema.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { SessionManager } from "../sessions/session-manager.js";
import { BUILTIN_PAGES_PREFIX } from "../sessions/url-policy.js";
import { hostFromHeader, type IceServerSource } from "../webrtc/ice-servers.js";
import type { Access } from "./access.js";
import { readFormBody, readJsonBody } from "./body.js";
import { loginPage } from "./login-page.js";
import { sendFile } from "./static-files.js";

export interface AppOptions {
  config: Config;
  version: string;
  sessions: SessionManager;
  browser: BrowserPool;
  iceServers: IceServerSource;
  metrics: Metrics;
  access: Access;
  /** Directory of the built viewer (index.html, app.js). */
  viewerDir: string;
  /** Directory of the built-in kiosk pages. */
  pagesDir: string;
  log: Logger;
}

function errorReply(code: string, message: string): ErrorReply {
  return { error: { code, message }, detail: message };
}

/** Runs a boundary validator; a ValidationError becomes a 400 that names the bad field. */
function validated<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ValidationError) throw new AppError(400, "bad_request", err.message);
    throw err;
  }
}

export function createApp(options: AppOptions): Koa {
  const { config, sessions, browser, log } = options;
  const httpLog = log.child({ module: "http" });
  const app = new Koa();
  app.proxy = false;

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
        options.metrics.httpErrors.inc({ status: String(err.status) });
        ctx.status = err.status;
        ctx.body = errorReply(err.code, err.message);
      } else {
        httpLog.error({ err, method: ctx.method, path: ctx.path }, "request failed");
        options.metrics.httpErrors.inc({ status: "500" });
        ctx.status = 500;
        ctx.body = errorReply("internal", "internal error; see the renderer log");
      }
    }
  });

  app.use(options.access.middleware());

  const router = new Router();

  router.get("/login", (ctx) => {
    const next = typeof ctx.query.next === "string" ? ctx.query.next : "/";
    ctx.type = "text/html; charset=utf-8";
    ctx.body = loginPage(config.name, next, null);
  });

  router.post("/login", async (ctx) => {
    const form = await readFormBody(ctx);
    const next = form.next ?? "/";
    try {
      await options.access.login(ctx, form.pin ?? "", next);
    } catch (err) {
      if (!(err instanceof AppError) || !ctx.accepts("html") || /json/i.test(ctx.get("content-type"))) throw err;
      options.metrics.httpErrors.inc({ status: String(err.status) });
      ctx.status = err.status;
      ctx.type = "text/html; charset=utf-8";
      ctx.body = loginPage(config.name, next, err.code === "wrong_pin" ? "Wrong PIN, try again." : err.message);
    }
  });

  router.get("/health", (ctx) => {
    const up = browser.connected;
    ctx.status = up ? 200 : 503;
    ctx.body = { status: up ? "healthy" : "unhealthy", version: options.version, timestamp: new Date().toISOString(), browser: up ? "running" : "down" };
  });

  router.get("/metrics", async (ctx) => {
    ctx.type = options.metrics.contentType;
    ctx.body = await options.metrics.text();
  });

  router.get("/api/info", (ctx) => {
    ctx.body = {
      name: config.name,
      version: options.version,
      webrtc: {
        video: {
          codec: "VP8",
          resolution: `${config.viewport.width}x${config.viewport.height}`,
          framerate: config.video.maxFps,
          maxBitrateKbps: config.video.maxBitrateKbps,
          capture: "cdp-screencast",
        },
        // Counts of what exists now: a closed session leaves no sink, capture or browser behind.
        audio: {
          codec: "opus",
          sampleRate: SAMPLE_RATE,
          channels: CHANNELS,
          ...sessions.audioAvailability(),
          ...sessions.audioCounts(),
        },
      },
      sessions: { active: sessions.list().length, max: config.sessions.max },
      endpoints: {
        health: "/health",
        info: "/api/info",
        kiosks: "/api/kiosks",
        create_session: "/api/session/create",
        load_url: "/api/session/{session_id}/load",
        close_session: "/api/session/{session_id}",
        list_sessions: "/api/sessions",
        signaling: SIGNALING_PATH,
      },
    };
  });

  // Fresh ICE servers for the diagnostics page: proves TURN answers with minted credentials.
  router.get("/api/ice-servers", (ctx) => {
    const host = hostFromHeader(ctx.get("host"));
    ctx.set("Cache-Control", "no-store");
    ctx.body = {
      success: true,
      iceServers: options.iceServers.forPeer(host, "diagnostics"),
      turn: { enabled: options.iceServers.turnEnabled, urls: options.iceServers.turnUrls(host) },
    };
  });

  router.get("/api/kiosks", (ctx) => {
    const reply: KiosksReply = { success: true, name: config.name, allowCustomUrls: config.allowCustomUrls, kiosks: sessions.listKiosks() };
    ctx.body = reply;
  });

  router.post("/api/session/create", async (ctx) => {
    const raw = await readJsonBody(ctx);
    const body = validated(() => readCreateSessionBody(raw));
    const session = await sessions.create(body);
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

  router.post("/api/session/:id/load", async (ctx) => {
    const id = ctx.params.id!;
    sessions.get(id); // an unknown session is a 404 before the body is read
    const raw = await readJsonBody(ctx);
    const body = validated(() => readLoadBody(raw));
    const session = await sessions.load(id, body.url);
    ctx.body = { success: true, session_id: id, url: session.url, message: `Loaded ${body.url}` };
  });

  router.get("/api/sessions", (ctx) => {
    ctx.body = { success: true, sessions: sessions.list().map((s) => s.summary()) };
  });

  // Admin (when an admin token is configured): close every session at once.
  router.delete("/api/sessions", async (ctx) => {
    const ids = sessions.list().map((s) => s.id);
    await Promise.all(ids.map((id) => sessions.close(id)));
    ctx.body = { success: true, closed: ids, message: `Closed ${ids.length} sessions` };
  });

  router.get("/api/session/:id", (ctx) => {
    ctx.body = { success: true, session: sessions.get(ctx.params.id!).summary() };
  });

  router.get("/api/session/:id/stats", async (ctx) => {
    ctx.body = { success: true, session_id: ctx.params.id, ...(await sessions.get(ctx.params.id!).stats()) };
  });

  router.delete("/api/session/:id", async (ctx) => {
    const id = ctx.params.id!;
    if (!(await sessions.close(id))) throw new AppError(404, "session_not_found", `no session ${JSON.stringify(id)}`);
    ctx.body = { success: true, session_id: id, message: "Session closed" };
  });

  // The viewer: one page shell for the launcher and the viewer, plus its bundle.
  const shell = async (ctx: Context) => {
    if (!(await sendFile(ctx, options.viewerDir, "index.html"))) {
      throw new AppError(503, "internal", "the viewer is not built; run `npm run build`");
    }
  };
  router.get("/", shell);
  router.get("/viewer", shell);
  router.get("/diagnostics", shell);
  router.get(/^\/(app(-legacy)?\.js(\.map)?|sw\.js|icons\/[A-Za-z0-9._-]+)$/, async (ctx) => {
    if (!(await sendFile(ctx, options.viewerDir, ctx.path.slice(1)))) ctx.status = 404;
  });
  // Installable as an app on the tablet, under the appliance's own name.
  router.get("/manifest.webmanifest", (ctx) => {
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
  router.get(new RegExp(`^${BUILTIN_PAGES_PREFIX}(.+)$`), async (ctx) => {
    if (!(await sendFile(ctx, options.pagesDir, ctx.path.slice(BUILTIN_PAGES_PREFIX.length)))) ctx.status = 404;
  });

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
