// SPDX-License-Identifier: ISC
// The page a mailed reset link opens: the token is read from the URL,
// dropped from the address bar and history at once, and sent only with
// the new password to POST /v1/password-reset.
const token = new URLSearchParams(location.search).get('token') || '';
history.replaceState(null, '', location.pathname);

function start() {
  const form = document.getElementById('reset-form');
  const msg = document.getElementById('msg');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const a = document.getElementById('p1').value;
    const b = document.getElementById('p2').value;
    if (a !== b) {
      msg.textContent = 'The two passwords differ.';
      return;
    }
    const r = await fetch('/v1/password-reset', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({token, new_password: a}),
    });
    const j = await r.json().catch(() => ({}));
    msg.textContent = r.ok ? 'Your password is set. You can log in now.' :
      ((j.error && j.error.message) || 'That did not work.');
  });
}
if (document.readyState === 'loading')
  document.addEventListener('DOMContentLoaded', start);
else
  start();
