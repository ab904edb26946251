/** Writing a long response piece by piece: waits for 'drain' when the socket is full, stops if the client left. */
import type { Response } from "express";

export class ClientGone extends Error {
  constructor() {
    super("the client closed the connection");
  }
}

export class StreamOut {
  private gone = false;

  constructor(private readonly res: Response) {
    res.once("close", () => (this.gone = true));
  }

  /** Writes one chunk; resolves when the response can take more (backpressure). */
  async write(chunk: string): Promise<void> {
    if (this.gone || this.res.destroyed) throw new ClientGone();
    if (chunk.length === 0 || this.res.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.res.off("drain", done);
        this.res.off("close", closed);
        resolve();
      };
      const closed = () => {
        this.res.off("drain", done);
        this.res.off("close", closed);
        reject(new ClientGone());
      };
      this.res.on("drain", done);
      this.res.on("close", closed);
    });
  }

  end(): void {
    if (!this.gone) this.res.end();
  }
}

/**
 * [EX3] Cuts long synchronous work (formatting an export page: decoding texts, scoring completions) into slices of
 * about `sliceMs`: between rows, `if (slices.due) await slices.next()` yields the event loop (setImmediate), so a
 * large export never holds it for long.
 */
export class Slices {
  private start = performance.now();

  constructor(private readonly sliceMs = 8) {}

  get due(): boolean {
    return performance.now() - this.start >= this.sliceMs;
  }

  async next(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}

/**
 * Writes every item of `pages` as `row(item)`, page by page: one write per page, and one more each time a slice
 * ends ([EX3]), before yielding the event loop. Returns the number of items written.
 */
export async function writePages<T>(
  out: StreamOut,
  pages: AsyncIterable<T[]>,
  slices: Slices,
  row: (item: T) => string,
): Promise<number> {
  let written = 0;
  for await (const page of pages) {
    let chunk = "";
    for (const item of page) {
      chunk += row(item);
      if (slices.due) {
        await out.write(chunk);
        chunk = "";
        await slices.next();
      }
    }
    written += page.length;
    await out.write(chunk);
  }
  return written;
}
