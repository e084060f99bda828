// SPDX-License-Identifier: ISC
// The browser tests' harness: a real custosd on a free loopback port in a
// fresh data directory, a world seeded over the API with the operator
// token, and Debian's headless Chromium driven by playwright-core, each
// person in their own browser context with their own CDP virtual
// authenticator (their "phone").  Nothing of ours is mocked: what the
// tests change on the way (page.route) is said in the test.
//
// Environment: CUSTOSD, CUSTOS (paths from the build; default
// ../../build/), CHROMIUM (default /usr/bin/chromium), FIREFOX (default
// /usr/bin/firefox-esr, for Browser.launch({ engine: 'firefox' })), KEEP=1
// keeps the data directory, HEADED=1 shows the browser.
//
// A missing browser or node_modules is an error, never a skip: these
// tests are how the console is known to work.

import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const CUSTOSD = process.env.CUSTOSD || path.join(ROOT, 'build', 'custosd');
export const CUSTOS = process.env.CUSTOS || path.join(ROOT, 'build', 'custos');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
export const SHOTS = path.join(ROOT, 'docs', 'console');

// --- what must be installed -------------------------------------------

function need(cond, what) {
	if (!cond)
		throw new Error(`browser tests cannot run: ${what}`);
}

async function loadModules(engine = 'chromium') {
	const nm = path.join(HERE, 'node_modules');
	need(fs.existsSync(path.join(nm, 'playwright-core', 'package.json')),
	    `${nm}/playwright-core is missing: run scripts/browser-deps`);
	need(fs.existsSync(path.join(nm, '@axe-core', 'playwright', 'package.json')),
	    `${nm}/@axe-core/playwright is missing: run scripts/browser-deps`);
	if (engine === 'firefox')
		need(fs.existsSync(FIREFOX),
		    `${FIREFOX} is missing: run scripts/deps (Debian's firefox-esr)`);
	else
		need(fs.existsSync(CHROMIUM),
		    `${CHROMIUM} is missing: run scripts/deps (Debian's chromium)`);
	need(fs.existsSync(CUSTOSD), `custosd not found at ${CUSTOSD} (set CUSTOSD)`);
	const pw = await import(pathToFileURL(
	    path.join(nm, 'playwright-core', 'index.mjs')).href);
	const axe = await import(pathToFileURL(
	    path.join(nm, '@axe-core', 'playwright', 'dist', 'index.mjs')).href);
	return { chromium: pw.chromium, firefox: pw.firefox,
	    AxeBuilder: axe.default || axe.AxeBuilder };
}

// Playwright 1.65 drives Firefox over WebDriver BiDi (the moz-firefox
// channel), and on every new context it sends
// emulation.setMediaFeaturesOverride (prefers-color-scheme), a command
// Firefox 153 ESR does not have yet: newContext then fails with "unknown
// command".  The command still goes to Firefox; only that answer, to that
// command, is turned into success (no colour scheme is emulated, which no
// test asks for).  Every other command and answer passes unchanged, and
// Chromium (CDP over a pipe) never goes through here.
const UNKNOWN_TO_FIREFOX = new Set(['emulation.setMediaFeaturesOverride']);
let bidiPatched = false;
function tolerateUnknownBidiCommands() {
	if (bidiPatched)
		return;
	const core = createRequire(path.join(HERE, 'node_modules', 'playwright-core',
	    'index.js'))('./lib/coreBundle.js');
	const T = core.server?.WebSocketTransport;
	need(T && typeof T.prototype.send === 'function',
	    'playwright-core has no server.WebSocketTransport: the Firefox shim in harness.mjs needs updating');
	const send = T.prototype.send;
	T.prototype.send = function (m) {
		if (m && UNKNOWN_TO_FIREFOX.has(m.method)) {
			if (!this.custosAsked) {
				this.custosAsked = new Set();
				const deliver = this.onmessage;
				this.onmessage = (r) => {
					if (r && r.type === 'error' && r.error === 'unknown command' &&
					    this.custosAsked.delete(r.id))
						r = { type: 'success', id: r.id, result: {} };
					else if (r && r.id !== undefined)
						this.custosAsked.delete(r.id);
					return deliver(r);
				};
			}
			this.custosAsked.add(m.id);
		}
		return send.call(this, m);
	};
	bidiPatched = true;
}

// --- small things -------------------------------------------------------

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export function totpSecret() {
	const b = crypto.randomBytes(20);
	let bits = 0, v = 0, out = '';
	for (const x of b) {
		v = (v << 8) | x; bits += 8;
		while (bits >= 5) { out += B32[(v >>> (bits - 5)) & 31]; bits -= 5; }
	}
	return out;
}

