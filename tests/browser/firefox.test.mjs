// SPDX-License-Identifier: ISC
// The console in current Firefox (Debian's firefox-esr, driven over
// WebDriver BiDi by playwright-core's moz-firefox channel): the sign-in
// page loads without console errors or CSP violations; a tenant admin
// signs in with password + TOTP and gets a cookie session; her access log
// is verified in Firefox (WebCrypto Ed25519 there), and one byte of a
// proof changed on the way (page.route) shows "not verified"; the
// operator signs in with the token and reads the alerts page; an admin
// adds a passkey and signs in with it.
//
// The passkey is held by playwright's context.credentials, which answers
// navigator.credentials.create()/get() from a script in the page in place
// of Firefox's own WebAuthn (playwright adds a virtual authenticator to
// the browser only over CDP, in Chromium; Firefox's are WebDriver classic
// commands, which playwright does not speak).  So this shows the
// console's passkey code and custosd's checks working in Firefox, not
// Firefox's WebAuthn itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

let d, w, b, admin, probe;

before(async () => {
	d = await h.Daemon.start();
	w = await h.seedWorld(d);
	b = await h.Browser.launch({ engine: 'firefox' });
	// History about the tenant, over the API: a request, its approval,
	// a password reset; and the engineer's try at what support may not
	// do (an export), which raises an alert for the operator.
	const eng = await h.engineerLogin(w);
	const id = await h.requestAccess(w, eng.token);
	const a = await h.tenantLogin(w, w.admin);
	h.ok(await d.call('POST', `/v1/tenants/${w.tenant}/access-requests/${id}/approve`,
	    { token: a.token, body: {} }), 200);
	h.ok(await d.call('POST', `/v1/tenants/${w.tenant}/users/${w.user.id}/password-reset`,
	    { token: eng.token, body: {} }), 202);
	assert.equal((await d.call('GET', `/v1/tenants/${w.tenant}/export`,
	    { token: eng.token })).status, 403);
	probe = await d.waitAlert('forbidden_probe');
});
after(async () => {
	await b?.close();
	if (d)
		assert.equal(await d.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
});

// Every console message of type error and every uncaught error on p's
// page from now on.
function consoleErrors(p) {
	const seen = [];
	p.page.on('console', (m) => {
		if (m.type() === 'error')
			seen.push(`console: ${m.text()}`);
	});
	p.page.on('pageerror', (e) => seen.push(`pageerror: ${e}`));
	return seen;
}

test('it is Firefox', async () => {
	const p = await b.person(d, 'whoever');
	try {
		await p.goto('#/signin');
		const ua = await p.page.evaluate(() => navigator.userAgent);
		assert.match(ua, /Firefox\/\d+/, ua);
		assert.doesNotMatch(ua, /Chrome/, ua);
	} finally {
		await p.close();
	}
});

test('the sign-in page loads with no console error and no CSP violation', async () => {
	const p = await b.person(d, 'visitor');
	try {
		const errs = consoleErrors(p);
		await p.goto('#/signin');
		for (const id of ['signin-tenant', 'signin-username', 'signin-password',
		    'signin-totp', 'signin-submit', 'signin-passkey'])
			await p.page.locator(`[data-testid="${id}"]`).waitFor();
		assert.equal(await p.page.title() !== '', true, 'no title');
		// Whatever the page still loads or reports comes in now.
		await p.page.waitForLoadState('networkidle');
		await h.sleep(500);
		assert.deepEqual(errs, []);
		assert.deepEqual(await p.problems(), []);
	} finally {
		await p.close();
	}
});

test('(control) an inline script is refused by the CSP and seen here', async () => {
	// The collector works in Firefox: a script element with inline code,
	// put in the page, is what the CSP refuses and the test must see.
	const p = await b.person(d, 'control');
	try {
		const errs = consoleErrors(p);
		await p.goto('#/signin');
		await p.page.locator('[data-testid="signin-submit"]').waitFor();
		await p.page.evaluate(() => {
			const s = document.createElement('script');
			s.textContent = 'window.__custosInline = 1;';
			document.head.append(s);
			console.error('custos control');
		});
		await p.page.waitForFunction(() => (window.__custosViolations || []).length > 0,
		    null, { timeout: 5000 }).catch(() => {});
		assert.equal(await p.page.evaluate(() => window.__custosInline), undefined,
		    'an inline script ran');
		const got = await p.problems();
		assert.ok(got.some((x) => /script-src/.test(x)), `no violation seen: ${JSON.stringify(got)}`);
		// And a console error is seen too.
		await h.sleep(200);
		assert.ok(errs.includes('console: custos control'), `console errors: ${JSON.stringify(errs)}`);
	} finally {
		await p.close();
	}
});

test('the tenant admin signs in with password + TOTP: a cookie session', async () => {
	admin = await b.person(d, 'alice');
	admin.who = w.admin;
	const signIn = h.answerTo(admin, 'POST', new RegExp(`^/v1/tenants/${w.tenant}/auth/login$`),
	    () => h.passwordSignIn(admin, w, w.admin));
	const r = await signIn;
	assert.equal(r.status, 200, JSON.stringify(r.body));
	assert.equal(r.body?.token, undefined, 'a console sign-in answered a token');
	await admin.page.waitForURL(/#\/t\/acme\//);
	const c = await admin.sessionCookie();
	assert.equal(c.httpOnly, true);
	assert.equal(c.sameSite, 'Strict');
	const s = h.ok(await d.call('GET', '/v1/session', { cookie: `${c.name}=${c.value}` }), 200);
	assert.equal(s.kind, 'tenant_admin');
	assert.equal(s.id, w.admin.id);
	// And script cannot read it.
	assert.doesNotMatch(await admin.page.evaluate(() => document.cookie), /custos_session/);
});

// The verify-state of every entry once the page has finished checking.
async function states(p) {
	await p.goto('#/t/acme/log');
	await p.page.locator(h.hook.verifyState).first().waitFor({ timeout: 30000 });
	await p.page.waitForFunction(() => {
		const xs = [...document.querySelectorAll('[data-testid="verify-state"]')];
		return xs.length > 0 && xs.every((x) => /^\s*(not )?verified\s*$/i.test(x.textContent));
	}, null, { timeout: 30000 });
	return (await p.page.locator(h.hook.verifyState).allInnerTexts()).map((s) => s.trim().toLowerCase());
}

test('her access log: every entry verified in Firefox', async () => {
	// The browser itself has Ed25519 in WebCrypto (what verify.js uses).
	assert.equal(await admin.page.evaluate(async () => {
		const k = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
		const m = new TextEncoder().encode('custos');
		return crypto.subtle.verify('Ed25519', k.publicKey,
		    await crypto.subtle.sign('Ed25519', k.privateKey, m), m);
	}), true);
	const s = await states(admin);
	assert.ok(s.length >= 3, `entries: ${s}`);
	assert.deepEqual(s.filter((x) => x !== 'verified'), []);
	const entry = admin.page.locator('[data-testid^="entry-"]').filter({ hasText: /reset the password/i })
	    .filter({ hasText: /bob/ });
	assert.match(await entry.first().innerText(), /ana\.0/);
});

// Flips one base64 character (so one decoded byte) of s at i.
function flip(s, i) {
	return s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
}

test('one byte of an inclusion proof changed on the way: "not verified"', async () => {
	// The first inclusion proof (an array of base64 hashes named hashes,
	// proof, inclusion, inclusion_proof or audit_path) in the first JSON
	// answer that has one: one character of its first hash flipped.
	let tampered = null, index;
	const walk = (x) => {
		if (tampered || x === null || typeof x !== 'object')
			return;
		for (const [k, v] of Object.entries(x)) {
			if (tampered)
				return;
			if (/^(hashes|proof|inclusion|inclusion_proof|audit_path)$/.test(k) && Array.isArray(v) &&
			    typeof v[0] === 'string' && /^[A-Za-z0-9+/_-]{40,}={0,2}$/.test(v[0])) {
				v[0] = flip(v[0], 7);
				tampered = k;
				index = x.index;
				return;
			}
			walk(v);
		}
	};
	await admin.page.route((u) => u.pathname.startsWith('/v1/'), async (route) => {
		const res = await route.fetch();
		if (tampered || !/json/.test(res.headers()['content-type'] || ''))
			return route.fulfill({ response: res });
		const doc = JSON.parse(await res.text());
		walk(doc);
		return route.fulfill({ response: res, body: tampered ? JSON.stringify(doc) : undefined });
	});
	try {
		const s = await states(admin);
		assert.ok(tampered, 'no proof passed by to tamper with (test is broken)');
		assert.ok(s.includes('not verified'), `a tampered proof still verified: ${s}`);
		if (index !== undefined) {
			const st = await admin.page.locator(`[data-testid="entry-${index}"] ${h.hook.verifyState}`)
			    .innerText();
			assert.equal(st.trim().toLowerCase(), 'not verified');
		}
	} finally {
		await admin.page.unrouteAll({ behavior: 'wait' });
	}
	// Untouched again, verified again.
	const s = await states(admin);
	assert.deepEqual(s.filter((x) => x !== 'verified'), []);
	assert.deepEqual(await admin.problems(), []);
});

test('the operator signs in with the token and reads the alerts page', async () => {
	const op = await b.person(d, 'operator');
	try {
		const errs = consoleErrors(op);
		await h.operatorSignIn(op);
		await op.goto('#/ops/alerts');
		const row = op.page.locator(`[data-testid="alert-${probe.id}"]`);
		await row.waitFor({ timeout: 30000 });
		assert.match(await row.innerText(), /support may not do|export/i);
		assert.match(await row.innerText(), /ana\.0|ana0/);
		const c = await op.sessionCookie();
		const s = h.ok(await d.call('GET', '/v1/session', { cookie: `${c.name}=${c.value}` }), 200);
		assert.equal(s.kind, 'operator');
		assert.deepEqual(errs, []);
		assert.deepEqual(await op.problems(), []);
	} finally {
		await op.close();
	}
});

test('an admin adds a passkey and signs in with it (playwright\'s authenticator)', async () => {
	const p = await b.person(d, 'carol', { authenticator: true });
	p.who = w.admin2;
	try {
		await h.passwordSignIn(p, w, w.admin2);
		await h.registerPasskey(p, 'firefox');
		const creds = await p.credentials();
		assert.equal(creds.length, 1, 'one passkey on the authenticator');
		await h.signOut(p);
		const r = await h.answerTo(p, 'POST', /^\/v1\/auth\/passkey$/, () =>
		    p.page.locator('[data-testid="signin-passkey"]').click());
		assert.equal(r.status, 200, JSON.stringify(r.body));
		assert.equal(r.body.token, undefined, 'a console sign-in answered a token');
		await p.page.waitForURL(/#\/t\/acme\//);
		const c = await p.sessionCookie();
		const s = h.ok(await d.call('GET', '/v1/session', { cookie: `${c.name}=${c.value}` }), 200);
		assert.equal(s.kind, 'tenant_admin');
		assert.equal(s.id, w.admin2.id);
		assert.equal(s.passkeys, 1, JSON.stringify(s));
		// Signed in by that passkey: the log says so.
		const hers = (await d.entries()).map((x) => x.event).filter((x) =>
		    x.actor?.id === w.admin2.id && x.outcome === 'allowed');
		const reg = hers.find((x) => x.action === 'passkey.register');
		assert.ok(reg, `no passkey.register entry: ${JSON.stringify(hers)}`);
		const pk = JSON.stringify(reg.detail).match(/pk_[0-9a-f]+/)?.[0];
		assert.ok(pk, JSON.stringify(reg));
		assert.ok(hers.some((x) => !/^passkey\.register/.test(x.action) &&
		    JSON.stringify(x.detail || {}).includes(pk)),
		    `no sign-in with ${pk} in ${JSON.stringify(hers)}`);
		assert.deepEqual(await p.problems(), []);
	} finally {
		await p.close();
	}
});
