/** What a SessionController is given: the session to open and the seams tests (and old browsers) replace. */
import type { PageChannelEvent, Viewport } from "../../../protocol/index.js";
import type { JpegCanvas } from "./jpeg-link.js";
import type { NetworkEnvironment } from "./network-watch.js";
import type { PeerConnectionConstructor } from "./peer-link.js";
import type { FetchFunction } from "./session-api.js";
import type { WebSocketConstructor } from "./session-link.js";
import type { KeyValueStore } from "./session-memory.js";
import { browserTimers, type Timers } from "./timers.js";
import type { Transport } from "./transport.js";

/** What to open: a configured kiosk by id, or a URL the renderer's policy allows. */
export interface SessionTarget {
  kiosk?: string;
  url?: string;
}

export interface SessionControllerOptions {
  /** Read when a session is created, so the host's attributes may change before it connects. */
  target: () => SessionTarget;
  /** Origin of the renderer's REST and WebSocket endpoints; defaults to the page's. */
  baseUrl?: string;
  fetch?: FetchFunction;
  WebSocket?: WebSocketConstructor;
  RTCPeerConnection?: PeerConnectionConstructor;
  timers?: Timers;
  /** The stream area's CSS size, read when a session is created: the page gets the tablet's size. */
  viewportSize?: () => Viewport | null;
  /** Where the session id is remembered for a resume; localStorage by default, null for none. */
  storage?: KeyValueStore | null;
  /** Online/offline and visibility signals; the page's own by default. */
  environment?: NetworkEnvironment;
  /** The page bridge's events (focus, select-open, dialog, page, notice), in order. */
  onPageEvent?: (event: PageChannelEvent) => void;
  /** A (re)opened input channel: the renderer now sends the page's current state again, and input flows. */
  onChannelOpen?: () => void;
  /** "auto" (default): WebRTC, and the WebSocket picture path where WebRTC is missing or fails. */
  transport?: Transport | "auto";
  /** Canvas and JPEG decoding for the WebSocket picture path. */
  canvas?: JpegCanvas;
}

/** The options with every default filled in: the page's own origin, fetch, WebSocket, WebRTC and timers. */
export interface ControllerDeps {
  readonly target: () => SessionTarget;
  readonly baseUrl: string;
  readonly fetch: FetchFunction;
  readonly WebSocket: WebSocketConstructor;
  readonly RTCPeerConnection: PeerConnectionConstructor;
  readonly timers: Timers;
  readonly viewportSize: () => Viewport | null;
  readonly onPageEvent: (event: PageChannelEvent) => void;
  readonly onChannelOpen: () => void;
  readonly canvas: JpegCanvas | undefined;
}

export function controllerDeps(options: SessionControllerOptions): ControllerDeps {
  return {
    target: options.target,
    baseUrl: options.baseUrl ?? globalThis.location.origin,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    WebSocket: options.WebSocket ?? globalThis.WebSocket,
    RTCPeerConnection: options.RTCPeerConnection ?? globalThis.RTCPeerConnection,
    timers: options.timers ?? browserTimers,
    viewportSize: options.viewportSize ?? (() => null),
    onPageEvent: options.onPageEvent ?? (() => undefined),
    onChannelOpen: options.onChannelOpen ?? (() => undefined),
    canvas: options.canvas,
  };
}
