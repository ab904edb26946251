/**
 * "Be the model" in real Chromium: the host pastes a text and runs a 5-word series on the tiny-stories trigram;
 * three phones forecast every word (a sharp guesser, a uniform guesser, a wrong guesser); every loss on the
 * phones and the projector, the class's and the model's averages and perplexities, and the leaderboard are
 * checked against values computed here, from the percentages the phones show and the model's own numbers.
 * Then a Chinese host and phone play a word of a held-out Chinese passage. Screenshots at 1920x1080 and
 * 390x844: bm-host-*.png, bm-phone-*.png, bm-zh-*.png.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  encodeText,
  type LanguageModel,
  ngramModel,
  parseNgramArtifact,
  tokenLabel,
} from "@tokenroom/shared";
import { ROOT, useE2eEnvironment } from "./harness.ts";
import { joinStudent, openHost, type Student, until, waitParticipants, WAIT_MS } from "./pages.ts";

const e2e = useE2eEnvironment();

const TEXT = "once upon a time there was a little girl named lily. she liked to play in the park.";
const WORDS = 5;
const CANDIDATES = 3; // k: k + 1 = 4 candidates and "something else", so the uniform guess is 20% each

const load = (id: string): LanguageModel =>
  ngramModel(
    parseNgramArtifact(JSON.parse(readFileSync(join(ROOT, "shared", "models", `${id}.json`), "utf8"))),
  );
const fmt3 = new Intl.NumberFormat("en", { maximumFractionDigits: 3 }).format;
const fmt2 = new Intl.NumberFormat("en", { maximumFractionDigits: 2 }).format;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** −log2 of the true word's share after flooring each probability at 0.001 and renormalising (SPEC [BM1]). */
function lossOf(percents: number[], trueIndex: number): number {
  const floored = percents.map((p) => Math.max(p / 100, 0.001));
  return -Math.log2(floored[trueIndex]! / floored.reduce((s, x) => s + x, 0));
}

/** The model's loss on `token` after `context`: its raw log-probabilities, normalised here (SPEC [BM3]). */
function modelLossOf(model: LanguageModel, context: number[], token: number): number {
  const lp = model.nextTokenLogProbs(context);
  let z = 0;
  for (const x of lp) if (x > -Infinity) z += Math.exp(x);
  return -Math.log2(Math.exp(lp[token]!) / z);
}

const press = async (page: Page, name: string, times: number) => {
  const button = page.getByRole("button", { name, exact: true });
  for (let i = 0; i < times; i++) await button.click({ timeout: WAIT_MS });
};

async function labelsOf(page: Page): Promise<string[]> {
  return (await page.locator(".stepper-label").allTextContents()).map((s) => s.trim());
}

async function percentsOf(page: Page, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      Number(
        (await page.getByTestId(`guess-value-${i}`).textContent({ timeout: WAIT_MS }))?.replace(/\D/g, ""),
      ),
    );
  return out;
}

const text = async (page: Page, testId: string) =>
  ((await page.getByTestId(testId).textContent({ timeout: WAIT_MS })) ?? "").trim();

