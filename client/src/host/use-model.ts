/** The host's models: the list from /api/models, and one model loaded on the main thread for previews. */
import { useCallback, useEffect, useState } from "react";
import type { LanguageModel, ModelSummary } from "@tokenroom/shared";
import { listModels } from "../api/http.ts";
import { loadModel } from "../engine-worker/model-cache.ts";

export interface ModelList {
  models: ModelSummary[] | null;
  failed: boolean;
  /** Fetches the list again (after training); `include` is listed even if the answer lacks it. */
  reload: (include?: ModelSummary) => Promise<void>;
}

export function useModelList(): ModelList {
  const [models, setModels] = useState<ModelSummary[] | null>(null);
  const [failed, setFailed] = useState(false);
  const reload = useCallback(async (include?: ModelSummary) => {
    const r = await listModels();
    setModels((previous) => {
      const list = r.ok ? r.data : (previous ?? []);
      return include && !list.some((m) => m.id === include.id) ? [...list, include] : list;
    });
  }, []);
  useEffect(() => {
    let live = true;
    void listModels().then((r) => {
      if (!live) return;
      if (r.ok) setModels(r.data);
      else setFailed(true);
    });
    return () => {
      live = false;
    };
  }, []);
  return { models, failed, reload };
}

export function useLoadedModel(summary: ModelSummary | undefined): {
  model: LanguageModel | null;
  error: string | null;
} {
  const [state, setState] = useState<{ key: string; model: LanguageModel | null; error: string | null }>({
    key: "",
    model: null,
    error: null,
  });
  const key = summary ? `${summary.id}@${summary.hash}` : "";
  useEffect(() => {
    if (!summary) return;
    let live = true;
    loadModel({ id: summary.id, hash: summary.hash }).then(
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
  }, [summary]);
  return state.key === key ? { model: state.model, error: state.error } : { model: null, error: null };
}
