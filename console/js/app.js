// SPDX-License-Identifier: ISC
//
// The console's core: the fetch wrapper every page uses (api()), the
// session (GET /v1/session), the hash router, and small DOM helpers.
//
// Rules every page follows (docs/console.md):
// - Text from the server goes into the page only as text (h() sets
//   textContent, never innerHTML), so nothing an engineer types in a
//   reason or a ticket can run as script.
// - Every change (not GET) carries X-CSRF-Token from GET /v1/session; the
//   session itself is an HttpOnly cookie that no script here can read.
// - Status goes to the aria-live region (say()), errors to the alert
//   region (fail()); focus moves to the page's h1 on every navigation.

export class ApiError extends Error {
	constructor(status, code, message, body) {
		super(message);
		this.status = status;
		this.code = code;
		this.body = body;
	}
}

const state = {
	session: null,   // the answer of GET /v1/session, or null
	csrf: '',
	routes: [],
	lastPath: null,
	carry: false,    // the message goes along to the next page
	current: null,   // {cleanup} of the page on screen
};

export function session() {
	return state.session;
}

// One API call.  body (when given) is sent as JSON.  Answers the parsed
// JSON (or the text for text/plain), or throws ApiError with the
// server's own message.
export async function api(method, path, body, opts = {}) {
	const headers = {'Accept': 'application/json, text/plain'};
	const init = {method, headers, credentials: 'same-origin',
	    cache: 'no-store', redirect: 'error'};
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	if (method !== 'GET' && method !== 'HEAD' && state.csrf)
		headers['X-CSRF-Token'] = state.csrf;
	let r;
	try {
		r = await fetch(path, init);
	} catch (e) {
		throw new ApiError(0, 'network',
		    'custos could not be reached: check your connection and try again.');
	}
	const type = r.headers.get('Content-Type') || '';
	let doc = null;
	if (type.startsWith('application/json')) {
		doc = await r.json().catch(() => null);
	} else if (opts.text || type.startsWith('text/')) {
		doc = await r.text();
	}
	if (!r.ok) {
		const err = doc && doc.error ? doc.error : {};
		const msg = err.message || r.statusText ||
		    'the server answered ' + r.status;
		const e = new ApiError(r.status, err.code || 'error', msg, doc);
		if (r.status === 401 && !opts.anonymous && state.session) {
			state.session = null;
			state.csrf = '';
			signedOut('Your session has ended (' + msg.replace(/\.$/,
			    '') + '). Please sign in again.');
			e.handled = true;   // said once, on the sign-in page
		}
		const ra = r.headers.get('Retry-After');
		if (ra)
			e.retryAfter = Number(ra);
		throw e;
	}
	return doc;
}

// Loads the session; null when nobody is signed in.
export async function loadSession() {
	try {
		const s = await api('GET', '/v1/session', undefined,
		    {anonymous: true});
		state.session = s;
		state.csrf = s && s.csrf ? s.csrf : '';
		// How many passkeys the person has (answers need one).
		if (s && typeof s.passkeys !== 'number' && s.id !== 'operator') {
			try {
				const p = await api('GET', '/v1/passkeys');
				s.passkeys = (p && p.passkeys || []).length;
			} catch (e) {
				// unknown: the pages do not warn
			}
		}
	} catch (e) {
		state.session = null;
		state.csrf = '';
		if (e.status !== 401)
			throw e;
	}
	renderChrome();
	return state.session;
}

export async function signOut() {
	try {
		await api('POST', '/v1/auth/logout', {});
	} catch (e) {
		// The session may be gone already; the cookie is cleared either way.
	}
	state.session = null;
	state.csrf = '';
	renderChrome();
	say('You are signed out.', true);
	go('#/signin');
}

function signedOut(message) {
	renderChrome();
	fail(message, true);
	go('#/signin');
}

const NEXT = 'custos.next';

// Where to go once signed in: the page a signed-out person was sent
// away from (a notice mail's link), if it is one of this console's, or
// the person's home page.
export function afterSignIn(s) {
	let next = null;
	try {
		next = sessionStorage.getItem(NEXT);
		sessionStorage.removeItem(NEXT);
	} catch (e) {
		next = null;
	}
	if (next && /^#\/(t|eng|ops|account)(\/|$)/.test(next) &&
	    state.routes.some((r) => match(r, next.slice(2))))
		return next;
	return home(s);
}

