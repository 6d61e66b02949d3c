import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type DragEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type EvidenceRead, type SubmissionRead } from "../../api/client";
import type { UploadHandle, UploadProgress } from "../../api/upload";
import { formatDateTime } from "../../format";
import { actionErrorMessage, formatBytes } from "./common";
import { answerKeys, useDeleteEvidence, type AnswerKey } from "./queries";
import { EvidencePreview, PREVIEWABLE } from "./EvidencePreview";
import { ACCEPTED_TYPES, UPLOAD_ABORTED, uploadEvidence } from "./upload";

/** How a failed upload or removal reads; the answers' wording unless the holder has its own. */
type ErrorMessage = (error: unknown) => string;

/** A removal of one file by id, as a TanStack mutation gives it. */
export interface FileRemoval {
  mutate: (id: string, options: { onSettled: () => void }) => void;
  reset: () => void;
  isPending: boolean;
  isError: boolean;
  error: unknown;
}

/** The answer's files with download links; optionally delete buttons and previews. */
export function EvidenceList({
  answerKey,
  evidence,
  canDelete = false,
  preview = false,
}: {
  answerKey: AnswerKey;
  evidence: readonly EvidenceRead[];
  canDelete?: boolean;
  preview?: boolean;
}) {
  const remove = useDeleteEvidence(answerKey);
  return <EvidenceFiles evidence={evidence} remove={canDelete ? remove : undefined} preview={preview} />;
}

/**
 * Files with download links, whatever holds them (an answer, a recommendation's
 * follow-up): delete buttons (asking once more) when `remove` is given, previews on request.
 */
