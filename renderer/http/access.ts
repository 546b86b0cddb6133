/**
 * Who may use the appliance. Optional PIN for tablets (entered once on /login, or given by a
 * `?token=PIN` pairing link), which buys a random login token in a cookie; an admin token for
 * the routes that see or close every session; the Host allowlist and the origin rule for writes
 * and the signaling upgrade; CORS only for listed origins. Each route declares its class
 * (routes.ts); this module decides what a class needs.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Context, Next } from "koa";
import { AppError, type UpgradeRefusal } from "../errors.js";
import type { Logger } from "../log.js";
import type { Client } from "../sessions/session-owners.js";
import { TokenStore } from "./auth-tokens.js";
import { HostAllowlist } from "./host-allowlist.js";
import { crossSiteRefusal } from "./origin-check.js";
import { PinGuard } from "./pin-guard.js";
import { cookieOf, tabletIdOf } from "./tablet-id.js";

const AUTH_COOKIE = "jiomosa_auth";
/** The cookie is renewed when using it moved its expiry by more than this share of its lifetime. */
const COOKIE_RENEW_FRACTION = 1 / 30;

/** public: anyone; tablet: the PIN when one is set; admin: the admin token when one is set, else as tablet. */
export type AccessClass = "public" | "tablet" | "admin";

function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

