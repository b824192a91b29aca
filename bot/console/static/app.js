// A Mini App gets its initData in the address's fragment; the server
// checks it and opens a session, then the console opens.
const data = new URLSearchParams(location.hash.slice(1)).get("tgWebAppData");
const status = document.getElementById("status");
if (!data) {
  status.textContent = status.dataset.none || "—";
} else {
  fetch("/console/webapp", {method: "POST", body: new URLSearchParams({initData: data})})
    .then(r => { if (r.ok) location.replace("/console/"); else return r.text().then(t => { status.textContent = t; }); });
}
