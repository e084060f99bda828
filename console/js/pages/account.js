// SPDX-License-Identifier: ISC
//
// #/account: the signed-in person's own passkeys (list, add, remove).
// Tenant admins need one to approve, deny and revoke from the console
// (step-up); engineers' passkeys are bound to the device of the session
// that registers them.

import {api, h, field, form, button, say, session, loadSession, timeEl,
    listOf, show, confirmBox} from '../app.js';
import {registerPasskey, supported, withStepUp} from '../webauthn.js';

export async function render(main) {
	const s = session();
	main.append(h('h1', null, 'Your passkeys'),
	    h('p', {class: 'lead'}, 'A passkey signs you in without a ' +
	    'password and cannot be phished. ' + (s.kind === 'tenant_admin' ?
	    'Approving, denying and revoking access ask for one each time, ' +
	    'so that a stolen session alone cannot approve anything.' :
	    s.kind === 'engineer' ? 'Yours is bound to the device you ' +
	    'signed in with' + (s.device ? ' (' + s.device + ')' : '') + '.' :
	    '')));
	const list = listOf(await api('GET', '/v1/passkeys'), 'passkeys');
	const tbody = h('tbody');
	for (const p of list) {
		tbody.append(h('tr', {'data-testid': 'passkey-' + p.id},
		    h('td', {'data-label': 'Name'}, p.name || '(no name)'),
		    h('td', {'data-label': 'Added'}, timeEl(p.created)),
		    h('td', {'data-label': 'Last used'}, p.last_used ?
		    timeEl(p.last_used) : 'never'),
		    s.kind === 'engineer' ? h('td', {'data-label': 'Device'},
		    p.device || '—') : null,
		    h('td', {'data-label': ''}, button('Remove', async () => {
			    if (!await confirmBox('Remove this passkey?',
				'You cannot sign in or confirm answers with "' +
				(p.name || p.id) + '" any more.', 'Remove'))
				    return;
			    await withStepUp('/v1/passkeys/' +
				encodeURIComponent(p.id), 'passkey.delete', p.id,
				{}, 'DELETE');
			    await loadSession();
			    say('Passkey removed.');
			    show();
		    }, {class: 'danger small', 'aria-label': 'Remove passkey ' +
		    (p.name || p.id), 'data-testid': 'passkey-remove'}))));
	}
	main.append(list.length ? h('div', {class: 'table-wrap'},
	    h('table', {class: 'stack'}, h('caption', null, list.length +
	    ' passkey' + (list.length === 1 ? '' : 's')),
	    h('thead', null, h('tr', null, h('th', {scope: 'col'}, 'Name'),
	    h('th', {scope: 'col'}, 'Added'), h('th', {scope: 'col'},
	    'Last used'), s.kind === 'engineer' ? h('th', {scope: 'col'},
	    'Device') : null, h('th', {scope: 'col'}, h('span',
	    {class: 'muted'}, 'Actions')))), tbody)) :
	    h('p', {class: 'empty', 'data-testid': 'no-passkeys'},
	    'You have no passkey yet.'));

	const name = field('Name', {optional: true, maxlength: 64,
	    testid: 'passkey-name', hint: 'e.g. "laptop" or "phone"'});
	main.append(h('h2', null, 'Add a passkey'),
	    form({'data-testid': 'passkey-add-form', class: 'inline-form'},
	    [name, h('button', {type: 'submit', class: 'primary',
		'data-testid': 'passkey-add', disabled: !supported()},
		list.length ? 'Add a passkey (confirm with one you have)' :
		'Add a passkey')],
	    async () => {
		    const r = await registerPasskey(name.input.value.trim(),
			undefined, list.length ? s.id : undefined);
		    await loadSession();
		    say('Passkey "' + (r.name || r.id) + '" added.');
		    show();
	    }));
}
