// Assertions on the errors the binding throws, shared by the test files.

import assert from 'node:assert/strict'

/** Asserts that `promise` rejects with an `Error` coded `code`; returns the error. */
export async function rejectsWith(promise, code) {
  let error
  await assert.rejects(promise, (e) => {
    error = e
    return true
  })
  assert.ok(error instanceof Error, `not an Error: ${error}`)
  assert.equal(error.code, code, `code of ${error}`)
  assert.ok(error.message.length > 0)
  assert.ok(!error.message.startsWith(code), `message repeats the code: ${error.message}`)
  return error
}

/** Asserts that `fn` throws an `Error` coded `code`; returns the error. */
export function throwsWith(fn, code) {
  let error
  assert.throws(fn, (e) => {
    error = e
    return true
  })
  assert.ok(error instanceof Error, `not an Error: ${error}`)
  assert.equal(error.code, code, `code of ${error}`)
  return error
}
