// Neurite Playground, the page's side. The real network trains in the server (neurite-playground);
// this script only turns the controls into a `configure` message and draws every `frame` it gets.
// The message format is docs/playground-protocol.md. Plain browser JavaScript: no library, no
// build step, nothing fetched from elsewhere, so that the page works offline.
"use strict";

// ---------------------------------------------------------------- constants and small helpers

const FEATURES = [["x", "x"], ["y", "y"], ["x2", "x²"], ["y2", "y²"], ["xy", "xy"], ["sinx", "sin x"], ["siny", "sin y"]];
const FEATURE_LABEL = Object.fromEntries(FEATURES);
// The protocol's limits, as the server's `ready` message names them; replaced by its own numbers.
const limits = {
  hiddenLayers: 6, hiddenUnits: 32, mnistHiddenLayers: 2, mnistHiddenUnits: 128,
  toySamples: [10, 2000], mnistSamples: [100, 10000],
};
const DEFAULT_HIDDEN = { toy: [4, 2], mnist: [32] };
const DEFAULT_SAMPLES = { toy: 500, mnist: 5000 };
const POSITIVE = [31, 119, 180];   // blue: positive weights, class 1
const NEGATIVE = [242, 142, 43];   // orange: negative weights, class 0

const $ = (id) => document.getElementById(id);

function kindOf(dataset) {
  if (dataset === "function") return "1d";
  if (dataset === "mnist") return "mnist";
  return "2d";
}

/** A colour for v in [-1, 1]: orange below 0, white at 0, blue above. */
function divergingColour(v) {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const end = t < 0 ? NEGATIVE : POSITIVE;
  const a = Math.abs(t);
  return [0, 1, 2].map((i) => Math.round(255 + (end[i] - 255) * a));
}

