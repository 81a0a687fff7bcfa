// Runs first in <body>. Equivalent of the inline script in GOV.UK Frontend's
// page template, external because the CSP forbids inline scripts.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
