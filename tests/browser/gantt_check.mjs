// Opens Backplan's HTML Gantt charts in headless Chromium (Debian's
// /usr/bin/chromium, driven by npm playwright-core) and reports what a
// browser actually did with them, as JSON on stdout; test_gantt.py judges it.
//
//   node tests/browser/gantt_check.mjs cases.json > results.json
//
// cases.json: [{"name": ..., "html": "/abs/path.html", "screenshot":
// "/abs/out.png" or ""}]. Per case the result holds: console errors and warnings,
// uncaught page errors, every request other than the page itself, the bars
// (id, dates, critical, computed fill colour), the arrows, the geometry of the
// target line, the share of non-white pixels in a viewport screenshot, and
// whether clicking a group heading folds and unfolds it (the inline script
// ran under the page's Content-Security-Policy).
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
// Playwright gives every launch a fresh temporary --user-data-dir.
const browser = await chromium.launch({
  executablePath: process.env.BACKPLAN_CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

// One context for every chart (each in its own page, with its own logs) and
// one blank page that decodes screenshots, so its work never shows in a
// chart's request log.
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const decoder = await context.newPage();

// Share of pixels that are not (nearly) white.
async function drawnShare(png) {
  return decoder.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = canvas.getContext("2d");
    g.drawImage(bitmap, 0, 0);
    const d = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let drawn = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) drawn++;
    }
    return drawn / (bitmap.width * bitmap.height);
  }, png.toString("base64"));
}

const results = [];
for (const c of cases) {
  const url = pathToFileURL(c.html).href;
  const page = await context.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  const requests = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleMessages.push(m.text());
  });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: "load" });
  const facts = await page.evaluate(() => {
    const svg = document.querySelector("svg.gantt");
    const box = svg.getBoundingClientRect();
    const bars = [...svg.querySelectorAll("g.bar")].map((b) => ({
      id: b.dataset.id,
      start: b.dataset.start,
      end: b.dataset.end,
      crit: b.classList.contains("crit"),
      fill: b.querySelector(".fill, .ms")
        ? getComputedStyle(b.querySelector(".fill, .ms")).fill
        : "",
    }));
    const arrows = [...svg.querySelectorAll("path.arrow")].map(
      (a) => a.dataset.from + ">" + a.dataset.to,
    );
    const target = svg.querySelector("line.target");
    const t = target.getBoundingClientRect();
    return {
      bars,
      arrows,
      milestones: svg.querySelectorAll("path.milestone").length,
      nonworking: svg.querySelectorAll("rect.nonwork").length,
      holidays: svg.querySelectorAll("rect.nonwork.holiday").length,
      lanes: [...svg.querySelectorAll("g.row")].filter((r) => !r.classList.contains("head")).length,
      axisStart: svg.dataset.axisStart,
      dayWidth: Number(svg.dataset.dayWidth),
      chartLeft: Number(svg.dataset.chartLeft),
      targetDay: target.dataset.day,
      targetX: t.left - box.left,
      svgHeight: box.height,
    };
  });
  const png = await page.screenshot();
  if (c.screenshot) {
    // The whole chart, for people to look at.
    await page.screenshot({ path: c.screenshot, fullPage: true });
  }
  facts.drawnShare = await drawnShare(png);
  // Fold the first group, then unfold it: rows hide and the chart shrinks.
  const group = await page.evaluate(() => {
    const row = document.querySelector("svg.gantt g.row[data-in]");
    return row ? row.dataset.in : "0";
  });
  const head = page.locator(`svg.gantt g.row.head[data-group="${group}"]`);
  const visibleRows = () =>
    page.evaluate(() => document.querySelectorAll("svg.gantt g.row:not(.hidden)").length);
  const before = await visibleRows();
  await head.click();
  const folded = await visibleRows();
  const foldedHeight = await page.evaluate(
    () => document.querySelector("svg.gantt").getBoundingClientRect().height,
  );
  await head.click();
  facts.fold = { before, folded, after: await visibleRows(), foldedHeight };
  facts.console = consoleMessages;
  facts.pageErrors = pageErrors;
  facts.requests = requests;
  results.push({ name: c.name, ...facts });
  await page.close();
}
await browser.close();
process.stdout.write(JSON.stringify(results));
