/**
 * WebSocket signaling at /ws/signaling: the only holder of sockets. One dispatch table maps a
 * message type to a thin handler; the work lives in the session manager and the peer.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import {
  type ClientMessage,
  type ErrorCode,
  MAX_SIGNALING_MESSAGE_BYTES,
  parseClientMessage,
  type ServerMessage,
  SIGNALING_PATH,
  ValidationError,
} from "../../protocol/index.js";
import { AppError } from "../errors.js";
import { wireCode } from "../error-codes.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { type KeyedBuckets, TokenBucket } from "../rate-limit.js";
import type { UpgradeRefusal } from "../errors.js";
import type { Session } from "../sessions/session.js";
import type { SessionManager } from "../sessions/session-manager.js";
import type { Client } from "../sessions/session-owners.js";
import { hostFromHeader } from "../webrtc/ice-servers.js";
import type { Peer } from "../webrtc/peer.js";

/** Protocol-level pings find sockets whose tablet vanished without closing. */
const HEARTBEAT_INTERVAL_MS = 20_000;
/** Signaling messages per second one socket may send; a join needs a handful, trickle ICE a few dozen. */
const SIGNALING_RATE_PER_SECOND = 50;
const SIGNALING_BURST = 100;
/** WebSocket close code for a policy violation (RFC 6455). */
const CLOSE_POLICY_VIOLATION = 1008;
/** A viewer that got an offer and sent no answer in this time gives its slot back. */
const ANSWER_TIMEOUT_MS = 15_000;

/** Another WebSocket path behind the same checks; it gets who the socket belongs to. */
export type UpgradeRoute = (req: IncomingMessage, socket: Duplex, head: Buffer, client: Client) => void;

export interface SignalingOptions {
  /** Decides an upgrade: null to accept, else the refusal (Host, origin, PIN). */
  checkUpgrade: (req: IncomingMessage) => UpgradeRefusal | null;
  /** Who a socket belongs to (address, tablet id, admin), for session ownership. */
  identify: (req: IncomingMessage) => Client;
  /** TURN credentials a client address may have minted; each join mints one. Null: no TURN, nothing minted. */
  mintLimit: KeyedBuckets | null;
  /** Sockets one client address may hold (`listen.maxSocketsPerClient`). */
  maxSocketsPerClient: number;
}

interface Connection {
  ws: WebSocket;
  /** The host the tablet used to reach us: TURN URLs point at the same address. */
  host: string | null;
  client: Client;
  /** Set while an offer waits for its answer. */
  answerTimer: NodeJS.Timeout | null;
  session: Session | null;
  peer: Peer | null;
  alive: boolean;
  bucket: TokenBucket;
  log: Logger;
}

type Handler<T extends ClientMessage["type"]> = (conn: Connection, message: Extract<ClientMessage, { type: T }>) => Promise<void> | void;

