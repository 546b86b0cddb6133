#!/usr/bin/env node
/**
 * Build: TypeScript → dist/ (renderer, protocol, tests), viewer bundle → dist/viewer/, built-in pages copied.
 * `--runtime` (the Docker image) leaves out the tests and the bench: only what the appliance runs.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function step(label, cmd, args) {
  const started = Date.now();
  const result = spawnSync(cmd, args, { stdio: "inherit", cwd: root });
  if (result.status !== 0) {
    process.stderr.write(`build: ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`build: ${label} (${Date.now() - started} ms)\n`);
}

rmSync(join(root, "dist"), { recursive: true, force: true });
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
step("renderer and protocol (tsc)", process.execPath, [tsc, "-p", "tsconfig.json"]);
if (!process.argv.includes("--runtime")) {
  step("node tests and bench (tsc, with DOM types for code run in the client browser)", process.execPath, [
    tsc,
    "-p",
    "tsconfig.test.json",
  ]);
}
step("viewer type check (tsc)", process.execPath, [tsc, "-p", "viewer/tsconfig.json"]);
step("viewer bundle (esbuild)", process.execPath, [join(root, "scripts", "build-viewer.mjs")]);
mkdirSync(join(root, "dist", "renderer"), { recursive: true });
cpSync(join(root, "renderer", "pages"), join(root, "dist", "renderer", "pages"), { recursive: true });
writeFileSync(join(root, "dist", ".build-stamp"), new Date().toISOString());
