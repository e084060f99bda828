// SPDX-License-Identifier: ISC
// Enrolment by invitation, in the browser: the operator invites; the
// mailed single-use link (#/invite/<token>) lets a tenant admin enrol a
// passkey on her authenticator, a tenant user set a password and enrol
// TOTP from the QR code's key, and an engineer enrol a passkey that
// stands for the registered device; each is then signed in, the link
// does not work twice, and the engineer signs in again with the passkey
// alone, as that device.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

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

async function session(p) {
	const c = await p.sessionCookie();
	return h.ok(await d.call('GET', '/v1/session', { cookie: `${c.name}=${c.value}` }), 200);
}

test('a tenant admin enrols a passkey by the mailed link and is signed in', async () => {
	const p = await h.invitedAdmin(b, w, 'dora');
	await p.page.waitForURL(/#\/t\/acme\/requests/);
	const s = await session(p);
	assert.equal(s.kind, 'tenant_admin');
	assert.equal(s.id, p.who.id);
	assert.equal((await p.credentials()).length, 1);
	// And signs in with it later.
	await h.signOut(p);
	await h.passkeySignIn(p);
	assert.equal((await session(p)).id, p.who.id);
	assert.deepEqual(await p.problems(), []);
	await p.close();
});

test('a tenant user sets a password and enrols TOTP from the QR code\'s key', async () => {
	const who = { id: 'acme-erin', username: 'erin', email: 'erin@acme.example' };
	h.ok(await d.op('POST', `/v1/tenants/${w.tenant}/users`, { id: who.id, username: who.username,
	    email: who.email, role: 'user' }), 201);
	const inv = h.ok(await d.op('POST', '/v1/invitations', { kind: 'tenant_user', tenant: w.tenant,
	    user: who.id }), 201);
	assert.equal(JSON.stringify(inv).match(/token/), null, `the inviter got the token: ${JSON.stringify(inv)}`);
	const [link] = await d.waitMail(who.email, /https?:\/\/\S+#\/invite\/[A-Za-z0-9_-]+/);
	const p = await b.person(d, 'erin', { authenticator: false });
	await p.goto(`/${new URL(link).hash}`);
	const pg = p.page;
	await pg.locator('[data-testid="invite-summary"]').waitFor();
	assert.match(await pg.locator('[data-testid="invite-summary"]').innerText(), /erin/);
	const pw = 'erin chose this password';
	await pg.locator('[data-testid="invite-password"]').fill(pw);
	await pg.locator('[data-testid="invite-password-again"]').fill(pw);
	await pg.locator('[data-testid="invite-password-submit"]').click();
	// The QR code: an SVG image from a data: URL that the CSP lets load.
	const qr = pg.locator('[data-testid="invite-qr"]');
	await qr.waitFor();
	assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml/);
	assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code did not render');
	await p.shot('invite-totp');
	const secret = (await pg.locator('[data-testid="invite-totp-secret"]').innerText()).replace(/\s/g, '');
	assert.match(secret, /^[A-Z2-7]{16,}$/);
	await pg.locator('[data-testid="invite-totp"]').fill(await h.totp(secret, d));
	const r = await h.answerTo(p, 'POST', /^\/v1\/invitations\/totp$/, () =>
	    pg.locator('[data-testid="invite-totp-submit"]').click());
	assert.equal(r.status, 200, JSON.stringify(r.body));
	assert.equal(r.body.token, undefined);
	const s = await session(p);
	assert.equal(s.kind, 'tenant_user');
	assert.equal(s.id, who.id);
	// The password and code work for a later sign-in, over the API too.
	const again = await d.call('POST', `/v1/tenants/${w.tenant}/auth/login`, { body: {
	    username: who.username, password: pw, totp: await h.totp(secret, d) } });
	assert.equal(again.status, 200, `${again}`);
	// The link works once.
	const q = await b.person(d, 'erin again', { authenticator: false });
	await q.goto(`/${new URL(link).hash}`);
	await q.page.locator('[data-testid="invite-invalid"]').waitFor();
	assert.deepEqual([...await p.problems(), ...await q.problems()], []);
	await p.close();
	await q.close();
});

test('an engineer enrols a passkey for the registered device and signs in with it as that device', async () => {
	h.ok(await d.op('POST', '/v1/invitations', { kind: 'engineer', engineer: w.engineer.id,
	    device: w.engineer.device, email: 'ana@sitel.example' }), 201);
	const [link] = await d.waitMail('ana@sitel.example', /https?:\/\/\S+#\/invite\/[A-Za-z0-9_-]+/);
	const p = await b.person(d, 'ana.0');
	await h.enrolByInvitation(p, link);
	await p.page.waitForURL(/#\/eng\/requests/);
	let s = await session(p);
	assert.equal(s.kind, 'engineer');
	assert.equal(s.id, w.engineer.id);
	assert.equal(s.device, w.engineer.device);
	await h.signOut(p);
	await h.passkeySignIn(p);
	s = await session(p);
	assert.equal(s.kind, 'engineer');
	assert.equal(s.device, w.engineer.device);
	// And works as the engineer: asks for access in the console.
	const r = await h.askInConsole(p, w);
	assert.equal(r.status, 201, JSON.stringify(r.body));
	const e = (await d.entries()).map((x) => x.event).find((x) => x.action === 'access_request.create');
	assert.equal(e.device, w.engineer.device);
	assert.deepEqual(await p.problems(), []);
	await p.close();
});
