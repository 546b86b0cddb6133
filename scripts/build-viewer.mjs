#!/usr/bin/env node
/**
 * Builds the tablet viewer: two bundles of the same app, dist/viewer/app.js for current browsers
 * and dist/viewer/app-legacy.js (syntax lowered to Chrome 65, the few missing APIs polyfilled)
 * for the outdated WebViews that cheap tablets keep for years; the page shell's loader picks one,
 * so current tablets never download the polyfills. Also the service worker viewer/src/app/sw.ts into
 * dist/viewer/sw.js, the page shell and icons. Exits non-zero on any error.
 */
import { copyFile, cp, mkdir, readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "viewer");
/** The modern bundle: the loader in index.html sends it to browsers with Promise.any (Chrome 85+). */
const TARGET = ["es2020", "chrome80"];
/**
 * The legacy bundle and the service worker: Chrome 65 (2018), the oldest WebView we test. Keep in
 * step with OLDEST_CHROME in viewer/index.html.
 */
const LEGACY_TARGET = ["es2017", "chrome65"];

try {
  await mkdir(outDir, { recursive: true });
  /** @type {import("esbuild").BuildOptions} */
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: "browser",
    minify: true,
    sourcemap: true,
    tsconfig: join(root, "viewer", "tsconfig.json"),
    logLevel: "warning",
  };
  await build({
    ...common,
    entryPoints: [join(root, "viewer", "src", "app", "main.ts")],
    outfile: join(outDir, "app.js"),
    format: "esm",
    target: TARGET,
  });
  // A classic script (iife): the loader adds it with a plain <script> whose onerror it can watch.
  await build({
    ...common,
    entryPoints: [join(root, "viewer", "src", "app", "legacy-main.ts")],
    outfile: join(outDir, "app-legacy.js"),
    format: "iife",
    target: LEGACY_TARGET,
  });
  // A classic script: a service worker registered without {type:"module"} cannot be a module.
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, "viewer", "src", "app", "sw.ts")],
    outfile: join(outDir, "sw.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: LEGACY_TARGET,
    minify: true,
    tsconfig: join(root, "viewer", "tsconfig.json"),
    logLevel: "warning",
  });
  await copyFile(join(root, "viewer", "index.html"), join(outDir, "index.html"));
  await cp(join(root, "viewer", "icons"), join(outDir, "icons"), { recursive: true });
  const sizes = [];
  for (const name of ["app.js", "app-legacy.js"]) {
    const code = await readFile(join(outDir, name));
    sizes.push(`${name} ${code.length} B (gzip ${gzipSync(code, { level: 9 }).length} B)`);
  }
  process.stdout.write(`viewer: dist/viewer/${sizes.join(", ")}, sw.js, index.html, icons/\n`);
} catch (err) {
  // esbuild has already printed its diagnostics; anything else gets its message here.
  if (!(err && Array.isArray(err.errors))) process.stderr.write(`build-viewer: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
