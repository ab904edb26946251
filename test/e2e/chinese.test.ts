/**
 * A bilingual classroom in real Chromium: the host switches the interface to Chinese and starts a round on
 * the Chinese character model ("今天天气很"); a phone whose browser prefers zh-CN joins in Chinese, samples,
 * and the host counts exactly what it acknowledged. Then the host trains a model on an uploaded .txt and
 * starts a round on it. Screenshots: zh-landing, zh-phone-join, zh-host-setup, zh-phone, zh-phone-class-chart,
 * zh-host-live, zh-host-train-panel and zh-host-trained (.png).
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import { type Student, until, waitAcked, waitHostN, waitParticipants, WAIT_MS } from "./pages.ts";

const e2e = useE2eEnvironment();

/** Two CJK characters with a space between them: Chinese text that was joined like English. */
const SPACED_CJK = /\p{Script=Han} +\p{Script=Han}/u;

const click = (page: Page, name: string) =>
  page.getByRole("button", { name, exact: true }).click({ timeout: WAIT_MS });

/** An English browser that switches to Chinese on the start page, then hosts a session. */
async function openChineseHost(): Promise<{ host: Page; code: string }> {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  const host = await context.newPage();
  await host.goto(`${e2e.server.url}/`, { timeout: WAIT_MS });
  await host.getByRole("button", { name: "Host a session" }).waitFor({ timeout: WAIT_MS });
  await host.getByTestId("language-switcher").selectOption("zh", { timeout: WAIT_MS });
  await host.getByRole("heading", { name: "开始上课" }).waitFor({ timeout: WAIT_MS });
  await host.screenshot({ path: join(e2e.shots, "zh-landing.png") });
  await click(host, "创建课堂");
  await host.waitForURL(/\/host\/[^/]+$/, { timeout: WAIT_MS });
  const code = (await host.getByTestId("room-code").textContent({ timeout: WAIT_MS }))?.trim() ?? "";
  expect(await host.evaluate<string | null>(`document.documentElement.lang`)).toBe("zh-CN");
  return { host, code };
}

/** A phone whose browser prefers Chinese: it never touched the switcher, and joins in Chinese. */
async function joinChinesePhone(code: string, name: string): Promise<Student> {
  const context = await e2e.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    locale: "zh-CN",
  });
  const page = await context.newPage();
  await page.goto(`${e2e.server.url}/join/${code}`, { timeout: WAIT_MS });
  await page.getByLabel("你的昵称").fill(name, { timeout: WAIT_MS });
  await page.screenshot({ path: join(e2e.shots, "zh-phone-join.png") });
  await click(page, "加入");
  await page.getByText(`${name}，你已进入房间！`).waitFor({ timeout: WAIT_MS });
  return { context, page, name, scripts: new Set() };
}

async function sampleTimes(page: Page, label: "采样" | "采样 10 次", times: number): Promise<void> {
  for (let i = 0; i < times; i++) await click(page, label);
}

