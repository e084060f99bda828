// SPDX-License-Identifier: ISC
// Every console action is recorded in the log exactly as the same API
// call: the console is a client of the API and nothing else.  For each
// action, the console does it once by a click, and the same person in the
// same session makes the same call (the body the console sent, with a
// fresh step-up where one is needed) straight to the API; the two log
// entries must be equal but for when, where in the log and the target,
// and each click must leave exactly one entry of its action.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

let d, w, b, admin, eng, engToken;
const shared = {};

before(async () => {
	d = await h.Daemon.start();
	w = await h.seedWorld(d);
	b = await h.Browser.launch();
	admin = await h.adminWithPasskey(b, w);
	h.acceptDialogs(admin);
	eng = await b.person(d, 'ana.0', { authenticator: false });
	h.acceptDialogs(eng);
	await h.engineerConsoleSession(w, eng);
	engToken = (await h.engineerLogin(w)).token;
});
after(async () => {
	for (const p of [admin, eng])
		if (p)
			assert.deepEqual(await p.problems(), [], `${p.name}'s pages reported problems`);
	await b?.close();
	if (d)
		assert.equal(await d.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
});

// The entries of action appended while fn runs.
async function entriesOf(action, fn) {
	const before = await d.logSize();
	const out = await fn();
	const es = (await d.entries(before)).map((e) => e.event).filter((e) => e.action === action);
	return { out, es };
}

// What must be equal between the console's entry and the API's.
function comparable(e, target) {
	const g = h.gist(e);
	delete g.target;
	const s = JSON.stringify(g);
	// Ids of the two targets (requests, users) may appear in details.
	return JSON.parse(target ? s.split(target).join('<target>') : s);
}

async function compare(action, consoleEntry, apiEntry, consoleTarget, apiTarget) {
	if (process.env.SHOW) process.stderr.write(`${JSON.stringify(consoleEntry)}\n${JSON.stringify(apiEntry)}\n`);
	// The same person in the same session, so any difference is the
	// console's.
	assert.equal(consoleEntry.session, apiEntry.session, `${action}: not the same session`);
	assert.deepEqual(comparable(consoleEntry, consoleTarget), comparable(apiEntry, apiTarget),
	    `${action}: the console's entry differs from the API's`);
}

test('access_request.create: the console\'s request is recorded as the API\'s', async () => {
	await eng.goto('#/eng/requests');
	const c = await entriesOf('access_request.create', () => h.askInConsole(eng, w, { minutes: '30' }));
	assert.equal(c.out.status, 201, JSON.stringify(c.out.body));
	assert.equal(c.es.length, 1, `one click, ${c.es.length} entries`);
	const body = c.out.request.postDataJSON();
	const a = await entriesOf('access_request.create', () =>
	    eng.apiInPage('POST', `/v1/tenants/${w.tenant}/access-requests`, body));
	assert.equal(a.out.status, 201, a.out.text);
	assert.equal(a.es.length, 1);
	await compare('access_request.create', c.es[0], a.es[0], c.out.body.id, a.out.body.id);
	shared.consoleReq = c.out.body.id;
	shared.apiReq = a.out.body.id;
});

test('access_request.approve with step-up: the console\'s approval is recorded as the API\'s', async () => {
	const [r1, r2] = [shared.consoleReq, shared.apiReq];
	assert.ok(r1 && r2, 'the requests of the previous test');
	await admin.goto(`#/t/acme/requests/${r1}`);
	await admin.page.locator(h.hook.approve).waitFor();
	const c = await entriesOf('access_request.approve', () => h.answerTo(admin, 'POST',
	    new RegExp(`/access-requests/${r1}/approve$`), () => admin.page.locator(h.hook.approve).click()));
	assert.equal(c.out.status, 200, JSON.stringify(c.out.body));
	assert.equal(c.es.length, 1, `one click, ${c.es.length} entries`);
	const body = { ...c.out.request.postDataJSON() };
	assert.ok(body.step_up, 'the console approved without step-up');
	delete body.step_up;
	const a = await entriesOf('access_request.approve', () => admin.apiInPage('POST',
	    `/v1/tenants/${w.tenant}/access-requests/${r2}/approve`, body,
	    { action: 'access_request.approve', target: r2 }));
	assert.equal(a.out.status, 200, a.out.text);
	assert.equal(a.es.length, 1);
	await compare('access_request.approve', c.es[0], a.es[0], r1, r2);
	assert.match(JSON.stringify(c.es[0]), /step_up/);
});

test('user.password_reset: the console\'s reset is recorded as the API\'s', async () => {
	await eng.goto(`#/eng/t/${w.tenant}`);
	const row = eng.page.locator(`[data-testid="user-${w.user.id}"]`);
	await row.waitFor();
	const c = await entriesOf('user.password_reset', () => h.answerTo(eng, 'POST',
	    new RegExp(`/users/${w.user.id}/password-reset$`), async () => {
		await row.locator(`[data-testid="password-reset-${w.user.id}"]`).click();
		await h.confirmIfAsked(eng);
	}));
	assert.equal(c.out.status, 202, JSON.stringify(c.out.body));
	assert.equal(c.es.length, 1, `one click, ${c.es.length} entries`);
	const body = c.out.request.postDataJSON() || {};
	const a = await entriesOf('user.password_reset', () => eng.apiInPage('POST',
	    `/v1/tenants/${w.tenant}/users/${w.user.id}/password-reset`, body));
	assert.equal(a.out.status, 202, a.out.text);
	await compare('user.password_reset', c.es[0], a.es[0]);
});

test('access_request.deny: the console\'s denial is recorded as the API\'s', async () => {
	const r1 = await h.requestAccess(w, engToken, { reason: 'one more, to be denied' });
	const r2 = await h.requestAccess(w, engToken, { reason: 'one more, to be denied' });
	await admin.goto(`#/t/acme/requests/${r1}`);
	await admin.page.locator(h.hook.deny).waitFor();
	await admin.page.locator('[data-testid="deny-reason"]').fill('not during the audit');
	const c = await entriesOf('access_request.deny', () => h.answerTo(admin, 'POST',
	    new RegExp(`/access-requests/${r1}/deny$`), async () => {
		await admin.page.locator(h.hook.deny).click();
		await h.confirmIfAsked(admin);
	}));
	assert.equal(c.out.status, 200, JSON.stringify(c.out.body));
	assert.equal(c.es.length, 1);
	const body = { ...c.out.request.postDataJSON() };
	delete body.step_up;
	const a = await entriesOf('access_request.deny', () => admin.apiInPage('POST',
	    `/v1/tenants/${w.tenant}/access-requests/${r2}/deny`, body,
	    { action: 'access_request.deny', target: r2 }));
	assert.equal(a.out.status, 200, a.out.text);
	await compare('access_request.deny', c.es[0], a.es[0], r1, r2);
});

test('access_request.revoke: the console\'s revocation is recorded as the API\'s', async () => {
	const [r1, r2] = [shared.consoleReq, shared.apiReq];
	await admin.goto('#/t/acme/grants');
	const row = admin.page.locator(`[data-testid="grant-${r1}"]`);
	await row.waitFor();
	await admin.shot('admin-grants');
	const c = await entriesOf('access_request.revoke', () => h.answerTo(admin, 'POST',
	    new RegExp(`/access-requests/${r1}/revoke$`), async () => {
		await row.locator(h.hook.revoke).click();
		await h.confirmIfAsked(admin);
	}));
	assert.equal(c.out.status, 200, JSON.stringify(c.out.body));
	assert.equal(c.es.length, 1);
	const body = { ...c.out.request.postDataJSON() };
	delete body.step_up;
	const a = await entriesOf('access_request.revoke', () => admin.apiInPage('POST',
	    `/v1/tenants/${w.tenant}/access-requests/${r2}/revoke`, body,
	    { action: 'access_request.revoke', target: r2 }));
	assert.equal(a.out.status, 200, a.out.text);
	await compare('access_request.revoke', c.es[0], a.es[0], r1, r2);
});
