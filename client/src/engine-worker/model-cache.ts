/**
 * Loads a model once: built-ins from the bundle; artifacts from /api/models/:id?v=<hash>, kept by hash in
 * the Cache Storage API (secure contexts) or IndexedDB (phones on plain-http LAN addresses have no `caches`).
 * Used by the engine worker and by the host's preview; works in both scopes.
 */
import { builtinModel, type LanguageModel, modelFromArtifact } from "@tokenroom/shared";
import type { ModelCredentials, ModelRef } from "./messages.ts";

const CACHE_NAME = "tokenroom-models-v1";
const DB_NAME = "tokenroom";
const STORE = "models";

const loaded = new Map<string, Promise<LanguageModel>>();

export const artifactUrl = (ref: ModelRef) =>
  `/api/models/${encodeURIComponent(ref.id)}?v=${encodeURIComponent(ref.hash)}`;

/** The headers that carry model credentials (none for shipped models). */
export function credentialHeaders(auth: ModelCredentials | undefined): Record<string, string> {
  if (!auth) return {};
  return "hostKey" in auth
    ? { authorization: `Bearer ${auth.hostKey}`, "x-session-id": auth.sessionId }
    : { authorization: `Bearer ${auth.resumeToken}`, "x-participant-id": auth.participantId };
}

/** The model `ref` names, loaded at most once per scope; rejects with a one-line Error. */
export function loadModel(ref: ModelRef): Promise<LanguageModel> {
  const key = `${ref.id}@${ref.hash}`;
  let model = loaded.get(key);
  if (!model) {
    model = load(ref);
    loaded.set(key, model);
    model.catch(() => loaded.delete(key));
  }
  return model;
}

async function load(ref: ModelRef): Promise<LanguageModel> {
  const builtin = builtinModel(ref.id);
  if (builtin) return checked(builtin, ref);
  const cached = await cachedText(ref);
  if (cached !== null) {
    try {
      return checked(modelFromArtifact(JSON.parse(cached)), ref);
    } catch {
      await forget(ref).catch(() => undefined); // a damaged cache entry: fetch afresh
    }
  }
  const res = await fetch(artifactUrl(ref), { headers: credentialHeaders(ref.auth) });
  if (!res.ok) throw new Error(`model ${ref.id}: HTTP ${res.status}`);
  const text = await res.text();
  const model = checked(modelFromArtifact(JSON.parse(text)), ref);
  await storeText(ref, text).catch(() => undefined); // caching is best effort
  return model;
}

function checked(model: LanguageModel, ref: ModelRef): LanguageModel {
  if (model.hash !== ref.hash) {
    throw new Error(
      `model ${ref.id} changed on the server (hash ${model.hash.slice(0, 12)}); reload the page`,
    );
  }
  return model;
}

const hasCaches = () => typeof globalThis.caches !== "undefined";

async function cachedText(ref: ModelRef): Promise<string | null> {
  try {
    if (hasCaches()) {
      const hit = await (await caches.open(CACHE_NAME)).match(artifactUrl(ref));
      return hit ? await hit.text() : null;
    }
    return await idb<string | undefined>("readonly", (s) => s.get(ref.hash)).then((v) => v ?? null);
  } catch {
    return null;
  }
}

async function storeText(ref: ModelRef, text: string): Promise<void> {
  if (hasCaches()) {
    const response = new Response(text, { headers: { "content-type": "application/json" } });
    await (await caches.open(CACHE_NAME)).put(artifactUrl(ref), response);
    return;
  }
  await idb("readwrite", (s) => s.put(text, ref.hash));
}

async function forget(ref: ModelRef): Promise<void> {
  if (hasCaches()) await (await caches.open(CACHE_NAME)).delete(artifactUrl(ref));
  else await idb("readwrite", (s) => s.delete(ref.hash));
}

/** One IndexedDB request in its own transaction. */
function idb<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (typeof indexedDB === "undefined") return reject(new Error("no IndexedDB"));
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error ?? new Error("IndexedDB open failed"));
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(STORE, mode);
      const req = run(tx.objectStore(STORE));
      tx.oncomplete = () => {
        db.close();
        resolve(req.result as T);
      };
      tx.onerror = () => {
        db.close();
        reject(tx.error ?? new Error("IndexedDB transaction failed"));
      };
    };
  });
}
