// Test data shaped like the demo's Kalimantan Timur (GET /scores, /scores/{region}/{period}, /trend).
import type { PeriodRead } from "../api/client";
import type { PemdaScore, ScoreExplanation, ScoreTable, ScoreTrend } from "../pages/dashboard/readiness";

export const periods: PeriodRead[] = [
  { code: "2023-Q3", name: "Triwulan III 2023", framework_code: "PEMILU2024", start_date: "2023-07-01", end_date: "2023-09-30", deadline: "2023-10-15", state: "closed", opened_at: "2023-07-01T00:00:00Z", closed_at: "2023-10-20T00:00:00Z" },
  { code: "2023-Q4", name: "Triwulan IV 2023", framework_code: "PEMILU2024", start_date: "2023-10-01", end_date: "2023-12-31", deadline: "2024-01-15", state: "open", opened_at: "2023-10-01T00:00:00Z", closed_at: null },
  { code: "2024-Q2", name: "Triwulan II 2024", framework_code: "PEMILU2024", start_date: "2024-04-01", end_date: "2024-06-30", deadline: "2024-07-15", state: "planned", opened_at: null, closed_at: null },
];

export function score(overrides: Partial<PemdaScore> & Pick<PemdaScore, "region" | "name">): PemdaScore {
  return {
    level: "regency",
    parent: "64",
    readiness: 50,
    category: "kurang_siap",
    dimensions: { K1: 50, K2: 50 },
    completeness: 90,
    verification_rate: 90,
    timeliness: 90,
    applicable: 24,
    answered: 20,
    verified: 18,
    submitted: 2,
    draft: 0,
    returned: 0,
    rank: 1,
    previous_readiness: null,
    report_state: null,
    report_receipt: null,
    report_on_time: null,
    ...overrides,
  };
}

export const items: PemdaScore[] = [
  score({ region: "64", name: "Kalimantan Timur", level: "province", parent: null, readiness: 69.479, category: "cukup_siap", previous_readiness: 75.7958, dimensions: { K1: 80, K2: 60 } }),
  score({ region: "64.01", name: "Kabupaten Paser", readiness: 60.7617, category: "cukup_siap", previous_readiness: 56.3825, completeness: 95.8333, verification_rate: null, timeliness: 70, rank: 2, dimensions: { K1: 70, K2: 40 }, report_state: "submitted", report_receipt: "TT/64.01/2023-Q3/0002", report_on_time: false }),
  score({ region: "64.11", name: "Kabupaten Mahakam Ulu", readiness: 14.7231, category: "belum_siap", completeness: 50, verification_rate: 100, timeliness: 83.3, rank: 3, dimensions: { K1: 10, K2: 20 }, report_state: "draft" }),
  score({ region: "64.72", name: "Kota Samarinda", level: "city", readiness: 85.8367, category: "siap", previous_readiness: 85.8367, completeness: 100, verification_rate: 91.67, timeliness: 87.5, rank: 1, dimensions: { K1: 66.67, K2: 87.8 }, report_state: "accepted", report_receipt: "TT/64.72/2023-Q3/0001", report_on_time: true }),
];

export const table: ScoreTable = {
  period: "2023-Q3",
  view: "official",
  period_state: "closed",
  provisional: false,
  previous_period: "2023-Q2",
  summary: {
    region: "64",
    count: 4,
    mean: 57.7004,
    min: 14.7231,
    max: 85.8367,
    categories: [
      { category: "siap", label: "Siap", label_en: "Ready", min_score: 80, count: 1 },
      { category: "cukup_siap", label: "Cukup Siap", label_en: "Fairly ready", min_score: 60, count: 2 },
      { category: "kurang_siap", label: "Kurang Siap", label_en: "Less ready", min_score: 40, count: 0 },
      { category: "belum_siap", label: "Belum Siap", label_en: "Not ready", min_score: 0, count: 1 },
    ],
    // 64.72 on time, 64.01 late, 64 and 64.11 not sent (64.11 has a draft).
    reports_on_time: 1,
    reports_late: 1,
    not_reported: 2,
    report_timeliness: 25,
  },
  items,
};

export const trend: ScoreTrend = {
  region: "64",
  view: "official",
  items: [
    { period: "2023-Q2", period_state: "closed", provisional: false, readiness: 75.7958, category: "cukup_siap", completeness: 90, dimensions: { K1: 80, K2: 70 }, report_on_time: true },
    { period: "2023-Q3", period_state: "closed", provisional: false, readiness: 69.479, category: "cukup_siap", completeness: 90, dimensions: { K1: 80, K2: 60 }, report_on_time: null },
  ],
};

export const explanation: ScoreExplanation = {
  period: "2023-Q3",
  view: "official",
  period_state: "closed",
  provisional: false,
  score: items[3]!,
  dimensions: [
    {
      dimension: "K1",
      name: "Kelembagaan dan Koordinasi",
      weight: 15,
      score: 66.67,
      indicators: [
        { indicator: "K1.01", name: "Tim Pemantauan ditetapkan", answer_type: "level", target: null, weight: 2, agency: "64.72.kesbangpol", status: "verified", value: 4, is_late: false, score: 100, counts: true, evidence_count: 1 },
        { indicator: "K1.02", name: "Desk Pemilu dibentuk", answer_type: "level", target: null, weight: 1, agency: "64.72.setda", status: "submitted", value: 4, is_late: false, score: 0, counts: false, evidence_count: 1 },
        { indicator: "K1.03", name: "Rapat koordinasi", answer_type: "count", target: 3, weight: 2, agency: "64.72.kesbangpol", status: null, value: null, is_late: false, score: 0, counts: false, evidence_count: 0 },
      ],
    },
    {
      dimension: "K2",
      name: "Pendanaan, SDM dan Sarana",
      weight: 25,
      score: 87.8,
      indicators: [
        { indicator: "K2.01", name: "Realisasi hibah", answer_type: "percent", target: null, weight: 3, agency: "64.72.bpkad", status: "verified", value: 75.6, is_late: true, score: 75.6, counts: true, evidence_count: 2 },
      ],
    },
  ],
  agencies: [
    { agency: "64.72.bpkad", name: "BPKAD Kota Samarinda", applicable: 2, answered: 2, verified: 2, returned: 0, not_started: 0, completeness: 100, verification_rate: 100, timeliness: 100 },
    { agency: "64.72.setda", name: "Setda Kota Samarinda", applicable: 3, answered: 1, verified: 0, returned: 1, not_started: 2, completeness: 33.33, verification_rate: 0, timeliness: 100 },
  ],
};
