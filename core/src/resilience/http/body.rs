//! Reading a body no longer than the upstream's cap.

use crate::error::{Error, ErrorKind, Result};

/// The most of an announced `Content-Length` reserved before reading.
pub(super) const MAX_RESERVED_BYTES: usize = 1 << 20;

/// The body of `response`, read chunk by chunk into one buffer (sized by
/// `Content-Length` when given, up to [`MAX_RESERVED_BYTES`]), or `Upstream`
/// as soon as it is known to exceed `max_body` bytes: at once when
/// `Content-Length` says so, else at the first chunk past the limit. The
/// connection is dropped then, unread.
pub(super) async fn read(
    response: &mut reqwest::Response,
    max_body: usize,
    label: &str,
    what: &str,
) -> Result<Vec<u8>> {
    let announced = response.content_length();
    if let Some(n) = announced.filter(|n| *n > max_body as u64) {
        return Err(Error::new(
            ErrorKind::Upstream,
            format!(
                "{label} {what} announced {n} bytes, above the limit of {max_body} bytes; the answer was refused unread"
            ),
        ));
    }
    // A header is only a promise: reserving all it announces would let one
    // server make every request in flight hold the whole limit.
    let reserved = announced.map_or(0, |n| n.min(MAX_RESERVED_BYTES as u64) as usize);
    let mut body = Vec::with_capacity(reserved);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| super::transport(e, label, what))?
    {
        if chunk.len() > max_body - body.len() {
            return Err(Error::new(
                ErrorKind::Upstream,
                format!(
                    "{label} {what} answered more than {max_body} bytes; the answer was refused"
                ),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
