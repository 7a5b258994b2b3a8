// The console's and the public map, drawn with Leaflet (served from the package).
// Everything comes from the #map element's data attributes; with no tile URL configured, or
// no tiles reachable, the areas and markers still show on a plain background.
(function () {
  "use strict";
  const element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  const data = element.dataset;
  const map = L.map(element, { zoomControl: true, attributionControl: Boolean(data.tiles) });
  if (data.tiles) {
    L.tileLayer(data.tiles, {
      attribution: data.attribution || "", subdomains: data.subdomains || "abc", maxZoom: 19,
    }).addTo(map);
  } else {
    element.classList.add("no-tiles");
  }

  function drawAreas(withLegend) {
    if (!data.areasUrl) return Promise.resolve();
    return fetch(data.areasUrl, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : []))
      .then((layers) => {
        for (const layer of layers) {
          L.geoJSON(layer.geojson, {
            interactive: false,
            style: { color: layer.color, weight: 2, opacity: 0.8, fillOpacity: 0.05 },
          }).addTo(map);
        }
        if (withLegend && layers.length) legend(layers).addTo(map);
      })
      .catch(() => {});
  }

  function legend(layers) {
    // Which outline is whose: built with DOM calls, the names are the configuration's.
    const control = L.control({ position: "bottomright" });
    control.onAdd = () => {
      const box = L.DomUtil.create("div", "area-legend");
      for (const layer of layers) {
        const row = document.createElement("div");
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.borderColor = layer.color;
        row.append(swatch, document.createTextNode(layer.name));
        box.appendChild(row);
      }
      return box;
    };
    return control;
  }

  function pin(item) {
    const icon = L.divIcon({
      className: "",
      html: "",
      iconSize: [18, 18],
      iconAnchor: [9, 9],
    });
    const marker = L.marker([item.lat, item.lon], { icon: icon, keyboard: true, title: item.label });
    marker.on("add", () => {
      const node = marker.getElement();
      if (!node) return;
      node.classList.add("ticket-marker", "status-" + item.status);
      if (item.overdue) node.classList.add("overdue");
      node.dataset.number = item.n;
    });
    marker.bindPopup(() => popup(item));
    return marker;
  }

  function popup(item) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.label + (item.title ? " · " + item.title : "");
    box.appendChild(link);
    return box;
  }

  function cluster(item) {
    const size = Math.min(56, 26 + Math.round(Math.log10(item.count) * 10));
    const icon = L.divIcon({ className: "", html: "", iconSize: [size, size],
                             iconAnchor: [size / 2, size / 2] });
    const marker = L.marker([item.lat, item.lon], { icon: icon, title: String(item.count) });
    marker.on("add", () => {
      const node = marker.getElement();
      if (!node) return;
      node.classList.add("ticket-cluster");
      if (item.overdue) node.classList.add("overdue");
      node.textContent = item.count;
      node.dataset.count = item.count;
    });
    marker.on("click", () => map.setView([item.lat, item.lon], map.getZoom() + 2));
    return marker;
  }

  if (data.lat) {
    // One ticket's page: its place, the areas around it.
    const point = [Number(data.lat), Number(data.lon)];
    map.setView(point, 16);
    pin({ lat: point[0], lon: point[1], status: data.status, n: 0, label: data.label,
          url: "#", overdue: 0 }).addTo(map);
    drawAreas(false).then(() => { element.dataset.ready = "true"; });
    return;
  }

  const bounds = (data.bounds || "").split(",").map(Number);
  if (bounds.length === 4 && bounds.every(Number.isFinite)) {
    map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]]);
  } else {
    map.setView([0, 0], 2);
  }
  const markers = L.layerGroup().addTo(map);
  const status = document.getElementById("map-status");
  let asked = 0;

  function load() {
    const mine = ++asked;
    const query = new URLSearchParams(data.query || "");
    query.set("bbox", map.getBounds().toBBoxString());
    query.set("zoom", String(map.getZoom()));
    return fetch(data.dataUrl + "?" + query.toString(), { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((found) => {
        if (!found || mine !== asked) return;
        markers.clearLayers();
        for (const item of found.items) markers.addLayer(item.n ? pin(item) : cluster(item));
        element.dataset.mode = found.mode;
        element.dataset.total = found.total;
        if (status) {
          status.textContent = found.mode === "clusters"
            ? (data.many || "").replace("{count}", found.total) : "";
        }
        element.dataset.ready = "true";
      })
      .catch(() => {});
  }

  map.on("moveend", load);
  drawAreas(true).then(load);
})();
