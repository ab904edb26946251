/**
 * The phone's components rendered to HTML (no DOM needed): the guess editor's sliders and labels, the
 * completion list's tab stops, the model texts in 中文.
 */
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it } from "vitest";
import i18next, { loadLanguage } from "../i18n/index.ts";
import { useModelText } from "../i18n/model-text.ts";
import { CompletionList } from "./completion-list.tsx";
import { GuessEditor } from "./guess-editor.tsx";

const never = () => Promise.reject(new Error("not in this test"));

describe("the guess editor", () => {
  it("has a labelled slider (0–100%) per outcome beside its − and + buttons", () => {
    const html = renderToStaticMarkup(
      <GuessEditor labels={["mouse", "cheese", "something else"]} saved={null} onSubmit={never} />,
    );
    const sliders = [...html.matchAll(/<input type="range"[^>]*>/g)].map((m) => m[0]);
    expect(sliders).toHaveLength(3);
    for (const [i, slider] of sliders.entries()) {
      expect(slider).toContain('min="0"');
      expect(slider).toContain('max="100"');
      const label = /aria-labelledby="([^"]+)"/.exec(slider)?.[1];
      expect(label).toBeTruthy();
      // the slider's name is the word, shown in full (wrapping, never clipped)
      expect(html).toMatch(new RegExp(`id="${label}"[^>]*>.*?${["mouse", "cheese", "something else"][i]}`));
    }
    expect(sliders[0]).toContain('value="34"');
    expect(html.match(/aria-label="More likely: /g)).toHaveLength(3);
  });
});

describe("the completion list", () => {
  it("makes the first word of each completion its only tab stop", () => {
    const sample = (index: number) => ({
      index,
      tokens: [1, 2, 3],
      probs: [0.5, 0.2, 0.01],
      labels: ["a", "big", "dog"],
    });
    const html = renderToStaticMarkup(
      <CompletionList completions={[sample(1), sample(0)]} prompt="once" onInspect={() => undefined} />,
    );
    expect(html.match(/<button[^>]*class="token[^"]*"/g)).toHaveLength(6);
    expect(html.match(/<button[^>]*tabindex="0"/g)).toHaveLength(2);
    expect(html.match(/<button[^>]*tabindex="-1"/g)).toHaveLength(4);
  });

  it("[RV1] carries no probability before the reveal (name, title, colour), and shows it after", () => {
    const sample = { index: 0, tokens: [1, 2], probs: [0.5, 0.02], labels: ["a", "dog"] };
    const list = (hideProbs: boolean) =>
      renderToStaticMarkup(
        <CompletionList
          completions={[sample]}
          prompt="once"
          onInspect={() => undefined}
          hideProbs={hideProbs}
        />,
      );
    const hidden = list(true);
    expect(hidden).not.toMatch(/probability|%|aria-label|title=|style=/);
    expect(hidden.match(/class="token plain"/g)).toHaveLength(2);
    const shown = list(false);
    expect(shown).toContain('aria-label="a, probability 50%"');
    expect(shown).toContain('aria-label="dog, probability 2%"');
    expect(shown.match(/style="background:/g)).toHaveLength(2);
    expect(shown).not.toContain("plain");
  });
});

function ModelLine({ id, name, description }: { id: string; name: string; description: string }) {
  const text = useModelText()({ id, name, description });
  return (
    <p>
      {text.name}: {text.description}
    </p>
  );
}

describe("model texts", () => {
  afterAll(() => i18next.changeLanguage("en"));

  it("are translated for the shipped models, and a trained model keeps the server's text", async () => {
    await loadLanguage("zh");
    expect(renderToStaticMarkup(<ModelLine id="toy" name="Toy" description="five words" />)).toContain(
      "玩具",
    );
    expect(renderToStaticMarkup(<ModelLine id="custom-1" name="Mine" description="my text" />)).toBe(
      "<p>Mine: my text</p>",
    );
  });
});
