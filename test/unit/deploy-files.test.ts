// Checks the deployment files (Dockerfile, compose.yaml, .dockerignore, .env.example,
// turn/turnserver.conf) by reading them: no Docker engine is needed, so a broken image or
// an insecure relay setting is caught by `npm test` on any machine.

import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

// ---------------------------------------------------------------------------------------
// Locating and reading the files
// ---------------------------------------------------------------------------------------

/**
 * The repository root: the first directory above this file holding both package.json and
 * tsconfig.json. Works from the source (test/unit) and from the compiled file
 * (dist/test/unit), whose dist/ has no tsconfig.json.
 */
function findRepoRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "tsconfig.json"))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no directory with package.json and tsconfig.json above ${start}`);
    }
    dir = parent;
  }
}

const ROOT = findRepoRoot();

function readRepoFile(relativePath: string): string {
  const path = join(ROOT, relativePath);
  assert.ok(existsSync(path), `${relativePath} is missing from the repository`);
  return readFileSync(path, "utf8");
}

/** Reads and parses a file once, on first use, so a missing file fails only its tests. */
function lazy<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => {
    loaded ??= { value: load() };
    return loaded.value;
  };
}

// ---------------------------------------------------------------------------------------
// A small Dockerfile reader: enough of the syntax for the instructions used here
// ---------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Joins `\` continuations and drops comment lines (also inside continuations, as Docker does). */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let current: string | undefined;
  let startLine = 0;
  const finish = (): void => {
    if (current === undefined) return;
    const match = /^(\S+)\s*([\s\S]*)$/.exec(current.trim());
    if (match) {
      instructions.push({ keyword: match[1].toUpperCase(), args: match[2].trim(), line: startLine });
    }
    current = undefined;
  };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith("#")) return;
    if (line === "") return;
    if (current === undefined) {
      current = "";
      startLine = index + 1;
    }
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      return;
    }
    current += line;
    finish();
  });
  finish();
  return instructions;
}

/** `ARG NAME=default` lines before the first FROM: the only variables a FROM line may use. */
function globalArgs(instructions: Instruction[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") break;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?$/.exec(instruction.args);
    if (instruction.keyword === "ARG" && match) args.set(match[1], match[2] ?? "");
  }
  return args;
}

function splitStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  const args = globalArgs(instructions);
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const tokens = instruction.args.split(/\s+/).filter((t) => !t.startsWith("--"));
      const alias = tokens[1]?.toLowerCase() === "as" ? tokens[2] : undefined;
      const base = (tokens[0] ?? "").replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => args.get(name) ?? "");
      stages.push({ base, name: alias, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

/** The JSON ("exec") form of CMD, ENTRYPOINT, HEALTHCHECK CMD; undefined for the shell form. */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  const parsed: unknown = JSON.parse(args);
  assert.ok(Array.isArray(parsed) && parsed.every((item) => typeof item === "string"), `not a JSON array of strings: ${args}`);
  return parsed;
}

interface CopyInstruction {
  from: string | undefined;
  sources: string[];
  dest: string;
  line: number;
}

function parseCopy(instruction: Instruction): CopyInstruction {
  const tokens = instruction.args.split(/\s+/);
  const flags = tokens.filter((t) => t.startsWith("--"));
  const rest = tokens.filter((t) => !t.startsWith("--"));
  const paths = execForm(rest.join(" ")) ?? rest;
  assert.ok(paths.length >= 2, `line ${instruction.line}: COPY needs a source and a destination`);
  const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length);
  return { from, sources: paths.slice(0, -1), dest: paths[paths.length - 1], line: instruction.line };
}

/** ENV in both forms: `ENV A=1 B="2"` and the legacy `ENV A 1`. */
function parseEnv(args: string): Map<string, string> {
  const env = new Map<string, string>();
  const tokens = args.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const unquote = (value: string): string => value.replace(/^(["'])(.*)\1$/, "$2");
  if (tokens.length > 0 && !tokens[0]!.includes("=")) {
    env.set(tokens[0]!, unquote(tokens.slice(1).join(" ")));
    return env;
  }
  for (const token of tokens) {
    const eq = token.indexOf("=");
    if (eq > 0) env.set(token.slice(0, eq), unquote(token.slice(eq + 1)));
  }
  return env;
}

function stageEnv(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "ENV") {
      for (const [key, value] of parseEnv(instruction.args)) env.set(key, value);
    }
  }
  return env;
}

/** Shell words of a RUN command, without quotes and operators. */
function runWords(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.keyword === "RUN")
    .flatMap((i) => i.args.split(/[\s;&|()]+/))
    .map((word) => word.replace(/^["']|["']$/g, ""))
    .filter((word) => word !== "");
}

/** Package names given to `apt-get install` in this stage. */
function aptPackages(stage: Stage): string[] {
  const packages: string[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== "RUN") continue;
    for (const command of instruction.args.split(/&&|;|\|\|/)) {
      const words = command.trim().split(/\s+/);
      const install = words.indexOf("install");
      if (install < 0 || !/^apt(-get)?$/.test(words[0] ?? "")) continue;
      packages.push(...words.slice(install + 1).filter((w) => !w.startsWith("-")));
    }
  }
  return packages;
}

const dockerfile = lazy(() => {
  const instructions = parseDockerfile(readRepoFile("Dockerfile"));
  const stages = splitStages(instructions);
  assert.ok(stages.length > 0, "Dockerfile has no FROM");
  const build = stages.find((s) => s.name === "build");
  assert.ok(build, "Dockerfile has no stage named 'build' (FROM … AS build)");
  return { stages, build, runtime: stages[stages.length - 1] };
});

const NODE_20_BOOKWORM_SLIM = /^(docker\.io\/)?(library\/)?node:20(\.\d+){0,2}-bookworm-slim(@sha256:[0-9a-f]{64})?$/;

/** Glob with * and ? inside one path segment, as COPY sources use them. */
function globMatches(pattern: string): string[] {
  const dir = posix.dirname(pattern);
  const base = posix.basename(pattern);
  if (!/[*?[]/.test(base)) return existsSync(join(ROOT, pattern)) ? [pattern] : [];
  const absoluteDir = join(ROOT, dir);
  if (!existsSync(absoluteDir)) return [];
  const regex = new RegExp(
    `^${base
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")}$`,
  );
  return readdirSync(absoluteDir)
    .filter((name) => regex.test(name))
    .map((name) => (dir === "." ? name : `${dir}/${name}`));
}

