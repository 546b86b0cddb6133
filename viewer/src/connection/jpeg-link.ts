/**
 * One attempt to join a session on the WebSocket picture path (protocol/jpeg-stream.ts), for a
 * tablet where WebRTC cannot work: JPEG frames arrive on the socket and are drawn on a canvas
 * whose captureStream() feeds the same <video> as a WebRTC stream would (so the stream view,
 * touch mapping and sound control need no second code path); input goes up the same socket.
 * Every frame is acknowledged once drawn (or skipped for a newer one), which paces the server.
 * It offers the session link's surface and events, so the session controller can use either.
 */
import { type ClientMessage, type InputMessage, readJpegServerText } from "../../../protocol/index.js";
import type { SessionLinkEvents, WebSocketConstructor } from "./session-link.js";
import { PING_INTERVAL_MS } from "./session-link.js";
import type { Timers } from "./timers.js";

/** The canvas and image decoding the link draws with; the page's own by default. */
export interface JpegCanvas {
  /** A canvas whose captureStream() the <video> shows. */
  createCanvas(): HTMLCanvasElement;
  /** Decodes one JPEG; createImageBitmap where there is one (Chrome 50+). */
  decode(jpeg: Blob): Promise<CanvasImageSource & { width: number; height: number }>;
}

const browserCanvas: JpegCanvas = {
  createCanvas: () => document.createElement("canvas"),
  decode: (jpeg) => createImageBitmap(jpeg),
};

export interface JpegLinkDeps {
  WebSocket: WebSocketConstructor;
  timers: Timers;
  canvas?: JpegCanvas;
}

/** True where this path can show frames: a canvas stream is the one API it needs beyond WebSocket. */
export function canStreamCanvas(): boolean {
  return (
    typeof HTMLCanvasElement !== "undefined" &&
    typeof HTMLCanvasElement.prototype.captureStream === "function" &&
    typeof createImageBitmap === "function"
  );
}

export class JpegLink {
  private readonly socket: WebSocket;
  private readonly canvas: JpegCanvas;
  private surface: HTMLCanvasElement | null = null;
  private context2d: CanvasRenderingContext2D | null = null;
  private streamed = false;
  private drawing = false;
  /** The newest frame that came while one was being drawn. */
  private next: Blob | null = null;
  private pingTimer: unknown;
  private closed = false;

  /** Throws when the WebSocket cannot even be constructed (a malformed URL). */
  constructor(
    private readonly deps: JpegLinkDeps,
    url: string,
    sessionId: string,
    private readonly events: SessionLinkEvents,
  ) {
    this.canvas = deps.canvas ?? browserCanvas;
    const socket = new deps.WebSocket(url);
    socket.binaryType = "blob";
    this.socket = socket;
    socket.onopen = () => {
      if (this.closed) return;
      this.post({ type: "join", session_id: sessionId });
      this.pingTimer = deps.timers.setInterval(() => this.post({ type: "ping" }), PING_INTERVAL_MS);
      // Input may flow now (the server reads the join first), and the page's state follows it.
      this.events.channelOpen();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.closed) return;
      if (typeof event.data === "string") this.handleText(event.data);
      else if (event.data instanceof Blob) this.handleFrame(event.data);
    };
    socket.onclose = () => {
      if (!this.closed) this.events.lost(this.streamed ? "Connection to the server lost." : "Cannot reach the server.");
    };
  }

  get alive(): boolean {
    return !this.closed && this.socket.readyState <= 1;
  }

  get socketOpen(): boolean {
    return !this.closed && this.socket.readyState === 1;
  }

  /** Sends one input message on the socket; false when it is not open (the input is dropped). */
  /** No RTP on the picture path, so no receiver stats: the weak-connection hint stays off here. */
  stats(): Promise<RTCStatsReport | null> {
    return Promise.resolve(null);
  }

  send(input: InputMessage): boolean {
    if (!this.socketOpen) return false;
    this.post({ type: "input", input });
    return true;
  }

  /** The session controller's signaling calls: only its ping means something on this path. */
  signal(message: ClientMessage): void {
    if (message.type === "ping") this.post({ type: "ping" });
  }

  /** Closes the socket and silences every callback. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer !== undefined) this.deps.timers.clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    const socket = this.socket;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close(1000, "viewer closed");
    } catch {
      // Already closing.
    }
    this.next = null;
  }

  private post(message: object): void {
    if (this.socketOpen) this.socket.send(JSON.stringify(message));
  }

  private handleText(text: string): void {
    const message = readJpegServerText(text);
    if (!message) return; // Unknown or malformed: a newer server's extension.
    switch (message.type) {
      case "joined":
        this.events.viewport(message.viewport);
        return this.events.ready();
      case "pong":
        return this.events.pong();
      case "error":
        // Not a signaling code: the same meaning as an input-error event.
        if (message.code === "invalid_input") return this.events.inputError(message.message);
        return this.events.serverError({ type: "error", code: message.code, message: message.message });
      case "input-error":
        return this.events.inputError(message.message);
      case "viewport":
        return this.events.viewport({ width: message.width, height: message.height });
      case "focus":
      case "select-open":
      case "dialog":
      case "page":
      case "notice":
      case "audio":
        return this.events.pageEvent(message);
    }
  }

  private handleFrame(jpeg: Blob): void {
    if (this.drawing) {
      // Newest only: the skipped frame is acknowledged at once so the server can send another.
      if (this.next) this.post({ type: "ack" });
      this.next = jpeg;
      return;
    }
    void this.draw(jpeg);
  }

  private async draw(jpeg: Blob): Promise<void> {
    this.drawing = true;
    try {
      const image = await this.canvas.decode(jpeg);
      if (this.closed) return;
      const surface = this.surface ?? (this.surface = this.canvas.createCanvas());
      if (surface.width !== image.width || surface.height !== image.height) {
        surface.width = image.width;
        surface.height = image.height;
        this.context2d = null;
      }
      const g = this.context2d ?? (this.context2d = surface.getContext("2d"));
      g?.drawImage(image, 0, 0);
      if ("close" in image && typeof image.close === "function") image.close();
      if (!this.streamed) {
        this.streamed = true;
        this.events.stream(surface.captureStream());
        this.events.connected();
      }
    } catch {
      // A frame that does not decode is skipped; the next one replaces it.
    } finally {
      this.drawing = false;
      if (!this.closed) this.post({ type: "ack" });
    }
    const next = this.next;
    this.next = null;
    if (next && !this.closed) void this.draw(next);
  }
}