// The code for secret at the daemon's time, made by oathtool (the
// independent implementation the Python tests use too).  Codes are single
// use per account: a second login in the same 30 s step moves the
// daemon's test clock on to the next step (Daemon.skip) rather than
// waiting for it.
const lastStep = new Map();
export async function totp(secret, d) {
	let at = d.now();
	if (lastStep.get(secret) === Math.floor(at / 30)) {
		d.skip(30 - (at % 30) + 0.5);
		at = d.now();
	}
	lastStep.set(secret, Math.floor(at / 30));
	const when = new Date(Math.floor(at) * 1000).toISOString()
	    .replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
	return execFileSync('oathtool', ['--totp', '-b', secret, '--now', when],
	    { encoding: 'utf8' }).trim();
}

// --- HTTP to custosd (outside the browser) ----------------------------

// One request; body JSON-encoded unless raw is given.  Answers
// {status, headers (lower-case names; set-cookie an array), text, body}.
export function request(base, method, p, { body, raw, token, headers = {},
    cookie } = {}) {
	const u = new URL(p, base);
	const data = raw !== undefined ? Buffer.from(raw)
	    : body !== undefined ? Buffer.from(JSON.stringify(body)) : null;
	const h = { ...headers };
	if (token) h.Authorization = `Bearer ${token}`;
	if (cookie) h.Cookie = cookie;
	if (data) {
		h['Content-Type'] = h['Content-Type'] || 'application/json';
		h['Content-Length'] = data.length;
	}
	const mod = u.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const req = mod.request(u, { method, headers: h,
		    rejectUnauthorized: false, timeout: 60000 }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let doc = null;
				try { doc = text ? JSON.parse(text) : null; } catch { doc = null; }
				resolve({ status: res.statusCode, headers: res.headers, text,
				    body: doc, toString() { return `<${this.status} ${text.slice(0, 300)}>`; } });
			});
		});
		req.on('error', reject);
		req.on('timeout', () => req.destroy(new Error(`${method} ${p}: timeout`)));
		if (data) req.write(data);
		req.end();
	});
}

// --- the daemon ---------------------------------------------------------

export class Daemon {
	// opts.tls: serve HTTPS with a fresh self-signed certificate for
	// localhost.  opts.extra: more flags.
	static async start(opts = {}) {
		need(fs.existsSync(CUSTOSD), `custosd not found at ${CUSTOSD} (set CUSTOSD)`);
		const d = new Daemon();
		d.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custos-browser-'));
		d.data = path.join(d.dir, 'data');
		d.port = await freePort();
		d.tls = !!opts.tls;
		const scheme = d.tls ? 'https' : 'http';
		// localhost, not 127.0.0.1: an IP address is never a WebAuthn
		// RP ID, and localhost is a secure context without TLS.
		d.url = `${scheme}://localhost:${d.port}`;
		const args = ['--data', d.data, '--listen', `127.0.0.1:${d.port}`,
		    '--public-url', d.url, '--pwhash-ops', '1', '--pwhash-mem', '8192',
		    '--quiet'];
		if (d.tls) {
			const cert = path.join(d.dir, 'cert.pem'), key = path.join(d.dir, 'key.pem');
			execFileSync('openssl', ['req', '-x509', '-newkey', 'ec',
			    '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
			    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
			    '-keyout', key, '-out', cert], { stdio: 'ignore' });
			args.push('--tls-cert', cert, '--tls-key', key);
		}
		args.push(...(opts.extra || []));
		// The daemon's clock: real time plus an offset that only grows
		// (Daemon.skip), written to a --test-clock file four times a
		// second, so TOTP steps can be skipped without waiting.
		d.offset = 0;
		d.clockFile = path.join(d.dir, 'clock');
		d.writeClock();
		d.ticker = setInterval(() => d.writeClock(), 250);
		d.ticker.unref();
		args.push('--test-clock', d.clockFile);
		d.logFile = path.join(d.dir, 'custosd.log');
		const log = fs.openSync(d.logFile, 'w');
		d.proc = spawn(CUSTOSD, args, { stdio: ['ignore', log, log],
		    env: { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS ||
		    'detect_leaks=1:abort_on_error=1' } });
		fs.closeSync(log);
		d.exited = new Promise((r) => d.proc.on('exit', (code, sig) => r(code ?? sig)));
		const deadline = Date.now() + 30000;
		for (;;) {
			if (d.proc.exitCode !== null)
				throw new Error(`custosd exited: ${d.readLog()}`);
			try {
				if ((await d.call('GET', '/v1/health')).status === 200)
					break;
			} catch { /* not up yet */ }
			if (Date.now() > deadline)
				throw new Error(`custosd did not become ready: ${d.readLog()}`);
			await sleep(50);
		}
		d.operator = fs.readFileSync(path.join(d.data, 'operator.token'), 'utf8').trim();
		return d;
	}

