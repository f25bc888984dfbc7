// lagscale: a TLS handshake that failed for a reason no retry changes: the client does not
// trust the broker's certificate (wrong CA, self-signed, expired, wrong host name), or it speaks
// TLS to a plaintext port. Such connection errors are not retriable (see CHANGES.md).
const TLS_CONFIGURATION_ERRORS = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
])

/** @param {{ code?: string } | null | undefined} e */
module.exports = e => e != null && TLS_CONFIGURATION_ERRORS.has(e.code)
