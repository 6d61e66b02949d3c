import { describe, expect, it } from "vitest";
import { LabelPlacer, labelPoint, shortRegionName, withLabelPoints } from "./labelPoints";

// A "C" open to the east: its bounding-box centre (5, 5) lies in the gap, outside
// the shape. Its back (x 0..4) is twice as thick as its arms.
const C_SHAPE = [
  [
    [0, 0],
    [10, 0],
    [10, 2],
    [4, 2],
    [4, 8],
    [10, 8],
    [10, 10],
    [0, 10],
    [0, 0],
  ],
];

function inside([x, y]: [number, number], ring: number[][]): boolean {
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

function square(x: number, y: number, size: number): number[][][] {
  return [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ];
}

function feature(code: string, polygons: number[][][][]) {
  return {
    properties: { code, name: code },
    geometry: { type: "MultiPolygon", coordinates: polygons },
  };
}

describe("shortRegionName", () => {
  it("drops the Kabupaten/Kota prefix and shortens three-word names to initials", () => {
    expect(shortRegionName("Kota Samarinda")).toBe("Samarinda");
    expect(shortRegionName("Kabupaten Kutai Kartanegara")).toBe("Kutai Kartanegara");
    expect(shortRegionName("Kab. Berau")).toBe("Berau");
    expect(shortRegionName("Kabupaten Penajam Paser Utara")).toBe("PPU");
    expect(shortRegionName("Kalimantan Timur")).toBe("Kalimantan Timur");
    expect(shortRegionName("Kota")).toBe("Kota");
  });
});

describe("labelPoint", () => {
  it("lies inside a concave polygon, in its thickest part", () => {
    const point = labelPoint(C_SHAPE);
    expect(inside(point, C_SHAPE[0]!)).toBe(true);
    // Only the back of the C has points 2 units from every edge.
    expect(inside([5, 5], C_SHAPE[0]!)).toBe(false);
    expect(point[0]).toBeCloseTo(2, 0);
  });

  it("finds the middle of a square", () => {
    const [x, y] = labelPoint(square(0, 0, 4));
    expect(x).toBeCloseTo(2, 1);
    expect(y).toBeCloseTo(2, 1);
  });
});

describe("withLabelPoints", () => {
  it("labels the largest polygon, marks small regions and lists them first", () => {
    const collection = {
      features: [
        // An islet with many points must not win over the mainland.
        feature("64.02", [square(0, 0, 10), square(20, 20, 0.5)]),
        feature("64.72", [square(10, 0, 0.5)]),
      ],
    };
    const { geoJson, small } = withLabelPoints(collection);
    expect([...small]).toEqual(["64.72"]);
    expect(geoJson.features.map((f) => f.properties.code)).toEqual(["64.72", "64.02"]);
    const [x, y] = geoJson.features[1]!.properties.cp as [number, number];
    expect(x).toBeCloseTo(5, 0);
    expect(y).toBeCloseTo(5, 0);
  });
});

describe("LabelPlacer", () => {
  const rect = (x: number, y: number) => ({ x, y, width: 40, height: 15 });

  it("keeps a free label where it is and moves one that covers an earlier one", () => {
    const placer = new LabelPlacer();
    expect(placer.place(0, rect(100, 100), 0)).toEqual({ dx: 0, dy: 0 });
    expect(placer.place(1, rect(300, 100), 0)).toEqual({ dx: 0, dy: 0 });
    // Overlaps label 0: a line up is free.
    expect(placer.place(2, rect(110, 100), 0)).toEqual({ dx: 0, dy: -16 });
    expect(placer.size).toBe(3);
  });

  it("moves sideways when up and down are taken", () => {
    const placer = new LabelPlacer();
    placer.place(0, rect(100, 100), 0);
    placer.place(1, rect(100, 84), 0);
    placer.place(2, rect(100, 116), 0);
    expect(placer.place(3, rect(75, 100), 0)).toEqual({ dx: -20, dy: 0 });
    // Nowhere free: it stays put, uncounted, for hideOverlap to settle.
    expect(placer.place(4, rect(100, 100), 0)).toEqual({ dx: 0, dy: 0 });
    expect(placer.size).toBe(4);
  });

  it("starts over on a new layout pass", () => {
    const placer = new LabelPlacer();
    placer.place(0, rect(100, 100), 0);
    placer.place(1, rect(300, 100), 0);
    // A resize lays out label 0 again: nothing placed in the old pass is in the way.
    expect(placer.place(0, rect(300, 100), 0)).toEqual({ dx: 0, dy: 0 });
    expect(placer.place(1, rect(100, 100), 0)).toEqual({ dx: 0, dy: 0 });
  });
});
