// OAuth 2.0 authorization server on loopback for the API's integration tests, built on
// oidc-provider. Start-up contract: see README.md in this folder.

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import { Provider, errors } from 'oidc-provider';

// oidc-provider prints its NOTICE lines with console.info, which writes to stdout.
// Stdout carries only the issuer line, so console.log and console.info write to stderr.
console.log = console.error;
console.info = console.error;

const HOST = '127.0.0.1';

const API_AUDIENCE = 'urn:oas-networks:api';

// Resource indicator (RFC 8707) -> resource server settings returned by getResourceServerInfo.
// The opaque resource shares the API audience so its introspection response carries that `aud`.
const RESOURCE_SERVERS = {
  'urn:oas-networks:api': {
    audience: API_AUDIENCE,
    scope: 'api',
    accessTokenFormat: 'jwt',
  },
  'urn:oas-networks:api:opaque': {
    audience: API_AUDIENCE,
    scope: 'api',
    accessTokenFormat: 'opaque',
  },
  'urn:other-api': {
    audience: 'urn:other-api',
    scope: 'api',
    accessTokenFormat: 'jwt',
  },
};

// Client that introspects tokens on behalf of the API.
const INTROSPECTION_CLIENT_ID = 'oas-api';

const SHORT_LIVED_CLIENT_ID = 'short-lived';
const SHORT_LIVED_TOKEN_TTL_SECONDS = 2;

const SERVICE_CLIENT_IDS = [
  'partner-app',
  SHORT_LIVED_CLIENT_ID,
  'alice-member',
  'erin-editor',
  'adam-admin',
];

const USER_FLOW_CLIENT_ID = 'web-app';
const USER_FLOW_REDIRECT_URI = 'http://127.0.0.1/callback';

// Every client secret is `<client_id>-secret`.
function clientSecret(clientId) {
  return `${clientId}-secret`;
}

const CLIENTS = [
  ...SERVICE_CLIENT_IDS.map((clientId) => ({
    client_id: clientId,
    client_secret: clientSecret(clientId),
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  })),
  {
    client_id: INTROSPECTION_CLIENT_ID,
    client_secret: clientSecret(INTROSPECTION_CLIENT_ID),
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: [],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: USER_FLOW_CLIENT_ID,
    client_secret: clientSecret(USER_FLOW_CLIENT_ID),
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [USER_FLOW_REDIRECT_URI],
  },
];

