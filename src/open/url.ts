// Where the emulator serves the page of `ivsrt open` (src/emulator/http/open/serve.ts), for the CLI and the server alike.
export const OPEN_PREFIX = '/open/';

/** `GET /open/launched/<id>`: answers once the page has been served for launch id `<id>` (src/open/browser.ts). */
export const LAUNCHED_ROUTE = /^\/open\/launched\/([0-9a-f]{32})$/;

/** The page's query parameter that names a launch. */
export const LAUNCH_PARAM = 'launch';

/** The page's URL on an emulator at origin `url`, with the token in the fragment (no request carries a fragment). */
export const openPageUrl = (url: string, token: string): string => `${url}${OPEN_PREFIX}#token=${token}`;

/** The page's URL with a launch id in its query (before the fragment). */
export function withLaunchId(pageUrl: string, launchId: string): string {
  const hash = pageUrl.indexOf('#');
  const [base, fragment] = hash < 0 ? [pageUrl, ''] : [pageUrl.slice(0, hash), pageUrl.slice(hash)];
  return `${base}?${LAUNCH_PARAM}=${launchId}${fragment}`;
}

export const launchedUrl = (origin: string, launchId: string): string => `${origin}${OPEN_PREFIX}launched/${launchId}`;
