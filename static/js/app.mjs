// Start GOV.UK Frontend's components. A module file, not an inline script, so a strict
// Content Security Policy can forbid inline scripts.
import { initAll } from '../govuk/govuk-frontend.min.js'
import { initAutosave } from './autosave.mjs'
import { initTimeout } from './timeout.mjs'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
initAutosave()
initTimeout()
