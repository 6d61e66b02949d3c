import type { FrameworkRead, MeRead, PeriodRead, RegionDetail, SubmissionRead, TaskRead } from "../api/client";
import { viewerMe } from "./utils";

export const operatorMe: MeRead = {
  ...viewerMe,
  username: "operator.64.72.kesbangpol",
  full_name: "Operator Kesbangpol Samarinda",
  role: "operator",
  region_code: "64.72",
  region_name: "Kota Samarinda",
  agency_code: "64.72.kesbangpol",
  agency_name: "Kesbangpol Kota Samarinda",
  capabilities: ["read", "answer"],
};

export const verifierMe: MeRead = {
  ...viewerMe,
  username: "verifikator.64",
  full_name: "Verifikator Kalimantan Timur",
  role: "verifier",
  capabilities: ["read", "review"],
};

export const period: PeriodRead = {
  code: "2024-Q1",
  name: "Triwulan I 2024",
  framework_code: "PEMILU2024",
  start_date: "2024-01-01",
  end_date: "2024-03-31",
  deadline: "2024-04-10",
  state: "open",
  opened_at: "2024-01-01T00:00:00Z",
  closed_at: null,
};

const indicator = (code: string, answer_type: "level" | "yes_no" | "percent" | "count", target: number | null = null) => ({
  code,
  name: `Indikator ${code}`,
  guidance: `Petunjuk ${code}`,
  answer_type,
  target,
  weight: 1,
  agency_type: "kesbangpol",
  levels: ["city" as const],
  evidence_required: true,
  evidence_guidance: `SK untuk ${code}`,
});

export const framework: FrameworkRead = {
  code: "PEMILU2024",
  name: "Kesiapan Pemilu 2024",
  description: "",
  is_active: true,
  status: "published",
  published_at: "2024-01-01T00:00:00Z",
  copied_from: null,
  dimension_count: 1,
  indicator_count: 4,
  dimensions: [
    {
      code: "K1",
      name: "Kelembagaan dan Koordinasi",
      weight: 1,
      position: 1,
      indicators: [
        indicator("K1.01", "level"),
        indicator("K1.02", "yes_no"),
        indicator("K1.03", "percent"),
        indicator("K1.04", "count", 3),
      ],
    },
  ],
  thresholds: [],
  level_rubric: [
    { level: 0, label: "Belum ada" },
    { level: 1, label: "Direncanakan/konsep" },
    { level: 2, label: "Sebagian terlaksana" },
    { level: 3, label: "Terlaksana penuh dengan bukti" },
    { level: 4, label: "Terlaksana, dievaluasi dan ditindaklanjuti" },
  ],
};

export function submission(overrides: Partial<SubmissionRead> = {}): SubmissionRead {
  return {
    period: "2024-Q1",
    region: "64.72",
    region_name: "Kota Samarinda",
    indicator: "K1.01",
    indicator_name: "Indikator K1.01",
    answer_type: "level",
    target: null,
    evidence_required: true,
    agency: "64.72.kesbangpol",
    value: 2,
    narrative: "Sebagian",
    status: "draft",
    version: 1,
    etag: '"10-1"',
    is_late: false,
    created_at: "2024-03-01T00:00:00Z",
    updated_at: "2024-03-01T00:00:00Z",
    first_submitted_at: null,
    submitted_at: null,
    verified_at: null,
    evidence: [],
    last_review: null,
    ...overrides,
  };
}

export function task(overrides: Partial<TaskRead> = {}): TaskRead {
  return {
    period: "2024-Q1",
    deadline: "2024-04-10",
    deadline_at: "2024-04-10T16:00:00Z",
    time_zone: "Asia/Makassar",
    time_zone_abbreviation: "WITA",
    region: "64.72",
    region_name: "Kota Samarinda",
    indicator: "K1.01",
    indicator_name: "Indikator K1.01",
    dimension: "K1",
    answer_type: "level",
    target: null,
    guidance: "",
    evidence_required: true,
    evidence_guidance: "",
    agency: "64.72.kesbangpol",
    agency_name: "Badan Kesatuan Bangsa dan Politik Kota Samarinda",
    status: "not_started",
    value: null,
    version: null,
    etag: null,
    is_late: false,
    overdue: false,
    evidence_count: 0,
    last_reason: null,
    unread_comments: 0,
    ...overrides,
  };
}

export const notAnswered = { error: { code: "answer_not_found", message: "Belum dijawab" } };

/** koordinator.64.72: the coordinator of Kota Samarinda's monitoring team. */
export const coordinatorMe: MeRead = {
  ...viewerMe,
  username: "koordinator.64.72",
  full_name: "Koordinator Tim Pemantauan Kota Samarinda",
  role: "coordinator",
  region_code: "64.72",
  region_name: "Kota Samarinda",
  capabilities: ["read"],
};

export const samarinda: RegionDetail = {
  code: "64.72",
  name: "Kota Samarinda",
  level: "city",
  parent_code: "64",
  parent_name: "Kalimantan Timur",
  bps_code: "6472",
  time_zone: "Asia/Makassar",
  time_zone_abbreviation: "WITA",
  own_time_zone: null,
  children_count: 0,
  agencies_count: 1,
};
