/**
 * The one reader of an ICE server entry: the config's `iceServers`, the offer's `iceServers`
 * and `GET /api/ice-servers` all carry the same shape, so the renderer and the viewer read it alike.
 */
import type { IceServer } from "./signaling.js";
import { join, optional, readArray, readObject, readString, rejectUnknownKeys, required } from "./validate.js";

const ICE_SERVER_KEYS = ["urls", "username", "credential"] as const;

const readIceUrl = (v: unknown, p: string) =>
  readString(v, p, { pattern: /^(stun|stuns|turn|turns):/, patternHint: "expected a stun:, stuns:, turn: or turns: URL" });

export function readIceServer(value: unknown, path: string): IceServer {
  const o = readObject(value, path);
  rejectUnknownKeys(o, ICE_SERVER_KEYS, path);
  const urlsValue = o.urls;
  const urls = Array.isArray(urlsValue) ? readArray(urlsValue, join(path, "urls"), readIceUrl) : required(o, "urls", path, readIceUrl);
  const server: IceServer = { urls };
  const username = optional(o, "username", path, (v, p) => readString(v, p));
  const credential = optional(o, "credential", path, (v, p) => readString(v, p));
  if (username !== undefined) server.username = username;
  if (credential !== undefined) server.credential = credential;
  return server;
}
