/**
 * A server a hostile page must NOT reach: it listens on several loopback addresses (127.0.0.1,
 * 127.0.0.2, ::1) on one port and records every request and WebSocket upgrade it gets, with the
 * address it arrived on. Tests make one of its addresses a kiosk (the control that must be
 * reached) and try every other spelling.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface CanaryHit {
  method: string;
  path: string;
  host: string;
  /** The local address the connection arrived on. */
  local: string;
  upgrade: boolean;
}

const LISTEN_ON = ["127.0.0.1", "127.0.0.2", "::1"];
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** A 1×1 transparent GIF. */
const GIF = Buffer.from("R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==", "base64");

export class CanaryServer {
  readonly hits: CanaryHit[] = [];
  port = 0;
  private readonly servers: Server[] = [];

  async start(): Promise<void> {
    for (const host of LISTEN_ON) {
      const server = createServer((req, res) => {
        this.record(req, false);
        // Each kind of request gets an answer its element accepts, so a control load succeeds.
        const url = req.url ?? "";
        const [type, body] = url.endsWith("/img")
          ? ["image/gif", GIF]
          : url.endsWith("/script")
            ? ["text/javascript", ""]
            : url.endsWith("/sse")
              ? ["text/event-stream", "data: hi\n\n"]
              : ["text/html", ""];
        res.writeHead(200, { "content-type": type, "access-control-allow-origin": "*" }).end(body);
      });
      server.on("upgrade", (req: IncomingMessage, socket) => {
        this.record(req, true);
        // A real handshake, so a control WebSocket opens; the socket is closed right after.
        const accept = createHash("sha1")
          .update(`${req.headers["sec-websocket-key"] ?? ""}${WS_GUID}`)
          .digest("base64");
        socket.end(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.port, host, () => resolve());
      });
      this.port = (server.address() as AddressInfo).port;
      this.servers.push(server);
    }
  }

  private record(req: IncomingMessage, upgrade: boolean): void {
    this.hits.push({
      method: req.method ?? "",
      path: req.url ?? "",
      host: req.headers.host ?? "",
      local: req.socket.localAddress ?? "",
      upgrade,
    });
  }

  async stop(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
