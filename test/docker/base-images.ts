/**
 * The base images the Dockerfile and compose.yaml name (NODE_IMAGE, COTURN_IMAGE). They come from
 * the public registry when it answers; where it does not (an offline site, a closed CI network),
 * stand-ins are built from Debian's own packages and tagged with the real names:
 * - a minimal bookworm root filesystem (debootstrap --variant=minbase) with bookworm, -updates and
 *   -security in its apt sources, imported with `docker import`;
 * - node: that plus this machine's own Node binary and npm, and a `node` user (uid 1000), as in
 *   the official image; it trusts this machine's CA bundle (NODE_EXTRA_CA_CERTS) so npm inside a
 *   build reaches the registry the way the host does. Only the stand-in carries that bundle;
 * - coturn: that plus Debian's coturn package.
 * Each stand-in is labelled with a hash of its recipe and rebuilt only when the recipe changes.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../support/paths.js";
import { run } from "./shell.js";

const MINBASE_TAG = "jiomosa-stand-in/bookworm-minbase:latest";
const RECIPE_LABEL = "org.jiomosa.stand-in-recipe";
const PULL_TIMEOUT_MS = 60_000;
const DEFAULT_MIRROR = "http://deb.debian.org/debian";
const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

export interface BaseImages {
  node: string;
  coturn: string;
  /** How each was obtained, for the log. */
  notes: string[];
}

/** The defaults the repository names: `ARG NODE_IMAGE=…` in the Dockerfile, `${COTURN_IMAGE:-…}` in compose.yaml. */
function defaultBaseImages(): { node: string; coturn: string } {
  const node = /^ARG NODE_IMAGE=(\S+)/m.exec(readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8"))?.[1];
  const coturn = /\$\{COTURN_IMAGE:-([^}]+)\}/.exec(readFileSync(join(REPO_ROOT, "compose.yaml"), "utf8"))?.[1];
  if (!node || !coturn) throw new Error("Dockerfile has no `ARG NODE_IMAGE=` or compose.yaml no `${COTURN_IMAGE:-…}`");
  return { node, coturn };
}

async function imageLabel(image: string, label: string): Promise<string | null | undefined> {
  const result = await run("docker", ["image", "inspect", "--format", `{{ index .Config.Labels "${label}" }}`, image], {
    allowFailure: true,
  });
  if (result.code !== 0) return undefined; // no such image
  const value = result.stdout.trim();
  return value === "" || value === "<no value>" ? null : value;
}

/** The mirror this machine's apt uses (so the stand-ins reach Debian the same way). */
function debianMirror(): { main: string; security: string } {
  let main = DEFAULT_MIRROR;
  let security = `${DEFAULT_MIRROR}-security`;
  for (const file of ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"]) {
    if (!existsSync(file)) continue;
    for (const match of readFileSync(file, "utf8").matchAll(/^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(\S+)/gm)) {
      const uri = match[1];
      if (/security/.test(uri)) security = uri;
      else main = uri;
    }
    break;
  }
  return { main, security };
}

function hostNode(): { node: string; npmDir: string; version: string } {
  const node = realpathSync(process.execPath);
  const candidates = [
    join(dirname(node), "..", "lib", "node_modules", "npm"),
    "/usr/lib/node_modules/npm",
    "/usr/local/lib/node_modules/npm",
  ];
  const npmDir = candidates.find((dir) => existsSync(join(dir, "bin", "npm-cli.js")));
  if (!npmDir) throw new Error(`npm not found next to ${node}`);
  const npmVersion = (JSON.parse(readFileSync(join(npmDir, "package.json"), "utf8")) as { version: string }).version;
  return { node, npmDir, version: `${process.version}+npm${npmVersion}` };
}

const NODE_DOCKERFILE = `FROM ${MINBASE_TAG}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY host-ca.crt /usr/local/share/jiomosa-stand-in/host-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/jiomosa-stand-in/host-ca.crt NODE_VERSION=${process.version.slice(1)}
CMD ["node"]
`;

const COTURN_DOCKERFILE = `FROM ${MINBASE_TAG}
RUN apt-get update && apt-get install -y --no-install-recommends coturn && rm -rf /var/lib/apt/lists/*
USER nobody:nogroup
ENTRYPOINT ["turnserver"]
`;

function recipeHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}

