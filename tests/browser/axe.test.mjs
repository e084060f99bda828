// SPDX-License-Identifier: ISC
// axe-core on every page of the console: the sign-in page, the
// invitation page, the reset page, and every page in the navigation of a
// tenant admin, an engineer and the operator (found by following the
// console's own nav links, so a page added later is checked too), with
// data on them; no serious or critical violation, on a desktop and on a
// phone-sized screen.  On the way: touch targets of at least 44 px on the
// phone and no "null"/"undefined" shown (their own tests at the end), and
// a screenshot of each page saved to docs/console/<page>.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

let d, w, b, reqId;
const found = [];
// Found on the way, asserted by their own tests at the end: targets
// under 44 px on a phone, and words a page should never show.
const smallOnPhone = [];
const junk = [];

before(async () => {
	d = await h.Daemon.start();
	w = await h.seedWorld(d);
	b = await h.Browser.launch();
	// Data on the pages: a pending request, an approved one, a reset, an
	// alert (a forbidden try), an invitation.
	const eng = await h.engineerLogin(w);
	reqId = await h.requestAccess(w, eng.token);
	const done = await h.requestAccess(w, eng.token, { reason: 'granted earlier', minutes: 30 });
	const a = await h.tenantLogin(w, w.admin);
	h.ok(await d.call('POST', `/v1/tenants/${w.tenant}/access-requests/${done}/approve`,
	    { token: a.token, body: {} }), 200);
	h.ok(await d.call('POST', `/v1/tenants/${w.tenant}/users/${w.user.id}/password-reset`,
	    { token: eng.token, body: {} }), 202);
	await d.call('GET', `/v1/tenants/${w.tenant}/export`, { token: eng.token });
	await d.waitAlert('forbidden_probe');
});
after(async () => {
	await b?.close();
	if (d)
		assert.equal(await d.stop(), 0, 'custosd exited non-zero (sanitizer report?)');
});

// Waits until the page has rendered its data: no request in flight for
// a moment and main holding something.
async function settled(p) {
	await p.page.waitForLoadState('networkidle').catch(() => {});
	await p.page.waitForFunction(() => {
		const m = document.querySelector('main');
		return m && m.innerText.trim().length > 0 && !/loading/i.test(m.getAttribute('aria-busy') || '');
	}, null, { timeout: 15000 });
	await h.sleep(200);
}

