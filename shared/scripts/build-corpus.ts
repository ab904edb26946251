/**
 * Builds shared/corpora/<name>.txt from shared/corpora/<name>/part-*.txt (in name order; default name
 * tiny-stories), each part ending with a newline so that no line spans two parts. Then train the shipped
 * model (docs/engine.md):
 *   pnpm exec tsx shared/scripts/build-corpus.ts [name]
 *   pnpm engine train shared/corpora/tiny-stories.txt --out shared/models/tiny-stories.json --order 3 ...
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const corpora = fileURLToPath(new URL("../corpora/", import.meta.url));
const name = parseArgs({ allowPositionals: true }).positionals[0] ?? "tiny-stories";
const partsDir = join(corpora, name);
const parts = readdirSync(partsDir)
  .filter((file) => /^part-\d+\.txt$/.test(file))
  .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
if (parts.length === 0) {
  process.stderr.write(`error: no part-*.txt in ${partsDir} (write the corpus parts first)\n`);
  process.exit(1);
}
const text = parts
  .map((file) => readFileSync(join(partsDir, file), "utf8").replace(/\r\n?/g, "\n").replace(/\n*$/, "\n"))
  .join("");
const out = join(corpora, `${name}.txt`);
writeFileSync(out, text);
const words = text.split(/\s+/).filter((w) => w !== "").length;
const cjk = [...text].filter((c) => /\p{Script=Han}/u.test(c)).length;
console.log(
  `${out}: ${parts.join(" + ")}, ${text.split("\n").length - 1} lines, ${words} words, ${cjk} CJK characters`,
);
