import { ApiError, CSRF_COOKIE, CSRF_HEADER, NETWORK_ERROR, notifyUnauthorized, readCookie, toApiError } from "./client";

export const UPLOAD_ABORTED = "upload_aborted";

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadHandle<T> {
  promise: Promise<T>;
  abort: () => void;
}

/**
 * POSTs one file as multipart field `file` and resolves with the JSON answer.
 * XMLHttpRequest rather than fetch, because only it reports upload progress
 * (evidence scans and 50 MB workbooks over regional connections take a
 * while). Sends the CSRF cookie as the header the API client sends; failures
 * reject with an ApiError carrying the API's code, message and details (413
 * too_large, 415 unsupported_media_type, 409 …), also when a proxy in front
 * of the API refuses the size with a page of its own.
 */
export function postFile<T>(
  url: string,
  file: File,
  onProgress: (progress: UploadProgress) => void,
  headers: Record<string, string> = {},
): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open("POST", url);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    const token = readCookie(CSRF_COOKIE);
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    };
    xhr.onload = () => {
      let body: unknown = undefined;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = xhr.responseText;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body === "object") {
        onProgress({ loaded: file.size, total: file.size });
        resolve(body as T);
      } else if (xhr.status === 413 && !(body && typeof body === "object")) {
        reject(new ApiError("Request Entity Too Large", 413, "too_large"));
      } else {
        if (xhr.status === 401) notifyUnauthorized();
        reject(toApiError(body, xhr.status, xhr.statusText));
      }
    };
    xhr.onerror = () => reject(new ApiError("Network error", 0, NETWORK_ERROR));
    xhr.onabort = () => reject(new ApiError("Aborted", 0, UPLOAD_ABORTED));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
