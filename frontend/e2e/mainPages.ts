import { expect, type Page } from "@playwright/test";
import { COORDINATOR, NATIONAL_VERIFIER, OPERATOR, VERIFIER, VIEWER, login } from "./helpers";

/** The demo roles and the main pages each can open (phone.spec.ts, screenshots.spec.ts). */
export interface RolePages {
  role: string;
  username: string;
  pages: { name: string; path: string }[];
}

const READER_PAGES = [
  { name: "regions", path: "/wilayah" },
  { name: "region", path: "/wilayah/64.72" },
  { name: "frameworks", path: "/kerangka" },
  { name: "framework", path: "/kerangka/PEMILU2024" },
  { name: "periods", path: "/periode" },
  { name: "about", path: "/tentang" },
];

export const ROLES: RolePages[] = [
  {
    // Answers its agency's indicators; reads its Pemda's reports to follow up the
    // recommendations its agency answers for.
    role: "operator",
    username: OPERATOR,
    pages: [
      { name: "tasks", path: "/tugas" },
      { name: "dashboard", path: "/dasbor" },
      { name: "reports", path: "/laporan" },
      { name: "report", path: "/laporan/64.72/2024-Q1" },
      ...READER_PAGES,
    ],
  },
  {
    role: "verifier",
    username: VERIFIER,
    pages: [
      { name: "review", path: "/verifikasi" },
      { name: "dashboard", path: "/dasbor" },
      { name: "reports", path: "/laporan" },
      { name: "report", path: "/laporan/64.72/2024-Q1" },
      { name: "incidents", path: "/laporan-cepat" },
      // The demo's kritis clash in Samarinda, escalated to the Ministry (seed/demo_incidents.py).
      { name: "incident", path: "/laporan-cepat/64.72/2024/0001" },
      { name: "notifications", path: "/notifikasi" },
      ...READER_PAGES,
    ],
  },
  {
    // Reviews the province's own answers, nationwide: picks a province first, as the admin does.
    role: "national-verifier",
    username: NATIONAL_VERIFIER,
    pages: [{ name: "review", path: "/verifikasi" }, { name: "dashboard", path: "/dasbor?region=64" }, ...READER_PAGES],
  },
  {
    // Follows its Pemda's agencies and reads their answers; reviews and answers nothing.
    role: "coordinator",
    username: COORDINATOR,
    pages: [
      { name: "progress", path: "/tugas" },
      { name: "answer", path: "/wilayah/64.72/jawaban/2024-Q1/K1.01" },
      { name: "dashboard", path: "/dasbor" },
      { name: "report", path: "/laporan/64.72/2024-Q1" },
      { name: "incidents", path: "/laporan-cepat" },
      { name: "incident-new", path: "/laporan-cepat/baru" },
      ...READER_PAGES,
    ],
  },
  { role: "viewer", username: VIEWER, pages: [{ name: "dashboard", path: "/dasbor" }, ...READER_PAGES] },
  {
    role: "admin",
    username: "admin",
    pages: [
      // The national administrator picks a province first; this is Kalimantan Timur's view.
      { name: "dashboard", path: "/dasbor?region=64" },
      { name: "tasks", path: "/tugas" },
      { name: "review", path: "/verifikasi" },
      { name: "imports", path: "/admin/impor" },
      { name: "users", path: "/admin/pengguna" },
      { name: "api-keys", path: "/admin/kunci-api" },
      { name: "webhooks", path: "/admin/webhook" },
      { name: "audit", path: "/admin/audit" },
      { name: "boundaries", path: "/admin/batas-wilayah" },
      { name: "profile", path: "/profil" },
      ...READER_PAGES,
    ],
  },
];

/** Signs in through the login page, at any width, and waits for the page it lands on. */
export async function signIn(page: Page, username: string): Promise<void> {
  await login(page, username);
  await expect(page).not.toHaveURL(/\/masuk/);
}

/** Opens a page and waits until its data has arrived (no loading spinner, no request in flight). */
export async function openPage(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expect(page.locator(".status-loading")).toHaveCount(0);
}
