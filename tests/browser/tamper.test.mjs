// SPDX-License-Identifier: ISC
// The access log is verified in the browser, not believed: one byte of
// the API's answer changed on the way (page.route) -- a hash of an
// inclusion proof, or the checkpoint's root -- and the console shows "not
// verified" for what it can no longer prove.  The same page untouched
// shows everything verified (so the test can tell the two apart).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

let d, w, b, admin;
const shared = {};

before(async () => {
	d = await h.Daemon.start();
	w = await h.seedWorld(d);
	b = await h.Browser.launch();
	// Some history about the tenant, made over the API: a request, its
	// approval (alice has no passkey and calls by bearer: no step-up),
	// a password reset.
	const eng = await h.engineerLogin(w);
	const id = await h.requestAccess(w, eng.token);
	const a = await h.tenantLogin(w, w.admin);
	h.ok(await d.call('POST', `/v1/tenants/${w.tenant}/access-requests/${id}/approve`,
	    { token: a.token, body: {} }), 200);
	h.ok(await d.call('POST', `/v1/tenants/${w.tenant}/users/${w.user.id}/password-reset`,
	    { token: eng.token, body: {} }), 202);
	// The admin reads the log in the console (a cookie session).
	admin = await b.person(d, 'alice', { authenticator: false });
	const s = await h.tenantLogin(w, w.admin, { cookie: true });
	const [name, value] = s.cookie.split('=');
	await admin.ctx.addCookies([{ name, value, url: d.url, httpOnly: true, sameSite: 'Strict' }]);
});
after(async () => {
	await b?.close();
	if (d)
		assert.equal(await d.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
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

// Flips one base64 character (so one decoded byte) of s at i.
function flip(s, i) {
	const c = s[i];
	return s.slice(0, i) + (c === 'A' ? 'B' : 'A') + s.slice(i + 1);
}

// The index of the entry whose proof was changed (when the proof sits in
// an object with an index).
let tamperedIndex;

// In a JSON answer, the first inclusion proof: an array named hashes or
// proof (or inside inclusion/proof objects) of base64 strings.
function tamperProof(doc) {
	let done = null;
	const walk = (x, where) => {
		if (done || x === null || typeof x !== 'object')
			return;
		for (const [k, v] of Object.entries(x)) {
			if (done)
				return;
			if (/^(hashes|proof|inclusion|inclusion_proof|audit_path)$/.test(k) && Array.isArray(v) &&
			    v.length > 0 && typeof v[0] === 'string' && /^[A-Za-z0-9+/_-]{40,}={0,2}$/.test(v[0])) {
				v[0] = flip(v[0], 7);
				done = `${where}.${k}[0]`;
				tamperedIndex = x.index;
				return;
			}
			walk(v, `${where}.${k}`);
		}
	};
	walk(doc, '$');
	return done;
}

// A C2SP checkpoint: origin, size, root hash (base64), blank line,
// signatures.  One character of the root hash changed.
function tamperNote(text) {
	const lines = text.split('\n');
	if (lines.length < 5 || !/^\d+$/.test(lines[1]) || !/^[A-Za-z0-9+/]{43}=$/.test(lines[2]))
		return null;
	lines[2] = flip(lines[2], 7);
	return lines.join('\n');
}

// Routes every API answer through rewrite(url, contentType, text) →
// new text or null (unchanged); answers the list of what was changed.
// once: only the first answer rewrite changes is changed.
async function tamper(p, rewrite, { once = true } = {}) {
	const changed = [];
	await p.page.route((u) => u.pathname.startsWith('/v1/'), async (route) => {
		const res = await route.fetch();
		const ct = res.headers()['content-type'] || '';
		// Binary answers (tiles, entry bundles) pass byte for byte.
		if (!/json|text\//.test(ct))
			return route.fulfill({ response: res });
		const text = await res.text();
		const out = once && changed.length ? null : rewrite(route.request().url(), ct, text);
		if (out === null)
			return route.fulfill({ response: res });
		changed.push(`${route.request().url()}`);
		return route.fulfill({ response: res, body: out });
	});
	return changed;
}

test('untouched, every entry of the tenant\'s log is verified', async () => {
	const s = await states(admin);
	assert.ok(s.length >= 3, `entries: ${s}`);
	assert.deepEqual(s.filter((x) => x !== 'verified'), []);
});

test('one byte of an inclusion proof changed: "not verified"', async () => {
	const changed = await tamper(admin, (url, ct, text) => {
		if (!/json/.test(ct))
			return null;
		const doc = JSON.parse(text);
		const where = tamperProof(doc);
		return where ? JSON.stringify(doc) : null;
	});
	try {
		const s = await states(admin);
		assert.equal(changed.length, 1, 'no proof passed by to tamper with (test is broken)');
		shared.proofStates = await admin.page.locator('[data-testid^="entry-"]').evaluateAll((els) =>
		    els.map((e) => [e.dataset.testid.slice(6), e.querySelector('[data-testid="verify-state"]')?.textContent.trim()]));
		assert.ok(s.includes('not verified'), `a tampered proof still verified: ${s} (changed ${changed})`);
		await admin.shot('admin-log-not-verified');
	} finally {
		await admin.page.unrouteAll({ behavior: 'wait' });
	}
});

test('the other entries, whose proofs are intact, stay verified', () => {
	assert.notEqual(tamperedIndex, undefined, 'the tampered proof belongs to no indexed entry');
	const st = new Map(shared.proofStates);
	assert.equal(st.get(String(tamperedIndex)), 'not verified');
	const others = [...st].filter(([i, v]) => i !== String(tamperedIndex) && v !== 'verified');

	assert.deepEqual(others, [], `entry ${tamperedIndex}'s proof was changed; these others are not shown verified`);
});

test('one byte of the checkpoint changed: nothing is verified', async () => {
	const changed = await tamper(admin, (url, ct, text) => {
		if (/text\/plain/.test(ct))
			return tamperNote(text);
		if (!/json/.test(ct))
			return null;
		// A checkpoint carried inside a JSON answer.
		let hit = false;
		const doc = JSON.parse(text, (k, v) => {
			if (!hit && typeof v === 'string' && v.includes('\n\n\u2014 ')) {
				const t = tamperNote(v);
				if (t) {
					hit = true;
					return t;
				}
			}
			return v;
		});
		return hit ? JSON.stringify(doc) : null;
	}, { once: false });
	try {
		const s = await states(admin);
		assert.ok(changed.length >= 1, 'no checkpoint passed by to tamper with (test is broken)');
		assert.ok(s.length >= 3, `entries: ${s}`);
		assert.deepEqual(s.filter((x) => x === 'verified'), [],
		    `entries verified against a tampered checkpoint (changed ${changed})`);
		// And it says why: the checkpoint (its signature) does not check.
		const summary = await admin.page.locator('[data-testid="log-summary"]').innerText();
		assert.match(summary, /checkpoint|signature/i, summary);
	} finally {
		await admin.page.unrouteAll({ behavior: 'wait' });
	}
});

test('and untouched again, verified again', async () => {
	const s = await states(admin);
	assert.deepEqual(s.filter((x) => x !== 'verified'), []);
	assert.deepEqual(await admin.problems(), []);
});
