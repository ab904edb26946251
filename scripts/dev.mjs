#!/usr/bin/env node
// Development: the server (tsx watch, restarts on change) and the Vite dev server (proxying /api, /healthz and
// /socket.io to it on :3000), together, each output line prefixed with its name. Ctrl-C stops both; when one
// exits, the other is stopped too. Join links point at Vite (port 5173) on this machine's LAN address.
import { spawn } from "node:child_process";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const windows = process.platform === "win32";
const bin = (dir, name) => join(root, dir, "node_modules", ".bin", windows ? `${name}.cmd` : name);

function lanAddress() {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "localhost";
}

const publicUrl = process.env.PUBLIC_URL ?? `http://${lanAddress()}:5173`;
const processes = [
  {
    name: "server",
    color: 36,
    command: bin(".", "tsx"),
    args: ["watch", "server/src/index.ts"],
    cwd: root,
    env: { PUBLIC_URL: publicUrl },
  },
  {
    name: "client",
    color: 35,
    command: bin("client", "vite"),
    args: ["--host"],
    cwd: join(root, "client"),
    env: {},
  },
];

const children = [];
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 2_000).unref(); // the server finishes its writes first
}

for (const p of processes) {
  const child = spawn(p.command, p.args, {
    cwd: p.cwd,
    stdio: ["ignore", "pipe", "pipe"],
    shell: windows,
    env: { ...process.env, FORCE_COLOR: "1", ...p.env },
  });
  children.push(child);
  const tag = process.stdout.isTTY ? `\u001b[${p.color}m[${p.name}]\u001b[0m ` : `[${p.name}] `;
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream }).on("line", (line) => out.write(`${tag}${line}\n`));
  }
  child.on("error", (error) => {
    process.stderr.write(`${tag}could not start: ${error.message}\n`);
    stopAll(1);
  });
  child.on("exit", (code, signal) => {
    if (!stopping) process.stdout.write(`${tag}exited (${signal ?? code}); stopping the other process\n`);
    stopAll(code ?? 0);
  });
}

process.stdout.write(`Tokenroom dev: open http://localhost:5173 (phones on this network: ${publicUrl})\n`);
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));
