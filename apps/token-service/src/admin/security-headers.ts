/**
 * What the administration page is served with. The page loads only its own
 * script and stylesheet and talks only to this origin; it builds the DOM from
 * text nodes, so Trusted Types can forbid every HTML sink.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  // The forms are handled by script; without it, nothing (not the secret) is ever submitted in a URL.
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

export const ADMIN_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  // Ignored by browsers over plain HTTP; in force once a TLS proxy fronts the service.
  'Strict-Transport-Security': 'max-age=31536000',
  'X-Robots-Tag': 'noindex, nofollow',
};

/** The HTML names the current assets: never cached. */
export const HTML_CACHE_CONTROL = 'no-store';
/** Assets carry a content hash in their name: cached for good. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
