/**
 * The TURN secret kept in a file (TURN_SECRET_FILE; compose points it into a named volume that
 * coturn mounts read-only): read when it exists, generated on first start otherwise. Written under
 * a temporary name and linked into place, so coturn never reads half a secret and two starting
 * renderers cannot overwrite each other's. The value is never logged.
 */
import { randomBytes } from "node:crypto";
import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { MIN_SECRET_LENGTH } from "./turn-plan.js";

const SECRET_BYTES = 32;

export class SecretFileError extends Error {}

export interface SecretFromFile {
  secret: string;
  created: boolean;
}

async function readSecret(path: string): Promise<string> {
  const secret = (await readFile(path, "utf8")).trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new SecretFileError(
      `${path}: the TURN secret must be at least ${MIN_SECRET_LENGTH} characters; delete the file to have a new one generated`,
    );
  }
  return secret;
}

export async function loadOrCreateSecret(path: string): Promise<SecretFromFile> {
  try {
    return { secret: await readSecret(path), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const secret = randomBytes(SECRET_BYTES).toString("hex");
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, `${secret}\n`, { mode: 0o600, flag: "wx" });
    await link(temporary, path);
    return { secret, created: true };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return { secret: await readSecret(path), created: false };
    throw new SecretFileError(`${path}: cannot write the TURN secret (${code ?? String(err)}); is the folder writable by this user?`);
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

/**
 * The environment planTurn reads, with TURN_SECRET filled from TURN_SECRET_FILE when it is set
 * and TURN_SECRET is not (an explicit TURN_SECRET always wins).
 */
export async function withSecretFile(env: NodeJS.ProcessEnv): Promise<{ env: NodeJS.ProcessEnv; note: string | null }> {
  const path = env.TURN_SECRET_FILE;
  if (!path || env.TURN_SECRET) return { env, note: null };
  const { secret, created } = await loadOrCreateSecret(path);
  return { env: { ...env, TURN_SECRET: secret }, note: created ? `generated a TURN secret in ${path}` : `TURN secret from ${path}` };
}
