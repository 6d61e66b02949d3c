// Where the map writes each region's name. ECharts puts a label at the centroid of
// the polygon with the most points, which for a crescent- or L-shaped regency (Kutai
// Kartanegara wraps around Samarinda) lies outside it or on a neighbour. The pole of
// inaccessibility of the largest polygon (the inside point farthest from its edges,
// found as in Mapbox's polylabel) is always inside and leaves room for the text.

type Position = number[];
type Ring = Position[];
type Polygon = Ring[];

interface Geometry {
  type: string;
  coordinates: unknown;
}

interface Feature {
  properties: Record<string, unknown>;
  geometry: Geometry;
}

/**
 * The region's name as the map prints it: without its "Kabupaten"/"Kota" prefix, and
 * names of three or more words as their initials, as people in the region say them
 * ("Penajam Paser Utara" is PPU). The tooltip and the ranking carry the full name.
 */
export function shortRegionName(name: string): string {
  const short = name.replace(/^(kabupaten|kab\.|kota)\s+/i, "").trim();
  if (!short) return name;
  const words = short.split(/\s+/);
  return words.length >= 3 ? words.map((w) => w[0]!.toUpperCase()).join("") : short;
}

function ringArea(ring: Ring): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    twice += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!;
  }
  return twice / 2;
}

function segmentDistanceSq(x: number, y: number, a: Position, b: Position): number {
  let [px, py] = [a[0]!, a[1]!];
  let dx = b[0]! - px;
  let dy = b[1]! - py;
  if (dx !== 0 || dy !== 0) {
    const t = ((x - px) * dx + (y - py) * dy) / (dx * dx + dy * dy);
    if (t > 1) [px, py] = [b[0]!, b[1]!];
    else if (t > 0) [px, py] = [px + dx * t, py + dy * t];
  }
  dx = x - px;
  dy = y - py;
  return dx * dx + dy * dy;
}

/** Distance from (x, y) to the polygon's nearest edge; negative outside it. */
function signedDistance(x: number, y: number, polygon: Polygon): number {
  let inside = false;
  let nearest = Infinity;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i]!;
      const b = ring[j]!;
      if (a[1]! > y !== b[1]! > y && x < ((b[0]! - a[0]!) * (y - a[1]!)) / (b[1]! - a[1]!) + a[0]!) {
        inside = !inside;
      }
      nearest = Math.min(nearest, segmentDistanceSq(x, y, a, b));
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(nearest);
}

interface Cell {
  x: number;
  y: number;
  half: number;
  distance: number;
  /** The best distance any point of the cell could have. */
  potential: number;
}

function cell(x: number, y: number, half: number, polygon: Polygon): Cell {
  const distance = signedDistance(x, y, polygon);
  return { x, y, half, distance, potential: distance + half * Math.SQRT2 };
}

