/* grid.js: The MGRS grid layer: 100 km lines and labels, 10 km lines when zoomed in. */
FACTORIES.grid = function (data, page) {
  function lines(list, style) {
    var group = L.layerGroup();
    for (var i = 0; i < list.length; i++) {
      var ll = list[i].map(function (c) {
        return [c[1], c[0]];
      });
      group.addLayer(L.polyline(ll, style));
    }
    return group;
  }
  var group = L.layerGroup();
  var coarse = lines(data.lines100, { color: "#333", weight: 1.2, opacity: 0.55, interactive: false });
  var fine = lines(data.lines10, { color: "#333", weight: 0.6, opacity: 0.35, interactive: false });
  group.addLayer(coarse);
  data.labels.forEach(function (lab) {
    var icon = L.divIcon({ className: "gc-grid-label", html: textLabel(lab.text), iconSize: null });
    group.addLayer(
      L.marker([lab.lat, lab.lon], { icon: icon, interactive: false, keyboard: false, pane: labelPane(page.map) })
    );
  });
  function update() {
    if (!group._map) return;
    var want = group._map.getZoom() >= 9;
    if (want && !group.hasLayer(fine)) group.addLayer(fine);
    if (!want && group.hasLayer(fine)) group.removeLayer(fine);
  }
  group.on("add", function () {
    group._map.on("zoomend", update);
    update();
  });
  group.on("remove", function (e) {
    e.target._map && e.target._map.off("zoomend", update);
  });
  group.fineLines = fine;
  return group;
};
