// SPDX-License-Identifier: ISC
//
// #/invite/<token>: where a mailed invitation lands.  The token is taken
// out of the address bar at once (kept in memory only) and shown to
// nobody; the person picks a passkey or a password with TOTP (the QR code
// comes from custosd as an SVG image: img-src data: is all the CSP
// allows).  An engineer whose invitation names no device registers one
// first (the public key `custos keygen` printed); then a passkey for it,
// or the CLI's password and TOTP (which do not sign in here: the CLI
// signs in with the device's key).

import {api, h, field, form, button, say, go, afterSignIn,
    loadSession, when,
    ApiError} from '../app.js';
import {registerPasskey, supported} from '../webauthn.js';

let held = '';   // the token, once removed from the address bar

const KINDS = {
	engineer: 'support engineer',
	tenant_user: 'member',
	tenant_admin: 'admin',
	operator: 'operator',
};

// An engineer's password and TOTP are the CLI's: no session here.
function engineerDone(main) {
	main.replaceChildren(h('h1', {tabindex: '-1', id: 'inv-done'},
	    'You are enrolled'),
	    h('p', {'data-testid': 'invite-engineer-done'}, 'Your password, ' +
	    'authenticator and device are set. Sign in from the device with ',
	    h('code', null, 'custos login'), '.'));
	main.querySelector('#inv-done').focus();
	say('Enrolled. Sign in with custos login on your device.');
}

async function done() {
	const s = await loadSession();
	say('Welcome' + (s && s.username ? ', ' + s.username : '') +
	    '. You are enrolled and signed in.', true);
	go(afterSignIn(s));
}

export function qrSrc(svg) {
	if (!svg)
		return '';
	if (svg.startsWith('data:image/svg+xml'))
		return svg;
	const bytes = new TextEncoder().encode(svg);
	let bin = '';
	for (const b of bytes)
		bin += String.fromCharCode(b);
	return 'data:image/svg+xml;base64,' + btoa(bin);
}

export async function render(main, params) {
	if (params.token) {
		held = params.token;
		history.replaceState(null, '', '#/invite');
	}
	main.append(h('h1', null, 'Accept your invitation'));
	if (!held) {
		main.append(h('p', null, 'This page needs the link from your ' +
		    'invitation mail. Open the link again; if it has expired, ' +
		    'ask whoever invited you for a new one.'));
		return;
	}
	let inv;
	try {
		inv = await api('POST', '/v1/invitations/open', {token: held},
		    {anonymous: true});
	} catch (e) {
		if (e instanceof ApiError && e.status >= 400 && e.status < 500)
			main.append(h('p', {'data-testid': 'invite-invalid'},
			    'This invitation cannot be used: ' + e.message +
			    ' Ask whoever invited you for a new one.'));
		else
			throw e;
		return;
	}
	const offers = inv.offers || ['passkey'];
	main.append(h('div', {class: 'card', 'data-testid': 'invite-summary'},
	    h('p', null, 'You are invited as ', h('strong', null,
	    inv.username || '—'), ', ', KINDS[inv.kind] || inv.kind,
	    inv.tenant ? ' of ' + (inv.tenant_name || inv.tenant) : '', '.'),
	    h('p', {class: 'muted'}, 'The invitation works once, until ',
	    when(inv.expires_at), '. Nobody else sees what you set here.')));

	if (offers.includes('device')) {
		// The device comes first: the passkey and the password wait
		// for it (custosd answers 409 before).
		main.append(deviceSection(main, params));
		return;
	}
	if (offers.includes('passkey')) {
		const name = field('A name for this passkey', {name: 'name',
		    optional: true, testid: 'invite-passkey-name',
		    value: inv.kind === 'engineer' ? 'work laptop' : '',
		    hint: 'So you can tell your passkeys apart later, e.g. ' +
		    '"laptop" or "phone".', maxlength: 64});
		main.append(h('section', {'aria-labelledby': 'inv-pk'},
		    h('h2', {id: 'inv-pk'}, 'Use a passkey' +
		    (offers.length > 1 ? ' (recommended)' : '')),
		    h('p', null, inv.kind === 'engineer' ?
		    'Create the passkey on your registered device (' +
		    (inv.device || 'the one named in the invitation') + '): it ' +
		    'stands in for that device\'s key when you sign in here.' :
		    'Your device (fingerprint, face, PIN or security key) ' +
		    'keeps it; nothing to remember, and it cannot be phished.'),
		    name,
		    button('Create a passkey', async () => {
			    await registerPasskey(name.input.value.trim(), held);
			    held = '';
			    await done();
		    }, {class: 'primary', 'data-testid': 'invite-passkey',
		    disabled: !supported()})));
	}
	if (offers.includes('password_totp'))
		main.append(passwordSection(inv.kind === 'engineer' ? main : null));
}

