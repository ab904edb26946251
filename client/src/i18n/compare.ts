/** Compares two catalogues: the same keys (deeply), and the same {{variables}} in every string. */

export type CatalogueTree = { readonly [key: string]: string | CatalogueTree };

/** Every string of a catalogue by its dotted key. */
export function leaves(tree: CatalogueTree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

/** The interpolation variables of a string, sorted: "{{count, number}} of {{total}}" → ["count", "total"]. */
export function variables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\{\{\s*([^,}\s]+)[^}]*\}\}/g)) names.add(m[1]!);
  return [...names].sort();
}

/** What differs, one line per problem (empty when the catalogues match). */
export function compareCatalogues(
  a: CatalogueTree,
  b: CatalogueTree,
  names: [string, string] = ["a", "b"],
): string[] {
  const la = leaves(a);
  const lb = leaves(b);
  const problems: string[] = [];
  for (const key of la.keys()) if (!lb.has(key)) problems.push(`${key}: missing from ${names[1]}`);
  for (const key of lb.keys()) if (!la.has(key)) problems.push(`${key}: missing from ${names[0]}`);
  for (const [key, textA] of la) {
    const textB = lb.get(key);
    if (textB === undefined) continue;
    const va = variables(textA).join(", ");
    const vb = variables(textB).join(", ");
    if (va !== vb) problems.push(`${key}: variables {${va}} in ${names[0]} but {${vb}} in ${names[1]}`);
    if (textB.trim() === "") problems.push(`${key}: empty in ${names[1]}`);
    if (textA.trim() === "") problems.push(`${key}: empty in ${names[0]}`);
  }
  return problems;
}
