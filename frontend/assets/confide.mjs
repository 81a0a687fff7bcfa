// Initialises GOV.UK Frontend components (loaded with type="module").
import { initAll } from './govuk-frontend.min.js'

initAll()

// Progressive enhancement of an export's page (issue 16): while the bundle is queued or
// being built, ask for its progress alone (data-progress-url, a route that leaves the
// session's idle timer as it is) and put it in place, until it is ready (then the download
// link is there), failed or expired. It asks every second, then less often, and stops
// after POLL_FOR_MS or when it is no longer answered with the progress (signed out, say):
// then the page says to refresh it. Without JavaScript the page's own "Check progress
// again" link does the same by a refresh.
const BUILDING = ['queued', 'running']
const POLL_FOR_MS = 10 * 60 * 1000
const live = document.querySelector('[data-module="confide-export-progress"]')
if (live && live.dataset.progressUrl && BUILDING.includes(live.dataset.state)) {
  const started = Date.now()
  let wait = 1000
  const stop = () => {
    const stopped = document.querySelector('[data-testid="export-stopped"]')
    if (stopped) stopped.hidden = false
  }
  const poll = async () => {
    let next = null
    let answered = true
    try {
      const response = await fetch(live.dataset.progressUrl, {
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'manual',
        headers: { Accept: 'text/html' }
      })
      if (response.ok) {
        const html = new DOMParser().parseFromString(await response.text(), 'text/html')
        next = html.querySelector('[data-module="confide-export-progress"]')
      }
      answered = next !== null
    } catch {
      next = null // offline for a moment: try again
    }
    if (next) {
      live.replaceChildren(...next.childNodes)
      live.dataset.state = next.dataset.state
    }
    if (!BUILDING.includes(live.dataset.state)) return // ready, failed or expired
    if (!answered || Date.now() - started >= POLL_FOR_MS) {
      stop()
      return
    }
    wait = Math.min(wait * 1.5, 5000)
    window.setTimeout(poll, wait)
  }
  window.setTimeout(poll, wait)
}
