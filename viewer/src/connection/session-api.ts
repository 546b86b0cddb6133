/**
 * The two REST calls of a viewer's session: create it, and delete it when the user leaves.
 * Failures come back as values that say whether trying again can help; nothing here throws.
 */
import {
  type CreateSessionBody,
  type CreateSessionReply,
  describeError,
  errorMessageOf,
  MAX_VIEWPORT,
  MIN_VIEWPORT,
  readCreateSessionReply,
  type Viewport,
} from "../../../protocol/index.js";
import type { LinkTimers } from "./peer-link.js";

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

export type CreateResult = { ok: true; reply: CreateSessionReply } | { ok: false; retry: boolean; message: string };

/**
 * The viewport the renderer makes of a requested size: clamped to its limits and rounded down
 * to even numbers (what VP8's 4:2:0 frames need). Null for an element without a size yet.
 */
export function rendererViewport(size: Viewport | null | undefined): Viewport | null {
  if (!size || !(size.width >= 1 && size.height >= 1)) return null;
  const side = (v: number) => Math.min(MAX_VIEWPORT, Math.max(MIN_VIEWPORT, Math.floor(v / 2) * 2));
  return { width: side(size.width), height: side(size.height) };
}

export function sameSize(a: Viewport | null | undefined, b: Viewport | null | undefined): boolean {
  return !!a && !!b && a.width === b.width && a.height === b.height;
}

/** The create body for a kiosk by id, else a URL, at the tablet's size when it has one yet. */
export function createSessionBody(target: { kiosk?: string; url?: string }, size: Viewport | null): CreateSessionBody {
  const body: CreateSessionBody = {};
  if (target.kiosk) body.kiosk = target.kiosk;
  else if (target.url) body.url = target.url;
  const viewport = rendererViewport(size);
  if (viewport) Object.assign(body, viewport);
  return body;
}

export async function createSession(fetch: FetchFunction, url: string, body: CreateSessionBody): Promise<CreateResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, retry: true, message: "Cannot reach the server." };
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    // 4xx is the request's fault (unknown kiosk, URL not allowed): retrying cannot help.
    const retry = response.status >= 500 || response.status === 408 || response.status === 429;
    return { ok: false, retry, message: errorMessageOf(json, response.status, response.statusText) };
  }
  try {
    return { ok: true, reply: readCreateSessionReply(json) };
  } catch (err) {
    return { ok: false, retry: false, message: `Unexpected reply from the server: ${describeError(err)}` };
  }
}

/** `end()` waits at most this long for the DELETE, so a dead server never blocks the home button. */
const END_REQUEST_TIMEOUT_MS = 2_000;

/** Deletes a session, giving up after `timeoutMs` so a dead server never blocks the user. */
export async function deleteSession(
  fetch: FetchFunction,
  url: string,
  timers: LinkTimers,
  timeoutMs = END_REQUEST_TIMEOUT_MS,
): Promise<void> {
  const request = fetch(url, { method: "DELETE", keepalive: true }).then(
    () => undefined,
    () => undefined,
  );
  let timer: unknown;
  const timeout = new Promise<void>((resolve) => {
    timer = timers.setTimeout(resolve, timeoutMs);
  });
  await Promise.race([request, timeout]);
  timers.clearTimeout(timer);
}