export function EvidenceFiles({
  evidence,
  remove,
  preview = false,
  errorMessage,
}: {
  evidence: readonly EvidenceRead[];
  remove?: FileRemoval;
  preview?: boolean;
  errorMessage?: ErrorMessage;
}) {
  const { t, i18n } = useTranslation();
  const describe = errorMessage ?? ((error: unknown) => actionErrorMessage(t, error));
  const [confirming, setConfirming] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(preview ? (evidence.find((e) => PREVIEWABLE.has(e.content_type))?.id ?? null) : null);

  if (evidence.length === 0) return <p className="muted">{t("evidence.none")}</p>;
  const current = evidence.find((e) => e.id === shown);
  return (
    <>
      {remove?.isError ? (
        <div className="status status-error" role="alert">
          <p>{describe(remove.error)}</p>
        </div>
      ) : null}
      <ul className="evidence-list">
        {evidence.map((item) => (
          <li key={item.id} className="evidence-item">
            <div>
              <a href={item.url} download={item.name}>
                {item.name}
              </a>
              <span className="muted small">
                {" "}
                · {formatBytes(item.size, i18n.language)} · {item.uploaded_by ?? t("common.none")} ·{" "}
                {formatDateTime(item.uploaded_at, i18n.language)}
              </span>
              <div className="muted small mono evidence-hash" title={t("evidence.sha256")}>
                SHA-256 {item.sha256.slice(0, 16)}…
              </div>
            </div>
            <div className="row-actions">
              {preview && PREVIEWABLE.has(item.content_type) ? (
                <button
                  type="button"
                  className="button button-small"
                  aria-pressed={shown === item.id}
                  aria-label={`${t("evidence.preview")} ${item.name}`}
                  onClick={() => setShown(shown === item.id ? null : item.id)}
                >
                  {t("evidence.preview")}
                </button>
              ) : null}
              {remove ? (
                confirming === item.id ? (
                  <>
                    <button
                      type="button"
                      className="button button-small button-danger"
                      disabled={remove.isPending}
                      aria-label={`${t("evidence.confirmDelete")} ${item.name}`}
                      onClick={() => remove.mutate(item.id, { onSettled: () => setConfirming(null) })}
                    >
                      {t("evidence.confirmDelete")}
                    </button>
                    <button type="button" className="button button-small" onClick={() => setConfirming(null)}>
                      {t("common.cancel")}
                    </button>
                  </>
                ) : (
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`${t("evidence.delete")} ${item.name}`}
                    onClick={() => {
                      remove.reset();
                      setConfirming(item.id);
                    }}
                  >
                    {t("evidence.delete")}
                  </button>
                )
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {current ? <EvidencePreview evidence={current} /> : null}
    </>
  );
}

/** The answer's upload area: a file attached to an answer not started yet creates it as a draft. */
export function EvidenceUpload({ answerKey }: { answerKey: AnswerKey }) {
  const queryClient = useQueryClient();
  return (
    <FileDrop
      send={(file, onProgress) => uploadEvidence(answerKey, file, onProgress)}
      onUploaded={async (result) => {
        // Keep the answer's new etag at once (a save may follow before the refetch);
        // the first file of an answer not started yet created it, so there is none to patch.
        queryClient.setQueryData<SubmissionRead | null>(answerKeys.answer(answerKey), (old) =>
          old ? { ...old, etag: result.answer_etag, evidence: [...old.evidence, result.evidence] } : old,
        );
        // Read the answer again before saying so: its version (and the page's label)
        // changed with the file.
        await queryClient.invalidateQueries({ queryKey: answerKeys.answer(answerKey) });
      }}
      onFinished={() => {
        void queryClient.invalidateQueries({ queryKey: answerKeys.answer(answerKey) });
        void queryClient.invalidateQueries({ queryKey: answerKeys.history(answerKey) });
        void queryClient.invalidateQueries({ queryKey: ["tasks"] });
      }}
    />
  );
}

/**
 * Drag-and-drop area and file picker, whatever the files go to: uploads one file at a
 * time with a progress bar and a cancel button, stopping at the first refusal.
 */
export function FileDrop<T>({
  send,
  onUploaded,
  onFinished,
  errorMessage,
}: {
  send: (file: File, onProgress: (progress: UploadProgress) => void) => UploadHandle<T>;
  /** After each file the server took; awaited before the page says so. */
  onUploaded: (result: T) => Promise<void> | void;
  /** Once the batch has ended, however it ended. */
  onFinished?: () => void;
  errorMessage?: ErrorMessage;
}) {
  const { t } = useTranslation();
  const describe = errorMessage ?? ((error: unknown) => actionErrorMessage(t, error));
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const handle = useRef<UploadHandle<T> | null>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<{ name: string; percent: number } | null>(null);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);

  useEffect(() => () => handle.current?.abort(), []);

  const upload = async (files: readonly File[]) => {
    setMessage(null);
    for (const file of files) {
      setProgress({ name: file.name, percent: 0 });
      const current = send(file, ({ loaded, total }) =>
        setProgress({ name: file.name, percent: total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0 }),
      );
      handle.current = current;
      try {
        await onUploaded(await current.promise);
        setMessage({ kind: "ok", text: t("evidence.uploaded", { name: file.name }) });
      } catch (error) {
        if (error instanceof ApiError && error.code === UPLOAD_ABORTED) break;
        setMessage({ kind: "error", text: `${file.name}: ${describe(error)}` });
        break;
      } finally {
        handle.current = null;
        setProgress(null);
      }
    }
    onFinished?.();
    if (inputRef.current) inputRef.current.value = "";
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (progress) return;
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) void upload(files);
  };

  return (
    <div className="evidence-upload">
      <div
        className={`dropzone${dragging ? " dropzone-active" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>{t("evidence.dropHere")}</p>
        <label htmlFor={inputId} className="button">
          {t("evidence.choose")}
        </label>
        <input
          ref={inputRef}
          id={inputId}
          className="visually-hidden-input"
          type="file"
          multiple
          accept={ACCEPTED_TYPES}
          disabled={progress !== null}
          aria-describedby={hintId}
          aria-label={t("evidence.choose")}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            if (files.length > 0) void upload(files);
          }}
        />
        <p id={hintId} className="field-hint">
          {t("evidence.allowed")}
        </p>
      </div>
      {progress ? (
        <div className="upload-progress" role="status">
          <label>
            {t("evidence.uploading", { name: progress.name, percent: progress.percent })}
            <progress max={100} value={progress.percent} aria-label={t("evidence.progress")} />
          </label>
          <button type="button" className="button button-small" onClick={() => handle.current?.abort()}>
            {t("common.cancel")}
          </button>
        </div>
      ) : null}
      {message ? (
        <p className={`status ${message.kind === "ok" ? "status-ok" : "status-error"}`} role={message.kind === "ok" ? "status" : "alert"}>
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
