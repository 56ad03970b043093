// Crisis maps: an offline base map (Natural Earth outlines, or tiles when a tile URL is set), a
// small drawing control (polygon, circle) for the crisis form, and the dashboard's people, clustered
// by the server for the view. No inline scripts (CSP): everything comes from data-* attributes;
// styles set from script go through the CSSOM (allowed by the style-src policy).
(function () {
  "use strict";

  function baseMap(el) {
    const map = L.map(el, { preferCanvas: true, minZoom: 2, maxZoom: 18 }).setView([16.8, -97.5], 6);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
    } else if (el.dataset.atlas && window.topojson) {
      fetch(el.dataset.atlas)
        .then((r) => r.json())
        .then((topo) => {
          const land = topojson.feature(topo, topo.objects.countries);
          const layer = L.geoJSON(land, {
            style: { color: "#7b8a97", weight: 1, fillColor: "#f4f1e8", fillOpacity: 1 },
            interactive: false,
          }).addTo(map);
          layer.bringToBack();
        })
        .catch(() => {});
    }
    el.amparoMap = map; // for tests and other scripts on the page
    el.classList.add("map-ready");
    return map;
  }

  // A tooltip's content as text: Leaflet reads a string as HTML, and area labels come from CAP
  // feeds and GeoJSON files written by others ("<img src=x onerror=…>" must show as written).
  function textContent(value) {
    const span = document.createElement("span");
    span.className = "area-label";
    span.textContent = value == null ? "" : String(value);
    return span;
  }

  const AREA_STYLE = { color: "#b3261e", weight: 2, fillOpacity: 0.12 };
  const OLD_STYLE = { color: "#5a6470", weight: 1.5, dashArray: "4 4", fillOpacity: 0.05 };

  function drawAreas(map, url, style) {
    return fetch(url, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((fc) => {
        const group = L.featureGroup().addTo(map);
        fc.features.forEach((f) => {
          if (!f.geometry) return;
          if (f.geometry.type === "Point") {
            const [lon, lat] = f.geometry.coordinates;
            L.circle([lat, lon], Object.assign({ radius: f.properties.radius_km * 1000 }, style))
              .bindTooltip(textContent(f.properties.label))
              .addTo(group);
          } else {
            L.geoJSON(f, { style: style }).bindTooltip(textContent(f.properties.label)).addTo(group);
          }
        });
        // Without animation the map is at the areas' view (and "moveend" fired) when this resolves.
        if (group.getLayers().length) map.fitBounds(group.getBounds().pad(0.2), { animate: false });
        return group;
      });
  }

  // --- Drawing control for the crisis form --------------------------------------------------
  function setupDrawing(el) {
    const map = baseMap(el);
    const form = el.closest("form");
    const field = form.querySelector("input[name=areas_json]");
    const output = document.getElementById("preview-count");
    const finishButton = form.querySelector("[data-draw=finish]");
    const shapes = [];
    const drawn = L.featureGroup().addTo(map);
    let mode = null;
    let vertices = [];
    let sketch = null;
    let centre = null;

    if (el.dataset.existing) drawAreas(map, el.dataset.existing, OLD_STYLE).catch(() => {});
    if (field.value) {
      try {
        JSON.parse(field.value).forEach(addShape);
      } catch (e) {
        field.value = "";
      }
    }

    function sync() {
      field.value = shapes.length ? JSON.stringify(shapes) : "";
      preview();
    }

    function addShape(shape) {
      shapes.push(shape);
      if (shape.kind === "circle") {
        L.circle([shape.center_latitude, shape.center_longitude], Object.assign({ radius: shape.radius_km * 1000 }, AREA_STYLE)).addTo(drawn);
      } else {
        L.geoJSON(shape.geometry, { style: AREA_STYLE }).addTo(drawn);
      }
    }

    // The preview counts what saving would: the drawn shapes, the subdivisions typed beside them,
    // and the exercise box (the server counts with the function the saved crisis reports).
    const subdivisionsField = form.querySelector("input[name=subdivisions]");
    const exerciseBox = form.querySelector("input[name=is_exercise]");
    if (subdivisionsField) subdivisionsField.addEventListener("change", preview);
    if (exerciseBox) exerciseBox.addEventListener("change", preview);

    function preview() {
      if (!output) return;
      const typed = subdivisionsField ? subdivisionsField.value.trim() : "";
      if (!shapes.length && !typed) {
        output.textContent = "";
        delete output.dataset.count;
        return;
      }
      const body = new FormData();
      body.append("areas_json", field.value);
      body.append("subdivisions", typed);
      if (exerciseBox && exerciseBox.checked) body.append("is_exercise", "1");
      body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
      fetch(el.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin" })
        .then((r) => r.json())
        .then((data) => {
          if (data.error) {
            output.textContent = data.error;
            return;
          }
          output.dataset.count = data.count;
          output.textContent = data.count.toLocaleString() + " " + el.dataset.labelAffected;
        });
    }

    function reset() {
      mode = null;
      vertices = [];
      centre = null;
      if (sketch) map.removeLayer(sketch);
      sketch = null;
      finishButton.hidden = true;
      el.classList.remove("drawing");
      map.doubleClickZoom.enable();
    }

    function finishPolygon() {
      if (vertices.length >= 3) {
        const ring = vertices.map((p) => [round(p.lng), round(p.lat)]);
        ring.push(ring[0]);
        addShape({ kind: "polygon", geometry: { type: "Polygon", coordinates: [ring] } });
        sync();
      }
      reset();
    }

    function round(x) {
      return Math.round(x * 1e6) / 1e6;
    }

    map.on("click", (e) => {
      if (mode === "polygon") {
        vertices.push(e.latlng);
        if (sketch) map.removeLayer(sketch);
        sketch = L.polyline(vertices, { color: "#0b5c7a", dashArray: "4 4" }).addTo(map);
      } else if (mode === "circle") {
        if (!centre) {
          centre = e.latlng;
          sketch = L.circleMarker(centre, { radius: 4, color: "#0b5c7a" }).addTo(map);
        } else {
          const km = map.distance(centre, e.latlng) / 1000;
          addShape({ kind: "circle", center_latitude: round(centre.lat), center_longitude: round(centre.lng), radius_km: Math.round(km * 100) / 100 });
          sync();
          reset();
        }
      }
    });
    map.on("dblclick", () => {
      if (mode === "polygon") finishPolygon();
    });

    form.querySelectorAll("[data-draw]").forEach((button) => {
      button.addEventListener("click", () => {
        const action = button.dataset.draw;
        if (action === "finish") return finishPolygon();
        if (action === "clear") {
          shapes.length = 0;
          drawn.clearLayers();
          reset();
          return sync();
        }
        reset();
        mode = action;
        el.classList.add("drawing");
        map.doubleClickZoom.disable();
        if (mode === "polygon") finishButton.hidden = false;
      });
    });
  }

  // --- Dashboard: the people in view, clustered by the server ---------------------------------
  // The map asks for what it shows (zoom and bounds) each time it settles, and draws the
  // clusters (a disc sized by its count, coloured by the share of each welfare status) and the
  // people of sparse places (a dot that opens their welfare page). See crises/map_layer.py.
  function statusColours(codes) {
    const probe = document.createElement("span");
    probe.hidden = true;
    document.body.appendChild(probe);
    const colours = codes.map((code) => {
      probe.className = "wf-dot wf-" + code;
      return getComputedStyle(probe).backgroundColor;
    });
    probe.remove();
    return colours;
  }

  function clusterIcon(count, byStatus, colours) {
    const disc = document.createElement("div");
    disc.className = "wf-cluster";
    const size = Math.round(Math.min(64, 26 + 6 * Math.log10(count)));
    disc.style.width = disc.style.height = size + "px";
    let from = 0;
    const stops = [];
    byStatus.forEach((n, k) => {
      if (!n) return;
      const to = from + (100 * n) / count;
      stops.push(colours[k] + " " + from.toFixed(2) + "% " + to.toFixed(2) + "%");
      from = to;
    });
    disc.style.background = "conic-gradient(" + stops.join(", ") + ")";
    const label = document.createElement("span");
    label.textContent = count >= 10000 ? Math.round(count / 1000) + "k" : count >= 1000 ? (count / 1000).toFixed(1) + "k" : String(count);
    disc.appendChild(label);
    return L.divIcon({ html: disc, className: "", iconSize: [size, size] });
  }

  function setupDashboard(el) {
    const map = baseMap(el);
    const areas = el.dataset.areas ? drawAreas(map, el.dataset.areas, AREA_STYLE).catch(() => {}) : Promise.resolve();
    if (!el.dataset.points) return;
    const layer = L.layerGroup().addTo(map);
    const welfareUrl = el.dataset.welfareUrl;
    let colours = null;
    let icons = null;
    let controller = null;
    let timer = null;

    function load() {
      const b = map.getBounds().pad(0.25);
      const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(4)).join(",");
      if (controller) controller.abort();
      controller = new AbortController();
      el.dataset.loading = "1";
      fetch(el.dataset.points + "?z=" + map.getZoom() + "&bbox=" + bbox, { credentials: "same-origin", signal: controller.signal })
        .then((r) => r.json())
        .then((data) => {
          if (!colours) {
            colours = statusColours(data.statuses);
            icons = data.statuses.map((code) => L.divIcon({ className: "wf-dot wf-" + code, iconSize: [12, 12] }));
          }
          layer.clearLayers();
          data.clusters.forEach(([lat, lon, count, byStatus]) => {
            L.marker([lat, lon], { icon: clusterIcon(count, byStatus, colours), keyboard: false })
              .on("click", () => map.setView([lat, lon], Math.min(map.getZoom() + 2, map.getMaxZoom())))
              .addTo(layer);
          });
          data.points.forEach(([lat, lon, status, personId]) => {
            L.marker([lat, lon], { icon: icons[status], keyboard: false })
              .on("click", () => {
                window.location.href = welfareUrl.replace("/0/", "/" + personId + "/");
              })
              .addTo(layer);
          });
          el.dataset.pointCount = String(data.points.length);
          el.dataset.clusterCount = String(data.clusters.length);
          el.dataset.total = String(data.total);
          delete el.dataset.loading;
        })
        .catch((error) => {
          if (error.name !== "AbortError") el.dataset.error = String(error);
        });
    }

    // The people are first asked for once the map shows the crisis's areas: asking for the default
    // view first would fetch a layer thrown away a moment later (a large one at national scale).
    areas.then(() => {
      map.on("moveend", () => {
        clearTimeout(timer);
        timer = setTimeout(load, 150);
      });
      load();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const draw = document.getElementById("draw-map");
    if (draw) setupDrawing(draw);
    const dashboard = document.getElementById("crisis-map");
    if (dashboard) setupDashboard(dashboard);
  });
})();
