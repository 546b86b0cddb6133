/**
 * Who may write: a browser tells where a request comes from (Sec-Fetch-Site, Origin), and a
 * write from another site's page must not pass just because the tablet's cookie rides along, or
 * because no cookie is needed on an open LAN. A request with neither header is not from a
 * browser page (a script, monitoring, the original design's test-suite) and passes.
 */

export interface RequestOrigin {
  origin: string | undefined;
  secFetchSite: string | undefined;
  host: string | undefined;
}

/**
 * Null when the request may write, else why not. `allowedOrigins` are the other origins that
 * may (none at all for `/login`).
 */
export function crossSiteRefusal(request: RequestOrigin, allowedOrigins: readonly string[]): string | null {
  const { origin, secFetchSite, host } = request;
  const listed = origin !== undefined && allowedOrigins.includes(origin);
  // Sec-Fetch-Site is set by the browser and no page can forge it, so it decides where it is
  // sent. It is the only signal for a same-origin form post under `Referrer-Policy:
  // no-referrer`, whose Origin the browser sends as "null".
  if (secFetchSite !== undefined) {
    if (secFetchSite === "same-origin" || secFetchSite === "none" || listed) return null;
    return `a request from another origin (Sec-Fetch-Site: ${secFetchSite.slice(0, 40)}) may not change anything here`;
  }
  // Browsers without Sec-Fetch-Site (older tablets): the Origin must be ours or listed.
  if (origin === undefined || listed) return null;
  if (origin !== "null" && host && sameOrigin(origin, host)) return null;
  return `requests from the origin ${JSON.stringify(origin.slice(0, 200))} may not change anything here (not this appliance's origin, not in allowedOrigins)`;
}

/** Origin is exactly http://<the Host this request came to>: scheme, name and port alike. */
function sameOrigin(origin: string, host: string): boolean {
  try {
    return new URL(origin).origin === new URL(`http://${host}`).origin && !/[/@?#\\]/.test(host);
  } catch {
    return false;
  }
}
