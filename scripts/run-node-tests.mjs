#!/usr/bin/env node
/** Runs node:test files: the given .test.js files and those under the given dist folders (Node 20 has no test-file globs). */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const [, , ...args] = process.argv;
const flags = args.filter((a) => a.startsWith("--"));
const dirs = args.filter((a) => !a.startsWith("--"));

function collect(dir) {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) return dir.endsWith(".test.js") ? [dir] : [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return collect(path);
    return entry.endsWith(".test.js") ? [path] : [];
  });
}

const files = dirs.flatMap(collect).sort();
if (files.length === 0) {
  process.stderr.write(`no test files under ${dirs.join(", ")}; run \`npm run build\` first\n`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--enable-source-maps", "--test", ...flags, ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
