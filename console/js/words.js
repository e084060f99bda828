// SPDX-License-Identifier: ISC
//
// Log entries in words, for the tenant's admins: "ana.0 of Sitel reset
// the password of bob@acme.example under request req_1, approved by you
// at ...".  Names come from what the admin may read anyway (the tenant's
// users, the access requests with engineer and vendor names); an id we
// cannot name is shown as is.  The words never replace the entry: the
// page shows the entry itself next to them.

// names: {users: Map(id -> {username, email}), engineers: Map(id ->
// username), vendors: Map(id -> name), requests: Map(id -> request),
// me: the viewer's user id}
export function describe(ev, names) {
	const n = names || {};
	const actor = actorText(ev.actor || {}, n);
	const a = ACTIONS[ev.action];
	const d = ev.detail || {};
	const target = ev.target;
	let what;
	if (a)
		what = a(target, d, n, ev);
	else
		what = 'did ' + ev.action + (target ? ' on ' + target : '');
	let s;
	if (ev.outcome === 'denied')
		s = actor + ' tried to ' + (what.inf || what.past || what) +
		    ' — refused (' + reasonText(ev.reason) + ')';
	else
		s = actor + ' ' + (what.past || what);
	const extra = [];
	if (d.grant) {
		const g = n.requests && n.requests.get(d.grant);
		let t = 'under request ' + d.grant;
		if (g && g.decided_by && g.decided) {
			t += ', approved by ' + userName(g.decided_by, n) +
			    ' at ' + shortTime(g.decided);
		}
		if (d.break_glass === 'true')
			t += ' (break-glass access opened by the operator)';
		extra.push(t);
	} else if (d.access === 'policy:auto_approve') {
		extra.push('under your auto-approve policy');
	}
	if (d.approval)
		extra.push('with second approval ' + d.approval);
	if (d.step_up)
		extra.push('confirmed with a passkey');
	if (d.containment)
		extra.push('by containment ' + d.containment);
	return s + (extra.length ? ', ' + extra.join(', ') : '') + '.';
}

function shortTime(t) {
	const d = new Date(t);
	return isNaN(d) ? t : d.toLocaleString(undefined, {day: 'numeric',
	    month: 'short', hour: '2-digit', minute: '2-digit'});
}

export function userName(id, n) {
	if (!id)
		return 'someone';
	if (n.me && id === n.me)
		return 'you';
	if (id === 'operator')
		return 'the operator';
	if (id.startsWith('policy:'))
		return 'your auto-approve policy';
	const u = n.users && n.users.get(id);
	if (u)
		return u.email || u.username || id;
	const e = n.engineers && n.engineers.get(id);
	if (e)
		return e;
	return id;
}

function engineerName(id, n) {
	return (n.engineers && n.engineers.get(id)) || id || 'an engineer';
}

function vendorName(id, n) {
	return (n.vendors && n.vendors.get(id)) || id;
}

function actorText(a, n) {
	switch (a.kind) {
	case 'engineer':
		return engineerName(a.id, n) + (a.vendor ? ' of ' +
		    vendorName(a.vendor, n) : '');
	case 'tenant_admin':
	case 'tenant_user': {
		const who = userName(a.id, n);
		return who === 'you' ? 'You' : who;
	}
	case 'operator':
		return a.id && a.id !== 'operator' ? 'Operator ' + a.id :
		    'The operator';
	case 'system':
		return 'custos';
	default:
		return a.id ? 'Someone signing in as ' + a.id :
		    'Someone not signed in';
	}
}

const REASONS = {
	no_approved_access: 'no approved access',
	tenant_policy_deny: 'your policy denies support access',
	role_forbids: 'support may not do that',
	other_tenant: 'another tenant',
	second_approval_required: 'needs a second approval',
	approval_used: 'the second approval was already used',
	approval_not_valid: 'the second approval does not fit',
	bad_credentials: 'wrong credentials',
	bad_password: 'wrong password',
	bad_totp: 'wrong code',
	contained: 'contained by the security team',
	wrong_state: 'no longer open',
	state_changed: 'someone else answered first',
	step_up_required: 'no passkey confirmation',
	step_up_failed: 'passkey confirmation failed',
	csrf: 'cross-site request refused',
	session_expired: 'session expired',
	session_idle: 'session idle',
	no_such_user: 'no such user',
	no_such_ticket: 'no such ticket',
	own_request: 'nobody approves their own request',
	not_a_second_approver: 'not allowed to be the second person',
};

