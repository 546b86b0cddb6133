/** CPU time and proportional memory of a process tree, read from /proc (Linux). */
import { readFileSync } from "node:fs";
import { descendants } from "../test/support/proc.js";

const CLOCK_TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

function pssKiB(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export interface TreeUsage {
  /** CPU seconds used by the tree so far (processes that exited are not counted). */
  cpuSeconds: number;
  /** Proportional set size of the tree, MiB (shared pages split between their users). */
  pssMiB: number;
  processes: number;
}

export function treeUsage(root: number): TreeUsage {
  const pids = [root, ...descendants(root)];
  const ticks = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const pss = pids.reduce((sum, pid) => sum + pssKiB(pid), 0);
  return { cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, pssMiB: Math.round(pss / 1024), processes: pids.length };
}

/** CPU % of the tree (100 % = one core) while `work` runs. */
export async function cpuDuring<T>(root: number, work: () => Promise<T>): Promise<{ result: T; cpuPercent: number; seconds: number }> {
  const before = treeUsage(root).cpuSeconds;
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpuPercent = ((treeUsage(root).cpuSeconds - before) / seconds) * 100;
  return { result, cpuPercent: Math.round(cpuPercent * 10) / 10, seconds };
}
