// X-Twilio-Signature: with PHONE_WEBHOOK_SECRET set, a webhook the provider did not sign (or that
// was altered on the way) is refused with 403 before anything is read or changed; unset, the
// webhook is open (embedded default, the simulator).
import t from 'tap'
import { parseConfig } from '../../infra/config.js'
import { isValidTwilioSignature, twilioSignature } from '../../ingest/phone/twilio-signature.js'
import { PhoneCall } from '../../bin/phone-caller.js'
import { startPhone } from '../fixtures/phone-harness.js'

const SECRET = '0123456789abcdef0123456789abcdef'

t.test('the signature is HMAC-SHA1 of the URL and the sorted parameters (the provider\'s published example)', async (t) => {
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' }
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2'
  t.equal(twilioSignature('12345', url, params), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')
  t.ok(isValidTwilioSignature('12345', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ='))
  t.notOk(isValidTwilioSignature('12345', url, { ...params, Digits: '1235' }, '0/KCTR6DLpKmkAf8muzZqo1nDgQ='))
  t.notOk(isValidTwilioSignature('12345', `${url}&baz=3`, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ='))
  t.notOk(isValidTwilioSignature('12345', url, params, undefined))
  t.notOk(isValidTwilioSignature('12345', url, params, 'short'))
})

t.test('secret set: unsigned, wrongly signed and altered webhooks get 403; signed ones work', async (t) => {
  const h = await startPhone(t, { secret: SECRET })
  const unsigned = new PhoneCall({ voiceUrl: h.voiceUrl })
  const refused = await unsigned.post(h.voiceUrl, {})
  t.equal(refused.status, 403)
  t.match(await refused.text(), /must be signed by the voice provider/)
  const wrongKey = new PhoneCall({ voiceUrl: h.voiceUrl, secret: 'another-secret-0123456789' })
  t.equal((await wrongKey.post(h.voiceUrl, {})).status, 403)

  const { code, pin } = h.login('S3')
  const call = h.newCall()
  await call.dial()
  // The same parameters, signed, then one of them changed on the way.
  const params = { CallSid: call.callSid, From: call.from, Digits: code }
  const signature = twilioSignature(SECRET, `${h.voiceUrl}?s=1`, params)
  const altered = await fetch(`${h.voiceUrl}?s=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams({ ...params, Digits: '12345678' }).toString(),
  })
  t.equal(altered.status, 403, 'a changed Digits breaks the signature')
  const asIs = await fetch(`${h.voiceUrl}?s=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  })
  t.equal(asIs.status, 200)
  t.match(await asIs.text(), /code confidentiel/, 'the refused post changed nothing: the call is where the signed one left it')

  const status = await unsigned.post(new URL('status', h.voiceUrl).toString(), { CallSid: call.callSid, CallStatus: 'completed' })
  t.equal(status.status, 403, 'an unsigned status callback cannot end someone else\'s call')
  const opened = await h.newCall({ callSid: call.callSid }).post(`${h.voiceUrl}?s=2`, { Digits: pin })
  t.match(await opened.text(), /Nombre de votants/, 'the call went on')
  t.match(await h.metricsText(), /ingest_phone_signature_refusals_total 4/)
})

t.test('behind a proxy: the signature is checked against PHONE_PUBLIC_URL, the URL the provider called', async (t) => {
  const publicUrl = 'https://ivr.example.org/ingest'
  const h = await startPhone(t, { deps: { phone: { webhookSecret: SECRET, publicUrl } } })
  const local = new PhoneCall({ voiceUrl: h.voiceUrl, secret: SECRET })
  t.equal((await local.post(h.voiceUrl, {})).status, 403, 'signed for the local URL: not what the provider signs')
  const viaProxy = new PhoneCall({ voiceUrl: h.voiceUrl, secret: SECRET, publicUrl })
  const heard = await viaProxy.dial()
  t.match(heard.say.at(-1)?.text, /code du bureau de vote/)
})

t.test('secret unset: webhooks are taken unsigned', async (t) => {
  const h = await startPhone(t)
  const heard = await new PhoneCall({ voiceUrl: h.voiceUrl }).dial()
  t.notOk(heard.hangup)
})

t.test('PHONE_WEBHOOK_SECRET and PHONE_PUBLIC_URL are read and checked with the rest of the configuration', async (t) => {
  const set = parseConfig({ PHONE_WEBHOOK_SECRET: SECRET, PHONE_PUBLIC_URL: 'https://ivr.example.org' })
  t.same(set.ok && set.config.phone, { webhookSecret: SECRET, publicUrl: 'https://ivr.example.org' })
  const unset = parseConfig({})
  t.same(unset.ok && unset.config.phone, { webhookSecret: undefined, publicUrl: undefined })
  const bad = parseConfig({ PHONE_WEBHOOK_SECRET: 'short', PHONE_PUBLIC_URL: 'ftp://x' })
  t.notOk(bad.ok)
  t.match(bad.ok ? [] : bad.problems, [/^PHONE_WEBHOOK_SECRET: /, /^PHONE_PUBLIC_URL: /])
})
