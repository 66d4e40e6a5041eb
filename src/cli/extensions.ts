import type { AppOptions } from '../http/index.ts';

/** What the server adds beyond the API; the web portal plugs in here. */
export async function serveExtensions(): Promise<AppOptions> {
  return {};
}