function rgb(c, alpha = 1) {
  return `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;
}

function formatLoss(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "diverged";
  return v >= 0.001 || v === 0 ? v.toFixed(3) : v.toExponential(2);
}

/** Draws `values` (row-major, `size` × `size`) through `colour` into a w × h rectangle at (x, y). */
function drawGrid(context, values, size, colour, x, y, w, h) {
  const image = new ImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const c = colour(values[i]);
    image.data.set([c[0], c[1], c[2], 255], i * 4);
  }
  const scratch = document.createElement("canvas");
  scratch.width = size;
  scratch.height = size;
  scratch.getContext("2d").putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(scratch, x, y, w, h);
}

/** P(class 1) in [0, 1] onto [-1, 1] for the colour scale; a missing (non-finite) value is neutral. */
function probabilityToSigned(p) {
  return Number.isFinite(p) ? 2 * p - 1 : 0;
}

function maxAbs(values) {
  let m = 0;
  for (const v of values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

// ---------------------------------------------------------------- state

const state = {
  socket: null,
  hidden: DEFAULT_HIDDEN.toy.slice(),
  kind: "2d",
  configured: null,     // the last `configured` message
  data: null,           // the last `data` message
  frame: null,          // the last `frame`
  history: [],          // {step, train, test} per frame since the last configure/reset
  playing: false,
  resumeAfterConfigure: false,
  pauseRequested: false, // frames sent before the server saw `pause` still say playing: ignore that
  pendingConfigures: 0, // configures sent and not yet answered: older answers must not undo newer clicks
  drawPending: false,
};
window.playground = state;   // for the browser test and for curious students in the console

// ---------------------------------------------------------------- controls → configure

function readConfig() {
  const dataset = $("dataset").value;
  const config = {
    dataset,
    noise: Number($("noise").value),
    trainFraction: Number($("train-fraction").value),
    samples: Math.round(Number($("samples").value)),
    seed: Math.round(Number($("seed").value)),
    hidden: state.hidden.slice(),
    activation: $("activation").value,
    head: $("head").value,
    initializer: $("initializer").value,
    optimizer: $("optimizer").value,
    learningRate: Number($("learning-rate").value),
    batchSize: Math.round(Number($("batch-size").value)),
    clipping: { mode: $("clipping-mode").value },
  };
  if (config.clipping.mode !== "off") config.clipping.limit = Number($("clipping-limit").value);
  if (dataset === "function") {
    config.function = $("function").value;
    config.range = [Number($("range-low").value), Number($("range-high").value)];
  }
  if (kindOf(dataset) === "2d") {
    config.features = FEATURES.map(([key]) => key).filter((key) => $(`feature-${key}`).checked);
  }
  return config;
}

function sendMessage(message) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
}

function configure() {
  state.resumeAfterConfigure = state.playing;
  state.playing = false;
  showPlaying(false);
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.pendingConfigures += 1;
  showBusy();
  sendMessage({ type: "configure", config: readConfig() });
}

/** Shows the controls that belong to the chosen kind of data set. */
function showKind() {
  const kind = kindOf($("dataset").value);
  const kindChanged = (kind === "mnist") !== (state.kind === "mnist");
  state.kind = kind;
  if (kindChanged) {
    const group = kind === "mnist" ? "mnist" : "toy";
    state.hidden = DEFAULT_HIDDEN[group].slice();
    $("samples").value = DEFAULT_SAMPLES[group];
  }
  const [fewest, most] = kind === "mnist" ? limits.mnistSamples : limits.toySamples;
  $("samples").min = fewest;
  $("samples").max = most;
  $("function-controls").hidden = kind !== "1d";
  $("features-controls").hidden = kind !== "2d";
  $("view-2d").hidden = kind !== "2d";
  $("view-1d").hidden = kind !== "1d";
  $("view-mnist").hidden = kind !== "mnist";
  $("accuracy-row").hidden = kind === "1d";
  $("network-hint").hidden = kind === "mnist";
  $("tiles-hint").hidden = kind !== "2d";
  // MNIST's images are what they are, and its test images are its own test set.
  $("noise-control").hidden = kind === "mnist";
  $("train-fraction-control").hidden = kind === "mnist";
  renderLayerControls();
}

function layerLimits() {
  return state.kind === "mnist"
    ? { layers: limits.mnistHiddenLayers, units: limits.mnistHiddenUnits }
    : { layers: limits.hiddenLayers, units: limits.hiddenUnits };
}

function renderLayerControls() {
  const box = $("layer-controls");
  box.replaceChildren();
  const { layers, units } = layerLimits();
  state.hidden.forEach((count, index) => {
    const control = document.createElement("div");
    control.className = "layer-control";
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    for (const [sign, delta] of [["−", -1], ["+", 1]]) {
      const button = document.createElement("button");
      button.textContent = sign;
      button.id = `units-${delta < 0 ? "minus" : "plus"}-${index}`;
      button.className = delta < 0 ? "units-minus" : "units-plus";
      button.dataset.layer = index;
      button.disabled = count + delta < 1 || count + delta > units;
      button.addEventListener("click", () => {
        state.hidden[index] = count + delta;
        renderLayerControls();
        configure();
      });
      buttons.append(button);
    }
    const label = document.createElement("span");
    label.id = `units-${index}`;
    label.textContent = `${count} unit${count === 1 ? "" : "s"}`;
    control.append(buttons, label);
    box.append(control);
  });
  const n = state.hidden.length;
  $("layer-count").textContent = `${n} hidden layer${n === 1 ? "" : "s"}`;
  $("add-layer").disabled = n >= layers;
  $("remove-layer").disabled = n === 0;
}

function buildFeatureControls() {
  for (const [key, label] of FEATURES) {
    const row = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `feature-${key}`;
    box.checked = key === "x" || key === "y";
    box.addEventListener("change", () => {
      // The network needs at least one input: unticking the last one is undone.
      if (!FEATURES.some(([k]) => $(`feature-${k}`).checked)) box.checked = true;
      configure();
    });
    row.append(box, document.createTextNode(label));
    $("features").append(row);
  }
}

/** MNIST's first configure reads 70,000 images: say so while the server works. */
function showBusy() {
  $("busy").hidden = state.pendingConfigures === 0;
}

function showPlaying(playing) {
  $("play").hidden = playing;
  $("pause").hidden = !playing;
  $("step").disabled = playing;
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
}

function wireControls() {
  buildFeatureControls();
  const reconfiguring = ["dataset", "function", "range-low", "range-high", "noise", "train-fraction",
    "samples", "seed", "activation", "initializer", "optimizer", "learning-rate", "batch-size",
    "clipping-mode", "clipping-limit", "head"];
  for (const id of reconfiguring) {
    $(id).addEventListener("change", () => {
      if (id === "dataset") showKind();
      if (id === "clipping-mode") $("clipping-limit-label").hidden = $("clipping-mode").value === "off";
      configure();
    });
  }
  $("noise").addEventListener("input", () => { $("noise-value").textContent = $("noise").value; });
  $("train-fraction").addEventListener("input", () => {
    $("train-fraction-value").textContent = `${Math.round(Number($("train-fraction").value) * 100)}%`;
  });
  $("add-layer").addEventListener("click", () => {
    state.hidden.push(state.hidden.length ? state.hidden[state.hidden.length - 1] : 4);
    renderLayerControls();
    configure();
  });
  $("remove-layer").addEventListener("click", () => {
    state.hidden.pop();
    renderLayerControls();
    configure();
  });
  $("play").addEventListener("click", () => {
    state.playing = true;
    state.pauseRequested = false;
    showPlaying(true);
    sendMessage({ type: "play" });
  });
  $("pause").addEventListener("click", () => {
    state.playing = false;
    state.pauseRequested = true;
    showPlaying(false);
    sendMessage({ type: "pause" });
  });
  $("step").addEventListener("click", () => sendMessage({ type: "step", steps: Number($("step-size").value) }));
  $("reset").addEventListener("click", () => sendMessage({ type: "reset" }));
}

// ---------------------------------------------------------------- server → page

/** Puts the server's normalized config back into the controls, so that what they show is what runs. */
function applyConfig(config) {
  const set = (id, value) => { if (value !== undefined && value !== null) $(id).value = String(value); };
  set("dataset", config.dataset);
  state.kind = kindOf(config.dataset);
  set("function", config.function);
  if (Array.isArray(config.range)) { set("range-low", config.range[0]); set("range-high", config.range[1]); }
  set("noise", config.noise);
  $("noise-value").textContent = $("noise").value;
  set("train-fraction", config.trainFraction);
  $("train-fraction-value").textContent = `${Math.round(Number($("train-fraction").value) * 100)}%`;
  set("samples", config.samples);
  set("seed", config.seed);
  set("activation", config.activation);
  set("initializer", config.initializer);
  set("optimizer", config.optimizer);
  set("head", config.head);
  set("batch-size", config.batchSize);
  if (config.learningRate !== undefined) {
    const select = $("learning-rate");
    const rate = Number(config.learningRate);
    let option = [...select.options].find((o) => Number(o.value) === rate);
    if (!option) { option = new Option(String(rate), String(rate)); select.add(option); }
    select.value = option.value;
  }
  if (config.clipping) {
    set("clipping-mode", config.clipping.mode);
    set("clipping-limit", config.clipping.limit);
    $("clipping-limit-label").hidden = config.clipping.mode === "off";
  }
  if (Array.isArray(config.features)) {
    for (const [key] of FEATURES) $(`feature-${key}`).checked = config.features.includes(key);
  }
  if (Array.isArray(config.hidden)) state.hidden = config.hidden.slice();
  showKind();
}

function onConfigured(message) {
  $("error").hidden = true;
  state.configured = message;
  state.data = null;
  state.frame = null;
  state.history = [];
  state.pendingConfigures = Math.max(0, state.pendingConfigures - 1);
  showBusy();
  // Only the answer to the latest configure is put back into the controls.
  if (message.config && state.pendingConfigures === 0) applyConfig(message.config);
  const head = message.head ? `${message.head} head` : "";
  $("head-reason").textContent = [head, message.headReason].filter(Boolean).join(": ");
  $("parameters").textContent = message.parameters !== undefined ? `(${message.parameters} parameters)` : "";
  if (state.resumeAfterConfigure) {
    state.resumeAfterConfigure = false;
    state.playing = true;
    showPlaying(true);
    sendMessage({ type: "play" });
  }
}

function onFrame(frame) {
  const last = state.history[state.history.length - 1];
  if (last && frame.step < last.step) state.history = [];
  if (!last || frame.step !== last.step || state.history.length === 0) {
    state.history.push({ step: frame.step, train: frame.trainLoss, test: frame.testLoss });
  }
  state.frame = frame;
  if (state.pauseRequested && frame.playing === false) state.pauseRequested = false;
  if (typeof frame.playing === "boolean" && !state.resumeAfterConfigure && !state.pauseRequested) {
    state.playing = frame.playing;
    showPlaying(frame.playing);
  }
  $("step-count").textContent = String(frame.step);
  $("epoch").textContent = Number(frame.epoch || 0).toFixed(2);
  $("test-loss").textContent = formatLoss(frame.testLoss);
  $("train-loss").textContent = formatLoss(frame.trainLoss);
  $("test-accuracy").textContent = Number.isFinite(frame.testAccuracy)
    ? `${(frame.testAccuracy * 100).toFixed(1)}%` : "–";
  scheduleDraw();
}

function onMessage(event) {
  let message;
  try { message = JSON.parse(event.data); } catch { return; }
  switch (message.type) {
    case "ready":
      if (message.limits) Object.assign(limits, message.limits);
      showKind();
      break;
    case "configured": onConfigured(message); break;
    case "data": state.data = message; scheduleDraw(); break;
    case "frame": onFrame(message); break;
    case "error":
      showError(`${message.code || "error"}: ${message.message || ""}`);
      if (message.code === "bad-config" || message.code === "limit") {
        state.pendingConfigures = Math.max(0, state.pendingConfigures - 1);
        showBusy();
      }
      if (message.code === "diverged") { state.playing = false; showPlaying(false); }
      break;
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws`);
  state.socket = socket;
  socket.addEventListener("open", () => {
    $("connection").textContent = "connected";
    $("connection").className = "connection open";
    configure();
  });
  socket.addEventListener("message", onMessage);
  socket.addEventListener("close", () => {
    $("connection").textContent = "disconnected: reload the page for a new session";
    $("connection").className = "connection closed";
    state.playing = false;
    showPlaying(false);
  });
}

