// A map drawn from the configured areas and places, in Web Mercator so that OpenStreetMap
// tiles line up behind it when the internet is there; without them the drawing is enough.

const SVG = "http://www.w3.org/2000/svg";
const TILE = 256;
const TARGET_WIDTH = 720;
const COLORS = ["#3b82f6", "#f97316", "#10b981", "#a855f7", "#ef4444", "#eab308"];

function worldSize(zoom) {
  return TILE * 2 ** zoom;
}

function project(lat, lon, zoom) {
  const size = worldSize(zoom);
  const sin = Math.sin((lat * Math.PI) / 180);
  return {
    x: ((lon + 180) / 360) * size,
    y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size,
  };
}

function unproject(x, y, zoom) {
  const size = worldSize(zoom);
  const n = Math.PI - (2 * Math.PI * y) / size;
  return {
    lat: (180 / Math.PI) * Math.atan(Math.sinh(n)),
    lon: (x / size) * 360 - 180,
  };
}

function node(tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  return element;
}

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  if (geometry.type === "GeometryCollection") return geometry.geometries.flatMap(rings);
  return [];
}

function features(geojson) {
  if (geojson.type === "FeatureCollection") return geojson.features;
  if (geojson.type === "Feature") return [geojson];
  return [{ type: "Feature", geometry: geojson, properties: {} }];
}

function bounds(setup) {
  const lats = [];
  const lons = [];
  for (const area of setup.areas) {
    for (const feature of features(area.geojson)) {
      for (const ring of rings(feature.geometry)) {
        for (const [lon, lat] of ring) { lats.push(lat); lons.push(lon); }
      }
    }
  }
  for (const place of setup.places) { lats.push(place.lat); lons.push(place.lon); }
  if (!lats.length) { lats.push(39.9, 39.95); lons.push(116.4, 116.45); }
  const padLat = (Math.max(...lats) - Math.min(...lats)) * 0.08 || 0.01;
  const padLon = (Math.max(...lons) - Math.min(...lons)) * 0.08 || 0.01;
  return {
    south: Math.min(...lats) - padLat, north: Math.max(...lats) + padLat,
    west: Math.min(...lons) - padLon, east: Math.max(...lons) + padLon,
  };
}

export class AreaMap {
  constructor(container, setup, { onPick, placeName }) {
    this.setup = setup;
    this.onPick = onPick;
    this.placeName = placeName;
    const box = bounds(setup);
    const spanAtZero = project(box.south, box.east, 0).x - project(box.south, box.west, 0).x;
    this.zoom = Math.max(1, Math.min(17, Math.floor(Math.log2(TARGET_WIDTH / spanAtZero))));
    this.topLeft = project(box.north, box.west, this.zoom);
    this.bottomRight = project(box.south, box.east, this.zoom);
    const width = this.bottomRight.x - this.topLeft.x;
    const height = this.bottomRight.y - this.topLeft.y;
    this.svg = node("svg", {
      viewBox: `${this.topLeft.x} ${this.topLeft.y} ${width} ${height}`,
      preserveAspectRatio: "xMidYMid meet", class: "map-svg", "data-testid": "map-svg",
    });
    this.svg.append(node("rect", {
      x: this.topLeft.x, y: this.topLeft.y, width, height, class: "map-ground",
    }));
    this.tiles = node("g", { class: "tiles" });
    this.svg.append(this.tiles, this.drawAreas(), this.drawPlaces());
    this.pin = node("g", { class: "pin", visibility: "hidden" });
    this.pin.append(node("circle", { class: "pin-halo" }), node("circle", { class: "pin-dot" }));
    this.svg.append(this.pin);
    this.svg.addEventListener("click", (event) => this.clicked(event));
    container.replaceChildren(this.svg);
    this.fitMarks();
    window.addEventListener("resize", () => this.fitMarks());
    window.sandboxMap = this;  // lets tests click at a known latitude and longitude
  }

