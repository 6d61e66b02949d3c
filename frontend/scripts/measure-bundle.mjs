#!/usr/bin/env node
// Prints the gzipped size of the SPA's initial JavaScript (the entry chunk of
// dist/index.html and the chunks it preloads) and of the lazily loaded ECharts
// chunk. Run after `npm run build`:
//
//   node scripts/measure-bundle.mjs          # a table
//   node scripts/measure-bundle.mjs --json   # one JSON object (for benchmarks)
//   node scripts/measure-bundle.mjs --max-entry-kb 250   # exit 1 when the /dasbor route's JS is above it
//
// Sizes are gzip level 9 of the files as served, in bytes and KB (1024 B).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const args = process.argv.slice(2);
const asJson = args.includes("--json");
const maxIndex = args.indexOf("--max-entry-kb");
const maxEntryKb = maxIndex >= 0 ? Number(args[maxIndex + 1]) : undefined;

if (!existsSync(join(dist, "index.html"))) {
  console.error("measure-bundle: dist/index.html not found; run `npm run build` first.");
  process.exit(2);
}

const html = readFileSync(join(dist, "index.html"), "utf8");
const assetPath = (src) => join(dist, src.replace(/^\//, ""));
const entrySrc = /<script[^>]*type="module"[^>]*src="([^"]+)"/.exec(html)?.[1];
if (!entrySrc) {
  console.error("measure-bundle: no module script in dist/index.html.");
  process.exit(2);
}
const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]);

function measure(file) {
  const raw = readFileSync(file);
  return { file: basename(file), bytes: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
}

const entry = measure(assetPath(entrySrc));
const initial = [entry, ...preloads.map((p) => measure(assetPath(p)))];
const initialGzip = initial.reduce((sum, f) => sum + f.gzip, 0);

// The ECharts chunk: named after src/pages/dashboard/echartsMap.ts, or else
// the chunk that contains ECharts' own code.
const assets = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"));
let echartsFile = assets.find((f) => f.startsWith("echartsMap-")) ?? assets.find((f) => /echarts/i.test(f));
if (!echartsFile) {
  echartsFile = assets.find((f) => readFileSync(join(dist, "assets", f), "utf8").includes("registerMap"));
}
const echarts = echartsFile ? measure(join(dist, "assets", echartsFile)) : null;
const inInitial = echarts ? initial.some((f) => f.file === echarts.file) : false;

// The dashboard route (/dasbor): the initial JS plus its lazy page chunk and
// that chunk's static imports (not its dynamic ones, such as ECharts).
function staticImports(file, seen) {
  if (seen.has(file)) return;
  seen.add(file);
  const code = readFileSync(join(dist, "assets", file), "utf8");
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    staticImports(m[1], seen);
  }
}
const dashboardChunk = assets.find((f) => f.startsWith("DashboardPage-"));
const routeFiles = new Set(initial.map((f) => f.file));
if (dashboardChunk) staticImports(dashboardChunk, routeFiles);
const routeGzip = [...routeFiles].reduce((sum, f) => sum + measure(join(dist, "assets", f)).gzip, 0);

const kb = (n) => Math.round((n / 1024) * 100) / 100;
const result = {
  entry: { ...entry, gzip_kb: kb(entry.gzip) },
  initial_js_gzip: initialGzip,
  initial_js_gzip_kb: kb(initialGzip),
  initial_files: initial.map((f) => f.file),
  dashboard_route_js_gzip: routeGzip,
  dashboard_route_js_gzip_kb: Math.round((routeGzip / 1024) * 100) / 100,
  dashboard_route_files: [...routeFiles],
  echarts: echarts ? { ...echarts, gzip_kb: kb(echarts.gzip), in_initial_route: inInitial || routeFiles.has(echarts.file) } : null,
};

if (asJson) {
  console.log(JSON.stringify(result));
} else {
  console.log(`entry chunk       ${entry.file}: ${kb(entry.bytes)} KB raw, ${kb(entry.gzip)} KB gzip`);
  console.log(`initial route JS  ${initial.length} file(s): ${kb(initialGzip)} KB gzip`);
  console.log(`/dasbor route JS   ${routeFiles.size} file(s): ${kb(routeGzip)} KB gzip (initial + dashboard chunk, without ECharts)`);
  console.log(
    echarts
      ? `echarts chunk     ${echarts.file}: ${kb(echarts.bytes)} KB raw, ${kb(echarts.gzip)} KB gzip${inInitial ? " (LOADED UP FRONT!)" : " (lazy)"}`
      : "echarts chunk     not found",
  );
}

const echartsUpFront = echarts ? routeFiles.has(echarts.file) : false;
if (maxEntryKb !== undefined && (kb(routeGzip) > maxEntryKb || echartsUpFront)) {
  console.error(`measure-bundle: /dasbor route JS ${kb(routeGzip)} KB gzip exceeds ${maxEntryKb} KB or includes ECharts.`);
  process.exit(1);
}