// ---------------------------------------------------------------- drawing

/** Frames may arrive faster than the screen refreshes: draw at most once per animation frame. */
function scheduleDraw() {
  if (state.drawPending) return;
  state.drawPending = true;
  requestAnimationFrame(() => {
    state.drawPending = false;
    drawLossChart();
    drawNetwork();
    drawGradients();
    if (state.kind === "2d") drawRegions();
    if (state.kind === "1d") drawCurve();
    if (state.kind === "mnist") { drawMnistWeights(); drawConfusion(); }
  });
}

function clear(canvas) {
  const context = canvas.getContext("2d");
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, canvas.width, canvas.height);
  return context;
}

/** Training and test loss against the step, since the last configure or reset (linear scale from 0). */
function drawLossChart() {
  const canvas = $("loss-chart");
  const context = clear(canvas);
  const points = state.history;
  if (points.length === 0) return;
  const values = points.flatMap((p) => [p.train, p.test]).filter(Number.isFinite);
  const top = Math.max(1e-9, ...values) * 1.05;
  const first = points[0].step;
  const span = Math.max(1, points[points.length - 1].step - first);
  const x = (step) => 4 + ((step - first) / span) * (canvas.width - 8);
  const y = (v) => canvas.height - 14 - (v / top) * (canvas.height - 20);
  for (const [key, colour, width] of [["train", "#aaa", 1.5], ["test", "#222", 2]]) {
    context.beginPath();
    let drawing = false;
    for (const p of points) {
      if (!Number.isFinite(p[key])) { drawing = false; continue; }
      if (drawing) context.lineTo(x(p.step), y(p[key])); else context.moveTo(x(p.step), y(p[key]));
      drawing = true;
    }
    context.strokeStyle = colour;
    context.lineWidth = width;
    context.stroke();
  }
  context.fillStyle = "#777";
  context.font = "11px sans-serif";
  context.fillText(`${top.toPrecision(3)}`, 6, 12);
  context.fillText(`step ${points[points.length - 1].step}`, canvas.width - 80, canvas.height - 2);
}