/** The inside point of `polygon` farthest from its edges, to within 1/200 of its size. */
export function labelPoint(polygon: Polygon): [number, number] {
  const outer = polygon[0] ?? [];
  const xs = outer.map((p) => p[0]!);
  const ys = outer.map((p) => p[1]!);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const width = maxX - minX;
  const height = maxY - minY;
  const size = Math.min(width, height);
  if (!(size > 0)) return [minX, minY];
  const precision = Math.max(width, height) / 200;

  const queue: Cell[] = [];
  const half = size / 2;
  for (let x = minX; x < maxX; x += size) {
    for (let y = minY; y < maxY; y += size) queue.push(cell(x + half, y + half, half, polygon));
  }
  let best = cell(minX + width / 2, minY + height / 2, 0, polygon);
  while (queue.length > 0) {
    // A linear scan for the most promising cell: the queue stays in the hundreds.
    let top = 0;
    for (let i = 1; i < queue.length; i++) if (queue[i]!.potential > queue[top]!.potential) top = i;
    const current = queue.splice(top, 1)[0]!;
    if (current.distance > best.distance) best = current;
    if (current.potential - best.distance <= precision) continue;
    const quarter = current.half / 2;
    for (const [dx, dy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) {
      queue.push(cell(current.x + dx * quarter, current.y + dy * quarter, quarter, polygon));
    }
  }
  return [best.x, best.y];
}

function polygonsOf(geometry: Geometry): Polygon[] {
  if (geometry.type === "Polygon") return [geometry.coordinates as Polygon];
  if (geometry.type === "MultiPolygon") return geometry.coordinates as Polygon[];
  return [];
}

function diagonal(polygon: Polygon): number {
  const xs = (polygon[0] ?? []).map((p) => p[0]!);
  const ys = (polygon[0] ?? []).map((p) => p[1]!);
  return Math.hypot(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
}

// A region whose largest polygon spans less than this share of the whole map is drawn
// a few pixels wide (a city): its label starts at its point instead of covering it
// and its neighbours' labels.
const SMALL_SHARE = 0.1;

export interface LabelledCollection {
  /** The collection with `properties.cp` (ECharts' label position) on each feature. */
  geoJson: { type: "FeatureCollection"; features: Feature[] };
  /** Codes of the regions too small to centre a label on. */
  small: Set<string>;
}

/**
 * Each feature's label point: that of its largest polygon by area (islands keep no
 * label of their own), and which regions are small next to the whole collection.
 */
export function withLabelPoints(collection: { features: readonly Feature[] }): LabelledCollection {
  const largest = collection.features.map((feature) => {
    let found: Polygon | undefined;
    let foundArea = 0;
    for (const polygon of polygonsOf(feature.geometry)) {
      const area = Math.abs(ringArea(polygon[0] ?? []));
      if (area > foundArea) [found, foundArea] = [polygon, area];
    }
    return found;
  });
  const outer = collection.features.flatMap((f) => polygonsOf(f.geometry).map((p) => p[0] ?? []));
  const whole = diagonal([outer.flat()]);
  const small = new Set<string>();
  const features = collection.features.map((feature, i) => {
    const polygon = largest[i];
    if (!polygon) return { feature, rank: 0 };
    const size = diagonal(polygon);
    if (size < whole * SMALL_SHARE) small.add(String(feature.properties.code));
    const labelled = { ...feature, properties: { ...feature.properties, cp: labelPoint(polygon) } };
    return { feature: labelled, rank: size < whole * SMALL_SHARE ? Infinity : size };
  });
  // ECharts lays labels out in feature order, and LabelPlacer keeps the first label
  // where it is: cities first (their label marks the spot), then the larger regions.
  features.sort((a, b) => b.rank - a.rank);
  return { geoJson: { type: "FeatureCollection", features: features.map((f) => f.feature) }, small };
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const GAP = 1;

function overlaps(a: Rect, b: Rect): boolean {
  return (
    a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP
  );
}

/**
 * Greedy label placement, one label at a time in layout order: a label that would
 * cover one placed before it moves a line up or down, or half its width sideways,
 * whichever is free first. ECharts' own `moveOverlap` does not move map labels, and
 * `hideOverlap` alone would hide a city's label behind the neighbour around it.
 */
export class LabelPlacer {
  private placed = new Map<number, Rect>();

  /** How many labels of the current pass have a place of their own. */
  get size(): number {
    return this.placed.size;
  }

  /** The offset for label `index` at `rect` (pixels), given its preferred `dx`. */
  place(index: number, rect: Rect, dx: number): { dx: number; dy: number } {
    // A label seen again means a new layout pass (a resize): start from scratch.
    if (this.placed.has(index)) this.placed.clear();
    const [up, side] = [rect.height + GAP, rect.width / 2];
    const moves = [[0, 0], [0, -up], [0, up], [-side, 0], [side, 0], [-side, -up], [side, -up], [-side, up], [side, up]];
    for (const [x, y] of moves as [number, number][]) {
      const moved = { ...rect, x: rect.x + dx + x, y: rect.y + y };
      if (![...this.placed.values()].some((other) => overlaps(moved, other))) {
        this.placed.set(index, moved);
        return { dx: dx + x, dy: y };
      }
    }
    // Nowhere free: leave it where it was; hideOverlap then keeps the larger region's.
    return { dx, dy: 0 };
  }
}
