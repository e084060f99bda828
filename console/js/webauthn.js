// SPDX-License-Identifier: ISC
//
// WebAuthn in the shape custosd speaks: options arrive as JSON with
// binary fields in base64url (no padding), and credentials go back the
// same way (CONSOLE.md section 3).  Written by hand rather than with
// PublicKeyCredential.parseCreationOptionsFromJSON / toJSON because
// those are not in every browser we support yet, and so that we send
// exactly the fields the server reads (it refuses unknown ones).

import {api, ApiError, say} from './app.js';

export function b64urlToBytes(s) {
	const b64 = String(s).replace(/-/g, '+').replace(/_/g, '/');
	const pad = b64.length % 4 ? '='.repeat(4 - b64.length % 4) : '';
	const bin = atob(b64 + pad);
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++)
		out[i] = bin.charCodeAt(i);
	return out;
}

export function bytesToB64url(buf) {
	const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
	let bin = '';
	for (let i = 0; i < bytes.length; i++)
		bin += String.fromCharCode(bytes[i]);
	return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_')
	    .replace(/=+$/, '');
}

export function supported() {
	return typeof window !== 'undefined' && !!window.PublicKeyCredential &&
	    !!navigator.credentials;
}

function credDescriptors(list) {
	return (list || []).map((c) => Object.assign({}, c, {
		type: c.type || 'public-key',
		id: b64urlToBytes(c.id),
	}));
}

function notSupported() {
	return new ApiError(0, 'unsupported', 'This browser cannot use ' +
	    'passkeys here (it needs WebAuthn and a secure origin: https, ' +
	    'or http://localhost).');
}

// navigator.credentials.create with the server's publicKey options;
// answers the credential as the server wants it.
export async function createCredential(pk) {
	if (!supported())
		throw notSupported();
	const publicKey = Object.assign({}, pk, {
		challenge: b64urlToBytes(pk.challenge),
		user: Object.assign({}, pk.user, {id: b64urlToBytes(pk.user.id)}),
		excludeCredentials: credDescriptors(pk.excludeCredentials),
	});
	const cred = await navigator.credentials.create({publicKey});
	if (!cred)
		throw new ApiError(0, 'cancelled', 'No passkey was created.');
	const r = cred.response;
	const response = {
		clientDataJSON: bytesToB64url(r.clientDataJSON),
		attestationObject: bytesToB64url(r.attestationObject),
	};
	if (typeof r.getTransports === 'function')
		response.transports = r.getTransports();
	return {id: cred.id, rawId: bytesToB64url(cred.rawId),
	    type: 'public-key', response};
}

// navigator.credentials.get with the server's publicKey options.
export async function getAssertion(pk) {
	if (!supported())
		throw notSupported();
	const publicKey = Object.assign({}, pk, {
		challenge: b64urlToBytes(pk.challenge),
		allowCredentials: credDescriptors(pk.allowCredentials),
	});
	const cred = await navigator.credentials.get({publicKey});
	if (!cred)
		throw new ApiError(0, 'cancelled', 'No passkey was used.');
	const r = cred.response;
	const response = {
		clientDataJSON: bytesToB64url(r.clientDataJSON),
		authenticatorData: bytesToB64url(r.authenticatorData),
		signature: bytesToB64url(r.signature),
	};
	if (r.userHandle && r.userHandle.byteLength)
		response.userHandle = bytesToB64url(r.userHandle);
	return {id: cred.id, response};
}

// Registers a new passkey for whoever is signed in (or, with
// invitation, for the invited person; then cookie asks to be signed in).
// stepUpAs: the person's own id when they have a passkey already: adding
// another is stepped up with it (so a stolen session cannot enrol the
// thief's authenticator).
export async function registerPasskey(name, invitation, stepUpAs) {
	const su = stepUpAs ? await stepUp('passkey.register', stepUpAs) :
	    undefined;
	const ask = invitation ? {invitation} : {};
	const opt = await api('POST', '/v1/passkeys/options', ask,
	    {anonymous: !!invitation});
	const credential = await createCredential(opt.publicKey);
	const body = {challenge_id: opt.challenge_id, credential};
	if (su)
		body.step_up = su;
	if (name)
		body.name = name;
	if (invitation) {
		body.invitation = invitation;
		body.session = 'cookie';
	}
	return api('POST', '/v1/passkeys', body, {anonymous: !!invitation});
}

// Signs in with a discoverable passkey; custosd sets the session cookie.
export async function signInWithPasskey() {
	const opt = await api('POST', '/v1/auth/passkey/options', {},
	    {anonymous: true});
	const credential = await getAssertion(opt.publicKey);
	return api('POST', '/v1/auth/passkey', {challenge_id: opt.challenge_id,
	    credential, session: 'cookie'}, {anonymous: true});
}

// A fresh passkey assertion bound to one action on one target (the
// request or approval id), to send as "step_up" with the answer.  The
// server refuses approve, deny and revoke by a console session without
// it, so a stolen session cookie cannot approve.
export async function stepUp(action, target) {
	let opt;
	try {
		opt = await api('POST', '/v1/step-up/options', {action, target});
	} catch (e) {
		if (e.status === 404 && /no such endpoint/i.test(e.message))
			return undefined; // a custosd without step-up (older)
		if (e.status === 409 && e.code === 'no_passkey')
			throw new ApiError(403, 'step_up_required', 'This needs ' +
			    'a passkey to confirm it, and you have none yet: ' +
			    'add one on the Passkeys page, then try again.');
		throw e;
	}
	const allow = opt.publicKey && opt.publicKey.allowCredentials;
	if (Array.isArray(allow) && allow.length === 0)
		throw new ApiError(403, 'step_up_required', 'This answer needs ' +
		    'a passkey and you have none yet: add one on the Passkeys ' +
		    'page, then answer again.');
	say('Confirm with your passkey: your browser or device asks for it now.');
	const credential = await getAssertion(opt.publicKey);
	return {challenge_id: opt.challenge_id, credential};
}

// POST (or method) path with body plus step-up for (action, target).
export async function withStepUp(path, action, target, body = {},
    method = 'POST') {
	const su = await stepUp(action, target);
	const b = Object.assign({}, body);
	if (su)
		b.step_up = su;
	return api(method, path, b);
}