// The network diagram: one column per layer, a tile per unit, a line per weight.

/** The value of an input feature at (x, y), for the input tiles (computed here: it is the data, not the model). */
function featureValue(key, x, y) {
  switch (key) {
    case "x": return x / 6;
    case "y": return y / 6;
    case "x2": return (x * x) / 36;
    case "y2": return (y * y) / 36;
    case "xy": return (x * y) / 36;
    case "sinx": return Math.sin(x);
    case "siny": return Math.sin(y);
  }
  return 0;
}

function featureGrid(key, size) {
  const values = [];
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      // The server's layout: both ends of [-6, 6] included.
      const x = -6 + (12 * column) / (size - 1);
      const y = 6 - (12 * row) / (size - 1);
      values.push(featureValue(key, x, y));
    }
  }
  return values;
}

/** A tile for a unit: its grid of values, each tile scaled by its own largest |value|. */
function unitTile(context, values, size, x, y, tile) {
  const scale = maxAbs(values) || 1;
  drawGrid(context, values, size, (v) => divergingColour(v / scale), x, y, tile, tile);
  context.strokeStyle = "#999";
  context.lineWidth = 1;
  context.strokeRect(x - 0.5, y - 0.5, tile + 1, tile + 1);
}

function drawNetwork() {
  const canvas = $("network");
  const context = clear(canvas);
  const configured = state.configured;
  if (!configured || !Array.isArray(configured.layers)) return;
  const layers = configured.layers;
  if (state.kind === "mnist") { drawBlockNetwork(context, canvas, layers); return; }
  const frame = state.frame || {};
  const features = (configured.config && configured.config.features) || ["x"];
  const margin = 56;
  const columnX = layers.map((_, i) => margin + (i * (canvas.width - 2 * margin)) / Math.max(1, layers.length - 1));
  const tile = Math.max(8, Math.min(34, Math.floor((canvas.height - 20) / Math.max(...layers)) - 6));
  const positions = layers.map((count, i) => {
    const gap = (canvas.height - count * tile) / (count + 1);
    return Array.from({ length: count }, (_, j) => ({ x: columnX[i], y: gap * (j + 1) + tile * j + tile / 2 }));
  });
  // Lines first, under the tiles: blue for a positive weight, orange for a negative one, width |w|.
  const weights = frame.weights || [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const matrix = weights[l];
    // Wide layers have many lines: thinner ones keep the picture readable.
    const density = Math.max(0.35, Math.min(1, 4 / Math.max(layers[l], layers[l + 1])));
    for (let out = 0; out < layers[l + 1]; out++) {
      for (let input = 0; input < layers[l]; input++) {
        const w = matrix && matrix[out] ? matrix[out][input] : 0;
        const strength = Math.tanh(Math.abs(w) || 0);
        context.strokeStyle = rgb(w < 0 ? NEGATIVE : POSITIVE, 0.2 + 0.8 * strength);
        context.lineWidth = matrix ? 0.4 + 5 * density * strength : 0.5;
        const from = positions[l][input], to = positions[l + 1][out];
        context.beginPath();
        context.moveTo(from.x + tile / 2, from.y);
        context.bezierCurveTo((from.x + to.x) / 2, from.y, (from.x + to.x) / 2, to.y, to.x - tile / 2, to.y);
        context.stroke();
      }
    }
  }
  context.font = "12px sans-serif";
  context.textAlign = "right";
  context.textBaseline = "middle";
  layers.forEach((count, l) => {
    positions[l].forEach((p, unit) => {
      const left = p.x - tile / 2, top = p.y - tile / 2;
      if (state.kind === "2d" && l === 0) {
        unitTile(context, featureGrid(features[unit], 20), 20, left, top, tile);
      } else if (state.kind === "2d" && l === layers.length - 1 && frame.regions) {
        // One output: P(class 1). Two (softmax): P(class 0), then P(class 1).
        const sign = count === 2 && unit === 0 ? -1 : 1;
        unitTile(context, frame.regions.values.map((v) => sign * probabilityToSigned(v)), frame.regions.size, left, top, tile);
      } else if (state.kind === "2d" && frame.units && frame.units[l - 1] && frame.units[l - 1][unit]) {
        unitTile(context, frame.units[l - 1][unit], 20, left, top, tile);
      } else {
        context.fillStyle = "#eef3f8";
        context.strokeStyle = "#999";
        context.fillRect(left, top, tile, tile);
        context.strokeRect(left - 0.5, top - 0.5, tile + 1, tile + 1);
      }
      if (l === 0) {
        context.fillStyle = "#333";
        const name = state.kind === "1d" ? "x" : FEATURE_LABEL[features[unit]] || features[unit];
        context.fillText(name, left - 6, p.y);
      }
    });
  });
  context.textAlign = "left";
  context.fillStyle = "#333";
  const outputs = positions[layers.length - 1];
  outputs.forEach((p, unit) => {
    const name = state.kind === "1d" ? "ŷ" : outputs.length === 2 ? `P(${unit})` : "P(1)";
    context.fillText(name, p.x + tile / 2 + 6, p.y);
  });
}

