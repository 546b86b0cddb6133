/**
 * Entry point of the tablet page: `/viewer?kiosk=ID` (or `?url=…`) shows one remote page,
 * every other path shows the launcher.
 */
import "./launcher.js";
import "./viewer.js";

const VIEWER_PATHS = new Set(["/viewer", "/viewer/", "/viewer.html"]);

function createRoot(): HTMLElement {
  if (!VIEWER_PATHS.has(location.pathname)) return document.createElement("jiomosa-launcher");
  const query = new URLSearchParams(location.search);
  const viewer = document.createElement("jiomosa-viewer");
  viewer.kiosk = query.get("kiosk") ?? "";
  viewer.url = query.get("url") ?? "";
  return viewer;
}

// textContent + append rather than replaceChildren(), which old Android WebViews lack.
document.body.textContent = "";
document.body.append(createRoot());
