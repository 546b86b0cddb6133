/** Serves a fixed set of directories (the viewer bundle, built-in pages) without path traversal. */
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { Context } from "koa";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/** Sends `relative` from `root` if it is a file inside it; returns false otherwise. */
export async function sendFile(ctx: Context, root: string, relative: string, cacheControl = "no-cache"): Promise<boolean> {
  const base = resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return false;
  }
  if (decoded.includes("\0")) return false;
  const target = resolve(join(base, normalize(decoded)));
  if (target !== base && !target.startsWith(base + sep)) return false;
  const info = await stat(target).catch(() => null);
  if (!info?.isFile()) return false;
  ctx.type = TYPES[extname(target).toLowerCase()] ?? "application/octet-stream";
  ctx.set("Cache-Control", cacheControl);
  ctx.body = await readFile(target);
  return true;
}
