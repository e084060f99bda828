// SPDX-License-Identifier: ISC
//
// #/signin: a passkey for everyone (engineers: the passkey on their
// registered device stands in for the device key), password + TOTP for
// tenant admins and users, and the operator token as the operator's
// fallback.  Every sign-in asks for "session": "cookie", so the session
// is an HttpOnly cookie that no script (ours or an injected one) reads.

import {api, h, field, form, button, say, go, home, afterSignIn,
    loadSession,
    session} from '../app.js';
import {signInWithPasskey, supported} from '../webauthn.js';
import {qrSrc} from './invite.js';

async function signedIn() {
	const s = await loadSession();
	if (!s)
		throw new Error('The sign-in worked but no session came back; ' +
		    'does this browser accept cookies from this site?');
	say('Signed in as ' + (s.username || s.id) + '.', true);
	go(afterSignIn(s));
}

export function render(main) {
	if (session()) {
		go(home());
		return;
	}
	main.append(
	    h('h1', null, 'Sign in to custos'),
	    h('p', {class: 'lead'}, 'Support engineers ask here for access to ' +
	    'a customer\'s tenant; the customer\'s admins approve, deny and ' +
	    'read the verified record of every access.'));

	const passkey = h('section', {'aria-labelledby': 'pk-h'},
	    h('h2', {id: 'pk-h'}, 'With a passkey'),
	    h('p', null, 'For tenant admins, users, support engineers (on ' +
	    'their registered device) and operators who registered one.'),
	    button('Sign in with a passkey', async () => {
		    await signInWithPasskey();
		    await signedIn();
	    }, {class: 'primary', 'data-testid': 'signin-passkey',
	    disabled: !supported()}),
	    supported() ? null : h('p', {class: 'hint'}, 'This browser cannot ' +
	    'use passkeys on this address.'));

	const tenant = field('Tenant', {name: 'tenant', required: true,
	    autocomplete: 'organization', testid: 'signin-tenant',
	    hint: 'Your organisation\'s id in custos, e.g. "acme".',
	    spellcheck: false});
	const user = field('Username', {name: 'username', required: true,
	    autocomplete: 'username', testid: 'signin-username',
	    spellcheck: false});
	const pass = field('Password', {name: 'password', type: 'password',
	    required: true, autocomplete: 'current-password',
	    testid: 'signin-password'});
	const code = field('Code from your authenticator app', {name: 'totp',
	    required: true, autocomplete: 'one-time-code', inputmode: 'numeric',
	    pattern: '[0-9]{6,8}', maxlength: 8, testid: 'signin-totp'});
	const enrol = h('div', {'aria-live': 'polite'});
	const pwForm = form({'data-testid': 'signin-password-form'}, [
		tenant, user, pass, enrol, code,
		h('button', {type: 'submit', class: 'primary',
		    'data-testid': 'signin-submit'}, 'Sign in'),
	], async () => {
		const t = tenant.input.value.trim();
		const body = {username: user.input.value.trim(),
		    password: pass.input.value, session: 'cookie'};
		const c = code.input.value.replace(/\s/g, '');
		if (c)
			body.totp = c;
		const r = await api('POST', '/v1/tenants/' +
		    encodeURIComponent(t) + '/auth/login', body,
		    {anonymous: true});
		if (r && r.enrolment_required) {
			showEnrolment(enrol, r.totp_uri, r.totp_qr_svg);
			code.input.value = '';
			code.input.focus();
			say('Your second factor must be set up again: add the ' +
			    'key to your authenticator app, then sign in with ' +
			    'its code.');
			return;
		}
		pass.input.value = '';
		await signedIn();
	});
	// A code is required unless the user is enrolling again; the
	// server says so, so the field is not marked required to the browser.
	code.input.required = false;
	const pw = h('section', {'aria-labelledby': 'pw-h'},
	    h('h2', {id: 'pw-h'}, 'Tenant admins and users'),
	    h('p', null, 'With your password and the code from your ' +
	    'authenticator app.'), pwForm);

	const tok = field('Operator token', {name: 'token', type: 'password',
	    required: true, autocomplete: 'off', testid: 'signin-operator-token',
	    hint: 'From DIR/operator.token on the server. Operators with a ' +
	    'passkey use the passkey instead.'});
	const opForm = form({'data-testid': 'signin-operator-form'}, [tok,
		h('button', {type: 'submit', class: 'secondary',
		    'data-testid': 'signin-operator-submit'},
		    'Sign in as operator')],
	async () => {
		await api('POST', '/v1/auth/operator', {token:
		    tok.input.value.trim(), session: 'cookie'},
		    {anonymous: true});
		tok.input.value = '';
		await signedIn();
	});
	const op = h('section', {'aria-labelledby': 'op-h'},
	    h('h2', {id: 'op-h'}, 'Operator'),
	    h('details', null, h('summary', {class: 'choice'},
	    'Sign in with the operator token'), opForm));

	main.append(h('div', {class: 'signin-grid'}, passkey, pw, op),
	    h('p', {class: 'hint'}, 'New here? Use the link in your ' +
	    'invitation mail. Forgot your password? Your tenant admin or ' +
	    'support can send you a reset link.'));
}

// Shows the otpauth:// key for a user who must enrol again.
export function showEnrolment(el, uri, svg) {
	el.textContent = '';
	let secret = '';
	try {
		secret = new URL(uri).searchParams.get('secret') || '';
	} catch (e) {
		secret = '';
	}
	el.append(h('div', {class: 'card attention',
	    'data-testid': 'totp-enrolment'},
	    h('h3', null, 'Set up your authenticator app'),
	    h('p', null, 'Scan the code (or add the key) with your ' +
	    'authenticator app, then type the code it shows below.'),
	    svg ? h('div', {class: 'qr'}, h('img', {src: qrSrc(svg),
	    alt: 'QR code of your new authenticator key; the key is also ' +
	    'written out below.', 'data-testid': 'totp-qr'})) : null,
	    secret ? h('p', null, 'Key: ', h('span', {class: 'secret',
	    'data-testid': 'totp-secret'}, secret.replace(/(.{4})/g, '$1 ')
	    .trim())) : null,
	    String(uri).startsWith('otpauth://') ? h('p', null, h('a',
	    {href: uri}, 'Open in authenticator app')) : null));
}
