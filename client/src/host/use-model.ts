/**
 * The host's models: the list from /api/models (the shipped models and the ones this session trained, which the
 * host key unlocks), and one model loaded on the main thread for previews.
 */
import { useCallback, useEffect, useState } from "react";
import type { LanguageModel, ModelSummary } from "@tokenroom/shared";
import { listModels } from "../api/http.ts";
import type { HostAuth } from "../api/train.ts";
import { loadModel } from "../engine-worker/model-cache.ts";

export interface ModelList {
  models: ModelSummary[] | null;
  failed: boolean;
  /** Fetches the list again (after training); `include` is listed even if the answer lacks it. */
  reload: (include?: ModelSummary) => Promise<void>;
}

export function useModelList(auth: HostAuth): ModelList {
  const [models, setModels] = useState<ModelSummary[] | null>(null);
  const [failed, setFailed] = useState(false);
  const { sessionId, hostKey } = auth;
  const reload = useCallback(
    async (include?: ModelSummary) => {
      const r = await listModels({ sessionId, hostKey });
      setModels((previous) => {
        const list = r.ok ? r.data : (previous ?? []);
        return include && !list.some((m) => m.id === include.id) ? [...list, include] : list;
      });
    },
    [sessionId, hostKey],
  );
  useEffect(() => {
    let live = true;
    void listModels({ sessionId, hostKey }).then((r) => {
      if (!live) return;
      if (r.ok) setModels(r.data);
      else setFailed(true);
    });
    return () => {
      live = false;
    };
  }, [sessionId, hostKey]);
  return { models, failed, reload };
}

/** `auth`: the host's key, which a custom model's download needs. */
export function useLoadedModel(
  summary: ModelSummary | undefined,
  auth?: HostAuth,
): {
  model: LanguageModel | null;
  error: string | null;
} {
  const [state, setState] = useState<{ key: string; model: LanguageModel | null; error: string | null }>({
    key: "",
    model: null,
    error: null,
  });
  const key = summary ? `${summary.id}@${summary.hash}` : "";
  const sessionId = auth?.sessionId;
  const hostKey = auth?.hostKey;
  useEffect(() => {
    if (!summary) return;
    let live = true;
    const credentials = sessionId && hostKey ? { auth: { sessionId, hostKey } } : {};
    loadModel({ id: summary.id, hash: summary.hash, ...credentials }).then(
      (model) => live && setState({ key: `${summary.id}@${summary.hash}`, model, error: null }),
      (e: unknown) =>
        live &&
        setState({
          key: `${summary.id}@${summary.hash}`,
          model: null,
          error: e instanceof Error ? e.message : String(e),
        }),
    );
    return () => {
      live = false;
    };
  }, [summary, sessionId, hostKey]);
  return state.key === key ? { model: state.model, error: state.error } : { model: null, error: null };
}
