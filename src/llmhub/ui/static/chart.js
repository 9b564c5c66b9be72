/* The Plan page's chart: a role's candidates on log price (x) against quality (y), as SVG.
   Every label is set with textContent: names never become markup. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var FREE = 0.01; // free models sit at the left edge of the log scale

  function node(tag, attrs, parent) {
    var el = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, String(attrs[k])); });
    if (parent) parent.appendChild(el);
    return el;
  }

  function text(parent, x, y, value, anchor) {
    var t = node("text", { x: x, y: y, "text-anchor": anchor || "middle" }, parent);
    t.textContent = value;
    return t;
  }

  function priceLabel(p) {
    if (p <= FREE) return "free";
    return "$" + (p >= 1 ? p.toFixed(p >= 10 ? 0 : 1) : p.toPrecision(1));
  }

  function extent(values) {
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    if (lo === hi) { lo -= 1; hi += 1; }
    return [lo, hi];
  }

  function frontierPath(points, sx, sy) {
    var on = points.filter(function (p) { return p.frontier; })
      .sort(function (a, b) { return a.price - b.price; });
    if (!on.length) return "";
    // A step line: quality holds until the next, dearer frontier point lifts it.
    var d = "M" + sx(on[0].price) + "," + sy(on[0].quality);
    for (var i = 1; i < on.length; i++) {
      d += " H" + sx(on[i].price) + " V" + sy(on[i].quality);
    }
    return d;
  }

  function draw(chart, options) {
    options = options || {};
    var width = options.width || 560, height = options.height || 360;
    var m = { left: 52, right: 14, top: 12, bottom: 38 };
    var svg = node("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height, "class": "chart", role: "img" });
    var points = chart.points.filter(function (p) { return p.price !== null && p.quality !== null; })
      .map(function (p) { return Object.assign({}, p, { price: Math.max(p.price, FREE) }); });
    if (!points.length) {
      text(svg, width / 2, height / 2, "no candidate has both a known price and a quality figure");
      return svg;
    }
    var xs = extent(points.map(function (p) { return Math.log10(p.price); }));
    var ys = extent(points.map(function (p) { return p.low !== null ? p.low : p.quality; })
      .concat(points.map(function (p) { return p.high !== null ? p.high : p.quality; })));
    var padY = (ys[1] - ys[0]) * 0.05;
    ys = [ys[0] - padY, ys[1] + padY];
    var sx = function (price) { return m.left + (Math.log10(price) - xs[0]) / (xs[1] - xs[0]) * (width - m.left - m.right); };
    var sy = function (q) { return height - m.bottom - (q - ys[0]) / (ys[1] - ys[0]) * (height - m.top - m.bottom); };
    var axes = node("g", {}, svg);
    for (var e = Math.ceil(xs[0]); e <= Math.floor(xs[1]); e++) {
      var x = sx(Math.pow(10, e));
      node("line", { x1: x, x2: x, y1: m.top, y2: height - m.bottom, "class": "grid" }, axes);
      text(axes, x, height - m.bottom + 14, priceLabel(Math.pow(10, e)));
    }
    var step = Math.pow(10, Math.floor(Math.log10((ys[1] - ys[0]) / 2)));
    if ((ys[1] - ys[0]) / step > 8) step *= 5;
    for (var q = Math.ceil(ys[0] / step) * step; q <= ys[1]; q += step) {
      node("line", { x1: m.left, x2: width - m.right, y1: sy(q), y2: sy(q), "class": "grid" }, axes);
      text(axes, m.left - 6, sy(q) + 4, String(Math.round(q)), "end");
    }
    node("line", { x1: m.left, x2: width - m.right, y1: height - m.bottom, y2: height - m.bottom, "class": "axis" }, axes);
    node("line", { x1: m.left, x2: m.left, y1: m.top, y2: height - m.bottom, "class": "axis" }, axes);
    text(axes, (width + m.left) / 2, height - 6, "blended price per M tokens (log scale)");
    var yl = text(axes, 12, (height - m.bottom) / 2, "quality (" + (chart.categories.join("+") || "overall") + ")");
    yl.setAttribute("transform", "rotate(-90 12 " + (height - m.bottom) / 2 + ")");

    var intervals = node("g", {}, svg);
    points.forEach(function (p) {
      if (p.low !== null && p.high !== null && p.basis !== "measured") {
        node("line", { x1: sx(p.price), x2: sx(p.price), y1: sy(p.low), y2: sy(p.high), "class": "interval" }, intervals);
      }
    });
    node("path", { d: frontierPath(points, sx, sy), "class": "frontier" }, svg);
    var dots = node("g", {}, svg);
    // The pick and fallbacks are drawn last, over the others.
    var order = { "": 0, fallback: 1, pick: 2 };
    points.sort(function (a, b) { return order[a.role] - order[b.role]; }).forEach(function (p) {
      var cls = ["point", p.basis, p.frontier ? "on-frontier" : "", p.role].join(" ").trim();
      var dot = node("circle", {
        cx: sx(p.price), cy: sy(p.quality), r: p.role === "pick" ? 7 : (p.role ? 5.5 : 4), "class": cls,
        "data-id": p.id, "data-frontier": p.frontier ? "true" : "false", "data-role": p.role || "candidate"
      }, dots);
      var tip = node("title", {}, dot);
      tip.textContent = p.id + " (#" + p.rank + ", score " + p.score.toFixed(3) + ")\nprice $" + p.price +
        " blended\nquality " + p.quality + " " + p.basis +
        (p.low !== null ? " (" + p.low + "-" + p.high + ")" : "") + (p.frontier ? "\non the Pareto frontier" : "");
      if (options.onClick) dot.addEventListener("click", function () { options.onClick(p); });
    });
    return svg;
  }

  window.LLMHubChart = { draw: draw, frontierPath: frontierPath };
})();
