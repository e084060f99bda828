#!/usr/bin/env node
// SPDX-License-Identifier: ISC
//
// A development server for the console, for working on console/ without
// rebuilding custosd: serves console/ as custosd does (/, /console/*,
// /reset, with the same security headers and CSP) on loopback and proxies
// /v1/* to a running custosd.
//
//   build/custosd --data DIR --listen 127.0.0.1:8443 \
//       --public-url http://localhost:8080 &
//   node scripts/console-dev-server.mjs --upstream http://127.0.0.1:8443 \
//       --listen 8080
//
// Cookies, Origin and Sec-Fetch-* go through to custosd untouched;
// --public-url names this server's origin so that custosd's CSRF Origin
// check and WebAuthn origin match what the browser sees.
//
// --shim 1 (with --data DIR) stands in for cookie sessions in front of a
// custosd older than the console (before CONSOLE.md section 1): a login
// body's "session": "cookie" is taken out before forwarding, the token
// of the answer is kept here and the browser gets an HttpOnly cookie
// instead; GET /v1/session and POST /v1/auth/operator are answered here
// when custosd answers "no such endpoint" (the operator token checked
// against DIR/operator.token).  Loopback only; not for production.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i,
    all) => (v.startsWith('--') ? a.concat([[v.slice(2), all[i + 1]]]) :
    a), []));
const upstream = new URL(args.upstream || 'http://127.0.0.1:8443');
const port = Number(args.listen || 8080);
const root = path.resolve(args.root || path.join(here, '..', 'console'));
const dataDir = args.data || '';
const passthrough = !(args.shim && args.shim !== '0');

const TYPES = {'.html': 'text/html; charset=utf-8', '.js':
    'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
    '.png': 'image/png', '.json': 'application/json'};

const SECURITY = {
	'Content-Security-Policy': "default-src 'none'; script-src 'self'; " +
	    "style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	'X-Frame-Options': 'DENY',
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Permissions-Policy': 'publickey-credentials-get=(self), ' +
	    'publickey-credentials-create=(self), camera=(), microphone=(), ' +
	    'geolocation=()',
};

const sessions = new Map();   // cookie value -> {token, info}

function send(res, status, body, type, extra = {}) {
	res.writeHead(status, Object.assign({'Content-Type': type,
	    'Cache-Control': 'no-cache'}, SECURITY, extra));
	res.end(body);
}

function json(res, status, doc, extra) {
	send(res, status, JSON.stringify(doc), 'application/json', extra);
}

function serveFile(res, rel) {
	const p = path.resolve(root, rel);
	if (!p.startsWith(root + path.sep) || rel.includes('\0'))
		return json(res, 404, {error: {code: 'not_found',
		    message: 'no such file'}});
	fs.readFile(p, (err, data) => {
		if (err)
			return json(res, 404, {error: {code: 'not_found',
			    message: 'no such file'}});
		send(res, 200, data, TYPES[path.extname(p)] ||
		    'application/octet-stream');
	});
}

function cookieOf(req) {
	const c = req.headers.cookie || '';
	const m = /(?:^|;\s*)custos_session=([^;]+)/.exec(c);
	return m ? m[1] : null;
}

function upstreamCall(method, p, headers, body) {
	return new Promise((resolve, reject) => {
		const r = http.request({host: upstream.hostname,
		    port: upstream.port, method, path: p, headers}, (ur) => {
			const chunks = [];
			ur.on('data', (c) => chunks.push(c));
			ur.on('end', () => resolve({status: ur.statusCode,
			    headers: ur.headers, body: Buffer.concat(chunks)}));
		});
		r.on('error', reject);
		if (body && body.length)
			r.write(body);
		r.end();
	});
}

function noSuchEndpoint(u) {
	if (u.status !== 404)
		return false;
	try {
		return /no such endpoint/.test(JSON.parse(u.body).error.message);
	} catch (e) {
		return false;
	}
}

async function whoIs(info, token) {
	// The session's kind and id, asked of custosd with the session's own
	// token when the login did not say (a tenant login names only the
	// username): an admin may list the tenant's users, a user may not.
	if (info.kind !== 'tenant')
		return info;
	const u = await upstreamCall('GET', '/v1/tenants/' +
	    encodeURIComponent(info.tenant) + '/users', {Authorization:
	    'Bearer ' + token});
	try {
		const me = JSON.parse(u.body).users.find((x) => x.username ===
		    info.username);
		return Object.assign({}, info, {kind: 'tenant_admin',
		    id: me.id});
	} catch (e) {
		return Object.assign({}, info, {kind: 'tenant_user',
		    id: info.username});
	}
}

async function pass(req, res, body) {
	const headers = {};
	for (const k of ['content-type', 'accept', 'x-csrf-token', 'cookie',
	    'origin', 'authorization', 'sec-fetch-site', 'sec-fetch-mode',
	    'sec-fetch-dest'])
		if (req.headers[k])
			headers[k] = req.headers[k];
	headers['content-length'] = String(body.length);
	const u = await upstreamCall(req.method, req.url, headers, body);
	const extra = {};
	for (const k of ['set-cookie', 'retry-after', 'etag'])
		if (u.headers[k])
			extra[k] = u.headers[k];
	send(res, u.status, u.body, u.headers['content-type'] ||
	    'application/json', extra);
}