	now() { return Date.now() / 1000 + this.offset; }

	writeClock() {
		fs.writeFileSync(`${this.clockFile}.tmp`, this.now().toFixed(3));
		fs.renameSync(`${this.clockFile}.tmp`, this.clockFile);
	}

	// Moves the daemon's clock seconds on (and keeps it there).
	skip(seconds) {
		this.offset += seconds;
		this.writeClock();
	}

	readLog() {
		try { return fs.readFileSync(this.logFile, 'utf8'); } catch { return ''; }
	}

	// Stops custosd; its exit status must be 0 (a sanitizer report is not).
	async stop() {
		if (!this.proc)
			return 0;
		clearInterval(this.ticker);
		if (this.proc.exitCode === null) {
			this.proc.kill('SIGTERM');
			const t = setTimeout(() => this.proc.kill('SIGKILL'), 20000);
			await this.exited;
			clearTimeout(t);
		}
		const rc = await this.exited;
		if (rc !== 0)
			process.stderr.write(`custosd log:\n${this.readLog()}\n`);
		if (!process.env.KEEP)
			fs.rmSync(this.dir, { recursive: true, force: true });
		else
			process.stderr.write(`kept ${this.dir}\n`);
		this.proc = null;
		return rc;
	}

	call(method, p, opts) { return request(this.url, method, p, opts); }
	op(method, p, body) { return this.call(method, p, { body, token: this.operator }); }

	// Every log entry from start on, as the operator reads them:
	// [{index, leaf, sealed, event}].
	async entries(start = 0) {
		const out = [];
		for (;;) {
			const r = await this.op('GET', `/v1/log/entries?start=${start}`);
			if (r.status !== 200)
				throw new Error(`log/entries: ${r}`);
			out.push(...r.body.entries);
			if (r.body.entries.length === 0)
				return out;
			start = r.body.entries.at(-1).index + 1;
		}
	}

	async logSize() {
		return (await this.op('GET', '/v1/log/entries?start=0&end=0')).body.size;
	}

	// The mails in DIR/outbox/new, oldest first, as raw text.
	mails() {
		const dir = path.join(this.data, 'outbox', 'new');
		if (!fs.existsSync(dir))
			return [];
		return fs.readdirSync(dir).map((f) => path.join(dir, f))
		    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs)
		    .map((f) => decodeMail(fs.readFileSync(f, 'utf8')));
	}

	// Waits for a mail to `to` whose text matches re; answers the match.
	async waitMail(to, re, ms = 10000) {
		const deadline = Date.now() + ms;
		for (;;) {
			for (const m of this.mails().reverse()) {
				if (!m.to.includes(to))
					continue;
				const x = m.text.match(re);
				if (x)
					return x;
			}
			if (Date.now() > deadline)
				throw new Error(`no mail to ${to} matching ${re}`);
			await sleep(100);
		}
	}

	// Waits for an alert of rule about subject (GET /v1/alerts).
	async waitAlert(rule, subject, ms = 15000) {
		const deadline = Date.now() + ms;
		for (;;) {
			const r = await this.op('GET', '/v1/alerts');
			const a = (r.body?.alerts || []).find((x) => x.rule === rule &&
			    (!subject || x.subject === subject));
			if (a)
				return a;
			if (Date.now() > deadline)
				throw new Error(`no ${rule} alert about ${subject}: ${r}`);
			await sleep(200);
		}
	}
}

// Headers and body of an RFC 5322 message, quoted-printable and base64
// bodies decoded (enough for custosd's own mails).
function decodeMail(raw) {
	const [head, ...rest] = raw.split(/\r?\n\r?\n/);
	let text = rest.join('\n\n');
	const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
	const hdr = (n) => (unfolded.match(new RegExp(`^${n}:\\s*(.*)$`, 'mi')) || [])[1] || '';
	const cte = hdr('Content-Transfer-Encoding').toLowerCase();
	if (cte === 'quoted-printable')
		text = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi,
		    (_, h) => String.fromCharCode(parseInt(h, 16)));
	else if (cte === 'base64')
		text = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
	return { to: hdr('To'), subject: hdr('Subject'), text, raw };
}

