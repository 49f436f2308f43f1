// The district map with a timeline: SVG paths, every year's colours in hand, repainted in the browser.
//
// One file for the app (a streamlit.components.v2 module: `export default function (component)`) and
// for the offline briefing (inlined into the HTML, mounted by `mountAll`). It receives
// `data = {map: <payload from dashboard/map/map_component/payload.py>, key, projector, pngName, maxHeight, footer}`
// (footer: the picture title and each year's footer lines, dashboard/map/map_component/presenting.py);
// in the app the year the server shows comes from the small year element beside it (year.js), in the
// briefing file as `data.year`.
//
// A year change (slider, keys, play) repaints first, then reports `year` to the server as component
// state ({year, seq}; seq makes every report a change) so the URL, the ranking table and the other
// pages follow. The rerun leaves the map's own data unchanged, so the drawing is kept (one view per
// parent element); only a year the user did not just choose (the sidebar, a link) repaints it.
//
// Safe to show: every data string is set with textContent or setAttribute, never parsed as HTML.

const SVG_NS = "http://www.w3.org/2000/svg";
const VIEWS = new WeakMap();
const SPEEDS = [0.5, 1, 2]; // years per second
let uid = 0;

function el(tag, attrs, parent, ns) {
  const node = ns ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

const PICTURE_FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif";
let measure = null;

// `line` split into pieces no wider than `width` px at `px` px (bold or not): at words, or anywhere in CJK
// text; a word wider than the line is broken where it must be. Nothing is ever cut short with "…".
function wrapText(line, px, width, bold) {
  measure = measure || document.createElement("canvas").getContext("2d");
  measure.font = `${bold ? "700 " : ""}${px}px ${PICTURE_FONT}`;
  const fits = (s) => measure.measureText(s).width <= width;
  const out = [];
  let current = "";
  for (const token of String(line).match(/\s+|[A-Za-z0-9.,:;()'’\-–]+|./gu) || []) {
    const next = current + token;
    if (fits(next.trimEnd())) { current = next; continue; }
    if (current.trim()) out.push(current.trimEnd());
    current = token.trimStart();
    while (current.length > 1 && !fits(current)) { // one word longer than the line
      let cut = current.length - 1;
      while (cut > 1 && !fits(current.slice(0, cut))) cut -= 1;
      out.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current.trim() || !out.length) out.push(current.trimEnd());
  return out;
}

function save(url, name) {
  const a = document.createElement("a");
  a.download = name;
  a.href = url;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function reducedMotion() {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

class MapView {
  constructor(parent, map, year, report) {
    this.parent = parent;
    this.map = map;
    this.report = report;
    this.pending = [];
    this.painted = [];
    this.seq = 0;
    this.timer = null;
    this.id = "lcm" + (++uid);
    this.str = (i) => (i >= 0 ? map.strings[i] : "");
    this.build();
    this.show(year);
  }

  build() {
    const m = this.map, ui = m.ui, sh = m.shapes;
    const root = el("figure", {class: "lcm", "data-map-id": m.id, "data-testid": "lcMap", lang: m.lang === "zh" ? "zh-CN" : "en"});
    this.root = root;
    root.lcmView = this; // for tests and the benchmark: what is drawn, without reading pixels
    const stage = el("div", {class: "lcm-stage"}, root);
    const svg = el("svg", {viewBox: `0 0 ${sh.w} ${sh.h}`, role: "img", "aria-labelledby": this.id + "-t",
                           xmlns: SVG_NS, class: "lcm-svg", preserveAspectRatio: "xMidYMid meet"}, stage, true);
    this.svg = svg;
    // as wide as the drawing at its height limit, so the legend beside it gets the rest of the row
    svg.style.maxWidth = `calc(var(--lcm-max-height, 620px) * ${(sh.w / sh.h).toFixed(4)})`;
    const title = el("title", {id: this.id + "-t"}, svg, true);
    this.svgTitle = title;
    const defs = el("defs", {}, svg, true);
    const pat = el("pattern", {id: this.id + "-nodata", patternUnits: "userSpaceOnUse", width: 10, height: 10,
                               patternTransform: "rotate(45)"}, defs, true);
    el("rect", {width: 10, height: 10, fill: "#D4D4D4"}, pat, true);
    el("line", {x1: 0, y1: 0, x2: 0, y2: 10, stroke: "#8C8C8C", "stroke-width": 3}, pat, true);
    this.noDataFill = `url(#${this.id}-nodata)`;
    // a district's status mark, over its class colour: hatched when made up, a solid outline when real
    const hatch = el("pattern", {id: this.id + "-hatch", patternUnits: "userSpaceOnUse", width: 14, height: 14,
                                 patternTransform: "rotate(-45)"}, defs, true);
    el("line", {x1: 0, y1: 0, x2: 0, y2: 14, stroke: "#1A1A1A", "stroke-opacity": 0.5, "stroke-width": 3}, hatch, true);
    this.hatchFill = `url(#${this.id}-hatch)`;
    const bg = el("rect", {x: 0, y: 0, width: sh.w, height: sh.h, fill: "#FFFFFF"}, svg, true);
    bg.addEventListener("pointerenter", () => this.hideTip());
    this.yearText = el("text", {x: 24, y: sh.h - 36, class: "lcm-year", "font-size": 96, "font-weight": 700,
                                fill: "#1A1A1A", "fill-opacity": 0.55, "aria-hidden": "true"}, svg, true);
    const g = el("g", {class: "lcm-regions", stroke: "#FFFFFF", "stroke-width": 1.6, "stroke-linejoin": "round"}, svg, true);
    this.paths = sh.ids.map((id, i) => {
      const p = el("path", {d: sh.d[i], "data-id": id, class: "lcm-region"}, g, true);
      if (!m.selected[i]) p.setAttribute("stroke", "#BBBBBB");
      p.addEventListener("pointermove", (e) => this.showTip(i, e));
      p.addEventListener("pointerleave", () => this.hideTip());
      p.addEventListener("click", () => this.openProfile(i));
      return p;
    });
    const mg = el("g", {class: "lcm-marks", "pointer-events": "none", "aria-hidden": "true",
                        "stroke-linejoin": "round"}, svg, true);
    this.marks = sh.ids.map((id, i) => el("path", {d: sh.d[i], "data-id": id, fill: "none"}, mg, true));
    if (m.labelled) {
      this.leaders = el("g", {class: "lcm-leaders", stroke: "#1A1A1A", "stroke-opacity": 0.7, "aria-hidden": "true",
                              "pointer-events": "none"}, svg, true);
      const lg = el("g", {class: "lcm-labels", "font-size": 26, "text-anchor": "middle", "aria-hidden": "true",
                          "pointer-events": "none"}, svg, true);
      this.labels = lg;
      // leader lines (and a dot on the district) for names placed off their district, under the names
      el("g", {class: "lcm-leaders", stroke: "#1A1A1A", fill: "#1A1A1A"}, lg, true);
      sh.ids.forEach((id, i) => {
        const t = el("text", {x: sh.lp[i][0], y: sh.lp[i][1], "data-id": id, fill: "#1A1A1A", stroke: "#FFFFFF",
                              "stroke-width": 4, "paint-order": "stroke", "stroke-linejoin": "round"}, lg, true);
        t.textContent = (m.short && m.short[i]) || m.names[i][0];
        t.setAttribute("dy", "0.35em");
        if (!m.selected[i]) t.setAttribute("fill-opacity", "0.5");
      });
    }
    this.legend = el("div", {class: "lcm-legend"}, stage);
    this.tip = el("div", {class: "lcm-tip", role: "tooltip", hidden: ""}, stage);
    this.note = el("p", {class: "lcm-note"}, root);

    const bar = el("div", {class: "lcm-timeline"}, root);
    this.play = el("button", {type: "button", class: "lcm-play", "aria-label": ui.play, title: ui.play}, bar);
    this.play.textContent = "▶";
    this.play.addEventListener("click", () => (this.timer ? this.stop() : this.start()));
    const track = el("div", {class: "lcm-track"}, bar);
    const years = m.years;
    this.slider = el("input", {type: "range", min: 0, max: years.length - 1, step: 1, class: "lcm-slider",
                               "aria-label": ui.slider, "data-testid": "lcMapSlider"}, track);
    this.slider.addEventListener("input", () => { this.stop(); this.paint(years[+this.slider.value]); });
    this.slider.addEventListener("change", () => this.choose(years[+this.slider.value]));
    const ticks = el("div", {class: "lcm-ticks", "aria-hidden": "true"}, track);
    const every = years.length > 16 ? 5 : years.length > 8 ? 2 : 1;
    const last = years.length - 1;
    years.forEach((y, i) => {
      // the first and last year labels start and end at the track's ends (centred they were cut off)
      const shift = i === 0 ? "none" : i === last ? "translateX(-100%)" : "translateX(-50%)";
      const tick = el("span", {class: "lcm-tick", style: `left:${last > 0 ? (100 * i) / last : 0}%;transform:${shift}`},
                      ticks);
      // every `every`-th year and the latest, leaving out a regular label too close to the latest one
      if (i === last || (i % every === 0 && last - i >= every)) tick.textContent = String(y);
    });
    const speedLabel = el("label", {class: "lcm-speed"}, bar);
    const speedText = el("span", {}, speedLabel);
    speedText.textContent = ui.speed;
    this.speed = el("select", {"aria-label": ui.speed}, speedLabel);
    SPEEDS.forEach((s) => {
      const o = el("option", {value: s}, this.speed);
      o.textContent = ui.speed_value.replace("{n}", String(s));
      // never plays by itself; with reduced motion asked for, ▶ starts at the calmest speed
      if (s === (reducedMotion() ? SPEEDS[0] : 1)) o.selected = true;
    });
    this.speed.addEventListener("change", () => { if (this.timer) { this.stop(); this.start(); } });
    const png = el("button", {type: "button", class: "lcm-png", title: ui.png}, bar);
    png.textContent = ui.png;
    png.addEventListener("click", () => this.downloadPng());
    const svgButton = el("button", {type: "button", class: "lcm-svgdl", title: ui.svg}, bar);
    svgButton.textContent = ui.svg;
    svgButton.addEventListener("click", () => this.downloadSvg());
    this.live = el("div", {class: "lcm-live", "aria-live": "polite", role: "status"}, root);
    this.parent.appendChild(root);
    if (this.labels && typeof ResizeObserver === "function") {
      this.resize = new ResizeObserver(() => this.sizeLabels());
      this.resize.observe(svg);
    }
  }

  // Names stay readable however small the map is drawn: at least LABEL_PX on screen (more on a projector).
  sizeLabels() {
    const width = this.svg.clientWidth, height = this.svg.clientHeight, sh = this.map.shapes;
    if (!width || !this.labels) return;
    const px = this.root.classList.contains("lcm-projector") ? 16 : 11;
    // view-box units per screen pixel: the drawing fits the element's width or, when height-limited, its height
    const units = Math.max(sh.w / width, height ? sh.h / height : 0);
    const size = this.drawLabels(this.svg, px * units, this.labelSize);
    this.labelSize = size;
  }

  // The names in `svg` (the map on screen or its copy in a picture) at least `want` view-box units high: at
  // the payload's size class for that, placed as the payload laid them out for it (payload.py
  // `label_layouts`: names that would collide moved off their district, with a leader line). Returns the size.
  drawLabels(svg, want, drawn) {
    const m = this.map, layout = m.labels;
    want = Math.max(26, want);
    let k = layout ? layout.sizes.findIndex((s) => s >= want) : -1;
    if (layout && k < 0) k = layout.sizes.length - 1;
    const size = layout ? layout.sizes[k] : want;
    if (drawn === size) return size;
    const group = svg.querySelector(".lcm-labels"), leaders = svg.querySelector(".lcm-leaders");
    group.setAttribute("font-size", size.toFixed(1));
    leaders.replaceChildren();
    group.querySelectorAll("text").forEach((t, i) => {
      t.setAttribute("stroke-width", (size / 6).toFixed(1));
      const at = layout ? layout.at[k][i] : m.shapes.lp[i];
      t.setAttribute("x", at[0]);
      t.setAttribute("y", at[1]);
      if (at.length < 4) return;
      const [ax, ay] = m.shapes.lp[i];
      el("line", {x1: ax, y1: ay, x2: at[2], y2: at[3], "stroke-width": (size / 16).toFixed(1),
                  "data-id": m.shapes.ids[i]}, leaders, true);
      el("circle", {cx: ax, cy: ay, r: (size / 9).toFixed(1), stroke: "#FFFFFF", "stroke-width": (size / 24).toFixed(1)},
         leaders, true);
    });
    return size;
  }

  frameOf(year) {
    return this.map.frames.find((f) => f.y === year) || this.map.frames[this.map.frames.length - 1];
  }

  // Repaint for `year`: fills, big year, legend, note, slider. No server involved.
  paint(year) {
    const f = this.frameOf(year), m = this.map;
    this.year = f.y;
    this.paths.forEach((p, i) => {
      let fill;
      if (!m.selected[i]) fill = m.notSelectedColor;
      else fill = f.f[i] >= 0 ? this.str(f.f[i]) : this.noDataFill;
      p.setAttribute("fill", fill);
    });
    this.marks.forEach((p, i) => {
      const k = m.selected[i] && f.s ? f.s[i] : -1; // 1 illustrative, 0 reported/official, -1 unmarked
      p.setAttribute("fill", k === 1 ? this.hatchFill : "none");
      p.setAttribute("stroke", k === 0 ? "#1A1A1A" : "none");
      p.setAttribute("stroke-width", k === 0 ? "4" : "0");
      p.setAttribute("data-mark", k === 1 ? "illustrative" : k === 0 ? "real" : "none");
    });
    const yearText = m.ui.year_value.replace("{year}", String(f.y));
    this.yearText.textContent = String(f.y);
    this.svgTitle.textContent = `${m.title} · ${yearText}`;
    this.slider.value = String(m.years.indexOf(f.y));
    this.slider.setAttribute("aria-valuetext", yearText);
    this.drawLegend(f);
    this.note.textContent = this.str(f.n);
    this.note.hidden = f.n < 0;
    if (this.tipIndex !== undefined && !this.tip.hidden) this.fillTip(this.tipIndex);
    this.root.setAttribute("data-year", String(f.y));
    this.live.textContent = yearText;
    this.painted.push([f.y, performance.now()]); // when each year reached the page (tests, benchmark)
    if (this.painted.length > 500) this.painted.shift();
  }

  drawLegend(f) {
    const m = this.map, box = this.legend;
    box.replaceChildren();
    const title = el("p", {class: "lcm-legend-title"}, box);
    title.textContent = m.title;
    const list = el("ul", {}, box);
    const item = (label, swatchStyle, key) => {
      const li = el("li", {"data-key": key}, list);
      const sw = el("span", {class: "lcm-swatch", "aria-hidden": "true"}, li);
      Object.assign(sw.style, swatchStyle);
      const text = el("span", {}, li);
      text.textContent = label;
    };
    if (f.g) {
      const li = el("li", {class: "lcm-gradient"}, list);
      const lo = el("span", {}, li);
      lo.textContent = this.str(f.g[0]);
      const bar = el("span", {class: "lcm-ramp", "aria-hidden": "true"}, li);
      bar.style.background = `linear-gradient(to right, ${f.g[2].map((c) => this.str(c)).join(", ")})`;
      const hi = el("span", {}, li);
      hi.textContent = this.str(f.g[1]);
    }
    f.l.forEach(([label, color], i) => item(this.str(label), {background: this.str(color)}, "c" + i));
    item(m.noData, {background: "repeating-linear-gradient(45deg, #D4D4D4 0 3px, #8C8C8C 3px 5px)"}, "nodata");
    const marked = (k) => !!f.s && f.s.some((v, i) => v === k && m.selected[i]);
    if (marked(1)) {
      item(m.ui.mark_illustrative, {background: "repeating-linear-gradient(-45deg, #FFFFFF 0 3px, #8C8C8C 3px 5px)"},
           "mark_illustrative");
    }
    if (marked(0)) item(m.ui.mark_real, {background: "#FFFFFF", border: "2px solid #1A1A1A"}, "mark_real");
    if (m.notSelected) item(m.notSelected, {background: m.notSelectedColor, borderColor: "#BBBBBB"}, "not_selected");
  }

  // The hover of region i in the year shown: title, then "label: value" lines (plain text).
  tipLines(i) {
    const m = this.map, f = this.frameOf(this.year);
    const lines = [m.names[i][1] ? `${m.names[i][0]} · ${m.names[i][1]}` : m.names[i][0], `${m.ui.year}: ${f.y}`];
    f.h[i].forEach((s, k) => { if (s >= 0) lines.push(`${m.fields[k]}: ${this.str(s)}`); });
    if (!m.selected[i]) lines.push(m.notSelected);
    else if (f.f[i] < 0) lines.push(m.noData);
    if (this.profile) lines.push(this.profile.hint);
    return lines;
  }

  // In the app, a click opens region i's profile in the year on screen (`data.profile.base`: the
  // profile's URL with the page state but no district or year, built by the server).
  openProfile(i) {
    if (!this.profile) return;
    const id = encodeURIComponent(this.map.shapes.ids[i]);
    window.location.assign(`${this.profile.base}&district=${id}&year=${this.year}`);
  }

  // How region i is drawn in the year shown, as the legend names it.
  drawnAs(i) {
    const m = this.map, f = this.frameOf(this.year);
    if (!m.selected[i]) return m.notSelected;
    if (f.f[i] < 0) return m.noData;
    const entry = f.l.find(([, color]) => color === f.f[i]);
    return entry ? this.str(entry[0]) : "value";
  }

  fillTip(i) {
    const tip = this.tip;
    tip.replaceChildren();
    this.tipLines(i).forEach((line, k) => {
      const row = el(k === 0 ? "strong" : "div", {}, tip);
      row.textContent = line;
    });
    tip.setAttribute("data-id", this.map.shapes.ids[i]);
  }

  showTip(i, e) {
    this.tipIndex = i;
    this.fillTip(i);
    this.tip.hidden = false;
    const stage = this.tip.parentElement.getBoundingClientRect();
    const x = e.clientX - stage.left, y = e.clientY - stage.top;
    const w = this.tip.offsetWidth, h = this.tip.offsetHeight;
    this.tip.style.left = `${Math.max(4, Math.min(stage.width - w - 4, x + 14))}px`;
    this.tip.style.top = `${Math.max(4, y + 18 + h > stage.height ? y - h - 12 : y + 18)}px`;
    this.paths.forEach((p, k) => p.classList.toggle("lcm-hover", k === i));
  }

  hideTip() {
    this.tip.hidden = true;
    this.tipIndex = undefined;
    this.paths.forEach((p) => p.classList.remove("lcm-hover"));
  }

  // The user chose `year` here: paint, then tell the server (it may be a step behind).
  choose(year) {
    this.paint(year);
    if (!this.report) return;
    this.pending.push(year);
    this.seq += 1;
    this.report({year: year, seq: Date.now() * 100 + (this.seq % 100)});
  }

  // The server's year arrived (a rerun): ignore echoes of our own reports, follow anything else.
  show(year) {
    const at = this.pending.indexOf(year);
    if (at >= 0) {
      this.pending.splice(0, at + 1);
      return;
    }
    this.pending = [];
    if (year === this.year) return; // already on screen (the first mount, or a rerun that changed nothing)
    this.stop();
    this.paint(year);
  }

  start() {
    const years = this.map.years;
    if (years.length < 2) return;
    let i = years.indexOf(this.year);
    if (i >= years.length - 1) { i = 0; this.choose(years[0]); }
    const delay = 1000 / Number(this.speed.value || 1);
    this.play.textContent = "❚❚";
    this.play.setAttribute("aria-label", this.map.ui.pause);
    this.play.title = this.map.ui.pause;
    this.play.setAttribute("aria-pressed", "true");
    this.root.setAttribute("data-playing", "true");
    const step = () => {
      const k = years.indexOf(this.year) + 1;
      if (k >= years.length) { this.stop(); return; }
      this.choose(years[k]);
      if (k >= years.length - 1) this.stop();
      else this.timer = setTimeout(step, delay);
    };
    this.timer = setTimeout(step, delay);
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.play) return;
    this.play.textContent = "▶";
    this.play.setAttribute("aria-label", this.map.ui.play);
    this.play.title = this.map.ui.play;
    this.play.setAttribute("aria-pressed", "false");
    this.root.setAttribute("data-playing", "false");
  }

  // The picture of the year on screen, as one SVG: title, the map, its legend and note beside it, and under
  // both (the taller of the two) the footer lines the server sent for that year (`data.footer`, the same
  // lines as chart pictures: title, unit, year, sources, release, issuing unit, date). Every text is wrapped
  // to its column, never cut; all go in with textContent.
  pictureSvg() {
    const m = this.map, f = this.frameOf(this.year), sh = m.shapes, foot = this.footer || {};
    const lines = (foot.years && foot.years[String(f.y)]) || [`${m.title} · ${f.y}`];
    const legendW = 460, W = Math.ceil(sh.w + legendW), colX = sh.w + 10, colW = legendW - 34;
    const out = el("svg", {xmlns: SVG_NS, width: W, "font-family": PICTURE_FONT}, null, true);
    const ground = el("rect", {width: W, fill: "#FFFFFF"}, out, true);
    const text = (x, y, content, size, attrs) => {
      const node = el("text", {x: x, y: y, "font-size": size, fill: "#1A1A1A", ...(attrs || {})}, out, true);
      node.textContent = content;
      return node;
    };
    // a wrapped block of text from baseline `y` on: returns the last baseline
    const block = (x, y, content, size, width, attrs, bold) => {
      const pieces = wrapText(content, size, width, bold), step = Math.ceil(size * 1.5);
      pieces.forEach((piece, i) => text(x, y + i * step, piece, size, {...(attrs || {}), ...(bold ? {"font-weight": 700} : {})}));
      return y + (pieces.length - 1) * step;
    };
    const heading = `${foot.title || m.title} · ${m.ui.year_value.replace("{year}", String(f.y))}`;
    const top = block(24, 46, heading, 30, W - 48, {}, true) + 24;
    const map = this.svg.cloneNode(true);
    map.removeAttribute("style");
    map.removeAttribute("class");
    for (const [k, v] of Object.entries({x: 0, y: top, width: sh.w, height: sh.h})) map.setAttribute(k, String(v));
    if (this.labels) this.drawLabels(map, 11); // the picture's map is drawn a unit a pixel: names for that size
    out.appendChild(map);
    let y = block(colX, top + 30, m.title, 22, colW, {}, true);
    if (f.g) {
      y += 36;
      const id = `${this.id}-ramp`;
      const grad = el("linearGradient", {id: id}, el("defs", {}, out, true), true);
      f.g[2].forEach((c, i) => el("stop", {offset: i / (f.g[2].length - 1), "stop-color": this.str(c)}, grad, true));
      y = block(colX, y, this.str(f.g[0]), 18, colW);
      el("rect", {x: colX, y: y + 8, width: 200, height: 16, fill: `url(#${id})`, stroke: "#666666"}, out, true);
      y = block(colX, y + 46, this.str(f.g[1]), 18, colW);
    }
    const rows = f.l.map(([label, color]) => [this.str(label), this.str(color)]);
    rows.push([m.noData, this.noDataFill]);
    if (m.notSelected) rows.push([m.notSelected, m.notSelectedColor]);
    if (f.s && f.s.some((v, i) => v === 1 && m.selected[i])) rows.push([m.ui.mark_illustrative, this.hatchFill]);
    if (f.s && f.s.some((v, i) => v === 0 && m.selected[i])) rows.push([m.ui.mark_real, "#FFFFFF", 3]);
    for (const [label, color, outline] of rows) {
      y += 34;
      el("rect", {x: colX, y: y - 17, width: 22, height: 22, fill: color, stroke: outline ? "#1A1A1A" : "#666666",
                  "stroke-width": outline || 1}, out, true);
      y = block(colX + 32, y, label, 18, colW - 32);
    }
    if (f.n >= 0) y = block(colX, y + 40, this.str(f.n), 18, colW, {fill: "#8A4A00"});
    const footTop = Math.max(top + sh.h, y + 16) + 24;
    const wrapped = lines.flatMap((line, i) => wrapText(line, i ? 17 : 20, W - 48).map((piece) => [piece, !i]));
    wrapped.forEach(([line, first], i) => text(24, footTop + (i + 1) * 28 - 8, line, first ? 20 : 17,
                                               {fill: first ? "#1A1A1A" : "#444444"}));
    const H = Math.ceil(footTop + wrapped.length * 28 + 16);
    out.setAttribute("height", H);
    out.setAttribute("viewBox", `0 0 ${W} ${H}`);
    ground.setAttribute("height", H);
    return out;
  }

  pictureName(ext) {
    return `${this.pngName || this.map.ui.png_name}-${this.year}.${ext}`;
  }

  downloadSvg() {
    const xml = new XMLSerializer().serializeToString(this.pictureSvg());
    save(URL.createObjectURL(new Blob([xml], {type: "image/svg+xml"})), this.pictureName("svg"));
  }

  // PNG: the same picture drawn on a canvas at twice its size; made in the browser, offline.
  downloadPng() {
    const picture = this.pictureSvg(), scale = 2;
    const W = +picture.getAttribute("width") * scale, H = +picture.getAttribute("height") * scale;
    const xml = new XMLSerializer().serializeToString(picture);
    const img = new Image();
    const url = URL.createObjectURL(new Blob([xml], {type: "image/svg+xml"}));
    const name = this.pictureName("png");
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = W;
      canvas.height = H;
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#FFFFFF";
      ctx.fillRect(0, 0, W, H);
      ctx.drawImage(img, 0, 0, W, H);
      URL.revokeObjectURL(url);
      save(canvas.toDataURL("image/png"), name);
    };
    img.src = url;
  }

  destroy() {
    this.stop();
    if (this.resize) this.resize.disconnect();
    this.root.remove();
  }
}

// The year the server wants shown, per mount key, set by the small year element (year.js) that the app
// mounts next to the map: the map's own data never changes with the year, so Streamlit sends it once
// and keeps the element; only the year element's data changes on a rerun.
const YEARS = (globalThis.__lcmYears = globalThis.__lcmYears || new Map());
const KEYED = (globalThis.__lcmViews = globalThis.__lcmViews || new Map());

export default function mountMap(component) {
  const {data, parentElement, setStateValue} = component;
  const map = data && data.map;
  if (!map || !parentElement) return undefined;
  const report = setStateValue ? (value) => setStateValue("year", value) : null;
  const year = data.year !== undefined ? data.year : YEARS.has(data.key) ? YEARS.get(data.key) : map.initialYear;
  let view = VIEWS.get(parentElement);
  if (view && view.map.id === map.id) {
    view.report = report;
    view.show(year);
  } else {
    if (view) view.destroy();
    view = new MapView(parentElement, map, year, report);
    VIEWS.set(parentElement, view);
  }
  if (data.key) KEYED.set(data.key, view);
  view.root.classList.toggle("lcm-projector", !!data.projector);
  view.sizeLabels();
  view.pngName = data.pngName || "";
  view.profile = data.profile || null;
  view.root.classList.toggle("lcm-linked", !!view.profile);
  view.footer = data.footer || null;
  // a number of pixels, or a CSS length such as "calc(100vh - 330px)" (the projector fits the screen)
  if (data.maxHeight) {
    const h = typeof data.maxHeight === "number" ? `${data.maxHeight}px` : String(data.maxHeight);
    view.root.style.setProperty("--lcm-max-height", h);
  }
  // Streamlit calls this before the next mount and on unmount: keep the drawing for the next mount
  // (same element), stop a running play only if the element has left the page.
  return () => setTimeout(() => { if (!view.root.isConnected) view.stop(); }, 0);
}

// The offline briefing: mount every `.lcm-mount` from the JSON in its `<script type="application/json">`.
export function mountAll(doc) {
  doc.querySelectorAll(".lcm-mount").forEach((box) => {
    const source = box.querySelector("script[type='application/json']");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    mountMap({data: data, parentElement: box, setStateValue: null});
  });
}