  // Labels and markers keep their size on screen however large the drawing is scaled.
  fitMarks() {
    const matrix = this.svg.getScreenCTM();
    if (!matrix || !(matrix.a > 0)) return;
    const unit = 1 / matrix.a;
    this.svg.style.setProperty("--u", String(unit));
    for (const label of this.svg.querySelectorAll(".place text")) {
      label.setAttribute("x", 9 * unit);
      label.setAttribute("y", 4 * unit);
    }
    for (const label of this.svg.querySelectorAll(".area-label")) {
      label.setAttribute("x", Number(label.dataset.x) + 6 * unit);
      label.setAttribute("y", Number(label.dataset.y) + 16 * unit);
    }
  }

  showTiles(visible) {
    this.tiles.replaceChildren();
    if (!visible || !this.setup.tiles) return;
    const first = { x: Math.floor(this.topLeft.x / TILE), y: Math.floor(this.topLeft.y / TILE) };
    const last = { x: Math.floor(this.bottomRight.x / TILE), y: Math.floor(this.bottomRight.y / TILE) };
    for (let x = first.x; x <= last.x; x++) {
      for (let y = first.y; y <= last.y; y++) {
        const href = this.setup.tiles.replace("{z}", this.zoom).replace("{x}", x).replace("{y}", y);
        const image = node("image", { href, x: x * TILE, y: y * TILE, width: TILE, height: TILE });
        image.addEventListener("error", () => image.remove());
        this.tiles.append(image);
      }
    }
  }

  drawAreas() {
    const group = node("g", { class: "areas" });
    this.setup.areas.forEach((area, index) => {
      const color = COLORS[index % COLORS.length];
      for (const feature of features(area.geojson)) {
        const d = rings(feature.geometry).map((ring) => ring.map(([lon, lat], i) => {
          const p = project(lat, lon, this.zoom);
          return `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`;
        }).join("") + "Z").join("");
        group.append(node("path", { d, fill: color, stroke: color, class: "area" }));
      }
      const label = node("text", { class: "area-label", fill: color });
      const anchor = this.labelAnchor(area.geojson);
      label.dataset.x = anchor.x;
      label.dataset.y = anchor.y;
      label.textContent = area.name;
      group.append(label);
    });
    return group;
  }

  // The top-left corner of the area's outline.
  labelAnchor(geojson) {
    const points = features(geojson).flatMap((f) => rings(f.geometry).flat());
    const lats = points.map(([, lat]) => lat);
    const lons = points.map(([lon]) => lon);
    return project(Math.max(...lats), Math.min(...lons), this.zoom);
  }

  drawPlaces() {
    const group = node("g", { class: "places" });
    for (const place of this.setup.places) {
      const p = project(place.lat, place.lon, this.zoom);
      const marker = node("g", { class: `place ${place.kind}`, transform: `translate(${p.x},${p.y})` });
      marker.append(node("circle"));
      const label = node("text");
      label.textContent = this.placeName(place);
      marker.append(label);
      marker.addEventListener("click", (event) => {
        event.stopPropagation();
        this.setPin(place.lat, place.lon);
        this.onPick(place.lat, place.lon, place);
      });
      group.append(marker);
    }
    return group;
  }

  clicked(event) {
    const point = this.svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const world = point.matrixTransform(this.svg.getScreenCTM().inverse());
    const { lat, lon } = unproject(world.x, world.y, this.zoom);
    const rounded = { lat: Number(lat.toFixed(6)), lon: Number(lon.toFixed(6)) };
    this.setPin(rounded.lat, rounded.lon);
    this.onPick(rounded.lat, rounded.lon, null);
  }

  setPin(lat, lon) {
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) {
      this.pin.setAttribute("visibility", "hidden");
      return;
    }
    const p = project(lat, lon, this.zoom);
    this.pin.setAttribute("transform", `translate(${p.x},${p.y})`);
    this.pin.setAttribute("visibility", "visible");
  }

  // Where on the screen a latitude and longitude are drawn (for tests and for people).
  pixelFor(lat, lon) {
    const p = project(lat, lon, this.zoom);
    const point = this.svg.createSVGPoint();
    point.x = p.x;
    point.y = p.y;
    const screen = point.matrixTransform(this.svg.getScreenCTM());
    return { x: screen.x, y: screen.y };
  }
}
