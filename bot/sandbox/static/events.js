// The sandbox's shared worker: one event stream for every tab of the
// browser, each tab getting its persona's messages. A browser keeps about
// six connections to one host; with a stream a tab, the seventh tab would
// wait for a connection that never frees.
"use strict";

const tabs = new Map(); // port → persona id
const messages = new Map(); // persona id → Map(message id → data)
const states = new Map(); // persona id → data
let ready = false;

function tell(as, type, data) {
  for (const [port, p] of tabs) if (p === as) port.postMessage({ type, data });
}

const events = new EventSource("api/events?as=all");
events.addEventListener("message", (e) => {
  const m = JSON.parse(e.data);
  const as = String(m.chat);
  if (!messages.has(as)) messages.set(as, new Map());
  messages.get(as).set(m.id, e.data);
  tell(as, "message", e.data);
});
events.addEventListener("state", (e) => {
  const as = String(JSON.parse(e.data).as);
  states.set(as, e.data);
  tell(as, "state", e.data);
});
events.addEventListener("ready", () => {
  ready = true;
  for (const port of tabs.keys()) port.postMessage({ type: "ready" });
});
events.onerror = () => {
  ready = false;
  for (const port of tabs.keys()) port.postMessage({ type: "error" });
};

onconnect = (e) => {
  const port = e.ports[0];
  port.onmessage = (m) => {
    if (m.data.bye) { tabs.delete(port); return; }
    const as = String(m.data.as);
    tabs.set(port, as);
    // A tab opened later gets its chat as it is now.
    for (const data of (messages.get(as) || new Map()).values()) port.postMessage({ type: "message", data });
    if (states.has(as)) port.postMessage({ type: "state", data: states.get(as) });
    if (ready) port.postMessage({ type: "ready" });
  };
  port.start();
};
