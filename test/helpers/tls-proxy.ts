// A TLS-terminating proxy in front of a test IdP, as fetch: https://localhost:<port> goes to http://localhost:<port> with X-Forwarded-Proto: https.
/**
 * The IdP (TRUST_PROXY=true, https issuer) sees what it would see behind a real proxy: the scheme from
 * X-Forwarded-Proto, the host from Host. Only https://localhost URLs are rewritten; everything else passes as is.
 */
export function behindTlsProxy(): typeof fetch {
  return async function proxiedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.protocol !== 'https:' || url.hostname !== 'localhost') return fetch(input, init);
    url.protocol = 'http:';
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set('x-forwarded-proto', 'https');
    if (input instanceof Request) return fetch(new Request(url, input), { ...init, headers });
    return fetch(url, { ...init, headers });
  } as typeof fetch;
}
