import { expect, test } from "@playwright/test";

// The API documentation on a closed network: Swagger UI's files come from the
// package (backend core/headers.py), so the page renders with no request leaving
// the server and nothing refused by its Content-Security-Policy.
test("the API docs render from local assets only", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  const refused: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) refused.push(message.text());
  });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  // Anything addressed elsewhere fails at once, as it would on an intranet.
  await page.route(
    (url) => url.origin !== origin && url.protocol !== "data:",
    (route) => route.abort("internetdisconnected"),
  );

  await page.goto("/api/v1/docs");
  await expect(page.getByRole("heading", { name: /Siaga API/ })).toBeVisible();
  // Operations are listed by tag; "auth" and one of its operations are there.
  await expect(page.locator("#operations-tag-auth")).toBeVisible();
  await expect(page.locator(".opblock").first()).toBeVisible();
  await expect(page.getByText("/api/v1/auth/login").first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("api-docs.png") });

  const http = requests.filter((url) => url.startsWith("http"));
  expect(http.length).toBeGreaterThan(2);
  expect(http.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  expect(http.some((url) => url.endsWith("/api/v1/docs/assets/swagger-ui-bundle.js"))).toBe(true);
  expect(refused).toEqual([]);
  expect(errors).toEqual([]);
});
