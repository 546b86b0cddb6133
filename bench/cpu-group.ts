/**
 * Puts the native renderer's process tree into a CPU cgroup of its own, as Docker does with a
 * container. Without it the comparison is unfair on a busy machine: the kernel weighs a cgroup
 * as a whole against each single task beside it, so under load a container's whole tree (one
 * group) gets the CPU share of one host process while the native renderer's node and Chromium
 * processes each get one. With both in a group of the same weight, both compete alike.
 * cgroup v1 (`/sys/fs/cgroup/cpu`) and v2 (the unified tree); root only.
 */
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { descendants } from "../test/support/proc.js";

const V1_CPU = "/sys/fs/cgroup/cpu";
const V2_ROOT = "/sys/fs/cgroup";

export interface CpuGroup {
  path: string;
  close(): void;
}

/** Moves `root` and its descendants into a new CPU cgroup; null (with the reason logged) when that is not possible. */
export function ownCpuGroup(name: string, root: number, log: (line: string) => void): CpuGroup | null {
  const base = existsSync(join(V1_CPU, "cpu.shares")) ? V1_CPU : existsSync(join(V2_ROOT, "cgroup.controllers")) ? V2_ROOT : null;
  if (!base) {
    log("no cgroup CPU controller found: the native renderer stays in the root CPU group");
    return null;
  }
  const path = join(base, name);
  try {
    mkdirSync(path, { recursive: true });
    for (const pid of [root, ...descendants(root)]) writeFileSync(join(path, "cgroup.procs"), String(pid));
  } catch (err) {
    log(`could not give the native renderer a CPU group of its own (${String((err as Error).message)})`);
    return null;
  }
  return {
    path,
    close() {
      // Back to the parent so the group can be removed (a cgroup with processes cannot).
      try {
        for (const pid of [root, ...descendants(root)]) writeFileSync(join(base, "cgroup.procs"), String(pid));
      } catch {
        // the processes are gone already
      }
      try {
        rmdirSync(path);
      } catch {
        // still in use; removed on the next boot
      }
    },
  };
}
