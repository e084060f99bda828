// SPDX-License-Identifier: ISC
// A tenant admin's changes through the console each ask a fresh passkey
// (step-up), like approvals: saving the support policy, inviting a user,
// revoking that invitation and sending a reset link each leave with a
// step_up in the body and succeed; without the passkey custosd refuses them
// (tests/integration/test_passkeys.py AdminChangesStepUp).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as h from './harness.mjs';

let d, w, b, admin;
before(async () => {
	d = await h.Daemon.start();
	w = await h.seedWorld(d);
	b = await h.Browser.launch();
});
after(async () => {
	await b?.close();
	if (d)
		assert.equal(await d.stop(), 0);
});

test('the admin saves the policy, invites, revokes and resets, each with a fresh passkey', async () => {
	admin = await b.person(d, 'alice');
	admin.who = w.admin;
	await h.passwordSignIn(admin, w, w.admin);
	await h.registerPasskey(admin, 'laptop');
	const pg = admin.page;
	h.acceptDialogs(admin);
	await admin.goto('#/t/acme/policy');
	await pg.locator('[data-testid="policy-save"]').waitFor();
	let r = await h.answerTo(admin, 'PUT', /\/support-policy$/, () =>
	    pg.locator('[data-testid="policy-save"]').click());
	assert.equal(r.status, 200, JSON.stringify(r.body));
	assert.ok(r.request.postDataJSON().step_up);
	await admin.goto('#/t/acme/users');
	await pg.locator(`[data-testid="invite-${w.user.id}"]`).waitFor();
	r = await h.answerTo(admin, 'POST', /\/invitations$/, () =>
	    pg.locator(`[data-testid="invite-${w.user.id}"]`).click());
	assert.equal(r.status, 201, JSON.stringify(r.body));
	assert.ok(r.request.postDataJSON().step_up);
	const inv = r.body.id;
	await pg.locator(`[data-testid="invitation-${inv}"] button`).waitFor();
	r = await h.answerTo(admin, 'DELETE', new RegExp(`/invitations/${inv}$`), () =>
	    pg.locator(`[data-testid="invitation-${inv}"] button`).click());
	assert.equal(r.status, 200, JSON.stringify(r.body));
	await pg.locator(`[data-testid="reset-${w.user.id}"]`).waitFor();
	r = await h.answerTo(admin, 'POST', /\/password-reset$/, async () => {
		await pg.locator(`[data-testid="reset-${w.user.id}"]`).click();
		await h.confirmIfAsked(admin);
	});
	assert.equal(r.status, 202, JSON.stringify(r.body));
	assert.ok(r.request.postDataJSON().step_up);
	assert.deepEqual(await admin.problems(), []);
});
