/**
 * A scripted stand-in for the user's browser in unit tests (the e2e tests use real Chromium): load the
 * authorize page, submit its consent form as the auto-submit script would, follow the redirect to the
 * loopback callback.
 */
export async function fakeBrowser(authorizeUrl: string): Promise<void> {
  const page = await fetch(authorizeUrl)
  const html = await page.text()
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
  if (!action) throw new Error(`no consent form on the authorize page: ${html.slice(0, 200)}`)
  const form = new URLSearchParams()
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1] as string, decode(m[2] as string))
  const button = /<button type="submit" name="([^"]+)" value="([^"]+)"/.exec(html)
  if (button) form.set(button[1] as string, button[2] as string)
  const decision = await fetch(new URL(action, authorizeUrl), {
    method: 'POST',
    body: form.toString(),
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    redirect: 'manual',
  })
  const location = decision.headers.get('location')
  if (!location) throw new Error(`consent did not redirect (${decision.status})`)
  await (await fetch(location)).text()
}

function decode(value: string): string {
  return value.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'")
}
