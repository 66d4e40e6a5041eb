import { html, jsonScript, type Html } from './html.ts';
import type { View } from './view.ts';
import { dataTable } from './components.ts';

export interface ChartSeries {
  label: string;
  value: number;
  href?: string;
}

let seq = 0;

/**
 * A chart drawn by ECharts in the browser from data embedded in the page, always followed by
 * the same numbers as a table: without JavaScript (or with a screen reader) the table is the figure.
 */
export function chart(
  v: View,
  o: {
    title: string;
    kind: 'bar' | 'pie';
    series: ChartSeries[];
    unit: string;
    tableCaption?: string;
    collapseTable?: boolean;
  },
): Html {
  const id = `chart-${++seq}`;
  const table = dataTable({
    variant: 'compact',
    caption: { text: o.tableCaption ?? o.title, hidden: o.collapseTable },
    columns: [
      {
        head: v.t('chart.category'),
        rowHeader: true,
        cell: (s) => (s.href ? html`<a href="${s.href}">${s.label}</a>` : s.label),
      },
      { head: o.unit, align: 'num', cell: (s) => s.value },
    ],
    rows: o.series,
  });
  return html`<figure class="chart-figure">
    <figcaption>${o.title}</figcaption>
    <div class="chart" data-chart="${id}" aria-hidden="true"></div>
    ${jsonScript(id, { kind: o.kind, unit: o.unit, labels: o.series.map((s) => s.label), values: o.series.map((s) => s.value), a11y: v.a11y })}
    ${
      o.collapseTable
        ? html`<details class="chart-table">
            <summary>${v.t('chart.showTable')}</summary>
            ${table}
          </details>`
        : table
    }
  </figure>`;
}
