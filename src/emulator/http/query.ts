// A request's query string as the service reads it: RFC 3986 percent-decoding, where `+` is a plus sign,
// not the space of HTML forms (application/x-www-form-urlencoded, which URLSearchParams follows). AWS's
// SDKs and the AWS CLI send a space as %20 and a plus as %2B; a bare `+` comes only from hand-written
// requests, and SigV4's canonical query takes it as a plus too (sources in docs/fidelity.md).
/** Each parameter's value, or its values in order when it repeats; throws URIError on bad percent-encoding. */
export function parseQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
