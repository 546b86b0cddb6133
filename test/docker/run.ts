/**
 * `npm run test:docker`: the appliance as `docker compose up` runs it, on a real Docker engine.
 * Gets an engine (ensureEngine), the base images (pulled, or stand-ins built from Debian), then
 * runs the node:test files of this folder and stops what it started.
 *
 * `--if-engine` (what `npm test` passes): run only when an engine already answers; otherwise say
 * why the Docker tests were skipped and exit 0. JIOMOSA_DOCKER_TESTS=skip skips them too (.ci/run
 * runs them on their own).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBaseImages } from "./base-images.js";
import { EngineUnavailable, engineProblem, ensureEngine } from "./engine.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const log = (line: string) => process.stderr.write(`[docker] ${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  if (process.env.JIOMOSA_DOCKER_TESTS === "skip") {
    log("Docker tests not run here: JIOMOSA_DOCKER_TESTS=skip (they run on their own: npm run test:docker)");
    return 0;
  }
  if (process.argv.includes("--if-engine")) {
    const problem = await engineProblem();
    if (problem !== null) {
      log(`Docker tests not run: no Docker engine answers (${problem}). \`npm run test:docker\` installs and starts one (root on Debian).`);
      return 0;
    }
  }
  let engine;
  try {
    engine = await ensureEngine(log);
  } catch (err) {
    if (err instanceof EngineUnavailable) {
      log(`cannot run the Docker tests: ${err.message}`);
      return 1;
    }
    throw err;
  }
  try {
    const images = await ensureBaseImages(log);
    for (const note of images.notes) log(note);
    const files = readdirSync(HERE)
      .filter((f) => f.endsWith(".test.js"))
      .sort()
      .map((f) => join(HERE, f));
    const result = spawnSync(process.execPath, ["--enable-source-maps", "--test", "--test-concurrency=1", ...files], {
      stdio: "inherit",
      env: { ...process.env, JIOMOSA_COMPOSE: engine.compose.join(" ") },
    });
    return result.status ?? 1;
  } finally {
    await engine.stop();
    log(`Docker tests took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
