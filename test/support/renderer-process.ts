/**
 * Runs the real renderer (dist/renderer/main.js) as a child process with a test config on a
 * free port, the way `npm start` runs it, and stops it with SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RENDERER_MAIN } from "./paths.js";

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export interface RendererProcess {
  url: string;
  port: number;
  child: ChildProcess;
  logs: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startRenderer(configYaml: string, env: Record<string, string> = {}): Promise<RendererProcess> {
  const dir = mkdtempSync(join(tmpdir(), "jiomosa-test-"));
  const configPath = join(dir, "kiosk.yaml");
  writeFileSync(configPath, configYaml);
  const child = spawn(process.execPath, [RENDERER_MAIN], {
    env: { ...process.env, JIOMOSA_CONFIG: configPath, PORT: "0", LOG_LEVEL: process.env.LOG_LEVEL ?? "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve((exitCode = code))));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`renderer did not start in ${START_TIMEOUT_MS} ms:\n${logs.join("")}`)),
      START_TIMEOUT_MS,
    );
    const onLine = (chunk: Buffer) => {
      const text = chunk.toString();
      logs.push(text);
      for (const line of text.split("\n")) {
        // The banner is printed whatever the log level: "Jiomosa 0.1.0 is up: open http://host:port/ …"
        const banner = /^Jiomosa \S+ is up: open http:\/\/[^:]+:(\d+)\//.exec(line);
        if (banner) {
          clearTimeout(timer);
          resolve(Number(banner[1]));
        }
        if (!line.startsWith("{")) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === "listening" && entry.port) {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // a partial line; the rest arrives with the next chunk
        }
      }
    };
    child.stdout.on("data", onLine);
    child.stderr.on("data", (chunk: Buffer) => {
      logs.push(chunk.toString());
      if (process.env.JIOMOSA_TRACE) process.stderr.write(chunk);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`renderer exited with ${code} before listening:\n${logs.join("")}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    logs,
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill("SIGTERM");
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS).unref());
      const result = await Promise.race([exited, timeout]);
      if (result === "timeout") {
        child.kill("SIGKILL");
        throw new Error("renderer did not exit within the shutdown timeout after SIGTERM");
      }
      return result;
    },
  };
}
