/**
 * The API's `?locale=` for CSV downloads. Indonesian Excel opens a CSV with `;` and a
 * decimal comma, so an RFC 4180 file lands in one column: Indonesian users get
 * `locale=id` (semicolon, decimal comma, BOM); English users and scripts get RFC 4180.
 */
export function csvLocale(language: string | undefined): "id" | undefined {
  return language?.split("-")[0] === "id" ? "id" : undefined;
}

/** `url` with `locale=id` appended when the UI language asks for it. */
export function withCsvLocale(url: string, language: string | undefined): string {
  const locale = csvLocale(language);
  if (!locale) return url;
  return `${url}${url.includes("?") ? "&" : "?"}locale=${locale}`;
}