export function ok(r, status = [200, 201, 202]) {
	const want = Array.isArray(status) ? status : [status];
	if (!want.includes(r.status))
		throw new Error(`unexpected answer ${r} (wanted ${want.join('/')})`);
	return r.body;
}

// --- the world ----------------------------------------------------------

// A vendor Sitel with engineer ana.0 (password, TOTP, a registered
// Ed25519 device "laptop"), tenant Acme (approval required) with admin
// alice (password + TOTP) and user bob, and a ticket.  Everything through
// the operator API.
export async function seedWorld(d, { tenant = 'acme' } = {}) {
	const w = { d, tenant, tenantName: 'Acme', vendor: 'sitel', vendorName: 'Sitel' };
	const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
	w.deviceKey = privateKey;
	const pub = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
	w.engineer = { id: 'ana0', username: 'ana.0', password: 'engineer password 1',
	    totp: totpSecret(), device: 'laptop0' };
	w.admin = { id: `${tenant}-alice`, username: 'alice', email: `alice@${tenant}.example`,
	    password: 'alice password 12', totp: totpSecret() };
	w.admin2 = { id: `${tenant}-carol`, username: 'carol', email: `carol@${tenant}.example`,
	    password: 'carol password 12', totp: totpSecret() };
	w.user = { id: `${tenant}-bob`, username: 'bob', email: `bob@${tenant}.example`,
	    password: 'bob password 1234', totp: totpSecret() };
	w.ticket = { id: `${tenant}-t1`, subject: 'Bob cannot log in since Monday' };
	ok(await d.op('POST', '/v1/vendors', { id: w.vendor, name: w.vendorName }), 201);
	ok(await d.op('POST', '/v1/engineers', { id: w.engineer.id, username: w.engineer.username,
	    vendor: w.vendor, password: w.engineer.password, totp_secret: w.engineer.totp }), 201);
	ok(await d.op('POST', `/v1/engineers/${w.engineer.id}/devices`, { id: w.engineer.device,
	    name: 'laptop', public_key: pub.toString('base64') }), 201);
	ok(await d.op('POST', '/v1/tenants', { id: tenant, name: w.tenantName,
	    support_policy: 'approval_required' }), 201);
	for (const [u, role] of [[w.admin, 'admin'], [w.admin2, 'admin'], [w.user, 'user']])
		ok(await d.op('POST', `/v1/tenants/${tenant}/users`, { id: u.id, username: u.username,
		    email: u.email, password: u.password, role, totp_secret: u.totp }), 201);
	ok(await d.op('POST', `/v1/tenants/${tenant}/tickets`, { id: w.ticket.id,
	    subject: w.ticket.subject, body: 'He gets "invalid password" since Monday.',
	    requester: w.user.email }), 201);
	return w;
}

// The engineer's two login steps, the device signing the challenge in
// node (as the CLI does with the device key).  cookie: ask for a cookie
// session; answers {token} or {cookie: "name=value", setCookie}.
export async function engineerLogin(w, { cookie = false } = {}) {
	const d = w.d, e = w.engineer;
	const r1 = ok(await d.call('POST', '/v1/auth/login', { body: {
	    username: e.username, device: e.device } }), 200);
	const sig = crypto.sign(null, Buffer.from(r1.challenge), w.deviceKey);
	const body = { login_id: r1.login_id, password: e.password,
	    totp: await totp(e.totp, d), device_signature: sig.toString('base64') };
	if (cookie)
		body.session = 'cookie';
	return sessionOf(await d.call('POST', '/v1/auth/verify', { body }), cookie);
}

// A tenant person's password + TOTP login over the API.
export async function tenantLogin(w, who, { cookie = false } = {}) {
	const body = { username: who.username, password: who.password, totp: await totp(who.totp, w.d) };
	if (cookie)
		body.session = 'cookie';
	return sessionOf(await w.d.call('POST', `/v1/tenants/${w.tenant}/auth/login`, { body }), cookie);
}

function sessionOf(r, cookie) {
	const b = ok(r, 200);
	if (!cookie)
		return { token: b.token, body: b, res: r };
	const sc = r.headers['set-cookie'] || [];
	if (sc.length !== 1)
		throw new Error(`wanted one Set-Cookie, got ${JSON.stringify(sc)} in ${r}`);
	return { cookie: sc[0].split(';')[0], setCookie: sc[0], body: b, res: r };
}

// A cookie-authenticated call the way the console makes it: the CSRF
// token from GET /v1/session, the public origin.
export async function cookieCall(d, cookie, method, p, body, extra = {}) {
	const s = ok(await d.call('GET', '/v1/session', { cookie }), 200);
	return d.call(method, p, { body, cookie, headers: { 'X-CSRF-Token': s.csrf,
	    Origin: d.url, ...extra } });
}

