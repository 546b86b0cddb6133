/**
 * What the tablet remembers between visits, in localStorage: the session id per kiosk (or URL),
 * so that reopening the viewer rejoins the page as it was left, and the appliance's `ui`
 * settings, which only a create reply carries. Storage may be missing or refuse writes (private
 * mode, quota, a WebView without DOM storage): then nothing is remembered and nothing breaks.
 */

/** Key prefix of a remembered session id; the kiosk id (or the URL) follows. */
const SESSION_KEY_PREFIX = "jiomosa.session.";
/** Key of the last `ui` settings the appliance sent. */
const UI_KEY = "jiomosa.ui";

/** The part of `Storage` used here, so tests can pass a Map-backed fake. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** How the viewer presents a session (config `ui`); a missing `ui` means the defaults. */
export interface UiSettings {
  navigationBar: boolean;
}

export const DEFAULT_UI: UiSettings = { navigationBar: true };

/** The page's localStorage, or null where reading it throws (sandboxed frames, disabled storage). */
export function browserStore(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export class SessionMemory {
  constructor(private readonly store: KeyValueStore | null) {}

  /** The key for a target: `jiomosa.session.<kiosk or url>`, or null when there is neither. */
  static keyFor(target: { kiosk?: string; url?: string }): string | null {
    const name = target.kiosk || target.url;
    return name ? SESSION_KEY_PREFIX + name : null;
  }

  sessionFor(target: { kiosk?: string; url?: string }): string | null {
    const key = SessionMemory.keyFor(target);
    return key ? this.read(key) : null;
  }

  remember(target: { kiosk?: string; url?: string }, sessionId: string): void {
    const key = SessionMemory.keyFor(target);
    if (key) this.write(key, sessionId);
  }

  forget(target: { kiosk?: string; url?: string }): void {
    const key = SessionMemory.keyFor(target);
    if (!key) return;
    try {
      this.store?.removeItem(key);
    } catch {
      // Nothing to do: the next create replaces the id anyway.
    }
  }

  ui(): UiSettings | null {
    const raw = this.read(UI_KEY);
    if (!raw) return null;
    try {
      const value = JSON.parse(raw) as unknown;
      const bar = typeof value === "object" && value !== null ? (value as Record<string, unknown>).navigationBar : undefined;
      return typeof bar === "boolean" ? { navigationBar: bar } : null;
    } catch {
      return null;
    }
  }

  rememberUi(ui: UiSettings): void {
    this.write(UI_KEY, JSON.stringify(ui));
  }

  private read(key: string): string | null {
    try {
      return this.store?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  private write(key: string, value: string): void {
    try {
      this.store?.setItem(key, value);
    } catch {
      // Quota or private mode: resuming is a convenience, not a requirement.
    }
  }
}
