//! One file per console page (or small family of pages); each handler is thin over the
//! registry service and the store, as the admin API's handlers are.

pub mod check;
pub mod form_errors;
pub mod import;
pub mod official;
pub mod official_form;
pub mod officials;
pub mod records;
pub mod sign_in;
pub mod status;