// --- the browser --------------------------------------------------------

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];

export class Browser {
	// engine: 'chromium' (Debian's chromium over CDP) or 'firefox'
	// (Debian's firefox-esr over WebDriver BiDi, playwright's moz-firefox
	// channel).
	static async launch({ engine = 'chromium' } = {}) {
		const m = await loadModules(engine);
		const b = new Browser();
		b.engine = engine;
		b.AxeBuilder = m.AxeBuilder;
		if (engine === 'firefox') {
			tolerateUnknownBidiCommands();
			b.browser = await m.firefox.launch({ channel: 'moz-firefox',
			    executablePath: FIREFOX, headless: !process.env.HEADED });
		} else {
			b.browser = await m.chromium.launch({ executablePath: CHROMIUM,
			    headless: !process.env.HEADED, args: CHROMIUM_ARGS });
		}
		return b;
	}

	// A person: a fresh context (own cookies) with one page and, unless
	// authenticator is false, a virtual platform authenticator with user
	// verification.  In Firefox there is none unless asked for, and then
	// it is playwright's own (Person.addAuthenticator).  Answers a Person.
	async person(d, name, { authenticator = this.engine !== 'firefox', viewport, isMobile } = {}) {
		const ctx = await this.browser.newContext({ baseURL: d.url,
		    ignoreHTTPSErrors: true, viewport: viewport || { width: 1280, height: 900 },
		    isMobile: !!isMobile, hasTouch: !!isMobile, locale: 'en-GB',
		    timezoneId: 'UTC' });
		ctx.setDefaultTimeout(15000);
		// Collects what the page itself reports: CSP violations (none
		// may happen: a violation is inline code we missed or a resource
		// of another origin) and uncaught errors.  An init script runs
		// through the devtools protocol, outside the page's CSP.
		await ctx.addInitScript(() => {
			window.__custosViolations = [];
			document.addEventListener('securitypolicyviolation', (e) => {
				window.__custosViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
			});
		});
		const page = await ctx.newPage();
		const p = new Person(this, d, name, ctx, page);
		page.on('pageerror', (e) => p.errors.push(String(e)));
		// The console talks to its own origin only, and there only to
		// the API and its own files (issue 13: no third-party origin).
		const origin = new URL(d.url).origin;
		page.on('request', (r) => {
			const u = new URL(r.url());
			if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:')
				return;
			if (u.origin !== origin)
				p.offsite.push(r.url());
			else if (!/^\/($|console\/|v1\/|reset$|favicon\.ico$)/.test(u.pathname))
				p.errors.push(`request outside the console and the API: ${u.pathname}`);
		});
		// (Firefox spells it Content-Security-Policy.)
		const cspSaid = this.engine === 'firefox' ? /Content[- ]Security[- ]Policy|Refused to/i
		    : /Content Security Policy|Refused to/i;
		page.on('console', (m) => {
			if (m.type() === 'error' && cspSaid.test(m.text()))
				p.errors.push(`console: ${m.text()}`);
		});
		if (authenticator)
			await p.addAuthenticator();
		return p;
	}

	async close() {
		if (this.browser)
			await this.browser.close();
		this.browser = null;
	}
}

export class Person {
	constructor(b, d, name, ctx, page) {
		Object.assign(this, { b, d, name, ctx, page, errors: [], offsite: [] });
	}

	// The CDP virtual authenticator: a platform authenticator (internal
	// transport) holding discoverable credentials, doing user
	// verification, which succeeds.  Bound to this page's target.
	//
	// Firefox: playwright adds no authenticator to the browser there (no
	// CDP; Firefox's virtual authenticators are WebDriver classic
	// commands).  What it has is context.credentials: a script in every
	// page that answers navigator.credentials.create()/get() itself,
	// with ES256 discoverable credentials, in place of Firefox's
	// WebAuthn.  So in Firefox the console's passkey code and custosd's
	// checks are exercised, Firefox's own WebAuthn is not.
	async addAuthenticator() {
		if (this.b.engine === 'firefox') {
			await this.ctx.credentials.install();
			this.authenticatorId = 'playwright';
			return this.authenticatorId;
		}
		this.cdp = await this.ctx.newCDPSession(this.page);
		await this.cdp.send('WebAuthn.enable');
		const r = await this.cdp.send('WebAuthn.addVirtualAuthenticator', {
			options: { protocol: 'ctap2', transport: 'internal',
			    hasResidentKey: true, hasUserVerification: true,
			    isUserVerified: true, automaticPresenceSimulation: true } });
		this.authenticatorId = r.authenticatorId;
		return r.authenticatorId;
	}

