#!/usr/bin/env node
/**
 * Runs `eslint .` unless nothing it reads has changed since its last clean run here:
 *   node scripts/eslint-unless-unchanged.mjs [ESLINT ARGS...]
 * ESLint's own --cache is per file, and the type-aware rules read other files' types: a function
 * turned async would leave its unchanged callers cached as clean, hiding the very floating promise
 * the lint is there to catch. So one stamp covers every source, config and lock file git sees
 * (tracked, or new and not ignored): any change lints the whole tree, no change skips it. Without
 * git it always lints.
 * Exits with ESLint's status.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// One stamp per checkout: worktrees may share one node_modules.
const stampFile = join(
  root,
  "node_modules",
  ".cache",
  "jiomosa-eslint",
  `${createHash("sha256").update(root).digest("hex").slice(0, 16)}.stamp`,
);

/** What ESLint or the TypeScript programs behind it can read: sources, tsconfigs, the lockfile. */
const INPUT = /\.(ts|mts|cts|js|mjs|cjs|json)$/;

/** A hash of those files (path and content), or null when git cannot list them. */
async function treeHash() {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (listed.status !== 0) return null;
  const files = [...new Set(listed.stdout.split("\0").filter((f) => INPUT.test(f)))].sort();
  const hash = createHash("sha256").update(process.argv.slice(2).join("\0"));
  for (const file of files) {
    hash.update(`\0${file}\0`);
    // A deleted but still tracked file counts as its absence.
    hash.update(await readFile(join(root, file)).catch(() => "missing"));
  }
  return hash.digest("hex");
}

async function readStamp() {
  return readFile(stampFile, "utf8").catch(() => null);
}

const before = await treeHash();
if (before !== null && before === (await readStamp())) {
  process.stdout.write("eslint: nothing changed since the last clean run\n");
  process.exit(0);
}
const eslint = spawnSync(process.execPath, [join(root, "node_modules", "eslint", "bin", "eslint.js"), ".", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
if (eslint.status === 0 && before !== null && before === (await treeHash())) {
  // Only when nothing moved while ESLint ran: otherwise the stamp would vouch for files it never saw.
  await mkdir(dirname(stampFile), { recursive: true });
  await writeFile(stampFile, before);
}
process.exit(eslint.status ?? 1);
