/**
 * The unprivileged system user Chromium runs as when the renderer is root (scripts/setup.mjs
 * creates it). The browser launch drops to it; PulseAudio gives it its socket.
 */
import { readFileSync } from "node:fs";

export const CHROMIUM_USER = "jiomosa-chromium";

export interface SystemUser {
  uid: number;
  gid: number;
  home: string;
}

/** The Chromium user from /etc/passwd, or null when there is none. */
export function chromiumUser(): SystemUser | null {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [name, , uid, gid, , home] = line.split(":");
      if (name === CHROMIUM_USER) return { uid: Number(uid), gid: Number(gid), home: home || "/" };
    }
  } catch {
    // no passwd file: no such user
  }
  return null;
}