	async credentials() {
		if (this.b.engine === 'firefox')
			return this.ctx.credentials.get({ rpId: new URL(this.d.url).hostname });
		const r = await this.cdp.send('WebAuthn.getCredentials',
		    { authenticatorId: this.authenticatorId });
		return r.credentials;
	}

	// Opens a console page; the page it is on already is loaded afresh
	// (a hash router does nothing on the same hash).
	goto(hash) {
		const u = new URL(hash.startsWith('/') ? hash : `/${hash}`, this.d.url);
		if (this.page.url() === u.href)
			return this.page.reload();
		return this.page.goto(u.href);
	}

	// The session cookie as "name=value" (for a request outside the
	// browser, or for another context).
	async sessionCookie() {
		const cs = await this.ctx.cookies(this.d.url);
		const c = cs.find((x) => /custos_session$/.test(x.name));
		if (!c)
			throw new Error(`${this.name} has no session cookie: ${JSON.stringify(cs)}`);
		return c;
	}

	// What the page reported against its CSP, and uncaught errors.
	async problems() {
		let v = [];
		try { v = await this.page.evaluate(() => window.__custosViolations || []); } catch { /* navigating */ }
		return [...this.errors, ...v, ...this.offsite.map((u) => `request to another origin: ${u}`)];
	}

