// Placeholder: connects, configures the spiral, and prints each message (truncated).
"use strict";
const socket = new WebSocket(`ws://${location.host}/ws`);
const status = document.getElementById("status");
const frames = document.getElementById("frames");
const send = (message) => socket.send(JSON.stringify(message));

socket.addEventListener("open", () => {
  status.textContent = "connected";
  send({ type: "configure", config: { dataset: "spiral", activation: "relu", hidden: [16, 16], optimizer: "adam", learningRate: 0.01 } });
});
socket.addEventListener("close", () => { status.textContent = "closed"; });
socket.addEventListener("message", (event) => {
  const message = JSON.parse(event.data);
  const line = message.type === "frame"
    ? `frame step ${message.step} train loss ${message.trainLoss} test loss ${message.testLoss}`
    : event.data.slice(0, 300);
  frames.textContent = (line + "\n" + frames.textContent).slice(0, 20000);
});
for (const type of ["play", "pause", "step", "reset"]) {
  document.getElementById(type).addEventListener("click", () => send({ type }));
}
