import { runCli } from "./main.js";

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  interactive: Boolean(process.stderr.isTTY && process.stdout.isTTY),
  env: process.env,
});
process.exitCode = code;