/** MNIST's 784 inputs do not fit as tiles: one block per layer, its height growing with its units. */
function drawBlockNetwork(context, canvas, layers) {
  const width = 90;
  const gap = (canvas.width - layers.length * width) / (layers.length + 1);
  const biggest = Math.max(...layers.map((n) => Math.sqrt(n)));
  const activation = state.configured.config ? state.configured.config.activation : "";
  context.font = "12px sans-serif";
  context.textAlign = "center";
  context.textBaseline = "middle";
  layers.forEach((count, i) => {
    const height = 40 + (Math.sqrt(count) / biggest) * (canvas.height - 120);
    const x = gap + i * (width + gap), y = (canvas.height - height) / 2;
    context.fillStyle = i === 0 ? "#eee" : "#eef3f8";
    context.strokeStyle = "#999";
    context.fillRect(x, y, width, height);
    context.strokeRect(x, y, width, height);
    context.fillStyle = "#333";
    const role = i === 0 ? "pixels" : i === layers.length - 1 ? (state.configured.head || "output") : activation;
    context.fillText(String(count), x + width / 2, canvas.height / 2 - 8);
    context.fillText(role, x + width / 2, canvas.height / 2 + 8);
    if (i > 0) {
      context.strokeStyle = "#666";
      context.beginPath();
      context.moveTo(x - gap + 4, canvas.height / 2);
      context.lineTo(x - 4, canvas.height / 2);
      context.stroke();
    }
  });
  context.textAlign = "left";
}

