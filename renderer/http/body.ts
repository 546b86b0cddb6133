/** JSON request bodies with a size limit and path-precise errors (no body parser dependency). */
import type { Context } from "koa";
import { AppError } from "../errors.js";

const MAX_BODY_BYTES = 64 * 1024;

/** The body as text, refused with 413 once it passes `limit` bytes. */
async function readBodyText(ctx: Context, limit: number): Promise<string> {
  const tooLarge = () => new AppError("payload_too_large", `request body is larger than ${limit} bytes`);
  if (Number(ctx.get("content-length") || 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads the JSON body; an empty body is `undefined` (the original client may send none). */
export async function readJsonBody(ctx: Context, limit = MAX_BODY_BYTES): Promise<unknown> {
  const text = (await readBodyText(ctx, limit)).trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const type = ctx.get("content-type");
    if (type && !/json/i.test(type)) {
      throw new AppError("unsupported_media_type", `expected a JSON body (Content-Type: application/json), got ${type}`);
    }
    throw new AppError("bad_request", "body: is not valid JSON");
  }
}

/** Reads a small urlencoded form or JSON body into string fields (the PIN form). */
export async function readFormBody(ctx: Context, limit = 4 * 1024): Promise<Record<string, string>> {
  const text = await readBodyText(ctx, limit);
  if (/json/i.test(ctx.get("content-type"))) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    } catch {
      throw new AppError("bad_request", "body: is not valid JSON");
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}
