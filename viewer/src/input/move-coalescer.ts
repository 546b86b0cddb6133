import type { PointerInput } from "../../../protocol/index.js";

/**
 * Keeps only the newest pointer move and sends it at most once per animation frame, however fast
 * the pointer: a mouse reports far more often than the page can repaint, and every older move
 * would only queue up behind the newest on a weak link.
 */
export class MoveCoalescer {
  private pending: PointerInput | null = null;
  private frame = 0;

  constructor(private readonly send: (move: PointerInput) => void) {}

  /** Replaces any waiting move with `move` and asks for a frame to send it in. */
  queue(move: PointerInput): void {
    this.pending = move;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Sends the waiting move now, so a press or release never overtakes the move before it. */
  flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const move = this.pending;
    this.pending = null;
    if (move) this.send(move);
  }

  /** Drops the waiting move without sending it. */
  reset(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = null;
  }
}
