/**
 * "Train a model on your own text": paste or upload a .txt (UTF-8, ≤ 2 MB), pick words or characters and the
 * order, then POST /api/models/train and follow its progress stream. It sits inside the round setup's form,
 * so its buttons never submit and Enter in its fields does not start a round.
 */
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ModelSummary } from "@tokenroom/shared";
import type { ClientErrorCode } from "../api/socket.ts";
import { type HostAuth, type TrainError, trainModel, type TrainTokenizer } from "../api/train.ts";
import { useErrorText } from "../components/error-message.tsx";
import { formatNumber, formatPercent, formatInt } from "../lib/format.ts";
import {
  defaultOrder,
  MAX_TEXT_BYTES,
  ORDERS,
  starterFromText,
  suggestTokenizer,
  utf8Bytes,
} from "./train-values.ts";
import "./model-panels.css";

export interface TrainPanelProps {
  auth: HostAuth;
  disabled: boolean;
  /** The model is trained: list it, select it, and start the prompt with `prompt`. */
  onTrained: (model: ModelSummary, prompt: string) => Promise<void>;
}

const STAGES = ["sending", "tokenizing", "counting", "held-out", "hashing"] as const;
type Stage = (typeof STAGES)[number];
const isStage = (s: string): s is Stage => (STAGES as readonly string[]).includes(s);

type Status =
  | { kind: "idle" }
  | { kind: "training"; stage: string; progress: number }
  | { kind: "done"; name: string }
  | { kind: "error"; lead: string | null; message: string };

const TOKENIZERS: readonly TrainTokenizer[] = ["word", "char"];
const MB = 1024 * 1024;
const stopEnter = (e: KeyboardEvent) => {
  if (e.key === "Enter") e.preventDefault();
};

