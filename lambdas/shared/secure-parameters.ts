/**
 * The SecureString parameters a stage's functions read (decision 0009, "A second look"): the
 * operator puts them, the stack names them. Values: `{"keys": [...]}` and `{"apiKey": "..."}`.
 */
export function secureParameterNames(stageName: string) {
  return {
    signingKeys: `/openphone-bridge/${stageName}/webhook-signing-keys`,
    apiKey: `/openphone-bridge/${stageName}/openphone-api-key`,
  };
}