// ---------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------

test("Dockerfile: multi-stage, a 'build' stage and a final runtime stage, both on node:20-bookworm-slim", () => {
  const { stages, build, runtime } = dockerfile();
  assert.ok(stages.length >= 2, `expected at least 2 stages, found ${stages.length}`);
  assert.notEqual(build, runtime, "the build stage must not be the final (runtime) stage");
  assert.match(build.base, NODE_20_BOOKWORM_SLIM);
  assert.match(runtime.base, NODE_20_BOOKWORM_SLIM);
});

test("Dockerfile: the build stage runs npm ci, then npm run build, then npm prune --omit=dev", () => {
  const { build } = dockerfile();
  const run = build.instructions
    .filter((i) => i.keyword === "RUN")
    .map((i) => i.args)
    .join(" && ");
  const ci = run.search(/\bnpm ci\b/);
  const compile = run.search(/\bnpm run build\b/);
  const prune = run.search(/\bnpm prune --omit=dev\b/);
  assert.ok(ci >= 0, "build stage does not run `npm ci`");
  assert.ok(compile > ci, "`npm run build` must follow `npm ci`");
  assert.ok(prune > compile, "`npm prune --omit=dev` must follow `npm run build`");
});

test("Dockerfile: the runtime stage installs chromium and its headless shell, Latin/CJK/emoji fonts, PulseAudio, an init and CA certificates", () => {
  const { runtime } = dockerfile();
  const packages = aptPackages(runtime);
  for (const required of [
    "chromium",
    "chromium-headless-shell",
    "fonts-liberation",
    "fonts-noto-cjk",
    "fonts-noto-color-emoji",
    "pulseaudio",
    "pulseaudio-utils",
    "ca-certificates",
  ]) {
    assert.ok(packages.includes(required), `runtime stage does not apt-get install ${required}`);
  }
  assert.ok(packages.includes("dumb-init") || packages.includes("tini"), "runtime stage installs neither dumb-init nor tini");
});

test("Dockerfile: the base image is a build argument (NODE_IMAGE), so a registry mirror can be named", () => {
  const text = readRepoFile("Dockerfile");
  assert.match(text, /^ARG NODE_IMAGE=\S+$/m);
  const froms = parseDockerfile(text).filter((i) => i.keyword === "FROM");
  for (const from of froms) assert.match(from.args, /^\$\{NODE_IMAGE\}\s/, `line ${from.line}: FROM \${NODE_IMAGE}`);
  assert.match(compose().text, /NODE_IMAGE: \$\{NODE_IMAGE:-node:20-bookworm-slim\}/, "compose passes NODE_IMAGE as a build argument");
});

