//! What every API handler is given: the request as received, its shape, the request id, the time,
//! the accepted credentials, the paging fault (if one applies) and the response-shape mode. Knows
//! nothing of any cloud.

use super::api::Shape;
use super::credentials::Credentials;
use super::faults::{FaultKind, FaultRule};
use super::request::Incoming;
use super::shapes::Shapes;

/// One request's context.
pub struct Ctx<'a> {
    pub req: &'a Incoming,
    pub shape: &'a Shape,
    pub request_id: &'a str,
    /// Unix seconds when the request arrived.
    pub now: i64,
    pub creds: &'a Credentials,
    /// The fault picked for this request, when it changes what the handler computes.
    pub fault: Option<&'a FaultRule>,
    /// How the answer is shaped.
    pub shapes: Shapes,
}

impl Ctx<'_> {
    /// `repeat_marker` applies.
    pub fn repeat_marker(&self) -> bool {
        self.fault
            .is_some_and(|f| f.kind == FaultKind::RepeatMarker)
    }

    /// How many images `shrink_total` removes (0 when it does not apply).
    pub fn shrink_by(&self) -> usize {
        match self.fault {
            Some(f) if f.kind == FaultKind::ShrinkTotal => f.by.unwrap_or(5) as usize,
            _ => 0,
        }
    }
}
