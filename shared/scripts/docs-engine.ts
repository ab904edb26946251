/**
 * `pnpm docs:engine [--check]`: writes the deterministic figures of docs/engine.md (the shipped artifacts'
 * training figures, the models' held-out perplexities with their vocabularies, and the CLI's seeded example
 * output) between `<!-- docs:engine NAME -->` and `<!-- /docs:engine -->` markers, so they cannot go stale.
 * `--check` writes nothing and exits 1 when the file differs (docs-engine.test.ts runs the same check).
 * Timings are not generated: they depend on the machine and stay in the prose, marked as from a run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runEngine } from "./lib/cli.ts";
import { artifactFiles, readArtifact } from "./lib/models.ts";

export const ENGINE_DOC = fileURLToPath(new URL("../../docs/engine.md", import.meta.url));

const fence = (lang: string, lines: string[]) => ["```" + lang, ...lines, "```"].join("\n");

/** The head of the shipped tiny-stories artifact, as the format section shows it. */
function artifactBlock(): string {
  const a = readArtifact(fileURLToPath(new URL("../models/tiny-stories.json", import.meta.url)));
  const t = a.training;
  const held = t.heldOut
    ? `{ "lines": ${t.heldOut.lines}, "tokens": ${t.heldOut.tokens}, "oov": ${t.heldOut.oov}, ` +
      `"crossEntropyBits": ${t.heldOut.crossEntropyBits.toFixed(2)}, "perplexity": ${t.heldOut.perplexity.toFixed(1)} }`
    : "null";
  return fence("json", [
    "{",
    `  "format": "${a.format}", "version": ${a.version},`,
    `  "id": "${a.id}", "name": "…", "description": "…",`,
    `  "tokenizer": "${a.tokenizer}", "order": ${a.order},`,
    `  "training": { "lines": ${t.lines}, "tokens": ${t.tokens}, "vocabSize": ${t.vocabSize},`,
    `                "heldOut": ${held} },`,
    `  "discounts": [${a.discounts.map((d) => d.toFixed(3)).join(", ")}],`,
    `  "hash": "<hex sha-256>",`,
    `  "vocab": [${a.vocab
      .slice(0, 5)
      .map((v) => JSON.stringify(v))
      .join(", ")}, …],`,
    `  "counts": [${a.counts.slice(0, 8).join(", ")}, …]`,
    "}",
  ]);
}

/** Every shipped n-gram model: vocabulary, order, training size, held-out perplexity and unknown words. */
function modelsBlock(): string {
  const rows = artifactFiles().map((file) => {
    const a = readArtifact(file);
    const h = a.training.heldOut;
    return [
      a.id.padEnd(14),
      String(a.training.vocabSize).padStart(6),
      String(a.order).padStart(6),
      String(a.training.tokens).padStart(8),
      (h ? h.perplexity.toFixed(2) : "—").padStart(19),
      (h ? `${h.oov} of ${h.tokens}` : "—").padStart(19),
    ].join("  ");
  });
  const head = [
    "id".padEnd(14),
    " vocab",
    " order",
    "  tokens",
    "held-out perplexity",
    "unknown, not scored",
  ].join("  ");
  return fence("text", [head, ...rows]);
}

/** The CLI's seeded example: the commands `pnpm engine` runs, in this process. */
function sampleBlock(): string {
  const args = ["sample", "--model", "toy", "--prompt", "the mouse", "--n", "1000", "--seed", "1", "--json"];
  const lines: string[] = [];
  const code = runEngine(args, {
    out: (text) => lines.push(text),
    err: (text) => lines.push(text),
  });
  if (code !== 0) throw new Error(`pnpm engine ${args.join(" ")} failed: ${lines.join("\n")}`);
  const out = lines.join("\n").trim();
  const r = JSON.parse(out) as Record<string, unknown>;
  const round = (x: unknown) => Number((x as number).toFixed(6));
  const shown = {
    ...r,
    klBits: round(r.klBits),
    expectedKlBits: round(r.expectedKlBits),
    shortcutKlBits: round(r.shortcutKlBits),
  };
  return fence("sh", [
    `pnpm engine ${args.map((a) => (a.includes(" ") ? `"${a}"` : a)).join(" ")}`,
    JSON.stringify(shown),
  ]);
}

export function engineFigures(): Record<string, string> {
  return { artifact: artifactBlock(), models: modelsBlock(), "cli-sample": sampleBlock() };
}

/** `text` with every marked block replaced by its figures; throws on an unknown or missing block. */
export function withFigures(text: string, figures: Record<string, string>): string {
  const seen = new Set<string>();
  const out = text.replace(
    /<!-- docs:engine ([a-z-]+) -->\n[\s\S]*?<!-- \/docs:engine -->/g,
    (_, name: string) => {
      const block = figures[name];
      if (block === undefined) throw new Error(`docs/engine.md: unknown generated block "${name}"`);
      seen.add(name);
      return `<!-- docs:engine ${name} -->\n\n${block}\n\n<!-- /docs:engine -->`;
    },
  );
  const missing = Object.keys(figures).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`docs/engine.md: no block for ${missing.join(", ")}`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = readFileSync(ENGINE_DOC, "utf8");
  const next = withFigures(current, engineFigures());
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  if (values.check) {
    if (next !== current) {
      console.error("docs/engine.md is stale: run pnpm docs:engine");
      process.exit(1);
    }
  } else if (next !== current) {
    writeFileSync(ENGINE_DOC, next);
    console.log("docs/engine.md updated");
  } else console.log("docs/engine.md is up to date");
}
