/* territory.js: The territory layer: zones restyled by their status at the slider's date. */
/* the rule of geoconflict.territory.state_at: cleared on/after cleared_on; ISIS-held
   before contested_from; contested otherwise (also when contested_from is unknown) */
function zoneStatusAt(p, day) {
  if (p.cleared !== null && p.cleared !== undefined && day >= p.cleared) return "cleared";
  if (p.contested !== null && p.contested !== undefined && day < p.contested) return "isis";
  return "contested";
}
GC.zoneStatusAt = zoneStatusAt;

FACTORIES.territory = function (data, page) {
  var colours = data.colours;
  var byColour = {};
  for (var s in colours) byColour[colours[s].toLowerCase()] = s;
  if (!page.map.getPane("gcTerritory")) page.map.createPane("gcTerritory").style.zIndex = 350;
  var layer = L.geoJSON(data, {
    pane: "gcTerritory",
    interactive: false,
    style: function () {
      return { color: "#333", weight: 1, opacity: 0.8, fillColor: colours.isis, fillOpacity: 0.35 };
    },
  });
  layer.setDate = function (day) {
    layer.eachLayer(function (l) {
      var st = zoneStatusAt(l.feature.properties, day);
      if (l._gcStatus !== st) {
        l._gcStatus = st;
        l.setStyle({ fillColor: colours[st] });
      }
    });
  };
  /* status read back from what is drawn: the SVG path's fill (or the style when hidden) */
  layer.zoneStatus = function () {
    var out = {};
    layer.eachLayer(function (l) {
      var fill = l._path ? l._path.getAttribute("fill") : l.options.fillColor;
      out[l.feature.properties.zone_id] = byColour[String(fill).toLowerCase()] || null;
    });
    return out;
  };
  page.timeLayers.push(layer);
  return layer;
};
