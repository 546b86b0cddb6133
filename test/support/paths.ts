/** Locations in the repository, from a compiled test file in dist/test/… */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "package.json")) || dir.endsWith("dist")) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("repository root not found");
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const FIXTURES_DIR = join(REPO_ROOT, "test", "fixtures");
export const RENDERER_MAIN = join(REPO_ROOT, "dist", "renderer", "main.js");
