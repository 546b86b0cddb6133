/** The renderer's REST and WebSocket endpoints as absolute URLs on its origin (a secure page gets wss:). */
export function httpUrl(baseUrl: string, path: string): string {
  return new URL(path, baseUrl).href;
}

export function socketUrl(baseUrl: string, path: string): string {
  const url = new URL(path, baseUrl);
  if (url.protocol === "https:") url.protocol = "wss:";
  else if (url.protocol === "http:") url.protocol = "ws:";
  return url.href;
}
