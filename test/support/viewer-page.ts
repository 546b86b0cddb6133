/** Reading our viewer from a test: where a remote page point is shown on the client's screen. */
import type { Page } from "playwright-core";

/** Client CSS point at which remote page point (x, y) is shown inside the (possibly letterboxed) video. */
export async function pageToClient(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([px, py]) => {
      const viewer = document.querySelector("jiomosa-viewer")!;
      const video = viewer.shadowRoot!.querySelector("jiomosa-stream-view")!.shadowRoot!.querySelector("video")!;
      const rect = video.getBoundingClientRect();
      const scale = Math.min(rect.width / video.videoWidth, rect.height / video.videoHeight);
      const left = rect.left + (rect.width - video.videoWidth * scale) / 2;
      const top = rect.top + (rect.height - video.videoHeight * scale) / 2;
      return { x: left + px * scale, y: top + py * scale };
    },
    [x, y],
  );
}
