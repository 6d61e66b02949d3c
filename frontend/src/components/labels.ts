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
