import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { AnswerType, LevelRubricRead } from "../../api/client";
import { formatNumber } from "../../format";

/** The form's value as typed or chosen ("" when empty). */
export type RawValue = string;

export function rawFromValue(type: AnswerType | string, value: number | null | undefined): RawValue {
  if (value === null || value === undefined) return "";
  if (type === "yes_no") return value ? "true" : "false";
  return String(value);
}

export type ParsedValue = { ok: true; value: number | boolean } | { ok: false; error: string };

/** Checks the value by answer type; errors are i18n keys. */
export function parseValue(type: AnswerType | string, raw: RawValue): ParsedValue {
  const text = raw.trim().replace(",", ".");
  if (text === "") return { ok: false, error: type === "level" || type === "yes_no" ? "answer.errors.choose" : "answer.errors.required" };
  switch (type) {
    case "yes_no":
      return text === "true" ? { ok: true, value: true } : text === "false" ? { ok: true, value: false } : { ok: false, error: "answer.errors.choose" };
    case "level": {
      const n = Number(text);
      return Number.isInteger(n) && n >= 0 && n <= 4 ? { ok: true, value: n } : { ok: false, error: "answer.errors.level" };
    }
    case "percent": {
      const n = Number(text);
      return Number.isFinite(n) && n >= 0 && n <= 100 ? { ok: true, value: n } : { ok: false, error: "answer.errors.percent" };
    }
    case "count": {
      const n = Number(text);
      return Number.isInteger(n) && n >= 0 ? { ok: true, value: n } : { ok: false, error: "answer.errors.count" };
    }
    default: {
      const n = Number(text);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: "answer.errors.required" };
    }
  }
}

const LEVELS = [0, 1, 2, 3, 4] as const;

/** The value control for an answer type: radios for level and yes/no, a number otherwise. */
export function ValueInput({
  type,
  value,
  onChange,
  rubric,
  target,
  error,
  disabled,
}: {
  type: AnswerType | string;
  value: RawValue;
  onChange: (value: RawValue) => void;
  rubric: readonly LevelRubricRead[];
  target: number | null | undefined;
  error?: string;
  disabled?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const errorNode = error ? (
    <p id={errorId} className="field-error" role="alert">
      {error}
    </p>
  ) : null;

  if (type === "level" || type === "yes_no") {
    const options =
      type === "level"
        ? LEVELS.map((level) => ({
            value: String(level),
            label: `${level} — ${rubric.find((r) => r.level === level)?.label ?? t("answer.level", { level })}`,
          }))
        : [
            { value: "true", label: t("common.yes") },
            { value: "false", label: t("common.no") },
          ];
    return (
      <fieldset
        className="field radio-group"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        disabled={disabled}
      >
        <legend>{t("answer.value")}</legend>
        {options.map((option) => (
          <label key={option.value} className="radio">
            <input
              type="radio"
              name={`${id}-value`}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />{" "}
            {option.label}
          </label>
        ))}
        {errorNode}
      </fieldset>
    );
  }

  const isPercent = type === "percent";
  const hint = isPercent
    ? t("answer.percentHint")
    : target !== null && target !== undefined
      ? t("answer.countHintTarget", { target: formatNumber(target, i18n.language) })
      : t("answer.countHint");
  return (
    <div className="field">
      <label htmlFor={id}>{isPercent ? t("answer.valuePercent") : t("answer.valueCount")}</label>
      <div className="input-unit">
        <input
          id={id}
          type="number"
          inputMode={isPercent ? "decimal" : "numeric"}
          min={0}
          max={isPercent ? 100 : undefined}
          step={isPercent ? "any" : 1}
          value={value}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, error ? errorId : null].filter(Boolean).join(" ")}
        />
        {isPercent ? <span aria-hidden="true">%</span> : null}
      </div>
      <p id={hintId} className="field-hint">
        {hint}
      </p>
      {errorNode}
    </div>
  );
}
