/* readout.js: The MGRS readout of the mouse position (npm package mgrs, when loaded). */
function buildReadout(map) {
  var box = el("div", "gc-readout leaflet-bar");
  var text = el("span", "gc-readout-text", "MGRS: –", box);
  function show(latlng) {
    var ref = null;
    try {
      if (window.mgrs && latlng.lat > -80 && latlng.lat < 84) ref = window.mgrs.forward([latlng.lng, latlng.lat], 5);
    } catch (e) {
      ref = null;
    }
    text.textContent = ref
      ? "MGRS: " + ref.replace(/^(\d+[A-Z])([A-Z]{2})(\d{5})(\d{5})$/, "$1 $2 $3 $4")
      : latlng.lat.toFixed(5) + ", " + latlng.lng.toFixed(5);
  }
  map.on("mousemove", function (e) {
    show(e.latlng);
  });
  map.on("moveend", function () {
    show(map.getCenter());
  });
  show(map.getCenter());
  return box;
}
