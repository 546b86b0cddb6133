/**
 * Maps a point on the screen to the remote page's CSS pixels. The video is drawn with
 * `object-fit: contain`, so the picture is scaled uniformly and centred, leaving bars on two
 * sides whenever the element's shape differs from the picture's.
 */

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface PagePoint {
  x: number;
  y: number;
}

/** Page coordinates are sent with one decimal: finer than any touch, shorter on the wire. */
const round1 = (value: number) => Math.round(value * 10) / 10;

/** Tolerance for points computed exactly on the picture's edge. */
const EDGE_EPSILON = 1e-9;

const isUsable = (size: Size) => size.width > 0 && size.height > 0 && Number.isFinite(size.width) && Number.isFinite(size.height);

/** The box inside `rect` where `object-fit: contain` draws a picture of `picture`'s shape, or null for empty sizes. */
export function containedBox(rect: Rect, picture: Size): Rect | null {
  if (!isUsable(rect) || !isUsable(picture)) return null;
  const scale = Math.min(rect.width / picture.width, rect.height / picture.height);
  const width = picture.width * scale;
  const height = picture.height * scale;
  return { left: rect.left + (rect.width - width) / 2, top: rect.top + (rect.height - height) / 2, width, height };
}

/** Position of the client point inside the picture as fractions (0..1 inside; outside otherwise). */
function fractions(clientX: number, clientY: number, rect: Rect, page: Size, picture: Size): { u: number; v: number } | null {
  if (!isUsable(page)) return null;
  const box = containedBox(rect, picture);
  if (!box) return null;
  return { u: (clientX - box.left) / box.width, v: (clientY - box.top) / box.height };
}

/**
 * Maps a client point (as in `PointerEvent.clientX/Y`) inside `rect` (the video element's
 * bounding box) to page coordinates. `picture` is the decoded video's size, which decides the
 * letterboxing; it defaults to the page size (the renderer captures the page 1:1), but it may
 * differ when the stream is scaled down. Returns null for a point in a bar or outside the element.
 */
export function mapToPage(clientX: number, clientY: number, rect: Rect, page: Size, picture: Size = page): PagePoint | null {
  const f = fractions(clientX, clientY, rect, page, picture);
  if (!f) return null;
  const inside = (t: number) => t >= -EDGE_EPSILON && t <= 1 + EDGE_EPSILON;
  if (!inside(f.u) || !inside(f.v)) return null;
  return { x: round1(clamp01(f.u) * page.width), y: round1(clamp01(f.v) * page.height) };
}

/**
 * Like mapToPage, but a point outside the picture is moved to its nearest edge, so that a drag
 * which leaves the picture keeps moving (and releases) the remote pointer at the page's border.
 * Returns null only when a size is empty.
 */
export function clampToPage(clientX: number, clientY: number, rect: Rect, page: Size, picture: Size = page): PagePoint | null {
  const f = fractions(clientX, clientY, rect, page, picture);
  if (!f) return null;
  return { x: round1(clamp01(f.u) * page.width), y: round1(clamp01(f.v) * page.height) };
}

function clamp01(t: number): number {
  return Math.min(1, Math.max(0, t));
}
