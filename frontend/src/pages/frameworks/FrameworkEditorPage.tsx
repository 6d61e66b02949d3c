import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, type AnswerType, type FrameworkRead, type RegionLevel } from "../../api/client";
import { useAgencyTypes, useFramework } from "../../api/queries";
import { usePageTitle } from "../../components/Layout";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { answerTypeLabel, codeLabel, levelLabel } from "../../components/labels";
import { Field } from "../admin/Field";
import { usePublishFramework, useSaveFramework, type FrameworkContent } from "./queries";

type Indicator = FrameworkContent["dimensions"][number]["indicators"][number];
const ANSWER_TYPES: AnswerType[] = ["level", "yes_no", "percent", "count"];
const LEVELS: RegionLevel[] = ["province", "regency", "city"];

export function contentOf(framework: FrameworkRead): FrameworkContent {
  return {
    name: framework.name,
    description: framework.description,
    dimensions: [...framework.dimensions]
      .sort((a, b) => a.position - b.position)
      .map((d) => ({ code: d.code, name: d.name, weight: d.weight, indicators: d.indicators })),
    thresholds: framework.thresholds.map(({ category, label, label_en, min_score }) => ({
      category,
      label,
      label_en,
      min_score,
    })),
  };
}

/** The server's problems by path ("dimensions[1].indicators[3].weight"), in the reader's language. */
export function errorsByPath(t: TFunction, error: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!(error instanceof ApiError)) return out;
  for (const item of error.details) {
    if (!item || typeof item !== "object") continue;
    const { field, loc, code, message } = item as { field?: unknown; loc?: unknown; code?: unknown; message?: unknown };
    let name: string | undefined;
    if (typeof field === "string") name = field;
    // Pydantic's loc ["body", "dimensions", 0, "weight"] as the same path.
    else if (Array.isArray(loc)) name = loc.slice(1).map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").replace(/^\./, "");
    if (!name || typeof message !== "string") continue;
    (out[name] ??= []).push(typeof code === "string" ? codeLabel(t, "error", code, message) : message);
  }
  return out;
}

const blankIndicator = (code: string): Indicator => ({
  code,
  name: "",
  guidance: "",
  answer_type: "level",
  target: null,
  weight: 1,
  agency_type: "",
  levels: ["province", "regency", "city"],
  evidence_required: false,
  evidence_guidance: "",
});

export function FrameworkEditorPage() {
  const { code = "" } = useParams();
  const { t } = useTranslation();
  const framework = useFramework(code);
  usePageTitle(t("frameworkEditor.title", { code }));
  return (
    <section aria-labelledby="editor-title">
      <p className="breadcrumb no-print">
        <Link to={`/kerangka/${encodeURIComponent(code)}`}>‹ {code}</Link>
      </p>
      <h1 id="editor-title">{t("frameworkEditor.title", { code })}</h1>
      {framework.isPending ? (
        <Loading />
      ) : framework.isError ? (
        <ErrorMessage error={framework.error} onRetry={() => void framework.refetch()} />
      ) : framework.data.status === "published" ? (
        <p role="alert">{codeLabel(t, "error", "framework_published", "")}</p>
      ) : (
        <FrameworkEditor code={code} initial={contentOf(framework.data)} />
      )}
    </section>
  );
}