test("Dockerfile: the runtime stage applies Debian's updates (apt-get upgrade) before installing", () => {
  const { runtime } = dockerfile();
  const run = runtime.instructions
    .filter((i) => i.keyword === "RUN")
    .map((i) => i.args)
    .join(" && ");
  const upgrade = run.search(/apt-get -y upgrade|apt-get upgrade -y/);
  assert.ok(upgrade >= 0, "runtime stage does not apt-get upgrade");
  assert.ok(upgrade < run.search(/apt-get install/), "upgrade before install");
});

test("Dockerfile: no CA bundle, .env or secret is copied into the image", () => {
  const instructions = parseDockerfile(readRepoFile("Dockerfile"))
    .map((i) => `${i.keyword} ${i.args}`)
    .join("\n");
  assert.doesNotMatch(instructions, /NODE_EXTRA_CA_CERTS|ca-certificates\.crt|TURN_SECRET=|(^|[\s/])\.env\b/m);
});

test("Dockerfile: runtime apt-get install skips recommends and cleans the apt lists in the same layer", () => {
  const { runtime } = dockerfile();
  const installs = runtime.instructions.filter((i) => i.keyword === "RUN" && /apt-get install/.test(i.args));
  assert.ok(installs.length > 0, "runtime stage has no apt-get install");
  for (const install of installs) {
    assert.match(install.args, /--no-install-recommends/, `line ${install.line}: add --no-install-recommends`);
    assert.match(install.args, /rm -rf \/var\/lib\/apt\/lists/, `line ${install.line}: clean /var/lib/apt/lists`);
  }
});

test("Dockerfile: the runtime stage has no compilers or build tools", () => {
  const { runtime } = dockerfile();
  const forbidden = new Set([
    "build-essential",
    "gcc",
    "g++",
    "clang",
    "make",
    "cmake",
    "autoconf",
    "libtool",
    "pkg-config",
    "python",
    "python3",
    "python3-dev",
    "node-gyp",
    "git",
  ]);
  const words = runWords(runtime);
  const found = words.filter((word) => forbidden.has(word));
  assert.deepEqual(found, [], `runtime stage mentions build tools: ${found.join(", ")}`);
  assert.ok(
    !/\bnpm (ci|install|i)\b/.test(words.join(" ")),
    "runtime stage must not install npm packages (copy the pruned node_modules instead)",
  );
});

test("Dockerfile: the runtime stage sets NODE_ENV, JIOMOSA_SKIP_SETUP and JIOMOSA_CONFIG", () => {
  const env = stageEnv(dockerfile().runtime);
  assert.equal(env.get("NODE_ENV"), "production");
  assert.equal(env.get("JIOMOSA_SKIP_SETUP"), "1");
  assert.equal(env.get("JIOMOSA_CONFIG"), "/app/config/kiosk.yaml");
});

test("Dockerfile: the runtime stage runs as a non-root user", () => {
  const users = dockerfile().runtime.instructions.filter((i) => i.keyword === "USER");
  assert.ok(users.length > 0, "runtime stage has no USER instruction (it would run as root)");
  const user = users[users.length - 1].args.split(":")[0].trim();
  assert.ok(!["root", "0"].includes(user), `runtime stage runs as ${user}`);
});

test("Dockerfile: HEALTHCHECK asks /health with the image's own bash (no curl or wget in the image)", () => {
  const checks = dockerfile().runtime.instructions.filter((i) => i.keyword === "HEALTHCHECK");
  assert.equal(checks.length, 1, "runtime stage needs exactly one HEALTHCHECK");
  const match = /^(?:--\S+\s+)*CMD\s+([\s\S]+)$/.exec(checks[0].args);
  assert.ok(match, `HEALTHCHECK has no CMD: ${checks[0].args}`);
  const command = execForm(match[1]) ?? match[1].split(/\s+/);
  assert.equal(command[0], "bash", "HEALTHCHECK should run bash (its /dev/tcp needs no extra package)");
  const text = command.join(" ");
  assert.match(text, /\/dev\/tcp\/127\.0\.0\.1\/\$\{PORT:-8000\}/);
  assert.match(text, /GET \/health HTTP/);
  assert.match(text, /HTTP\/1\.1 200/, "only a 200 counts: /health answers 503 while Chromium is down");
  assert.doesNotMatch(text, /\b(curl|wget)\b/);
  const interval = Number(/--interval=(\d+)s/.exec(checks[0].args)?.[1]);
  assert.ok(interval > 0 && interval <= 5, "often enough to see a restarted renderer healthy within 15 s");
});

