/**
 * Code that runs inside the client Chromium after `runWebRtcClient` left its call open
 * (`keepOpen`): flings on the long article page as the viewer sends them (touch start, a move
 * per animation frame over ~150 ms, end, each with its time), and watches decoded frames for the
 * content to move. Movement is read from the picture alone: a 1-pixel column over the article's
 * black-and-white row strips, sampled on every presented frame. Kept free of imports: it is
 * serialized into the page by playwright.
 */

export interface FlingOptions {
  flings: number;
  /** Where the finger goes down, page CSS pixels; it travels `distance` up (then down, alternating). */
  from: { x: number; y: number };
  distance: number;
  durationMs: number;
  /** The column sampled for movement: x, and rows from `top` to `bottom` every `step` pixels. */
  column: { x: number; top: number; bottom: number; step: number };
  /** Content still this long counts as settled (before a fling, and as the fling's end). */
  settleMs: number;
  /** A fling is given up after this long (a page that never stops moving). */
  maxFlingMs: number;
}

export interface FlingRun {
  /** First fling input (touch start) → first presented frame whose content moved; null when it never did. */
  firstMovedMs: number | null;
  /** Frames presented per second from the first to the last frame that moved. */
  fps: number;
  /** Of those, frames per second whose content differed from the frame before. */
  movingFps: number;
  /** First to last moved frame. */
  movingMs: number;
  /** Touch moves sent, and start → end as sent: a loaded client sends fewer, later. */
  moves: number;
  inputMs: number;
}

export async function runFlings(opts: FlingOptions): Promise<FlingRun[]> {
  const call = (window as unknown as { __benchCall?: { video: HTMLVideoElement; dc: RTCDataChannel; close(): void } }).__benchCall;
  if (!call) throw new Error("no open call: run the WebRTC client with keepOpen first");
  const { video, dc } = call;
  const height = opts.column.bottom - opts.column.top;
  const canvas = document.createElement("canvas");
  canvas.width = 1;
  canvas.height = height;
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  // Per sampled row: 0 dark, 2 bright, 1 unclear (a strip edge, or codec noise around one).
  const signature = () => {
    ctx.drawImage(video, opts.column.x, opts.column.top, 1, height, 0, 0, 1, height);
    const d = ctx.getImageData(0, 0, 1, height).data;
    const out: number[] = [];
    for (let y = 0; y < height; y += opts.column.step) {
      const lum = (d[y * 4] + d[y * 4 + 1] + d[y * 4 + 2]) / 3;
      out.push(lum > 170 ? 2 : lum < 85 ? 0 : 1);
    }
    return out;
  };
  // Moved: at least two rows flipped clearly between dark and bright, so one noisy edge pixel is not a move.
  const moved = (a: number[], b: number[]) => a.filter((v, i) => v !== 1 && b[i] !== 1 && v !== b[i]).length >= 2;
  const sleep = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), ms));
  // A static page may present no frame for a second: wait for one or for a short tick, whichever first.
  const POLL_MS = 100;
  const frameOrTick = () =>
    Promise.race([new Promise<number>((resolve) => video.requestVideoFrameCallback((now) => resolve(now))), sleep(POLL_MS)]);
  const send = (message: unknown) => dc.readyState === "open" && dc.send(JSON.stringify(message));
  // Inline (serialized into the page): the viewer's TAIL_FLUSHES and TAIL_FLUSH_SPACING_MS after a start or end.
  const flushes = () => {
    for (let f = 1; f <= 3; f++) setTimeout(() => send({ type: "flush" }), f * 8);
  };

  const settle = async () => {
    let last = signature();
    let stillSince = performance.now();
    const giveUpAt = stillSince + opts.maxFlingMs;
    while (performance.now() - stillSince < opts.settleMs && performance.now() < giveUpAt) {
      if ((await frameOrTick()) === null) continue;
      const now = signature();
      if (moved(last, now)) stillSince = performance.now();
      last = now;
    }
  };

  const runs: FlingRun[] = [];
  for (let i = 0; i < opts.flings; i++) {
    await settle();
    const base = signature();
    const direction = i % 2 === 0 ? -1 : 1;
    const startY = direction < 0 ? opts.from.y : opts.from.y - opts.distance;
    const at = (t: number) => ({ id: 0, x: opts.from.x, y: Math.round(startY + direction * opts.distance * Math.min(1, t)) });
    const sentAt = performance.now();
    let inputsDone = false;
    let moves = 0;
    let inputMs = 0;
    void (async () => {
      send({ type: "touch", action: "start", points: [at(0)], time: performance.now() });
      flushes();
      // One move per animation frame, as the viewer coalesces them.
      while (performance.now() - sentAt < opts.durationMs) {
        await new Promise((r) => requestAnimationFrame(r));
        send({ type: "touch", action: "move", points: [at((performance.now() - sentAt) / opts.durationMs)], time: performance.now() });
        moves++;
      }
      send({ type: "touch", action: "end", points: [], time: performance.now() });
      flushes();
      inputMs = performance.now() - sentAt;
      inputsDone = true;
    })();
    let firstMoved: number | null = null;
    let lastMoved: number | null = null;
    let previous = base;
    const presented: number[] = [];
    let movingFrames = 0;
    while (performance.now() - sentAt < opts.maxFlingMs) {
      const now = await frameOrTick();
      if (now !== null) {
        const s = signature();
        presented.push(now);
        if (firstMoved === null && moved(base, s)) firstMoved = now;
        if (moved(previous, s)) {
          lastMoved = now;
          movingFrames++;
        }
        previous = s;
      }
      if (inputsDone && performance.now() - (lastMoved ?? sentAt) >= opts.settleMs) break;
    }
    const movingMs = firstMoved !== null && lastMoved !== null ? lastMoved - firstMoved : 0;
    const during = presented.filter((t) => firstMoved !== null && lastMoved !== null && t > firstMoved && t <= lastMoved).length;
    runs.push({
      firstMovedMs: firstMoved === null ? null : firstMoved - sentAt,
      fps: movingMs > 0 ? (during * 1000) / movingMs : 0,
      // The first moved frame opens the window; the ones after it are the frames inside it.
      movingFps: movingMs > 0 ? ((movingFrames - 1) * 1000) / movingMs : 0,
      movingMs,
      moves,
      inputMs,
    });
  }
  call.close();
  return runs;
}
