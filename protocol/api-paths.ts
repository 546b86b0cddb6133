/**
 * Every REST path, in one table: the renderer declares its routes from it and the viewer
 * fetches from it, so a renamed path cannot leave one side behind.
 */
export const API_PATHS = {
  info: "/api/info",
  iceServers: "/api/ice-servers",
  kiosks: "/api/kiosks",
  createSession: "/api/session/create",
  /** Koa route patterns for the paths that carry a session id; `sessionPath` builds them. */
  session: "/api/session/:id",
  sessionLoad: "/api/session/:id/load",
  sessionStats: "/api/session/:id/stats",
  sessions: "/api/sessions",
  adminSessions: "/api/admin/sessions",
  adminTokensRevoke: "/api/admin/tokens/revoke",
} as const;

/** `/api/session/{id}`, with the id escaped. */
export function sessionPath(sessionId: string): string {
  return API_PATHS.session.replace(":id", encodeURIComponent(sessionId));
}

export function sessionLoadPath(sessionId: string): string {
  return API_PATHS.sessionLoad.replace(":id", encodeURIComponent(sessionId));
}
