// SPDX-License-Identifier: ISC
//
// verify.js: what `custos verify` checks, in the browser (and in node 20
// for the tests), with no dependency.  docs/internals/console-verify.md
// says what it checks, against what, and what it cannot.
//
//   the log's signed checkpoint   C2SP signed-note + tlog-checkpoint,
//                                 Ed25519 (src/tlog/note.c)
//   inclusion and consistency     RFC 9162 2.1.3.2 and 2.1.4.2
//                                 (src/tlog/merkle.c)
//   a tenant's sealed entries     custos-leaf-v1 (src/tlog/leaf.c): tag,
//                                 body hash, XChaCha20-Poly1305 opening
//   a tenant's complete check     every leaf of the C2SP entry bundles up
//                                 to the checkpoint rebuilt into its root,
//                                 the tenant's picked out by tag
//                                 (src/tlog/tenantcheck.c, range.c)
//
// SHA-256 and Ed25519 come from WebCrypto (crypto.subtle).  WebCrypto has
// no BLAKE2b, ChaCha20 or Poly1305, so those are written out here from
// RFC 7693, RFC 8439 and draft-irtf-cfrg-xchacha: a few hundred lines,
// checked in tests/console/ against libsodium's answers (PyNaCl).  They run
// on public data and on the tenant's own log key inside the tenant's own
// browser; they use no table lookups or branches on secret data, and the
// Poly1305 tag is compared in constant time.  JavaScript promises nothing
// about timing beyond that.
//
// A check that fails throws a VerifyError whose message says which;
// verifyAccessLog, the whole check of a tenant's log, answers per entry.

const enc = new TextEncoder();

export class VerifyError extends Error {
	constructor(msg) {
		super(msg);
		this.name = 'VerifyError';
	}
}

function fail(msg) {
	throw new VerifyError(msg);
}

// ---- bytes ---------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INV = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++)
	B64_INV[B64.charCodeAt(i)] = i;

// Standard base64 with padding, strictly (libsodium's ORIGINAL variant, as
// custosd writes it): no whitespace, no unused bits set.  null when not.
export function b64decode(s) {
	if (typeof s !== 'string' || s.length % 4 !== 0)
		return null;
	let pad = 0;
	if (s.endsWith('=='))
		pad = 2;
	else if (s.endsWith('='))
		pad = 1;
	const n = s.length / 4 * 3 - pad;
	const out = new Uint8Array(n);
	let acc = 0, bits = 0, o = 0;
	for (let i = 0; i < s.length - pad; i++) {
		const c = s.charCodeAt(i);
		const v = c < 128 ? B64_INV[c] : -1;
		if (v < 0)
			return null;
		acc = (acc << 6 | v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = acc >>> bits & 0xff;
		}
	}
	if ((acc & ((1 << bits) - 1)) !== 0)
		return null;
	return out;
}

export function b64encode(b) {
	let s = '';
	for (let i = 0; i < b.length; i += 3) {
		const n = b.length - i;
		const v = b[i] << 16 | (n > 1 ? b[i + 1] << 8 : 0) |
		    (n > 2 ? b[i + 2] : 0);
		s += B64[v >>> 18] + B64[v >>> 12 & 63] +
		    (n > 1 ? B64[v >>> 6 & 63] : '=') + (n > 2 ? B64[v & 63] : '=');
	}
	return s;
}

