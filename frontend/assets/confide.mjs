// Initialises GOV.UK Frontend components (loaded with type="module").
import { initAll } from './govuk-frontend.min.js'

initAll()
