/**
 * A tablet's own id: a random value in a cookie that every browser opening the viewer gets, PIN
 * or not. Sessions remember the id of the tablet that created them, so only that tablet (or an
 * admin) may join, load or close them, and a tablet opening another kiosk can free its previous
 * session. Clients without the cookie (scripts, the original design's clients) are anonymous.
 */
import { randomBytes } from "node:crypto";
import type { Context } from "koa";

const TABLET_COOKIE = "jiomosa_tablet";
const TABLET_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
/** The id names the browser, not a login: it outlives any PIN token. */
const TABLET_COOKIE_MAX_AGE_S = 400 * 86_400;

export function cookieOf(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

/** The tablet id a request carries, or null (none, or not one this appliance could have made). */
export function tabletIdOf(cookieHeader: string | undefined): string | null {
  const id = cookieOf(cookieHeader, TABLET_COOKIE);
  return id !== null && TABLET_ID_PATTERN.test(id) ? id : null;
}

/** Gives the browser a tablet id unless it has one. */
export function ensureTabletId(ctx: Context): void {
  if (tabletIdOf(ctx.get("cookie"))) return;
  const id = randomBytes(18).toString("base64url");
  ctx.append("Set-Cookie", `${TABLET_COOKIE}=${id}; Path=/; Max-Age=${TABLET_COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict`);
}
