/**
 * Loading the one YAML file: path from JIOMOSA_CONFIG; PORT, JIOMOSA_PIN, JIOMOSA_ADMIN_TOKEN and
 * JIOMOSA_CAPTURE (video.capture, to try a capture without editing the file) override their keys
 * and are validated like them.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import { readEnum, ValidationError } from "../../protocol/index.js";
import { DEFAULT_CONFIG_PATH } from "./defaults.js";
import { CAPTURE_METHODS, type Config, readAdminToken, readConfig, readPin } from "./schema.js";

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** Parses and validates YAML text; `file` only names the source in errors. */
export function parseConfig(text: string, file = "config"): Config {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `YAML syntax: ${e.message.split("\n")[0]}`),
    );
  }
  try {
    return readConfig(doc.toJS());
  } catch (err) {
    if (err instanceof ValidationError) throw new ConfigError(file, [err.message]);
    throw err;
  }
}

export interface LoadedConfig {
  config: Config;
  file: string;
}

/** Reads the config file named by the environment and applies environment overrides. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const file = resolve(env.JIOMOSA_CONFIG || DEFAULT_CONFIG_PATH);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(file, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  const config = parseConfig(text, file);
  if (env.PORT !== undefined && env.PORT !== "") {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError(file, [`PORT: expected a port number 0-65535, got ${JSON.stringify(env.PORT)}`]);
    config.listen.port = port;
  }
  try {
    if (env.JIOMOSA_PIN) config.auth.pin = readPin(env.JIOMOSA_PIN, "JIOMOSA_PIN");
    if (env.JIOMOSA_ADMIN_TOKEN) config.auth.adminToken = readAdminToken(env.JIOMOSA_ADMIN_TOKEN, "JIOMOSA_ADMIN_TOKEN");
    if (env.JIOMOSA_CAPTURE) config.video.capture = readEnum(env.JIOMOSA_CAPTURE, "JIOMOSA_CAPTURE", ["auto", ...CAPTURE_METHODS] as const);
  } catch (err) {
    if (err instanceof ValidationError) throw new ConfigError(file, [err.message]);
    throw err;
  }
  // The image keeps its config read-only and its state in a volume: the token file can live there.
  if (env.JIOMOSA_TOKEN_FILE) config.auth.tokenFile = env.JIOMOSA_TOKEN_FILE;
  // Relative to the config file, not to wherever the appliance was started from.
  if (config.auth.tokenFile) config.auth.tokenFile = resolve(dirname(file), config.auth.tokenFile);
  return { config, file };
}
