// SPDX-License-Identifier: ISC
//
// console/js/verify.js against known answers computed apart from it, by
// libsodium (PyNaCl, ctypes) and hashlib in tests/console/vectors.py, run
// at test time: node --test tests/console/
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

import * as v from '../../console/js/verify.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PYTHON = process.env.PYTHON ??
    (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const V = JSON.parse(execFileSync(PYTHON, [join(HERE, 'vectors.py')],
    {maxBuffer: 64 << 20}).toString());

const unhex = (s) => Uint8Array.from(s.match(/../g) ?? [],
    (x) => parseInt(x, 16));
const enc = new TextEncoder();

// A copy of b with one bit of byte i flipped.
function flip(b, i = 0) {
	const c = Uint8Array.from(b);
	c[(i + c.length) % c.length] ^= 1;
	return c;
}

test('SHA-256 by hand equals node:crypto at every padding boundary', () => {
	for (const n of [0, 1, 3, 31, 49, 55, 56, 57, 63, 64, 65, 119, 120,
	    127, 128, 129, 1000, 4097]) {
		const b = randomBytes(n);
		assert.equal(v.hex(v.sha256Sync(b)),
		    createHash('sha256').update(b).digest('hex'), `length ${n}`);
	}
	assert.equal(v.hex(v.sha256Sync(enc.encode('abc'))),
	    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('BLAKE2b: keyed, salted, personalised, as libsodium', () => {
	for (const t of V.blake2b)
		assert.equal(v.hex(v.blake2b(t.out_len, unhex(t.msg), unhex(t.key),
		    t.salt && unhex(t.salt), t.personal && unhex(t.personal))),
		t.digest, JSON.stringify(t).slice(0, 120));
});

test('crypto_kdf_derive_from_key, as libsodium', () => {
	for (const t of V.kdf)
		assert.equal(v.hex(v.kdfDerive(32, BigInt(t.subkey_id), t.context,
		    unhex(t.key))), t.subkey, t.subkey_id);
});

test('HChaCha20, ChaCha20-IETF and Poly1305, as libsodium', () => {
	for (const t of V.hchacha20)
		assert.equal(v.hex(v.hchacha20(unhex(t.key), unhex(t.nonce))), t.out);
	for (const t of V.chacha20)
		assert.equal(v.hex(v.chacha20(unhex(t.key), unhex(t.nonce), t.counter,
		    unhex(t.msg))), t.out);
	for (const t of V.poly1305)
		assert.equal(v.hex(v.poly1305(unhex(t.key), unhex(t.msg))), t.tag,
		    `key ${t.key} msg ${t.msg.length / 2} bytes`);
	// RFC 8439 2.5.2.
	assert.equal(v.hex(v.poly1305(unhex('85d6be7857556d337f4452fe42d506a8' +
	    '0103808afb0db2fd4abff6af4149f51b'),
	enc.encode('Cryptographic Forum Research Group'))),
	'a8061dc1305136c6c22b8baf0c0127a9');
});

test('XChaCha20-Poly1305-IETF opens what libsodium seals, refuses any ' +
    'change', () => {
	for (const t of V.aead) {
		const key = unhex(t.key), n = unhex(t.nonce), ad = unhex(t.ad);
		const ct = unhex(t.ct);
		assert.equal(v.hex(v.xchacha20poly1305Decrypt(key, n, ct, ad)), t.msg);
		assert.equal(v.hex(v.xchacha20poly1305Encrypt(key, n, unhex(t.msg),
		    ad)), t.ct);
		for (const i of [0, ct.length - 1, ct.length - 17])
			assert.equal(v.xchacha20poly1305Decrypt(key, n, flip(ct, i), ad),
			    null);
		assert.equal(v.xchacha20poly1305Decrypt(key, flip(n, 23), ct, ad),
		    null);
		assert.equal(v.xchacha20poly1305Decrypt(flip(key), n, ct, ad), null);
		assert.equal(v.xchacha20poly1305Decrypt(key, n, ct,
		    ad.length ? flip(ad) : new Uint8Array([0])), null);
	}
});

test('base64: strict, as custosd writes it', () => {
	assert.deepEqual(v.b64decode('AAE='), new Uint8Array([0, 1]));
	assert.equal(v.b64encode(new Uint8Array([0, 1, 2, 3])), 'AAECAw==');
	for (const bad of ['AAF=', 'AA=', 'A A=', 'AAE', '====', 'AA=A', 'AAé='])
		assert.equal(v.b64decode(bad), null, bad);
});

test('RFC 9162 inclusion and consistency proofs verify, altered ones do ' +
    'not', async () => {
	const M = V.merkle;
	for (const t of M.inclusion) {
		const lh = await v.leafHash(v.b64decode(t.leaf));
		assert.equal(await v.verifyInclusion(t.index, t.size, lh, t.proof,
		    t.root), true);
		const root = v.b64decode(t.root);
		await assert.rejects(v.verifyInclusion(t.index, t.size, lh, t.proof,
		    flip(root)), v.VerifyError);
		await assert.rejects(v.verifyInclusion(t.index, t.size, flip(lh),
		    t.proof, root), v.VerifyError);
		if (t.proof.length > 0) {
			const p = t.proof.map((x) => v.b64decode(x));
			p[p.length - 1] = flip(p[p.length - 1], 5);
			await assert.rejects(v.verifyInclusion(t.index, t.size, lh, p,
			    root), v.VerifyError);
			await assert.rejects(v.verifyInclusion(t.index, t.size, lh,
			    t.proof.slice(1), root), v.VerifyError);
		}
		await assert.rejects(v.verifyInclusion(t.size, t.size, lh, t.proof,
		    root), v.VerifyError);
	}
	for (const t of M.consistency) {
		assert.equal(await v.verifyConsistency(t.old, t.new, t.old_root,
		    t.new_root, t.proof), true, `${t.old} -> ${t.new}`);
		const r1 = v.b64decode(t.old_root), r2 = v.b64decode(t.new_root);
		await assert.rejects(v.verifyConsistency(t.old, t.new, flip(r1), r2,
		    t.proof), v.VerifyError);
		await assert.rejects(v.verifyConsistency(t.old, t.new, r1, flip(r2),
		    t.proof), v.VerifyError);
		if (t.proof.length > 0) {
			const p = t.proof.map((x) => v.b64decode(x));
			p[0] = flip(p[0], 9);
			await assert.rejects(v.verifyConsistency(t.old, t.new, r1, r2, p),
			    v.VerifyError);
		}
	}
	// The compact range gives every prefix's root.
	const r = new v.CompactRange();
	assert.equal(v.b64encode(await r.root()), M.roots[0]);
	for (let i = 0; i < M.leaves.length; i++) {
		await r.append(await v.leafHash(v.b64decode(M.leaves[i])));
		assert.equal(v.b64encode(await r.root()), M.roots[i + 1], `size ${i + 1}`);
	}
});

test('signed checkpoints: verified, cosigned, refused when altered', async () => {
	const N = V.note;
	const vk = await v.parseVerifierKey(N.vkey);
	assert.equal(vk.name, N.name);
	for (const note of [N.note, N.cosigned, enc.encode(N.note)]) {
		const c = await v.verifyCheckpoint(note, N.vkey);
		assert.equal(c.origin, N.name);
		assert.equal(c.size, N.size);
		assert.equal(v.b64encode(c.rootHash), N.root);
	}
	assert.equal((await v.verifyCheckpoint(N.ext, vk)).size, N.size);
	const bad = [
		N.note.replace('\n70\n', '\n71\n'),              // size
		N.note.replace(N.root, v.b64encode(flip(v.b64decode(N.root)))),
		N.note.replace(/ (\S+)\n$/, (m, s) => ' ' +
		    v.b64encode(flip(v.b64decode(s), 40)) + '\n'),   // signature
		N.note.replace(/\n\n.*$/s, '\n\n'),               // no signature
		N.note.replace(/\n$/, ''),                        // no final newline
		N.cosigned.split('\n').slice(0, 4).join('\n') + '\n', // only another key's
		N.note.replace(N.name + '\n', 'other.origin\n'),
		N.note.replace('\u2014', '-'),
		N.note.replace('\n70\n', '\n070\n'),
		N.note.replace('\n', '\r\n'),
	];
	for (const b of bad)
		await assert.rejects(v.verifyCheckpoint(b, N.vkey), v.VerifyError,
		    JSON.stringify(b));
	// Verifier keys: a wrong hash, a wrong algorithm, a bad name.
	const [, name, id, key] = /^([^+]*)\+([^+]*)\+(.*)$/.exec(N.vkey);
	for (const k of [`${name}+00000000+${key}`, `${name}+${id}+` +
	    v.b64encode(Uint8Array.of(2, ...v.b64decode(key).slice(1))),
	`a b+${id}+${key}`, `${name}+${id}`, name])
		await assert.rejects(v.parseVerifierKey(k), v.VerifyError, k);
	// Another key (same name) finds no signature of its own.
	const other = `${name}+${id}+` + v.b64encode(flip(v.b64decode(key), 7));
	await assert.rejects(v.parseVerifierKey(other), v.VerifyError);
});

test('sealed leaves: keys, tags, opening, as sealedleaf.py (libsodium)',
    async () => {
	const S = V.sealed;
	const {tagKey, sealKey} = v.deriveLogKeys(S.log_key);
	assert.equal(v.hex(tagKey), S.tag_key);
	assert.equal(v.hex(sealKey), S.seal_key);
	for (const e of S.entries) {
		assert.equal(v.hex(v.leafTag(tagKey, e.index)), e.tag);
		const got = await v.checkLeaf(e.leaf, e.index, tagKey, sealKey, e.sealed);
		assert.deepEqual(got, e.event);
		const leaf = v.b64decode(e.leaf), sealed = v.b64decode(e.sealed);
		// Another index, a changed body, a changed leaf: refused.
		await assert.rejects(v.checkLeaf(leaf, e.index + 1, tagKey, sealKey,
		    sealed), /tag/);
		await assert.rejects(v.checkLeaf(leaf, e.index, tagKey, sealKey,
		    flip(sealed, 30)), /body_hash/);
		await assert.rejects(v.checkLeaf(flip(leaf, 3), e.index, tagKey,
		    sealKey, sealed), /tag/);
		// A body changed with its hash: the MAC catches it.
		assert.throws(() => v.openSealed(sealKey, e.index, leaf.subarray(1, 17),
		    flip(sealed, 30)), /does not open/);
		assert.throws(() => v.openSealed(sealKey, e.index + 1,
		    leaf.subarray(1, 17), sealed), /does not open/);
		assert.throws(() => v.openSealed(flip(sealKey), e.index,
		    leaf.subarray(1, 17), sealed), /does not open/);
	}
});

test("a tenant's complete check over entry bundles finds exactly its own",
    async () => {
	const S = V.sealed;
	const {tagKey} = v.deriveLogKeys(S.log_key);
	const bundles = S.bundles.map((b) => v.b64decode(b));
	const asked = [];
	const getBundle = async (n, width, path) => {
		asked.push(path);
		return bundles[n];
	};
	const r = await v.checkTenantComplete({size: S.size, rootHash: S.root,
		tagKey, getBundle});
	assert.deepEqual([...r.own.keys()], S.own);
	assert.equal(r.foreign, 1);
	assert.deepEqual(asked, ['entries/000', 'entries/001', 'entries/002.p/88']);
	// One leaf changed in a bundle: not the tree the checkpoint signs.
	const bad = bundles.map((b, i) => i === 1 ? flip(b, 100) : b);
	await assert.rejects(v.checkTenantComplete({size: S.size, rootHash: S.root,
		tagKey, getBundle: async (n) => bad[n]}), /do not make the tree/);
	// A bundle cut short, or with bytes after its leaves.
	await assert.rejects(v.checkTenantComplete({size: S.size, rootHash: S.root,
		tagKey, getBundle: async (n) => bundles[n].subarray(0, 500)}),
	/cut short|leaves, 256 expected/);
	await assert.rejects(v.checkTenantComplete({size: S.size, rootHash: S.root,
		tagKey, getBundle: async (n) => Uint8Array.of(...bundles[n], 0)}),
	/after its/);
	assert.equal(v.entryBundlePath(1234067), 'entries/x001/x234/067');
	assert.equal(v.entryBundlePath(1000, 3), 'entries/x001/000.p/3');
});

// Outside input never breaks the parsers: every mutation of a note, a
// bundle or an answer's entry is refused with a VerifyError (or, for a
// note, still verifies only when its signed text is unchanged), never a
// TypeError or a hang.  A fixed seed, so a failure repeats.
test('mutated notes, bundles and entries fail cleanly', async () => {
	let seed = 12345;
	const rand = (n) => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return seed % n;
	};
	const N = V.note;
	const note = enc.encode(N.note);
	for (let i = 0; i < 300; i++) {
		const m = Uint8Array.from(note);
		for (let k = 1 + rand(3); k > 0; k--)
			m[rand(m.length)] = rand(256);
		const cut = rand(4) === 0 ? m.subarray(0, rand(m.length)) : m;
		try {
			const c = await v.verifyCheckpoint(cut, N.vkey);
			assert.equal(c.size, N.size);
			assert.equal(v.b64encode(c.rootHash), N.root);
		} catch (e) {
			assert.ok(e instanceof v.VerifyError, String(e.stack));
		}
	}
	const S = V.sealed;
	const {tagKey, sealKey} = v.deriveLogKeys(S.log_key);
	const bundle = v.b64decode(S.bundles[2]);
	for (let i = 0; i < 300; i++) {
		const m = Uint8Array.from(bundle);
		m[rand(m.length)] = rand(256);
		try {
			v.bundleLeaves(rand(4) === 0 ? m.subarray(0, rand(m.length)) : m,
			    88, 2);
		} catch (e) {
			assert.ok(e instanceof v.VerifyError, String(e.stack));
		}
	}
	const e = S.entries[0];
	const junk = [null, 0, -1, 1.5, 'x', '', [], {}, true, 2 ** 60,
		v.b64encode(new Uint8Array(49))];
	for (const field of ['leaf', 'sealed', 'index'])
		for (const j of junk) {
			const args = {leaf: e.leaf, sealed: e.sealed, index: e.index,
				[field]: j};
			await assert.rejects(v.checkLeaf(args.leaf, args.index, tagKey,
			    sealKey, args.sealed), v.VerifyError, `${field}=${j}`);
		}
	for (const j of junk)
		await assert.rejects(v.verifyInclusion(0, 1, new Uint8Array(32),
		    [j], new Uint8Array(32)), v.VerifyError, String(j));
});
