// SPDX-License-Identifier: ISC
//
// console/js/verify.js in a real browser: headless Chromium (CHROMIUM, or
// /usr/bin/chromium; skipped when there is none) loads it as an ES module
// from a loopback origin (localhost: a secure context, so WebCrypto is
// there) and runs it on the known answers of vectors.py.  What matters
// here is what node cannot show: that the browser's WebCrypto has
// Ed25519 and that the module loads and runs as the console loads it.
import assert from 'node:assert/strict';
import {execFile, execFileSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import http from 'node:http';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PYTHON = process.env.PYTHON ??
    (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>verify.js</title><script type="module" src="/page.mjs"></script>
</head><body>pending</body></html>`;

// Runs in the browser: every check, one result each.
const SCRIPT = `
import * as v from '/console/js/verify.js';
const unhex = (s) => Uint8Array.from(s.match(/../g) ?? [],
    (x) => parseInt(x, 16));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const out = {};
async function refused(p) {
	try { await p; return false; } catch (e) { return e instanceof v.VerifyError; }
}
try {
	const V = await (await fetch('/vectors.json')).json();
	out.blake2b = V.blake2b.every((t) => v.hex(v.blake2b(t.out_len,
	    unhex(t.msg), unhex(t.key), t.salt && unhex(t.salt),
	    t.personal && unhex(t.personal))) === t.digest);
	out.kdf = V.kdf.every((t) => v.hex(v.kdfDerive(32, BigInt(t.subkey_id),
	    t.context, unhex(t.key))) === t.subkey);
	out.poly1305 = V.poly1305.every((t) => v.hex(v.poly1305(unhex(t.key),
	    unhex(t.msg))) === t.tag);
	out.aead = V.aead.every((t) => v.hex(v.xchacha20poly1305Decrypt(
	    unhex(t.key), unhex(t.nonce), unhex(t.ct), unhex(t.ad))) === t.msg);
	const M = V.merkle;
	let incl = true;
	for (const t of M.inclusion)
		incl &&= await v.verifyInclusion(t.index, t.size,
		    await v.leafHash(v.b64decode(t.leaf)), t.proof, t.root);
	out.inclusion = incl;
	let cons = true;
	for (const t of M.consistency)
		cons &&= await v.verifyConsistency(t.old, t.new, t.old_root,
		    t.new_root, t.proof);
	out.consistency = cons;
	const N = V.note;
	out.checkpoint = (await v.verifyCheckpoint(N.cosigned, N.vkey)).size ===
	    N.size;
	out.checkpointRefused = await refused(v.verifyCheckpoint(
	    N.note.replace('\\n70\\n', '\\n71\\n'), N.vkey));
	const S = V.sealed;
	const {tagKey, sealKey} = v.deriveLogKeys(S.log_key);
	let leaves = true;
	for (const e of S.entries)
		leaves &&= same(await v.checkLeaf(e.leaf, e.index, tagKey, sealKey,
		    e.sealed), e.event);
	out.leaves = leaves;
	const bundles = S.bundles.map((b) => v.b64decode(b));
	const r = await v.checkTenantComplete({size: S.size, rootHash: S.root,
		tagKey, getBundle: async (n) => bundles[n]});
	out.complete = same([...r.own.keys()], S.own);
} catch (e) {
	out.error = String(e && e.stack || e);
}
document.body.textContent = 'RESULT ' + JSON.stringify(out);
`;

test('verify.js runs in headless Chromium', async () => {
	const files = {
		'/': ['text/html', PAGE],
		'/page.mjs': ['text/javascript', SCRIPT],
		'/console/js/verify.js': ['text/javascript',
			readFileSync(join(ROOT, 'console', 'js', 'verify.js'))],
		'/vectors.json': ['application/json', execFileSync(PYTHON,
			[join(HERE, 'vectors.py')], {maxBuffer: 64 << 20})],
	};
	const server = http.createServer((q, r) => {
		const f = files[q.url];
		r.writeHead(f ? 200 : 404, f ? {'content-type': f[0]} : {});
		r.end(f ? f[1] : '');
	});
	await new Promise((res) => server.listen(0, '127.0.0.1', res));
	const url = `http://localhost:${server.address().port}/`;
	try {
		const dom = await new Promise((res, rej) => execFile(CHROMIUM, [
			'--headless', '--no-sandbox', '--disable-gpu',
			'--no-first-run', '--disable-extensions',
			'--virtual-time-budget=60000', '--dump-dom', url],
		{timeout: 120000, maxBuffer: 16 << 20}, (err, stdout, stderr) =>
			err ? rej(new Error(`${err.message}\n${stderr}`)) : res(stdout)));
		const m = /RESULT (\{.*\})/.exec(dom);
		assert.ok(m, `the page did not finish: ${dom.slice(0, 500)}`);
		const got = JSON.parse(m[1].replace(/&amp;/g, '&')
		    .replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
		assert.deepEqual(got, {blake2b: true, kdf: true, poly1305: true,
			aead: true, inclusion: true, consistency: true, checkpoint: true,
			checkpointRefused: true, leaves: true, complete: true});
	} finally {
		server.close();
	}
});
