/**
 * The instance's ADMIN_TOKEN, typed on /admin: kept in sessionStorage only (this tab, until it closes),
 * never in localStorage, so it does not outlive the admin's visit.
 */
const KEY = "tokenroom:adminToken";

function store(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

export const adminToken = {
  get(): string | null {
    try {
      const value = store()?.getItem(KEY);
      return value ? value : null;
    } catch {
      return null;
    }
  },
  set(token: string): void {
    try {
      store()?.setItem(KEY, token);
    } catch {
      // storage unavailable: the token lives in the page's state only
    }
  },
  clear(): void {
    try {
      store()?.removeItem(KEY);
    } catch {
      // nothing to do
    }
  },
};