export interface AccessOptions {
  pin: string;
  adminToken: string;
  allowedOrigins: string[];
  /** `listen.hosts`: DNS names besides the box's own addresses and hostname. */
  hosts: string[];
  tokenTtlSeconds: number;
  /** Absolute path of the token file, or "" for memory only. */
  tokenFile: string;
  log: Logger;
}

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; quotas count them as a.b.c.d. */
function clientAddress(raw: string | undefined): string {
  const address = raw ?? "unknown";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

export class Access {
  private readonly tokens: TokenStore | null;
  private readonly pins = new PinGuard();
  readonly hosts: HostAllowlist;

  constructor(private readonly options: AccessOptions) {
    this.hosts = new HostAllowlist(options.hosts);
    this.tokens = options.pin
      ? new TokenStore({
          pin: options.pin,
          ttlMs: options.tokenTtlSeconds * 1000,
          file: options.tokenFile,
          log: options.log.child({ module: "auth" }),
        })
      : null;
  }

  get allowedOrigins(): readonly string[] {
    return this.options.allowedOrigins;
  }

  isAdmin(authorization: string | undefined): boolean {
    if (!this.options.adminToken) return false;
    const match = /^Bearer (.+)$/.exec(authorization ?? "");
    return !!match && safeEqual(match[1]!, this.options.adminToken);
  }

  /** A tablet holding a valid login token (or an admin, or no PIN configured). */
  private viewerToken(cookieHeader: string | undefined, authorization: string | undefined): { ok: boolean; renew: string | null } {
    if (!this.tokens) return { ok: true, renew: null };
    if (this.isAdmin(authorization)) return { ok: true, renew: null };
    const token = cookieOf(cookieHeader, AUTH_COOKIE);
    if (token === null) return { ok: false, renew: null };
    const used = this.tokens.use(token);
    if (!used.valid) return { ok: false, renew: null };
    const moved = Date.now() + this.tokens.ttlMs - used.previousExpiry;
    return { ok: true, renew: moved > this.tokens.ttlMs * COOKIE_RENEW_FRACTION ? token : null };
  }

  /** Who sent a request, as the session rules need it. */
  identify(req: IncomingMessage): Client {
    return {
      address: clientAddress(req.socket.remoteAddress),
      tablet: tabletIdOf(req.headers.cookie),
      admin: this.isAdmin(req.headers.authorization),
    };
  }

  /** Decides a WebSocket upgrade: null to accept, else the refusal. */
  checkUpgrade(req: IncomingMessage): UpgradeRefusal | null {
    const misdirected = this.hosts.refusal(req.headers.host);
    if (misdirected) return { status: "421 Misdirected Request", message: misdirected };
    const crossSite = crossSiteRefusal(
      { origin: req.headers.origin, secFetchSite: header(req.headers["sec-fetch-site"]), host: req.headers.host },
      this.options.allowedOrigins,
    );
    if (crossSite) return { status: "403 Forbidden", message: crossSite };
    if (!this.viewerToken(req.headers.cookie, req.headers.authorization).ok)
      return { status: "401 Unauthorized", message: "enter the kiosk PIN first (open /login)" };
    return null;
  }

  /** Koa middleware before routing: the Host allowlist, CORS for listed origins, the pairing link. */
  middleware() {
    return async (ctx: Context, next: Next) => {
      const misdirected = this.hosts.refusal(ctx.req.headers.host);
      if (misdirected) throw new AppError("misdirected_request", misdirected);
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
      if (typeof token === "string" && ctx.method === "GET") {
        // A pairing link (e.g. from a QR code): remember the tablet, then drop the token from the URL.
        const url = new URL(ctx.url, "http://x");
        url.searchParams.delete("token");
        const clean = url.pathname + url.search;
        if (this.tokens) {
          this.pins.check(ctx.ip);
          if (safeEqual(token, this.options.pin)) {
            this.pins.succeeded(ctx.ip);
            this.setAuthCookie(ctx, this.tokens.issue());
            ctx.redirect(clean);
            return;
          }
          this.pins.failed(ctx.ip);
        }
        ctx.redirect(clean);
        return;
      }
      await next();
    };
  }

  /** The check a route of `access` makes before its handler runs. */
  require(ctx: Context, access: AccessClass): void {
    if (access === "public") return;
    if (access === "admin" && this.options.adminToken) {
      if (!this.isAdmin(ctx.get("authorization")))
        throw new AppError("forbidden", "this route needs the admin token (Authorization: Bearer …)");
      return;
    }
    const viewer = this.viewerToken(ctx.get("cookie"), ctx.get("authorization"));
    if (viewer.renew) this.setAuthCookie(ctx, viewer.renew);
    if (viewer.ok) return;
    if (ctx.path.startsWith("/api/") || ctx.path === "/metrics")
      throw new AppError("auth_required", "enter the kiosk PIN first (open /login)");
    throw new LoginRedirect(`/login?next=${encodeURIComponent(ctx.url)}`);
  }

  /** A write from another site's page is refused; `sameOnly` refuses even `allowedOrigins`. */
  requireSameSite(ctx: Context, sameOnly: boolean): void {
    const refusal = crossSiteRefusal(
      { origin: ctx.req.headers.origin, secFetchSite: header(ctx.req.headers["sec-fetch-site"]), host: ctx.req.headers.host },
      sameOnly ? [] : this.options.allowedOrigins,
    );
    if (refusal) throw new AppError("cross_site_request", refusal);
  }

  /** POST /login with the PIN (form or JSON): sets the login cookie and returns to `next`. */
  async login(ctx: Context, pin: string, next: string): Promise<void> {
    const address = ctx.ip;
    this.pins.check(address);
    if (!this.tokens || !safeEqual(pin, this.options.pin)) {
      this.pins.failed(address);
      throw new AppError("wrong_pin", "wrong PIN");
    }
    this.pins.succeeded(address);
    this.setAuthCookie(ctx, this.tokens.issue());
    ctx.redirect(next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/");
  }

  /** Revokes every tablet's login token (the admin route); returns how many there were. */
  revokeAll(): number {
    return this.tokens?.revokeAll() ?? 0;
  }

  close(): void {
    this.tokens?.close();
  }

  private setAuthCookie(ctx: Context, token: string): void {
    ctx.append("Set-Cookie", `${AUTH_COOKIE}=${token}; Path=/; Max-Age=${this.options.tokenTtlSeconds}; HttpOnly; SameSite=Strict`);
  }
}

/** Pages (not the API) answer a missing PIN with the login page. */
export class LoginRedirect extends Error {
  constructor(readonly location: string) {
    super("login required");
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
