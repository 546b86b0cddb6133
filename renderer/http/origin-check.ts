/**
 * Who may write: a browser tells where a request comes from (Origin, Sec-Fetch-Site), and a
 * write from another site's page must not pass just because the tablet's cookie rides along, or
 * because no cookie is needed on an open LAN. A request with neither header is not from a
 * browser page (a script, monitoring, the original design's test-suite) and passes.
 */

export interface RequestOrigin {
  origin: string | undefined;
  secFetchSite: string | undefined;
  host: string | undefined;
}

/** Origins other than the appliance's own: `allowedOrigins`, or none at all (`/login`). */
export function crossSiteRefusal(request: RequestOrigin, allowedOrigins: readonly string[]): string | null {
  const { origin, secFetchSite, host } = request;
  if (origin === undefined) {
    // No Origin: only Sec-Fetch-Site can tell; "none" is the user typing the address.
    if (secFetchSite === undefined || secFetchSite === "same-origin" || secFetchSite === "none") return null;
    return `a request from another origin (Sec-Fetch-Site: ${secFetchSite.slice(0, 40)}) may not change anything here`;
  }
  if (allowedOrigins.includes(origin)) return null;
  if (origin !== "null" && host && sameOrigin(origin, host)) {
    if (secFetchSite === undefined || secFetchSite === "same-origin") return null;
    return `a request from another origin (Sec-Fetch-Site: ${secFetchSite.slice(0, 40)}) may not change anything here`;
  }
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
