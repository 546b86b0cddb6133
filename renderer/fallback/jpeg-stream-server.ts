/**
 * The WebSocket picture path at /ws/jpeg (protocol/jpeg-stream.ts), for tablets where WebRTC
 * cannot work: the session's JPEG frames go down the socket as captured (no encoder), paced by
 * the tablet's acknowledgements, and input comes up the same socket, validated as DataChannel
 * input is. It sits behind the signaling server's upgrade checks (signaling.addRoute), so the
 * same access rules apply, and a session takes it as one more viewer within its viewer limit.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import {
  type ChannelEvent,
  type ErrorCode,
  JPEG_FRAMES_IN_FLIGHT,
  type JpegClientMessage,
  type JpegServerMessage,
  MAX_JPEG_CLIENT_MESSAGE_BYTES,
  parseJpegClientMessage,
  ValidationError,
} from "../../protocol/index.js";
import { AppError } from "../errors.js";
import { wireCode } from "../error-codes.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { TokenBucket } from "../rate-limit.js";
import type { JpegViewer } from "../sessions/jpeg-viewer.js";
import type { Session } from "../sessions/session.js";
import type { SessionManager } from "../sessions/session-manager.js";
import type { Client } from "../sessions/session-owners.js";
import { INPUT_RATE_PER_SECOND } from "../webrtc/peer.js";

/** Protocol-level pings find sockets whose tablet vanished without closing. */
const JPEG_HEARTBEAT_INTERVAL_MS = 20_000;
/** Room for the input rate of a WebRTC peer plus the acks and pings of this path. */
const MESSAGES_PER_SECOND = INPUT_RATE_PER_SECOND + 60;
const MESSAGE_BURST = 2 * MESSAGES_PER_SECOND;
/** Page events are dropped, not queued, while the socket is this far behind (frames fill it). */
const MAX_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
const CLOSE_POLICY_VIOLATION = 1008;

/** One tablet on this path: the socket, its session, and the frames it has not acknowledged. */
class JpegConnection implements JpegViewer {
  session: Session | null = null;
  alive = true;
  readonly bucket = new TokenBucket(MESSAGES_PER_SECOND, MESSAGE_BURST);
  private inFlight = 0;
  /** The newest frame that came while JPEG_FRAMES_IN_FLIGHT were unacknowledged; older ones are skipped. */
  private waiting: string | null = null;

  constructor(
    readonly ws: WebSocket,
    /** Who the socket belongs to: a session created by a tablet is shown only to that tablet. */
    readonly client: Client,
    public log: Logger,
    private readonly metrics?: Metrics,
  ) {}

  pushJpeg(jpegBase64: string): void {
    if (this.inFlight >= JPEG_FRAMES_IN_FLIGHT) {
      if (this.waiting !== null) this.metrics?.framesDropped.inc();
      this.waiting = jpegBase64;
      return;
    }
    this.sendFrame(jpegBase64);
  }

  /** The tablet drew a frame: one more may be sent, the newest waiting one first. */
  acknowledge(): void {
    if (this.inFlight > 0) this.inFlight--;
    const next = this.waiting;
    if (next !== null && this.inFlight < JPEG_FRAMES_IN_FLIGHT) {
      this.waiting = null;
      this.sendFrame(next);
    }
  }

  sendEvent(event: ChannelEvent): void {
    if (this.ws.readyState === WebSocket.OPEN && this.ws.bufferedAmount <= MAX_SOCKET_BUFFER_BYTES) this.ws.send(JSON.stringify(event));
  }

