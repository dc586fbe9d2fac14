//! Property tests (issue 8): what anyone on the internet can make asli read — a webhook body,
//! the numbers in a text, the whole analysis of a message — never panics, whatever the input,
//! and keeps the invariants the rest of asli relies on.
//!
//! Inputs are generated (`proptest`), with modest case counts so the suite stays fast; the
//! same three entry points have `cargo fuzz` targets for long runs (`fuzz/`, see
//! docs/SECURITY.md, "Fuzzing"). Time per input is not asserted here: input sizes are bounded,
//! and `examples/scaling.rs` shows each entry point grows linearly with its input.

mod analyzer;
mod inputs;
mod numbers;
pub mod sample;
mod webhook;