test("Dockerfile: an init process is the ENTRYPOINT and CMD runs node dist/renderer/main.js", () => {
  const { runtime } = dockerfile();
  const last = (keyword: string): Instruction | undefined => runtime.instructions.filter((i) => i.keyword === keyword).pop();
  const entrypoint = last("ENTRYPOINT");
  const cmd = last("CMD");
  assert.ok(entrypoint, "runtime stage has no ENTRYPOINT");
  assert.ok(cmd, "runtime stage has no CMD");
  const entry = execForm(entrypoint.args);
  assert.ok(entry, "ENTRYPOINT must use the JSON (exec) form so signals reach the init");
  assert.ok(["dumb-init", "tini"].includes(posix.basename(entry[0])), `ENTRYPOINT is ${entry[0]}, not an init`);
  const command = execForm(cmd.args);
  assert.ok(command, "CMD must use the JSON (exec) form");
  assert.deepEqual(command, ["node", "dist/renderer/main.js"]);
});

test("Dockerfile: EXPOSE 8000", () => {
  const exposed = dockerfile()
    .runtime.instructions.filter((i) => i.keyword === "EXPOSE")
    .flatMap((i) => i.args.split(/\s+/));
  assert.ok(
    exposed.some((port) => port === "8000" || port === "8000/tcp"),
    `EXPOSE lists ${exposed.join(", ")}`,
  );
});

test("Dockerfile: the runtime stage copies node_modules, dist, config and package.json from the build stage", () => {
  const { runtime } = dockerfile();
  const copied = runtime.instructions
    .filter((i) => i.keyword === "COPY")
    .map(parseCopy)
    .filter((c) => c.from === "build")
    .flatMap((c) => c.sources.map((s) => posix.basename(s)));
  for (const required of ["node_modules", "dist", "config", "package.json"]) {
    assert.ok(copied.includes(required), `runtime stage does not COPY --from=build …/${required}`);
  }
});

test("Dockerfile: every COPY --from source is produced by the named stage", () => {
  const { stages } = dockerfile();
  for (const stage of stages) {
    for (const copy of stage.instructions.filter((i) => i.keyword === "COPY").map(parseCopy)) {
      if (copy.from === undefined) continue;
      const source = stages.find((s) => s.name === copy.from);
      assert.ok(source, `line ${copy.line}: COPY --from=${copy.from} names no stage`);
      // What the source stage holds: files copied in from the context, plus what npm
      // writes into its working directory.
      const produced: string[] = [];
      let workdir = "/";
      for (const instruction of source.instructions) {
        if (instruction.keyword === "WORKDIR") workdir = posix.resolve(workdir, instruction.args);
        if (instruction.keyword === "RUN" && /\bnpm ci\b/.test(instruction.args)) {
          produced.push(posix.join(workdir, "node_modules"));
        }
        if (instruction.keyword === "RUN" && /\bnpm run build\b/.test(instruction.args)) {
          produced.push(posix.join(workdir, "dist"));
        }
        if (instruction.keyword !== "COPY") continue;
        const inner = parseCopy(instruction);
        const dest = posix.resolve(workdir, inner.dest);
        const intoDirectory = inner.dest.endsWith("/") || inner.sources.length > 1;
        for (const src of inner.sources) {
          produced.push(intoDirectory ? posix.join(dest, posix.basename(src)) : dest);
        }
      }
      for (const src of copy.sources) {
        const wanted = posix.resolve(workdir, src);
        assert.ok(
          produced.some((p) => wanted === p || wanted.startsWith(`${p}/`)),
          `line ${copy.line}: ${src} is not produced by stage '${copy.from}' (it has ${produced.join(", ")})`,
        );
      }
    }
  }
});

