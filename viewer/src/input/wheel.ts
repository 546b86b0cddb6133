/** A wheel turn as a `scroll` message in page pixels, whatever unit the device counts in. */
import type { ScrollInput } from "../../../protocol/index.js";
import type { PagePoint, Size } from "./input-mapper.js";

/** Pixels per line for `WheelEvent.DOM_DELTA_LINE` (what Chromium scrolls per wheel notch, roughly). */
const WHEEL_LINE_PX = 40;

/** The scroll a wheel event asks for at `point` (null over a bar); null when it scrolls nothing. */
export function scrollInput(e: WheelEvent, page: Size, point: PagePoint | null): ScrollInput | null {
  const scaleX = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? WHEEL_LINE_PX : e.deltaMode === WheelEvent.DOM_DELTA_PAGE ? page.width : 1;
  const scaleY = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? WHEEL_LINE_PX : e.deltaMode === WheelEvent.DOM_DELTA_PAGE ? page.height : 1;
  const deltaX = Math.round(e.deltaX * scaleX * 10) / 10;
  const deltaY = Math.round(e.deltaY * scaleY * 10) / 10;
  if (deltaX === 0 && deltaY === 0) return null;
  const message: ScrollInput = { type: "scroll", deltaX, deltaY };
  // Over a bar the wheel has no page position; the renderer then scrolls where the pointer last was.
  if (point) {
    message.x = point.x;
    message.y = point.y;
  }
  return message;
}
