import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { MeRead } from "../../api/client";
import { useMe } from "../../auth/session";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { formatDateTime } from "../../format";
import { actionErrorMessage } from "./common";
import { COMMENT_MAX_LENGTH, useComments, usePostComment, type CommentRead } from "./commentQueries";
import type { AnswerKey } from "./queries";
import "./comments.css";

/** Viewers follow the conversation; everyone else who may read the answer takes part. */
export function mayComment(me: MeRead | null | undefined): boolean {
  return Boolean(me && me.kind === "user" && me.role !== "viewer");
}

/** The conversation on an answer: the messages (a return's reason among them) and a form. */
export function AnswerComments({ answerKey }: { answerKey: AnswerKey }) {
  const { t } = useTranslation();
  const { data: me } = useMe({ fetch: false });
  const thread = useComments(answerKey);
  const titleId = useId();
  // The mark as it was when the page opened: what was new then stays marked while the
  // thread is refetched (the first read has already moved the mark on the server).
  const [seenBefore, setSeenBefore] = useState<number | null | undefined>(undefined);
  if (thread.data && seenBefore === undefined) setSeenBefore(thread.data.last_read_id ?? null);
  const newSince = seenBefore ?? 0;
  const isNew = (c: CommentRead) => seenBefore !== undefined && c.id > newSince && c.author.username !== me?.username;
  const newCount = thread.data?.items.filter(isNew).length ?? 0;

  return (
    <section aria-labelledby={titleId} className="answer-comments">
      <h2 id={titleId}>
        {t("comments.title")}{" "}
        {newCount > 0 ? <span className="badge badge-unread">{t("comments.newCount", { count: newCount })}</span> : null}
      </h2>
      <p className="muted small">{t("comments.intro")}</p>
      {thread.isPending ? (
        <Loading />
      ) : thread.isError ? (
        <ErrorMessage error={thread.error} onRetry={() => void thread.refetch()} />
      ) : thread.data.items.length === 0 ? (
        <p className="muted">{t("comments.empty")}</p>
      ) : (
        <ol className="comment-list">
          {thread.data.items.map((comment) => (
            <CommentItem key={comment.id} comment={comment} isNew={isNew(comment)} />
          ))}
        </ol>
      )}
      {mayComment(me) ? <CommentForm answerKey={answerKey} /> : <p className="muted small">{t("comments.readOnly")}</p>}
    </section>
  );
}

function CommentItem({ comment, isNew }: { comment: CommentRead; isNew: boolean }) {
  const { t, i18n } = useTranslation();
  const author = comment.author;
  const name = author.role ? author.full_name || author.username : `${author.username} · ${t("comments.apiKey")}`;
  const classes = ["comment", comment.kind === "return" ? "comment-return" : "", isNew ? "comment-new" : ""];
  return (
    <li className={classes.filter(Boolean).join(" ")} data-comment-kind={comment.kind}>
      <p className="comment-meta small">
        <strong>{name}</strong>
        {author.role ? <span className="muted">{t(`role.${author.role}`, { defaultValue: author.role })}</span> : null}
        <time className="muted" dateTime={comment.created_at}>
          {formatDateTime(comment.created_at, i18n.language)}
        </time>
        {comment.kind === "return" ? <span className="badge badge-status-returned">{t("comments.returnReason")}</span> : null}
        {isNew ? <span className="badge badge-unread">{t("comments.new")}</span> : null}
      </p>
      <p className="comment-body">{comment.body}</p>
    </li>
  );
}

function CommentForm({ answerKey }: { answerKey: AnswerKey }) {
  const { t } = useTranslation();
  const post = usePostComment(answerKey);
  const [body, setBody] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const id = useId();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSent(false);
    const text = body.trim();
    if (text.length === 0) return setProblem(t("comments.required"));
    if (text.length > COMMENT_MAX_LENGTH) return setProblem(t("comments.tooLong", { max: COMMENT_MAX_LENGTH }));
    setProblem(null);
    try {
      await post.mutateAsync(text);
      setBody("");
      setSent(true);
    } catch {
      // shown below
    }
  };

  const error = problem ?? (post.error ? actionErrorMessage(t, post.error) : null);
  return (
    <form className="comment-form" onSubmit={(e) => void onSubmit(e)} noValidate>
      <div className="field">
        <label htmlFor={id}>{t("comments.label")}</label>
        <textarea
          id={id}
          rows={3}
          value={body}
          disabled={post.isPending}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
          onChange={(e) => {
            setBody(e.target.value);
            setProblem(null);
            setSent(false);
          }}
        />
        <p id={`${id}-hint`} className="field-hint">
          {t("comments.hint", { max: COMMENT_MAX_LENGTH })}
        </p>
        {error ? (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={post.isPending} aria-busy={post.isPending}>
          {post.isPending ? t("comments.sending") : t("comments.send")}
        </button>
        {sent ? (
          <span className="status-ok small" role="status">
            {t("comments.sent")}
          </span>
        ) : null}
      </div>
    </form>
  );
}
