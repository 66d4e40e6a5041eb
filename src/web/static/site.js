// Progressive enhancement for the Kaifang portal. Every page works without this file; it adds
// charts (from JSON data blocks the page embeds), tabs for code samples, auto-submitting sort
// menus and focus on form errors. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  // ---- charts --------------------------------------------------------------------------------

  var charts = [];

  function palette(a11y) {
    return a11y ? ['#ffeb3b', '#80d8ff', '#ff8a80', '#b9f6ca', '#ffffff'] : ['#0b57a4', '#c98a00', '#a33a3a', '#1b7a43', '#6f3aa6', '#0f6f79'];
  }

  function optionFor(data) {
    var colors = palette(data.a11y);
    var text = data.a11y ? '#ffffff' : '#1b2733';
    var axis = data.a11y ? '#ffffff' : '#4f5d6b';
    if (data.kind === 'pie') {
      return {
        color: ['#1e7b34', '#c98a00', '#a33a3a'].concat(colors),
        tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
        legend: { bottom: 0, textStyle: { color: text } },
        series: [
          {
            type: 'pie',
            radius: ['42%', '70%'],
            center: ['50%', '45%'],
            label: { color: text, formatter: '{b}\n{c}' },
            data: data.labels.map(function (label, i) {
              return { name: label, value: data.values[i] };
            }),
          },
        ],
      };
    }
    if (data.series) {
      // Several series (the dataset page's chart builder with a group): bars side by side.
      return {
        color: colors,
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { top: 0, type: 'scroll', textStyle: { color: text } },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: data.labels, axisLabel: { color: text, rotate: data.labels.length > 8 ? 30 : 0 }, axisLine: { lineStyle: { color: axis } } },
        yAxis: { type: 'value', axisLabel: { color: axis }, splitLine: { lineStyle: { color: data.a11y ? '#555' : '#e3e8ee' } } },
        series: data.series.map(function (s) {
          return { type: 'bar', name: s.name, data: s.values, barMaxWidth: 18 };
        }),
      };
    }
    return {
      color: colors,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { color: axis }, splitLine: { lineStyle: { color: data.a11y ? '#555' : '#e3e8ee' } } },
      yAxis: { type: 'category', inverse: true, data: data.labels, axisLabel: { color: text, interval: 0 }, axisLine: { lineStyle: { color: axis } } },
      series: [{ type: 'bar', data: data.values, barMaxWidth: 18, label: { show: true, position: 'right', color: text } }],
    };
  }

  function draw(el) {
    if (!window.echarts || el.getAttribute('data-drawn')) return;
    if (!el.offsetParent) return; // inside a closed <details>; drawn when opened
    var block = document.getElementById(el.getAttribute('data-chart'));
    if (!block) return;
    var data;
    try {
      data = JSON.parse(block.textContent || '{}');
    } catch (e) {
      return;
    }
    if (data.series) el.style.height = '360px';
    else if (data.kind === 'bar') el.style.height = Math.max(220, data.labels.length * 26 + 40) + 'px';
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(optionFor(data));
    el.setAttribute('data-drawn', '1');
    charts.push(chart);
  }

  function drawAll() {
    var els = document.querySelectorAll('.chart[data-chart]');
    for (var i = 0; i < els.length; i++) draw(els[i]);
  }

  document.addEventListener(
    'toggle',
    function (e) {
      if (e.target && e.target.tagName === 'DETAILS' && e.target.open) drawAll();
    },
    true,
  );
  window.addEventListener('resize', function () {
    charts.forEach(function (c) {
      c.resize();
    });
  });

  // ---- tabs for the API samples ------------------------------------------------------------

  function tabs(container) {
    var panels = container.querySelectorAll('[data-tab]');
    if (panels.length < 2) return;
    var list = document.createElement('div');
    list.className = 'tablist';
    list.setAttribute('role', 'tablist');
    var buttons = [];
    function select(index, focus) {
      buttons.forEach(function (b, i) {
        var on = i === index;
        b.setAttribute('aria-selected', on ? 'true' : 'false');
        b.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
        if (on && focus) b.focus();
      });
    }
    Array.prototype.forEach.call(panels, function (panel, i) {
      var b = document.createElement('button');
      b.type = 'button';
      b.id = panel.id + '-tab';
      b.textContent = panel.getAttribute('data-tab');
      b.setAttribute('role', 'tab');
      b.setAttribute('aria-controls', panel.id);
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', b.id);
      b.addEventListener('click', function () {
        select(i, false);
      });
      b.addEventListener('keydown', function (e) {
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
          e.preventDefault();
          select((i + (e.key === 'ArrowRight' ? 1 : panels.length - 1)) % panels.length, true);
        }
      });
      buttons.push(b);
      list.appendChild(b);
    });
    container.insertBefore(list, container.firstChild);
    container.classList.add('tabbed');
    select(0, false);
  }

  // ---- start -----------------------------------------------------------------------------------

  function start() {
    drawAll();
    Array.prototype.forEach.call(document.querySelectorAll('[data-tabs]'), tabs);
    Array.prototype.forEach.call(document.querySelectorAll('select[data-autosubmit]'), function (s) {
      s.addEventListener('change', function () {
        if (s.form) s.form.submit();
      });
    });
    var summary = document.getElementById('error-summary');
    if (summary) summary.focus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
  // ECharts loads with `defer` too; draw once everything has arrived.
  window.addEventListener('load', drawAll);
})();
