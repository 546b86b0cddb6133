/**
 * Code evaluated inside the client Chromium to look at the decoded video: frame counts via
 * requestVideoFrameCallback and pixel samples via a canvas. Installed on `window.__probe`.
 */
import type { Page } from "playwright-core";

export interface VideoState {
  frames: number;
  width: number;
  height: number;
}

/** Starts counting presented frames of the given <video> (found by a CSS selector, shadow DOM pierced). */
export async function installProbe(page: Page, videoHandle: import("playwright-core").ElementHandle<HTMLVideoElement>): Promise<void> {
  await page.evaluate((video) => {
    const w = window as unknown as { __probe: { video: HTMLVideoElement; frames: number; canvas: HTMLCanvasElement } };
    const probe = { video, frames: 0, canvas: document.createElement("canvas") };
    w.__probe = probe;
    const onFrame = () => {
      probe.frames++;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }, videoHandle);
}

export async function videoState(page: Page): Promise<VideoState> {
  return page.evaluate(() => {
    const { video, frames } = (window as unknown as { __probe: { video: HTMLVideoElement; frames: number } }).__probe;
    return { frames, width: video.videoWidth, height: video.videoHeight };
  });
}

/** Waits until at least `count` more frames than now have been presented. */
export async function waitForFrames(page: Page, count: number, timeoutMs = 30_000): Promise<VideoState> {
  const start = (await videoState(page)).frames;
  await page.waitForFunction(
    ([target]) => (window as unknown as { __probe: { frames: number } }).__probe.frames >= target,
    [start + count],
    { timeout: timeoutMs, polling: 100 },
  );
  return videoState(page);
}

/** RGB of the decoded video at page point (x, y) of the stream (video pixels, not CSS pixels of the client). */
async function samplePixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  return page.evaluate(
    ([px, py]) => {
      const { video, canvas } = (window as unknown as { __probe: { video: HTMLVideoElement; canvas: HTMLCanvasElement } }).__probe;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
      ctx.drawImage(video, 0, 0);
      const d = ctx.getImageData(px, py, 1, 1).data;
      return [d[0], d[1], d[2]] as [number, number, number];
    },
    [x, y],
  );
}

/** Polls the decoded picture until the pixel at (x, y) satisfies `test`. */
export async function waitForPixel(
  page: Page,
  x: number,
  y: number,
  test: (rgb: [number, number, number]) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<[number, number, number]> {
  const deadline = Date.now() + timeoutMs;
  let last: [number, number, number] = [0, 0, 0];
  while (Date.now() < deadline) {
    last = await samplePixel(page, x, y);
    if (test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`decoded video never showed ${what} at (${x},${y}); last pixel rgb(${last.join(",")})`);
}

export const isGreen = ([r, g, b]: [number, number, number]) => g > 140 && r < 90 && b < 90;
export const isRed = ([r, g, b]: [number, number, number]) => r > 150 && g < 90 && b < 90;
