// The job page follows a running job: polls its small JSON endpoint and appends new events.
// Without this file the page still works (it refreshes itself from a <noscript> meta tag).
(function () {
  "use strict";
  var POLL_MS = 1500;
  var RECAP_KEYS = ["ok", "changed", "failed", "skipped", "unreachable"];

  function cell(text, className) {
    var td = document.createElement("td");
    if (className) { td.className = className; }
    td.textContent = text === null || text === undefined ? "" : String(text);
    return td;
  }

  function statusTag(event) {
    var td = document.createElement("td");
    if (!event.status) { return td; }
    var tag = document.createElement("span");
    var kind = (event.status === "failed" || event.status === "unreachable") ? "failed" :
      (event.status === "ok" ? "successful" : "queued");
    tag.className = "tag tag--" + kind;
    tag.textContent = event.status + (event.changed ? " · changed" : "");
    td.appendChild(tag);
    return td;
  }

  function appendEvents(tbody, events) {
    events.forEach(function (e) {
      var tr = document.createElement("tr");
      tr.className = "event event--" + (e.status || "info");
      tr.appendChild(cell(e.counter));
      tr.appendChild(cell(e.task || e.event));
      tr.appendChild(cell(e.host));
      tr.appendChild(cell(e.item));
      tr.appendChild(statusTag(e));
      tr.appendChild(cell(e.duration_text));
      tbody.appendChild(tr);
    });
  }

  function renderRecap(recap) {
    var tbody = document.querySelector("#recap tbody");
    if (!tbody || !recap) { return; }
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    Object.keys(recap).sort().forEach(function (host) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(host));
      RECAP_KEYS.forEach(function (key) {
        var bad = (key === "failed" || key === "unreachable") && recap[host][key];
        tr.appendChild(cell(recap[host][key], bad ? "is-bad" : ""));
      });
      tbody.appendChild(tr);
    });
  }

  function update(root, data) {
    ["job-state", "attempt-state"].forEach(function (id) {
      var tag = document.getElementById(id);
      if (tag) { tag.className = "tag tag--" + data.state; tag.textContent = data.state_label; }
    });
    root.setAttribute("data-state", data.state);
    document.getElementById("job-started").textContent = data.started_at;
    document.getElementById("job-finished").textContent = data.finished_at;
    document.getElementById("job-duration").textContent = data.duration;
    document.getElementById("job-worker").textContent = data.worker;
    document.getElementById("job-rc").textContent = data.rc === null ? "–" : String(data.rc);
    data.items.forEach(function (item) {
      document.querySelectorAll("[data-item]").forEach(function (tag) {
        if (tag.getAttribute("data-item") === item.label) {
          tag.className = "tag tag--" + item.status;
          tag.textContent = item.status;
        }
      });
    });
    if (root.getAttribute("data-follow") === "true" && data.events.length) {
      appendEvents(document.querySelector("#timeline tbody"), data.events);
      root.setAttribute("data-after", String(data.events[data.events.length - 1].counter));
    }
    if (data.finished) {
      root.setAttribute("data-finished", "true");
      renderRecap(data.recap);
      var cancel = document.getElementById("cancel-form");
      if (cancel) { cancel.classList.add("is-hidden"); }
      document.getElementById("live-note").textContent = "";
    }
  }

  function poll(root) {
    var url = root.getAttribute("data-live-url") + "?after=" + encodeURIComponent(root.getAttribute("data-after"));
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        update(root, data);
        // More events waiting: ask again at once; otherwise wait, and stop once the job has finished.
        if (data.more && root.getAttribute("data-follow") === "true") { poll(root); return; }
        if (!data.finished) { window.setTimeout(function () { poll(root); }, POLL_MS); }
      })
      .catch(function () { window.setTimeout(function () { poll(root); }, POLL_MS * 4); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("job");
    if (!root || root.getAttribute("data-finished") === "true") { return; }
    var note = document.getElementById("live-note");
    if (note) { note.textContent = note.getAttribute("data-live-text") || ""; }
    window.setTimeout(function () { poll(root); }, POLL_MS);
  });
})();
