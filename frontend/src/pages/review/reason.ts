/**
 * The server's rule for the reason of a return or a reopen (ReasonBody.reason in the
 * OpenAPI document: minLength and maxLength). reason.test.ts compares these with the
 * committed openapi.json, so the form and the server cannot drift apart unnoticed.
 */
export const REASON_MIN_LENGTH = 15;
export const REASON_MAX_LENGTH = 2000;

/** The length the server counts: characters (code points) of the trimmed text in NFC. */
export function reasonLength(text: string): number {
  return [...text.trim().normalize("NFC")].length;
}
