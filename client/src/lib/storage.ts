/**
 * localStorage, typed and failure-tolerant (private browsing, quota): a failed read is "nothing stored",
 * a failed write is reported to the caller, never thrown.
 */

const PREFIX = "tokenroom:";

function store(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function readJson<T>(key: string, isValid: (value: unknown) => value is T): T | null {
  try {
    const raw = store()?.getItem(PREFIX + key);
    if (raw == null) return null;
    const value: unknown = JSON.parse(raw);
    return isValid(value) ? value : null;
  } catch {
    return null;
  }
}

/** True when the value was stored. */
export function writeJson(key: string, value: unknown): boolean {
  try {
    store()?.setItem(PREFIX + key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function removeKey(key: string): void {
  try {
    store()?.removeItem(PREFIX + key);
  } catch {
    // nothing to do: storage is unavailable
  }
}

/** Keys (without the prefix) that start with `prefix`. */
export function keysWithPrefix(prefix: string): string[] {
  const s = store();
  if (!s) return [];
  const keys: string[] = [];
  try {
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (key?.startsWith(PREFIX + prefix)) keys.push(key.slice(PREFIX.length));
    }
  } catch {
    return [];
  }
  return keys;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;

// ---- host keys (per session) ----

export interface HostCredentials {
  sessionId: string;
  hostKey: string;
  code: string;
}

const isHostCredentials = (v: unknown): v is HostCredentials =>
  isObject(v) && isString(v.sessionId) && isString(v.hostKey) && isString(v.code);

export const hostCredentials = {
  get: (sessionId: string) => readJson(`host:${sessionId}`, isHostCredentials),
  set: (c: HostCredentials) => writeJson(`host:${c.sessionId}`, c),
  /** Every session this browser hosted (the "My sessions" page). */
  all: (): HostCredentials[] =>
    keysWithPrefix("host:")
      .map((key) => readJson(key, isHostCredentials))
      .filter((c): c is HostCredentials => c !== null),
  forget: (sessionId: string) => removeKey(`host:${sessionId}`),
};

// ---- student join tokens (per room code) ----

export interface StudentCredentials {
  participantId: string;
  resumeToken: string;
}

const isStudentCredentials = (v: unknown): v is StudentCredentials =>
  isObject(v) && isString(v.participantId) && isString(v.resumeToken);

export const studentCredentials = {
  get: (code: string) => readJson(`student:${code}`, isStudentCredentials),
  set: (code: string, c: StudentCredentials) => writeJson(`student:${code}`, c),
  clear: (code: string) => removeKey(`student:${code}`),
};
