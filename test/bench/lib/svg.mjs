// Latency over time across a zero-downtime reload, one panel per peer, as a self-contained SVG (no dependency).
// x: seconds from the reload trigger; y: latency (log scale) per time bucket, p99 (line) and max (faint line);
// red ticks along the top: failed requests (count per bucket); shaded: the reload window (trigger to done).

const W = 960;
const PANEL_H = 150;
const M = { left: 64, right: 24, top: 66, bottom: 52, gap: 40 };
const BUCKET_MS = 50;
const COLORS = { ours: '#1f6feb', 'cluster-rr': '#8250df', 'cluster-none': '#bf8700', pm2: '#1a7f37' };

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function quantile(sorted, q) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * runs: [{ id, label, trigger, done, samples: { ends, lats, oks } }] with epoch-ms times.
 * Returns the SVG text.
 */
export function reloadLatencySvg(runs, { title, subtitle } = {}) {
  const before = 1500;
  const after = 1500;
  const span = Math.max(...runs.map((r) => r.done - r.trigger)) + after;
  const x0 = -before;
  const x1 = span;
  const innerW = W - M.left - M.right;
  const height = M.top + runs.length * (PANEL_H + M.gap) + M.bottom - M.gap;
  const yMin = 0.5;
  let yMax = 1;
  const panels = runs.map((run) => {
    const buckets = new Map();
    const { ends, lats, oks } = run.samples;
    for (let i = 0; i < ends.length; i++) {
      const t = ends[i] - run.trigger;
      if (t < x0 || t > x1) continue;
      const b = Math.floor(t / BUCKET_MS);
      let entry = buckets.get(b);
      if (!entry) buckets.set(b, (entry = { lats: [], failed: 0 }));
      if (oks[i]) entry.lats.push(lats[i]);
      else entry.failed += 1;
    }
    const points = [...buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([b, e]) => {
        e.lats.sort((p, q) => p - q);
        return { t: b * BUCKET_MS + BUCKET_MS / 2, p99: quantile(e.lats, 0.99), max: e.lats.at(-1), failed: e.failed };
      });
    for (const p of points) if (p.max !== undefined) yMax = Math.max(yMax, p.max);
    return { run, points };
  });
  yMax = 10 ** Math.ceil(Math.log10(yMax));
  const sx = (t) => M.left + ((t - x0) / (x1 - x0)) * innerW;

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${M.left}" y="20" font-size="14" font-weight="600">${esc(title ?? 'Latency across a zero-downtime reload')}</text>`);
  if (subtitle) out.push(`<text x="${M.left}" y="38" fill="#57606a">${esc(subtitle)}</text>`);

  panels.forEach(({ run, points }, i) => {
    const top = M.top + i * (PANEL_H + M.gap);
    const sy = (v) => top + PANEL_H - ((Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * PANEL_H;
    const color = COLORS[run.id] ?? '#333';
    const failed = points.reduce((s, p) => s + p.failed, 0);
    out.push(`<g>`);
    // reload window
    out.push(`<rect x="${sx(0).toFixed(1)}" y="${top}" width="${(sx(run.done - run.trigger) - sx(0)).toFixed(1)}" height="${PANEL_H}" fill="#fff8c5"/>`);
    // grid and y labels
    for (let v = 1; v <= yMax; v *= 10) {
      out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#d0d7de" stroke-width="0.5"/>`);
      out.push(`<text x="${M.left - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" fill="#57606a">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`);
    }
    for (let s = Math.ceil(x0 / 1000); s <= Math.floor(x1 / 1000); s++) {
      out.push(`<line x1="${sx(s * 1000).toFixed(1)}" x2="${sx(s * 1000).toFixed(1)}" y1="${top}" y2="${top + PANEL_H}" stroke="#d0d7de" stroke-width="0.5"/>`);
      out.push(`<text x="${sx(s * 1000).toFixed(1)}" y="${top + PANEL_H + 13}" text-anchor="middle" fill="#57606a">${s} s</text>`);
    }
    out.push(`<rect x="${M.left}" y="${top}" width="${innerW}" height="${PANEL_H}" fill="none" stroke="#8c959f" stroke-width="0.8"/>`);
    // Buckets in which no request completed at all (a stall) are gaps in the lines, marked grey along the bottom.
    const withLatency = new Set(points.filter((p) => p.max !== undefined).map((p) => p.t));
    const first = points.length ? points[0].t : 0;
    const last = points.length ? points.at(-1).t : 0;
    for (let tb = first; tb <= last; tb += BUCKET_MS) {
      if (!withLatency.has(tb)) out.push(`<rect x="${sx(tb - BUCKET_MS / 2).toFixed(1)}" y="${top + PANEL_H - 5}" width="${(sx(BUCKET_MS) - sx(0)).toFixed(1)}" height="5" fill="#8c959f"><title>no request completed</title></rect>`);
    }
    // max (faint) and p99 lines, broken where a bucket had no completed request
    const line = (key, opacity, width) => {
      let d = '';
      let prev;
      for (const p of points) {
        if (p[key] === undefined) continue;
        d += `${prev !== undefined && p.t - prev <= BUCKET_MS ? 'L' : 'M'}${sx(p.t).toFixed(1)},${sy(p[key]).toFixed(1)}`;
        prev = p.t;
      }
      if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-opacity="${opacity}" stroke-width="${width}"/>`);
    };
    line('max', 0.35, 1);
    line('p99', 1, 1.6);
    // failures: a tick per bucket; counts of neighbouring buckets share one label
    const groups = [];
    for (const p of points) {
      if (!p.failed) continue;
      out.push(`<line x1="${sx(p.t).toFixed(1)}" x2="${sx(p.t).toFixed(1)}" y1="${top}" y2="${top + 14}" stroke="#cf222e" stroke-width="2.5"><title>${p.failed} failed</title></line>`);
      const g = groups.at(-1);
      if (g && sx(p.t) - g.x1 < 22) {
        g.n += p.failed;
        g.x1 = sx(p.t);
      } else groups.push({ x0: sx(p.t), x1: sx(p.t), n: p.failed });
    }
    for (const g of groups) out.push(`<text x="${((g.x0 + g.x1) / 2).toFixed(1)}" y="${top + 25}" text-anchor="middle" fill="#cf222e" font-size="9">${g.n}</text>`);
    out.push(
      `<text x="${M.left}" y="${top - 6}" font-weight="600" fill="${color}">${esc(run.label)}</text>` +
        `<text x="${W - M.right}" y="${top - 6}" text-anchor="end" fill="${failed ? '#cf222e' : '#1a7f37'}">` +
        `${failed} failed request${failed === 1 ? '' : 's'} · reload ${((run.done - run.trigger) / 1000).toFixed(2)} s</text>`,
    );
    out.push(`</g>`);
  });
  const legendY = height - 26;
  out.push(
    `<text x="${M.left}" y="${legendY}" fill="#57606a">Per ${BUCKET_MS} ms bucket of completed requests: p99 latency (solid), max (faint); grey along the bottom: no request completed in that bucket.</text>`,
    `<text x="${M.left}" y="${legendY + 14}" fill="#57606a">Red ticks: failed requests, with counts (closed or reset under the client, timeouts, non-2xx). Shaded: the reload, from the trigger to the last old worker gone.</text>`,
  );
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
