// SPDX-License-Identifier: ISC
//
// Per-customer reports built in the browser from a scope (or incident)
// answer: the JSON keeps the shape of `custos scope --report`'s
// TENANT.json ("custos-scope-report/1") as far as the answer carries it,
// and the Markdown says in words what happened, to whom, what to do and
// how to verify.  Text from the answer is cleaned before it reaches
// Markdown (no control characters, Markdown and HTML neutralised), as
// the CLI's report_md.c does.

export function mdText(s) {
	return String(s === undefined || s === null ? '' : s)
	    .replace(/[\u0000-\u001f\u007f]/g, ' ')
	    .replace(/([\\`*_{}[\]()#+!|<>~-])/g, '\\$1');
}

function mdCode(s) {
	return '`' + String(s === undefined || s === null ? '' : s)
	    .replace(/[\u0000-\u001f\u007f`]/g, '?') + '`';
}

// One tenant's report object from a scope answer and its tenant row.
export function tenantReport(answer, row, generated) {
	return {
		format: 'custos-scope-report/1',
		tenant: row.tenant,
		name: row.name || row.tenant_name,
		exposure: row.exposure || 'attempted',
		first: row.first,
		last: row.last,
		actions: row.actions || {},
		users_affected: row.users_affected || [],
		denied: row.denied,
		grants: row.grants,
		policy: row.policy,
		from: answer.from,
		to: answer.to,
		generated: generated || new Date().toISOString()
		    .replace(/\.\d+Z$/, 'Z'),
		principals: (answer.query && answer.query.principals) ||
		    answer.principals,
		checkpoint: answer.checkpoint,
		size: answer.size,
		entries: row.entries || [],
	};
}

const EXPOSURE_WORDS = {
	acted_upon: 'acted upon: at least one change (a password or MFA ' +
	    'reset) was made in your tenant',
	viewed: 'viewed: data of your tenant (users or tickets) was read, ' +
	    'nothing was changed',
	exposed: 'exposed: the people concerned could have reached your ' +
	    'tenant, but no action is recorded',
	attempted: 'attempted: only refused attempts are recorded',
};

export function reportMarkdown(r) {
	const L = [];
	L.push('# Support-access incident report: ' + mdText(r.name ||
	    r.tenant));
	L.push('');
	L.push('Tenant ' + mdCode(r.tenant) + '. Window: ' + mdText(r.from) +
	    ' to ' + mdText(r.to) + '. Generated ' + mdText(r.generated) +
	    '.');
	L.push('');
	L.push('## What happened');
	L.push('');
	L.push('Your tenant was **' + mdText(EXPOSURE_WORDS[r.exposure] ||
	    r.exposure) + '**.');
	if (r.first || r.last)
		L.push('The first recorded action was at ' + mdText(r.first) +
		    ', the last at ' + mdText(r.last) + '.');
	L.push('');
	const acts = Object.entries(r.actions || {});
	if (acts.length) {
		L.push('| action | count |');
		L.push('|---|---|');
		for (const [a, n] of acts)
			L.push('| ' + mdCode(a) + ' | ' + Number(n) + ' |');
		L.push('');
	}
	L.push('## Who was affected');
	L.push('');
	if ((r.users_affected || []).length)
		for (const u of r.users_affected)
			L.push('- ' + mdText(u));
	else
		L.push('No user of your tenant was acted upon.');
	L.push('');
	L.push('## What to do');
	L.push('');
	if (r.exposure === 'acted_upon')
		L.push('- Check with each user above that the reset was ' +
		    'theirs; reset their password and second factor again ' +
		    'if not, and end their sessions.');
	L.push('- Read your access log in the custos console for the ' +
	    'window above; every entry cited here is in it.');
	L.push('- Consider the approval-required support policy if you ' +
	    'do not use it yet.');
	L.push('');
	L.push('## How to verify');
	L.push('');
	L.push('The entries cited are ' + ((r.entries || []).map((e) =>
	    typeof e === 'object' ? e.index : e).join(', ') || 'none') +
	    ', in the log\'s tree of size ' + mdText(r.size) + ' whose ' +
	    'signed checkpoint is below. Check them with ' +
	    mdCode('custos verify') + ' and the log\'s key obtained apart ' +
	    'from this report.');
	L.push('');
	if (r.checkpoint) {
		L.push('```');
		L.push(String(r.checkpoint).replace(/`/g, '?').trimEnd());
		L.push('```');
	}
	L.push('');
	return L.join('\n');
}

export function summaryMarkdown(answer) {
	const s = answer.summary || {};
	const L = ['# Scope summary', '',
	    'Window ' + mdText(answer.from) + ' to ' + mdText(answer.to) + '.',
	    '', '- events: ' + Number(s.events || 0),
	    '- tenants acted upon: ' + Number(s.tenants_acted_upon || 0),
	    '- tenants viewed: ' + Number(s.tenants_viewed || 0),
	    '- tenants exposed: ' + Number(s.tenants_exposed || 0), '',
	    '| tenant | exposure | first | last | users affected |',
	    '|---|---|---|---|---|'];
	for (const t of answer.tenants || [])
		L.push('| ' + mdCode(t.tenant) + ' | ' + mdText(t.exposure) +
		    ' | ' + mdText(t.first) + ' | ' + mdText(t.last) + ' | ' +
		    (t.users_affected || []).length + ' |');
	L.push('');
	return L.join('\n');
}
