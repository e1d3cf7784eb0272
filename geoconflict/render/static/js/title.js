/* title.js: The title box: title, subtitle and credits, as text. */
function buildTitle(cfg) {
  var box = el("div", "gc-title leaflet-bar");
  if (cfg.title) el("h1", "gc-title-main", cfg.title, box);
  if (cfg.subtitle) el("p", "gc-subtitle", cfg.subtitle, box);
  if (cfg.credits) el("p", "gc-credits", cfg.credits, box);
  return box;
}
