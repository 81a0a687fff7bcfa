// Initialises GOV.UK Frontend components (loaded with type="module").
import { initAll } from './govuk-frontend.min.js'

initAll()

// Progressive enhancement of an export's page (issue 16): while the bundle is queued or
// being built, fetch the page again every second and put its progress part in place, until
// it is ready (then the download link is there), failed or gone. Without JavaScript the
// page's own "Check progress again" link does the same by a refresh.
const BUILDING = ['queued', 'running']
const live = document.querySelector('[data-module="confide-export-progress"]')
if (live && BUILDING.includes(live.dataset.state)) {
  const poll = async () => {
    let next = null
    try {
      const response = await fetch(window.location.href, {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'text/html' }
      })
      if (response.ok) {
        const html = new DOMParser().parseFromString(await response.text(), 'text/html')
        next = html.querySelector('[data-module="confide-export-progress"]')
      }
    } catch {
      next = null // offline for a moment: try again
    }
    if (next) {
      live.replaceChildren(...next.childNodes)
      live.dataset.state = next.dataset.state
    }
    if (BUILDING.includes(live.dataset.state)) {
      window.setTimeout(poll, 1000)
    }
  }
  window.setTimeout(poll, 1000)
}
