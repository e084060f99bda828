// SPDX-License-Identifier: ISC
// The story, through the console only: a tenant admin invited by the
// operator enrols a passkey on her (virtual) authenticator and signs in
// with it; the engineer requests access to the ticket's tenant; the admin
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
	assert.equal(await d?.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
});

test('the tenant admin enrols a passkey by invitation and signs in with it', async () => {
	admin = await h.invitedAdmin(b, w, 'dora');
	assert.equal((await admin.credentials()).length, 1, 'one passkey on the authenticator');
	await h.signOut(admin);
	await admin.page.getByRole('button', { name: /sign in with a passkey/i }).waitFor();
	await admin.shot('signin');
	const signIn = await h.answerTo(admin, 'POST', /^\/v1\/auth\/passkey$/, () =>
	    admin.page.getByRole('button', { name: /sign in with a passkey/i }).click());
	assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
	assert.equal(signIn.body.token, undefined, 'a console sign-in answered a token');
	await admin.page.waitForURL(/#\/t\/acme\/requests/);
	const s = h.ok(await d.call('GET', '/v1/session', { cookie: (await admin.sessionCookie()).name +
	    '=' + (await admin.sessionCookie()).value }), 200);
	assert.equal(s.kind, 'tenant_admin');
	assert.equal(s.id, admin.who.id);
});

test('the engineer requests access to the ticket\'s tenant', async () => {
	eng = await b.person(d, 'ana.0', { authenticator: false });
	await h.engineerConsoleSession(w, eng);
	await eng.goto('#/eng/requests');
	const pg = eng.page;
	await pg.getByLabel(/tenant/i).first().fill(w.tenant);
	await pg.getByLabel(/ticket/i).first().fill(w.ticket.id);
	await pg.getByLabel(/reason/i).first().fill('Bob cannot log in since Monday; checking his account');
	await pg.getByLabel(/minutes|duration/i).first().fill('60');
	await eng.shot('engineer-request-form');
	const r = await h.answerTo(eng, 'POST', /\/access-requests$/, () =>
	    pg.getByRole('button', { name: /request access/i }).click());
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
	for (const want of ['ana.0', 'Sitel', w.ticket.subject, 'Bob cannot log in since Monday', '60'])
		assert.ok(text.includes(want), `the request row lacks ${want}: ${text}`);
	await admin.shot('tenant-requests');
});

test('the admin approves a shorter time with step-up on her passkey', async () => {
	await admin.goto(`#/t/acme/requests/${reqId}`);
	const pg = admin.page;
	await pg.locator(h.hook.approve).waitFor();
	await pg.getByLabel(/minutes|duration/i).first().fill('30');
	await admin.shot('tenant-request');
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
	assert.match(JSON.stringify(e.detail || {}), /30/, `not 30 minutes: ${JSON.stringify(e)}`);
	// The page says so, to a screen reader too.
	await pg.locator('[role="status"]').filter({ hasText: /approved/i }).first().waitFor();
});

test('the engineer sees the grant with its time left and resets the user\'s password', async () => {
	await eng.goto('#/eng/requests');
	const row = eng.page.locator(h.hook.request(reqId));
	await row.filter({ hasText: /approved/i }).waitFor();
	assert.match(await row.innerText(), /\b(2[0-9]|30)\b.*min|left/i);
	await eng.goto(`#/eng/t/${w.tenant}/users`);
	const user = eng.page.locator(`[data-testid="user-${w.user.id}"]`);
	await user.waitFor();
	await eng.shot('engineer-users');
	h.acceptDialogs(eng);
	const r = await h.answerTo(eng, 'POST', new RegExp(`/users/${w.user.id}/password-reset$`), async () => {
		await user.getByRole('button', { name: /reset password/i }).click();
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
	await admin.shot('tenant-log');
});
