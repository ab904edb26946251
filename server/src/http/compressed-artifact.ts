/**
 * A model artifact as sent to phones: Brotli or gzip by the request's Accept-Encoding, compressed once per
 * loaded model (on libuv's thread pool, never on the event loop) and kept as long as the model stays loaded.
 * The shipped tiny-stories artifact is 359 KB of JSON, 82 KB as Brotli.
 */
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Request, Response } from "express";
import type { RegisteredModel } from "../models/registry.ts";

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

interface Compressed {
  br: Buffer;
  gzip: Buffer;
}

/** Keyed by the registry's entry: a model evicted from the registry takes its compressed copies with it. */
const compressed = new WeakMap<RegisteredModel, Promise<Compressed>>();

/** Brotli's best quality up to 1 MB (about a second of one pool thread for 359 KB), quality 9 above. */
const brotliQuality = (bytes: number) => (bytes <= 1024 * 1024 ? constants.BROTLI_MAX_QUALITY : 9);

function compress(entry: RegisteredModel, json: string): Promise<Compressed> {
  let done = compressed.get(entry);
  if (!done) {
    const data = Buffer.from(json);
    done = Promise.all([
      brotli(data, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: brotliQuality(data.length),
          [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
      gzipped(data, { level: 9 }),
    ]).then(([br, gz]) => ({ br, gzip: gz }));
    compressed.set(entry, done);
    done.catch(() => compressed.delete(entry));
  }
  return done;
}

/**
 * Sends `json`, the artifact of `entry` (the registry's own object: the key of the compressed copies), in the
 * best encoding the client accepts; headers other than these are the caller's.
 */
export async function sendArtifact(
  req: Request,
  res: Response,
  entry: RegisteredModel,
  json: string,
): Promise<void> {
  res.setHeader("Vary", "Accept-Encoding");
  res.type("application/json");
  // the smaller one whenever it is accepted at all (negotiating among several would follow the client's order,
  // and Chromium lists gzip first)
  const encoding = req.acceptsEncodings("br") ? "br" : req.acceptsEncodings("gzip") ? "gzip" : undefined;
  if (encoding) {
    const body = (await compress(entry, json))[encoding];
    res.setHeader("Content-Encoding", encoding);
    res.send(body);
    return;
  }
  res.send(json);
}