// Targets of at least 44 by 44 CSS px (WCAG 2.5.5) for every visible
// button, link and input in main on a phone-sized screen.
async function smallTargets(p) {
	return p.page.evaluate(() => {
		const out = [];
		for (const el of document.querySelectorAll('main button, main a[href], main input:not([type=hidden]), main select, header button, nav a')) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 || r.height === 0)
				continue;
			// Links inside running text are exempt (WCAG 2.5.5 inline).
			if (el.localName === 'a' && el.closest('p, li:not(nav li), td') && !el.closest('nav'))
				continue;
			if (el.type === 'checkbox' || el.type === 'radio') {
				const l = el.closest('label') || document.querySelector(`label[for="${el.id}"]`);
				const lr = l ? l.getBoundingClientRect() : r;
				if (lr.height >= 44)
					continue;
			}
			if (r.height < 44 || r.width < 44)
				out.push(`${el.localName} "${(el.innerText || el.value || el.name || '').slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
		}
		return out;
	});
}

// axe (and the page's own CSP reports) on the page at hash, on a desktop
// and on a phone; a screenshot named shot.
async function check(p, phone, hash, shot) {
	const problems = [];
	for (const q of [p, phone]) {
		if (!q)
			continue;
		await q.goto(hash);
		await settled(q);
		const v = await q.axe();
		problems.push(...v.map((x) => `${q === phone ? 'phone' : 'desktop'}: ${x}`));
		if (q === phone)
			smallOnPhone.push(...(await smallTargets(q)).map((x) => `${hash}: ${x}`));
		// What a template leaks when data is missing.
		const text = await q.page.locator('main').innerText();
		for (const m of text.matchAll(/(^|[\s(:])(null|undefined|NaN|\[object Object\])(?=$|[\s).,:])/gm))
			junk.push(`${hash}: "${text.slice(Math.max(0, m.index - 30), m.index + 30).replace(/\s+/g, ' ')}"`);
	}
	if (shot) {
		await p.goto(hash);
		await settled(p);
		await p.shot(shot);
	}
	problems.push(...await p.problems());
	if (phone)
		problems.push(...await phone.problems());
	found.push(hash);
	return problems;
}

// The pages in the console's nav (#nav a[href^="#/"]) once signed in.
async function navPages(p) {
	await p.page.locator('#nav a').first().waitFor();
	return p.page.locator('#nav a[href^="#/"]').evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute('href')))]);
}

// docs/console/<prefix>-<page>.png, the same name every run: ids become
// their kind ("requests/req_x" is "request", "t/acme" is "tenant").
const shotName = (prefix, hash) => `${prefix}-${hash.replace(/^#\//, '')
    .replace(/^eng\/t\/[^/]+$/, 'tenant').replace(/^(t\/[^/]+|eng|ops)\//, '')
    .replace(/^requests\/.+$/, 'request').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}`;

// A person on desktop and on a phone, both with the same cookie session.
async function pair(name, cookie) {
	const [n, v] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
	const p = await b.person(d, name, { authenticator: false });
	const phone = await b.person(d, `${name} (phone)`, { authenticator: false,
	    viewport: { width: 390, height: 844 }, isMobile: true });
	for (const q of [p, phone])
		await q.ctx.addCookies([{ name: n, value: v, url: d.url, httpOnly: true, sameSite: 'Strict' }]);
	return [p, phone];
}

test('signed-out pages: sign-in, invitation, reset', async () => {
	const p = await b.person(d, 'anon', { authenticator: false });
	const phone = await b.person(d, 'anon (phone)', { authenticator: false,
	    viewport: { width: 390, height: 844 }, isMobile: true });
	const problems = [];
	problems.push(...await check(p, phone, '#/signin', 'signin'));
	// An invitation link as mailed (its page must render, and say what it
	// is for, before anything is chosen).
	h.ok(await d.op('POST', '/v1/invitations', { kind: 'tenant_user', tenant: w.tenant, user: w.admin2.id }), 201);
	const [link] = await d.waitMail(w.admin2.email, /https?:\/\/\S+#\/invite\/[A-Za-z0-9_-]+/);
	problems.push(...await check(p, phone, `/${new URL(link).hash}`, 'invite'));
	problems.push(...await check(p, phone, '/reset?token=x', 'reset'));
	assert.deepEqual(problems, []);
	await p.close();
	await phone.close();
});

test('every page of the tenant admin', async () => {
	const s = await h.tenantLogin(w, w.admin, { cookie: true });
	const [p, phone] = await pair('alice', s.cookie);
	await p.goto('#/');
	const pages = await navPages(p);
	assert.ok(pages.some((x) => /\/requests$/.test(x)) && pages.some((x) => /\/log$/.test(x)), `nav: ${pages}`);
	const problems = [];
	for (const hash of [...pages, `#/t/${w.tenant}/requests/${reqId}`])
		problems.push(...(await check(p, phone, hash, shotName('admin', hash))).map((x) => `${hash}: ${x}`));
	assert.deepEqual(problems, []);
});

test('every page of the engineer', async () => {
	const s = await h.engineerLogin(w, { cookie: true });
	const [p, phone] = await pair('ana.0', s.cookie);
	await p.goto('#/');
	const pages = await navPages(p);
	assert.ok(pages.some((x) => /^#\/eng\//.test(x)), `nav: ${pages}`);
	const problems = [];
	for (const hash of [...pages, `#/eng/t/${w.tenant}`])
		problems.push(...(await check(p, phone, hash, shotName('engineer', hash))).map((x) => `${hash}: ${x}`));
	assert.deepEqual(problems, []);
});

test('every page of the operator', async () => {
	const r = await d.call('POST', '/v1/auth/operator', { body: { token: d.operator, session: 'cookie' } });
	h.ok(r, 200);
	const [p, phone] = await pair('operator', r.headers['set-cookie'][0].split(';')[0]);
	await p.goto('#/');
	const pages = await navPages(p);
	assert.ok(pages.some((x) => /alerts/.test(x)) && pages.some((x) => /directory/.test(x)), `nav: ${pages}`);
	const problems = [];
	for (const hash of pages)
		problems.push(...(await check(p, phone, hash, shotName('ops', hash))).map((x) => `${hash}: ${x}`));
	assert.deepEqual(problems, []);
	process.stderr.write(`axe checked: ${found.join(' ')}\n`);
});

test('on a phone, every control is a target of at least 44 px (or its label is)', () => {
	assert.ok(found.length >= 10, `pages checked: ${found}`);
	assert.deepEqual(smallOnPhone, []);
});

test('no page shows null, undefined, NaN or [object Object]', () => {
	assert.ok(found.length >= 10, `pages checked: ${found}`);
	assert.deepEqual(junk, []);
});