describe('"be the model"', () => {
  it("plays 5 words with three phones and checks every loss, the perplexities and the leaderboard", async () => {
    const model = load("tiny-stories");
    const tokens = encodeText(model, TEXT);
    const first = tokens.length - WORDS;
    const { page: host, code, sessionId } = await openHost(e2e.browser, e2e.server.url);
    await host.setViewportSize({ width: 1920, height: 1080 });
    const names = ["Sharp", "Uniform", "Wrong"];
    const phones = await Promise.all(names.map((n) => joinStudent(e2e.browser, e2e.server.url, code, n)));
    const [sharp, , wrong] = phones as [Student, Student, Student];
    await waitParticipants(host, 3);

    await host.getByLabel("Model", { exact: true }).selectOption("tiny-stories", { timeout: WAIT_MS });
    await host.getByLabel("Be the model: predict a real text, word by word").check({ timeout: WAIT_MS });
    await host.getByLabel("Paste a text").check({ timeout: WAIT_MS });
    await host.getByLabel("Text (the class predicts its last words)").fill(TEXT, { timeout: WAIT_MS });
    await host.getByLabel("Words to predict").fill(String(WORDS), { timeout: WAIT_MS });
    await host.getByLabel("Candidates per word").fill(String(CANDIDATES), { timeout: WAIT_MS });
    await host.getByLabel("Candidates per word").blur();
    await host.screenshot({ path: join(e2e.shots, "bm-host-setup.png"), fullPage: true });
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });

    const losses = new Map<string, number[]>(names.map((n) => [n, []]));
    const modelLosses: number[] = [];
    const classLosses: number[] = [];
    for (let step = 0; step < WORDS; step++) {
      const status = `word ${step + 1} of ${WORDS}`;
      await host.getByText(status).waitFor({ timeout: WAIT_MS });
      await host.getByTestId("bemodel-progress").getByText("0 of 3 answered").waitFor({ timeout: WAIT_MS });
      const trueId = tokens[first + step]!;
      const trueLabel = tokenLabel(model, trueId);
      const context = tokens.slice(0, first + step);
      for (const s of phones) {
        await s.page.getByText(status).waitFor({ timeout: WAIT_MS });
        await s.page.getByRole("heading", { name: "What comes next?" }).waitFor({ timeout: WAIT_MS });
      }
      const labels = await labelsOf(sharp.page);
      expect(labels).toHaveLength(CANDIDATES + 2);
      const trueIndex = labels.indexOf(trueLabel);
      expect(trueIndex).toBeGreaterThanOrEqual(0); // [BM2] always a candidate
      const wrongLabel = labels.find((l, i) => i !== trueIndex && i < labels.length - 1)!;

      await press(sharp.page, `More likely: ${trueLabel}`, 12);
      await press(wrong.page, `More likely: ${wrongLabel}`, 16);
      const shown = new Map<string, number[]>();
      for (const s of phones) {
        shown.set(s.name, await percentsOf(s.page, labels.length));
        await s.page.getByRole("button", { name: "Submit guess" }).click({ timeout: WAIT_MS });
        await s.page.getByRole("button", { name: "Submitted ✓" }).waitFor({ timeout: WAIT_MS });
      }
      expect(shown.get("Uniform")).toEqual([20, 20, 20, 20, 20]);
      expect(shown.get("Sharp")![trueIndex]).toBe(80);
      expect(shown.get("Wrong")![labels.indexOf(wrongLabel)]).toBe(100);
      await host.getByTestId("bemodel-progress").getByText("3 of 3 answered").waitFor({ timeout: WAIT_MS });
      if (step === 0) {
        await host.screenshot({ path: join(e2e.shots, "bm-host-answering.png") });
        await sharp.page.screenshot({ path: join(e2e.shots, "bm-phone-editor.png") });
      }

      await host.getByRole("button", { name: "Reveal the word" }).click({ timeout: WAIT_MS });
      const word = names.map((n) => lossOf(shown.get(n)!, trueIndex));
      names.forEach((n, i) => losses.get(n)!.push(word[i]!));
      const modelLoss = modelLossOf(model, context, trueId);
      modelLosses.push(modelLoss);
      classLosses.push(mean(word));
      for (const [i, s] of phones.entries()) {
        await s.page.getByTestId("bemodel-result").waitFor({ timeout: WAIT_MS });
        expect(await text(s.page, "bemodel-loss")).toBe(fmt3(word[i]!));
        expect(await text(s.page, "bemodel-model-loss")).toBe(fmt3(modelLoss));
      }
      await until(
        async () => (await text(host, "bemodel-true")) === trueLabel,
        `the true word "${trueLabel}"`,
      );
      expect(await text(host, "bemodel-class-loss")).toBe(`${fmt3(mean(word))} bits`);
      expect(await text(host, "bemodel-model-loss")).toBe(`${fmt3(modelLoss)} bits`);
      if (step === 0) {
        await host.screenshot({ path: join(e2e.shots, "bm-host-reveal.png") });
        await wrong.page.screenshot({ path: join(e2e.shots, "bm-phone-result.png") });
      }
      if (step + 1 < WORDS) await host.getByRole("button", { name: "Next word" }).click({ timeout: WAIT_MS });
    }

    // averages and perplexities ([BM5]): class = mean of the students' losses per word, then over words
    const classAvg = mean(classLosses);
    const modelAvg = mean(modelLosses);
    const row = async (testId: string) =>
      (await host.getByTestId(testId).locator("td").allTextContents()).map((s) => s.trim());
    await until(
      async () => (await row("bemodel-avg-class"))[0] === fmt3(classAvg),
      "the class's average over 5 words",
    );
    expect(await row("bemodel-avg-class")).toEqual([fmt3(classAvg), fmt2(2 ** classAvg)]);
    expect(await row("bemodel-avg-model")).toEqual([fmt3(modelAvg), fmt2(2 ** modelAvg)]);
    const verdict = classAvg < modelAvg ? "The class is" : "The model is";
    await host.getByText(`${verdict} the better language model so far.`).waitFor({ timeout: WAIT_MS });

    // the leaderboard in bits: lowest average first, competition ranks
    const ranked = names.map((n) => ({ n, avg: mean(losses.get(n)!) })).sort((a, b) => a.avg - b.avg);
    const board = host.getByTestId("bemodel-leaderboard");
    expect(await board.locator("tbody th").allTextContents()).toEqual(ranked.map((r) => r.n));
    const rows = await board.locator("tbody tr").all();
    for (const [i, r] of ranked.entries()) {
      const cells = (await rows[i]!.locator("td").allTextContents()).map((s) => s.trim());
      expect(cells).toEqual([String(i + 1), fmt3(r.avg), fmt2(2 ** r.avg), `${WORDS} / ${WORDS}`]);
    }
    expect(ranked.map((r) => r.n)).toEqual(["Sharp", "Uniform", "Wrong"]);
    await host.getByRole("button", { name: "Last word" }).waitFor({ timeout: WAIT_MS });
    await host.screenshot({ path: join(e2e.shots, "bm-host-final.png") });
    await host.screenshot({ path: join(e2e.shots, "bm-host-final-full.png"), fullPage: true });
    await sharp.page.screenshot({ path: join(e2e.shots, "bm-phone-final.png"), fullPage: true });

    // stored and reviewed: one review panel per word, each student's loss as the phones showed it
    await host.goto(`${e2e.server.url}/sessions/${sessionId}/review`, { timeout: WAIT_MS });
    const words = host.getByTestId("review-be-model");
    await until(async () => (await words.count()) === WORDS, "five words in the review");
    const lastWord = (
      await words
        .nth(WORDS - 1)
        .locator("tbody td")
        .allTextContents()
    ).map((x) => x.trim());
    expect(lastWord).toEqual(ranked.map((r) => fmt3(losses.get(r.n)![WORDS - 1]!)));
    await host.screenshot({ path: join(e2e.shots, "bm-review.png") });
  }, 180_000);

  it("reads a held-out Chinese passage with a Chinese host and phone", async () => {
    const context = await e2e.browser.newContext({
      viewport: { width: 1920, height: 1080 },
      locale: "zh-CN",
    });
    const host = await context.newPage();
    await host.goto(`${e2e.server.url}/`, { timeout: WAIT_MS });
    await host.getByRole("button", { name: "创建课堂" }).click({ timeout: WAIT_MS });
    await host.waitForURL(/\/host\/[^/]+$/, { timeout: WAIT_MS });
    const code = (await host.getByTestId("room-code").textContent({ timeout: WAIT_MS }))?.trim() ?? "";
    const phoneContext = await e2e.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: "zh-CN",
    });
    const phone = await phoneContext.newPage();
    await phone.goto(`${e2e.server.url}/join/${code}`, { timeout: WAIT_MS });
    await phone.getByLabel("你的昵称").fill("小红", { timeout: WAIT_MS });
    await phone.getByRole("button", { name: "加入", exact: true }).click({ timeout: WAIT_MS });
    await waitParticipants(host, 1);

    await host.getByLabel("模型", { exact: true }).selectOption("zh-stories", { timeout: WAIT_MS });
    await host.getByLabel("当一回模型：逐字预测一段真实的文字").check({ timeout: WAIT_MS });
    await host.getByLabel("要预测的字词数").fill("2", { timeout: WAIT_MS });
    await host.getByLabel("每个位置的候选数").fill("3", { timeout: WAIT_MS });
    await host.getByLabel("每个位置的候选数").blur();
    await host.getByRole("button", { name: "开始这一轮" }).click({ timeout: WAIT_MS });
    await phone.getByRole("heading", { name: "下一个是什么？" }).waitFor({ timeout: WAIT_MS });
    const passage = await text(phone, "bemodel-phone-text");
    expect(passage).toMatch(/\p{Script=Han}/u);
    await phone.getByRole("button", { name: "提交猜测" }).click({ timeout: WAIT_MS });
    await host.getByTestId("bemodel-progress").getByText("1 / 1 人已作答").waitFor({ timeout: WAIT_MS });
    await host.screenshot({ path: join(e2e.shots, "bm-zh-host-answering.png") });
    await phone.screenshot({ path: join(e2e.shots, "bm-zh-phone-editor.png") });
    await host.getByRole("button", { name: "揭晓这个字词" }).click({ timeout: WAIT_MS });
    await phone.getByTestId("bemodel-result").waitFor({ timeout: WAIT_MS });
    // the untouched (uniform) guess over 5 outcomes (4 candidates + something else) costs log2 5 bits
    const even = await phone.getByTestId("bemodel-loss").textContent({ timeout: WAIT_MS });
    expect(even?.trim()).toBe(
      new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 3 }).format(Math.log2(5)),
    );
    await host.getByText("全班的损失").waitFor({ timeout: WAIT_MS });
    await host.screenshot({ path: join(e2e.shots, "bm-zh-host-reveal.png") });
    await phone.screenshot({ path: join(e2e.shots, "bm-zh-phone-result.png") });
  });
});