/** Per layer, the weight and bias gradient norms on a log axis from 1e-10 to 1e4. */
function drawGradients() {
  const canvas = $("gradients");
  const context = clear(canvas);
  const norms = (state.frame && state.frame.gradientNorms) || [];
  const low = -10, high = 4, left = 90, right = canvas.width - 16;
  const x = (v) => left + ((Math.max(low, Math.min(high, Math.log10(v))) - low) / (high - low)) * (right - left);
  context.font = "11px sans-serif";
  context.fillStyle = "#777";
  context.strokeStyle = "#eee";
  context.textAlign = "center";
  for (let e = low; e <= high; e += 2) {
    context.beginPath();
    context.moveTo(x(10 ** e), 4);
    context.lineTo(x(10 ** e), canvas.height - 16);
    context.stroke();
    context.fillText(`1e${e}`, x(10 ** e), canvas.height - 4);
  }
  if (norms.length === 0) return;
  const row = Math.min(22, (canvas.height - 24) / norms.length);
  norms.forEach((layer, i) => {
    const top = 6 + i * row;
    context.textAlign = "right";
    context.fillStyle = "#333";
    context.fillText(layer.layer, left - 6, top + row / 2);
    for (const [key, colour, offset] of [["weight", "#1f77b4", 0], ["bias", "#9ecae1", 0.5]]) {
      const v = layer[key];
      const barTop = top + offset * (row - 2), barHeight = (row - 2) / 2;
      if (!(v > 0) || !Number.isFinite(v)) {
        context.textAlign = "left";
        context.fillStyle = "#c0392b";
        context.fillText(v === 0 ? "0" : "∞", left + 2, barTop + barHeight / 2);
        continue;
      }
      context.fillStyle = colour;
      context.fillRect(left, barTop, x(v) - left, barHeight);
    }
  });
  context.textAlign = "left";
  context.fillStyle = "#777";
  context.fillText("dark: weights, light: biases", left + 4, canvas.height - 22);
}