  send(message: JpegServerMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private sendFrame(jpegBase64: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.inFlight++;
    this.ws.send(Buffer.from(jpegBase64, "base64"), { binary: true });
  }
}

type Handler<T extends JpegClientMessage["type"]> = (conn: JpegConnection, message: Extract<JpegClientMessage, { type: T }>) => void;

export class JpegStreamServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_JPEG_CLIENT_MESSAGE_BYTES });
  private readonly connections = new Set<JpegConnection>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly log: Logger;
  private nextConnectionId = 1;

  private readonly handlers: { [T in JpegClientMessage["type"]]: Handler<T> } = {
    join: (conn, msg) => this.join(conn, msg.session_id),
    ack: (conn) => conn.acknowledge(),
    ping: (conn) => conn.send({ type: "pong" }),
    input: (conn, msg) => {
      const session = this.requireSession(conn);
      this.metrics?.inputEvents.inc({ type: msg.input.type });
      session.handleInput(msg.input);
    },
  };

  constructor(
    private readonly sessions: SessionManager,
    log: Logger,
    private readonly metrics?: Metrics,
    /** Picture sockets one client address may hold (`listen.maxSocketsPerClient`). */
    private readonly maxSocketsPerClient = Number.POSITIVE_INFINITY,
  ) {
    this.log = log.child({ module: "jpeg-stream" });
    this.heartbeat = setInterval(() => this.checkAlive(), JPEG_HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  /** Takes an upgrade the signaling server has already checked (path, access, origin). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, client: Client): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, client));
  }

  private accept(ws: WebSocket, client: Client): void {
    const conn = new JpegConnection(ws, client, this.log.child({ conn: this.nextConnectionId++ }), this.metrics);
    const held = [...this.connections].filter((c) => c.client.address === client.address).length;
    if (held >= this.maxSocketsPerClient && !client.admin) {
      conn.log.info({ address: client.address, held }, "too many picture sockets from one address");
      ws.close(CLOSE_POLICY_VIOLATION, `too many connections from this address (at most ${this.maxSocketsPerClient})`);
      return;
    }
    this.connections.add(conn);
    ws.on("pong", () => (conn.alive = true));
    ws.on("message", (data, isBinary) => this.receive(conn, data as Buffer, isBinary));
    ws.on("close", () => this.drop(conn));
    ws.on("error", (err) => conn.log.warn({ err: String(err) }, "socket error"));
  }

  private receive(conn: JpegConnection, data: Buffer, isBinary: boolean): void {
    if (!conn.bucket.take()) {
      conn.send({ type: "error", code: "invalid_message", message: `too many messages: at most ${MESSAGES_PER_SECOND} per second` });
      conn.ws.close(CLOSE_POLICY_VIOLATION, "too many messages");
      return;
    }
    let message: JpegClientMessage;
    try {
      if (isBinary) throw new ValidationError("message", "expected JSON text, got a binary frame");
      message = parseJpegClientMessage(data.toString("utf8"));
    } catch (err) {
      const text = err instanceof ValidationError ? err.message : "message: could not be read";
      this.metrics?.inputRejected.inc({ reason: "invalid" });
      // The same reply a DataChannel gives bad input, so the viewer shows it the same way.
      conn.sendEvent({ type: "input-error", code: "invalid_input", message: text.slice(0, 300) });
      return;
    }
    try {
      (this.handlers[message.type] as Handler<typeof message.type>)(conn, message);
    } catch (err) {
      if (err instanceof StreamError) return conn.send({ type: "error", code: err.code, message: err.message });
      if (err instanceof AppError) {
        return conn.send({ type: "error", code: wireCode(err.reason, "internal"), message: err.message });
      }
      conn.log.error({ err: String(err), type: message.type }, "jpeg-stream handler failed");
      conn.send({ type: "error", code: "internal", message: `${message.type} failed` });
    }
  }

  private join(conn: JpegConnection, sessionId: string): void {
    if (conn.session) throw new StreamError("already_joined", `this connection already joined session ${conn.session.id}`);
    if (!this.sessions.has(sessionId))
      throw new StreamError("unknown_session", `no session ${JSON.stringify(sessionId)} (it may have timed out)`);
    // Another tablet's session answers like an unknown one (a 404 AppError → unknown_session).
    this.sessions.getFor(sessionId, conn.client);
    // The newest frame and the page's state go out inside joinJpeg; "joined" follows them.
    const session = this.sessions.joinJpeg(sessionId, conn);
    conn.session = session;
    conn.send({ type: "joined", session_id: sessionId, viewport: session.viewport });
    conn.log = conn.log.child({ session: sessionId });
    conn.log.info("joined on the WebSocket picture path");
  }

  private requireSession(conn: JpegConnection): Session {
    if (!conn.session) throw new StreamError("not_joined", 'send {type:"join", session_id} first');
    if (conn.session.isClosed) throw new StreamError("session_closed", `session ${conn.session.id} was closed`);
    return conn.session;
  }

  private drop(conn: JpegConnection): void {
    if (!this.connections.delete(conn)) return;
    if (conn.session) this.sessions.leaveJpeg(conn.session, conn);
    conn.session = null;
  }

  private checkAlive(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.ws.terminate();
        this.drop(conn);
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }

  /** Tells every viewer of a closed session, so the tablet says so instead of freezing. */
  notifySessionClosed(sessionId: string): void {
    for (const conn of this.connections) {
      if (conn.session?.id !== sessionId) continue;
      conn.send({ type: "error", code: "session_closed", message: `session ${sessionId} was closed` });
      conn.ws.close(1000, "session closed");
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const conn of [...this.connections]) {
      conn.ws.close(1001, "server shutting down");
      this.drop(conn);
    }
    this.wss.close();
  }
}

class StreamError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
