// Desk passwords: scrypt with a salt per password, a stored form that names its parameters, and
// bounds on what a stored hash may ask for.
import t from 'tap'
import { DEFAULT_SCRYPT_PARAMS, hashPassword, passwordLength, verifyDecoy, verifyPassword } from '../../../consolidate/desk/passwords.js'
import { FAST_SCRYPT } from '../../helpers/desk-client.js'

t.test('a hash names its parameters and verifies only its own password', async (t) => {
  const stored = await hashPassword('correct horse battery staple')
  const { N, r, p } = DEFAULT_SCRYPT_PARAMS
  t.match(stored, new RegExp(`^scrypt\\$${N}\\$${r}\\$${p}\\$[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=$`))
  t.equal(await verifyPassword('correct horse battery staple', stored), true)
  t.equal(await verifyPassword('correct horse battery stapl', stored), false)
  t.equal(await verifyPassword('', stored), false)
})

t.test('the same password twice gives two hashes (a salt each), both verifying', async (t) => {
  const a = await hashPassword('mot de passe très sûr', FAST_SCRYPT)
  const b = await hashPassword('mot de passe très sûr', FAST_SCRYPT)
  t.not(a, b)
  t.equal(await verifyPassword('mot de passe très sûr', a), true)
  t.equal(await verifyPassword('mot de passe très sûr', b), true)
  t.equal(await verifyPassword('mot de passe tre\u0300s sûr', a), true, 'the same text typed in decomposed Unicode')
})

t.test('a stored hash with other parameters still verifies; absurd ones are refused', async (t) => {
  const old = await hashPassword('an older, cheaper hash', { N: 2 ** 11, r: 4, p: 1 })
  t.equal(await verifyPassword('an older, cheaper hash', old), true)
  const salt = Buffer.alloc(16, 1).toString('base64')
  const key = Buffer.alloc(32, 2).toString('base64')
  for (const bad of [`scrypt$${2 ** 24}$8$1$${salt}$${key}`, `scrypt$1000$8$1$${salt}$${key}`, `scrypt$1024$8$99$${salt}$${key}`, 'plain text', `bcrypt$1024$8$1$${salt}$${key}`]) {
    await t.rejects(verifyPassword('x', bad), /not in the form scrypt\$N\$r\$p\$salt\$hash, or its parameters are out of bounds/, bad)
  }
})

t.test('the decoy spends a check and never succeeds', async (t) => {
  t.equal(await verifyDecoy('anything'), false)
  t.equal(await verifyDecoy(''), false)
})

t.test('length counts characters as people do', async (t) => {
  t.equal(passwordLength('abc'), 3)
  t.equal(passwordLength('🗳️🗳️'), 4, 'an emoji and its variation selector, twice')
  t.equal(passwordLength('é'), 1)
})