function parsePort(value) {
  if (value === undefined || value === '') {
    return 0;
  }

  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid PORT ${JSON.stringify(value)}: expected an integer from 0 to 65535`);
    process.exit(2);
  }

  return port;
}

// Creates a fresh RS256 signing key. The random kid changes on every start, so a restarted
// peer signs with a kid that the API has not cached yet.
function createSigningJwk() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: crypto.randomUUID(),
    alg: 'RS256',
    use: 'sig',
  };
}

function audienceList(aud) {
  if (aud === undefined) {
    return [];
  }

  return Array.isArray(aud) ? aud : [aud];
}

function createProvider(issuer) {
  const configuration = {
    clients: CLIENTS,
    jwks: { keys: [createSigningJwk()] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },

    // Every account id exists, so the login step accepts any subject.
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub };
        },
      };
    },

    pkce: {
      required: () => true,
    },

    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: true },

      introspection: {
        enabled: true,

        // A client may introspect its own tokens. The API's client may also introspect tokens
        // issued to other clients, but only those whose audience is the API.
        async allowedPolicy(ctx, caller, token) {
          if (token.clientId === caller.clientId) {
            return true;
          }

          if (caller.clientId === INTROSPECTION_CLIENT_ID) {
            return audienceList(token.aud).includes(API_AUDIENCE);
          }

          return false;
        },
      },

      resourceIndicators: {
        enabled: true,

        // A client credentials request must name its resource because a token without an
        // audience is of no use to any resource server here.
        async defaultResource(ctx, client, oneOf) {
          if (oneOf) {
            return oneOf;
          }

          if (ctx.oidc.route === 'token' && ctx.oidc.params.grant_type === 'client_credentials') {
            throw new errors.InvalidTarget(
              `resource parameter is missing, expected one of: ${Object.keys(RESOURCE_SERVERS).join(', ')}`,
            );
          }

          return undefined;
        },

        // The code exchange may omit `resource` when the authorization request named one.
        async useGrantedResource() {
          return true;
        },

        async getResourceServerInfo(ctx, resourceIndicator) {
          const resourceServer = RESOURCE_SERVERS[resourceIndicator];
          if (!resourceServer) {
            throw new errors.InvalidTarget(`unknown resource indicator ${resourceIndicator}`);
          }

          return resourceServer;
        },
      },
    },

    ttl: {
      AccessToken(ctx, token) {
        return token.resourceServer?.accessTokenTTL ?? 60 * 60;
      },
      ClientCredentials(ctx, token, client) {
        if (client.clientId === SHORT_LIVED_CLIENT_ID) {
          return SHORT_LIVED_TOKEN_TTL_SECONDS;
        }

        return token.resourceServer?.accessTokenTTL ?? 60 * 60;
      },
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      RefreshToken: 24 * 60 * 60,
      Interaction: 10 * 60,
      Session: 60 * 60,
      Grant: 60 * 60,
    },

    clientBasedCORS: () => false,

    // Errors on HTML routes (authorization, interactions) render as JSON, which tests can read.
    async renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },
  };

  const provider = new Provider(issuer, configuration);

  provider.on('server_error', (ctx, error) => {
    console.error(`server error on ${ctx.method} ${ctx.path}:`, error);
  });

  return provider;
}

// Minimal cookie jar for one user-token request: cookies keyed by name, sent to matching paths.
class CookieJar {
  #cookies = new Map();

  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);

      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, attributeValue = ''] = attribute.split('=');
        const lowerKey = key.toLowerCase();
        if (lowerKey === 'path') {
          path = attributeValue;
        } else if (lowerKey === 'expires' && Date.parse(attributeValue) <= Date.now()) {
          expired = true;
        } else if (lowerKey === 'max-age' && Number(attributeValue) <= 0) {
          expired = true;
        }
      }

      if (expired) {
        this.#cookies.delete(name);
      } else {
        this.#cookies.set(name, { value, path });
      }
    }
  }

  headerFor(url) {
    const { pathname } = new URL(url);
    return [...this.#cookies]
      .filter(([, cookie]) => pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }
}

function decodeHtmlAttribute(value) {
  return value
    .replaceAll('&amp;', '&')
    .replaceAll('&#x2F;', '/')
    .replaceAll('&#47;', '/')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'");
}

// Fills the form of a devInteractions page. The login form gets the account id and the
// consent form is submitted unchanged. Returns the URL and body to POST.
function fillInteractionForm(html, pageUrl, accountId) {
  const action = html.match(/<form[^>]*\saction="([^"]+)"/)?.[1];
  const prompt = html.match(/<input type="hidden" name="prompt" value="([^"]+)"/)?.[1];
  if (!action || !prompt) {
    throw new Error(`no interaction form found on ${pageUrl}`);
  }

  const form = new URLSearchParams({ prompt });
  if (prompt === 'login') {
    // The devInteractions login ignores the password.
    form.set('login', accountId);
    form.set('password', 'unused');
  } else if (prompt !== 'consent') {
    throw new Error(`unsupported interaction prompt ${prompt} on ${pageUrl}`);
  }

  return { url: new URL(decodeHtmlAttribute(action), pageUrl), body: form };
}

function base64url(buffer) {
  return buffer.toString('base64url');
}

// Runs the authorization code flow with PKCE over HTTP against this provider and returns the
// token endpoint's status and JSON body, or status 400 with the authorization error. The
// redirect to the client's redirect_uri is never followed because no server listens there.
// The code is read from its Location header instead.
async function requestUserToken(issuer, { accountId, resource, clientId, scope }) {
  const discoveryResponse = await fetch(`${issuer}/.well-known/openid-configuration`);
  const discovery = await discoveryResponse.json();

  const codeVerifier = base64url(crypto.randomBytes(32));
  const codeChallenge = base64url(crypto.createHash('sha256').update(codeVerifier).digest());
  const state = base64url(crypto.randomBytes(16));

  const authorizationUrl = new URL(discovery.authorization_endpoint);
  authorizationUrl.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: USER_FLOW_REDIRECT_URI,
    scope,
    resource,
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  }).toString();

  const jar = new CookieJar();
  let url = authorizationUrl;
  let body;
  let code;

  // Expected path: authorization, login page, login submit, resume, consent page,
  // consent submit, resume, redirect with code. The bound stops a redirect loop.
  const maxRequests = 16;
  for (let request = 0; request < maxRequests && code === undefined; request += 1) {
    const response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      body,
      headers: { cookie: jar.headerFor(url) },
      redirect: 'manual',
    });
    jar.store(response);

    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location'), url);

      if (location.href.startsWith(USER_FLOW_REDIRECT_URI)) {
        const error = location.searchParams.get('error');
        if (error) {
          // Passed through as the authorization server returned it, like a token endpoint error.
          const errorDescription = location.searchParams.get('error_description') ?? undefined;
          return { status: 400, json: { error, error_description: errorDescription } };
        }
        if (location.searchParams.get('state') !== state) {
          throw new Error('authorization response state does not match the request');
        }
        code = location.searchParams.get('code');
      } else if (location.origin !== issuer) {
        throw new Error(`unexpected redirect to ${location.href}, which is outside ${issuer}`);
      } else {
        url = location;
        body = undefined;
      }
    } else if (response.status === 200 && response.headers.get('content-type')?.startsWith('text/html')) {
      ({ url, body } = fillInteractionForm(await response.text(), url, accountId));
    } else if (
      response.status >= 400 && response.status < 500
      && response.headers.get('content-type')?.startsWith('application/json')
    ) {
      // Errors that cannot be redirected (unknown client, unregistered redirect_uri) render as
      // JSON through renderError.
      return { status: response.status, json: await response.json() };
    } else {
      throw new Error(`unexpected ${response.status} response from ${url}: ${await response.text()}`);
    }
  }

  if (!code) {
    throw new Error(`no authorization code after ${maxRequests} requests`);
  }

  const tokenResponse = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret(clientId)}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: USER_FLOW_REDIRECT_URI,
      code_verifier: codeVerifier,
      resource,
    }),
  });

  return { status: tokenResponse.status, json: await tokenResponse.json() };
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

// GET /test-support/user-token?sub=alice&resource=urn:oas-networks:api[&client_id=web-app][&scope=api]
// Sends the token endpoint's status and JSON for an end-user token whose `sub` is the account id.
async function handleUserTokenRequest(issuer, requestUrl, res) {
  const accountId = requestUrl.searchParams.get('sub');
  const resource = requestUrl.searchParams.get('resource');
  const clientId = requestUrl.searchParams.get('client_id') ?? USER_FLOW_CLIENT_ID;
  const scope = requestUrl.searchParams.get('scope') ?? 'api';

  if (!accountId || !resource) {
    sendJson(res, 400, {
      error: 'invalid_request',
      error_description: 'query parameters sub and resource are required',
    });
    return;
  }

  try {
    const { status, json } = await requestUserToken(issuer, {
      accountId, resource, clientId, scope,
    });
    sendJson(res, status, json);
  } catch (error) {
    console.error(`user-token flow failed for sub=${accountId} resource=${resource} client_id=${clientId}:`, error);
    sendJson(res, 500, { error: 'server_error', error_description: error.message });
  }
}

function main() {
  const port = parsePort(process.env.PORT);
  let issuer;
  let providerCallback;

  const server = http.createServer((req, res) => {
    if (!providerCallback) {
      sendJson(res, 503, {
        error: 'temporarily_unavailable',
        error_description: 'authorization server is starting, retry after the issuer line is printed',
      });
      return;
    }

    const requestUrl = new URL(req.url, issuer);
    if (req.method === 'GET' && requestUrl.pathname === '/test-support/user-token') {
      handleUserTokenRequest(issuer, requestUrl, res);
      return;
    }

    providerCallback(req, res);
  });

  server.on('error', (error) => {
    console.error(`cannot listen on ${HOST}:${port}:`, error.message);
    process.exit(1);
  });

  server.listen(port, HOST, () => {
    issuer = `http://${HOST}:${server.address().port}`;
    providerCallback = createProvider(issuer).callback();
    // Node does not line-buffer stdout, so the line needs no flush call.
    process.stdout.write(`${JSON.stringify({ issuer })}\n`);
  });

  // The test harness keeps a pipe open on stdin, so end of file means the harness is gone.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();

  process.on('SIGTERM', () => process.exit(0));
}

main();
