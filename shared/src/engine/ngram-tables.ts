/**
 * The count tables of the interpolated Kneser-Ney model (SPEC.md [NG3] [NG4]): the highest order's raw counts as an
 * artifact stores them, the continuation counts of the lower orders, and each order's discount. ngram-train.ts
 * counts and discounts with them; ngram-compile.ts indexes them.
 */

/** Distinct n-grams of one order, flat and sorted lexicographically, with their (raw or continuation) counts. */
export interface NgramTable {
  readonly n: number;
  readonly ids: Int32Array;
  readonly counts: Float64Array;
}

/** The highest-order table of an artifact (its counts as stored). */
export function topTable(order: number, flat: readonly number[]): NgramTable {
  const width = order + 1;
  const size = flat.length / width;
  const ids = new Int32Array(size * order);
  const counts = new Float64Array(size);
  for (let g = 0; g < size; g++) {
    for (let j = 0; j < order; j++) ids[g * order + j] = flat[g * width + j]!;
    counts[g] = flat[g * width + order]!;
  }
  return { n: order, ids, counts };
}

/** Order n − 1 from order n: the distinct suffixes, each counted by how many n-grams end with it (N1+(• s)). */
export function continuationTable(table: NgramTable): NgramTable {
  const { n, ids } = table;
  const m = n - 1;
  const size = table.counts.length;
  const order = Array.from({ length: size }, (_, g) => g);
  order.sort((a, b) => {
    for (let k = 1; k < n; k++) {
      const d = ids[a * n + k]! - ids[b * n + k]!;
      if (d !== 0) return d;
    }
    return 0;
  });
  const outIds: number[] = [];
  const outCounts: number[] = [];
  let previous = -1;
  for (const g of order) {
    const same = previous >= 0 && sameSuffix(ids, n, previous, g);
    if (same) outCounts[outCounts.length - 1]! += 1;
    else {
      for (let k = 1; k < n; k++) outIds.push(ids[g * n + k]!);
      outCounts.push(1);
    }
    previous = g;
  }
  return { n: m, ids: Int32Array.from(outIds), counts: Float64Array.from(outCounts) };
}

function sameSuffix(ids: Int32Array, n: number, a: number, b: number): boolean {
  for (let k = 1; k < n; k++) if (ids[a * n + k] !== ids[b * n + k]) return false;
  return true;
}

/** Tables for orders 1..N (index n − 1): raw counts at N, continuation counts below. */
export function allTables(order: number, flat: readonly number[]): NgramTable[] {
  const tables: NgramTable[] = [topTable(order, flat)];
  while (tables[0]!.n > 1) tables.unshift(continuationTable(tables[0]!));
  return tables;
}

/** D = n1 / (n1 + 2 n2) from the count-of-counts, clamped to [0.1, 0.9] (0.5 if there is no n1 or n2). */
export function discountFor(counts: Float64Array): number {
  let n1 = 0;
  let n2 = 0;
  for (const c of counts) {
    if (c === 1) n1++;
    else if (c === 2) n2++;
  }
  const d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  return Math.min(0.9, Math.max(0.1, d));
}