async function proxy(req, res, body) {
	if (passthrough)
		return pass(req, res, body);
	const u0 = new URL(req.url, 'http://x');
	const headers = {};
	for (const k of ['content-type', 'accept', 'x-csrf-token'])
		if (req.headers[k])
			headers[k] = req.headers[k];
	const cookie = cookieOf(req);
	const sess = cookie ? sessions.get(cookie) : null;
	if (req.headers.authorization)
		headers.authorization = req.headers.authorization;
	else if (sess)
		headers.authorization = 'Bearer ' + sess.token;
	let doc = null, wantsCookie = false;
	if (body.length && /json/.test(req.headers['content-type'] || '')) {
		try {
			doc = JSON.parse(body);
		} catch (e) {
			doc = null;
		}
		if (doc && doc.session === 'cookie') {
			wantsCookie = true;
			delete doc.session;
			body = Buffer.from(JSON.stringify(doc));
		}
	}
	headers['content-length'] = String(body.length);
	// The operator token sign-in, until custosd has it.
	if (req.method === 'POST' && u0.pathname === '/v1/auth/operator') {
		const u = await upstreamCall('POST', req.url, headers, body);
		if (!noSuchEndpoint(u))
			return relay(res, u, wantsCookie, null);
		const want = dataDir ? fs.readFileSync(path.join(dataDir,
		    'operator.token'), 'utf8').trim() : null;
		if (!doc || !doc.token || (want && doc.token !== want))
			return json(res, 401, {error: {code: 'unauthorized',
			    message: 'invalid credentials'}});
		return relay(res, {status: 200, headers: {},
		    body: Buffer.from(JSON.stringify({token: doc.token,
		    expires_at: null}))}, true, {kind: 'operator',
		    id: 'operator', username: 'operator'});
	}
	if (req.method === 'GET' && u0.pathname === '/v1/session') {
		const u = await upstreamCall('GET', req.url, headers, body);
		if (!noSuchEndpoint(u))
			return relay(res, u, false, null);
		if (!sess)
			return json(res, 401, {error: {code: 'unauthorized',
			    message: 'not signed in'}});
		const info = await whoIs(sess.info, sess.token);
		sess.info = info;
		return json(res, 200, Object.assign({passkeys: 0,
		    csrf: sess.csrf, session: 'dev'}, info));
	}
	if (req.method === 'POST' && u0.pathname === '/v1/auth/logout' && sess) {
		sessions.delete(cookie);
		const u = await upstreamCall('POST', req.url, headers, body);
		return relay(res, u, false, null, true);
	}
	const u = await upstreamCall(req.method, req.url, headers, body);
	let info = null;
	const m = /^\/v1\/tenants\/([^/]+)\/auth\/login$/.exec(u0.pathname);
	if (m && doc)
		info = {kind: 'tenant', tenant: decodeURIComponent(m[1]),
		    username: doc.username};
	return relay(res, u, wantsCookie, info);
}

function relay(res, u, wantsCookie, info, clear) {
	const extra = {};
	let out = u.body;
	if (wantsCookie && u.status === 200) {
		try {
			const d = JSON.parse(u.body);
			if (d.token) {
				const c = crypto.randomBytes(24).toString('base64url');
				sessions.set(c, {token: d.token, csrf:
				    crypto.randomBytes(16).toString('hex'),
				    info: info || {kind: d.kind, id: d.id,
				    tenant: d.tenant, username: d.username}});
				delete d.token;
				d.session = 'cookie';
				extra['Set-Cookie'] = 'custos_session=' + c +
				    '; HttpOnly; SameSite=Strict; Path=/';
				out = Buffer.from(JSON.stringify(d));
			}
		} catch (e) {
			// not JSON: passed on as is
		}
	}
	if (clear)
		extra['Set-Cookie'] = 'custos_session=; HttpOnly; ' +
		    'SameSite=Strict; Path=/; Max-Age=0';
	const type = u.headers['content-type'] || 'application/json';
	const more = {};
	if (u.headers['retry-after'])
		more['Retry-After'] = u.headers['retry-after'];
	send(res, u.status, out, type, Object.assign(more, extra));
}

// POST /__dev/session {token, kind, id, username, tenant?, vendor?}: a
// cookie session for a bearer token made elsewhere (e.g. an engineer's,
// whose login needs the device key), so that its pages can be looked at
// before passkeys land.  Development only.
function devSession(res, body) {
	let d;
	try {
		d = JSON.parse(body);
	} catch (e) {
		return json(res, 400, {error: {code: 'bad_request',
		    message: 'JSON body'}});
	}
	const c = crypto.randomBytes(24).toString('base64url');
	const info = Object.assign({}, d);
	delete info.token;
	sessions.set(c, {token: d.token, csrf: crypto.randomBytes(16)
	    .toString('hex'), info});
	json(res, 200, {session: 'cookie'}, {'Set-Cookie': 'custos_session=' +
	    c + '; HttpOnly; SameSite=Strict; Path=/'});
}

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', async () => {
		const url = new URL(req.url, 'http://x');
		try {
			if (url.pathname === '/__dev/session' &&
			    req.method === 'POST')
				return devSession(res, Buffer.concat(chunks));
			if (url.pathname.startsWith('/v1/'))
				return await proxy(req, res, Buffer.concat(chunks));
			if (req.method !== 'GET' && req.method !== 'HEAD')
				return json(res, 405, {error: {code: 'bad_request',
				    message: 'method not allowed'}});
			if (url.pathname === '/')
				return serveFile(res, 'index.html');
			if (url.pathname === '/reset')
				return serveFile(res, 'reset.html');
			if (url.pathname.startsWith('/console/'))
				return serveFile(res, decodeURIComponent(
				    url.pathname.slice('/console/'.length)));
			return json(res, 404, {error: {code: 'not_found',
			    message: 'no such page'}});
		} catch (e) {
			json(res, 502, {error: {code: 'internal',
			    message: 'upstream: ' + e.message}});
		}
	});
});

server.listen(port, '127.0.0.1', () => {
	process.stdout.write('console on http://localhost:' + port +
	    '/ -> ' + upstream.href + '\n');
});
