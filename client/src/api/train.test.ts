import { describe, expect, it, vi } from "vitest";
import { LineSplitter, NdjsonError, readNdjson } from "./ndjson.ts";
import { parseTrainMessage, trainModel } from "./train.ts";

/** A byte stream that delivers `chunks` one read at a time. */
function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of readNdjson(stream)) out.push(v);
  return out;
}

const MODEL = {
  id: "custom-abc",
  name: "你的文本：今天天气很好",
  description: "",
  hash: "h",
  vocabSize: 120,
  order: 4,
  tokenizer: "char",
};

describe("NDJSON", () => {
  it("splits lines across chunks and keeps a last line without a newline", () => {
    const s = new LineSplitter();
    expect(s.push('{"a":')).toEqual([]);
    expect(s.push('1}\n{"b"')).toEqual(['{"a":1}']);
    expect(s.push(":2}\n\n")).toEqual(['{"b":2}', ""]);
    expect(s.push('{"c":3}')).toEqual([]);
    expect(s.end()).toEqual(['{"c":3}']);
    expect(s.end()).toEqual([]);
  });

  it("decodes UTF-8 characters split between chunks and skips blank lines", async () => {
    const bytes = new TextEncoder().encode(
      `{"stage":"counting","progress":0.5}\n\n${JSON.stringify({ model: MODEL })}`,
    );
    const cut = bytes.indexOf(0xe5) + 1; // inside the first Chinese character
    const values = await collect(streamOf([bytes.slice(0, 7), bytes.slice(7, cut), bytes.slice(cut)]));
    expect(values).toEqual([{ stage: "counting", progress: 0.5 }, { model: MODEL }]);
  });

  it("throws NdjsonError on a line that is not JSON", async () => {
    await expect(collect(streamOf(['{"ok":1}\n', "<html>\n"]))).rejects.toBeInstanceOf(NdjsonError);
  });

  it("recognises the three kinds of message and nothing else", () => {
    expect(parseTrainMessage({ stage: "held-out", progress: 1.2 })).toEqual({
      type: "progress",
      stage: "held-out",
      progress: 1,
    });
    expect(parseTrainMessage({ model: MODEL })).toEqual({ type: "model", model: MODEL });
    expect(parseTrainMessage({ error: { code: "BAD_REQUEST", message: "too short" } })).toEqual({
      type: "error",
      error: { code: "BAD_REQUEST", message: "too short" },
    });
    for (const v of [null, 3, {}, { stage: "x" }, { model: { id: 1 } }, { error: "no" }])
      expect(parseTrainMessage(v)).toBeNull();
  });
});

describe("trainModel", () => {
  const auth = { sessionId: "s1", hostKey: "k1" };
  const request = { text: "今天天气很好。\n我们去公园。", tokenizer: "char" as const, order: 4 };
  /** trainModel over a fetch that answers (or fails) with `fetched`, without progress or cancellation. */
  const trainOver = (fetched: () => Promise<Response>) =>
    trainModel(request, auth, () => {}, undefined, fetched);

  it("posts the text with the host's credentials, reports progress, and returns the model", async () => {
    const body = streamOf([
      '{"stage":"tokenizing","progress":0.05}\n{"stage":"count',
      'ing","progress":0.4}\n',
      `${JSON.stringify({ model: MODEL })}\n`,
    ]);
    const fetchImpl = vi
      .fn<typeof fetch>()
      .mockResolvedValue(
        new Response(body, { status: 200, headers: { "content-type": "application/x-ndjson" } }),
      );
    const progress: [string, number][] = [];
    const outcome = await trainModel(
      request,
      auth,
      (stage, p) => progress.push([stage, p]),
      undefined,
      fetchImpl,
    );
    expect(outcome).toEqual({ ok: true, model: MODEL });
    expect(progress).toEqual([
      ["tokenizing", 0.05],
      ["counting", 0.4],
    ]);
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe("/api/models/train");
    expect(init?.method).toBe("POST");
    expect(init?.headers).toMatchObject({
      authorization: "Bearer k1",
      "x-session-id": "s1",
      "content-type": "application/json",
    });
    expect(JSON.parse(init?.body as string)).toEqual(request);
  });

  it("returns a streamed error as given", async () => {
    const body = streamOf([
      '{"stage":"tokenizing","progress":0.01}\n{"error":{"code":"BAD_REQUEST","message":"this text has 3 tokens"}}\n',
    ]);
    const outcome = await trainOver(() => Promise.resolve(new Response(body)));
    expect(outcome).toEqual({ ok: false, error: { code: "BAD_REQUEST", message: "this text has 3 tokens" } });
  });

  it("returns the JSON error of a refused request, or describes a body that is not one", async () => {
    const refused = new Response(
      JSON.stringify({ error: { code: "FORBIDDEN", message: "this key does not open that session" } }),
      { status: 403 },
    );
    expect(await trainOver(() => Promise.resolve(refused))).toEqual({
      ok: false,
      error: { code: "FORBIDDEN", message: "this key does not open that session" },
    });
    const proxy = new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" });
    expect(await trainOver(() => Promise.resolve(proxy))).toEqual({
      ok: false,
      error: { code: "BAD_RESPONSE", message: "HTTP 502 Bad Gateway" },
    });
  });

  it("tells a stream that stops early, a network failure and a cancellation apart", async () => {
    const early = await trainOver(() =>
      Promise.resolve(new Response(streamOf(['{"stage":"counting","progress":0.2}\n']))),
    );
    expect(early).toMatchObject({ ok: false, error: { code: "STREAM_ENDED" } });
    const offline = await trainOver(() => Promise.reject(new TypeError("fetch failed")));
    expect(offline).toMatchObject({ ok: false, error: { code: "OFFLINE" } });
    const controller = new AbortController();
    controller.abort();
    const cancelled = await trainModel(
      request,
      auth,
      () => {},
      controller.signal,
      () => Promise.reject(new DOMException("aborted", "AbortError")),
    );
    expect(cancelled).toMatchObject({ ok: false, error: { code: "CANCELLED" } });
  });
});
