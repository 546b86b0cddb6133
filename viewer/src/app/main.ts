/**
 * Entry point of the tablet page: `/viewer?kiosk=ID` (or `?url=…`) shows one remote page
 * (`&transport=websocket` forces the WebSocket picture path), `/diagnostics` checks this
 * tablet's connection to the box, every other path shows the launcher.
 * The service worker keeps the app shell for offline starts and installation.
 */
import "../diagnostics/diagnostics.js";
import { DIAGNOSTICS_PATH } from "../launcher/launcher.js";
import "../session-view/viewer.js";

const VIEWER_PATHS = new Set(["/viewer", "/viewer/", "/viewer.html"]);
const DIAGNOSTICS_PATHS = new Set([DIAGNOSTICS_PATH, `${DIAGNOSTICS_PATH}/`]);

function createRoot(): HTMLElement {
  if (DIAGNOSTICS_PATHS.has(location.pathname)) return document.createElement("jiomosa-diagnostics");
  if (!VIEWER_PATHS.has(location.pathname)) return document.createElement("jiomosa-launcher");
  const query = new URLSearchParams(location.search);
  const viewer = document.createElement("jiomosa-viewer");
  viewer.kiosk = query.get("kiosk") ?? "";
  viewer.url = query.get("url") ?? "";
  // ?transport=websocket forces the WebSocket picture path (?transport=webrtc forbids it).
  const transport = query.get("transport");
  if (transport === "websocket" || transport === "webrtc") viewer.connection = { transport };
  return viewer;
}

// textContent + append rather than replaceChildren(), which old Android WebViews lack.
document.body.textContent = "";
document.body.append(createRoot());

// Only in a secure context (https or localhost); plain http on a LAN has no service worker.
navigator.serviceWorker?.register("/sw.js").catch(() => undefined);
