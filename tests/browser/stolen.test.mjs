// SPDX-License-Identifier: ISC
// A stolen console session cannot approve: the thief has the admin's
// session cookie (a fresh browser context given only that cookie, without
// her authenticator), and neither
// the console's approve button nor the API called directly with the
// cookie and the CSRF token approves: step-up needs her passkey.  Nor can
// the thief get round it by adding a passkey of its own to her account.
// Each refusal is recorded, and the request stays pending; the admin
// herself then approves it (so the refusals are for the passkey).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

let d, w, b, admin, thief, reqId;

before(async () => {
	d = await h.Daemon.start();
	w = await h.seedWorld(d);
	b = await h.Browser.launch();
	admin = await h.adminWithPasskey(b, w);
	const eng = await h.engineerLogin(w);
	reqId = await h.requestAccess(w, eng.token);
	// The theft: her cookie, exactly, in another browser.
	const c = await admin.sessionCookie();
	thief = await b.person(d, 'thief', { authenticator: false });
	await thief.ctx.addCookies([c]);
});
after(async () => {
	if (admin)
		assert.deepEqual(await admin.problems(), [], 'her pages reported problems');
	await b?.close();
	if (d)
		assert.equal(await d.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
});

async function pending() {
	return h.ok(await d.op('GET', `/v1/access-requests/${reqId}`), 200).state === 'pending';
}

test('the stolen cookie is a live session (so what follows tests step-up)', async () => {
	const s = await thief.apiInPage('GET', '/v1/session');
	assert.equal(s.status, 200, s.text);
	assert.equal(s.body.id, admin.who.id);
});

test('the console\'s approve button does not approve without her passkey', async () => {
	await thief.goto(`#/t/acme/requests/${reqId}`);
	const before = await d.logSize();
	await thief.page.locator(h.hook.approve).click();
	// No authenticator here: the passkey prompt can only wait (or fail);
	// whatever the console does meanwhile, nothing is approved.
	await h.waitError(thief, /\S/, 5000).catch(() => {});
	assert.ok(await pending(), 'approved with a stolen cookie');
	const approved = (await d.entries(before)).filter((e) =>
	    e.event.action === 'access_request.approve' && e.event.outcome === 'allowed');
	assert.deepEqual(approved, []);
	await thief.shot('stolen-cookie-refused');
});

test('the API called directly with the cookie and CSRF token wants step-up', async () => {
	const before = await d.logSize();
	const r = await thief.apiInPage('POST', `/v1/tenants/${w.tenant}/access-requests/${reqId}/approve`, {});
	assert.equal(r.status, 403, r.text);
	assert.equal(r.body.error.code, 'step_up_required', r.text);
	assert.ok(await pending());
	const es = (await d.entries(before)).map((e) => e.event).filter((e) => e.action === 'access_request.approve');
	assert.equal(es.length, 1, JSON.stringify(es));
	assert.equal(es[0].outcome, 'denied');
	// And with an assertion from the thief's own authenticator (no passkey
	// of hers on it): refused too.
	const r2 = await thief.apiInPage('POST', `/v1/tenants/${w.tenant}/access-requests/${reqId}/approve`, {},
	    { action: 'access_request.approve', target: reqId }).catch((e) => ({ status: 0, text: String(e) }));
	assert.notEqual(r2.status, 200, r2.text);
	assert.ok(await pending());
});

test('nor by registering a passkey of the thief\'s own on her account', async () => {
	// The thief brings an authenticator of its own (the page afresh: the
	// earlier prompt may still wait).
	await thief.goto(`#/t/acme/requests/${reqId}`);
	await thief.addAuthenticator();
	// Either registering needs her existing passkey, or the new passkey
	// still does not let the thief approve; both keep the request pending.
	const reg = await thief.page.evaluate(async () => {
		const s = await (await fetch('/v1/session')).json();
		const post = (u, b) => fetch(u, { method: 'POST', headers: { 'Content-Type': 'application/json',
		    'X-CSRF-Token': s.csrf }, body: JSON.stringify(b) });
		const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
		    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
		const unb64u = (x) => Uint8Array.from(atob(x.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
		const o = await post('/v1/passkeys/options', {});
		if (o.status !== 200)
			return { status: o.status, step: 'options' };
		const j = await o.json();
		const pk = j.publicKey;
		const cred = await navigator.credentials.create({ publicKey: { ...pk,
		    challenge: unb64u(pk.challenge), user: { ...pk.user, id: unb64u(pk.user.id) },
		    excludeCredentials: (pk.excludeCredentials || []).map((c) => ({ ...c, id: unb64u(c.id) })) } });
		const r = await post('/v1/passkeys', { challenge_id: j.challenge_id, name: 'thief',
		    credential: { id: cred.id, rawId: b64u(cred.rawId), type: cred.type, response: {
		    clientDataJSON: b64u(cred.response.clientDataJSON),
		    attestationObject: b64u(cred.response.attestationObject) } } });
		return { status: r.status, step: 'register' };
	}).catch((e) => ({ status: 0, step: String(e) }));
	const r = await thief.apiInPage('POST', `/v1/tenants/${w.tenant}/access-requests/${reqId}/approve`, {},
	    { action: 'access_request.approve', target: reqId }).catch((e) => ({ status: 0, text: String(e) }));
	assert.notEqual(r.status, 200, `the thief registered a passkey (${JSON.stringify(reg)}) and approved: ${r.text}`);
	assert.ok(await pending(), 'approved with a stolen cookie and a passkey added to it');
});

test('she approves a request herself with her passkey', async () => {
	const eng = await h.engineerLogin(w);
	reqId = await h.requestAccess(w, eng.token);
	await admin.goto(`#/t/acme/requests/${reqId}`);
	const r = await h.answerTo(admin, 'POST', new RegExp(`/access-requests/${reqId}/approve$`), () =>
	    admin.page.locator(h.hook.approve).click());
	assert.equal(r.status, 200, JSON.stringify(r.body));
	assert.ok(!(await pending()));
});
