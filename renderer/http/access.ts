/**
 * Who may use the appliance. Optional PIN for tablets (entered once on /login, kept in a cookie,
 * or given by a `?token=PIN` pairing link), an admin token for the routes that see or close every
 * session, a same-origin check on the signaling WebSocket, and CORS only for listed origins.
 * Secrets are compared in constant time; failed PIN attempts are rate-limited per address.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Context, Next } from "koa";
import { AppError } from "../errors.js";

export const AUTH_COOKIE = "jiomosa_auth";
const COOKIE_MAX_AGE_S = 400 * 24 * 3600;
/** Failed PIN attempts allowed per address and window before answers are 429. */
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 60_000;
const MAX_TRACKED_ADDRESSES = 1000;

/** Paths anyone may fetch: health, the login page, static app code and icons, built-in kiosk pages. */
const PUBLIC = /^\/(health|login|app\.js|app\.js\.map|sw\.js|manifest\.webmanifest|icons\/.*|pages\/.*)$/;
/** Paths that need the admin token when one is configured. */
const ADMIN = (method: string, path: string) =>
  path === "/metrics" || path.startsWith("/api/admin/") || (path === "/api/sessions" && (method === "GET" || method === "DELETE"));

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

function cookieOf(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

export interface AccessOptions {
  pin: string;
  adminToken: string;
  allowedOrigins: string[];
}

export class Access {
  private readonly cookieValue: string | null;
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly options: AccessOptions) {
    // Derived from the PIN: stable across restarts, invalid as soon as the PIN changes.
    this.cookieValue = options.pin ? createHmac("sha256", options.pin).update("jiomosa-auth-v1").digest("base64url") : null;
  }

  private isAdmin(authorization: string | undefined): boolean {
    if (!this.options.adminToken) return false;
    const match = /^Bearer (.+)$/.exec(authorization ?? "");
    return !!match && safeEqual(match[1]!, this.options.adminToken);
  }

  /** A tablet that entered the PIN (or an admin, or no PIN configured). */
  isViewer(cookieHeader: string | undefined, authorization: string | undefined): boolean {
    if (!this.cookieValue) return true;
    if (this.isAdmin(authorization)) return true;
    const cookie = cookieOf(cookieHeader, AUTH_COOKIE);
    return cookie !== null && safeEqual(cookie, this.cookieValue);
  }

  /** Same origin (the Origin's host is the Host the request came to), a listed origin, or no Origin (not a browser). */
  originAllowed(origin: string | undefined, host: string | undefined): boolean {
    if (!origin) return true;
    if (this.options.allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  }

  /** Decides a WebSocket upgrade: null to accept, else the HTTP status line to refuse with. */
  checkUpgrade(req: IncomingMessage): string | null {
    if (!this.originAllowed(req.headers.origin, req.headers.host)) return "403 Forbidden";
    if (!this.isViewer(req.headers.cookie, req.headers.authorization)) return "401 Unauthorized";
    return null;
  }

  /** Koa middleware: CORS for listed origins, the pairing link, PIN and admin checks. */
  middleware() {
    return async (ctx: Context, next: Next) => {
      const origin = ctx.get("origin");
      if (origin && this.options.allowedOrigins.includes(origin)) {
        ctx.set("Access-Control-Allow-Origin", origin);
        ctx.set("Access-Control-Allow-Credentials", "true");
        ctx.vary("Origin");
        if (ctx.method === "OPTIONS") {
          ctx.set("Access-Control-Allow-Methods", "GET, POST, DELETE");
          ctx.set("Access-Control-Allow-Headers", "Content-Type, Authorization");
          ctx.status = 204;
          return;
        }
      }
      const token = ctx.query.token;
      if (typeof token === "string" && this.cookieValue && ctx.method === "GET") {
        // A pairing link (e.g. from a QR code): remember the tablet, then drop the token from the URL.
        const address = ctx.ip;
        this.throttle(address);
        const url = new URL(ctx.url, "http://x");
        url.searchParams.delete("token");
        if (safeEqual(token, this.options.pin)) {
          this.setCookie(ctx);
          ctx.redirect(url.pathname + url.search);
          return;
        }
        this.fail(address);
      }
      const adminRoute = ADMIN(ctx.method, ctx.path);
      if (adminRoute && this.options.adminToken) {
        if (!this.isAdmin(ctx.get("authorization"))) throw new AppError(403, "forbidden", "this route needs the admin token (Authorization: Bearer …)");
      } else if (!PUBLIC.test(ctx.path) && !this.isViewer(ctx.get("cookie"), ctx.get("authorization"))) {
        if (ctx.path.startsWith("/api/") || ctx.path === "/metrics") throw new AppError(401, "auth_required", "enter the kiosk PIN first (open /login)");
        ctx.redirect(`/login?next=${encodeURIComponent(ctx.url)}`);
        return;
      }
      await next();
    };
  }

  /** POST /login with the PIN (form or JSON): sets the cookie and returns to `next`. */
  async login(ctx: Context, pin: string, next: string): Promise<void> {
    const address = ctx.ip;
    this.throttle(address);
    if (!this.cookieValue || !safeEqual(pin, this.options.pin)) {
      this.fail(address);
      throw new AppError(401, "wrong_pin", "wrong PIN");
    }
    this.failures.delete(address);
    this.setCookie(ctx);
    ctx.redirect(next.startsWith("/") && !next.startsWith("//") ? next : "/");
  }

  private setCookie(ctx: Context): void {
    ctx.set("Set-Cookie", `${AUTH_COOKIE}=${this.cookieValue}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict`);
  }

  private throttle(address: string): void {
    const entry = this.failures.get(address);
    if (!entry) return;
    if (Date.now() - entry.since > FAILURE_WINDOW_MS) {
      this.failures.delete(address);
      return;
    }
    if (entry.count >= MAX_FAILURES) throw new AppError(429, "too_many_attempts", "too many wrong PINs; wait a minute");
  }

  private fail(address: string): void {
    const entry = this.failures.get(address);
    if (entry) entry.count++;
    else {
      if (this.failures.size >= MAX_TRACKED_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
      this.failures.set(address, { count: 1, since: Date.now() });
    }
  }
}