function deviceSection(main, params) {
	const sec = h('section', {'aria-labelledby': 'inv-dev'},
	    h('h2', {id: 'inv-dev'}, 'Register your device'),
	    h('p', null, 'On the computer you will work from, run ',
	    h('code', null, 'custos keygen'), ' and paste the public key it ' +
	    'prints below (it is also printed by ', h('code', null,
	    'custos pubkey'), '). The private key never leaves that ' +
	    'computer. Next you choose a passkey or a password and an ' +
	    'authenticator app.'));
	const name = field('A name for this device', {name: 'device-name',
	    required: true, maxlength: 63, value: 'work laptop',
	    testid: 'invite-device-name'});
	const key = field('Public key', {name: 'public-key', required: true,
	    maxlength: 64, spellcheck: false, testid: 'invite-device-key',
	    hint: '44 characters of base64, e.g. "q3V...=".'});
	const f = form({'data-testid': 'invite-device-form'}, [name, key,
		h('button', {type: 'submit', class: 'primary',
		    'data-testid': 'invite-device-submit'}, 'Register device')],
	async () => {
		await api('POST', '/v1/invitations/device', {token: held,
		    name: name.input.value.trim(),
		    public_key: key.input.value.trim()}, {anonymous: true});
		say('Device registered.');
		main.replaceChildren();
		await render(main, Object.assign({}, params, {token: ''}));
		const next = main.querySelector('h2');
		if (next) {
			next.setAttribute('tabindex', '-1');
			next.focus();
		}
	});
	sec.append(f);
	return sec;
}

function passwordSection(engineerMain) {
	const sec = h('section', {'aria-labelledby': 'inv-pw'},
	    h('h2', {id: 'inv-pw'}, 'Or use a password and an authenticator ' +
	    'app'));
	const p1 = field('New password', {type: 'password', required: true,
	    autocomplete: 'new-password', minlength: 12, maxlength: 256,
	    hint: '12 characters or more.', testid: 'invite-password'});
	const p2 = field('The same password again', {type: 'password',
	    required: true, autocomplete: 'new-password', minlength: 12,
	    maxlength: 256, testid: 'invite-password-again'});
	const step2 = h('div');
	const f = form({'data-testid': 'invite-password-form'}, [p1, p2,
		h('button', {type: 'submit', class: 'secondary',
		    'data-testid': 'invite-password-submit'},
		    'Set password')],
	async () => {
		if (p1.input.value !== p2.input.value) {
			p2.input.focus();
			throw new Error('The two passwords differ.');
		}
		const r = await api('POST', '/v1/invitations/password',
		    {token: held, new_password: p1.input.value},
		    {anonymous: true});
		p1.input.value = '';
		p2.input.value = '';
		f.hidden = true;
		totpStep(step2, r, engineerMain);
	});
	sec.append(f, step2);
	return sec;
}

function totpStep(el, r, engineerMain) {
	let secret = '';
	try {
		secret = new URL(r.totp_uri).searchParams.get('secret') || '';
	} catch (e) {
		secret = '';
	}
	const code = field('The 6-digit code your app shows', {required: true,
	    autocomplete: 'one-time-code', inputmode: 'numeric',
	    pattern: '[0-9]{6,8}', maxlength: 8, testid: 'invite-totp'});
	el.append(...[
	    h('h3', {tabindex: '-1', id: 'inv-totp'}, 'Scan this code with ' +
	    'your authenticator app'),
	    r.totp_qr_svg ? h('div', {class: 'qr'}, h('img', {
		src: qrSrc(r.totp_qr_svg), alt: 'QR code of your new ' +
		'authenticator key; the key is also written out below.',
		'data-testid': 'invite-qr'})) : null,
	    secret ? h('p', null, 'Or type the key: ', h('span',
	    {class: 'secret', 'data-testid': 'invite-totp-secret'},
	    secret.replace(/(.{4})/g, '$1 ').trim())) : null,
	    form({'data-testid': 'invite-totp-form'}, [code,
		h('button', {type: 'submit', class: 'primary',
		    'data-testid': 'invite-totp-submit'}, 'Finish')],
	    async () => {
		    const a = await api('POST', '/v1/invitations/totp',
			{token: held, code: code.input.value.replace(/\s/g, ''),
			session: 'cookie'}, {anonymous: true});
		    held = '';
		    if (a && a.done && engineerMain)
			    engineerDone(engineerMain);
		    else
			    await done();
	    })].filter(Boolean));
	el.querySelector('#inv-totp').focus();
	say('Password set. Now add the key to your authenticator app.');
}