	// axe-core on the page as it is: the serious and critical violations.
	async axe() {
		const r = await new this.b.AxeBuilder({ page: this.page })
		    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
		    .analyze();
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3)
		    .map((n) => n.target.join(' ')).join(' | ')}`);
	}

	// Saves docs/console/<name>.png.
	async shot(name) {
		fs.mkdirSync(SHOTS, { recursive: true });
		await this.page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
	}

	// An API call from inside the page, the way the console's api() makes
	// it (same session cookie, X-CSRF-Token from GET /v1/session).
	// stepUp: {action, target}: first a step-up assertion on this
	// person's authenticator, sent as body.step_up.
	async apiInPage(method, p, body, stepUp) {
		if (!this.page.url().startsWith(this.d.url))
			await this.goto('/');
		return this.page.evaluate(async ({ method, p, body, stepUp }) => {
			const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
			    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
			const unb64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+')
			    .replace(/_/g, '/')), (c) => c.charCodeAt(0));
			const s = await (await fetch('/v1/session', { credentials: 'same-origin' })).json();
			const post = (url, m, obj) => fetch(url, { method: m, credentials: 'same-origin',
			    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf },
			    body: obj === undefined ? undefined : JSON.stringify(obj) });
			if (stepUp) {
				const o = await (await post('/v1/step-up/options', 'POST', stepUp)).json();
				const pk = o.publicKey;
				const cred = await navigator.credentials.get({ publicKey: {
				    ...pk, challenge: unb64u(pk.challenge),
				    allowCredentials: (pk.allowCredentials || []).map((c) =>
				    ({ ...c, id: unb64u(c.id) })) } });
				body = { ...(body || {}), step_up: { challenge_id: o.challenge_id,
				    credential: { id: cred.id, rawId: b64u(cred.rawId), type: cred.type,
				    response: { clientDataJSON: b64u(cred.response.clientDataJSON),
				    authenticatorData: b64u(cred.response.authenticatorData),
				    signature: b64u(cred.response.signature),
				    userHandle: cred.response.userHandle ? b64u(cred.response.userHandle) : null } } } };
			}
			const r = await post(p, method, method === 'GET' ? undefined : (body || {}));
			const text = await r.text();
			let doc = null;
			try { doc = JSON.parse(text); } catch { /* not JSON */ }
			return { status: r.status, body: doc, text };
		}, { method, p, body, stepUp });
	}

	async close() { await this.ctx.close(); }
}

// The console's fixed hooks (CONSOLE.md section 7) and the words it
// shows; one place, so a renamed hook is changed once.
export const hook = {
	request: (id) => `[data-testid="request-${id}"]`,
	approve: '[data-testid="approve"]',
	deny: '[data-testid="deny"]',
	revoke: '[data-testid="revoke"]',
	verifyState: '[data-testid="verify-state"]',
};

// Signs in on #/signin with "Sign in with a passkey" (a discoverable
// credential on this person's authenticator) and waits for the console
// to leave the sign-in page.
export async function passkeySignIn(p) {
	await p.goto('#/signin');
	await p.page.locator('[data-testid="signin-passkey"]').click();
	await waitHash(p, (x) => !x.startsWith('#/signin'), 'passkey sign-in');
}

// Enrols a person by the mailed invitation link (#/invite/<token>) with
// a passkey on their authenticator; they are then signed in.
export async function enrolByInvitation(p, link) {
	const u = new URL(link);
	await p.goto(`/${u.hash}`);
	await p.page.locator('[data-testid="invite-passkey"]').click();
	await waitHash(p, (x) => !x.startsWith('#/invite'), 'enrolment by invitation with a passkey');
}

// The operator's console session: the operator token form on #/signin.
export async function operatorSignIn(p) {
	await p.goto('#/signin');
	await p.page.getByText(/sign in with the operator token/i).click();
	await p.page.locator('[data-testid="signin-operator-token"]').fill(p.d.operator);
	await p.page.locator('[data-testid="signin-operator-submit"]').click();
	await waitHash(p, (x) => !x.startsWith('#/signin'), 'operator sign-in');
}

// A tenant person's password + TOTP sign-in on #/signin.
export async function passwordSignIn(p, w, who) {
	await p.goto('#/signin');
	const pg = p.page;
	await pg.locator('[data-testid="signin-tenant"]').fill(w.tenant);
	await pg.locator('[data-testid="signin-username"]').fill(who.username);
	await pg.locator('[data-testid="signin-password"]').fill(who.password);
	await pg.locator('[data-testid="signin-totp"]').fill(await totp(who.totp, w.d));
	await pg.locator('[data-testid="signin-submit"]').click();
	await waitHash(p, (x) => !x.startsWith('#/signin'), 'password sign-in');
}

// Gives the engineer a console session: the device-key login made in
// node (the device key is not in the browser) with "session": "cookie",
// the cookie then put in the engineer's context.  (Engineers' passkeys
// stand in for the device in the browser; the passkey tests enrol one.)
export async function engineerConsoleSession(w, p) {
	const s = await engineerLogin(w, { cookie: true });
	const [name, value] = [s.cookie.slice(0, s.cookie.indexOf('=')),
	    s.cookie.slice(s.cookie.indexOf('=') + 1)];
	await p.ctx.addCookies([{ name, value, url: w.d.url, httpOnly: true,
	    sameSite: 'Strict', secure: w.d.tls }]);
	return s;
}

// Runs fn with a daemon, a seeded world and a browser, and always stops
// them; custosd must exit 0.
export async function withWorld(fn, opts = {}) {
	const d = await Daemon.start(opts);
	let b;
	try {
		const w = await seedWorld(d);
		b = await Browser.launch();
		await fn({ d, w, b });
	} finally {
		if (b)
			await b.close();
		const rc = await d.stop();
		if (rc !== 0)
			throw new Error(`custosd exited with ${rc} (sanitizer report?)`);
	}
}

// An access request made by the engineer over the API (bearer); answers
// its id.
export async function requestAccess(w, token, { reason = 'Bob cannot log in; check his account', minutes = 60 } = {}) {
	const r = ok(await w.d.call('POST', `/v1/tenants/${w.tenant}/access-requests`,
	    { token, body: { ticket: w.ticket.id, reason, minutes } }), 201);
	return r.id;
}

// The entry fields that say what happened, without when, where in the
// log and through which connection.
export function gist(e) {
	const ev = { ...e };
	for (const k of ['time', 'index', 'source', 'session'])
		delete ev[k];
	return ev;
}

// --- people with passkeys -------------------------------------------------

// A new tenant admin without a password, invited by the operator; the
// mailed link is opened in a fresh context and a passkey enrolled on its
// virtual authenticator.  Answers the signed-in Person (with .who).
export async function invitedAdmin(b, w, username = 'dora') {
	const d = w.d;
	const who = { id: `${w.tenant}-${username}`, username, email: `${username}@${w.tenant}.example` };
	ok(await d.op('POST', `/v1/tenants/${w.tenant}/users`, { id: who.id,
	    username, email: who.email, role: 'admin' }), 201);
	ok(await d.op('POST', '/v1/invitations', { kind: 'tenant_user', tenant: w.tenant,
	    user: who.id }), 201);
	const [link] = await d.waitMail(who.email, /https?:\/\/\S+#\/invite\/[A-Za-z0-9_-]+/);
	const p = await b.person(d, username);
	p.who = who;
	await enrolByInvitation(p, link);
	return p;
}

// Tenant admin who (password + TOTP) signs in on the console, adds a
// passkey on #/account, signs out and signs in again with the passkey.
export async function adminWithPasskey(b, w, who = w.admin) {
	const p = await b.person(w.d, who.username);
	p.who = who;
	await passwordSignIn(p, w, who);
	await registerPasskey(p);
	await signOut(p);
	await passkeySignIn(p);
	return p;
}

// Adds a passkey on #/account for whoever is signed in.
export async function registerPasskey(p, name = 'virtual authenticator') {
	await p.goto('#/account');
	await p.page.locator('[data-testid="passkey-add"]').first().waitFor();
	await sleep(300);
	const forms = await p.page.locator('[data-testid="passkey-add"]').count();
	if (forms !== 1)
		p.errors.push(`#/account rendered ${forms} times into main (a double render)`);
	await p.page.locator('[data-testid="passkey-name"]').first().fill(name);
	const done = p.page.waitForResponse((r) => r.request().method() === 'POST' &&
	    new URL(r.url()).pathname === '/v1/passkeys');
	await p.page.locator('[data-testid="passkey-add"]').first().click();
	const r = await done;
	if (r.status() !== 201)
		throw new Error(`passkey registration answered ${r.status()}: ${await r.text()}`);
	if ((await p.credentials()).length < 1)
		throw new Error('the virtual authenticator holds no credential after registration');
}

