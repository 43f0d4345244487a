// `npm test`'s static checks: the type check and the linter run side by side (each mostly uses one core), each
// one's output printed whole once it ends; fails when either fails.
import { spawn } from "node:child_process";

const run = (script) =>
  new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ script, code, output }));
  });

const results = await Promise.all([run("typecheck"), run("lint")]);
for (const { script, code, output } of results) {
  process.stdout.write(`${script}: ${code === 0 ? "passed" : `failed (exit ${code})`}\n${output}`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