// The page each kind of person lands on.
export function home(s = state.session) {
	if (!s)
		return '#/signin';
	switch (s.kind) {
	case 'tenant_admin':
		return '#/t/' + encodeURIComponent(s.tenant) + '/requests';
	case 'tenant_user':
		return '#/account';
	case 'engineer':
		return '#/eng/requests';
	case 'operator':
		return '#/ops/alerts';
	default:
		return '#/signin';
	}
}

// ---- DOM helpers ----------------------------------------------------

// h('p', {class: 'x', 'data-testid': 'y', onclick: fn}, 'text', child)
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (attrs) {
		for (const [k, v] of Object.entries(attrs)) {
			if (v === undefined || v === null || v === false)
				continue;
			if (k.startsWith('on') && typeof v === 'function')
				el.addEventListener(k.slice(2), v);
			else if (k === 'class')
				el.className = v;
			else if (k === 'value')
				el.value = v;
			else if (k === 'checked' || k === 'disabled' ||
			    k === 'selected' || k === 'required' ||
			    k === 'hidden' || k === 'open')
				el[k] = Boolean(v);
			else
				el.setAttribute(k, v === true ? '' : String(v));
		}
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === undefined || c === null || c === false)
			continue;
		if (Array.isArray(c))
			append(el, c);
		else if (c instanceof Node)
			el.appendChild(c);
		else
			el.appendChild(document.createTextNode(String(c)));
	}
}

let fieldSeq = 0;

// A labelled form field: h('label') + input, tied by id.  opts: type,
// name, value, required, autocomplete, hint, testid, and for select
// opts.options [[value, text]].
export function field(label, opts = {}) {
	const id = 'f' + (++fieldSeq);
	let input;
	if (opts.type === 'select') {
		input = h('select', {id, name: opts.name,
		    'data-testid': opts.testid, required: opts.required},
		opts.options.map(([v, t]) => h('option',
		    {value: v, selected: String(v) === String(opts.value)}, t)));
	} else if (opts.type === 'textarea') {
		input = h('textarea', {id, name: opts.name, rows: opts.rows || 3,
		    'data-testid': opts.testid, required: opts.required,
		    minlength: opts.minlength, maxlength: opts.maxlength});
		if (opts.value)
			input.value = opts.value;
	} else {
		input = h('input', {id, name: opts.name, type: opts.type || 'text',
		    value: opts.value, required: opts.required,
		    autocomplete: opts.autocomplete || 'off',
		    inputmode: opts.inputmode, pattern: opts.pattern,
		    min: opts.min, max: opts.max, minlength: opts.minlength,
		    maxlength: opts.maxlength, placeholder: opts.placeholder,
		    spellcheck: opts.spellcheck === undefined ? undefined :
		    String(opts.spellcheck),
		    'data-testid': opts.testid});
	}
	let hint = null;
	if (opts.hint) {
		hint = h('span', {class: 'hint', id: id + '-hint'}, opts.hint);
		input.setAttribute('aria-describedby', id + '-hint');
	}
	const wrap = h('div', {class: 'field'},
	    h('label', {for: id}, label, opts.required ? '' :
	    (opts.optional ? h('span', {class: 'optional'}, ' (optional)') :
	    '')), hint, input);
	wrap.input = input;
	return wrap;
}

// A button that shows it is busy while fn runs and reports fn's error.
export function button(text, fn, attrs = {}) {
	const b = h('button', Object.assign({type: 'button'}, attrs), text);
	b.addEventListener('click', () => busy(b, fn));
	return b;
}

export async function busy(el, fn) {
	if (el.getAttribute('aria-disabled') === 'true')
		return;
	el.setAttribute('aria-disabled', 'true');
	el.classList.add('busy');
	try {
		await fn();
	} catch (e) {
		fail(e);
	} finally {
		el.removeAttribute('aria-disabled');
		el.classList.remove('busy');
	}
}