describe("a bilingual classroom", () => {
  let host: Page;
  let phone: Student;

  it("runs a round on the Chinese model with a Chinese host and a Chinese phone", async () => {
    let code: string;
    ({ host, code } = await openChineseHost());
    phone = await joinChinesePhone(code, "小明");
    await waitParticipants(host, 1);

    await host.getByLabel("模型", { exact: true }).selectOption("zh-stories", { timeout: WAIT_MS });
    await host.getByLabel("提示词", { exact: true }).fill("今天天气很", { timeout: WAIT_MS });
    // the token preview: one chip per character
    await until(
      async () => (await host.locator(".token-chips li").allTextContents()).join("|") === "今|天|天|气|很",
      "five character tokens",
    );
    await host.getByText("模型卡片").click({ timeout: WAIT_MS });
    expect(await host.getByTestId("card-vocab").textContent()).toBe("1,225 个词元");
    expect(await host.getByTestId("card-perplexity").textContent()).toMatch(/^30\.74（/);
    await host.locator(".theory-preview .ms-bars").waitFor({ timeout: WAIT_MS });
    await host.screenshot({ path: join(e2e.shots, "zh-host-setup.png"), fullPage: true });
    await click(host, "开始这一轮");

    const p = phone.page;
    await p.getByText("第 1 轮：提示词").waitFor({ timeout: WAIT_MS });
    expect(await p.locator(".prompt-text").textContent()).toBe("今天天气很");
    await sampleTimes(p, "采样", 3);
    // the KL chart draws from its second point on: the class's N must be seen at two values (3, then 13), not
    // only once if all 13 samples land within one statistics tick
    await waitAcked(p, 3);
    await waitHostN(host, 3);
    await sampleTimes(p, "采样 10 次", 1);
    await waitAcked(p, 13);
    await waitHostN(host, 13);

    // Chinese completions read without spaces: tokens touch, the announced text has no gaps
    expect(await p.locator(".completion .token.joined").count()).toBeGreaterThan(0);
    const announced = (await p.locator(".completions [aria-live]").textContent()) ?? "";
    expect(announced).toMatch(/^第 13 个样本：/);
    expect(announced).not.toMatch(SPACED_CJK);

    await click(host, "揭晓");
    await p.getByText("采样器（精确值）").first().waitFor({ timeout: WAIT_MS });
    await host.getByText("纯随机时的期望值", { exact: true }).waitFor({ timeout: WAIT_MS });
    const completions = await host.locator(".completion-text").allTextContents();
    expect(completions.length).toBeGreaterThan(0);
    for (const text of completions) expect(text).not.toMatch(SPACED_CJK);

    await p.screenshot({ path: join(e2e.shots, "zh-phone.png") });
    await p.getByTestId("class-chart").scrollIntoViewIfNeeded({ timeout: WAIT_MS });
    await p.screenshot({ path: join(e2e.shots, "zh-phone-class-chart.png") });
    await host.screenshot({ path: join(e2e.shots, "zh-host-live.png"), fullPage: true });
    // each browser keeps its own choice: the phone detected Chinese, the host chose it
    expect(await host.evaluate<string | null>(`localStorage.getItem("tokenroom:language")`)).toBe('"zh"');
    expect(await p.evaluate<string | null>(`localStorage.getItem("tokenroom:language")`)).toBeNull();
  });

  it("trains a model on an uploaded text and starts a round with it", async () => {
    await click(host, "新一轮");
    await host.getByText("用你自己的文本训练模型").click({ timeout: WAIT_MS });
    const upload = host.getByLabel("上传 .txt 文件");

    // over 2 MB: refused before uploading
    await upload.setInputFiles({
      name: "big.txt",
      mimeType: "text/plain",
      buffer: Buffer.alloc(2 * 1024 * 1024 + 10, "a"),
    });
    expect(await host.getByTestId("train-error").textContent({ timeout: WAIT_MS })).toContain("2 MB");

    const lines = [
      "小猫在花园里玩球。",
      "小狗在门口等妈妈回家。",
      "今天天气很好，我们去公园看花。",
      "妈妈做了红烧鱼，爸爸说真好吃。",
      "晚上星星很亮，奶奶给我讲故事。",
    ];
    const text = Array.from({ length: 6 }, () => lines.join("\n")).join("\n");
    await upload.setInputFiles({
      name: "我的故事.txt",
      mimeType: "text/plain",
      buffer: Buffer.from(text, "utf8"),
    });
    await host.getByTestId("train-file").getByText("我的故事.txt").waitFor({ timeout: WAIT_MS });
    await host.locator(".train-panel").screenshot({ path: join(e2e.shots, "zh-host-train-panel.png") });
    expect(await host.getByLabel("按字：适用于中文和日文").isChecked({ timeout: WAIT_MS })).toBe(true);
    await click(host, "训练模型");
    await host.getByText(/^已训练好“/).waitFor({ timeout: 30_000 });

    const picked = await host.getByLabel("模型", { exact: true }).inputValue();
    expect(picked).toMatch(/^custom-/);
    expect(await host.getByLabel("提示词", { exact: true }).inputValue()).toBe("小猫在花");
    await host.getByText("模型卡片").click({ timeout: WAIT_MS });
    expect(await host.getByTestId("card-order").textContent()).toMatch(/^4-gram/);
    await host.locator(".theory-preview .ms-bars").waitFor({ timeout: WAIT_MS });
    await host.screenshot({ path: join(e2e.shots, "zh-host-trained.png"), fullPage: true });
    await click(host, "开始这一轮");

    const p = phone.page;
    await p.getByText("第 2 轮：提示词").waitFor({ timeout: WAIT_MS });
    await sampleTimes(p, "采样 10 次", 1);
    await waitAcked(p, 10);
    await waitHostN(host, 10);
  });
});
