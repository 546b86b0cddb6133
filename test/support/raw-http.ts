/**
 * HTTP and WebSocket requests as an attacker on the LAN would send them: any Host header (fetch
 * forbids setting it), no Host at all, a chosen source address (127.0.0.2, 127.0.0.3, … are all
 * this machine's loopback on Linux) and paths that URL parsers would normalise away.
 */
import { request } from "node:http";
import { connect } from "node:net";
import { WebSocket } from "ws";

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body parsed as JSON, or null when it is not JSON. */
  json: Record<string, unknown> | null;
}

export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Source address of the client socket, e.g. "127.0.0.7". */
  localAddress?: string;
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** One request to 127.0.0.1:`port`, `path` sent exactly as given. */
export function rawRequest(port: number, path: string, options: RawOptions = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...options.headers };
    if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
    const req = request(
      { host: "127.0.0.1", port, path, method: options.method ?? "GET", headers, localAddress: options.localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: parse(body) });
        });
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A request written byte for byte (for a missing Host, which node's client always adds). */
export function rawLines(port: number, lines: string[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`${lines.join("\r\n")}\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

export type Upgrade = { outcome: "open"; ws: WebSocket } | { outcome: string; body: string };

/** A WebSocket upgrade to /ws/signaling with the given headers; an opened socket is handed back. */
export function openSocket(port: number, headers: Record<string, string>, localAddress?: string): Promise<Upgrade> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/signaling`, { headers, ...(localAddress ? { localAddress } : {}) });
    ws.once("open", () => resolve({ outcome: "open", ws }));
    ws.once("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ outcome: String(res.statusCode), body: Buffer.concat(chunks).toString("utf8") }));
    });
    ws.once("error", (err) => resolve({ outcome: `error ${err.message}`, body: "" }));
  });
}

/** The outcome of an upgrade ("open" or the refusing status); an opened socket is closed at once. */
export async function upgradeWith(port: number, headers: Record<string, string>, localAddress?: string): Promise<string> {
  const result = await openSocket(port, headers, localAddress);
  if ("ws" in result) result.ws.close();
  return result.outcome;
}

/** The first `name=value` of a reply's Set-Cookie headers for cookie `name`, or null. */
export function cookieFrom(reply: RawReply | Response, name: string): string | null {
  const raw = reply instanceof Response ? reply.headers.getSetCookie() : ([] as string[]).concat(reply.headers["set-cookie"] ?? []);
  for (const line of raw) {
    const pair = line.split(";")[0];
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return null;
}
