// SPDX-License-Identifier: ISC
// Security of what custosd serves to a browser: the headers on every page,
// asset and answer (CSP, framing, sniffing, referrer, opener, HSTS under
// TLS), no inline script or style in any served HTML (parsed by
// Chromium's own parser), framing by another origin refused in a real
// browser, the session cookie's flags (HttpOnly, SameSite=Strict, Secure
// and __Host- under TLS; invisible to script), and CSRF refused: a
// cookie-authenticated write without X-CSRF-Token, with a wrong one, from
// a foreign Origin or a cross-site fetch is 403 and changes nothing, and
// a real cross-site page cannot approve with the admin's browser.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import * as h from './harness.mjs';

const CSP = {
	'default-src': ["'none'"],
	'script-src': ["'self'"],
	'style-src': ["'self'"],
	'img-src': ["'self'", 'data:'],
	'connect-src': ["'self'"],
	'form-action': ["'self'"],
	'frame-ancestors': ["'none'"],
	'base-uri': ["'none'"],
};

function parseCsp(v) {
	assert.ok(v, 'no Content-Security-Policy header');
	const out = {};
	for (const part of v.split(';')) {
		const [name, ...vals] = part.trim().split(/\s+/);
		if (name)
			out[name.toLowerCase()] = vals;
	}
	return out;
}

