//! Verifies a UCloud request signature from the parameters as received (every one but `Signature`),
//! with the provider's pure signer. Knows nothing of catalogues or paging.

use crate::cloud::ucloud::sign::signature;
use crate::mock::baidu::auth::constant_time_eq;
use crate::mock::credentials::{Cloud, Credentials};
use crate::mock::request::param;

/// RetCode when `Signature` is missing.
pub const MISSING_SIGNATURE: &str = "170";
/// RetCode of a wrong signature ("Signature VerifyAC Error").
pub const SIGNATURE_ERROR: &str = "171";
/// RetCode of an unknown public key ("User Not Exists").
pub const USER_NOT_EXISTS: &str = "172";

/// The public key of a correctly signed request, or `(RetCode, Message)`.
pub fn verify(
    params: &[(String, String)],
    creds: &Credentials,
) -> Result<String, (&'static str, String)> {
    let sig =
        param(params, "Signature").ok_or((MISSING_SIGNATURE, "Missing signature".to_string()))?;
    let public = param(params, "PublicKey").unwrap_or("");
    let private = creds
        .secret(Cloud::Ucloud, public)
        .ok_or((USER_NOT_EXISTS, "User Not Exists".to_string()))?;
    let signed: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "Signature")
        .cloned()
        .collect();
    let expected = signature(&signed, private.expose());
    if !constant_time_eq(expected.as_bytes(), sig.to_ascii_lowercase().as_bytes()) {
        return Err((SIGNATURE_ERROR, "Signature VerifyAC Error".to_string()));
    }
    Ok(public.to_string())
}