export function reasonText(r) {
	return REASONS[r] || (r ? r.replace(/_/g, ' ') : 'refused');
}

function both(text) {
	return {past: text, inf: text};
}

function ticketText(id, n) {
	const t = n.tickets && n.tickets.get(id);
	return 'ticket ' + id + (t ? ' ("' + t + '")' : '');
}

const ACTIONS = {
	'user.password_reset': (t, d, n) => both(actionWords(
	    'user.password_reset', t, n)),
	'user.mfa_reset': (t, d, n) => both(actionWords('user.mfa_reset', t,
	    n).replace('MFA', 'second factor (MFA)')),
	'user.list': () => ({past: 'listed your users',
	    inf: 'list your users'}),
	'user.create': (t, d, n) => ({past: n.me && t === n.me ?
	    'created your account' : 'created the user ' + userName(t, n),
	    inf: 'create a user'}),
	'tenant.create': () => ({past: 'created your tenant in custos',
	    inf: 'create the tenant'}),
	'user.delete': (t, d, n) => ({past: 'deleted the user ' +
	    userName(t, n), inf: 'delete the user ' + userName(t, n)}),
	'user.password_reset_complete': () => ({past: 'set a new password ' +
	    'with a reset link', inf: 'use a reset link'}),
	'ticket.list': () => ({past: 'listed your tickets',
	    inf: 'list your tickets'}),
	'ticket.view': (t, d, n) => ({past: 'read ' + ticketText(t, n),
	    inf: 'read ' + ticketText(t, n)}),
	'ticket.create': (t, d, n) => ({past: 'opened ' + ticketText(t, n),
	    inf: 'open a ticket'}),
	'tenant.export': () => ({past: 'exported your tenant\'s data',
	    inf: 'export your tenant\'s data'}),
	'tenant.access_log': () => ({past: 'read this access log',
	    inf: 'read this access log'}),
	'tenant.log_key': () => ({past: 'fetched the log key for the ' +
	    'verifier', inf: 'fetch the log key'}),
	'tenant.support_policy': (t, d) => ({past: 'changed the support ' +
	    'settings' + (d.from && d.to && d.from !== d.to ? ' (policy ' +
	    d.from.replace(/_/g, ' ') + ' → ' + d.to.replace(/_/g, ' ') +
	    ')' : ''), inf: 'change the support settings'}),
	'tenant.support_policy_view': () => ({past: 'viewed the support ' +
	    'settings', inf: 'view the support settings'}),
	'access_request.create': (t, d, n) => ({past: 'asked for access' +
	    (d.ticket ? ' for ' + ticketText(d.ticket, n) : '') +
	    ' (request ' + t + ')' + (d.decided_by ===
	    'policy:auto_approve' ? ', approved by your auto-approve policy' :
	    ''), inf: 'ask for access'}),
	'access_request.view': (t) => ({past: 'looked at request ' + t,
	    inf: 'look at request ' + t}),
	'access_request.list': () => ({past: 'listed the access requests',
	    inf: 'list the access requests'}),
	'access_request.approve': (t, d, n) => ({past: 'approved request ' +
	    t + (d.engineer ? ' of ' + engineerName(d.engineer, n) : '') +
	    (d.minutes ? ' for ' + d.minutes + ' minutes' : ''),
	    inf: 'approve request ' + t}),
	'access_request.deny': (t, d, n) => ({past: 'denied request ' + t +
	    (d.engineer ? ' of ' + engineerName(d.engineer, n) : '') +
	    (d.reason ? ' ("' + d.reason + '")' : ''),
	    inf: 'deny request ' + t}),
	'access_request.revoke': (t) => ({past: 'revoked the access of ' +
	    'request ' + t, inf: 'revoke request ' + t}),
	'access_request.expire': (t) => ({past: 'ended request ' + t +
	    ': its time ran out', inf: 'end request ' + t}),
	'access_request.break_glass': (t, d, n) => ({past: 'opened ' +
	    'emergency (break-glass) access for ' +
	    engineerName(d.engineer, n) + ' (request ' + t + ')',
	    inf: 'open break-glass access'}),
	'approval.create': (t, d, n) => ({past: 'asked for a second ' +
	    'approval (' + t + ') to ' + actionWords(d.for, d.on, n),
	    inf: 'ask for a second approval'}),
	'approval.view': (t) => ({past: 'looked at second approval ' + t,
	    inf: 'look at second approval ' + t}),
	'approval.approve': (t, d, n) => ({past: 'gave second approval ' +
	    t + (d.for ? ' to ' + actionWords(d.for, d.on, n) : ''),
	    inf: 'give second approval ' + t}),
	'approval.deny': (t) => ({past: 'refused second approval ' + t,
	    inf: 'refuse second approval ' + t}),
	'auth.login': () => ({past: 'signed in', inf: 'sign in'}),
	'auth.passkey': () => ({past: 'signed in with a passkey',
	    inf: 'sign in with a passkey'}),
	'auth.logout': () => ({past: 'signed out', inf: 'sign out'}),
	'containment': (t, d, n) => ({past: 'contained ' + (d.engineer ?
	    engineerName(d.engineer, n) : d.vendor ? 'vendor ' +
	    vendorName(d.vendor, n) : t), inf: 'contain'}),
	'passkey.register': () => ({past: 'added a passkey',
	    inf: 'add a passkey'}),
	'passkey.delete': () => ({past: 'removed a passkey',
	    inf: 'remove a passkey'}),
	'invitation.create': (t) => ({past: 'sent invitation ' + t,
	    inf: 'send an invitation'}),
	'incident.view': () => ({past: 'read an incident report',
	    inf: 'read an incident report'}),
	'impersonation.grant': () => ({past: 'was granted impersonation ' +
	    '(imported from Okta)', inf: 'be granted impersonation'}),
	'passkey.register_begin': () => ({past: 'began adding a passkey',
	    inf: 'begin adding a passkey'}),
	'passkey.list': () => ({past: 'listed their passkeys',
	    inf: 'list passkeys'}),
	'step_up.begin': (t, d) => ({past: 'began confirming ' +
	    (d.for || 'an action') + (t ? ' on ' + t : '') + ' with a passkey',
	    inf: 'confirm an action with a passkey'}),
	'session.view': () => ({past: 'opened the console',
	    inf: 'open the console'}),
	'approval.list': () => ({past: 'listed the second approvals',
	    inf: 'list the second approvals'}),
	'tenant.view': () => ({past: 'viewed your tenant',
	    inf: 'view your tenant'}),
	'tenant.incident_list': () => ({past: 'listed the incident reports',
	    inf: 'list the incident reports'}),
	'tenant.incident_view': () => ({past: 'read an incident report',
	    inf: 'read an incident report'}),
	/* issue 16: publishing an incident, its notices. */
	'incident.publish': (t) => ({past: 'published incident ' + t,
	    inf: 'publish an incident'}),
	'incident.notify': (t, d) => ({past: 'told your admins of incident ' +
	    t + (d.exposure === 'unaffected' ? ' (not affected)' : ''),
	    inf: 'tell your admins of an incident'}),
	'tenant.incident_notice_list': () => ({past: 'listed the incident ' +
	    'notices', inf: 'list the incident notices'}),
	'tenant.incident_notice_view': () => ({past: 'read an incident notice',
	    inf: 'read an incident notice'}),
	'user.invite': (t, d, n) => ({past: 'invited ' + userName(t, n) +
	    ' to enrol', inf: 'invite ' + userName(t, n)}),
	'user.invitation_list': () => ({past: 'listed the invitations',
	    inf: 'list the invitations'}),
	'user.invitation_revoke': (t) => ({past: 'revoked invitation ' + t,
	    inf: 'revoke invitation ' + t}),
	'user.passkey_list': (t, d, n) => ({past: 'listed the passkeys of ' +
	    userName(t, n), inf: 'list the passkeys of ' + userName(t, n)}),
	'user.passkey_delete': (t) => ({past: 'removed passkey ' + t,
	    inf: 'remove passkey ' + t}),
	'invitation.open': () => ({past: 'opened an invitation',
	    inf: 'open an invitation'}),
	'invitation.password': () => ({past: 'chose a password from an ' +
	    'invitation', inf: 'choose a password from an invitation'}),
	'invitation.device': () => ({past: 'registered a device by ' +
	    'invitation', inf: 'register a device by invitation'}),
	'invitation.complete': () => ({past: 'completed an invitation',
	    inf: 'complete an invitation'}),
};

export function actionWords(action, target, n) {
	const who = userName(target, n || {});
	switch (action) {
	case 'user.password_reset':
		return who === 'you' ? 'reset your password' :
		    'reset the password of ' + who;
	case 'user.mfa_reset':
		return who === 'you' ? 'reset your MFA' :
		    'reset the MFA of ' + who;
	case 'user.list':
		return 'list your users';
	case 'ticket.list':
		return 'list your tickets';
	case 'ticket.view':
		return 'read ticket ' + (target || '');
	default:
		return action || 'do something';
	}
}
