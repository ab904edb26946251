/** docs/engine.md's generated figures are what `pnpm docs:engine` would write (so they cannot go stale). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENGINE_DOC, engineFigures, withFigures } from "./docs-engine.ts";

describe("pnpm docs:engine", () => {
  it("docs/engine.md holds exactly the figures the script writes (run pnpm docs:engine if this fails)", () => {
    const text = readFileSync(ENGINE_DOC, "utf8");
    expect(withFigures(text, engineFigures())).toBe(text);
  }, 60_000);

  it("[EKL2] the seeded CLI example: 698 × ate, the exact expected KL beside the shortcut", () => {
    const block = engineFigures()["cli-sample"]!;
    expect(block).toContain('"ate":698');
    expect(block).toMatch(/"expectedKlBits":0\.0028\d+,"shortcutKlBits":0\.002885/);
  }, 60_000);

  it("fails on a stale or missing block", () => {
    const figures = { one: "new" };
    expect(withFigures("a\n<!-- docs:engine one -->\nold\n<!-- /docs:engine -->\nb", figures)).toBe(
      "a\n<!-- docs:engine one -->\n\nnew\n\n<!-- /docs:engine -->\nb",
    );
    expect(() => withFigures("no markers", figures)).toThrow(/no block for one/);
    expect(() => withFigures("<!-- docs:engine two -->\nx\n<!-- /docs:engine -->", figures)).toThrow(
      /unknown generated block "two"/,
    );
  });
});
