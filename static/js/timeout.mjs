// The idle timeout warning. The server ends a session after SESSION_IDLE_MINUTES without
// a request; a few minutes before, this shows the warning with 'Stay signed in'. Another
// tab may have kept the session alive, so the server is asked how long is left (asking
// does not count as activity) before the warning shows and before leaving the page.
function spoken (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

export function initTimeout () {
  const box = document.getElementById('timeout-warning')
  if (!box) return
  const warning = Number(box.dataset.warningSeconds) * 1000
  const left = box.querySelector('.app-timeout__left')
  const form = box.querySelector('form')
  let deadline = Date.now() + Number(box.dataset.idleSeconds) * 1000
  let timer

  const signedOut = () => { window.location.href = box.dataset.signedOutUrl }

  async function remaining () {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      })
      if (response.status === 401) return 0
      if (response.ok) return (await response.json()).remaining
    } catch {}
    return null
  }

  function schedule () {
    clearTimeout(timer)
    timer = setTimeout(check, Math.max(0, deadline - warning - Date.now()))
  }

  async function check () {
    const seconds = await remaining()
    if (seconds !== null) deadline = Date.now() + seconds * 1000
    if (seconds === 0) return signedOut()
    if (deadline - Date.now() > warning + 1000) {
      box.hidden = true
      return schedule()
    }
    if (box.hidden) {
      box.hidden = false
      form.querySelector('button').focus()
    }
    tick()
  }

  function tick () {
    clearTimeout(timer)
    const seconds = Math.ceil((deadline - Date.now()) / 1000)
    if (seconds <= 0) {
      timer = setTimeout(check, 0)
      return
    }
    left.textContent = spoken(seconds)
    timer = setTimeout(tick, 1000)
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new FormData(form),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      })
      if (!response.ok) return signedOut()
      deadline = Date.now() + (await response.json()).remaining * 1000
    } catch {
      return
    }
    box.hidden = true
    schedule()
  })
  schedule()
}
