// SPDX-License-Identifier: ISC
//
// The page a mailed reset link opens (/reset?token=...): it takes the
// token from its own address, removes it from the address bar and the
// history at once (so it is not left behind for the next person at this
// screen), and posts it with the new password to POST /v1/password-reset.
// The token never goes anywhere else.  Replaces the inline page that
// src/api/api_pages.c served.

const params = new URLSearchParams(location.search);
const token = params.get('token') || '';
history.replaceState(null, '', location.pathname);

const f = document.getElementById('reset-form');
const p1 = document.getElementById('p1');
const p2 = document.getElementById('p2');
const status = document.getElementById('status');
const errors = document.getElementById('errors');

function show(el, text) {
	status.textContent = '';
	errors.textContent = '';
	const p = document.createElement('p');
	p.textContent = text;
	el.appendChild(p);
}

if (!token) {
	show(errors, 'This page needs the link from your password-reset ' +
	    'mail. Open the link in the mail again, or ask for a new one.');
}

f.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	if (!token) {
		show(errors, 'This page needs the link from your ' +
		    'password-reset mail.');
		return;
	}
	if (p1.value.length < 12) {
		show(errors, 'The password needs 12 characters or more.');
		p1.focus();
		return;
	}
	if (p1.value !== p2.value) {
		show(errors, 'The two passwords differ.');
		p2.focus();
		return;
	}
	const btn = f.querySelector('button');
	btn.disabled = true;
	try {
		const r = await fetch('/v1/password-reset', {
			method: 'POST',
			credentials: 'omit',
			headers: {'Content-Type': 'application/json'},
			body: JSON.stringify({token, new_password: p1.value}),
		});
		const j = await r.json().catch(() => ({}));
		if (r.ok) {
			p1.value = '';
			p2.value = '';
			f.hidden = true;
			show(status, 'Your password is set. You can sign in now.');
			const a = document.createElement('a');
			a.href = '/#/signin';
			a.textContent = 'Go to sign-in';
			a.setAttribute('data-testid', 'reset-signin');
			status.appendChild(a);
		} else {
			show(errors, (j.error && j.error.message) ||
			    'That did not work (' + r.status + ').');
			btn.disabled = false;
		}
	} catch (e) {
		show(errors, 'custos could not be reached; try again.');
		btn.disabled = false;
	}
});
