// A real, certified OpenID provider (panva/oidc-provider) for tokentray's
// end-to-end tests. It listens on 127.0.0.1 only, on a free port, and prints
// one JSON line {"issuer": "..."} on standard output once it accepts
// connections. Configuration comes from the environment so each test can pick
// lifetimes:
//   ACCESS_TTL   access-token lifetime in seconds (default 120)
//   PORT         fixed port (default 0: any free port)
//   CLIENT_JWKS  public keys (a JWKS) of the "keyed" client
//   DEVICE_TTL   device-code lifetime in seconds (default 600)
//
// Clients (all PKCE S256, refresh tokens rotate on every use, reuse of a
// rotated refresh token revokes the whole grant):
//   public  token_endpoint_auth_method none
//   basic   client_secret_basic, secret "basic-secret"
//   post    client_secret_post,  secret "post-secret"
//   jwt     none; its access tokens are JWTs for https://api.example.test
// Each may also sign in with a device code (RFC 8628; the provider's own
// /device page, where a browser enters the code). Machine clients (client
// credentials, no person, no refresh token):
//   machine client_secret_basic, secret "machine-secret"
//   keyed   private_key_jwt with the keys in CLIENT_JWKS
//
// GET /test/stats answers counters the tests assert on: token-endpoint calls
// by grant type, refresh-token reuse detections, successful revocation
// requests, grants revoked (by revocation or by reuse detection).
import http from 'node:http';
import Provider, { errors } from 'oidc-provider';

const accessTTL = Number(process.env.ACCESS_TTL || 120);
const port = Number(process.env.PORT || 0);

const stats = { token: {}, reuse: 0, revoked: 0, grantsRevoked: 0, grantErrors: {} };

const loopbackRedirects = ['http://127.0.0.1/callback', 'http://localhost/', 'http://localhost/callback', 'http://[::1]/callback'];
const deviceTTL = Number(process.env.DEVICE_TTL || 600);
const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';
const common = {
  grant_types: ['authorization_code', 'refresh_token', deviceGrant],
  response_types: ['code'],
  application_type: 'native',
  redirect_uris: loopbackRedirects,
};

const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      { ...common, client_id: 'public', token_endpoint_auth_method: 'none' },
      { ...common, client_id: 'basic', client_secret: 'basic-secret', token_endpoint_auth_method: 'client_secret_basic' },
      { ...common, client_id: 'post', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post' },
      // Its access tokens are JWTs for https://api.example.test (RFC 9068).
      { ...common, client_id: 'jwt', token_endpoint_auth_method: 'none' },
      { client_id: 'machine', client_secret: 'machine-secret', token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api' },
      ...(process.env.CLIENT_JWKS ? [{ client_id: 'keyed', token_endpoint_auth_method: 'private_key_jwt',
        jwks: JSON.parse(process.env.CLIENT_JWKS), grant_types: ['client_credentials'], response_types: [],
        redirect_uris: [], scope: 'api' }] : []),
    ],
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, email: `${sub}@example.test`, email_verified: true, name: `Test ${sub}` };
        },
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'api'],
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, client) => (client && client.clientId === 'jwt' ? 'https://api.example.test' : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'api', audience: 'https://api.example.test', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: accessTTL,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
      Interaction: 3600,
      AuthorizationCode: 60,
      DeviceCode: deviceTTL,
      ClientCredentials: accessTTL,
    },
    cookies: { keys: ['tokentray-test-only-cookie-key'] },
  });
  provider.proxy = false;

  provider.on('grant.success', (ctx) => {
    const gt = ctx.oidc.params.grant_type;
    stats.token[gt] = (stats.token[gt] || 0) + 1;
  });
  provider.on('grant.error', (ctx, err) => {
    // The answer's error_description is generic; error_detail says why.
    const detail = err.error_detail || err.error_description;
    const key = `${err.error}: ${detail}`;
    stats.grantErrors[key] = (stats.grantErrors[key] || 0) + 1;
    if (err instanceof errors.InvalidGrant && /already used/.test(detail)) stats.reuse += 1;
  });
  provider.on('grant.revoked', () => { stats.grantsRevoked += 1; });

  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === '/test/stats') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(stats));
      return;
    }
    if (req.method === 'POST' && req.url === '/token/revocation') {
      res.on('finish', () => { if (res.statusCode === 200) stats.revoked += 1; });
    }
    callback(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => process.exit(0));
