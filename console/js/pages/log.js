// SPDX-License-Identifier: ISC
//
// #/t/<tenant>/log: the tenant's access log in words, each entry with a
// verified / not verified badge, and one for the whole log.  The checks
// run here, in the browser, with console/js/verify.js (jscrypto's):
//
//  1. the log's verifier key is pinned in this browser the first time it
//     is seen (a changed key is shown, never silently taken);
//  2. each page's checkpoint is a note signed by that key (Ed25519 in
//     WebCrypto) whose tree size is the page's;
//  3. each entry's leaf is in that tree (RFC 9162 inclusion proof);
//  4. with the tenant's log key, the sealed body under the leaf opens to
//     exactly the entry shown (so the words describe what the log holds);
//  5. the public entry bundles make the signed tree and hold no leaf
//     with the tenant's tag that the answer left out (completeness);
//  6. the checkpoint extends the largest one this browser verified
//     before (consistency proof), so history was not rewritten.
// An entry is "verified" when 2-4 hold for it; the log is "verified"
// when every entry is, 1 holds and it is complete (5).

import {api, h, say, fail, session, timeEl, download, button, show,
    ApiError} from '../app.js';
import {describe} from '../words.js';

const enc = encodeURIComponent;
const KEY_PIN = 'custos.logkey';

// Every page of the tenant's access log (at most maxPages of 1000).
export async function loadLog(t, opts = {}) {
	const pages = [];
	let start = 0;
	const maxPages = opts.maxPages || 50;
	for (let i = 0; i < maxPages; i++) {
		const p = await api('GET', '/v1/tenants/' + enc(t) +
		    '/access-log?start=' + start + '&limit=1000');
		pages.push(p);
		if (p.next === null || p.next === undefined)
			break;
		start = p.next;
	}
	const entries = [];
	for (const p of pages)
		for (const e of p.entries)
			entries.push(Object.assign({page: p}, e));
	return {pages, entries, truncated: pages.length === maxPages &&
	    pages[pages.length - 1].next != null};
}

let verifier = null;

async function loadVerifier() {
	if (!verifier)
		verifier = import('../verify.js');
	return verifier;
}

// Verifies what loadLog() gave with verify.js's verifyAccessLog (the
// whole check `custos verify --tenant` makes: checkpoints, the tree made
// from the public entry bundles, inclusion proofs, sealed bodies opened
// and compared with the entries shown, and no entry of the tenant left
// out).  Answers {ok, reasons[], entryOk: Map(index -> {ok, why}),
// complete, keyChanged, key}.
export async function verifyLog(t, log) {
	const out = {ok: false, reasons: [], entryOk: new Map(),
	    complete: 'not checked', keyChanged: false};
	const allBad = (why) => {
		for (const e of log.entries)
			if (!out.entryOk.has(e.index))
				out.entryOk.set(e.index, {ok: false, why});
	};
	let V;
	try {
		V = await loadVerifier();
	} catch (e) {
		out.reasons.push('the verifier (verify.js) is not available');
		allBad('no verifier');
		return out;
	}
	const vkey = (await api('GET', '/v1/log/key', undefined,
	    {text: true})).trim();
	out.key = vkey;
	let pinned = null;
	try {
		pinned = localStorage.getItem(KEY_PIN);
		if (!pinned)
			localStorage.setItem(KEY_PIN, vkey);
	} catch (e) {
		pinned = null; // storage refused: the key is used unpinned
	}
	if (pinned && pinned !== vkey) {
		out.keyChanged = true;
		out.reasons.push('the log\'s key is not the one this browser ' +
		    'pinned before');
	}
	let lk;
	try {
		lk = await api('GET', '/v1/tenants/' + enc(t) + '/log-key');
	} catch (e) {
		out.reasons.push('the tenant\'s log key could not be read (' +
		    e.message + ')');
		allBad('no log key');
		return out;
	}
	let r;
	try {
		r = await V.verifyAccessLog({pages: log.pages,
		    vkey: pinned || vkey, logKey: lk.log_key, tenant: t,
		    getBundle: V.fetchBundles('')});
	} catch (e) {
		out.reasons.push(e.message || String(e));
		allBad(e.message || String(e));
		return out;
	}
	const seen = await checkSeen(V, r.checkpoint);
	if (seen)
		out.reasons.push(seen);
	let bad = 0;
	for (const e of r.entries) {
		out.entryOk.set(Number(e.index), {ok: !!e.verified,
		    why: e.error || undefined});
		if (!e.verified)
			bad++;
	}
	allBad('not checked');
	if (bad)
		out.reasons.push(bad + ' entr' + (bad === 1 ? 'y does' :
		    'ies do') + ' not verify');
	if (r.missing && r.missing.length)
		out.reasons.push(r.missing.length + ' entr' +
		    (r.missing.length === 1 ? 'y' : 'ies') + ' of your tenant ' +
		    'in the log ' + (r.missing.length === 1 ? 'is' : 'are') +
		    ' missing from the answer (index ' +
		    r.missing.slice(0, 10).join(', ') + ')');
	if (log.truncated)
		out.reasons.push('only the first ' + log.entries.length +
		    ' entries were loaded');
	// Complete: no entry of the tenant's that the public bundles hold
	// is missing from the answer (whether each listed one verifies is
	// said per entry).
	const missing = (r.missing || []).length;
	out.complete = missing === 0 ? 'yes, every entry of your tenant up ' +
	    'to the checkpoint is here' : 'no, ' + missing + ' missing';
	out.ok = out.reasons.length === 0 && r.complete;
	return out;
}

const SEEN = 'custos.seen';

