// Runs the dashboard's script in Node against a live admin server with a minimal DOM, then
// prints what the page shows as JSON. Usage: node dashboard-harness.js BASE_URL SCRIPT_FILE QUERY [POLLS]
// POLLS (default 1): how many of the page's polls to run, 500 ms apart, before reporting.
"use strict";
const fs = require("fs");
const [base, scriptFile, query, pollsArg] = process.argv.slice(2);
const polls = Number(pollsArg || "1");

class Text { constructor(t) { this.data = t; } get textContent() { return this.data; } }
class Element {
  constructor(tag) { this.tagName = tag.toUpperCase(); this.children = []; this.attributes = {}; this.listeners = {};
                     this.className = ""; }
  get classList() {
    const el = this;
    const list = () => el.className.split(/\s+/).filter(c => c);
    return { add: c => { if (!list().includes(c)) { el.className = list().concat(c).join(" "); } },
             remove: c => { el.className = list().filter(x => x !== c).join(" "); },
             contains: c => list().includes(c) };
  }
  setAttribute(k, v) { this.attributes[k] = String(v); }
  removeAttribute(k) { delete this.attributes[k]; }
  append(...nodes) { for (const n of nodes) { this.children.push(typeof n === "string" ? new Text(n) : n); } }
  replaceChildren(...nodes) { this.children = []; this.append(...nodes); }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  set textContent(t) { this.children = [new Text(String(t))]; }
  get textContent() { return this.children.map(c => c.textContent).join(""); }
  findAll(pred, out = []) {
    for (const c of this.children) { if (c instanceof Element) { if (pred(c)) { out.push(c); } c.findAll(pred, out); } }
    return out;
  }
}
global.Node = Object;
const ids = {};
for (const [id, cls] of [["status", "status"], ["token-button", ""], ["chains", ""], ["services", ""],
                         ["gslb-section", "hidden"], ["gslb-tree", "tree"], ["sites", ""], ["events", ""]]) {
  ids[id] = new Element("div"); ids[id].className = cls;
}
ids["status"].textContent = "connecting…";
ids["chains-details"] = new Element("details");
ids["chains-details"].setAttribute("open", ""); // as in the HTML: the page folds it when there are many vServers
// any other element the page names by id exists too, empty
global.document = { createElement: t => new Element(t), createTextNode: t => new Text(t),
                    getElementById: id => ids[id] || (ids[id] = new Element("div")) };
global.location = { search: query || "" };
const storage = {};
global.sessionStorage = { getItem: k => (k in storage ? storage[k] : null), setItem: (k, v) => { storage[k] = String(v); } };
const requests = [];
const realFetch = fetch;
global.fetch = (path, init) => { requests.push({ method: init.method, path, auth: (init.headers || {}).Authorization || null });
                                 return realFetch(base + path, init); };
global.window = { prompt: () => "prompted-token", alert: () => {}, addEventListener: () => {} };
const nodeSetInterval = setInterval;
let pagePoll = null;
global.setInterval = fn => { pagePoll = fn; return 0; }; // the page's own 1 s poll: run by the harness below

eval(fs.readFileSync(scriptFile, "utf8"));

// Report once the first poll has finished (the status line leaves "connecting…"), at most 20 s.
const started = Date.now();
let pollsDone = 0;
let nextPollAt = 0;
const timer = nodeSetInterval(() => {
  if (nextPollAt > 0) {
    if (Date.now() >= nextPollAt) { nextPollAt = 0; pagePoll(); }
    return;
  }
  if (ids["status"].textContent.startsWith("connecting") && Date.now() - started < 20000) { return; }
  if (++pollsDone < polls && Date.now() - started < 20000) {
    ids["status"].textContent = "connecting…";
ids["chains-details"] = new Element("details");
ids["chains-details"].setAttribute("open", ""); // as in the HTML: the page folds it when there are many vServers
    nextPollAt = Date.now() + 500;
    return;
  }
  clearInterval(timer);
  const rows = ids["services"].findAll(e => e.tagName === "TR").map(tr => tr.children.map(td => td.textContent));
  const chains = ids["chains"].findAll(e => e.className === "chain").map(c => c.textContent);
  const cards = ids["chains"].findAll(e => e.className === "vs").map(c => c.textContent);
  const bars = ids["chains"].findAll(e => e.className.startsWith("bar")).map(b => ({
      full: b.className.includes("full"), style: b.children[0].attributes.style }));
  const stats = document.getElementById("vserver-stats").findAll(e => e.tagName === "TR").map(tr => tr.children.map(td => td.textContent));
  const events = ids["events"].findAll(e => e.tagName === "TR").map(tr => tr.children.map(td => td.textContent));
  const sites = ids["sites"].findAll(e => e.tagName === "TR").map(tr => tr.children.map(td => td.textContent));
  // the hierarchy as indented lines: one per node, two spaces per level
  const tree = [];
  const walk = (list, depth) => {
    for (const li of list.children.filter(c => c.tagName === "LI")) {
      const node = li.children.find(c => c.className === "node");
      tree.push("  ".repeat(depth) + (node ? node.children.map(c => c.textContent).join(" ") : ""));
      for (const sub of li.children.filter(c => c.tagName === "UL")) { walk(sub, depth + 1); }
    }
  };
  walk(ids["gslb-tree"], 0);
  console.log(JSON.stringify({ status: ids["status"].textContent, statusClass: ids["status"].className,
      gslbHidden: ids["gslb-section"].classList.contains("hidden"), chains, cards, bars, stats, services: rows,
      chainsOpen: "open" in document.getElementById("chains-details").attributes, sites, tree, events,
      requests }));
  process.exit(0); // do not wait for keep-alive connections to time out
}, 50);