// The headers every answer carries (pages, assets, API, errors).
function assertHeaders(r, what, { tls = false, page = true } = {}) {
	const hd = r.headers;
	const csp = parseCsp(hd['content-security-policy']);
	if (page) {
		assert.deepEqual(csp, CSP, `${what}: CSP ${hd['content-security-policy']}`);
	} else {
		// An API answer may be stricter, never looser.
		assert.deepEqual(csp['default-src'], ["'none'"], `${what}: ${hd['content-security-policy']}`);
		assert.deepEqual(csp['frame-ancestors'], ["'none'"], `${what}: ${hd['content-security-policy']}`);
	}
	assert.doesNotMatch(hd['content-security-policy'], /unsafe-|\*|https?:/,
	    `${what}: CSP allows too much`);
	assert.equal(hd['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
	assert.equal(hd['x-content-type-options'], 'nosniff', `${what}: nosniff`);
	assert.equal(hd['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
	assert.equal(hd['cross-origin-opener-policy'], 'same-origin', `${what}: COOP`);
	assert.ok(hd['permissions-policy'], `${what}: no Permissions-Policy`);
	if (tls)
		assert.match(hd['strict-transport-security'] || '', /max-age=\d{6,}/, `${what}: HSTS`);
	else
		assert.equal(hd['strict-transport-security'], undefined, `${what}: HSTS over plain HTTP`);
}

// Every console file reachable from the pages: <script src>, <link href>,
// <img src>, and JS modules' static and dynamic imports.
async function crawl(d, pages) {
	const seen = new Map();
	const todo = [...pages];
	while (todo.length) {
		const p = todo.shift();
		if (seen.has(p))
			continue;
		const r = await d.call('GET', p);
		seen.set(p, r);
		assert.equal(r.status, 200, `${p}: ${r}`);
		const base = new URL(p, d.url);
		const refs = [];
		if (/html/.test(r.headers['content-type'] || ''))
			for (const m of r.text.matchAll(/<(?:script|link|img)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']/gi))
				refs.push(m[1]);
		if (/javascript/.test(r.headers['content-type'] || ''))
			for (const m of r.text.matchAll(/\b(?:import|export)\s*(?:[^'"`;]*?\bfrom\s*)?["']([^"']+\.m?js)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g))
				refs.push(m[1] || m[2]);
		if (/css/.test(r.headers['content-type'] || ''))
			for (const m of r.text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g))
				refs.push(m[1]);
		for (const ref of refs) {
			if (ref.startsWith('data:') || ref.startsWith('#'))
				continue;
			const u = new URL(ref, base);
			assert.equal(u.origin, new URL(d.url).origin, `${p} loads ${ref} from another origin`);
			todo.push(u.pathname + u.search);
		}
	}
	return seen;
}

describe('security headers, inline code, framing, cookies, CSRF', () => {
	let d, w, b;

	before(async () => {
		d = await h.Daemon.start();
		w = await h.seedWorld(d);
		b = await h.Browser.launch();
	});
	after(async () => {
		await b?.close();
		if (d)
		assert.equal(await d.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
	});

	test('every page and asset carries the CSP and the other headers', async () => {
		// Every file of console/ (what CMake builds into custosd), found
		// from the pages or asked for by name.
		const files = [];
		const walk = (dir) => {
			for (const f of fs.readdirSync(dir, { withFileTypes: true }))
				f.isDirectory() ? walk(path.join(dir, f.name)) : files.push(path.join(dir, f.name));
		};
		walk(path.join(h.ROOT, 'console'));
		const start = ['/', '/reset', '/reset?token=x',
		    ...files.map((f) => `/console/${path.relative(path.join(h.ROOT, 'console'), f)}`)];
		const served = await crawl(d, start);
		assert.ok(files.length >= 5, `console/ holds ${files.length} files`);
		const kinds = new Set();
		for (const [p, r] of served) {
			assertHeaders(r, p);
			const ct = r.headers['content-type'] || '';
			if (/\.m?js$/.test(p))
				assert.match(ct, /^(text|application)\/javascript/, `${p}: ${ct}`);
			else if (/\.css$/.test(p))
				assert.match(ct, /^text\/css/, `${p}: ${ct}`);
			else if (/\.svg$/.test(p))
				assert.match(ct, /^image\/svg\+xml/, `${p}: ${ct}`);
			kinds.add(ct.split(';')[0]);
		}
		// The console is more than one page: its script and style came too.
		assert.ok(kinds.has('text/html') && kinds.has('text/css') &&
		    [...kinds].some((k) => /javascript/.test(k)), `served: ${[...served.keys()]}`);
		// An unknown asset is a 404 that is just as strict.
		const nope = await d.call('GET', '/console/js/no-such-file.js');
		assert.equal(nope.status, 404, `${nope}`);
		assertHeaders(nope, 'unknown asset', { page: false });
	});

	test('API answers and errors carry the headers too', async () => {
		const { token } = await h.engineerLogin(w);
		const answers = {
			health: await d.call('GET', '/v1/health'),
			checkpoint: await d.call('GET', '/v1/log/checkpoint'),
			unauthorized: await d.call('GET', '/v1/tenants/acme/users'),
			forbidden: await d.call('GET', '/v1/tenants/acme/export', { token }),
			notFound: await d.call('GET', '/v1/no-such-route'),
			badRequest: await d.call('POST', '/v1/auth/login', { raw: '{' }),
		};
		for (const [k, r] of Object.entries(answers))
			assertHeaders(r, k, { page: false });
	});

	test('no inline script, style or handler in any served HTML', async () => {
		const served = await crawl(d, ['/', '/reset']);
		const pg = await b.person(d, 'parser', { authenticator: false });
		try {
			await pg.goto('/console/css/console.css').catch(() => {});
			let n = 0;
			for (const [p, r] of served) {
				if (!/html/.test(r.headers['content-type'] || ''))
					continue;
				n++;
				// Chromium's HTML parser, not a regexp: what a browser
				// would run is what is checked.
				const bad = await pg.page.evaluate((html) => {
					const doc = new DOMParser().parseFromString(html, 'text/html');
					const out = [];
					for (const s of doc.querySelectorAll('script')) {
						if (!s.getAttribute('src'))
							out.push(`inline <script>: ${s.textContent.slice(0, 60)}`);
						else if (s.textContent.trim())
							out.push('<script src> with a body');
					}
					for (const s of doc.querySelectorAll('style'))
						out.push(`<style>: ${s.textContent.slice(0, 60)}`);
					for (const el of doc.querySelectorAll('*')) {
						for (const a of el.attributes) {
							if (/^on/i.test(a.name))
								out.push(`<${el.localName} ${a.name}>`);
							if (a.name === 'style')
								out.push(`<${el.localName} style="${a.value}">`);
							if (/^\s*javascript:/i.test(a.value))
								out.push(`<${el.localName} ${a.name}="${a.value}">`);
						}
					}
					for (const l of doc.querySelectorAll('link[href], script[src], img[src]')) {
						const u = l.getAttribute('href') || l.getAttribute('src');
						if (/^(https?:)?\/\//i.test(u))
							out.push(`external resource ${u}`);
					}
					return out;
				}, r.text);
				assert.deepEqual(bad, [], `${p} has inline code`);
			}
			assert.ok(n >= 2, 'the console page and the reset page are HTML');
		} finally {
			await pg.close();
		}
	});

	test('another origin cannot frame the console', async () => {
		// The attacker's page: another origin (127.0.0.1, not localhost)
		// framing the console.
		const evil = http.createServer((req, res) => {
			res.setHeader('Content-Type', 'text/html');
			res.end(`<!doctype html><title>evil</title><iframe id="f" src="${d.url}/"></iframe>`);
		});
		await new Promise((r) => evil.listen(0, '127.0.0.1', r));
		const pg = await b.person(d, 'framed', { authenticator: false });
		try {
			await pg.page.goto(`http://127.0.0.1:${evil.address().port}/`);
			await pg.page.waitForLoadState('load');
			await h.sleep(500);
			const frames = pg.page.frames().filter((f) => f !== pg.page.mainFrame());
			assert.equal(frames.length, 1);
			// A refused frame shows Chromium's error page, never the console.
			const u = frames[0].url();
			assert.ok(!u.startsWith(d.url), `the console loaded in a frame: ${u}`);
			const text = await frames[0].evaluate(() => document.body?.innerText || '').catch(() => '');
			assert.doesNotMatch(text, /custos/i);
		} finally {
			await pg.close();
			evil.close();
		}
	});

	test('the session cookie is HttpOnly, SameSite=Strict, not Secure over HTTP, and gives script no token', async () => {
		const logins = {
			tenant: await h.tenantLogin(w, w.admin, { cookie: true }),
			engineer: await h.engineerLogin(w, { cookie: true }),
			operator: await (async () => {
				const r = await d.call('POST', '/v1/auth/operator', { body: {
				    token: d.operator, session: 'cookie' } });
				return { res: r, body: h.ok(r, 200), setCookie: (r.headers['set-cookie'] || [])[0] };
			})(),
		};
		for (const [k, s] of Object.entries(logins)) {
			assert.ok(s.setCookie, `${k}: no Set-Cookie`);
			const [nv, ...attrs] = s.setCookie.split(';').map((x) => x.trim());
			const a = attrs.map((x) => x.toLowerCase());
			assert.match(nv, /^custos_session=[^;]+$/, `${k}: ${s.setCookie}`);
			assert.ok(a.includes('httponly'), `${k}: not HttpOnly: ${s.setCookie}`);
			assert.ok(a.includes('samesite=strict'), `${k}: not SameSite=Strict: ${s.setCookie}`);
			assert.ok(a.includes('path=/'), `${k}: ${s.setCookie}`);
			assert.ok(!a.includes('secure'), `${k}: Secure over plain HTTP: ${s.setCookie}`);
			assert.ok(!a.some((x) => x.startsWith('domain=')), `${k}: Domain set: ${s.setCookie}`);
			assert.ok(a.some((x) => /^max-age=\d+$/.test(x)), `${k}: no Max-Age: ${s.setCookie}`);
			// The token never reaches script: no token field in the answer.
			assert.equal(s.body.token, undefined, `${k}: the answer carries the token`);
			// It says the session went to a cookie (CONSOLE.md: "session":
			// "cookie"; main answers "cookie": true and the session's id).
			assert.ok(s.body.session === 'cookie' || s.body.cookie === true, `${k}: ${JSON.stringify(s.body)}`);
			assert.doesNotMatch(s.res.text, new RegExp(nv.split('=')[1]), `${k}: the body holds the cookie's value`);
		}
		// In the browser: the cookie is there, and document.cookie does
		// not show it.
		const pg = await b.person(d, 'cookie', { authenticator: false });
		try {
			const [name, value] = logins.tenant.cookie.split('=');
			await pg.ctx.addCookies([{ name, value, url: d.url, httpOnly: true, sameSite: 'Strict' }]);
			await pg.goto('/');
			const session = await pg.page.evaluate(async () =>
			    (await fetch('/v1/session', { credentials: 'same-origin' })).json());
			assert.equal(session.kind, 'tenant_admin', JSON.stringify(session));
			assert.equal(session.token, undefined);
			assert.doesNotMatch(await pg.page.evaluate(() => document.cookie), /custos_session/);
			assert.doesNotMatch(JSON.stringify(session), new RegExp(value));
		} finally {
			await pg.close();
		}
	});

	test('CSRF: cookie-authenticated writes need the token, our origin, and no cross-site fetch', async () => {
		const s = await h.tenantLogin(w, w.admin, { cookie: true });
		const csrf = h.ok(await d.call('GET', '/v1/session', { cookie: s.cookie }), 200).csrf;
		assert.ok(csrf && csrf.length >= 16, `csrf: ${csrf}`);
		const path = `/v1/tenants/${w.tenant}/support-policy`;
		const body = { support_policy: 'auto_approve' };
		const tries = {
			'no token': {},
			'wrong token': { 'X-CSRF-Token': csrf.slice(0, -2) + (csrf.endsWith('AA') ? 'BB' : 'AA') },
			'foreign Origin': { 'X-CSRF-Token': csrf, Origin: 'http://evil.example' },
			'our host over another port': { 'X-CSRF-Token': csrf, Origin: 'http://localhost:1' },
			'null Origin': { 'X-CSRF-Token': csrf, Origin: 'null' },
			'cross-site fetch': { 'X-CSRF-Token': csrf, 'Sec-Fetch-Site': 'cross-site' },
		};
		for (const [k, headers] of Object.entries(tries)) {
			const before = await d.logSize();
			const r = await d.call('PUT', path, { body, cookie: s.cookie, headers });
			assert.equal(r.status, 403, `${k}: ${r}`);
			assert.equal(r.body?.error?.code, 'forbidden', `${k}: ${r}`);
			// Recorded, as a refusal for csrf.
			const es = (await d.entries(before)).map((e) => e.event);
			assert.ok(es.some((e) => e.outcome === 'denied' && e.reason === 'csrf'),
			    `${k}: no denied/csrf entry in ${JSON.stringify(es)}`);
		}
		const policy = await d.call('GET', path, { cookie: s.cookie });
		assert.equal(policy.status, 200, `${policy}`);
		assert.equal(policy.body.support_policy, 'approval_required', 'a refused call changed the policy');
		// The same call made properly passes the CSRF checks (so the
		// refusals above are for CSRF, not for something else): it reaches
		// the handler, where a tenant admin's change by cookie needs a
		// passkey step-up (test_passkeys.py AdminChangesStepUp).
		const good = await d.call('PUT', path, { body: { support_policy: 'approval_required' },
		    cookie: s.cookie, headers: { 'X-CSRF-Token': csrf, Origin: d.url, 'Sec-Fetch-Site': 'same-origin' } });
		assert.equal(good.status, 403, `${good}`);
		assert.equal(good.body?.error?.code, 'step_up_required', `${good}`);
		// A POST too: denying a request with the cookie but no token, or
		// from a foreign Origin, is refused and leaves it pending.
		const eng = await h.engineerLogin(w);
		const id = await h.requestAccess(w, eng.token);
		for (const headers of [{}, { 'X-CSRF-Token': csrf, Origin: 'http://evil.example' }]) {
			const r = await d.call('POST', `/v1/tenants/${w.tenant}/access-requests/${id}/deny`,
			    { body: {}, cookie: s.cookie, headers });
			assert.equal(r.status, 403, `POST ${JSON.stringify(headers)}: ${r}`);
		}
		assert.equal(h.ok(await d.op('GET', `/v1/access-requests/${id}`), 200).state, 'pending');
		// A bearer caller (the CLI) needs no CSRF token.
		const bearer = await h.tenantLogin(w, w.admin2);
		const r = await d.call('PUT', path, { body: { support_policy: 'approval_required' }, token: bearer.token });
		assert.equal(r.status, 200, `${r}`);
	});

	test('CSRF in a real browser: a cross-site page cannot approve with the admin\'s cookie', async () => {
		const eng = await h.engineerLogin(w);
		const id = await h.requestAccess(w, eng.token);
		const s = await h.tenantLogin(w, w.admin, { cookie: true });
		const approve = `${d.url}/v1/tenants/${w.tenant}/access-requests/${id}/approve`;
		const evil = http.createServer((req, res) => {
			res.setHeader('Content-Type', 'text/html');
			// A form post (what CSRF classically is) and a no-cors fetch.
			res.end(`<!doctype html><title>win a prize</title>
<form id="f" method="POST" action="${approve}" enctype="text/plain" target="sink">
<input name='{"minutes":60,"x":"' value='"}'></form><iframe name="sink"></iframe>
<script>
fetch(${JSON.stringify(approve)}, {method: 'POST', mode: 'no-cors', credentials: 'include',
  headers: {'Content-Type': 'text/plain'}, body: '{"minutes":60}'}).finally(() =>
  document.getElementById('f').submit());
</script>`);
		});
		await new Promise((r) => evil.listen(0, '127.0.0.1', r));
		const victim = await b.person(d, 'victim', { authenticator: false });
		try {
			const [name, value] = s.cookie.split('=');
			await victim.ctx.addCookies([{ name, value, url: d.url, httpOnly: true, sameSite: 'Strict' }]);
			const before = await d.logSize();
			const hits = [];
			victim.page.on('response', (r) => { if (r.url().startsWith(approve)) hits.push(r.status()); });
			await victim.page.goto(`http://127.0.0.1:${evil.address().port}/`);
			for (let i = 0; i < 50 && hits.length < 2; i++)
				await h.sleep(100);
			assert.ok(hits.length >= 1, 'the attack page sent nothing (test is broken)');
			const r = await d.op('GET', `/v1/access-requests/${id}`);
			assert.equal(r.body.state, 'pending', `approved by a cross-site page: ${r}`);
			const approved = (await d.entries(before)).filter((e) =>
			    e.event.action === 'access_request.approve' && e.event.outcome === 'allowed');
			assert.deepEqual(approved, []);
		} finally {
			await victim.close();
			evil.close();
		}
	});
});

describe('under TLS', () => {
	let d, w;

	before(async () => {
		d = await h.Daemon.start({ tls: true });
		w = await h.seedWorld(d);
	});
	after(async () => {
		if (d)
		assert.equal(await d.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
	});

	test('the cookie is __Host-, Secure, HttpOnly, SameSite=Strict; HSTS on every answer', async () => {
		const s = await h.tenantLogin(w, w.admin, { cookie: true });
		const a = s.setCookie.split(';').map((x) => x.trim().toLowerCase());
		assert.match(s.setCookie, /^__Host-custos_session=/, s.setCookie);
		for (const want of ['secure', 'httponly', 'samesite=strict', 'path=/'])
			assert.ok(a.includes(want), `${want} missing: ${s.setCookie}`);
		assert.ok(!a.some((x) => x.startsWith('domain=')), s.setCookie);
		assertHeaders(await d.call('GET', '/'), '/ over TLS', { tls: true });
		assertHeaders(await d.call('GET', '/v1/health'), 'health over TLS', { tls: true, page: false });
		// And the cookie works as the session.
		const r = await d.call('GET', '/v1/session', { cookie: s.cookie });
		assert.equal(r.status, 200, `${r}`);
		assert.equal(r.body.kind, 'tenant_admin');
	});
});