async function buildMinbase(mirror: { main: string; security: string }, hash: string, log: (line: string) => void): Promise<void> {
  if ((await imageLabel(MINBASE_TAG, RECIPE_LABEL)) === hash) return;
  const dir = mkdtempSync(join(tmpdir(), "jiomosa-minbase-"));
  try {
    log(`debootstrap --variant=minbase bookworm (${mirror.main})`);
    await run("debootstrap", ["--variant=minbase", "--include=libstdc++6,ca-certificates", "bookworm", dir, mirror.main], {
      timeoutMs: 15 * 60_000,
    });
    rmSync(join(dir, "etc", "apt", "sources.list"), { force: true });
    writeFileSync(
      join(dir, "etc", "apt", "sources.list.d", "debian.sources"),
      `Types: deb\nURIs: ${mirror.main}\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n` +
        `Types: deb\nURIs: ${mirror.security}\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
    );
    // What the official slim images do too: no downloaded package files or lists kept.
    rmSync(join(dir, "var", "cache", "apt", "archives"), { recursive: true, force: true });
    mkdirSync(join(dir, "var", "cache", "apt", "archives", "partial"), { recursive: true });
    rmSync(join(dir, "var", "lib", "apt", "lists"), { recursive: true, force: true });
    mkdirSync(join(dir, "var", "lib", "apt", "lists", "partial"), { recursive: true });
    const tar = await run(
      "sh",
      [
        "-c",
        `tar -C '${dir}' -c . | docker import --change 'LABEL ${RECIPE_LABEL}=${hash}' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["bash"]' - ${MINBASE_TAG}`,
      ],
      { timeoutMs: 10 * 60_000 },
    );
    log(`imported ${MINBASE_TAG} ${tar.stdout.trim().slice(0, 19)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function buildFrom(
  tag: string,
  dockerfile: string,
  files: Record<string, string>,
  hash: string,
  log: (line: string) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "jiomosa-stand-in-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), `${dockerfile}LABEL ${RECIPE_LABEL}=${hash}\n`);
    for (const [name, source] of Object.entries(files)) cpSync(source, join(dir, name), { recursive: true, dereference: true });
    log(`building stand-in ${tag}`);
    await run("docker", ["build", "--network", "host", "-t", tag, dir], { timeoutMs: 15 * 60_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Makes sure both base images are present: the real ones if the registry answers, stand-ins otherwise. */
export async function ensureBaseImages(log: (line: string) => void): Promise<BaseImages> {
  const names = defaultBaseImages();
  const notes: string[] = [];
  const mirror = debianMirror();
  const minbaseHash = recipeHash("minbase-1", mirror.main, mirror.security);
  const host = hostNode();
  const recipes = {
    node: {
      tag: names.node,
      dockerfile: NODE_DOCKERFILE,
      hash: recipeHash(minbaseHash, NODE_DOCKERFILE, host.version),
      files: { node: host.node, npm: host.npmDir, "host-ca.crt": process.env.NODE_EXTRA_CA_CERTS || HOST_CA_BUNDLE },
    },
    coturn: { tag: names.coturn, dockerfile: COTURN_DOCKERFILE, hash: recipeHash(minbaseHash, COTURN_DOCKERFILE), files: {} },
  };
  for (const [kind, recipe] of Object.entries(recipes)) {
    const label = await imageLabel(recipe.tag, RECIPE_LABEL);
    if (label === null) {
      notes.push(`${recipe.tag}: present (not a stand-in)`);
      continue;
    }
    if (label === recipe.hash) {
      notes.push(`${recipe.tag}: stand-in, cached`);
      continue;
    }
    const pulled = await run("docker", ["pull", recipe.tag], { allowFailure: true, timeoutMs: PULL_TIMEOUT_MS });
    if (pulled.code === 0) {
      notes.push(`${recipe.tag}: pulled`);
      continue;
    }
    log(
      `${recipe.tag}: the registry did not answer (${(pulled.stderr.trim().split("\n").pop() ?? "").slice(0, 160)}); building a stand-in from Debian packages`,
    );
    await buildMinbase(mirror, minbaseHash, log);
    await buildFrom(recipe.tag, recipe.dockerfile, recipe.files, recipe.hash, log);
    notes.push(`${recipe.tag}: stand-in (${kind}) built from Debian bookworm packages`);
  }
  return { ...names, notes };
}
