//! The conformance suite every [`super::Store`] passes.
