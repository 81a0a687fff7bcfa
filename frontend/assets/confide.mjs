// Initialises GOV.UK Frontend components (loaded with type="module").
import { initAll } from './govuk-frontend.min.js'

initAll()

// Progressive enhancement of an export's page (issue 16): while the bundle is queued or
// being built, ask for its progress alone (data-progress-url, a route that leaves the
// session's idle timer as it is) and put it in place, until it is ready (then the download
// link is there), failed or expired. It asks every second, then less often. It stops for
// good when the answer says it never will be the progress (a redirect, 401 or 403: signed
// out, say; or anything else that is not the progress), and after POLL_FOR_MS: then the
// page says to refresh it. A server error, 429 or no answer at all is a moment's trouble:
// it asks again, waiting longer each time (within POLL_FOR_MS). Without JavaScript the
// page's own "Check progress again" link does the same by a refresh.
// A page that shows an export's progress as a part of something else (a subject access
// request's page, issue 17: data-progress-part="status") asks the same route (it reads the
// export, not the case: no audited case read each time), puts only the export's status
// ([data-export-status]) in place, and once it has finished loads the page again, once,
// for what follows.
const BUILDING = ['queued', 'running']
const POLL_FOR_MS = 10 * 60 * 1000
const EVERY_MS = 5000 // the longest wait between polls that were answered
const RETRY_MS = 30000 // the longest wait after a moment's trouble
const live = document.querySelector('[data-module="confide-export-progress"]')
if (live && live.dataset.progressUrl && BUILDING.includes(live.dataset.state)) {
  const started = Date.now()
  let wait = 1000
  const stop = () => {
    const stopped = document.querySelector('[data-testid="export-stopped"]')
    if (stopped) stopped.hidden = false
  }
  // 'progress', 'again' (a server error, 429, offline) or 'never' (anything else).
  const ask = async () => {
    let response
    try {
      response = await fetch(live.dataset.progressUrl, {
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'manual',
        headers: { Accept: 'text/html' }
      })
    } catch {
      return ['again', null] // offline for a moment
    }
    if (response.status >= 500 || response.status === 429) return ['again', null]
    if (!response.ok) return ['never', null] // a redirect (opaque), 401, 403, 404...
    try {
      const html = new DOMParser().parseFromString(await response.text(), 'text/html')
      const next = html.querySelector('[data-module="confide-export-progress"]')
      return next ? ['progress', next] : ['never', null]
    } catch {
      return ['again', null] // the answer was cut off
    }
  }
  const poll = async () => {
    const [outcome, next] = await ask()
    if (next && live.dataset.progressPart === 'status') {
      if (!BUILDING.includes(next.dataset.state)) {
        window.location.reload() // finished: the page shows what follows
        return
      }
      const status = live.querySelector('[data-export-status]')
      const shown = next.querySelector('[data-export-status]')
      if (status && shown) status.replaceChildren(...shown.childNodes)
    } else if (next) {
      live.replaceChildren(...next.childNodes)
      live.dataset.state = next.dataset.state
    }
    if (!BUILDING.includes(live.dataset.state)) return // ready, failed or expired
    if (outcome === 'never' || Date.now() - started >= POLL_FOR_MS) {
      stop()
      return
    }
    wait = outcome === 'again' ? Math.min(wait * 2, RETRY_MS) : Math.min(wait * 1.5, EVERY_MS)
    window.setTimeout(poll, Math.min(wait, Math.max(0, started + POLL_FOR_MS - Date.now())))
  }
  window.setTimeout(poll, wait)
}
