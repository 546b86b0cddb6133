#!/usr/bin/env node
/**
 * Builds the tablet viewer: bundles viewer/src/main.ts into dist/viewer/app.js and copies the
 * page shell next to it. The target is old on purpose: cheap Android tablets run outdated
 * WebViews. Exits non-zero on any error.
 */
import { copyFile, mkdir } from "node:fs/promises";
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
  await copyFile(join(root, "viewer", "index.html"), join(outDir, "index.html"));
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  process.stdout.write(`viewer: dist/viewer/app.js (${(bytes / 1024).toFixed(1)} KiB), dist/viewer/index.html\n`);
} catch (err) {
  // esbuild has already printed its diagnostics; anything else gets its message here.
  if (!(err && Array.isArray(err.errors))) process.stderr.write(`build-viewer: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
