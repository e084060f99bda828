// SPDX-License-Identifier: ISC
//
// console/js/verify.js against a real custosd (CUSTOSD, default
// build/custosd), started and seeded by tests/console/custosd_driver.py:
// the log's checkpoint, inclusion and consistency proofs, and a tenant's
// access log (entries opened, tags, the complete check over the public
// entry bundles) verify as served; changed ones are refused.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {createInterface} from 'node:readline';
import {after, before, describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';

import * as v from '../../console/js/verify.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PYTHON = process.env.PYTHON ??
    (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const CUSTOSD = process.env.CUSTOSD ?? join(ROOT, 'build', 'custosd');

let driver, exited, info;

async function call(path, token) {
	const r = await fetch(info.url + path, {headers: token ?
		{authorization: 'Bearer ' + token} : {}});
	const text = await r.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch (e) { /* text answers */ }
	return {status: r.status, text, json};
}

async function ok(path, token) {
	const r = await call(path, token);
	assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 300)}`);
	return r;
}

// Every page of the tenant's access log, following next.
async function accessLog(tenant, token) {
	const pages = [];
	let start = 0;
	for (;;) {
		const p = (await ok(`/v1/tenants/${tenant}/access-log?start=${start}`,
		    token)).json;
		pages.push(p);
		if (p.next === null)
			return pages;
		start = p.next;
	}
}

const clone = (x) => structuredClone(x);

function flipB64(s, i = 0) {
	const b = v.b64decode(s);
	b[(i + b.length) % b.length] ^= 1;
	return v.b64encode(b);
}

describe('verify.js against a real custosd', () => {
	let vkey, logKey, pages, getBundle;

	before(async () => {
		driver = spawn(PYTHON, [join(HERE, 'custosd_driver.py')], {
			env: {...process.env, CUSTOSD},
			stdio: ['pipe', 'pipe', 'inherit'],
		});
		exited = new Promise((res) => driver.on('exit', (code) => res(code)));
		const lines = createInterface({input: driver.stdout});
		info = await new Promise((res, rej) => {
			lines.once('line', (l) => res(JSON.parse(l)));
			driver.once('exit', (code) => rej(new Error(
			    `custosd_driver.py exited with ${code}`)));
		});
		vkey = (await ok('/v1/log/key')).text;
		logKey = (await ok(`/v1/tenants/${info.tenant}/log-key`,
		    info.admin)).json;
		assert.equal(logKey.format, v.LEAF_FORMAT);
		pages = await accessLog(info.tenant, info.admin);
		getBundle = v.fetchBundles(info.url);
	});

	after(async () => {
		if (driver === undefined)
			return;
		driver.stdin.end();
		assert.equal(await exited, 0, 'custosd did not stop cleanly');
	});

	test('the checkpoint verifies with the log key; a changed one does not',
	    async () => {
		const note = (await ok('/v1/log/checkpoint')).text;
		const c = await v.verifyCheckpoint(note, vkey);
		assert.ok(c.size > 10, `size ${c.size}`);
		const [origin, size, root] = note.split('\n');
		const changed = [
			note.replace(`\n${size}\n`, `\n${c.size + 1}\n`),
			note.replace(`\n${root}\n`, `\n${flipB64(root)}\n`),
			note.replace(/ (\S+)\n$/, (m, s) => ' ' + flipB64(s, 30) + '\n'),
			note.replace(origin + '\n', origin + 'x\n'),
			note.replace(/\n\n[^]*$/, '\n\n'),
		];
		for (const n of changed)
			await assert.rejects(v.verifyCheckpoint(n, vkey), v.VerifyError,
			    n);
		// Signed by custosd, but checked with another log's key.
		const vk = await v.parseVerifierKey(vkey);
		const other = {...vk, publicKey: v.b64decode(
		    'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=')};
		await assert.rejects(v.verifyCheckpoint(note, other),
		    /invalid signature/);
	});

	test('inclusion proofs lead to the signed root; a changed one does not',
	    async () => {
		const c = await v.verifyCheckpoint((await ok('/v1/log/checkpoint')).text,
		    vkey);
		const indexes = [0, Math.floor(c.size / 2), c.size - 1];
		for (const i of indexes) {
			const b = Math.floor(i / 256);
			const width = Math.min(256, c.size - 256 * b);
			const leaves = v.bundleLeaves(await getBundle(b, width,
			    v.entryBundlePath(b, width)), width, b);
			const lh = await v.leafHash(leaves[i % 256]);
			const p = (await ok(`/v1/log/proof/inclusion?index=${i}&size=` +
			    c.size)).json;
			assert.equal(await v.verifyInclusion(i, c.size, lh, p.hashes,
			    c.rootHash), true);
			const bad = clone(p.hashes);
			bad[0] = flipB64(bad[0], 3);
			await assert.rejects(v.verifyInclusion(i, c.size, lh, bad,
			    c.rootHash), /inclusion proof/);
			await assert.rejects(v.verifyInclusion(i, c.size,
			    await v.leafHash(new Uint8Array(49)), p.hashes, c.rootHash),
			/inclusion proof/);
		}
	});

	test('a later checkpoint is consistent with an earlier one', async () => {
		const c1 = await v.verifyCheckpoint(
		    (await ok('/v1/log/checkpoint')).text, vkey);
		for (let i = 0; i < 3; i++)
			await ok(`/v1/tenants/${info.tenant}/users`, info.admin);
		let c2 = c1;
		for (let t = 0; t < 100 && c2.size <= c1.size; t++) {
			await new Promise((res) => setTimeout(res, 100));
			c2 = await v.verifyCheckpoint((await ok('/v1/log/checkpoint')).text,
			    vkey);
		}
		assert.ok(c2.size > c1.size, 'the log did not grow');
		const p = (await ok(`/v1/log/proof/consistency?old=${c1.size}&new=` +
		    c2.size)).json;
		assert.equal(await v.verifyConsistency(c1.size, c2.size, c1.rootHash,
		    c2.rootHash, p.hashes), true);
		const bad = clone(p.hashes);
		bad[bad.length - 1] = flipB64(bad[bad.length - 1], 7);
		await assert.rejects(v.verifyConsistency(c1.size, c2.size,
		    c1.rootHash, c2.rootHash, bad), /does not extend/);
		await assert.rejects(v.verifyConsistency(c1.size, c2.size,
		    c2.rootHash, c1.rootHash, p.hashes), /does not extend/);
	});

	test("the tenant's access log: every entry opens, is in the tree, and " +
	    'none is missing', async () => {
		const r = await v.verifyAccessLog({pages, vkey, logKey: logKey.log_key,
			tenant: info.tenant, getBundle});
		const bad = r.entries.filter((e) => !e.verified);
		assert.deepEqual(bad, []);
		assert.deepEqual(r.missing, []);
		assert.equal(r.complete, true);
		assert.equal(r.own, r.entries.length);
		// Exactly the tenant's entries below the checkpoint, as the
		// operator's plaintext view of the log says.
		const all = [];
		for (let start = 0; ;) {
			const got = (await ok(`/v1/log/entries?start=${start}`,
			    info.operator)).json.entries;
			if (got.length === 0)
				break;
			all.push(...got);
			start = got[got.length - 1].index + 1;
		}
		const want = all.filter((e) => e.event.tenant === info.tenant &&
		    e.index < r.checkpoint.size).map((e) => e.index);
		assert.deepEqual(r.entries.map((e) => e.index), want);
		const actions = new Set(r.entries.map((e) => e.event.action));
		for (const a of ['tenant.create', 'auth.login', 'user.list'])
			assert.ok(actions.has(a), `no ${a} among ${[...actions]}`);
	});

	async function check(p, key = logKey.log_key, gb = getBundle) {
		return v.verifyAccessLog({pages: p, vkey, logKey: key,
			tenant: info.tenant, getBundle: gb});
	}

	test('an entry hidden from the answer is found missing', async () => {
		const p = clone(pages);
		const [gone] = p[0].entries.splice(1, 1);
		const r = await check(p);
		assert.deepEqual(r.missing, [gone.index]);
		assert.equal(r.complete, false);
	});

	test('a changed sealed body, event, leaf or proof fails its entry',
	    async () => {
		const cases = [
			[(e) => { e.sealed = flipB64(e.sealed, 40); }, /body_hash/],
			[(e) => { e.event.outcome = 'denied'; }, /event shown/],
			[(e) => { e.event.target = 'someone-else'; }, /event shown/],
			[(e) => { e.leaf = flipB64(e.leaf, 20); }, /not the leaf the log/],
			[(e) => { e.proof[0] = flipB64(e.proof[0]); }, /inclusion proof/],
			// Moved to another index: not the tenant's leaf there, or
			// that index's own entry is then listed twice.
			[(e) => { e.index += 1; }, /not the tenant's|not the leaf/, 2],
		];
		for (const [change, why, fails = 1] of cases) {
			const p = clone(pages);
			change(p[0].entries[2]);
			const r = await check(p);
			assert.equal(r.complete, false);
			assert.equal(r.entries[2].verified, false);
			assert.match(r.entries[2].error, why);
			assert.ok(r.entries.filter((e) => !e.verified).length <= fails);
		}
	});

	test("another tenant's entry slipped into the answer is refused",
	    async () => {
		const theirs = await accessLog(info.other_tenant, info.other_admin);
		const p = clone(pages);
		const foreign = theirs[0].entries.find((e) =>
		    e.index < pages[0].size);
		p[0].entries.push(foreign);
		p[0].entries.sort((a, b) => a.index - b.index);
		const r = await check(p);
		const got = r.entries.find((e) => e.index === foreign.index);
		assert.equal(got.verified, false);
		assert.match(got.error, /not the tenant's/);
		// The other tenant's key opens none of ours.
		const key = (await ok(`/v1/tenants/${info.other_tenant}/log-key`,
		    info.other_admin)).json.log_key;
		const r2 = await check(pages, key);
		assert.equal(r2.entries.some((e) => e.verified), false);
	});

	test('a changed checkpoint or entry bundle stops the whole check',
	    async () => {
		const p = clone(pages);
		p[0].checkpoint = p[0].checkpoint.replace(/\n(\d+)\n/,
		    (m, n) => `\n${Number(n) - 1}\n`);
		await assert.rejects(check(p), /invalid signature/);
		const gb = async (n, width, path) => {
			const b = await getBundle(n, width, path);
			if (n === 0)
				b[2 + 10] ^= 1;     // a byte of the first leaf's tag
			return b;
		};
		await assert.rejects(check(pages, logKey.log_key, gb),
		    /do not make the tree/);
	});
});
