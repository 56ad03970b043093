// The service directory's map: markers for the services found (GeoJSON from the same search),
// over tiles when a tile server is configured, else over Natural Earth country outlines.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("directory-map");
  if (el && window.L) {
    const map = L.map(el).setView([17.0, -92.0], 5);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    } else if (window.topojson && el.dataset.outlines) {
      fetch(el.dataset.outlines)
        .then((r) => r.json())
        .then((topo) => {
          const land = topojson.feature(topo, topo.objects.countries);
          L.geoJSON(land, {
            interactive: false,
            style: { color: "#7a8a99", weight: 1, fillColor: "#eef2f4", fillOpacity: 1 },
          })
            .addTo(map)
            .bringToBack();
        })
        .catch(() => {});
    }
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((data) => {
        const layer = L.geoJSON(data, {
          pointToLayer: (feature, latlng) =>
            L.circleMarker(latlng, {
              radius: 7,
              className: "service-marker",
              color: feature.properties.free === 0 ? "#b3261e" : "#0b5c7a",
              fillOpacity: 0.8,
            }),
          onEachFeature: (feature, marker) => {
            const p = feature.properties;
            const div = document.createElement("div");
            const title = document.createElement("strong");
            title.textContent = p.name;
            div.appendChild(title);
            [p.provider, p.kind, p.free !== null ? `${p.free} ⌂` : "", p.distance_km !== null ? `${p.distance_km} km` : ""]
              .filter(Boolean)
              .forEach((text) => {
                const line = document.createElement("div");
                line.textContent = text;
                div.appendChild(line);
              });
            marker.bindPopup(div);
          },
        }).addTo(map);
        if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 9, padding: [20, 20] });
      })
      .catch(() => {});
  }
  const near = document.getElementById("use-my-location");
  if (near && navigator.geolocation) {
    near.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition((pos) => {
        const form = document.getElementById("directory-search");
        const place = form.querySelector("[name=place]");
        if (place) place.value = ""; // the position is the phone's now, not the town's
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[name=lon]").value = pos.coords.longitude.toFixed(5);
        form.submit();
      });
    });
  } else if (near) {
    near.hidden = true;
  }
});