test("Dockerfile: every COPY source from the build context exists and is not docker-ignored", () => {
  const { stages } = dockerfile();
  const ignored = new Set(dockerignorePatterns());
  for (const stage of stages) {
    for (const copy of stage.instructions.filter((i) => i.keyword === "COPY").map(parseCopy)) {
      if (copy.from !== undefined) continue;
      for (const src of copy.sources) {
        const relative = posix
          .normalize(src)
          .replace(/^(\.\/)+/, "")
          .replace(/\/$/, "");
        assert.ok(!relative.startsWith(".."), `line ${copy.line}: ${src} is outside the build context`);
        assert.ok(globMatches(relative).length > 0, `line ${copy.line}: COPY source ${src} does not exist`);
        assert.ok(!ignored.has(relative.split("/")[0]), `line ${copy.line}: ${src} is excluded by .dockerignore`);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------
// .dockerignore
// ---------------------------------------------------------------------------------------

function dockerignorePatterns(): string[] {
  return readRepoFile(".dockerignore")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.replace(/^\//, "").replace(/\/$/, ""));
}

test(".dockerignore: excludes node_modules, dist, .git and .env", () => {
  const patterns = dockerignorePatterns();
  for (const required of ["node_modules", "dist", ".git", ".env"]) {
    assert.ok(patterns.includes(required), `.dockerignore does not exclude ${required}`);
  }
  assert.ok(!patterns.includes("!.env"), ".dockerignore must not re-include .env");
});

// ---------------------------------------------------------------------------------------
// compose.yaml
// ---------------------------------------------------------------------------------------

type YamlMap = Record<string, unknown>;

function asRecord(value: unknown, what: string): YamlMap {
  assert.ok(value !== null && typeof value === "object" && !Array.isArray(value), `${what} must be a mapping`);
  return value as YamlMap;
}

/** A YAML scalar as the text compose reads; null or absent is empty, a mapping or list is a mistake in the file. */
function scalarText(value: unknown, what: string): string {
  if (value === undefined || value === null) return "";
  assert.ok(typeof value === "string" || typeof value === "number" || typeof value === "boolean", `${what} must be a scalar`);
  return String(value);
}

const compose = lazy(() => {
  const text = readRepoFile("compose.yaml");
  const document = asRecord(parse(text), "compose.yaml");
  const services = asRecord(document.services, "compose.yaml services");
  const service = (name: string): YamlMap => asRecord(services[name], `service '${name}'`);
  return { text, document, services, service };
});

/** environment: as a mapping or as a list of KEY=VALUE. */
function environmentOf(service: YamlMap): Map<string, string> {
  const env = new Map<string, string>();
  const raw = service.environment;
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const [key, ...value] = String(item).split("=");
      env.set(key, value.join("="));
    }
  } else if (raw !== undefined && raw !== null) {
    for (const [key, value] of Object.entries(asRecord(raw, "environment"))) env.set(key, scalarText(value, `environment.${key}`));
  }
  return env;
}

interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** volumes: short ("src:dst:ro") or long ({ source, target, read_only }) syntax. */
function mountsOf(service: YamlMap): Mount[] {
  const raw = service.volumes;
  if (!Array.isArray(raw)) return [];
  return raw.map((item): Mount => {
    if (typeof item === "string") {
      const [source = "", target = "", mode = ""] = item.split(":");
      return { source, target, readOnly: mode.split(",").includes("ro") };
    }
    const long = asRecord(item, "volume");
    return {
      source: scalarText(long.source, "volume source"),
      target: scalarText(long.target, "volume target"),
      readOnly: long.read_only === true,
    };
  });
}

function commandWords(service: YamlMap): string[] {
  const raw = service.command;
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === "string") return raw.split(/\s+/);
  return [];
}

function sizeInBytes(value: unknown): number {
  if (typeof value === "number") return value;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(String(value).trim());
  assert.ok(match, `not a size: ${String(value)}`);
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as "" | "k" | "m" | "g"];
  return Number(match[1]) * unit;
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` and friends, nothing around it. */
const PURE_INTERPOLATION = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?+][^}]*)?\}$/;

test("compose.yaml: Compose Specification (no version key) with renderer and turn services", () => {
  const { document, services } = compose();
  assert.ok(!("version" in document), "drop the obsolete `version:` key");
  assert.ok("renderer" in services, "no renderer service");
  assert.ok("turn" in services, "no turn service");
});

test("compose.yaml: every service restarts unless-stopped", () => {
  const { services, service } = compose();
  for (const name of Object.keys(services)) {
    assert.equal(service(name).restart, "unless-stopped", `service ${name}`);
  }
});

test("compose.yaml: the renderer is built from this repository's Dockerfile", () => {
  const build = compose().service("renderer").build;
  const context = typeof build === "string" ? build : asRecord(build, "renderer.build").context;
  assert.ok(context === "." || context === "./", `renderer build context is ${String(context)}`);
  if (typeof build === "object" && build !== null && "dockerfile" in build) {
    assert.equal((build as YamlMap).dockerfile, "Dockerfile");
  }
});

test("compose.yaml: the renderer keeps the image's healthcheck (one definition, in the Dockerfile)", () => {
  assert.ok(!("healthcheck" in compose().service("renderer")), "a compose healthcheck would override the image's and drift from it");
});

test("compose.yaml: the renderer gets a large /dev/shm for Chromium (shm_size >= 512 MB)", () => {
  const shm = compose().service("renderer").shm_size;
  assert.ok(shm !== undefined, "renderer has no shm_size");
  assert.ok(sizeInBytes(shm) >= 512 * 1024 ** 2, `shm_size ${scalarText(shm, "shm_size")} is too small for Chromium`);
});

test("compose.yaml: the renderer mounts ./config read-only at /app/config", () => {
  const mounts = mountsOf(compose().service("renderer"));
  const config = mounts.find((m) => m.target === "/app/config");
  assert.ok(config, "renderer does not mount anything at /app/config");
  assert.match(config.source, /^\.\/config\/?$/);
  assert.ok(config.readOnly, "the config mount must be read-only (:ro)");
});

test("compose.yaml: starts with no .env: nothing is required from the environment", () => {
  const required = [...compose().text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?\?)/g)].map((m) => m[1]);
  assert.deepEqual(required, [], "a ${NAME:?…} makes `docker compose up` fail on a fresh checkout");
  const plain = [...compose().text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]);
  assert.deepEqual(plain, [], "give every variable a default (${NAME:-…}): compose warns about unset ones");
});

test("compose.yaml: the TURN secret lives in a named volume, written by the renderer and read-only for coturn", () => {
  const { document, service } = compose();
  const volumes = asRecord(document.volumes, "compose.yaml volumes");
  const renderer = mountsOf(service("renderer")).find((m) => m.target === "/var/lib/jiomosa");
  const turn = mountsOf(service("turn")).find((m) => m.target === "/var/lib/jiomosa");
  assert.ok(renderer && turn, "both services mount the state volume at /var/lib/jiomosa");
  assert.equal(renderer.source, turn.source);
  assert.ok(renderer.source in volumes, `${renderer.source} is a named volume (kept across restarts, removed by down -v)`);
  assert.ok(!renderer.readOnly, "the renderer writes the secret");
  assert.ok(turn.readOnly, "coturn only reads it");
  assert.equal(environmentOf(service("turn")).get("TURN_SECRET_FILE"), "/var/lib/jiomosa/turn-secret");
  assert.match(stageEnv(dockerfile().runtime).get("TURN_SECRET_FILE") ?? "", /^\/var\/lib\/jiomosa\//);
  for (const name of ["renderer", "turn"]) {
    assert.equal(environmentOf(service(name)).get("TURN_SECRET"), "${TURN_SECRET:-}", `${name}: TURN_SECRET optional, from .env`);
  }
});

test("compose.yaml: both root filesystems are read-only, with memory-backed scratch space", () => {
  const { service } = compose();
  for (const name of ["renderer", "turn"]) assert.equal(service(name).read_only, true, `${name}: read_only: true`);
  const tmpfs = (name: string) => ([] as unknown[]).concat(service(name).tmpfs ?? []).map((t) => String(t).split(":")[0]);
  assert.deepEqual(tmpfs("renderer").sort(), ["/home/node", "/tmp"]);
  assert.deepEqual(tmpfs("turn"), ["/var/lib/coturn"]);
});

test("compose.yaml: no secret literal is written in the file", () => {
  const { text, services, service } = compose();
  for (const name of Object.keys(services)) {
    for (const [key, value] of environmentOf(service(name))) {
      // NAME_FILE holds a path to the secret, not the secret.
      if (/SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY/i.test(key) && !key.endsWith("_FILE")) {
        assert.match(value, PURE_INTERPOLATION, `${name}.environment.${key} must come from .env, not a literal`);
      }
    }
    for (const word of commandWords(service(name))) {
      const option = /^--?([\w-]*(?:secret|password|user)[\w-]*)=(.*)$/i.exec(word);
      if (option) {
        assert.match(option[2], PURE_INTERPOLATION, `${name}.command --${option[1]} must come from .env, not a literal`);
      }
    }
  }
  assert.doesNotMatch(text, /static-auth-secret\s*=\s*(?!\$\{)\S/, "a static-auth-secret literal is in compose.yaml");
});

test("compose.yaml: turn runs a pinned official coturn 4.6 image, overridable by COTURN_IMAGE", () => {
  const image = scalarText(compose().service("turn").image, "turn image");
  const match = /^\$\{COTURN_IMAGE:-([^}]+)\}$/.exec(image);
  assert.ok(match, `image: \${COTURN_IMAGE:-coturn/coturn:…}, got ${image}`);
  assert.match(match[1], /^(docker\.io\/)?coturn\/coturn:4\.6(\.\d+)?(-r\d+)?(-(debian|bookworm|alpine))?(@sha256:[0-9a-f]{64})?$/);
});

test("compose.yaml: turn mounts turnserver.conf and its entrypoint read-only; the secret is never on a command line", () => {
  const turn = compose().service("turn");
  const mounts = mountsOf(turn);
  const conf = mounts.find((m) => m.target === "/etc/coturn/turnserver.conf");
  assert.ok(conf, "turn does not mount /etc/coturn/turnserver.conf");
  assert.match(conf.source, /^\.\/turn\/turnserver\.conf$/);
  assert.ok(conf.readOnly, "turnserver.conf mount must be read-only (:ro)");
  const entrypoint = ([] as unknown[]).concat(turn.entrypoint ?? []).map(String);
  const script = mounts.find((m) => m.target === entrypoint[entrypoint.length - 1]);
  assert.ok(script, `the entrypoint ${entrypoint.join(" ")} is a mounted file`);
  assert.equal(script.source, "./turn/docker-entrypoint.sh");
  assert.ok(script.readOnly);
  assert.doesNotMatch([...entrypoint, ...commandWords(turn)].join(" "), /secret/i, "the secret would show in ps and docker inspect");
});

test("turn/docker-entrypoint.sh: waits for the renderer's secret, writes it into a tmpfs config, runs turnserver", () => {
  const script = readRepoFile("turn/docker-entrypoint.sh");
  assert.match(script, /^#!\/bin\/sh\n/);
  assert.match(script, /\$\{TURN_SECRET_FILE:-\/var\/lib\/jiomosa\/turn-secret\}/);
  assert.match(script, /umask 077/);
  assert.match(script, /static-auth-secret=\$secret/);
  assert.match(script, /CONFIG=\/var\/lib\/coturn\//, "the generated config goes to the tmpfs");
  assert.match(script, /exec turnserver -c "\$CONFIG"/);
  const echoes = script.split("\n").filter((line) => /\$secret|\$TURN_SECRET\b/.test(line) && /echo|printf/.test(line));
  assert.deepEqual(
    echoes.map((l) => l.trim()),
    ['echo "static-auth-secret=$secret"'],
    "the secret is written only into the config",
  );
  assert.match(script, /\} > "\$CONFIG"/, "…whose lines all go to the config file, not the log");
});

test("compose.yaml: the renderer depends on turn", () => {
  const dependsOn = compose().service("renderer").depends_on;
  const names = Array.isArray(dependsOn) ? dependsOn.map(String) : Object.keys(asRecord(dependsOn, "depends_on"));
  assert.ok(names.includes("turn"), "renderer.depends_on does not list turn");
});

test("compose.yaml: renderer and turn use host networking and so publish no ports", () => {
  const { service } = compose();
  for (const name of ["renderer", "turn"]) {
    const svc = service(name);
    assert.equal(svc.network_mode, "host", `${name}: host networking is the documented choice (see compose.yaml)`);
    assert.ok(!("ports" in svc), `${name}: \`ports:\` cannot be combined with network_mode: host`);
  }
});