export function FrameworkEditor({ code, initial }: { code: string; initial: FrameworkContent }) {
  const { t } = useTranslation();
  const [content, setContent] = useState<FrameworkContent>(initial);
  const save = useSaveFramework(code);
  const publish = usePublishFramework(code);
  const navigate = useNavigate();
  useEffect(() => setContent(initial), [initial]);
  const failed = publish.error ?? save.error;
  const errors = errorsByPath(t, failed);
  const placed = new Set<string>();
  const at = (path: string) => {
    placed.add(path);
    return errors[path];
  };
  const update = (change: (draft: FrameworkContent) => void) =>
    setContent((old) => {
      const copy = structuredClone(old);
      change(copy);
      return copy;
    });

  const fields = (
    <>
      <Field label={t("frameworkEditor.name")} errors={at("name")}>
        {(p) => <input {...p} value={content.name} onChange={(e) => update((c) => void (c.name = e.target.value))} />}
      </Field>
      {content.dimensions.map((d, di) => {
        const dp = `dimensions[${di}]`;
        return (
          <fieldset key={di} className="dimension-editor">
            <legend>{t("frameworkEditor.dimension", { n: di + 1 })}</legend>
            <div className="field-row">
              <Field label={t("framework.code")} errors={at(`${dp}.code`)}>
                {(p) => <input {...p} value={d.code} onChange={(e) => update((c) => void (c.dimensions[di]!.code = e.target.value))} />}
              </Field>
              <Field label={t("frameworkEditor.dimensionName")} errors={at(`${dp}.name`)}>
                {(p) => <input {...p} value={d.name} onChange={(e) => update((c) => void (c.dimensions[di]!.name = e.target.value))} />}
              </Field>
              <Field label={t("framework.weight")} errors={at(`${dp}.weight`)}>
                {(p) => (
                  <input {...p} type="number" inputMode="decimal" value={d.weight}
                    onChange={(e) => update((c) => void (c.dimensions[di]!.weight = Number(e.target.value)))} />
                )}
              </Field>
            </div>
            {at(`${dp}.indicators`) ? <p className="field-error">{errors[`${dp}.indicators`]!.join(" ")}</p> : null}
            {d.indicators.map((ind, ii) => (
              <IndicatorEditor key={ii} path={`${dp}.indicators[${ii}]`} indicator={ind} at={at}
                onChange={(change) => update((c) => change(c.dimensions[di]!.indicators[ii]!))}
                onRemove={() => update((c) => void c.dimensions[di]!.indicators.splice(ii, 1))} />
            ))}
            <button type="button" className="button"
              onClick={() => update((c) => void c.dimensions[di]!.indicators.push(blankIndicator(`${d.code}.${String(d.indicators.length + 1).padStart(2, "0")}`)))}>
              {t("frameworkEditor.addIndicator")}
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="button"
        onClick={() => update((c) => void c.dimensions.push({ code: `K${c.dimensions.length + 1}`, name: "", weight: 1, indicators: [] }))}>
        {t("frameworkEditor.addDimension")}
      </button>
      <fieldset>
        <legend>{t("framework.thresholdsTitle")}</legend>
        {at("thresholds") ? <p className="field-error">{errors.thresholds!.join(" ")}</p> : null}
        {content.thresholds.map((th, ti) => (
          <div className="field-row" key={ti}>
            <Field label={t("framework.category")} errors={at(`thresholds[${ti}].category`)}>
              {(p) => <input {...p} value={th.category} onChange={(e) => update((c) => void (c.thresholds[ti]!.category = e.target.value))} />}
            </Field>
            <Field label={t("frameworkEditor.label")} errors={at(`thresholds[${ti}].label`)}>
              {(p) => <input {...p} value={th.label} onChange={(e) => update((c) => void (c.thresholds[ti]!.label = e.target.value))} />}
            </Field>
            <Field label={t("framework.minScore")} errors={at(`thresholds[${ti}].min_score`)}>
              {(p) => (
                <input {...p} type="number" inputMode="decimal" value={th.min_score}
                  onChange={(e) => update((c) => void (c.thresholds[ti]!.min_score = Number(e.target.value)))} />
              )}
            </Field>
          </div>
        ))}
        <button type="button" className="button"
          onClick={() => update((c) => void c.thresholds.push({ category: "", label: "", label_en: "", min_score: 0 }))}>
          {t("frameworkEditor.addThreshold")}
        </button>
      </fieldset>
    </>
  );
  const unplaced = Object.keys(errors).some((path) => !placed.has(path));
  return (
    <form onSubmit={(e) => { e.preventDefault(); publish.reset(); save.mutate(content); }}>
      {failed && (unplaced || Object.keys(errors).length === 0) ? <ErrorMessage error={failed} /> : null}
      {fields}
      {save.isSuccess && !failed ? <p role="status">{t("frameworkEditor.saved")}</p> : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>{t("frameworkEditor.save")}</button>
        <button type="button" className="button" disabled={publish.isPending}
          onClick={() => {
            save.reset();
            // The published version is read-only: its page says so and offers the next steps.
            publish.mutate(content, {
              onSuccess: () => void navigate(`/kerangka/${encodeURIComponent(code)}`, { state: { notice: "published" } }),
            });
          }}>
          {t("frameworkEditor.publish")}
        </button>
      </div>
    </form>
  );
}

function IndicatorEditor({ path, indicator, at, onChange, onRemove }: {
  path: string;
  indicator: Indicator;
  at: (path: string) => string[] | undefined;
  onChange: (change: (i: Indicator) => void) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const known = useAgencyTypes().data ?? [];
  return (
    <fieldset className="indicator-editor">
      <legend className="mono">{indicator.code || t("frameworkEditor.newIndicator")}</legend>
      <div className="field-row">
        <Field label={t("framework.code")} errors={at(`${path}.code`)}>
          {(p) => <input {...p} value={indicator.code} onChange={(e) => onChange((i) => void (i.code = e.target.value))} />}
        </Field>
        <Field label={t("framework.weight")} errors={at(`${path}.weight`)}>
          {(p) => <input {...p} type="number" inputMode="decimal" value={indicator.weight} onChange={(e) => onChange((i) => void (i.weight = Number(e.target.value)))} />}
        </Field>
      </div>
      <Field label={t("frameworkEditor.indicatorName")} errors={at(`${path}.name`)}>
        {(p) => <textarea {...p} rows={2} value={indicator.name} onChange={(e) => onChange((i) => void (i.name = e.target.value))} />}
      </Field>
      <div className="field-row">
        <Field label={t("framework.answerType")} errors={at(`${path}.answer_type`)}>
          {(p) => (
            <select {...p} value={indicator.answer_type} onChange={(e) => onChange((i) => {
              i.answer_type = e.target.value as AnswerType;
              if (i.answer_type !== "count") i.target = null;
            })}>
              {ANSWER_TYPES.map((a) => <option key={a} value={a}>{answerTypeLabel(t, a)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("framework.target")} errors={at(`${path}.target`)}>
          {(p) => <input {...p} type="number" inputMode="decimal" disabled={indicator.answer_type !== "count"} value={indicator.target ?? ""}
            onChange={(e) => onChange((i) => void (i.target = e.target.value === "" ? null : Number(e.target.value)))} />}
        </Field>
        <Field label={t("framework.agencyType")} errors={at(`${path}.agency_type`)}>
          {(p) => (
            <select {...p} value={indicator.agency_type} onChange={(e) => onChange((i) => void (i.agency_type = e.target.value))}>
              <option value="">{t("frameworkEditor.chooseAgencyType")}</option>
              {/* A type the catalogue no longer lists stays visible, so publishing names it. */}
              {known.some((a) => a.code === indicator.agency_type) || !indicator.agency_type ? null : (
                <option value={indicator.agency_type}>{indicator.agency_type}</option>
              )}
              {known.map((a) => <option key={a.code} value={a.code}>{a.code} — {a.name}</option>)}
            </select>
          )}
        </Field>
      </div>
      <fieldset aria-invalid={at(`${path}.levels`) ? true : undefined}>
        <legend>{t("framework.levels")}</legend>
        {LEVELS.map((level) => (
          <label key={level} className="checkbox">
            <input type="checkbox" checked={(indicator.levels ?? []).includes(level)}
              onChange={(e) => onChange((i) => {
                const rest = (i.levels ?? []).filter((l) => l !== level);
                i.levels = e.target.checked ? [...rest, level] : rest;
              })} />{" "}
            {levelLabel(t, level)}
          </label>
        ))}
        {at(`${path}.levels`) ? <ul className="field-error">{at(`${path}.levels`)!.map((m) => <li key={m}>{m}</li>)}</ul> : null}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={indicator.evidence_required ?? false} onChange={(e) => onChange((i) => void (i.evidence_required = e.target.checked))} />{" "}
        {t("framework.evidenceRequired")}
      </label>
      <Field label={t("frameworkEditor.evidenceGuidance")} errors={at(`${path}.evidence_guidance`)}>
        {(p) => <input {...p} value={indicator.evidence_guidance ?? ""} onChange={(e) => onChange((i) => void (i.evidence_guidance = e.target.value))} />}
      </Field>
      <Field label={t("frameworkEditor.guidance")} errors={at(`${path}.guidance`)}>
        {(p) => <textarea {...p} rows={2} value={indicator.guidance ?? ""} onChange={(e) => onChange((i) => void (i.guidance = e.target.value))} />}
      </Field>
      <button type="button" className="button" onClick={onRemove}>{t("frameworkEditor.removeIndicator")}</button>
    </fieldset>
  );
}
