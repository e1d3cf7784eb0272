/* layers.js: The static layers: study areas, rivers, places, protected sites, vector context. */
function textLabel(text, cls) {
  return el("span", cls, text);
}

FACTORIES.areas = function (data) {
  return L.geoJSON(data, {
    interactive: false,
    style: function () {
      return { color: "#1f4e79", weight: 2, dashArray: "6 4", fill: false };
    },
    onEachFeature: function (f, l) {
      if (f.properties.name)
        l.bindTooltip(textLabel(f.properties.name, "gc-area-label"), {
          permanent: true,
          direction: "center",
          className: "gc-label",
        });
    },
  });
};

FACTORIES.rivers = function (data) {
  return L.geoJSON(data, {
    interactive: false,
    style: function () {
      return { color: "#3a86c8", weight: 2.5, opacity: 0.8 };
    },
  });
};

function pointsLayer(data, style, permanent) {
  return L.geoJSON(data, {
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, style);
    },
    style: function () {
      return style;
    },
    onEachFeature: function (f, l) {
      if (f.properties.name)
        l.bindTooltip(textLabel(f.properties.name, "gc-place-label"), {
          permanent: permanent && f.properties.label !== false,
          direction: "right",
          className: "gc-label",
        });
    },
  });
}

FACTORIES.places = function (data) {
  return pointsLayer(data, { radius: 3, color: "#222", weight: 1, fillColor: "#fff", fillOpacity: 1 }, true);
};
FACTORIES.protected = function (data) {
  return pointsLayer(data, { radius: 6, color: "#b8860b", weight: 2, fillColor: "#fff3c4", fillOpacity: 1 }, false);
};
FACTORIES.context = function (data) {
  return L.geoJSON(data, {
    interactive: false,
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 2, color: "#555", weight: 1, fillOpacity: 0.8 });
    },
    style: function (f) {
      var kind = String(f.properties.kind || "");
      if (/river|water/i.test(kind)) return { color: "#7fb2d9", weight: 1.5, fill: false };
      return { color: "#777", weight: 1, fillColor: "#f2efe9", fillOpacity: 0.6 };
    },
  });
};
