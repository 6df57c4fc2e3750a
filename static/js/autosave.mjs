// Autosave for the IMR draft: a form marked data-autosave is saved a few seconds after
// the author stops typing. The server refuses a save made from an older revision than
// the one it holds (another author saved meanwhile), so nothing is silently overwritten:
// the page then says so and keeps what was typed until the author saves by hand.
const DELAY_MS = 4000

function status (form, text) {
  const place = form.querySelector('[data-autosave-status]')
  if (place) place.textContent = text
}

async function save (form) {
  const data = new FormData(form)
  data.set('autosave', '1')
  let response
  try {
    response = await fetch(form.action || window.location.href, {
      method: 'POST',
      body: data,
      credentials: 'same-origin',
      headers: { 'X-Requested-With': 'fetch' }
    })
  } catch {
    status(form, 'Not saved: no connection. Your text is still here; save it when you can.')
    return
  }
  const answer = await response.json().catch(() => ({}))
  if (response.ok && answer.revision !== undefined) {
    form.querySelector('input[name="revision"]').value = answer.revision
    status(form, `Draft saved at ${answer.saved}`)
  } else {
    form.dataset.stopped = 'true'
    status(form, answer.error || 'Not saved. Use the Save button.')
  }
}

export function initAutosave () {
  for (const form of document.querySelectorAll('form[data-autosave]')) {
    let timer = null
    let inFlight = null
    let unsaved = false
    form.addEventListener('input', () => {
      unsaved = true
      if (form.dataset.stopped) return
      clearTimeout(timer)
      timer = setTimeout(() => {
        inFlight = save(form).then(() => {
          if (!form.dataset.stopped) unsaved = false
        }).finally(() => { inFlight = null })
      }, DELAY_MS)
    })
    // Leaving with typing not yet saved: the browser asks first.
    window.addEventListener('beforeunload', (event) => {
      if (unsaved) event.preventDefault()
    })
    form.addEventListener('submit', (event) => {
      unsaved = false
      clearTimeout(timer)
      // An autosave still on its way would make this save look stale (the revision
      // changes when it lands): wait for it, then send the form with the new revision.
      if (inFlight) {
        event.preventDefault()
        inFlight.then(() => form.requestSubmit())
      }
    })
  }
}
