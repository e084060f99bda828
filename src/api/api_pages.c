/* SPDX-License-Identifier: ISC */
/*
 * The one page custos serves itself: where a mailed reset link lands.  It
 * reads the token from its own URL and posts it with the new password to
 * POST /v1/password-reset; the token never leaves the user's browser
 * otherwise.  Static, no external resources, strict CSP.
 */
#include "api/req.h"

static const char reset_page[] =
"<!doctype html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
"<meta name=\"referrer\" content=\"no-referrer\">\n"
"<title>Choose a new password</title>\n"
"<style>body{font:16px system-ui,sans-serif;max-width:28em;margin:3em auto;"
"padding:0 1em}input,button{font:inherit;padding:.4em;width:100%;"
"box-sizing:border-box;margin:.3em 0}#msg{margin-top:1em}</style>\n"
"</head><body>\n"
"<h1>Choose a new password</h1>\n"
"<form id=\"f\"><label>New password (12 characters or more)\n"
"<input id=\"p1\" type=\"password\" autocomplete=\"new-password\" "
"minlength=\"12\" required></label>\n"
"<label>Again<input id=\"p2\" type=\"password\" "
"autocomplete=\"new-password\" required></label>\n"
"<button>Set password</button></form><p id=\"msg\"></p>\n"
"<script>\n"
"const t=new URLSearchParams(location.search).get('token')||'';\n"
"history.replaceState(null,'',location.pathname);\n"
"const m=document.getElementById('msg');\n"
"document.getElementById('f').addEventListener('submit',async e=>{\n"
" e.preventDefault();\n"
" const a=document.getElementById('p1').value,"
"b=document.getElementById('p2').value;\n"
" if(a!==b){m.textContent='The two passwords differ.';return;}\n"
" const r=await fetch('/v1/password-reset',{method:'POST',"
"headers:{'Content-Type':'application/json'},"
"body:JSON.stringify({token:t,new_password:a})});\n"
" const j=await r.json().catch(()=>({}));\n"
" m.textContent=r.ok?'Your password is set. You can log in now.':"
"((j.error&&j.error.message)||'That did not work.');\n"
"});\n"
"</script></body></html>\n";

int
h_reset_page(struct req *q)
{
	q->status = 200;
	q->page = reset_page;
	q->page_type = "text/html; charset=utf-8";
	return 0;
}
