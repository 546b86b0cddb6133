/**
 * The memory ceiling of a page, by its process: every few seconds the Chromium renderer
 * processes below this one are read from /proc, and one whose own memory (resident minus
 * file-backed: heap, ArrayBuffers, canvases, DOM, shared buffers) passes `sessions.maxPageMemoryMB`
 * is killed. A page's JavaScript heap is only part of what a page can take (a hostile page fills
 * ArrayBuffers or canvases, which the heap does not count). Each session's page lives in a
 * browser context of its own, hence a process of its own: the kill reaches that one page, whose
 * session sees it crash and reopens it (with back-off when it keeps doing so).
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Logger } from "../log.js";

const CHECK_INTERVAL_MS = 5_000;
const KIB = 1024;

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return null;
  }
}

/** Every process below `root` (by parent links in /proc). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readProc(pid, "stat");
    if (!stat) continue;
    // The command name is in parentheses and may hold spaces: the parent follows the last ")".
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** Resident memory that is the process's own (not mapped files), in bytes, or null. */
function ownMemoryBytes(pid: number): number | null {
  const status = readProc(pid, "status");
  if (!status) return null;
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN);
  const rss = field("VmRSS");
  const file = field("RssFile");
  if (Number.isNaN(rss)) return null;
  return (rss - (Number.isNaN(file) ? 0 : file)) * KIB;
}

export class PageMemoryWatch {
  private timer: NodeJS.Timeout | null = null;
  private readonly log: Logger;

  constructor(private readonly options: { limitBytes: number; log: Logger; root?: number; intervalMs?: number }) {
    this.log = options.log.child({ module: "page-memory" });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.options.intervalMs ?? CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** One pass: kills each page process over the ceiling. */
  check(): void {
    for (const pid of descendants(this.options.root ?? process.pid)) {
      const cmdline = readProc(pid, "cmdline");
      if (!cmdline?.includes("--type=renderer")) continue;
      const bytes = ownMemoryBytes(pid);
      if (bytes === null || bytes <= this.options.limitBytes) continue;
      this.log.error(
        { pid, usedMB: Math.round(bytes / 2 ** 20), limitMB: Math.round(this.options.limitBytes / 2 ** 20) },
        "page memory over the ceiling (its process); ending it",
      );
      try {
        process.kill(pid, "SIGKILL");
      } catch (err) {
        this.log.warn({ pid, err: String(err) }, "could not end the page process");
      }
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
