import type { TFunction } from "i18next";
import type { AnswerType, PeriodState, RegionLevel, Role } from "../api/client";

// Unknown values (a newer API than this client) are shown as sent.
export function levelLabel(t: TFunction, level: RegionLevel | string): string {
  return t(`level.${level}`, { defaultValue: level });
}

export function periodStateLabel(t: TFunction, state: PeriodState | string): string {
  return t(`state.${state}`, { defaultValue: state });
}

export function answerTypeLabel(t: TFunction, type: AnswerType | string): string {
  return t(`answerType.${type}`, { defaultValue: type });
}

export function roleLabel(t: TFunction, role: Role | string): string {
  return t(`role.${role}`, { defaultValue: role });
}

/**
 * What a code the API sends is about: an error code, an import row's error code, an
 * audit action/entity/outcome, or an enumeration of the schema (`enum:ImportStatus`).
 * The inventory of every such code is frontend/src/i18n/codes.json, generated from the
 * backend (tests/i18n/inventory.py); both test suites check each has a text.
 */
export type CodeKind = "error" | "importRow" | "auditAction" | "auditEntity" | "auditOutcome" | `enum:${string}`;

// Enumerations that already had a key of their own before the inventory.
const ENUM_KEYS: Record<string, string> = {
  RegionLevel: "level",
  PeriodState: "state",
  AnswerType: "answerType",
  Role: "role",
  SubmissionStatus: "answerStatus",
};

/** The i18n key of a code; kept in step with `code_key` in tests/i18n/inventory.py. */
export function codeKey(kind: CodeKind, code: string): string {
  switch (kind) {
    case "error":
      return `codes.error.${code}`;
    case "importRow":
      return `codes.importRow.${code}`;
    case "auditAction":
      // `auth.login` becomes the nested key codes.auditAction.auth.login.
      return `codes.auditAction.${code}`;
    case "auditEntity":
      return `codes.auditEntity.${code}`;
    case "auditOutcome":
      return `audit.outcomes.${code}`;
    default: {
      const name = kind.slice("enum:".length);
      return `${ENUM_KEYS[name] ?? `codes.enum.${name}`}.${code}`;
    }
  }
}

/**
 * The one lookup for codes: the reader's text for `code`, or `fallback` (else the code
 * itself) when this client does not know it (a newer API than the SPA).
 */
export function codeLabel(t: TFunction, kind: CodeKind, code: string, fallback?: string): string {
  if (!/^[a-z0-9_.]+$/i.test(code)) return fallback ?? code;
  // returnObjects: a code naming a group of texts (`auth` of `auth.login`) is no text.
  const text: unknown = t(codeKey(kind, code), { defaultValue: "", returnObjects: true });
  return typeof text === "string" && text ? text : (fallback ?? code);
}

/**
 * An API failure in the reader's language: the text of its code, else the API's own
 * message (which is Indonesian with the English in brackets).
 */
export function errorText(t: TFunction, error: unknown): string {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string") {
    const message = "message" in error && typeof error.message === "string" ? error.message : undefined;
    return codeLabel(t, "error", error.code, message || t("common.errorTitle"));
  }
  if (error instanceof Error && error.message) return error.message;
  return t("common.errorTitle");
}
