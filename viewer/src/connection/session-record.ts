/**
 * Which session this viewer has on the renderer, and how to reach and show it: taken from a
 * create reply, or recalled from the tablet's memory (session-memory.ts), in which case it may
 * have timed out meanwhile.
 */
import { type CreateSessionReply, SIGNALING_PATH, type Viewport } from "../../../protocol/index.js";
import type { SessionTarget } from "./session-controller-options.js";
import { DEFAULT_UI, type KeyValueStore, SessionMemory, type UiSettings } from "./session-memory.js";

export class SessionRecord {
  id: string | null = null;
  /** The remote page's size in CSS pixels: from the create reply, then as the link reports it. */
  viewport: Viewport | null = null;
  /** How to present the session (config `ui`): from the create reply, else as last remembered. */
  ui: UiSettings;
  signalingPath = SIGNALING_PATH;
  /** The id came from the tablet's memory, not from a create: it may have timed out. */
  resuming = false;
  private readonly memory: SessionMemory;

  constructor(storage: KeyValueStore | null) {
    this.memory = new SessionMemory(storage);
    this.ui = this.memory.ui() ?? DEFAULT_UI;
  }

  /** Without a session yet, takes the one this tablet left for `target`, if it remembers one. */
  recall(target: SessionTarget): void {
    if (this.id) return;
    this.id = this.memory.sessionFor(target);
    this.resuming = this.id !== null;
  }

  /** A session just created: joined from now on, and remembered for a reopened viewer. */
  adopt(target: SessionTarget, reply: CreateSessionReply): void {
    this.id = reply.session_id;
    this.viewport = reply.viewport;
    this.signalingPath = reply.websocket_url || SIGNALING_PATH;
    this.ui = reply.ui ?? DEFAULT_UI;
    this.memory.remember(target, reply.session_id);
    this.memory.rememberUi(this.ui);
  }

  /** Ended for good: neither joined again nor recalled by a reopened viewer. */
  forget(target: SessionTarget): void {
    this.id = null;
    this.memory.forget(target);
  }
}