export function hex(b) {
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function concat(...parts) {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

// Constant time in the contents (the lengths are public).
export function equalBytes(a, b) {
	if (a.length !== b.length)
		return false;
	let d = 0;
	for (let i = 0; i < a.length; i++)
		d |= a[i] ^ b[i];
	return d === 0;
}

function be64(index) {
	const out = new Uint8Array(8);
	let v = BigInt(index);
	for (let i = 7; i >= 0; i--) {
		out[i] = Number(v & 0xffn);
		v >>= 8n;
	}
	return out;
}

function bytesOf(x, what) {
	if (x instanceof Uint8Array)
		return x;
	if (x instanceof ArrayBuffer)
		return new Uint8Array(x);
	if (typeof x === 'string') {
		const b = b64decode(x);
		if (b === null)
			fail(what + ' is not base64');
		return b;
	}
	return fail(what + ' is not bytes');
}

// A tree size or index: a non-negative safe integer (2^53 leaves is far
// beyond any log this reads).
function count(x, what) {
	const n = typeof x === 'bigint' ? Number(x) : x;
	if (!Number.isSafeInteger(n) || n < 0)
		fail(what + ' is not a non-negative integer');
	return n;
}

// ---- SHA-256 (WebCrypto) and the Merkle tree -------------------------------

// crypto.subtle exists in secure contexts only (https, or http to
// localhost): a console served over plain http to another host cannot
// verify anything, and says so.
function subtle() {
	const s = globalThis.crypto && globalThis.crypto.subtle;
	if (!s)
		fail('WebCrypto is not available here: the page must be served ' +
		    'over https (or from localhost)');
	return s;
}

// SHA-256 (FIPS 180-4) by hand, synchronous: WebCrypto's digest() is
// asynchronous, and for the 49-byte leaves and 65-byte nodes of a
// completeness check its per-call round trip costs far more than the
// hash (a 73,000-entry log took 15 s that way, most of it waiting).
// Checked against node:crypto in tests/console/verify.test.mjs.
const K256 = new Uint32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
const W256 = new Uint32Array(64);

function sha256Block(h, m, off) {
	const w = W256;
	for (let i = 0; i < 16; i++)
		w[i] = (m[off + 4 * i] << 24 | m[off + 4 * i + 1] << 16 |
		    m[off + 4 * i + 2] << 8 | m[off + 4 * i + 3]) >>> 0;
	for (let i = 16; i < 64; i++) {
		const x = w[i - 15], y = w[i - 2];
		const s0 = (x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3);
		const s1 = (y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^
		    (y >>> 10);
		w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
	}
	let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5],
	    g = h[6], k = h[7];
	for (let i = 0; i < 64; i++) {
		const S1 = (e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^
		    (e >>> 25 | e << 7);
		const t1 = (k + S1 + (e & f ^ ~e & g) + K256[i] + w[i]) >>> 0;
		const S0 = (a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^
		    (a >>> 22 | a << 10);
		const t2 = (S0 + (a & b ^ a & c ^ b & c)) >>> 0;
		k = g; g = f; f = e; e = (d + t1) >>> 0;
		d = c; c = b; b = a; a = (t1 + t2) >>> 0;
	}
	h[0] = (h[0] + a) >>> 0; h[1] = (h[1] + b) >>> 0;
	h[2] = (h[2] + c) >>> 0; h[3] = (h[3] + d) >>> 0;
	h[4] = (h[4] + e) >>> 0; h[5] = (h[5] + f) >>> 0;
	h[6] = (h[6] + g) >>> 0; h[7] = (h[7] + k) >>> 0;
}

export function sha256Sync(input) {
	const m = input instanceof Uint8Array ? input : new Uint8Array(input);
	const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	    0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
	const full = m.length - m.length % 64;
	for (let off = 0; off < full; off += 64)
		sha256Block(h, m, off);
	const rest = m.length - full;
	const tail = new Uint8Array(rest < 56 ? 64 : 128);
	tail.set(m.subarray(full));
	tail[rest] = 0x80;
	const bits = m.length * 8;
	const hi = Math.floor(bits / 0x100000000), lo = bits >>> 0;
	const n = tail.length;
	tail[n - 8] = hi >>> 24; tail[n - 7] = hi >>> 16;
	tail[n - 6] = hi >>> 8; tail[n - 5] = hi;
	tail[n - 4] = lo >>> 24; tail[n - 3] = lo >>> 16;
	tail[n - 2] = lo >>> 8; tail[n - 1] = lo;
	for (let off = 0; off < n; off += 64)
		sha256Block(h, tail, off);
	const out = new Uint8Array(32);
	for (let i = 0; i < 8; i++) {
		out[4 * i] = h[i] >>> 24; out[4 * i + 1] = h[i] >>> 16;
		out[4 * i + 2] = h[i] >>> 8; out[4 * i + 3] = h[i];
	}
	return out;
}

// Kept asynchronous for its callers (and for what may move back to
// WebCrypto); the work is sha256Sync's.
export async function sha256(b) {
	return sha256Sync(b);
}

// RFC 9162: leaf hash SHA-256(0x00 || leaf), node hash SHA-256(0x01 ||
// left || right).
export function leafHash(leaf) {
	return sha256(concat([0], bytesOf(leaf, 'leaf')));
}

export function nodeHash(left, right) {
	return sha256(concat([1], left, right));
}

const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function bitLen(n) {
	let k = 0;
	for (; n > 0n; n >>= 1n)
		k++;
	return k;
}

function popcount(n) {
	let k = 0;
	for (; n > 0n; n >>= 1n)
		k += Number(n & 1n);
	return k;
}

function hashList(proof, what) {
	if (!Array.isArray(proof) || proof.length > 64)
		fail(what + ' is not a list of at most 64 hashes');
	return proof.map((h) => {
		const b = bytesOf(h, what + ' hash');
		if (b.length !== 32)
			fail(what + ' holds a hash of ' + b.length + ' bytes');
		return b;
	});
}

function hash32(h, what) {
	const b = bytesOf(h, what);
	if (b.length !== 32)
		fail(what + ' is not 32 bytes');
	return b;
}

// RFC 9162 2.1.3.2, with the proof's length checked first as merkle.c
// does.  Resolves to true, or throws.
export async function verifyInclusion(index, size, leafHashBytes, proof,
    root) {
	const ix = BigInt(count(index, 'index'));
	const sz = BigInt(count(size, 'tree size'));
	const p = hashList(proof, 'inclusion proof');
	let r = hash32(leafHashBytes, 'leaf hash');
	const want = hash32(root, 'root hash');
	if (ix >= sz)
		fail(`index ${ix} is not in a tree of ${sz} leaves`);
	const inner = bitLen(ix ^ (sz - 1n));
	if (p.length !== inner + popcount(ix >> BigInt(inner)))
		fail(`an inclusion proof of index ${ix} in a tree of ${sz} ` +
		    `has ${inner + popcount(ix >> BigInt(inner))} hashes, ` +
		    `not ${p.length}`);
	let fn = ix, sn = sz - 1n;
	for (const h of p) {
		if (sn === 0n)
			fail('inclusion proof too long');
		if ((fn & 1n) === 1n || fn === sn) {
			r = await nodeHash(h, r);
			while ((fn & 1n) === 0n && fn !== 0n) {
				fn >>= 1n;
				sn >>= 1n;
			}
		} else {
			r = await nodeHash(r, h);
		}
		fn >>= 1n;
		sn >>= 1n;
	}
	if (sn !== 0n || !equalBytes(r, want))
		fail(`inclusion proof of index ${ix} does not lead to the ` +
		    `root of the tree of ${sz}`);
	return true;
}

// RFC 9162 2.1.4.2: the tree of oldSize leaves (oldRoot) is a prefix of
// the tree of newSize (newRoot).  Resolves to true, or throws.
export async function verifyConsistency(oldSize, newSize, oldRoot, newRoot,
    proof) {
	const s1 = BigInt(count(oldSize, 'old size'));
	const s2 = BigInt(count(newSize, 'new size'));
	const r1 = hash32(oldRoot, 'old root'), r2 = hash32(newRoot, 'new root');
	const p = hashList(proof, 'consistency proof');
	if (s1 === 0n || s2 < s1)
		fail(`no consistency proof from ${s1} to ${s2}`);
	if (s1 === s2) {
		if (p.length !== 0 || !equalBytes(r1, r2))
			fail(`two trees of ${s1} leaves with different roots`);
		return true;
	}
	let shift = 0;
	while (((s1 >> BigInt(shift)) & 1n) === 0n)
		shift++;
	const pow2 = (s1 & (s1 - 1n)) === 0n;
	const inner = bitLen((s1 - 1n) ^ (s2 - 1n));
	const len = inner < shift ? -1 : (pow2 ? 0 : 1) + inner - shift +
	    popcount((s1 - 1n) >> BigInt(inner));
	if (p.length === 0 || p.length !== len)
		fail(`a consistency proof from ${s1} to ${s2} has ${len} ` +
		    `hashes, not ${p.length}`);
	const path = pow2 ? [r1, ...p] : p;
	let fn = s1 - 1n, sn = s2 - 1n;
	while ((fn & 1n) === 1n) {
		fn >>= 1n;
		sn >>= 1n;
	}
	let fr = path[0], sr = path[0];
	for (const c of path.slice(1)) {
		if (sn === 0n)
			fail('consistency proof too long');
		if ((fn & 1n) === 1n || fn === sn) {
			fr = await nodeHash(c, fr);
			sr = await nodeHash(c, sr);
			while ((fn & 1n) === 0n && fn !== 0n) {
				fn >>= 1n;
				sn >>= 1n;
			}
		} else {
			sr = await nodeHash(sr, c);
		}
		fn >>= 1n;
		sn >>= 1n;
	}
	const ok = equalBytes(fr, r1) & equalBytes(sr, r2);
	if (!ok || sn !== 0n)
		fail(`the tree of ${s2} leaves does not extend the tree of ${s1}`);
	return true;
}

// A compact range (src/tlog/range.c): the roots of the perfect subtrees
// of the leaves appended so far, largest first.
export class CompactRange {
	constructor() {
		this.size = 0;
		this.h = [];
	}

	async append(leafHashBytes) {
		this.h.push(leafHashBytes);
		for (let s = this.size; s % 2 === 1; s = Math.floor(s / 2)) {
			const r = this.h.pop(), l = this.h.pop();
			this.h.push(await nodeHash(l, r));
		}
		this.size++;
	}

	async root() {
		if (this.h.length === 0)
			return Uint8Array.from(EMPTY_ROOT.match(/../g),
			    (x) => parseInt(x, 16));
		let acc = this.h[this.h.length - 1];
		for (let i = this.h.length - 2; i >= 0; i--)
			acc = await nodeHash(this.h[i], acc);
		return acc;
	}
}

// ---- C2SP signed notes and checkpoints (src/tlog/note.c) ----------------

const NOTE_MAX = 16 * 1024;
const NOTE_SIGS_MAX = 100;
const NAME_MAX = 128;

function isUnicodeSpace(cp) {
	return (cp >= 9 && cp <= 13) || cp === 32 || cp === 0x85 ||
	    cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp === 0x2028 || cp === 0x2029 || cp === 0x202f ||
	    cp === 0x205f || cp === 0x3000;
}

// A key name: non-empty, no Unicode space, no '+'.
function nameOk(name) {
	if (name.length === 0 || enc.encode(name).length >= NAME_MAX)
		return false;
	for (const ch of name) {
		const cp = ch.codePointAt(0);
		if (cp === 0x2b || isUnicodeSpace(cp) || (cp >= 0xd800 &&
		    cp <= 0xdfff))
			return false;
	}
	return true;
}

// Note text: no control character but "\n" (and no lone surrogate, which
// UTF-8 cannot carry).
function textOk(s) {
	for (const ch of s) {
		const cp = ch.codePointAt(0);
		if ((cp < 0x20 && cp !== 10) || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

async function keyId(name, alg, pk) {
	return (await sha256(concat(enc.encode(name), [10, alg], pk)))
	    .subarray(0, 4);
}

// A verifier key "name+hash+base64(0x01 || key)", as GET /v1/log/key
// gives it: {name, keyId, publicKey}, or throws.
export async function parseVerifierKey(vkey) {
	if (typeof vkey !== 'string')
		fail('the verifier key is not text');
	const text = vkey.trim();
	if (text.length > 256)
		fail('the verifier key is longer than 256 bytes');
	const m = /^([^+]*)\+([0-9a-f]{8})\+(.*)$/s.exec(text);
	if (m === null)
		fail('the verifier key must be name+hash+key with an 8-digit ' +
		    'lowercase hex hash');
	if (!nameOk(m[1]) || !textOk(m[1]))
		fail('the verifier key name is not a valid key name');
	const key = m[3] === '' ? null : b64decode(m[3]);
	if (key === null)
		fail('the verifier key is not valid base64');
	if (key.length !== 33 || key[0] !== 1)
		fail('the verifier key is not an Ed25519 key (algorithm 1, ' +
		    '32 bytes)');
	const publicKey = key.slice(1);
	const id = await keyId(m[1], 1, publicKey);
	if (hex(id) !== m[2])
		fail('the verifier key hash does not match its name and key');
	return {name: m[1], keyId: id, publicKey};
}

// Ed25519 in WebCrypto: Chromium 137, Firefox 129, Safari 17 and node 20
// on.  An older browser says so rather than "not verified".
async function ed25519Verify(publicKey, sig, msg) {
	const s = subtle();
	let k;
	try {
		k = await s.importKey('raw', publicKey, {name: 'Ed25519'}, false,
		    ['verify']);
	} catch (e) {
		if (e && e.name === 'NotSupportedError')
			fail('this browser has no Ed25519 in WebCrypto');
		fail('the verifier key is not an Ed25519 public key');
	}
	return s.verify({name: 'Ed25519'}, k, sig, msg);
}

// Opens a C2SP signed note: the text up to the last blank line, every
// signature line well formed, one at least by vk that verifies, none by vk
// that does not.  Resolves to the signed text (ending in "\n").
export async function openNote(note, vk) {
	if (note instanceof Uint8Array) {
		try {
			note = new TextDecoder('utf-8', {fatal: true}).decode(note);
		} catch (e) {
			fail('malformed note: not UTF-8');
		}
	}
	if (typeof note !== 'string')
		fail('the note is not text');
	if (enc.encode(note).length > NOTE_MAX)
		fail(`the note is longer than ${NOTE_MAX} bytes`);
	if (!textOk(note))
		fail('malformed note: not text without control characters');
	const split = note.lastIndexOf('\n\n');
	if (split < 0)
		fail('malformed note: no blank line before the signatures');
	const body = note.slice(0, split + 1);
	const sigs = note.slice(split + 2);
	if (sigs === '' || !sigs.endsWith('\n'))
		fail('malformed note: the signatures must be lines ending in a ' +
		    'newline');
	const lines = sigs.slice(0, -1).split('\n');
	if (lines.length > NOTE_SIGS_MAX)
		fail(`malformed note: more than ${NOTE_SIGS_MAX} signatures`);
	const label = `${vk.name}+${hex(vk.keyId)}`;
	const msg = enc.encode(body);
	let verified = 0;
	for (const line of lines) {
		if (!line.startsWith('\u2014 '))
			fail('malformed note: a signature line does not start with ' +
			    'an em dash and a space');
		const rest = line.slice(2);
		const sp = rest.indexOf(' ');
		if (sp < 0)
			fail('malformed note: a signature line lacks a signature');
		const name = rest.slice(0, sp);
		const sig = b64decode(rest.slice(sp + 1));
		if (!nameOk(name))
			fail('malformed note: a signature line has an invalid key ' +
			    'name');
		if (sig === null || sig.length < 5)
			fail('malformed note: a signature is not valid base64 of a ' +
			    'key ID and a signature');
		if (name !== vk.name || !equalBytes(sig.subarray(0, 4), vk.keyId))
			continue;       // another key's: ignored
		if (sig.length !== 68 ||
		    !await ed25519Verify(vk.publicKey, sig.subarray(4), msg))
			fail(`invalid signature by key ${label}`);
		verified++;
	}
	if (verified === 0)
		fail(`the note has no signature by key ${label}`);
	return body;
}

// The checkpoint's body (C2SP tlog-checkpoint): origin, size, root hash,
// then extension lines.
export function parseCheckpoint(body) {
	const lines = body.split('\n');
	if (lines.length < 4 || lines[lines.length - 1] !== '')
		fail('the checkpoint must have an origin, a size and a root hash ' +
		    'line');
	const [origin, size, root] = lines;
	if (origin === '' || enc.encode(origin).length >= NAME_MAX)
		fail('the checkpoint origin must be 1 to 127 bytes of text');
	if (!/^(0|[1-9][0-9]{0,15})$/.test(size) ||
	    !Number.isSafeInteger(Number(size)))
		fail('the checkpoint size must be a decimal number without ' +
		    'leading zeros (below 2^53)');
	const rootHash = b64decode(root);
	if (rootHash === null || rootHash.length !== 32)
		fail('the checkpoint root hash must be base64 of 32 bytes');
	if (lines.slice(3, -1).some((l) => l === ''))
		fail('the checkpoint has an empty line');
	return {origin, size: Number(size), rootHash};
}

// A signed checkpoint checked against the log's verifier key (text or
// parseVerifierKey's result): {origin, size, rootHash}, or throws.  As
// `custos verify` does, the origin must be the key's name.
export async function verifyCheckpoint(noteText, vkey) {
	const vk = typeof vkey === 'string' ? await parseVerifierKey(vkey) :
	    vkey;
	const c = parseCheckpoint(await openNote(noteText, vk));
	if (c.origin !== vk.name)
		fail(`the checkpoint's origin '${c.origin}' is not the key's ` +
		    `name '${vk.name}'`);
	return c;
}

// ---- BLAKE2b (RFC 7693), 64-bit words as pairs of 32-bit halves -----------

const B2_IV = new Uint32Array([
	0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85,
	0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
	0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c,
	0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19]);
const B2_SIGMA = [
	[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
	[14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
	[11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
	[7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
	[9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
	[2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
	[12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
	[13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
	[6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
	[10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0]];

// v[a] += v[b] (or m[x]) as 64-bit words, a, b, x the indexes of the low
// halves; the carry is arithmetic (lo < 2^33), not a branch.
function add64(v, a, b) {
	const lo = v[a] + v[b];
	v[a + 1] += v[b + 1] + (lo / 0x100000000 | 0);
	v[a] = lo;
}

function add64m(v, a, m, x) {
	const lo = v[a] + m[x];
	v[a + 1] += m[x + 1] + (lo / 0x100000000 | 0);
	v[a] = lo;
}

// The mixing function G; rotations by 32, 24, 16 and 63 bits.
function b2G(v, m, a, b, c, d, x, y) {
	let l, h;
	add64(v, a, b);
	add64m(v, a, m, x);
	l = v[d] ^ v[a];
	h = v[d + 1] ^ v[a + 1];
	v[d] = h;
	v[d + 1] = l;
	add64(v, c, d);
	l = v[b] ^ v[c];
	h = v[b + 1] ^ v[c + 1];
	v[b] = l >>> 24 | h << 8;
	v[b + 1] = h >>> 24 | l << 8;
	add64(v, a, b);
	add64m(v, a, m, y);
	l = v[d] ^ v[a];
	h = v[d + 1] ^ v[a + 1];
	v[d] = l >>> 16 | h << 16;
	v[d + 1] = h >>> 16 | l << 16;
	add64(v, c, d);
	l = v[b] ^ v[c];
	h = v[b + 1] ^ v[c + 1];
	v[b] = h >>> 31 | l << 1;
	v[b + 1] = l >>> 31 | h << 1;
}

const B2_V = new Uint32Array(32), B2_M = new Uint32Array(32);

function b2Compress(h, block, t, last) {
	const v = B2_V, m = B2_M;
	v.set(h);
	v.set(B2_IV, 16);
	v[24] ^= t >>> 0;
	v[25] ^= Math.floor(t / 0x100000000);
	if (last) {
		v[28] = ~v[28];
		v[29] = ~v[29];
	}
	for (let i = 0; i < 32; i++)
		m[i] = block[4 * i] | block[4 * i + 1] << 8 |
		    block[4 * i + 2] << 16 | block[4 * i + 3] << 24;
	for (let r = 0; r < 12; r++) {
		const s = B2_SIGMA[r % 10];
		b2G(v, m, 0, 8, 16, 24, 2 * s[0], 2 * s[1]);
		b2G(v, m, 2, 10, 18, 26, 2 * s[2], 2 * s[3]);
		b2G(v, m, 4, 12, 20, 28, 2 * s[4], 2 * s[5]);
		b2G(v, m, 6, 14, 22, 30, 2 * s[6], 2 * s[7]);
		b2G(v, m, 0, 10, 20, 30, 2 * s[8], 2 * s[9]);
		b2G(v, m, 2, 12, 22, 24, 2 * s[10], 2 * s[11]);
		b2G(v, m, 4, 14, 16, 26, 2 * s[12], 2 * s[13]);
		b2G(v, m, 6, 8, 18, 28, 2 * s[14], 2 * s[15]);
	}
	for (let i = 0; i < 16; i++)
		h[i] ^= v[i] ^ v[i + 16];
}

function le32Words(h, at, b) {
	for (let i = 0; i < b.length; i += 4)
		h[at + i / 4] ^= b[i] | b[i + 1] << 8 | b[i + 2] << 16 |
		    b[i + 3] << 24;
}

// The state before the first block: the parameter block folded in.
function b2Init(outLen, keyLen, salt, personal) {
	if (outLen < 1 || outLen > 64 || keyLen > 64 ||
	    (salt !== null && salt.length !== 16) ||
	    (personal !== null && personal.length !== 16))
		throw new RangeError('blake2b: bad parameters');
	const h = new Uint32Array(B2_IV);
	h[0] ^= 0x01010000 ^ keyLen << 8 ^ outLen;
	if (salt !== null)
		le32Words(h, 8, salt);
	if (personal !== null)
		le32Words(h, 12, personal);
	return h;
}

// Compresses data (without the key block) into h, after `done` bytes
// already compressed: the last block is the final one.
function b2Final(h, data, done, outLen) {
	const n = data.length, blocks = Math.max(1, Math.ceil(n / 128));
	const block = new Uint8Array(128);
	for (let i = 0; i < blocks; i++) {
		block.fill(0);
		block.set(data.subarray(128 * i, 128 * i + 128));
		b2Compress(h, block, done + Math.min(n, 128 * (i + 1)),
		    i === blocks - 1);
	}
	const out = new Uint8Array(outLen);
	for (let i = 0; i < outLen; i++)
		out[i] = h[i >> 2] >>> 8 * (i & 3);
	block.fill(0);
	h.fill(0);
	return out;
}

// BLAKE2b of msg, outLen bytes (1..64), keyed with key (0..64 bytes), with
// an optional 16-byte salt and personalisation: libsodium's
// crypto_generichash_blake2b_salt_personal.
export function blake2b(outLen, msg, key = new Uint8Array(0), salt = null,
    personal = null) {
	const h = b2Init(outLen, key.length, salt, personal);
	if (key.length === 0)
		return b2Final(h, msg, 0, outLen);
	const data = new Uint8Array(128 + msg.length);
	data.set(key);
	data.set(msg, 128);
	const out = b2Final(h, data, 0, outLen);
	data.fill(0);
	return out;
}

// BLAKE2b-outLen keyed with key, for many short messages: the key block
// is compressed once (msg must not be empty).
function blake2bKeyed(outLen, key) {
	const h0 = b2Init(outLen, key.length, null, null);
	const kb = new Uint8Array(128);
	kb.set(key);
	b2Compress(h0, kb, 128, false);
	kb.fill(0);
	return (msg) => b2Final(new Uint32Array(h0), msg, 128, outLen);
}

// libsodium's crypto_kdf_derive_from_key: BLAKE2b keyed with the master
// key over nothing, salt = subkey id (8 bytes, little-endian) and 8 zero
// bytes, personal = the 8-byte context and 8 zero bytes.
export function kdfDerive(outLen, subkeyId, context, key) {
	const ctx = enc.encode(context);
	if (ctx.length !== 8 || key.length !== 32)
		throw new RangeError('kdf: an 8-byte context and a 32-byte key');
	const salt = new Uint8Array(16), personal = new Uint8Array(16);
	let id = BigInt(subkeyId);
	for (let i = 0; i < 8; i++, id >>= 8n)
		salt[i] = Number(id & 0xffn);
	personal.set(ctx);
	return blake2b(outLen, new Uint8Array(0), key, salt, personal);
}

// ---- ChaCha20, HChaCha20 (RFC 8439, draft-irtf-cfrg-xchacha) --------------

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

function rotl(v, n) {
	return v << n | v >>> (32 - n);
}

function qr(x, a, b, c, d) {
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 7);
}

function chachaRounds(x) {
	for (let i = 0; i < 10; i++) {
		qr(x, 0, 4, 8, 12);
		qr(x, 1, 5, 9, 13);
		qr(x, 2, 6, 10, 14);
		qr(x, 3, 7, 11, 15);
		qr(x, 0, 5, 10, 15);
		qr(x, 1, 6, 11, 12);
		qr(x, 2, 7, 8, 13);
		qr(x, 3, 4, 9, 14);
	}
}

function words(b) {
	const w = new Uint32Array(b.length / 4);
	for (let i = 0; i < w.length; i++)
		w[i] = b[4 * i] | b[4 * i + 1] << 8 | b[4 * i + 2] << 16 |
		    b[4 * i + 3] << 24;
	return w;
}

function wordBytes(w) {
	const b = new Uint8Array(4 * w.length);
	for (let i = 0; i < w.length; i++) {
		b[4 * i] = w[i];
		b[4 * i + 1] = w[i] >>> 8;
		b[4 * i + 2] = w[i] >>> 16;
		b[4 * i + 3] = w[i] >>> 24;
	}
	return b;
}

function chachaState(key, a, b) {
	const s = new Uint32Array(16);
	s.set(SIGMA);
	s.set(words(key), 4);
	s.set(a, 12);
	if (b !== undefined)
		s.set(b, 13);
	return s;
}

// HChaCha20(key (32), nonce (16)): the 32-byte subkey of XChaCha20.
export function hchacha20(key, nonce16) {
	const x = chachaState(key, words(nonce16));
	chachaRounds(x);
	const out = wordBytes(new Uint32Array([x[0], x[1], x[2], x[3], x[12],
		x[13], x[14], x[15]]));
	x.fill(0);
	return out;
}

// ChaCha20 (IETF: 32-bit block counter, 12-byte nonce): data XOR the key
// stream from block `counter` on.
export function chacha20(key, nonce12, counter, data) {
	const out = new Uint8Array(data.length);
	const s = chachaState(key, [counter], words(nonce12));
	const x = new Uint32Array(16);
	for (let off = 0; off < data.length; off += 64) {
		x.set(s);
		chachaRounds(x);
		for (let i = 0; i < 16; i++)
			x[i] += s[i];
		const ks = wordBytes(x);
		const n = Math.min(64, data.length - off);
		for (let i = 0; i < n; i++)
			out[off + i] = data[off + i] ^ ks[i];
		ks.fill(0);
		s[12]++;
	}
	s.fill(0);
	x.fill(0);
	return out;
}

// ---- Poly1305 (RFC 8439 2.5) ----------------------------------------------
//
// Numbers mod 2^130 - 5 as ten limbs of 13 bits in doubles: a product of
// limbs is below 2^30 and a sum of ten below 2^34, exact in a double; the
// carries use division by 2^13, not data-dependent branches.

const LIMB = 8192;

// Ten 13-bit limbs of the 130-bit little-endian number in b[0..17) (b has
// 19 bytes, the last two zero).
function limbs(b) {
	const l = new Float64Array(10);
	for (let i = 0; i < 10; i++) {
		const p = 13 * i, at = p >> 3;
		l[i] = (b[at] | b[at + 1] << 8 | b[at + 2] << 16) >>> (p & 7) & 0x1fff;
	}
	return l;
}

// Carries h from limb 0 up, folding the carry out of 2^130 back in as 5.
function carry(h) {
	let c = 0;
	for (let i = 0; i < 10; i++) {
		h[i] += c;
		c = Math.floor(h[i] / LIMB);
		h[i] -= c * LIMB;
	}
	h[0] += 5 * c;
}

export function poly1305(key, msg) {
	const rb = new Uint8Array(19), blk = new Uint8Array(19);
	rb.set(key.subarray(0, 16));
	rb[3] &= 15; rb[7] &= 15; rb[11] &= 15; rb[15] &= 15;
	rb[4] &= 252; rb[8] &= 252; rb[12] &= 252;
	const r = limbs(rb), h = new Float64Array(10), d = new Float64Array(10);
	for (let off = 0; off < msg.length; off += 16) {
		const n = Math.min(16, msg.length - off);
		blk.fill(0);
		blk.set(msg.subarray(off, off + n));
		blk[n] = 1;             // 2^128 for a full block, the pad else
		const m = limbs(blk);
		for (let i = 0; i < 10; i++)
			h[i] += m[i];
		for (let i = 0; i < 10; i++) {
			let s = 0;
			for (let j = 0; j <= i; j++)
				s += h[j] * r[i - j];
			for (let j = i + 1; j < 10; j++)
				s += h[j] * 5 * r[i - j + 10];
			d[i] = s;
		}
		h.set(d);
		carry(h);
		carry(h);
	}
	carry(h);
	carry(h);
	carry(h);
	// h mod p: g = h + 5 - 2^130 when that does not go below zero.
	const g = new Float64Array(10);
	let c = 5;
	for (let i = 0; i < 10; i++) {
		g[i] = h[i] + c;
		c = Math.floor(g[i] / LIMB);
		g[i] -= c * LIMB;
	}
	for (let i = 0; i < 10; i++)
		h[i] = h[i] * (1 - c) + g[i] * c;
	// The low 128 bits, plus s mod 2^128.
	const tag = new Uint8Array(16);
	let acc = 0, bits = 0, o = 0;
	for (let i = 0; i < 10; i++) {
		acc |= h[i] << bits;
		bits += 13;
		while (bits >= 8 && o < 16) {
			tag[o++] = acc & 0xff;
			acc >>>= 8;
			bits -= 8;
		}
	}
	let t = 0;
	for (let i = 0; i < 16; i++) {
		t += tag[i] + key[16 + i];
		tag[i] = t & 0xff;
		t >>>= 8;
	}
	for (const a of [rb, blk, r, h, d, g])
		a.fill(0);
	return tag;
}

// ---- XChaCha20-Poly1305-IETF (libsodium's crypto_aead_xchacha20poly1305_ietf)

function aeadMacData(ad, ct) {
	const pad = (n) => (16 - n % 16) % 16;
	const lens = new Uint8Array(16);
	const dv = new DataView(lens.buffer);
	dv.setUint32(0, ad.length, true);
	dv.setUint32(8, ct.length, true);
	return concat(ad, new Uint8Array(pad(ad.length)), ct,
	    new Uint8Array(pad(ct.length)), lens);
}

function xchachaSetup(key, nonce) {
	if (key.length !== 32 || nonce.length !== 24)
		throw new RangeError('xchacha20poly1305: a 32-byte key and a ' +
		    '24-byte nonce');
	const sub = hchacha20(key, nonce.subarray(0, 16));
	const n12 = new Uint8Array(12);
	n12.set(nonce.subarray(16), 4);
	const polyKey = chacha20(sub, n12, 0, new Uint8Array(32));
	return {sub, n12, polyKey};
}

// ct || tag (16) opened with ad: the plaintext, or null when the tag does
// not verify.
export function xchacha20poly1305Decrypt(key, nonce, ctTag, ad) {
	if (ctTag.length < 16)
		return null;
	const ct = ctTag.subarray(0, ctTag.length - 16);
	const {sub, n12, polyKey} = xchachaSetup(key, nonce);
	const tag = poly1305(polyKey, aeadMacData(ad, ct));
	const ok = equalBytes(tag, ctTag.subarray(ct.length));
	polyKey.fill(0);
	const plain = ok ? chacha20(sub, n12, 1, ct) : null;
	sub.fill(0);
	return plain;
}

// The other way (for tests, and for anyone checking this file by a round
// trip): ct || tag.
export function xchacha20poly1305Encrypt(key, nonce, plain, ad) {
	const {sub, n12, polyKey} = xchachaSetup(key, nonce);
	const ct = chacha20(sub, n12, 1, plain);
	const tag = poly1305(polyKey, aeadMacData(ad, ct));
	sub.fill(0);
	polyKey.fill(0);
	return concat(ct, tag);
}

// ---- the sealed leaf, custos-leaf-v1 (src/tlog/leaf.c) ---------------------

export const LEAF_FORMAT = 'custos-leaf-v1';
export const LEAF_BYTES = 49;
const LEAF_VERSION = 1;
const SEAL_OVERHEAD = 24 + 16;

// The tag and seal keys of a tenant's 32-byte log key (base64, as GET
// /v1/tenants/{t}/log-key gives it, or bytes): crypto_kdf, context
// "custoslg", subkeys 1 and 2.  The nonce key (3) is custosd's alone.
export function deriveLogKeys(logKey) {
	const k = bytesOf(logKey, 'the log key');
	if (k.length !== 32)
		fail('the log key is not 32 bytes');
	return {tagKey: kdfDerive(32, 1, 'custoslg', k),
		sealKey: kdfDerive(32, 2, 'custoslg', k)};
}

// tag = BLAKE2b-128 keyed with the tag key over the index (8, big-endian).
export function leafTag(tagKey, index) {
	return blake2b(16, be64(count(index, 'index')), tagKey);
}

// leafTag for many indexes under one key: the key's block is compressed
// once.  (index) => tag.
export function leafTagger(tagKey) {
	const t = blake2bKeyed(16, tagKey);
	return (index) => t(be64(count(index, 'index')));
}

// true when leaf is a custos-leaf-v1 leaf whose tag is tagKey's at index
// (tagKey: the key, or a leafTagger of it).
export function leafIsMine(tagKey, index, leaf) {
	const tag = typeof tagKey === 'function' ? tagKey(index) :
	    leafTag(tagKey, index);
	return leaf.length === LEAF_BYTES && leaf[0] === LEAF_VERSION &&
	    equalBytes(tag, leaf.subarray(1, 17));
}

// Opens a sealed body, nonce (24) || ciphertext || MAC (16), with AD =
// 0x01 || tag || index (8, big-endian): the plaintext bytes, or throws.
export function openSealed(sealKey, index, tag, sealed) {
	const s = bytesOf(sealed, 'the sealed body');
	if (s.length < SEAL_OVERHEAD)
		fail('the sealed body is too short');
	const ad = concat([LEAF_VERSION], tag, be64(count(index, 'index')));
	const plain = xchacha20poly1305Decrypt(sealKey, s.subarray(0, 24),
	    s.subarray(24), ad);
	if (plain === null)
		fail(`the sealed body does not open under this key at index ${index}`);
	return plain;
}

// What leaf_open does, then the JSON: the leaf is a custos-leaf-v1 leaf
// with tagKey's tag at index, sealed hashes to its body_hash and opens
// under sealKey.  Resolves to the entry (parsed JSON), or throws.
export async function checkLeaf(leaf, index, tagKey, sealKey, sealed) {
	const l = bytesOf(leaf, 'the leaf'), s = bytesOf(sealed, 'the sealed body');
	if (l.length !== LEAF_BYTES || l[0] !== LEAF_VERSION)
		fail(`not a ${LEAF_FORMAT} leaf (${l.length} bytes)`);
	if (!equalBytes(await sha256(s), l.subarray(17)))
		fail("the sealed body does not hash to the leaf's body_hash");
	if (!leafIsMine(tagKey, index, l))
		fail(`the leaf's tag is not this key's for index ${index}`);
	const plain = openSealed(sealKey, index, l.subarray(1, 17), s);
	let entry;
	try {
		entry = JSON.parse(new TextDecoder('utf-8', {fatal: true})
		    .decode(plain));
	} catch (e) {
		fail('the sealed body opens, but is not JSON text');
	}
	if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
		fail('the sealed body opens, but is not a JSON object');
	return entry;
}

// ---- a tenant's complete check over C2SP entry bundles -------------------

// The C2SP tlog-tiles path of entry bundle n (width leaves, 256 when
// full), after ".../tile/": entries/x001/x234/067[.p/W].
export function entryBundlePath(n, width = 256) {
	let s = String(count(n, 'bundle')).padStart(3, '0');
	const groups = [];
	while (s.length > 3) {
		groups.unshift(s.slice(-3));
		s = s.slice(0, -3);
	}
	groups.unshift(s.padStart(3, '0'));
	const p = groups.map((g, i) => (i < groups.length - 1 ? 'x' : '') + g)
	    .join('/');
	return 'entries/' + p + (width < 256 ? '.p/' + width : '');
}

// The leaves of an entry bundle: width of them, each a 16-bit big-endian
// length and its bytes, nothing after.
export function bundleLeaves(data, width, n = 0) {
	const b = bytesOf(data, 'entry bundle');
	const out = [];
	let off = 0;
	for (let i = 0; i < width; i++) {
		if (b.length - off < 2)
			fail(`entry bundle ${n}: ${i} leaves, ${width} expected`);
		const len = b[off] << 8 | b[off + 1];
		off += 2;
		if (b.length - off < len)
			fail(`entry bundle ${n}: leaf ${i} is cut short`);
		out.push(b.subarray(off, off + len));
		off += len;
	}
	if (off !== b.length)
		fail(`entry bundle ${n}: ${b.length - off} bytes after its ` +
		    `${width} leaves`);
	return out;
}

// A tenant's complete check (tenantcheck.c): every leaf of the entry
// bundles below `size`, fetched in order with getBundle(n, width, path)
// (resolving to the bundle's bytes), is hashed into the tree, whose root
// must be rootHash (so the bundles hold exactly the tree the checkpoint
// signs), and every leaf whose tag is tagKey's at its index is the
// tenant's.  onProgress(leaves done, size), when given, is called after
// each bundle (about 50 us a leaf in node on a loaded 2-core machine, two
// WebCrypto digests and one BLAKE2b).  Resolves to {own: Map index -> leaf bytes, foreign: leaves
// not custos-leaf-v1, size}, or throws.
export async function checkTenantComplete({size, rootHash, tagKey,
    getBundle, onProgress = null}) {
	const n = count(size, 'tree size');
	const tagger = leafTagger(tagKey);
	const range = new CompactRange();
	const own = new Map();
	let foreign = 0;
	for (let b = 0; range.size < n; b++) {
		const width = Math.min(256, n - 256 * b);
		const leaves = bundleLeaves(await getBundle(b, width,
		    entryBundlePath(b, width)), width, b);
		for (let i = 0; i < width; i++) {
			const index = 256 * b + i, l = leaves[i];
			await range.append(await leafHash(l));
			if (l.length !== LEAF_BYTES || l[0] !== LEAF_VERSION)
				foreign++;
			else if (leafIsMine(tagger, index, l))
				own.set(index, l.slice());
		}
		if (onProgress !== null)
			onProgress(range.size, n);
	}
	if (!equalBytes(await range.root(), hash32(rootHash, 'root hash')))
		fail(`the entry bundles do not make the tree of ${n} leaves ` +
		    'the checkpoint signs');
	return {own, foreign, size: n};
}

function jsonEqual(a, b) {
	if (a === b)
		return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null ||
	    b === null || Array.isArray(a) !== Array.isArray(b))
		return false;
	const ka = Object.keys(a), kb = Object.keys(b);
	return ka.length === kb.length && ka.every((k) =>
	    Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
}

// The whole check of a tenant's access log (what `custos verify --tenant`
// does, from scratch each time):
//   pages      GET /v1/tenants/{t}/access-log answers, in order (one, or
//              each following `next`): {tenant, checkpoint, size, entries:
//              [{index, leaf, sealed, event, proof}], next}
//   vkey       the log's verifier key (text or parseVerifierKey's)
//   logKey     the tenant's log key (GET /v1/tenants/{t}/log-key's
//              log_key, base64, or bytes)
//   tenant     the tenant's id
//   getBundle  (n, width, path) => bytes of entry bundle n, e.g. fetched
//              from /v1/log/tile/<path> (fetchBundles gives one)
//   onProgress optional, (leaves done, size) after each bundle
// The first page's checkpoint fixes the tree (size N): the bundles below N
// must make its root, and every leaf of the tenant's below N must be
// listed.  Every page's checkpoint is checked against vkey; every entry
// against its page's checkpoint (inclusion proof) and, below N, against
// the bundles' leaf at its index.  Throws when the checkpoint, the tree or
// the answer's shape fails (nothing can be said); else resolves to
//   {checkpoint, entries: [{index, event, verified, error}], missing:
//    [indexes of the tenant's leaves not listed], complete}
// where event is the opened body (what the log commits to), verified is
// true when every check of that entry held, error says which failed, and
// complete is true when every entry verified and none is missing.
export async function verifyAccessLog({pages, vkey, logKey, tenant,
    getBundle, onProgress = null}) {
	const vk = typeof vkey === 'string' ? await parseVerifierKey(vkey) : vkey;
	const list = Array.isArray(pages) ? pages : [pages];
	if (list.length === 0)
		fail('no access-log answer');
	const {tagKey, sealKey} = deriveLogKeys(logKey);
	const cps = [];
	for (const p of list) {
		if (p === null || typeof p !== 'object' || !Array.isArray(p.entries))
			fail('an access-log answer without entries');
		if (p.tenant !== tenant)
			fail(`an access-log answer for tenant '${p.tenant}', not ` +
			    `'${tenant}'`);
		const c = await verifyCheckpoint(p.checkpoint, vk);
		if (p.size !== undefined && p.size !== c.size)
			fail(`an access-log answer says size ${p.size}, its checkpoint ` +
			    `${c.size}`);
		if (cps.length > 0 && c.size < cps[cps.length - 1].size)
			fail('a later page comes with an older checkpoint');
		cps.push(c);
	}
	const first = cps[0];
	const tree = await checkTenantComplete({size: first.size,
		rootHash: first.rootHash, tagKey, getBundle, onProgress});
	const listed = new Set(), entries = [];
	for (let pi = 0; pi < list.length; pi++) {
		for (const en of list[pi].entries) {
			const r = {index: en && en.index, event: null, verified: false,
				error: null};
			entries.push(r);
			try {
				r.event = await checkEntry(en, cps[pi], tree, listed,
				    tagKey, sealKey, tenant);
				r.verified = true;
			} catch (e) {
				if (!(e instanceof VerifyError))
					throw e;
				r.error = e.message;
			}
		}
	}
	const missing = [...tree.own.keys()].filter((i) => !listed.has(i))
	    .sort((a, b) => a - b);
	const last = list[list.length - 1];
	return {checkpoint: first, entries, missing, own: tree.own.size,
		paged: last.next !== null && last.next !== undefined,
		complete: missing.length === 0 && entries.every((e) => e.verified)};
}

async function checkEntry(en, cp, tree, listed, tagKey, sealKey, tenant) {
	if (en === null || typeof en !== 'object')
		fail('an entry is not an object');
	const index = count(en.index, "an entry's index");
	if (index >= cp.size)
		fail(`entry ${index} is not below its checkpoint's size ${cp.size}`);
	if (listed.has(index))
		fail(`entry ${index} is listed twice`);
	listed.add(index);
	const leaf = bytesOf(en.leaf, "the entry's leaf");
	if (index < tree.size) {
		const mine = tree.own.get(index);
		if (mine === undefined)
			fail(`entry ${index} is not the tenant's: its leaf in the log ` +
			    "does not carry the tenant's tag for that index");
		if (!equalBytes(mine, leaf))
			fail(`entry ${index}: its leaf is not the leaf the log holds ` +
			    'at that index');
	}
	await verifyInclusion(index, cp.size, await leafHash(leaf),
	    en.proof, cp.rootHash);
	const body = await checkLeaf(leaf, index, tagKey, sealKey, en.sealed);
	if (body.tenant !== tenant)
		fail(`entry ${index}: its sealed body is about tenant ` +
		    `'${body.tenant ?? '(none)'}', not '${tenant}'`);
	if (!jsonEqual(body, en.event))
		fail(`entry ${index}: the event shown is not its sealed body ` +
		    '(what the log commits to)');
	return body;
}

// A getBundle for verifyAccessLog / checkTenantComplete that fetches the
// public entry bundles from base (e.g. location.origin), without
// credentials: the bundles are public, and a verifier needs no more.
export function fetchBundles(base = '') {
	return async (n, width, path) => {
		const r = await fetch(`${base}/v1/log/tile/${path}`,
		    {credentials: 'omit'});
		if (!r.ok)
			fail(`entry bundle ${n}: HTTP ${r.status}`);
		return new Uint8Array(await r.arrayBuffer());
	};
}
