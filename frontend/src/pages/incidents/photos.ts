/**
 * Photos are made smaller on the phone before they travel: a 12-megapixel picture of
 * 4-6 MB becomes a JPEG of a few hundred kilobytes, which goes up over a weak signal in
 * seconds. Redrawing on a canvas also leaves the photo's metadata (its location among
 * it) behind; the server strips it again whatever arrives, unless the reporter keeps it.
 */

export const MAX_SIDE = 1600;
export const JPEG_QUALITY = 0.85;

/** The size that fits within `max` on its longer side, never larger than the original. */
export function fitWithin(width: number, height: number, max = MAX_SIDE): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (longer <= max || longer === 0) return { width, height };
  const scale = max / longer;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** `foto.HEIC` becomes `foto.jpg`: the name follows the new content. */
export function jpegName(name: string): string {
  const stem = name.replace(/\.[^./\\]*$/, "") || "foto";
  return `${stem}.jpg`;
}

function toBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

/**
 * The photo redrawn as a JPEG within MAX_SIDE (turned upright as the camera meant);
 * anything else, or a photo the browser cannot decode, is returned as it is and the
 * server's rules decide. A small PNG (a screenshot) stays a PNG: JPEG would blur its text.
 */
export async function downscalePhoto(file: File, max = MAX_SIDE, quality = JPEG_QUALITY): Promise<File> {
  if (!file.type.startsWith("image/") || typeof createImageBitmap === "undefined") return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file;
  }
  try {
    const size = fitWithin(bitmap.width, bitmap.height, max);
    if (file.type === "image/png" && size.width === bitmap.width && size.height === bitmap.height) return file;
    const canvas = document.createElement("canvas");
    canvas.width = size.width;
    canvas.height = size.height;
    const context = canvas.getContext("2d");
    if (!context) return file;
    // JPEG has no transparency: a white page rather than a black one under a PNG's holes.
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, size.width, size.height);
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    const blob = await toBlob(canvas, quality);
    if (!blob) return file;
    return new File([blob], jpegName(file.name), { type: "image/jpeg", lastModified: file.lastModified });
  } finally {
    bitmap.close();
  }
}
