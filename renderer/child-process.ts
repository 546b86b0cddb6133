/** Stopping a helper process the renderer owns (coturn, PulseAudio): SIGTERM, then SIGKILL. */
import type { ChildProcess } from "node:child_process";

/** Asks the process to stop and waits for it; kills it if it is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