// ---------------------------------------------------------------------------------------
// .env.example
// ---------------------------------------------------------------------------------------

const envExample = lazy(() => {
  const text = readRepoFile(".env.example");
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) values.set(match[1], match[2].trim());
  }
  return { text, values };
});

test(".env.example: only overrides, every one commented out (a fresh checkout needs no .env)", () => {
  const { text, values } = envExample();
  assert.deepEqual([...values.keys()], [], "every variable in .env.example is a commented-out override");
  for (const name of ["TURN_SECRET", "EXTERNAL_IP", "PORT", "NODE_IMAGE", "COTURN_IMAGE"]) {
    assert.match(text, new RegExp(`^# ?${name}=`, "m"), `.env.example documents ${name}`);
  }
  assert.match(text, /openssl rand -hex 32/);
});

test(".env.example: every variable compose.yaml interpolates is documented", () => {
  const { text } = envExample();
  const used = new Set([...compose().text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
  for (const name of used) assert.match(text, new RegExp(`^# ?${name}=`, "m"), `compose.yaml uses \${${name}} but .env.example lacks it`);
});

// ---------------------------------------------------------------------------------------
// turn/turnserver.conf
// ---------------------------------------------------------------------------------------

const turnConf = lazy(() => {
  const options: Array<{ key: string; value: string | undefined }> = [];
  for (const raw of readRepoFile("turn/turnserver.conf").split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    options.push(eq < 0 ? { key: line, value: undefined } : { key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  const has = (key: string): boolean => options.some((o) => o.key === key);
  const values = (key: string): string[] => options.filter((o) => o.key === key).map((o) => o.value ?? "");
  const value = (key: string): string | undefined => values(key).pop();
  return { options, has, values, value };
});

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** IPv4 ranges of denied-peer-ip / allowed-peer-ip ("a.b.c.d" or "a.b.c.d-e.f.g.h"). */
function ipv4Ranges(entries: string[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const entry of entries) {
    const [low = "", high = low] = entry.split("-");
    const from = ipv4ToNumber(low.trim());
    const to = ipv4ToNumber(high.trim());
    if (from !== undefined && to !== undefined) ranges.push([from, to]);
  }
  return ranges;
}

function covers(ranges: Array<[number, number]>, low: string, high: string): boolean {
  const from = ipv4ToNumber(low)!;
  const to = ipv4ToNumber(high)!;
  return ranges.some(([a, b]) => a <= from && to <= b);
}

test("turnserver.conf: REST-API authentication (use-auth-secret) with a realm", () => {
  const conf = turnConf();
  assert.ok(conf.has("use-auth-secret"), "use-auth-secret is not set");
  assert.ok((conf.value("realm") ?? "") !== "", "realm is not set");
  assert.ok(conf.has("fingerprint"), "fingerprint is not set");
});

test("turnserver.conf: the secret is not in the file (the entrypoint adds it at start)", () => {
  assert.ok(!turnConf().has("static-auth-secret"), "static-auth-secret must stay a comment: the secret lives in .env");
});

test("turnserver.conf: listens on 3478 over both UDP and TCP", () => {
  const conf = turnConf();
  assert.equal(conf.value("listening-port"), "3478");
  assert.ok(!conf.has("no-udp"), "no-udp would drop the UDP listener");
  assert.ok(!conf.has("no-tcp"), "no-tcp would drop the TCP listener");
});

test("turnserver.conf: a fixed relay port range, the same one the docs tell to open", () => {
  const conf = turnConf();
  const min = Number(conf.value("min-port"));
  const max = Number(conf.value("max-port"));
  assert.ok(Number.isInteger(min) && Number.isInteger(max), "min-port and max-port must be set");
  assert.ok(min >= 1024 && min < max && max <= 65535, `bad relay range ${min}-${max}`);
  const range = `${min}-${max}`;
  for (const doc of ["docs/deploy.md", "turn/README.md", "compose.yaml"]) {
    assert.ok(readRepoFile(doc).includes(range), `${doc} does not mention the relay range ${range}`);
  }
});

test("turnserver.conf: never no-auth, allow-loopback-peers or a CLI", () => {
  const conf = turnConf();
  assert.ok(!conf.has("no-auth"), "no-auth allows anonymous relaying");
  assert.ok(!conf.has("allow-loopback-peers"), "allow-loopback-peers opens the box's local services");
  assert.ok(conf.has("no-cli"), "no-cli is not set");
  assert.ok(conf.has("no-multicast-peers"), "no-multicast-peers is not set");
});

test("turnserver.conf: denies loopback, link-local (cloud metadata), 0.0.0.0/8 and carrier-grade NAT peers", () => {
  const conf = turnConf();
  const denied = ipv4Ranges(conf.values("denied-peer-ip"));
  assert.ok(covers(denied, "127.0.0.0", "127.255.255.255"), "127.0.0.0/8 is not denied");
  assert.ok(covers(denied, "169.254.0.0", "169.254.255.255"), "169.254.0.0/16 is not denied");
  assert.ok(covers(denied, "0.0.0.0", "0.255.255.255"), "0.0.0.0/8 is not denied");
  assert.ok(covers(denied, "100.64.0.0", "100.127.255.255"), "100.64.0.0/10 is not denied");
  assert.ok(covers(denied, "224.0.0.0", "239.255.255.255"), "multicast is not denied");
  const ipv6 = conf.values("denied-peer-ip");
  assert.ok(ipv6.includes("::1"), "::1 is not denied");
  assert.ok(
    ipv6.some((v) => v.toLowerCase().startsWith("fe80::-")),
    "fe80::/10 is not denied",
  );
});

test("turnserver.conf: private LAN ranges stay reachable (the renderer is on the LAN box)", () => {
  const denied = ipv4Ranges(turnConf().values("denied-peer-ip"));
  for (const lanAddress of ["10.1.2.3", "172.16.5.4", "192.168.1.20"]) {
    assert.ok(!covers(denied, lanAddress, lanAddress), `${lanAddress} is denied: relayed sessions to the box would fail`);
  }
});

test("turnserver.conf: no allowed-peer-ip reopens loopback or link-local", () => {
  const allowed = ipv4Ranges(turnConf().values("allowed-peer-ip"));
  for (const address of ["127.0.0.1", "169.254.169.254"]) {
    assert.ok(!covers(allowed, address, address), `allowed-peer-ip reopens ${address}`);
  }
});

test("turnserver.conf: no bare '::' denied-peer-ip (coturn treats it as a range matching every peer)", () => {
  assert.ok(!turnConf().values("denied-peer-ip").includes("::"), "denied-peer-ip=:: blocks every relayed session");
});

test("turnserver.conf: quotas and a limited nonce lifetime", () => {
  const conf = turnConf();
  for (const key of ["user-quota", "total-quota", "stale-nonce"]) {
    const value = Number(conf.value(key));
    assert.ok(Number.isInteger(value) && value > 0, `${key} must be a positive number`);
  }
});

test("turnserver.conf: logs to stdout", () => {
  assert.equal(turnConf().value("log-file"), "stdout");
});
