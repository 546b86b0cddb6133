#!/usr/bin/env node
// Import-boundary check: fails the lint run with every import that crosses a boundary.
//
// Rule table (first matching "from" wins):
//   protocol/**            may import nothing of ours but protocol/ (it is the shared wire contract).
//   viewer/**              may import viewer/ and protocol/ only (it ships to tablets; no server code).
//   renderer/main.ts       may import anything (composition root).
//   renderer/http/**,
//   renderer/signaling/**,
//   renderer/fallback/**   transports: may import core and protocol/, not each other sideways.
//   renderer/sessions/**   the orchestrator: composes the resource folders, so it may import all of core.
//   renderer/<folder>/**   core resource folder: may import its own folder, protocol/, renderer/media/,
//                          and the shared leaf modules below; never http/, signaling/ or another resource folder.
// Shared leaves are allowed everywhere in the renderer because they hold no behaviour of a resource:
//   renderer/*.ts (log, errors, error-codes, metrics, rate-limit, ...), renderer/config/ (config types
//   flow into every folder by design), renderer/media/ (frame types) and renderer/process/ (supervised
//   child processes and the Chromium system user, which browser/, audio/ and turn/ all run).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const roots = ["protocol", "renderer", "viewer/src"];
const transports = new Set(["http", "signaling", "fallback"]);
const sharedFolders = new Set(["media", "config", "process"]);

/** @param {string} dir @returns {string[]} */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return /\.(ts|mts)$/.test(name) ? [path] : [];
  });
}

/** @param {string} file path relative to the repository */
function area(file) {
  const parts = file.split("/");
  if (parts[0] === "protocol") return { kind: "protocol" };
  if (parts[0] === "viewer") return { kind: "viewer" };
  if (parts[0] !== "renderer") return { kind: "other" };
  if (parts.length === 2) return { kind: file === "renderer/main.ts" ? "root" : "leaf" };
  const folder = parts[1] ?? "";
  if (transports.has(folder)) return { kind: "transport", folder };
  if (sharedFolders.has(folder)) return { kind: "shared", folder };
  return { kind: "core", folder };
}

/** @returns {string | null} why the import is refused, or null */
function violation(from, to) {
  const a = area(from);
  const b = area(to);
  if (b.kind === "other") return null;
  if (a.kind === "protocol") return b.kind === "protocol" ? null : "protocol/ imports nothing of ours";
  if (a.kind === "viewer") return b.kind === "viewer" || b.kind === "protocol" ? null : "the viewer imports only protocol/";
  if (b.kind === "viewer") return "the renderer never imports the viewer";
  if (a.kind === "root" || b.kind === "protocol" || b.kind === "leaf" || b.kind === "shared") return null;
  if (a.kind === "transport") return b.kind === "transport" && b.folder !== a.folder ? "transports do not import each other" : null;
  if (b.kind === "transport" || b.kind === "root") return "the renderer core never imports http/, signaling/, fallback/ or main.ts";
  if (a.kind === "core" && a.folder === "sessions") return null;
  if ((a.kind === "core" || a.kind === "shared" || a.kind === "leaf") && b.kind === "core" && b.folder !== a.folder) {
    return a.kind === "core"
      ? "no sideways imports between resource folders except through media/"
      : "shared modules do not import resource folders";
  }
  return null;
}

const importPattern = /(?:^|[^\w.])(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?\(?\s*["'](\.[^"']+)["']/g;
const problems = [];
for (const base of roots) {
  for (const abs of walk(join(root, base))) {
    const from = relative(root, abs);
    readFileSync(abs, "utf8")
      .split("\n")
      .forEach((line, index) => {
        for (const match of line.matchAll(importPattern)) {
          const to = relative(root, resolve(dirname(abs), match[1] ?? ""));
          const why = violation(from, to);
          if (why) problems.push(`${from}:${index + 1}: ${line.trim()}  -- ${why}`);
        }
      });
  }
}

if (problems.length > 0) {
  console.error(`check-imports: ${problems.length} boundary violation(s)\n${problems.join("\n")}`);
  process.exit(1);
}
console.log("check-imports: ok");