// The 2-D view: the decision regions under the data points.

function drawRegions() {
  const canvas = $("regions");
  const context = clear(canvas);
  const frame = state.frame;
  if (frame && frame.regions) {
    // The grid's first and last samples lie on the edges (x = ±6): half a cell of the image
    // hangs outside the canvas on each side, so that every sample's centre is where it belongs.
    const size = frame.regions.size, cell = canvas.width / (size - 1);
    drawGrid(context, frame.regions.values, size, (v) => divergingColour(probabilityToSigned(v)),
      -cell / 2, -cell / 2, canvas.width + cell, canvas.height + cell);
  }
  if (!state.data) return;
  const toX = (x) => ((x + 6) / 12) * canvas.width;
  const toY = (y) => ((6 - y) / 12) * canvas.height;
  for (const [set, ring] of [["train", "white"], ["test", "#222"]]) {
    for (const [x, y, label] of state.data[set] || []) {
      context.beginPath();
      context.arc(toX(x), toY(y), 3.2, 0, 2 * Math.PI);
      context.fillStyle = rgb(label > 0.5 ? POSITIVE : NEGATIVE);
      context.fill();
      context.strokeStyle = ring;
      context.lineWidth = 1;
      context.stroke();
    }
  }
}

// The 1-D view: the fitted curve against the true one over twice the training range.

function drawCurve() {
  const canvas = $("curve");
  const context = clear(canvas);
  const curve = state.frame && state.frame.curve;
  if (!curve || !curve.x || curve.x.length < 2) return;
  const xs = curve.x;
  const data = state.data ? [...(state.data.train || []), ...(state.data.test || [])] : [];
  const ys = [...curve.true, ...data.map((p) => p[1])].filter(Number.isFinite);
  let bottom = Math.min(...ys), top = Math.max(...ys);
  const pad = Math.max(0.25, (top - bottom) * 0.25);
  bottom -= pad; top += pad;
  const x0 = xs[0], x1 = xs[xs.length - 1];
  const toX = (x) => ((x - x0) / (x1 - x0)) * canvas.width;
  const toY = (y) => canvas.height - ((y - bottom) / (top - bottom)) * canvas.height;
  const [low, high] = curve.trainRange || [x0, x1];
  context.fillStyle = "#eef1f6";
  context.fillRect(toX(low), 0, toX(high) - toX(low), canvas.height);
  context.strokeStyle = "#ccc";
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(0, toY(0)); context.lineTo(canvas.width, toY(0));
  context.moveTo(toX(0), 0); context.lineTo(toX(0), canvas.height);
  context.stroke();
  for (const [set, filled] of [["train", true], ["test", false]]) {
    for (const [x, y] of (state.data && state.data[set]) || []) {
      context.beginPath();
      context.arc(toX(x), toY(y), 2.5, 0, 2 * Math.PI);
      context.strokeStyle = rgb(NEGATIVE);
      context.fillStyle = rgb(NEGATIVE, 0.8);
      if (filled) context.fill(); else context.stroke();
    }
  }
  for (const [key, colour, width, dash] of [["true", "#888", 2, [6, 4]], ["predicted", rgb(POSITIVE), 2.5, []]]) {
    context.beginPath();
    context.setLineDash(dash);
    let drawing = false;
    xs.forEach((x, i) => {
      const value = curve[key][i];
      if (!Number.isFinite(value) || !Number.isFinite(x)) { drawing = false; return; }
      const y = Math.max(-1e4, Math.min(1e4, toY(value)));
      if (drawing) context.lineTo(toX(x), y); else context.moveTo(toX(x), y);
      drawing = true;
    });
    context.strokeStyle = colour;
    context.lineWidth = width;
    context.stroke();
  }
  context.setLineDash([]);
  context.fillStyle = "#555";
  context.font = "11px sans-serif";
  context.fillText("training range", toX(low) + 4, 12);
  context.fillText(String(x0.toPrecision(3)), 2, canvas.height - 4);
  context.textAlign = "right";
  context.fillText(String(x1.toPrecision(3)), canvas.width - 2, canvas.height - 4);
  context.textAlign = "left";
}

