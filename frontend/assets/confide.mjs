// Initialises GOV.UK Frontend components (loaded with type="module").
import { initAll } from './govuk-frontend.min.js'

initAll()

// Progressive enhancement of an export's page (issue 16): while the bundle is queued or
// being built, fetch the page again every second and put its progress part in place, until
// it is ready (then the download link is there), failed or gone. Without JavaScript the
// page's own "Check progress again" link does the same by a refresh.
// A page that shows an export's progress as a part of something else (a subject access
// request's page, issue 17) names the export's page in data-progress-url: that page is
// asked instead (it reads the export, not the case: no audited case read a second), only
// its status ([data-export-status]) is put in place, and once it has finished the page is
// loaded again for what follows. (The export's progress route of issue 16's later work
// replaces that page here once it is merged.)
const BUILDING = ['queued', 'running']
const live = document.querySelector('[data-module="confide-export-progress"]')
if (live && BUILDING.includes(live.dataset.state)) {
  const elsewhere = live.dataset.progressUrl
  const poll = async () => {
    let next = null
    try {
      const response = await fetch(elsewhere || window.location.href, {
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
    if (next && elsewhere) {
      if (!BUILDING.includes(next.dataset.state)) {
        window.location.reload()
        return
      }
      const status = live.querySelector('[data-export-status]')
      const shown = next.querySelector('[data-export-status]')
      if (status && shown) status.replaceChildren(...shown.childNodes)
    } else if (next) {
      live.replaceChildren(...next.childNodes)
      live.dataset.state = next.dataset.state
    }
    if (BUILDING.includes(live.dataset.state)) {
      window.setTimeout(poll, 1000)
    }
  }
  window.setTimeout(poll, 1000)
}
