/** Shared pieces of the HTML reports: escaping and one page frame with inline CSS, no external asset. */

export function esc(value: string | number | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans KR",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#656d76}.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin:.8rem 0}.card{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .9rem;min-width:7rem}
.card b{display:block;font-size:1.3rem}.badge{display:inline-block;border-radius:1rem;padding:0 .5rem;font-size:.8rem;font-weight:600}
.passed,.graded{background:#dafbe1;color:#116329}.failed,.rejected{background:#ffebe9;color:#a40e26}.error{background:#fff1c2;color:#7d4e00}
.skipped,.missing,.not-run{background:#eaeef2;color:#57606a}pre{background:#f6f8fa;padding:.5rem;overflow:auto;white-space:pre-wrap;word-break:break-word;font-size:12px}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}footer{margin-top:2rem;font-size:.8rem;color:#656d76}
@media print{body{margin:0}a{color:inherit;text-decoration:none}}
`;

/** A whole page. The CSP forbids every external load and all scripts: the file works offline, alone. */
export function page(title: string, body: string, lang = 'en'): string {
  return `<!DOCTYPE html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function badge(status: string): string {
  return `<span class="badge ${esc(status)}">${esc(status)}</span>`;
}

export function card(label: string, value: string | number): string {
  return `<div class="card"><span class="muted">${esc(label)}</span><b>${esc(value)}</b></div>`;
}
