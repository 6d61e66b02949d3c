import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { OPERATOR, VERIFIER, login, logout } from "./helpers";

// The verifier must SEE the evidence: a PDF's page drawn on screen on a desktop and on a
// phone (not a frame the browser refused, nor a viewer a phone lacks), the PDF itself in
// Chromium's viewer a tab away, and the Pemda's evidence for the period as one ZIP.

interface Task {
  period: string;
  region: string;
  indicator: string;
  indicator_name: string;
  answer_type: "level" | "yes_no" | "percent" | "count";
  evidence_required: boolean;
  status: string;
}

const PERIOD = "2024-Q1";
const REGION = "64.72";
const FILE_NAME = "berita-acara-rapat.pdf";
// The page (A4, points from the bottom left): a red box across the top, text below it.
const PAGE = { width: 595, height: 842 };
const RED_BOX = { x: 60, y: 560, width: 475, height: 220 };

/** A one-page A4 PDF with a red box and a line of text, with a correct cross-reference table. */
function evidencePdf(): Buffer {
  const content =
    `1 0 0 rg ${RED_BOX.x} ${RED_BOX.y} ${RED_BOX.width} ${RED_BOX.height} re f\n` +
    "0 0 0 rg BT /F1 40 Tf 70 480 Td (BERITA ACARA RAPAT) Tj ET\n";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>`,
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(out.length);
    out += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer << /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

function valueFor(type: Task["answer_type"]): number | boolean {
  return type === "level" ? 2 : type === "yes_no" ? true : type === "percent" ? 60 : 3;
}

async function csrfHeaders(context: BrowserContext): Promise<Record<string, string>> {
  const csrf = (await context.cookies()).find((c) => c.name === "siaga_csrf");
  expect(csrf, "the session has a CSRF cookie").toBeDefined();
  return { "X-CSRF-Token": csrf!.value };
}

/** As the operator, through the API: answer a task not started yet, attach the PDF, submit. */
async function submitWithEvidence(page: Page): Promise<Task> {
  const request: APIRequestContext = page.request;
  const listed = await request.get(`/api/v1/tasks?period=${PERIOD}&status=not_started&limit=500`);
  expect(listed.ok()).toBe(true);
  const tasks = ((await listed.json()) as { items: Task[] }).items.filter((t) => t.region === REGION);
  // Away from the ends of the list, where the workflow and operator specs pick theirs.
  const task = tasks[Math.floor(tasks.length / 2)];
  expect(task, "the demo operator has tasks not started in 2024-Q1").toBeDefined();
  const csrf = await csrfHeaders(page.context());
  const url = `/api/v1/submissions/${PERIOD}/${REGION}/${task!.indicator}`;

  const created = await request.put(url, {
    headers: csrf,
    data: { value: valueFor(task!.answer_type), narrative: "Rapat koordinasi bersama KPU dan Bawaslu." },
  });
  expect(created.status(), await created.text()).toBe(201);
  const uploaded = await request.post(`${url}/evidence`, {
    headers: csrf,
    multipart: { file: { name: FILE_NAME, mimeType: "application/pdf", buffer: evidencePdf() } },
  });
  expect(uploaded.status(), await uploaded.text()).toBe(201);
  const { answer_etag } = (await uploaded.json()) as { answer_etag: string };
  const submitted = await request.post(`${url}/submit`, { headers: { ...csrf, "If-Match": answer_etag } });
  expect(submitted.ok(), await submitted.text()).toBe(true);
  return task!;
}

// The e2e sources are compiled without the DOM library: the image and canvas, as far as used.
interface ImageLike {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: "2d"): {
    drawImage(image: unknown, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}

/** The RGB of the preview image at a point given as fractions of its width and height. */
async function pixelAt(page: Page, fx: number, fy: number): Promise<[number, number, number]> {
  return page.locator(".evidence-preview img").evaluate(
    (element, [x, y]) => {
      const img = element as unknown as ImageLike;
      const doc = (globalThis as unknown as { document: { createElement(tag: "canvas"): CanvasLike } }).document;
      const canvas = doc.createElement("canvas");
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext("2d")!;
      context.drawImage(img, 0, 0);
      const { data } = context.getImageData(Math.floor(x! * img.naturalWidth), Math.floor(y! * img.naturalHeight), 1, 1);
      return [data[0]!, data[1]!, data[2]!] as [number, number, number];
    },
    [fx, fy],
  );
}

test("a verifier sees the evidence PDF's page on a desktop and a phone, and takes the Pemda's evidence as a ZIP", async ({
  page,
}) => {
  test.slow();
  await login(page, OPERATOR);
  const task = await submitWithEvidence(page);
  await logout(page);

  await login(page, VERIFIER);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(`/verifikasi/${PERIOD}/${REGION}/${task.indicator}`);
  await expect(page.getByRole("heading", { level: 1, name: task.indicator_name })).toBeVisible();

  // The first page, drawn on screen: loaded, of real size, and showing the page's content.
  const image = page.getByRole("img", { name: `Halaman 1 dari 1: ${FILE_NAME}` });
  await expect(image).toBeVisible();
  await expect
    .poll(() =>
      image.evaluate((element) => {
        const img = element as unknown as ImageLike;
        return img.complete ? img.naturalWidth : 0;
      }),
    )
    .toBeGreaterThan(500);
  const box = (await image.boundingBox())!;
  expect(box.width).toBeGreaterThan(400);
  // Its proportions are the page's (A4), so nothing is cut or stretched.
  expect(box.height / box.width).toBeCloseTo(PAGE.height / PAGE.width, 1);
  const inRedBox = [0.5, (PAGE.height - (RED_BOX.y + RED_BOX.height / 2)) / PAGE.height] as const;
  const [r, g, b] = await pixelAt(page, ...inRedBox);
  expect(r).toBeGreaterThan(200);
  expect(g).toBeLessThan(60);
  expect(b).toBeLessThan(60);
  expect(await pixelAt(page, 0.5, 0.9)).toEqual([255, 255, 255]);
  await page.locator(".evidence-preview").screenshot({ path: test.info().outputPath("preview-1366.png") });

  // The PDF itself opens in Chromium's own viewer in a new tab (served inline, not as a download).
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.getByRole("link", { name: "Buka PDF di tab baru" }).click()]);
  await expect.poll(() => popup.frames().some((f) => f.url().startsWith("chrome-extension://"))).toBe(true);
  expect(popup.url()).toMatch(/\/api\/v1\/evidence\/[0-9a-f-]+\?inline=true$/);
  await popup.waitForTimeout(1000);
  await popup.screenshot({ path: test.info().outputPath("pdf-viewer-tab.png") });
  await popup.close();

  // On a phone: the page fits the screen, and the screen does not scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await image.scrollIntoViewIfNeeded();
  await expect(image).toBeVisible();
  const phoneBox = (await image.boundingBox())!;
  expect(phoneBox.x).toBeGreaterThanOrEqual(0);
  expect(phoneBox.x + phoneBox.width).toBeLessThanOrEqual(390);
  expect(phoneBox.width).toBeGreaterThan(250);
  expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
  await page.screenshot({ path: test.info().outputPath("preview-390.png"), fullPage: true });

  // The Pemda's evidence for the period, from its region page, as one ZIP with a manifest.
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(`/wilayah/${REGION}?period=${PERIOD}`);
  const zipLink = page.getByRole("link", { name: "Semua data dukung (ZIP)" });
  await expect(zipLink).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), zipLink.click()]);
  expect(download.suggestedFilename()).toBe(`siaga-bukti-${REGION}-${PERIOD}.zip`);
  const path = await download.path();
  const { readFileSync } = await import("node:fs");
  const zip = readFileSync(path);
  expect(zip.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
  const names = zip.toString("latin1");
  expect(names).toContain(`${task.indicator}/${FILE_NAME}`);
  expect(names).toContain("manifest.csv");
});
