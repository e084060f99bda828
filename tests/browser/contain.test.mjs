// SPDX-License-Identifier: ISC
// The operator contains the engineer from the alert page: the engineer,
// signed in to the console, tries what support may not do (an export);
// the forbidden_probe alert arrives on the operator's alert page; one
// click and one confirmation contain the engineer; the engineer's next
// click in the console is refused and nothing is created, and the
// engineer cannot sign in again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

let d, w, b, eng, op, alert;

before(async () => {
	d = await h.Daemon.start();
	w = await h.seedWorld(d);
	b = await h.Browser.launch();
	eng = await b.person(d, 'ana.0', { authenticator: false });
	await h.engineerConsoleSession(w, eng);
	op = await b.person(d, 'operator');
});
after(async () => {
	await b?.close();
	if (d)
		assert.equal(await d.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
});

test('the engineer\'s forbidden try raises an alert on the operator\'s page', async () => {
	await eng.goto('#/eng/requests');
	await eng.page.locator('[data-testid="ask-submit"]').waitFor();
	const r = await eng.apiInPage('GET', `/v1/tenants/${w.tenant}/export`);
	assert.equal(r.status, 403, r.text);
	alert = await d.waitAlert('forbidden_probe');
	await h.operatorSignIn(op);
	await op.goto('#/ops/alerts');
	const row = op.page.locator(`[data-testid="alert-${alert.id}"]`);
	await row.waitFor({ timeout: 30000 });
	assert.match(await row.innerText(), /support may not do|export/i);
	assert.match(await row.innerText(), /ana\.0|ana0/);
	await op.shot('ops-alerts');
});

test('the operator contains the engineer with one confirmation', async () => {
	const row = op.page.locator(`[data-testid="alert-${alert.id}"]`);
	const before = await d.logSize();
	h.acceptDialogs(op);
	const r = await h.answerTo(op, 'POST', /^\/v1\/containment$/, async () => {
		await row.locator('[data-testid="contain"]').click();
		await h.confirmIfAsked(op);
	});
	assert.ok([200, 201].includes(r.status), JSON.stringify(r.body));
	const e = (await d.entries(before)).map((x) => x.event).find((x) => x.action === 'containment');
	assert.ok(e, 'no containment entry');
	assert.equal(e.outcome, 'allowed');
	assert.equal(e.actor.kind, 'operator');
	assert.match(JSON.stringify(e), /ana0/);
	await op.page.locator('[role="status"], [data-testid="alert-contained"]').filter({ hasText: /contain/i })
	    .first().waitFor().catch(async () => assert.fail(`the console does not say it contained: ${JSON.stringify(await h.messages(op))}`));
	await op.shot('ops-contained');
});

test('the engineer\'s next click is refused and creates nothing', async () => {
	const pg = eng.page;
	const before = await d.logSize();
	const r = await h.askInConsole(eng, w, { reason: 'one more thing before the weekend' });
	assert.ok([401, 403].includes(r.status), `the contained engineer's click answered ${r.status}`);
	// The console says so (an alert, or back to sign-in with a message).
	await h.waitError(eng);
	const created = (await d.entries(before)).filter((x) =>
	    x.event.action === 'access_request.create' && x.event.outcome === 'allowed');
	assert.deepEqual(created, []);
	await eng.shot('engineer-contained');
	// And a new sign-in is refused while contained.
	const login = await d.call('POST', '/v1/auth/login', { body: {
	    username: w.engineer.username, device: w.engineer.device } });
	const refused = login.status !== 200 || (await (async () => {
		try { await h.engineerLogin(w); return false; } catch { return true; }
	})());
	assert.ok(refused, 'the contained engineer signed in again');
});
