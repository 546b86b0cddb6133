#!/usr/bin/env node
/**
 * Builds the tablet viewer: bundles viewer/src/main.ts into dist/viewer/app.js and the service
 * worker viewer/src/sw.ts into dist/viewer/sw.js, and copies the page shell and icons next to
 * them. The target is old on purpose: cheap Android tablets run outdated WebViews. Exits
 * non-zero on any error.
 */
import { copyFile, cp, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "viewer");
/** Chrome 80 (Android 10's first WebView) and newer; esbuild lowers newer syntax. */
const TARGET = ["es2020", "chrome80"];

try {
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, "viewer", "src", "main.ts")],
    outfile: join(outDir, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: TARGET,
    minify: true,
    sourcemap: true,
    tsconfig: join(root, "viewer", "tsconfig.json"),
    logLevel: "warning",
    metafile: true,
  });
  // A classic script: a service worker registered without {type:"module"} cannot be a module.
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, "viewer", "src", "sw.ts")],
    outfile: join(outDir, "sw.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: TARGET,
    minify: true,
    tsconfig: join(root, "viewer", "tsconfig.json"),
    logLevel: "warning",
  });
  await copyFile(join(root, "viewer", "index.html"), join(outDir, "index.html"));
  await cp(join(root, "viewer", "icons"), join(outDir, "icons"), { recursive: true });
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  process.stdout.write(`viewer: dist/viewer/app.js (${(bytes / 1024).toFixed(1)} KiB), sw.js, index.html, icons/\n`);
} catch (err) {
  // esbuild has already printed its diagnostics; anything else gets its message here.
  if (!(err && Array.isArray(err.errors))) process.stderr.write(`build-viewer: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