// The MNIST view: first-layer weights as images, and the confusion matrix.

/** Green where a unit wants ink, red where ink counts against it; each image scaled by its own max |w|. */
function drawMnistWeights() {
  const canvas = $("mnist-weights");
  const context = clear(canvas);
  const images = state.frame && state.frame.mnist && state.frame.mnist.firstLayer;
  if (!images || images.length === 0) return;
  const columns = Math.ceil(Math.sqrt(images.length));
  const gap = 6;
  const tile = Math.floor((canvas.width - gap * (columns + 1)) / columns);
  images.forEach((weights, i) => {
    const scale = maxAbs(weights) || 1;
    const colour = (w) => {
      const t = Math.max(-1, Math.min(1, w / scale));
      return t >= 0 ? [Math.round(255 * (1 - t)), 255 - Math.round(95 * t), Math.round(255 * (1 - t))]
                    : [255 + Math.round(5 * t), Math.round(255 * (1 + t)), Math.round(255 * (1 + t))];
    };
    const x = gap + (i % columns) * (tile + gap), y = gap + Math.floor(i / columns) * (tile + gap);
    context.imageSmoothingEnabled = false;
    drawGrid(context, weights, 28, colour, x, y, tile, tile);
    context.strokeStyle = "#ccc";
    context.strokeRect(x - 0.5, y - 0.5, tile + 1, tile + 1);
  });
}

function drawConfusion() {
  const canvas = $("confusion");
  const context = clear(canvas);
  const matrix = state.frame && state.frame.mnist && state.frame.mnist.confusion;
  if (!matrix) return;
  const n = matrix.length, margin = 24;
  const cell = (Math.min(canvas.width, canvas.height) - margin) / n;
  context.font = "11px sans-serif";
  context.textAlign = "center";
  context.textBaseline = "middle";
  matrix.forEach((row, truth) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, predicted) => {
      const share = count / total;
      const x = margin + predicted * cell, y = margin + truth * cell;
      const end = truth === predicted ? POSITIVE : [200, 40, 40];
      const strength = truth === predicted ? share : Math.min(1, share * 4);
      context.fillStyle = rgb(divergingColour(0).map((c, i) => Math.round(c + (end[i] - c) * strength)));
      context.fillRect(x, y, cell - 1, cell - 1);
      context.fillStyle = strength > 0.6 ? "white" : "#333";
      if (count > 0) context.fillText(String(count), x + cell / 2, y + cell / 2);
    });
    context.fillStyle = "#555";
    context.fillText(String(truth), margin / 2, margin + truth * cell + cell / 2);
    context.fillText(String(truth), margin + truth * cell + cell / 2, margin / 2);
  });
  context.textAlign = "left";
  context.textBaseline = "alphabetic";
}

// ---------------------------------------------------------------- start

wireControls();
showKind();
scheduleDraw();
connect();
