/** What the bench scripts share: command-line numbers, the machine's description and the results file. */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../test/support/paths.js";
import { round } from "./stats.js";

/** The number after `--name` on the command line, or `fallback`. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The machine a bench ran on. */
export function machine() {
  return { cpus: cpus().length, model: cpus()[0]?.model ?? "unknown", memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version };
}

/** Now as an ISO time usable in a file name (":" and "." made "-"). */
export function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-");
}

/** Writes `data` as JSON to bench/results/`name`, returning the file's path. */
export function writeResults(name: string, data: unknown): string {
  const dir = join(REPO_ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

/** The comma list after `--name=` on the command line (`--chromium-args=--a,--b`), or none. */
export function listArg(name: string): string[] {
  const prefix = `--${name}=`;
  return (process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? "").split(",").filter(Boolean);
}
