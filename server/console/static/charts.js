// Dashboard charts: every element with data-chart="<id>" is drawn from the JSON in the
// <script type="application/json" id="<id>"> the page embeds (the CSP allows no inline script).
// Spec: {type: "bar", categories: [...], series: [{name, data, stack?}], unit: "%"|"", max?, horizontal?}.
(function () {
  'use strict';

  // Blue and green first: the first two series of a chart are usually "how much is done".
  const PALETTE = ['#0b57d0', '#1e7b34', '#ef6c00', '#6750a4', '#00838f', '#c2185b',
    '#9a6700', '#5d4037', '#455a64', '#b3261e', '#7cb342', '#283593'];
  const TEXT = { color: '#1b1f24', fontSize: 16 };

  function readSpec(id) {
    const node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (err) {
      return null;
    }
  }

  function options(spec) {
    const unit = spec.unit || '';
    const stacked = spec.series.some((s) => s.stack);
    // A lone unstacked series needs no legend; a stack of one still says what it counts.
    const single = spec.series.length === 1 && !stacked;
    const categoryAxis = {
      type: 'category',
      data: spec.categories,
      inverse: Boolean(spec.horizontal), // first stage at the top, as in the table
      axisLabel: { ...TEXT, hideOverlap: true },
    };
    const valueAxis = {
      type: 'value',
      max: spec.max,
      minInterval: 1,
      axisLabel: { ...TEXT, formatter: `{value}${unit}` },
    };
    return {
      color: PALETTE,
      textStyle: { fontSize: 16 },
      animation: false,
      tooltip: {
        // Drawn on the canvas: the HTML tooltip carries style attributes, which the CSP refuses.
        renderMode: 'richText',
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        textStyle: { fontSize: 16 },
        valueFormatter: (value) => `${value}${unit}`,
      },
      legend: single ? { show: false } : { type: 'scroll', top: 0, textStyle: TEXT, itemWidth: 18, itemHeight: 12 },
      grid: { left: 8, right: spec.horizontal ? 40 : 16, top: single ? 24 : 56, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxis,
      series: spec.series.map((s) => ({
        type: spec.type || 'bar',
        name: s.name,
        data: s.data,
        stack: s.stack || undefined,
        barMaxWidth: 48,
        label: { show: !stacked, position: spec.horizontal ? 'right' : 'top', fontSize: 16, formatter: `{c}${unit}` },
        emphasis: { focus: 'series' },
      })),
    };
  }

  function draw(element) {
    const spec = readSpec(element.getAttribute('data-chart'));
    if (!spec || !Array.isArray(spec.series)) return null;
    if (!window.echarts) {
      element.classList.add('chart-failed');
      element.textContent = element.getAttribute('aria-label') || '';
      return null;
    }
    const chart = window.echarts.init(element, null, { renderer: 'canvas' });
    chart.setOption(options(spec));
    return chart;
  }

  function start() {
    const charts = Array.from(document.querySelectorAll('[data-chart]')).map(draw).filter(Boolean);
    let pending = null;
    window.addEventListener('resize', () => {
      clearTimeout(pending);
      pending = setTimeout(() => charts.forEach((chart) => chart.resize()), 150);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