export class SignalingServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNALING_MESSAGE_BYTES });
  private readonly connections = new Set<Connection>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly log: Logger;
  private nextConnectionId = 1;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);
  /** Other WebSocket endpoints behind the same upgrade checks (the JPEG picture path). */
  private readonly routes = new Map<string, UpgradeRoute>();

  private readonly handlers: { [T in ClientMessage["type"]]: Handler<T> } = {
    join: (conn, msg) => this.join(conn, msg.session_id),
    answer: async (conn, msg) => {
      const peer = this.requirePeer(conn);
      this.clearAnswerTimer(conn);
      await peer.applyAnswer(msg.answer.sdp);
      this.send(conn, { type: "ready", message: "WebRTC connection established", session_id: conn.session!.id });
    },
    "ice-candidate": async (conn, msg) => {
      const peer = this.requirePeer(conn);
      if (msg.candidate) await peer.addRemoteCandidate(msg.candidate);
    },
    ping: (conn) => this.send(conn, { type: "pong" }),
  };

  constructor(
    private readonly server: Server,
    private readonly sessions: SessionManager,
    log: Logger,
    private readonly metrics: Metrics | undefined,
    private readonly options: SignalingOptions,
  ) {
    this.log = log.child({ module: "signaling" });
    server.on("upgrade", this.onUpgrade);
    this.heartbeat = setInterval(() => this.checkAlive(), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const route = path === SIGNALING_PATH ? undefined : this.routes.get(path);
    if (path !== SIGNALING_PATH && !route) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const refusal = this.options.checkUpgrade(req);
    if (refusal) {
      const body = `${refusal.message}\n`;
      socket.end(
        `HTTP/1.1 ${refusal.status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    const client = this.options.identify(req);
    if (route) return route(req, socket, head, client);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, hostFromHeader(req.headers.host), client));
  }

  /** Serves another WebSocket path with the same access and origin checks as signaling. */
  addRoute(path: string, accept: UpgradeRoute): void {
    this.routes.set(path, accept);
  }

  private accept(ws: WebSocket, host: string | null, client: Client): void {
    const conn: Connection = {
      ws,
      host,
      client,
      answerTimer: null,
      session: null,
      peer: null,
      alive: true,
      bucket: new TokenBucket(SIGNALING_RATE_PER_SECOND, SIGNALING_BURST),
      log: this.log.child({ conn: this.nextConnectionId++ }),
    };
    // Counted after the handshake, so a browser sees the reason in the close event (it cannot read a refused upgrade).
    const max = this.options.maxSocketsPerClient;
    const held = [...this.connections].filter((c) => c.client.address === client.address).length;
    if (held >= max && !client.admin) {
      conn.log.info({ address: client.address, held }, "too many sockets from one address");
      ws.close(CLOSE_POLICY_VIOLATION, `too many connections from this address (at most ${max})`);
      return;
    }
    this.connections.add(conn);
    ws.on("pong", () => (conn.alive = true));
    ws.on("message", (data, isBinary) => void this.receive(conn, data as Buffer, isBinary));
    ws.on("close", () => this.drop(conn));
    ws.on("error", (err) => conn.log.warn({ err: String(err) }, "socket error"));
  }

  private async receive(conn: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    if (!conn.bucket.take()) {
      // A flood: say why, then close this socket only (its session stays for a rejoin).
      this.sendError(conn, "invalid_message", `too many messages: at most ${SIGNALING_RATE_PER_SECOND} per second`);
      conn.ws.close(CLOSE_POLICY_VIOLATION, "too many messages");
      return;
    }
    let message: ClientMessage;
    try {
      if (isBinary) throw new ValidationError("message", "expected JSON text, got a binary frame");
      message = parseClientMessage(data.toString("utf8"));
    } catch (err) {
      const text = err instanceof ValidationError ? err.message : "message: could not be read";
      this.sendError(conn, "invalid_message", text);
      return;
    }
    try {
      await (this.handlers[message.type] as Handler<typeof message.type>)(conn, message);
    } catch (err) {
      if (err instanceof SignalingError) return this.sendError(conn, err.code, err.message);
      if (err instanceof AppError) return this.sendError(conn, wireCode(err.reason, "negotiation_failed"), err.message);
      conn.log.error({ err: String(err), type: message.type }, "signaling handler failed");
      this.sendError(conn, "negotiation_failed", `${message.type} failed: ${String((err as Error).message ?? err).slice(0, 200)}`);
    }
  }

  private async join(conn: Connection, sessionId: string): Promise<void> {
    if (conn.peer) throw new SignalingError("already_joined", `this connection already joined session ${conn.session?.id}`);
    if (!this.sessions.has(sessionId))
      throw new SignalingError("unknown_session", `no session ${JSON.stringify(sessionId)} (it may have timed out)`);
    // Another tablet's session is as unknown as a missing one.
    this.sessions.getFor(sessionId, conn.client);
    if (this.options.mintLimit && !this.options.mintLimit.take(conn.client.address))
      throw new SignalingError("rate_limited", "too many joins from this address; wait a little and try again");
    const joined = this.sessions.join(
      sessionId,
      {
        onLocalCandidate: (candidate) => this.send(conn, { type: "ice-candidate", candidate }),
      },
      conn.host,
      conn.client,
    );
    conn.session = joined.session;
    conn.peer = joined.peer;
    conn.log = conn.log.child({ session: sessionId, peer: joined.peer.id });
    const offer = await joined.peer.createOffer();
    if (conn.peer !== joined.peer) return; // the socket closed while gathering
    this.send(conn, { type: "offer", offer, iceServers: joined.iceServers, viewport: joined.session.viewport });
    conn.log.info("offer sent");
    conn.answerTimer = setTimeout(() => this.answerTimedOut(conn), ANSWER_TIMEOUT_MS);
  }

  private clearAnswerTimer(conn: Connection): void {
    if (conn.answerTimer) clearTimeout(conn.answerTimer);
    conn.answerTimer = null;
  }

  /** The viewer never answered: its slot goes back to the session, and the socket is closed. */
  private answerTimedOut(conn: Connection): void {
    conn.answerTimer = null;
    this.sendError(conn, "answer_timeout", `no answer to the offer within ${ANSWER_TIMEOUT_MS / 1000} s; join again`);
    conn.ws.close(CLOSE_POLICY_VIOLATION, "no answer to the offer");
    this.drop(conn);
  }

  private requirePeer(conn: Connection): Peer {
    if (!conn.peer || !conn.session) throw new SignalingError("not_joined", 'send {type:"join", session_id} first');
    if (conn.session.isClosed) throw new SignalingError("session_closed", `session ${conn.session.id} was closed`);
    return conn.peer;
  }

  private send(conn: Connection, message: ServerMessage): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(message));
  }

  private sendError(conn: Connection, code: ErrorCode, message: string): void {
    conn.log.info({ code, message }, "signaling error reply");
    this.metrics?.signalingErrors.inc({ code });
    this.send(conn, { type: "error", code, message });
  }

  private drop(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.clearAnswerTimer(conn);
    if (conn.session && conn.peer) this.sessions.leave(conn.session, conn.peer);
    conn.peer = null;
    conn.session = null;
  }

  private checkAlive(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.log.info("no pong from the viewer; dropping the connection");
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
      if (conn.session?.id === sessionId) {
        this.sendError(conn, "session_closed", `session ${sessionId} was closed`);
        conn.ws.close(1000, "session closed");
      }
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.server.off("upgrade", this.onUpgrade);
    for (const conn of [...this.connections]) {
      conn.ws.close(1001, "server shutting down");
      this.drop(conn);
    }
    this.wss.close();
  }
}

class SignalingError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
