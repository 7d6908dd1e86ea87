/**
 * The `htu` comparison of RFC 9449 §4.3 check 9: the URI without query and
 * fragment, compared after syntax-based normalisation (RFC 3986 §6.2.2):
 * case of scheme and host, default port, dot segments (the WHATWG URL parser
 * does these), and percent-encoding (hex digits upper-cased, unreserved
 * characters decoded).
 */

const PERCENT = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

function normalisePercentEncoding(path: string): string {
  return path.replace(PERCENT, (_, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/** `scheme://host[:port]/path` of an http(s) URI, normalised; undefined when it is not one. */
export function normaliseHtu(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return `${url.protocol}//${url.host}${normalisePercentEncoding(url.pathname)}`;
}

/** Whether a proof's `htu` names the same resource as the request's URI (§4.3: query and fragment ignored). */
export function sameHtu(claimed: string, expected: string): boolean {
  const a = normaliseHtu(claimed);
  return a !== undefined && a === normaliseHtu(expected);
}