// A form whose submit runs fn(form) with busy state and error report.
export function form(attrs, children, fn) {
	const f = h('form', Object.assign({novalidate: false}, attrs),
	    children);
	f.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const sub = f.querySelector('button[type=submit]') || f;
		busy(sub, () => fn(f));
	});
	return f;
}

// Status messages for everyone, screen readers included.
// carry: keep the message over the navigation that follows (e.g.
// "signed in" shown on the page the person lands on).
export function say(text, carry) {
	state.carry = Boolean(carry);
	const live = document.getElementById('status');
	const err = document.getElementById('errors');
	if (err)
		err.textContent = '';
	if (live) {
		live.textContent = '';
		// A new node so that the same message twice is read twice.
		live.appendChild(h('p', null, text));
	}
}

export function fail(e, carry) {
	if (e && e.handled)
		return;
	state.carry = Boolean(carry);
	const err = document.getElementById('errors');
	let text;
	if (e instanceof ApiError)
		text = e.message + (e.code && e.code !== 'error' ?
		    ' (' + e.code + ')' : '');
	else if (e && e.name === 'NotAllowedError')
		text = 'The passkey prompt was cancelled or timed out.';
	else
		text = e && e.message ? e.message : String(e);
	if (err) {
		err.textContent = '';
		err.appendChild(h('p', null, text));
	}
	const live = document.getElementById('status');
	if (live)
		live.textContent = '';
}

export function clearMessages() {
	for (const id of ['status', 'errors']) {
		const el = document.getElementById(id);
		if (el)
			el.textContent = '';
	}
}

// A modal yes/no question (an accessible <dialog>, focus inside it and
// back where it was after).  Resolves to true or false.
export function confirmBox(title, text, okText = 'Confirm', danger = true) {
	return new Promise((resolve) => {
		const back = document.activeElement;
		const d = h('dialog', {'aria-labelledby': 'cb-h',
		    'aria-describedby': 'cb-p', 'data-testid': 'confirm-dialog'});
		const finish = (v) => {
			d.close();
			d.remove();
			if (back && back.focus)
				back.focus();
			resolve(v);
		};
		const ok = h('button', {type: 'button', class: 'primary' +
		    (danger ? ' danger' : ''), 'data-testid': 'confirm-ok',
		    onclick: () => finish(true)}, okText);
		d.append(h('h2', {id: 'cb-h'}, title), h('p', {id: 'cb-p'}, text),
		    h('div', {class: 'actions'}, ok, h('button', {type: 'button',
		    class: 'secondary', 'data-testid': 'confirm-cancel',
		    onclick: () => finish(false)}, 'Cancel')));
		d.addEventListener('cancel', (ev) => {
			ev.preventDefault();
			finish(false);
		});
		document.body.append(d);
		d.showModal();
		ok.focus();
	});
}

// ---- time ------------------------------------------------------------

export function when(t) {
	if (!t)
		return '—';
	const d = new Date(t);
	if (isNaN(d))
		return String(t);
	return d.toLocaleString(undefined, {weekday: 'short', day: 'numeric',
	    month: 'short', year: 'numeric', hour: '2-digit',
	    minute: '2-digit'});
}

export function timeEl(t) {
	return h('time', {datetime: t || ''}, when(t));
}

export function duration(seconds) {
	seconds = Math.max(0, Math.round(seconds));
	if (seconds < 60)
		return seconds + ' s';
	const m = Math.round(seconds / 60);
	if (m < 60)
		return m + ' min';
	const hh = Math.floor(m / 60), mm = m % 60;
	return hh + ' h' + (mm ? ' ' + mm + ' min' : '');
}

export function minutesText(m) {
	return duration(m * 60);
}

export function secondsUntil(t) {
	return (new Date(t).getTime() - Date.now()) / 1000;
}

// ---- downloads -------------------------------------------------------

