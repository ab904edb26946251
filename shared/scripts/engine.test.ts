/**
 * The engine CLI: its commands run in this process (lib/cli.ts, what `pnpm engine` runs), and the entrypoint
 * spawned as users run it (node + tsx) for a result and an error.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectedEmpiricalKlExactBits } from "../src/engine/expected-kl.ts";
import { runEngine } from "./lib/cli.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ENGINE = fileURLToPath(new URL("./engine.ts", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `pnpm engine <args>`'s commands, in this process. */
function engine(...args: string[]): Run {
  let stdout = "";
  let stderr = "";
  const code = runEngine(args, {
    out: (text) => (stdout += `${text}\n`), // as console.log writes it
    err: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

/** `node --import tsx shared/scripts/engine.ts <args>`: the entrypoint itself. */
function spawned(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ENGINE, ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("pnpm engine", () => {
  it("dist --temperature 0 --json is the one-hot argmax", () => {
    const run = engine("dist", "--model", "toy", "--prompt", "the mouse", "--temperature", "0", "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ tokens: ["ate"], probs: [1], entropyBits: 0 });
  });

  it("sample --json counts completions and reports KL", () => {
    const args = [
      "sample",
      "--model",
      "toy",
      "--prompt",
      "the mouse",
      "--n",
      "2000",
      "--seed",
      "7",
      "--json",
    ];
    const run = engine(...args);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { n: number; counts: Record<string, number>; klBits: number };
    expect(out.n).toBe(2000);
    expect(Object.values(out.counts).reduce((a, b) => a + b, 0)).toBe(2000);
    expect(out.counts.ate! / 2000).toBeCloseTo(0.7, 1);
    expect(out.klBits).toBeGreaterThan(0);
    expect(out.klBits).toBeLessThan(0.01);
    const again = engine(...args);
    expect(again.stdout).toBe(run.stdout); // seeded: reproducible
  });

  it("[EKL2] sample prints the exact expected KL, and the first-order shortcut labelled as one", () => {
    const run = engine("sample", "--model", "tiny-stories", "--prompt", "the", "--n", "1000");
    expect(run.code).toBe(0);
    // tiny-stories after "the": 2,106 possible tokens; [EKL2] 0.59928 bits, [EKL1] 2105/(2000 ln 2) = 1.51844
    expect(run.stdout).toMatch(/expected by chance at N = 1000: 0\.59928 bits \(exact/);
    expect(run.stdout).toMatch(/shortcut \(k−1\)\/\(2N ln 2\) = 1\.51844 bits for k = 2106 possible tokens/);
    expect(run.stdout).not.toMatch(/expected ≈/);
    const json = engine("sample", "--model", "toy", "--prompt", "the", "--n", "100", "--json");
    const out = JSON.parse(json.stdout) as { expectedKlBits: number; shortcutKlBits: number };
    expect(out.expectedKlBits).toBeCloseTo(
      expectedEmpiricalKlExactBits([0.02, 0.25, 0.33, 0.38, 0.02], 100),
      12,
    );
    expect(out.shortcutKlBits).toBeCloseTo(4 / (200 * Math.LN2), 12);
  });

  it("[SEQT1] sample notes that temperature applies per step when completions have several tokens", () => {
    const run = engine(
      "sample",
      "--model",
      "toy",
      "--prompt",
      "the",
      "--n",
      "50",
      "--max-tokens",
      "2",
      "--temperature",
      "0.5",
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/temperature applies to each next-token step/);
  });

  it("trains, lists and evaluates a model", () => {
    const dir = mkdtempSync(join(tmpdir(), "tokenroom-engine-"));
    const corpus = join(dir, "corpus.txt");
    writeFileSync(corpus, "the cat sat on the mat.\nthe dog sat on the log.\n".repeat(10));
    const out = join(dir, "cats.json");
    const trained = engine("train", corpus, "--out", out, "--order", "2");
    expect(trained.stderr).toBe("");
    expect(trained.stdout).toMatch(/hash\s+[0-9a-f]{64}/);
    const evaluated = engine("eval", "--model", out, corpus, "--json");
    const result = JSON.parse(evaluated.stdout) as Record<string, number>;
    expect(Object.keys(result).sort()).toEqual(["crossEntropyBits", "oov", "perplexity", "tokens"]);
    expect(result.tokens).toBe(20 * 8);
    expect(result.perplexity).toBeCloseTo(2 ** result.crossEntropyBits!, 9);
    const models = engine("models");
    expect(models.stdout).toMatch(/toy\s+Toy bigram/);
  });

  it.for([
    ["unknown model", ["dist", "--model", "nope", "--prompt", "the"], /unknown model "nope"/],
    ["empty prompt", ["dist", "--model", "toy", "--prompt", " "], /prompt is empty/],
    [
      "negative temperature",
      ["dist", "--model", "toy", "--prompt", "the", "--temperature", "-1"],
      /temperature must be >= 0/,
    ],
    [
      "top-p outside (0, 1]",
      ["dist", "--model", "toy", "--prompt", "the", "--top-p", "1.5"],
      /top-p must be in \(0, 1\]/,
    ],
    [
      "fractional top-k",
      ["sample", "--model", "toy", "--prompt", "the", "--top-k", "2.5"],
      /top-k must be a non-negative integer/,
    ],
    ["missing corpus", ["train", "/nonexistent/corpus.txt", "--out", "/tmp/x.json"], /does not exist/],
    ["unknown command", ["frobnicate"], /unknown command "frobnicate"/],
    [
      "unknown flag",
      ["dist", "--model", "toy", "--prompt", "the", "--temprature", "1"],
      /unknown flag --temprature/,
    ],
    [
      "word not in the toy vocabulary",
      ["dist", "--model", "toy", "--prompt", "the elephant"],
      /"elephant" is not in the vocabulary/,
    ],
  ] as [string, string[], RegExp][])("%s: one line on stderr, exit 1", ([, args, message], { expect }) => {
    const run = engine(...args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^error: [^\n]+ \([^\n]+\)\n$/);
  });
});

describe("the pnpm engine entrypoint, spawned", () => {
  it("writes a command's output to stdout and exits 0", async () => {
    const run = await spawned(
      "dist",
      "--model",
      "toy",
      "--prompt",
      "the mouse",
      "--temperature",
      "0",
      "--json",
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toBe(
      engine("dist", "--model", "toy", "--prompt", "the mouse", "--temperature", "0", "--json").stdout,
    );
  });

  it("writes one error line to stderr, nothing to stdout, and exits 1", async () => {
    const run = await spawned("dist", "--model", "nope", "--prompt", "the");
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: "" });
    expect(run.stderr).toMatch(/^error: unknown model "nope" \(known models: toy, [^\n]+\)\n$/);
  });
});