export function TrainPanel({ auth, disabled, onTrained }: TrainPanelProps) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText("host");
  const id = useId();
  const f = (name: string) => `${id}-${name}`;
  const [pasted, setPasted] = useState("");
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [tokenizer, setTokenizer] = useState<TrainTokenizer>(i18n.language === "zh" ? "char" : "word");
  const [tokenizerChosen, setTokenizerChosen] = useState(false);
  const [order, setOrder] = useState(() => defaultOrder(i18n.language === "zh" ? "char" : "word"));
  const [name, setName] = useState("");
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const abort = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const training = status.kind === "training";
  const tooLarge = (bytes: number): Status => ({
    kind: "error",
    lead: null,
    message: t("train.tooLarge", { size: formatNumber(bytes / MB) }),
  });
  const pickTokenizer = (kind: TrainTokenizer) => {
    setTokenizer(kind);
    setOrder(defaultOrder(kind));
  };
  // until the host picks one, the tokenization follows the text (Chinese → characters)
  const textArrived = (text: string) => {
    if (!tokenizerChosen) pickTokenizer(suggestTokenizer(text));
  };

  const readFile = (picked: File | undefined) => {
    if (!picked) return;
    if (picked.size > MAX_TEXT_BYTES) {
      setStatus(tooLarge(picked.size));
      if (fileInput.current) fileInput.current.value = "";
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      const text = typeof reader.result === "string" ? reader.result : "";
      setFile({ name: picked.name, text });
      textArrived(text);
      setStatus({ kind: "idle" });
    };
    reader.onerror = () => setStatus({ kind: "error", lead: null, message: t("train.readFailed") });
    reader.readAsText(picked, "UTF-8");
  };

  const clearFile = () => {
    setFile(null);
    if (fileInput.current) fileInput.current.value = "";
  };

  const describeError = (error: TrainError): Status => {
    if (error.code === "OFFLINE")
      return { kind: "error", lead: t("train.failed"), message: t("errors.OFFLINE") };
    if (error.code === "STREAM_ENDED")
      return { kind: "error", lead: t("train.failed"), message: t("train.lostStream") };
    // a catalogue sentence per code, never the server's raw (English) message
    if (error.code === "BAD_REQUEST")
      return { kind: "error", lead: t("train.failed"), message: t("train.rejected") };
    return {
      kind: "error",
      lead: t("train.failed"),
      message: errorText({ code: error.code as ClientErrorCode, message: error.message }),
    };
  };

  const train = async () => {
    const text = file?.text ?? pasted;
    if (text.trim() === "") return setStatus({ kind: "error", lead: null, message: t("train.empty") });
    const bytes = utf8Bytes(text);
    if (bytes > MAX_TEXT_BYTES) return setStatus(tooLarge(bytes));
    const controller = new AbortController();
    abort.current = controller;
    setStatus({ kind: "training", stage: "sending", progress: 0 });
    const trimmed = name.trim();
    const outcome = await trainModel(
      { text, tokenizer, order, ...(trimmed ? { name: trimmed } : {}) },
      auth,
      (stage, progress) => setStatus({ kind: "training", stage, progress }),
      controller.signal,
    );
    abort.current = null;
    if (controller.signal.aborted) return setStatus({ kind: "idle" });
    if (!outcome.ok) return setStatus(describeError(outcome.error));
    await onTrained(outcome.model, starterFromText(text, tokenizer));
    setStatus({ kind: "done", name: outcome.model.name });
  };

  return (
    <details className="train-panel">
      <summary>{t("train.title")}</summary>
      <p className="hint">{t("train.intro")}</p>
      <fieldset disabled={training || disabled} className="train-fields">
        {file ? (
          <p className="train-file">
            <span data-testid="train-file">
              {t("train.fileLoaded", { name: file.name, chars: formatInt(file.text.length) })}
            </span>{" "}
            <button type="button" className="button small" onClick={clearFile}>
              {t("train.removeFile")}
            </button>
          </p>
        ) : (
          <>
            <label className="field-label" htmlFor={f("text")}>
              {t("train.text")}
            </label>
            <textarea
              id={f("text")}
              className="text-input train-text"
              rows={4}
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              onBlur={() => textArrived(pasted)}
            />
          </>
        )}
        {/* the native file input is hidden behind a button-like label in the interface's language */}
        <div className="train-upload">
          <input
            id={f("file")}
            ref={fileInput}
            className="visually-hidden"
            type="file"
            accept=".txt,text/plain"
            onChange={(e) => readFile(e.target.files?.[0])}
          />
          <label className="button" htmlFor={f("file")}>
            {t("train.upload")}
          </label>
        </div>

        <div className="train-grid">
          <fieldset>
            <legend className="field-label">{t("train.tokenizer")}</legend>
            {TOKENIZERS.map((kind) => (
              <label key={kind} className="radio">
                <input
                  type="radio"
                  name={f("tokenizer")}
                  value={kind}
                  checked={tokenizer === kind}
                  onChange={() => {
                    setTokenizerChosen(true);
                    pickTokenizer(kind);
                  }}
                />
                {kind === "word" ? t("train.word") : t("train.char")}
              </label>
            ))}
          </fieldset>
          <div>
            <label className="field-label" htmlFor={f("order")}>
              {t("train.order")}
            </label>
            <select
              id={f("order")}
              className="select train-order"
              value={order}
              onChange={(e) => setOrder(Number(e.target.value))}
              aria-describedby={f("order-hint")}
            >
              {ORDERS.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <p id={f("order-hint")} className="hint">
              {t("train.orderHint")}
            </p>
          </div>
        </div>
        <label className="field-label" htmlFor={f("name")}>
          {t("train.name")}
        </label>
        <input
          id={f("name")}
          className="text-input"
          value={name}
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={stopEnter}
        />
      </fieldset>

      <div className="button-row">
        {training ? (
          <button type="button" className="button" onClick={() => abort.current?.abort()}>
            {t("train.cancel")}
          </button>
        ) : (
          <button type="button" className="button primary" disabled={disabled} onClick={() => void train()}>
            {t("train.submit")}
          </button>
        )}
      </div>
      <div aria-live="polite">
        {status.kind === "training" ? (
          <div className="train-progress">
            <span>
              {t(`train.stage.${isStage(status.stage) ? status.stage : "other"}`)} ·{" "}
              {formatPercent(status.progress)}
            </span>
            <progress
              max={1}
              value={status.progress}
              aria-label={t("train.progressAria")}
              data-testid="train-progress"
            />
          </div>
        ) : null}
        {status.kind === "done" ? (
          <p className="notice" role="status">
            {t("train.done", { name: status.name })}
          </p>
        ) : null}
      </div>
      {status.kind === "error" ? (
        <p role="alert" className="error-box" data-testid="train-error">
          {status.lead ? <strong>{status.lead} </strong> : null}
          {status.message}
        </p>
      ) : null}
    </details>
  );
}
