// SPDX-License-Identifier: ISC
// The story, through the console only: a tenant admin adds a passkey on
// her (virtual) authenticator and signs in with it; the engineer requests access to the ticket's tenant; the admin
// sees who, which ticket, why and for how long, and approves a shorter
// time with a step-up assertion; the engineer resets the user's password;
// the admin reads that entry in words in the access log, verified in her
// browser.  Screenshots of each page go to docs/console/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

let d, w, b, admin, eng, reqId;

before(async () => {
	d = await h.Daemon.start();
	w = await h.seedWorld(d);
	b = await h.Browser.launch();
});
after(async () => {
	for (const p of [admin, eng])
		if (p)
			assert.deepEqual(await p.problems(), [], `${p.name}'s pages reported problems`);
	await b?.close();
	if (d)
		assert.equal(await d.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
});

test('the tenant admin adds a passkey and signs in with it', async () => {
	// Password and TOTP once, then a passkey on her authenticator
	// (#/account); enrolment by invitation is invite.test.mjs.
	admin = await b.person(d, 'alice');
	admin.who = w.admin;
	await h.passwordSignIn(admin, w, w.admin);
	await h.registerPasskey(admin, 'laptop');
	assert.equal((await admin.credentials()).length, 1, 'one passkey on the authenticator');
	await admin.shot('account');
	await h.signOut(admin);
	await admin.page.locator('[data-testid="signin-passkey"]').waitFor();
	await admin.shot('signin');
	const signIn = await h.answerTo(admin, 'POST', /^\/v1\/auth\/passkey$/, () =>
	    admin.page.locator('[data-testid="signin-passkey"]').click());
	assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
	assert.equal(signIn.body.token, undefined, 'a console sign-in answered a token');
	await admin.page.waitForURL(/#\/t\/acme\/requests/);
	const c = await admin.sessionCookie();
	const s = h.ok(await d.call('GET', '/v1/session', { cookie: `${c.name}=${c.value}` }), 200);
	assert.equal(s.kind, 'tenant_admin');
	assert.equal(s.id, admin.who.id);
});

test('GET /v1/session counts her passkeys (CONSOLE.md section 1)', async () => {
	const c = await admin.sessionCookie();
	const s = h.ok(await d.call('GET', '/v1/session', { cookie: `${c.name}=${c.value}` }), 200);
	assert.equal(s.passkeys, 1, JSON.stringify(s));
});

test('the engineer requests access to the ticket\'s tenant', async () => {
	eng = await b.person(d, 'ana.0', { authenticator: false });
	await h.engineerConsoleSession(w, eng);
	await eng.goto('#/eng/requests');
	const pg = eng.page;
	const r = await h.askInConsole(eng, w);
	assert.equal(r.status, 201, JSON.stringify(r.body));
	reqId = r.body.id;
	assert.equal(r.body.state, 'pending');
	await pg.locator(h.hook.request(reqId)).waitFor();
	await h.sleep(300);
	await eng.shot('engineer-requests');
});

test('the admin sees who, which ticket, why and for how long, and the engineer\'s past', async () => {
	await admin.goto('#/t/acme/requests');
	const row = admin.page.locator(h.hook.request(reqId));
	await row.waitFor();
	const text = await row.innerText();
	for (const want of ['ana.0', 'Sitel', w.ticket.subject, 'Bob cannot log in since Monday'])
		assert.ok(text.includes(want), `the request row lacks ${want}: ${text}`);
	assert.match(text, /\b(1 h|60 min)/, `how long: ${text}`);
	assert.match(text, /first request|past|earlier/i, `the engineer's past: ${text}`);
	await admin.shot('admin-requests');
});

test('the admin approves a shorter time with step-up on her passkey', async () => {
	await admin.goto(`#/t/acme/requests/${reqId}`);
	const pg = admin.page;
	await pg.locator(h.hook.approve).waitFor();
	await pg.locator('[data-testid="approve-minutes"]').selectOption('30');
	await admin.shot('admin-request');
	const before = await d.logSize();
	const [opts, r] = await Promise.all([
		pg.waitForResponse((x) => new URL(x.url()).pathname === '/v1/step-up/options'),
		h.answerTo(admin, 'POST', new RegExp(`/access-requests/${reqId}/approve$`), () =>
		    pg.locator(h.hook.approve).click()),
	]);
	assert.equal(opts.status(), 200);
	assert.equal(r.status, 200, JSON.stringify(r.body));
	assert.ok(r.request.postDataJSON().step_up, 'the approval carried no step-up');
	const state = h.ok(await d.op('GET', `/v1/access-requests/${reqId}`), 200);
	assert.equal(state.state, 'approved');
	const e = (await d.entries(before)).map((x) => x.event).find((x) =>
	    x.action === 'access_request.approve');
	assert.equal(e.outcome, 'allowed');
	assert.equal(e.actor.id, admin.who.id);
	assert.match(JSON.stringify(e.detail || {}), /step_up/, `no step-up in ${JSON.stringify(e)}`);
	// The page says so, to a screen reader too.
	await pg.locator('[role="status"]').filter({ hasText: /approved/i }).first().waitFor();
	// For the 30 minutes she chose, not the 60 asked.
	const left = (Date.parse(state.expires_at) - d.now() * 1000) / 60000;
	assert.ok(left > 25 && left <= 30.5, `approved for ${left.toFixed(1)} minutes, not 30: ${JSON.stringify(state)}`);
});

test('the engineer sees the grant with its time left and resets the user\'s password', async () => {
	await eng.goto('#/eng/requests');
	const row = eng.page.locator(h.hook.request(reqId));
	await row.filter({ hasText: /approved/i }).waitFor();
	// The time left the grant really has (30 minutes when the server
	// honours the shorter approval), in minutes or hours.
	const g = h.ok(await d.op('GET', `/v1/access-requests/${reqId}`), 200);
	const mins = Math.round((Date.parse(g.expires_at) - d.now() * 1000) / 60000);
	const left = await row.locator('[data-testid="time-left"]').innerText();
	assert.match(left, mins >= 60 ? /\b1 h\b|\b(59|60) ?min/ : new RegExp(`\\b(${mins - 1}|${mins}) ?min`), `time left: ${left}, the grant: ${mins} min`);
	await row.locator(`[data-testid="work-${w.tenant}"]`).click();
	const user = eng.page.locator(`[data-testid="user-${w.user.id}"]`);
	await user.waitFor();
	await eng.shot('engineer-tenant');
	h.acceptDialogs(eng);
	const r = await h.answerTo(eng, 'POST', new RegExp(`/users/${w.user.id}/password-reset$`), async () => {
		await user.locator(`[data-testid="password-reset-${w.user.id}"]`).click();
		await h.confirmIfAsked(eng);
	});
	assert.equal(r.status, 202, JSON.stringify(r.body));
	await d.waitMail(w.user.email, /password/i);
});

test('the admin reads that entry in words, verified in her browser', async () => {
	await admin.goto('#/t/acme/log');
	const pg = admin.page;
	const entry = pg.locator('[data-testid^="entry-"]').filter({ hasText: /reset the password/i })
	    .filter({ hasText: /bob/ });
	await entry.first().waitFor({ timeout: 30000 });
	const text = await entry.first().innerText();
	assert.match(text, /ana\.0/, text);
	assert.match(text, /Sitel/, text);
	assert.match(text, new RegExp(reqId), text);
	const badge = entry.first().locator(h.hook.verifyState);
	await assert.doesNotReject(badge.filter({ hasText: /^\s*verified\s*$/i }).waitFor({ timeout: 30000 }),
	    `the entry is not shown verified: ${await badge.innerText().catch(() => '?')}`);
	// Every entry on the page verifies; none says otherwise.
	await pg.waitForFunction(() => [...document.querySelectorAll('[data-testid="verify-state"]')]
	    .every((x) => !/checking|…/i.test(x.textContent)), null, { timeout: 30000 });
	const states = await pg.locator(h.hook.verifyState).allInnerTexts();
	assert.ok(states.length >= 3, `few entries: ${states}`);
	assert.deepEqual(states.filter((s) => !/^\s*verified\s*$/i.test(s)), [], 'entries not verified');
	await admin.shot('admin-log');
});

test('the operator asks which customers the engineer touched: Acme, acted upon', async () => {
	const op = await b.person(d, 'operator', { authenticator: false });
	try {
		await h.operatorSignIn(op);
		await op.goto('#/ops/scope');
		const pg = op.page;
		const iso = (t) => new Date(t * 1000).toISOString().slice(0, 16);
		await pg.locator('[data-testid="scope-engineers"]').fill(w.engineer.id);
		await pg.locator('[data-testid="scope-from"]').fill(iso(d.now() - 3600));
		await pg.locator('[data-testid="scope-to"]').fill(iso(d.now() + 3600));
		const r = await h.answerTo(op, 'POST', /^\/v1\/(scope|incidents)$/, () =>
		    pg.locator('[data-testid="scope-submit"]').click());
		assert.equal(r.status, 200, JSON.stringify(r.body));
		const row = pg.locator(`[data-testid="scope-tenant-${w.tenant}"]`);
		await row.waitFor();
		assert.match(await row.innerText(), /acted.upon/i);
		assert.match(await row.innerText(), /password_reset|password reset/i);
		await op.shot('ops-scope');
		assert.deepEqual(await op.problems(), []);
	} finally {
		await op.close();
	}
});
