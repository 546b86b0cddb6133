/** What a session is made with, and the size rule its viewport follows. */
import { MAX_VIEWPORT, MIN_VIEWPORT, type Viewport } from "../../protocol/index.js";
import type { CaptureSetting } from "../config/schema.js";
import type { SessionAudio } from "./session-audio.js";
import type { SessionPage } from "../browser/shared-browser.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { Session } from "./session.js";
import type { UpkeepTimers } from "./session-upkeep.js";
import type { SessionViewers } from "./session-viewers.js";

export interface SessionOptions {
  id: string;
  kioskId?: string;
  viewport: Viewport;
  jpegQuality: number;
  maxFps: number;
  /** See ScreencastOptions.tailProbeMs. */
  tailProbeMs?: number;
  /** video.capture (see its default); the page attachment picks the capture from it and the page. */
  captureMethod: CaptureSetting;
  idleTimeoutMs: number;
  /** The kiosk's URL: home of the navigation bar and target of the idle reset. */
  homeUrl: string;
  /** Without input for this long the page returns home (0: never). */
  resetAfterIdleMs: number;
  clearStorageOnReset: boolean;
  /** A page in a new, empty context of the session's browser, for a reset that clears storage. */
  freshPage?: () => Promise<SessionPage>;
  /** JavaScript heap ceiling of the page, in bytes. */
  maxPageMemoryBytes: number;
  checkUrl: (url: string) => Promise<string | null>;
  /** Made before the session, since its sound (if any) already sends to them. */
  viewers: SessionViewers;
  /** The session's sound (its own sink, capture and browser), when it has sound. */
  audio?: SessionAudio;
  /** Sound was wanted but could not be set up: each viewer is told why. */
  audioUnavailable?: string;
  log: Logger;
  metrics?: Metrics;
  /** The upkeep's timers (idle close, reset to home, memory watchdog); Node's by default. */
  timers?: UpkeepTimers;
  onIdle: (session: Session) => void;
}

/** Sizes must be even for I420; odd CSS sizes are rounded down by one pixel. */
export function evenSide(value: number): number {
  const clamped = Math.min(Math.max(Math.round(value), MIN_VIEWPORT), MAX_VIEWPORT);
  return clamped - (clamped % 2);
}
