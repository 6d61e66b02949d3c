// Fails when src/api/generated/schema.ts is not what openapi.json generates,
// so a changed API contract cannot land without its regenerated client.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const spec = join(root, "openapi.json");
const committed = join(root, "src/api/generated/schema.ts");
const bin = join(root, "node_modules/openapi-typescript/bin/cli.js");

for (const [file, hint] of [
  [spec, "write it with `siaga openapi > frontend/openapi.json`"],
  [committed, "run `npm run gen:api`"],
  [bin, "run `npm ci`"],
]) {
  if (!existsSync(file)) {
    console.error(`check:api: missing ${file}; ${hint}.`);
    process.exit(2);
  }
}

const dir = mkdtempSync(join(tmpdir(), "siaga-check-api-"));
try {
  const fresh = join(dir, "schema.ts");
  const run = spawnSync(process.execPath, [bin, spec, "-o", fresh], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) {
    console.error(`check:api: openapi-typescript failed:\n${run.stdout}${run.stderr}`);
    process.exit(2);
  }
  const want = readFileSync(fresh, "utf8");
  const have = readFileSync(committed, "utf8");
  if (want !== have) {
    const a = have.split("\n");
    const b = want.split("\n");
    let line = 0;
    while (line < a.length && a[line] === b[line]) line++;
    console.error(
      "check:api: src/api/generated/schema.ts is out of date with openapi.json " +
        `(first difference at line ${line + 1}).\n` +
        `  committed: ${JSON.stringify(a[line] ?? "<end of file>")}\n` +
        `  expected:  ${JSON.stringify(b[line] ?? "<end of file>")}\n` +
        "Run `npm run gen:api` and commit the result.",
    );
    process.exit(1);
  }
  console.log("check:api: generated client matches openapi.json");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
