/**
 * argv parsing for the engine CLI over node's `util.parseArgs`: `--flag value`, `--flag=value`, boolean
 * `--flag`, positionals. Unknown flags, missing values and extra positionals are UserErrors with a hint.
 */
import { parseArgs as parseArgv } from "node:util";
import type { DecodingSettings } from "../../src/engine/types.ts";
import { UserError } from "./errors.ts";

export type FlagKind = "string" | "boolean";

export interface CommandSpec {
  readonly name: string;
  readonly flags: Readonly<Record<string, FlagKind>>;
  /** Names of the positional arguments, in order (all required). */
  readonly positionals?: readonly string[];
}

export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, string | true>;
  readonly positionals: readonly string[];
}

/** Where a command writes its output, one call per line (or block): stdout in the CLI. */
export type Print = (text: string) => void;

const HELP_HINT = 'run "pnpm engine help" for usage';

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  // node's parser splits the words; what is allowed, and the messages, stay the CLI's own (UserErrors with hints)
  const { tokens } = parseArgv({
    args: [...argv],
    options: Object.fromEntries(Object.entries(spec.flags).map(([name, type]) => [name, { type }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    const name = token.kind === "option" ? token.name : "";
    const kind = spec.flags[name];
    if (kind === undefined || (token.kind === "option" && !token.rawName.startsWith("--"))) {
      const raw = token.kind === "option" ? token.rawName : "--";
      throw new UserError(`unknown flag ${raw} for "${spec.name}"`, `${spec.name} takes ${flagList(spec)}`);
    }
    if (token.kind !== "option") continue; // not reached: "--" is no flag of any command
    if (kind === "boolean") {
      if (token.inlineValue) throw new UserError(`--${name} takes no value`, `write just --${name}`);
      flags.set(name, true);
      continue;
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && value.startsWith("--"))) {
      throw new UserError(`--${name} needs a value`, `e.g. --${name} <value>`);
    }
    flags.set(name, value);
  }
  const expected = spec.positionals ?? [];
  if (positionals.length > expected.length) {
    throw new UserError(
      `unexpected argument "${positionals[expected.length]}" for "${spec.name}"`,
      HELP_HINT,
    );
  }
  if (positionals.length < expected.length) {
    throw new UserError(`"${spec.name}" needs <${expected[positionals.length]}>`, HELP_HINT);
  }
  return { flags, positionals };
}

function flagList(spec: CommandSpec): string {
  const names = Object.keys(spec.flags).map((f) => `--${f}`);
  return names.length > 0 ? names.join(", ") : "no flags";
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : undefined;
}

export function requiredFlag(args: ParsedArgs, name: string, example: string): string {
  const value = stringFlag(args, name);
  if (value === undefined) throw new UserError(`missing --${name}`, `e.g. --${name} ${example}`);
  return value;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

/** An integer flag in [min, max]. */
export function integerFlag(
  args: ParsedArgs,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = stringFlag(args, name);
  if (raw === undefined) return fallback;
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new UserError(
      `--${name} must be an integer in [${min}, ${max}], got "${raw}"`,
      `e.g. --${name} ${fallback}`,
    );
  }
  return value;
}

/** --temperature, --top-k, --top-p, validated with hints. Defaults: 1, 0 (off), 1 (off). */
export function settingsFromArgs(args: ParsedArgs): DecodingSettings {
  const number = (name: string): number | undefined => {
    const raw = stringFlag(args, name);
    if (raw === undefined) return undefined;
    const value = raw.trim() === "" ? NaN : Number(raw);
    if (!Number.isFinite(value))
      throw new UserError(`--${name} must be a number, got "${raw}"`, `e.g. --${name} 1`);
    return value;
  };
  const temperature = number("temperature") ?? 1;
  const topK = number("top-k") ?? 0;
  const topP = number("top-p") ?? 1;
  if (temperature < 0) {
    throw new UserError(
      `temperature must be >= 0, got ${temperature}`,
      "0 is greedy, 1 is the model's own distribution",
    );
  }
  if (!(Number.isInteger(topK) && topK >= 0)) {
    throw new UserError(
      `top-k must be a non-negative integer, got ${topK}`,
      "e.g. --top-k 10; 0 turns it off",
    );
  }
  if (!(topP > 0 && topP <= 1)) {
    throw new UserError(`top-p must be in (0, 1], got ${topP}`, "e.g. --top-p 0.9; 1 turns it off");
  }
  return { temperature, topK, topP };
}
