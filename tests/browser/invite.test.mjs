// SPDX-License-Identifier: ISC
// Enrolment by invitation, in the browser: the operator invites; the
// mailed single-use link (#/invite/<token>) lets a tenant admin enrol a
// passkey on her authenticator, a tenant user set a password and enrol
// TOTP from the QR code's key, and an engineer enrol a passkey that
// stands for the registered device; each is then signed in, the link
// does not work twice, and the engineer signs in again with the passkey
// alone, as that device.  An engineer invited without a device pastes
// the public key `custos keygen` made, then sets the CLI's password and
// TOTP (not signed in here) and logs in by the CLI's two steps.
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

test('an engineer invited without a device pastes the key from custos keygen, sets a password and TOTP, and logs in by the CLI\'s path', async () => {
	const { generateKeyPairSync, sign } = await import('node:crypto');
	const who = { id: 'sitel-bo', username: 'bo.0', email: 'bo@sitel.example' };
	h.ok(await d.op('POST', '/v1/engineers', { id: who.id, username: who.username, vendor: w.vendor }), 201);
	h.ok(await d.op('POST', '/v1/invitations', { kind: 'engineer', engineer: who.id, email: who.email }), 201);
	const [link] = await d.waitMail(who.email, /https?:\/\/\S+#\/invite\/[A-Za-z0-9_-]+/);
	// What `custos keygen` makes on the engineer's machine: an Ed25519 pair.
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('base64');
	const p = await b.person(d, 'bo', { authenticator: false });
	await p.goto(`/${new URL(link).hash}`);
	const pg = p.page;
	await pg.locator('[data-testid="invite-device-key"]').waitFor();
	// The password waits for the device.
	assert.equal(await pg.locator('[data-testid="invite-password"]').count(), 0);
	await pg.locator('[data-testid="invite-device-key"]').fill(pub);
	const dr = await h.answerTo(p, 'POST', /^\/v1\/invitations\/device$/, () =>
	    pg.locator('[data-testid="invite-device-submit"]').click());
	assert.equal(dr.status, 201, JSON.stringify(dr.body));
	const pw = 'bo chose this password';
	await pg.locator('[data-testid="invite-password"]').fill(pw);
	await pg.locator('[data-testid="invite-password-again"]').fill(pw);
	await pg.locator('[data-testid="invite-password-submit"]').click();
	await pg.locator('[data-testid="invite-qr"]').waitFor();
	const secret = (await pg.locator('[data-testid="invite-totp-secret"]').innerText()).replace(/\s/g, '');
	await pg.locator('[data-testid="invite-totp"]').fill(await h.totp(secret, d));
	const r = await h.answerTo(p, 'POST', /^\/v1\/invitations\/totp$/, () =>
	    pg.locator('[data-testid="invite-totp-submit"]').click());
	assert.equal(r.status, 200, JSON.stringify(r.body));
	assert.equal(r.body.done, true);
	await pg.locator('[data-testid="invite-engineer-done"]').waitFor();
	await assert.rejects(p.sessionCookie(), /no session cookie/);
	// The CLI's login: username and device, then the signed challenge,
	// the password and a code.
	const one = h.ok(await d.call('POST', '/v1/auth/login', { body: { username: who.username,
	    device: dr.body.device } }), 200);
	const sig = sign(null, Buffer.from(one.challenge), privateKey).toString('base64');
	const two = await d.call('POST', '/v1/auth/verify', { body: { login_id: one.login_id, password: pw,
	    totp: await h.totp(secret, d), device_signature: sig } });
	assert.equal(two.status, 200, `${two}`);
	assert.deepEqual(await p.problems(), []);
	await p.close();
});
