/** Runs the docker, compose and system commands of the Docker tests; output is captured, failures say what ran. */
import { spawn, type SpawnOptions } from "node:child_process";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

class CommandError extends Error {}

export interface RunOptions extends SpawnOptions {
  /** Text written to the command's standard input. */
  input?: string | Buffer;
  /** Kill the command after this long (it then fails). */
  timeoutMs?: number;
  /** Print the command's output as it comes (long builds). */
  echo?: boolean;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { input, timeoutMs, echo, allowFailure, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (echo) process.stderr.write(chunk);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (echo) process.stderr.write(chunk);
    });
    const timer = timeoutMs ? setTimeout(() => child.kill("SIGKILL"), timeoutMs) : undefined;
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new CommandError(`${command}: ${err.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr };
      if (code === 0 || allowFailure) resolve(result);
      else reject(new CommandError(`${command} ${args.join(" ")} exited with ${code}:\n${(stderr || stdout).slice(-3000)}`));
    });
    if (input !== undefined) {
      // A command that exits without reading its input is not an error of ours.
      child.stdin!.on("error", () => {});
      child.stdin!.end(input);
    }
  });
}

/** True when the command exists on PATH. */
export async function hasCommand(name: string): Promise<boolean> {
  const result = await run("sh", ["-c", `command -v ${name}`], { allowFailure: true });
  return result.code === 0;
}
