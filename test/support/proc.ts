/** Process facts from /proc: a process's descendants, open file descriptors, resident memory. */
import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may contain spaces: read after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent === null) continue;
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

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

/** The Chromium browser process (not a renderer/GPU/utility child) among a process's children. */
export function chromiumBrowserPid(root: number): number | null {
  return chromiumBrowserPids(root)[0] ?? null;
}

export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Every Chromium browser process (one per browser instance) below a process. */
export function chromiumBrowserPids(root: number): number[] {
  return descendants(root).filter((pid) => {
    const cmd = commandLine(pid);
    return /chrom/.test(cmd.split(" ")[0] ?? "") && !cmd.includes("--type=");
  });
}

/** Processes below `root` whose program (first word of the command line) ends with `name`. */
export function descendantsNamed(root: number, name: string): number[] {
  return descendants(root).filter(
    (pid) => (commandLine(pid).split(" ")[0] ?? "").endsWith(`/${name}`) || commandLine(pid).split(" ")[0] === name,
  );
}
