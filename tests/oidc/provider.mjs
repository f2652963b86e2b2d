// The OpenID provider that the platform's sign-in tests run against: the `oidc-provider`
// package (not written by this project), configured with the platform's test clients (citizens'
// and a tenant's officials'), a few citizen accounts whose claims include the citizen identity
// number and the level of assurance, a few officials' accounts,
// and a scripted login and consent (plain HTML forms the tests post to).
//
// Started by tests/support/oidc.rs on a free loopback port. Environment:
//   REDIRECT_URIS  comma-separated redirect URIs of the test clients (the tenant hosts' callbacks)
// `POST /_test/tamper` with `mode=...` makes the token endpoint alter the ID tokens it issues, to
// test the relying party's checks within a real flow: `payload` (change a claim, keep the
// signature), `nonce`, `expired` or `audience` (re-signed with the real key); `mode=` stops it.
// Prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"}, once it listens, and exits when
// its standard input closes (so that it never outlives the test that started it).

import http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const redirectUris = (process.env.REDIRECT_URIS ?? '').split(',').filter(Boolean);
let tamper = '';

const SECRET = 'motcua-test-secret';

const accounts = {
  'nguyen-van-an': { name: 'Nguyễn Văn An', citizen_id: '038095001234', acr: 'LoA2' },
  'tran-thi-binh': { name: 'Trần Thị Bình', citizen_id: '079190000123', acr: 'LoA2' },
  'le-hoang-cuong': { name: 'Lê Hoàng Cường', citizen_id: '001203004567', acr: 'LoA1' },
  // Officials at a tenant's own provider (the `motcua-officials` client): named to the platform
  // by `preferred_username` or `email`. `sso-impostor` claims the username of `sso-lan` under
  // another subject; `sso-lan-weak` is `sso-lan`'s username signed in at a lower level.
  'sso-lan': { name: 'Nguyễn Thị Lan', preferred_username: 'lan.nguyen', email: 'lan.nguyen@thanhhoa.gov.vn', acr: 'LoA2' },
  'sso-lan-en': { name: 'Nguyễn Thị Lan', preferred_username: 'lan.en', acr: 'LoA2' },
  'sso-impostor': { name: 'Giả Danh', preferred_username: 'lan.nguyen', acr: 'LoA2' },
  'sso-lan-weak': { name: 'Nguyễn Thị Lan', preferred_username: 'lan.nguyen', acr: 'LoA1' },
  'sso-minh': { name: 'Trần Văn Minh', preferred_username: 'minh.tran', acr: 'LoA2' },
  'sso-stranger': { name: 'Người Lạ', preferred_username: 'khong.co.ai', acr: 'LoA2' },
};

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const keys = {};
for (const [kid, alg] of [['rs-1', 'RS256'], ['es-1', 'ES256']]) {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  keys[kid] = { privateKey, jwk: { ...(await jose.exportJWK(privateKey)), kid, alg, use: 'sig' } };
}

const client = (clientId, alg, auth) => ({
  client_id: clientId,
  client_secret: SECRET,
  redirect_uris: redirectUris,
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: auth,
  id_token_signed_response_alg: alg,
});

const provider = new Provider(issuer, {
  clients: [
    client('motcua-rs256', 'RS256', 'client_secret_basic'),
    client('motcua-es256', 'ES256', 'client_secret_post'),
    client('motcua-officials', 'RS256', 'client_secret_basic'),
  ],
  jwks: { keys: Object.values(keys).map((k) => k.jwk) },
  cookies: { keys: ['motcua-test-cookie-key'] },
  claims: { openid: ['sub'], profile: ['name', 'citizen_id', 'preferred_username'], email: ['email'] },
  acrValues: ['LoA1', 'LoA2'],
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { name, citizen_id, preferred_username, email } = account;
        return { sub, name, citizen_id, preferred_username, email };
      },
    };
  },
});

// Fault injection on the token endpoint's answer.
async function altered(idToken) {
  const [h, p, s] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  if (tamper === 'payload') {
    payload.sub = 'someone-else';
    return [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
  }
  if (tamper === 'nonce') payload.nonce = 'not-the-nonce-of-this-sign-in';
  if (tamper === 'expired') {
    payload.iat -= 3600;
    payload.exp = Math.floor(Date.now() / 1000) - 600;
  }
  if (tamper === 'audience') payload.aud = 'another-client';
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header)
    .sign(keys[header.kid].privateKey);
}

provider.use(async (ctx, next) => {
  await next();
  if (tamper && ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: await altered(ctx.body.id_token) };
  }
});

const page = (title, body) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const { prompt, params, session } = details;
  if (action === 'abort' && req.method === 'POST') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
  }
  if (action === 'login' && req.method === 'POST') {
    const login = (await readForm(req)).get('login');
    const account = accounts[login];
    if (!account) {
      res.statusCode = 400;
      return res.end(page('Unknown account', ''));
    }
    return provider.interactionFinished(req, res, {
      login: { accountId: login, acr: account.acr, amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm' && req.method === 'POST') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, {
      consent: details.grantId ? {} : { grantId },
    }, { mergeWithLastSubmission: true });
  }
  if (action === '' && req.method === 'GET') {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    const abort = `<form method="post" action="/interaction/${uid}/abort"><button>Cancel</button></form>`;
    if (prompt.name === 'login') {
      return res.end(page('Sign in', `<form method="post" action="/interaction/${uid}/login"><input name="login"><button>Sign in</button></form>${abort}`));
    }
    return res.end(page('Consent', `<form method="post" action="/interaction/${uid}/confirm"><button>Allow</button></form>${abort}`));
  }
  res.statusCode = 405;
  return res.end();
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  if (req.method === 'POST' && req.url === '/_test/tamper') {
    tamper = (await readForm(req)).get('mode') ?? '';
    res.statusCode = 204;
    return res.end();
  }
  const match = /^\/interaction\/([^/?]+)(?:\/(login|confirm|abort))?(?:\?.*)?$/.exec(req.url);
  if (!match) return callback(req, res);
  try {
    await interaction(req, res, match[1], match[2] ?? '');
  } catch (err) {
    console.error(err);
    res.statusCode = 400;
    res.end(page('Interaction failed', String(err.message)));
  }
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
