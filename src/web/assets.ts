import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Our own CSS and JavaScript. */
export const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');

/** ECharts' browser build, served from the installed package rather than copied into the repository. */
export const ECHARTS_DIR = path.dirname(createRequire(import.meta.url).resolve('echarts'));
export const ECHARTS_FILE = 'echarts.min.js';

const versions = new Map<string, string>();

function version(file: string): string {
  let v = versions.get(file);
  if (!v) {
    v = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 10);
    versions.set(file, v);
  }
  return v;
}

/**
 * URLs carry a hash of the file's content, so browsers may cache them for a year and still
 * pick up a new release at once.
 */
export const asset = (name: string): string => `/static/${name}?v=${version(path.join(STATIC_DIR, name))}`;
export const echartsUrl = (): string =>
  `/static/vendor/${ECHARTS_FILE}?v=${version(path.join(ECHARTS_DIR, ECHARTS_FILE))}`;