// The largest checkpoint this browser verified before is kept, and every
// later one must extend it (RFC 9162 consistency proof): a log that
// rewrote its history, or showed this browser another tree, is caught
// here.  Answers null, or why it is not consistent.
export async function checkSeen(V, cp) {
	let prev = null;
	try {
		prev = JSON.parse(localStorage.getItem(SEEN) || 'null');
	} catch (e) {
		prev = null;
	}
	const cur = {size: Number(cp.size), root: V.b64encode(cp.rootHash)};
	if (prev && prev.size > 0 && cur.size > 0) {
		const [a, b] = prev.size <= cur.size ? [prev, cur] : [cur, prev];
		try {
			const p = await api('GET', '/v1/log/proof/consistency?old=' +
			    a.size + '&new=' + b.size);
			await V.verifyConsistency(a.size, b.size, V.b64decode(a.root),
			    V.b64decode(b.root), p.hashes);
		} catch (e) {
			return 'the log is not consistent with the checkpoint of ' +
			    'size ' + prev.size + ' this browser verified before (' +
			    (e.message || e) + ')';
		}
	}
	if (!prev || cur.size > prev.size) {
		try {
			localStorage.setItem(SEEN, JSON.stringify(cur));
		} catch (e) {
			// not kept: the next visit checks nothing against it
		}
	}
	return null;
}

function badge(ok, testid, why) {
	return h('span', {class: 'badge ' + (ok ? 'ok' : 'bad'),
	    'data-testid': testid, title: why || undefined},
	    ok ? 'verified' : 'not verified');
}

async function names(t) {
	const n = {me: session().id, users: new Map(), engineers: new Map(),
	    vendors: new Map(), requests: new Map(), tickets: new Map()};
	try {
		const u = await api('GET', '/v1/tenants/' + enc(t) + '/users');
		for (const x of u.users || [])
			n.users.set(x.id, x);
	} catch (e) {
		// names fall back to ids
	}
	try {
		const r = await api('GET', '/v1/tenants/' + enc(t) +
		    '/access-requests');
		for (const x of r.access_requests || []) {
			n.requests.set(x.id, x);
			if (x.engineer_username)
				n.engineers.set(x.engineer, x.engineer_username);
			if (x.vendor_name)
				n.vendors.set(x.vendor, x.vendor_name);
			if (x.ticket_subject)
				n.tickets.set(x.ticket, x.ticket_subject);
		}
	} catch (e) {
		// as above
	}
	return n;
}

export async function render(main, p) {
	const t = p.tenant;
	main.append(h('h1', null, 'Access log'),
	    h('p', {class: 'lead'}, 'Everything anyone did in or about your ' +
	    'tenant through custos, allowed or refused, newest first. Your ' +
	    'browser checks each entry against the log\'s signed checkpoint ' +
	    'itself; it does not take the server\'s word for it.'));
	const summary = h('div', {class: 'verify-summary',
	    'data-testid': 'log-summary'}, h('span', {class: 'badge neutral',
	    'data-testid': 'log-verify-state'}, 'checking…'));
	main.append(summary);
	const log = await loadLog(t);
	const n = await names(t);
	let v;
	try {
		v = await verifyLog(t, log);
	} catch (e) {
		v = {ok: false, reasons: [e instanceof ApiError ? e.message :
		    String(e.message || e)], entryOk: new Map(),
		    complete: 'not checked'};
	}
	const last = log.pages[log.pages.length - 1];
	summary.textContent = '';
	summary.append(badge(v.ok, 'log-verify-state'),
	    h('span', null, log.entries.length + ' entr' +
	    (log.entries.length === 1 ? 'y' : 'ies') + ' in a log of ' +
	    (last ? last.size : 0) + '.'),
	    h('span', {'data-testid': 'log-complete'}, 'Complete: ' +
	    v.complete + '.'),
	    v.reasons.length ? h('span', {class: 'muted'}, 'Not verified ' +
	    'because ' + v.reasons.join('; ') + '.') : h('span',
	    {class: 'muted'}, 'Checkpoint signature, inclusion proofs and ' +
	    'sealed entries all check, and the log extends what this ' +
	    'browser verified before.'),
	    h('span', {class: 'spacer'}),
	    button('Download for custos verify', async () => download(t +
		'-access-log.json', JSON.stringify(log.pages.length === 1 ?
		log.pages[0] : log.pages, null, 2) + '\n',
		'application/json'), {class: 'secondary small',
		'data-testid': 'log-download'}));
	if (v.keyChanged)
		summary.append(button('Trust the new key', async () => {
			localStorage.setItem(KEY_PIN, v.key);
			say('The new log key is pinned in this browser.');
			show();
		}, {class: 'danger small'}));
	if (v.ok)
		say('The access log is verified.');
	else
		fail('The access log is NOT verified: ' + v.reasons.join('; ') +
		    '.');
	if (!log.entries.length) {
		main.append(h('p', {class: 'empty'}, 'No entry yet.'));
		return;
	}
	const ol = h('ol', {class: 'log', reversed: true,
	    'data-testid': 'log-entries'});
	for (const e of log.entries.slice().reverse()) {
		const st = v.entryOk.get(e.index) || {ok: false};
		const ev = e.event;
		ol.append(h('li', {'data-testid': 'entry-' + e.index},
		    h('span', {class: ev.outcome === 'denied' ? 'denied' : ''},
		    describe(ev, n)),
		    badge(st.ok, 'verify-state', st.why),
		    h('span', {class: 'meta'}, timeEl(ev.time), ' · entry #' +
		    e.index + ' · ', ev.action, ' · ', ev.outcome,
		    ev.source ? ' · from ' + ev.source : '',
		    st.ok ? '' : ' · ' + (st.why || 'not checked')),
		    h('details', {class: 'raw'}, h('summary', null,
		    'The entry itself'), h('pre', null,
		    JSON.stringify(ev, null, 2)))));
	}
	main.append(ol);
}
