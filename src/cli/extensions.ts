import type { AppOptions } from '../http/index.ts';
import { webOptions } from '../web/index.ts';

/** What the server adds beyond the API: the web portal and console, with their session sign-in. */
export async function serveExtensions(): Promise<AppOptions> {
  return webOptions();
}
