import { useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ReportRead, ReportWrite } from "./queries";

export const SECTIONS = ["situation", "risks", "obstacles", "conclusion"] as const;
export type Section = (typeof SECTIONS)[number];
// The server's limits (reporting/schemas.py): sections, names, NIP of 18 digits.
export const SECTION_MAX_LENGTH = 20_000;
export const NAME_MAX_LENGTH = 200;
const NIP_PATTERN = /^(?:[0-9]{18})?$/;

export function contentOf(report: ReportRead): ReportWrite {
  return {
    situation: report.situation,
    risks: report.risks,
    obstacles: report.obstacles,
    conclusion: report.conclusion,
    signatory: { ...report.signatory },
  };
}

function same(a: ReportWrite, b: ReportWrite): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The coordinator's draft: the four narrative sections and the signatory. Saving sends
 * the whole draft (PUT) with the ETag it was read with; `onDirty` tells the page that
 * unsaved changes exist, so that it does not send an older version than the one shown.
 */
export function ReportEditor({
  report,
  busy,
  onSave,
  onDirty,
}: {
  report: ReportRead;
  busy: boolean;
  onSave: (body: ReportWrite) => void;
  onDirty: (dirty: boolean) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<ReportWrite>(() => contentOf(report));
  const dirty = !same(draft, contentOf(report));
  useEffect(() => onDirty(dirty), [dirty, onDirty]);

  const nip = draft.signatory?.nip ?? "";
  const nipValid = NIP_PATTERN.test(nip);
  const setSection = (name: Section, value: string) => setDraft((d) => ({ ...d, [name]: value }));
  const setSignatory = (name: "name" | "nip" | "position", value: string) =>
    setDraft((d) => ({ ...d, signatory: { name: "", nip: "", position: "", ...d.signatory, [name]: value } }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy && nipValid) onSave(draft);
  };

  return (
    <form className="report-editor" onSubmit={submit} noValidate aria-label={t("reports.editor")}>
      {SECTIONS.map((name) => (
        <div className="field" key={name}>
          <label htmlFor={`${id}-${name}`}>{t(`reports.fields.${name}`)}</label>
          <textarea
            id={`${id}-${name}`}
            rows={6}
            maxLength={SECTION_MAX_LENGTH}
            value={draft[name] ?? ""}
            onChange={(e) => setSection(name, e.target.value)}
            aria-describedby={`${id}-${name}-hint`}
          />
          <p id={`${id}-${name}-hint`} className="field-hint">
            {t(`reports.hints.${name}`)}
          </p>
        </div>
      ))}
      {/* Recommendations (issue 19, item 6) are their own list under the conclusion, with
          an agency and a due date each: they will get a section of their own here. */}
      <fieldset className="report-signatory">
        <legend>{t("reports.signatory")}</legend>
        <div className="field">
          <label htmlFor={`${id}-sig-name`}>{t("reports.fields.signatory_name")}</label>
          <input
            id={`${id}-sig-name`}
            type="text"
            maxLength={NAME_MAX_LENGTH}
            autoComplete="off"
            value={draft.signatory?.name ?? ""}
            onChange={(e) => setSignatory("name", e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-sig-nip`}>{t("reports.fields.signatory_nip")}</label>
          <input
            id={`${id}-sig-nip`}
            type="text"
            inputMode="numeric"
            maxLength={18}
            autoComplete="off"
            value={nip}
            onChange={(e) => setSignatory("nip", e.target.value.trim())}
            aria-invalid={nipValid ? undefined : true}
            aria-describedby={`${id}-sig-nip-hint`}
          />
          <p id={`${id}-sig-nip-hint`} className={nipValid ? "field-hint" : "field-error"}>
            {t("reports.nipHint")}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-sig-position`}>{t("reports.fields.signatory_position")}</label>
          <input
            id={`${id}-sig-position`}
            type="text"
            maxLength={NAME_MAX_LENGTH}
            autoComplete="off"
            value={draft.signatory?.position ?? ""}
            onChange={(e) => setSignatory("position", e.target.value)}
          />
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || !dirty || !nipValid} aria-busy={busy}>
          {busy ? t("common.saving") : t("reports.save")}
        </button>
        {dirty ? <span className="muted small">{t("reports.unsaved")}</span> : null}
      </div>
    </form>
  );
}