export async function signOut(p) {
	await p.page.locator('[data-testid="signout"]').click();
	await waitHash(p, (x) => x.startsWith('#/signin'), 'sign-out');
}

// Waits for the answer to the console's call matching method and a
// path regexp while act() runs; answers {status, body}.
export async function answerTo(p, method, re, act) {
	const wait = p.page.waitForResponse((r) => r.request().method() === method &&
	    re.test(new URL(r.url()).pathname));
	await act();
	const r = await wait;
	let body = null;
	try { body = await r.json(); } catch { /* not JSON */ }
	return { status: r.status(), body, request: r.request() };
}

// Clicks the confirmation the console asks for after a destructive
// click, whichever way it asks: a native confirm() (accepted), or a
// dialog element / role=dialog with a confirming button.
export async function confirmIfAsked(p, name = /^(confirm|yes|contain|reset|lift|revoke|deny)/i) {
	const dlg = p.page.locator('dialog[open], [role="dialog"], [role="alertdialog"]');
	try {
		await dlg.first().waitFor({ timeout: 1500 });
	} catch {
		return false;
	}
	// A reason, where one is asked for, is recorded in the log.
	for (const box of await dlg.first().locator('textarea, input[type="text"], input:not([type])').all())
		if (!(await box.inputValue()))
			await box.fill('browser test: done from the console');
	const ok = dlg.first().locator('[data-testid="confirm-ok"]');
	if (await ok.count())
		await ok.click();
	else
		await dlg.first().getByRole('button', { name }).first().click();
	return true;
}

// Accepts native confirm() dialogs on this person's page from now on.
export function acceptDialogs(p) {
	p.page.on('dialog', (dl) => dl.accept().catch(() => {}));
}

// The engineer's "Ask for access" form on #/eng/requests; answers the
// console's POST's {status, body, request}.
export async function askInConsole(p, w, { reason = 'Bob cannot log in since Monday; checking his account',
    minutes = '60' } = {}) {
	const pg = p.page;
	await pg.locator('[data-testid="ask-tenant"]').fill(w.tenant);
	await pg.locator('[data-testid="ask-ticket"]').fill(w.ticket.id);
	await pg.locator('[data-testid="ask-reason"]').fill(reason);
	await pg.locator('[data-testid="ask-minutes"]').selectOption(String(minutes));
	return answerTo(p, 'POST', /\/access-requests$/, () =>
	    pg.locator('[data-testid="ask-submit"]').click());
}

// What the console says right now: its URL, status and error regions.
export async function messages(p) {
	const t = async (sel) => (await p.page.locator(sel).first().innerText().catch(() => '')).trim();
	return { url: p.page.url(), status: await t('#status'), errors: await t('#errors') };
}

// Waits until the console's error region (role=alert) says something
// matching re; fails naming what it says instead.
export async function waitError(p, re = /\S/, ms = 15000) {
	try {
		await p.page.locator('[role="alert"]').filter({ hasText: re }).first().waitFor({ timeout: ms });
	} catch {
		throw new Error(`the console shows no error matching ${re}: ${JSON.stringify(await messages(p))}`);
	}
}

// Waits for the console to leave (or reach) a page; on timeout says what
// the console shows instead.
export async function waitHash(p, pred, what, ms = 15000) {
	try {
		await p.page.waitForURL((u) => pred(u.hash), { timeout: ms });
	} catch {
		throw new Error(`${p.name}: ${what} did not happen: ${JSON.stringify(await messages(p))}`);
	}
}
