/**
 * Newline-delimited JSON (NDJSON) from a byte stream: one JSON value per line. Bytes are decoded as UTF-8
 * across chunk boundaries (a character split between two chunks is joined), blank lines are skipped, and a
 * last line without its newline still counts.
 */

/** Splits text that arrives in pieces into whole lines. */
export class LineSplitter {
  private rest = "";

  /** The lines completed by `chunk`. */
  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split("\n");
    this.rest = parts.pop() ?? "";
    return parts;
  }

  /** What is left once the stream has ended (a last line without a newline). */
  end(): string[] {
    const last = this.rest;
    this.rest = "";
    return last === "" ? [] : [last];
  }
}

/** A line that is not JSON. */
export class NdjsonError extends Error {
  constructor(readonly line: string) {
    super(`not a JSON line: ${line.slice(0, 80)}`);
    this.name = "NdjsonError";
  }
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    throw new NdjsonError(line);
  }
}

/** Yields the JSON value of every non-blank line of `stream`; throws NdjsonError at a line that is not JSON. */
export async function* readNdjson(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<unknown, void, undefined> {
  const reader = stream.getReader();
  const decoder = new TextDecoder("utf-8");
  const lines = new LineSplitter();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (const line of [...lines.push(text), ...(done ? lines.end() : [])]) {
        if (line.trim() !== "") yield parse(line);
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