export function download(name, text, type) {
	const blob = new Blob([text], {type});
	const url = URL.createObjectURL(blob);
	const a = h('a', {href: url, download: name, hidden: true});
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- page chrome -----------------------------------------------------

const KIND_NAMES = {
	tenant_admin: 'tenant admin',
	tenant_user: 'tenant user',
	engineer: 'support engineer',
	operator: 'operator',
};

export function navFor(s) {
	if (!s)
		return [];
	const t = s.tenant ? '#/t/' + encodeURIComponent(s.tenant) : '';
	switch (s.kind) {
	case 'tenant_admin':
		return [
			[t + '/requests', 'Requests'],
			[t + '/grants', 'Active access'],
			[t + '/approvals', 'Second approvals'],
			[t + '/log', 'Access log'],
			[t + '/incidents', 'Incidents'],
			[t + '/policy', 'Support policy'],
			[t + '/users', 'Users'],
			['#/account', 'Passkeys'],
		];
	case 'engineer':
		return [
			['#/eng/requests', 'My access'],
			['#/eng/approvals', 'Second approvals'],
			['#/account', 'Passkeys'],
		];
	case 'operator':
		return [
			['#/ops/alerts', 'Alerts'],
			['#/ops/containment', 'Containment'],
			['#/ops/scope', 'Scope'],
			['#/ops/incidents', 'Incidents'],
			['#/ops/directory', 'Directory'],
			['#/ops/invitations', 'Invitations'],
			['#/ops/log', 'Log health'],
			['#/account', 'Passkeys'],
		];
	default:
		return [['#/account', 'Passkeys']];
	}
}

function renderChrome() {
	const who = document.getElementById('who');
	const nav = document.getElementById('nav');
	if (!who || !nav)
		return;
	const s = state.session;
	who.textContent = '';
	nav.textContent = '';
	nav.hidden = !s;
	if (!s)
		return;
	const name = s.username || s.id || '';
	who.appendChild(h('span', {class: 'who-name',
	    'data-testid': 'whoami'}, name));
	who.appendChild(h('span', {class: 'who-kind'},
	    ' · ' + (KIND_NAMES[s.kind] || s.kind) +
	    (s.tenant ? ' of ' + (s.tenant_name || s.tenant) : '') +
	    (s.vendor ? ' of ' + (s.vendor_name || s.vendor) : '')));
	who.appendChild(button('Sign out', signOut,
	    {class: 'secondary small', 'data-testid': 'signout'}));
	const ul = h('ul');
	for (const [href, text] of navFor(s))
		ul.appendChild(h('li', null, h('a', {href,
		    'data-testid': 'nav-' + text.toLowerCase().replace(/ /g,
		    '-')}, text)));
	nav.appendChild(ul);
	markNav();
}

function markNav() {
	const here = location.hash;
	for (const a of document.querySelectorAll('#nav a')) {
		const href = a.getAttribute('href');
		if (here === href || here.startsWith(href + '/'))
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
	}
}

// ---- router ----------------------------------------------------------

// route('#/t/:tenant/requests/:id?', render) — render(main, params)
// returns a cleanup function (or nothing).
export function route(pattern, render, opts = {}) {
	const parts = pattern.replace(/^#\//, '').split('/');
	state.routes.push({parts, render, opts});
}

function match(r, path) {
	const segs = path.split('/').filter((x) => x !== '');
	const params = {};
	let i = 0;
	for (const p of r.parts) {
		if (p.startsWith(':')) {
			const optional = p.endsWith('?');
			const name = p.slice(1, optional ? -1 : undefined);
			if (i >= segs.length) {
				if (optional)
					continue;
				return null;
			}
			try {
				params[name] = decodeURIComponent(segs[i++]);
			} catch (e) {
				return null;
			}
		} else if (segs[i++] !== p) {
			return null;
		}
	}
	return i === segs.length ? params : null;
}

export function go(hash) {
	if (location.hash === hash)
		show();
	else
		location.hash = hash;
}

let showing = 0;

export async function show() {
	const seq = ++showing;
	const main = document.getElementById('main');
	const path = location.hash.replace(/^#\/?/, '');
	if (state.current && state.current.cleanup) {
		try {
			state.current.cleanup();
		} catch (e) {
			// a page's cleanup must not stop the next page
		}
	}
	state.current = null;
	let found = null, params = null;
	for (const r of state.routes) {
		params = match(r, path);
		if (params) {
			found = r;
			break;
		}
	}
	if (!found) {
		go(home());
		return;
	}
	if (!found.opts.anonymous && !state.session) {
		// A mailed link (#/t/T/requests/R) opened signed out: back
		// there after sign-in.
		try {
			sessionStorage.setItem(NEXT, location.hash);
		} catch (e) {
			// storage refused: the person lands on their home page
		}
		go('#/signin');
		return;
	}
	if (found.opts.kinds && !found.opts.kinds.includes(
	    state.session.kind)) {
		go(home());
		return;
	}
	// Messages stay over a re-render of the same page (an answer says
	// what it did, then the page shows the new state); they go when
	// the person goes elsewhere.
	if (path !== state.lastPath && !state.carry)
		clearMessages();
	state.carry = false;
	state.lastPath = path;
	// Each render gets its own container: a render still waiting for
	// an answer when the person moves on writes into a container that
	// is no longer on the page, never into the next page.
	main.textContent = '';
	const page = h('div', {class: 'page'});
	main.appendChild(page);
	markNav();
	main.setAttribute('aria-busy', 'true');
	let cleanup;
	try {
		cleanup = await found.render(page, params);
	} catch (e) {
		if (seq === showing) {
			fail(e);
		}
	} finally {
		if (seq === showing)
			main.removeAttribute('aria-busy');
	}
	if (seq !== showing) {
		if (typeof cleanup === 'function')
			cleanup();
		return;
	}
	state.current = {cleanup};
	const h1 = page.querySelector('h1');
	if (h1) {
		h1.setAttribute('tabindex', '-1');
		document.title = h1.textContent + ' · custos';
		if (!found.opts.noFocus)
			h1.focus({preventScroll: false});
	}
}

// True while the person is typing or choosing in the page: a text they
// typed, or the focus in a field.  Polling must not re-render then.
function editing() {
	const main = document.getElementById('main');
	const a = document.activeElement;
	if (a && main && main.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/
	    .test(a.tagName))
		return true;
	for (const el of main ? main.querySelectorAll('textarea, input') : [])
		if ((el.type === 'text' || el.type === 'search' ||
		    el.tagName === 'TEXTAREA') && el.value !== el.defaultValue)
			return true;
	return false;
}

// What polling found: shown at once, or (while the person is editing)
// announced with a button that shows it when they are ready.
export function newsArrived(text) {
	if (!editing()) {
		say(text);
		show();
		return;
	}
	say(text + ' Use "Show the changes" when you are ready.');
	const main = document.getElementById('main');
	if (!main.querySelector('[data-testid=refresh]')) {
		const h1 = main.querySelector('h1');
		const b = button('Show the changes', async () => show(),
		    {class: 'secondary', 'data-testid': 'refresh'});
		if (h1)
			h1.after(b);
		else
			main.prepend(b);
	}
}

// Polling that stops with the page.
export function every(ms, fn) {
	let stopped = false, timer = 0;
	const tick = async () => {
		if (stopped)
			return;
		try {
			await fn();
		} catch (e) {
			if (!stopped)
				fail(e);
		}
		if (!stopped)
			timer = setTimeout(tick, ms);
	};
	timer = setTimeout(tick, ms);
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}

// The first array in an answer: list endpoints name their array after
// what they list ({vendors: [...]}, {engineers: [...]}).
export function listOf(doc, key) {
	if (!doc)
		return [];
	if (Array.isArray(doc))
		return doc;
	if (key && Array.isArray(doc[key]))
		return doc[key];
	for (const v of Object.values(doc))
		if (Array.isArray(v))
			return v;
	return [];
}

export function start() {
	window.addEventListener('hashchange', show);
	// The skip link must not change the hash (the router's).
	const skip = document.getElementById('skip');
	if (skip)
		skip.addEventListener('click', (ev) => {
			ev.preventDefault();
			const h1 = document.querySelector('#main h1');
			(h1 || document.getElementById('main')).focus();
		});
	loadSession().then(() => {
		if (!location.hash || location.hash === '#' ||
		    location.hash === '#/')
			go(home());
		else
			show();
	}, (e) => {
		fail(e);
		show();
	});
}
