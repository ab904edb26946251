/** Reads a streamed response body to its end, for the benchmarks' exports: its size and its line ends. */
export async function readStream(
  body: ReadableStream<Uint8Array>,
): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  for await (const data of body) {
    bytes += data.length;
    for (let i = 0; i < data.length; i++) if (data[i] === 10) lines++;
  }
  return { bytes, lines };
}
