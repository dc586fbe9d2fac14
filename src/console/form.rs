//! A posted form (`application/x-www-form-urlencoded`), read with a size limit.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::error::ConsoleError;

/// Largest form the console takes (an official with 50 numbers and long notes is far less).
pub const MAX_FORM: usize = 256 * 1024;

/// The fields of a posted form, in order (a name may repeat).
#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// From `name=value` pairs.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> FormData {
        FormData(pairs)
    }

    /// The first value of `name`, or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The CSRF field every console form carries.
    pub fn csrf(&self) -> &str {
        self.get("csrf")
    }

    /// Fields named `{prefix}{n}` (n a number), ordered by n: `phone_number_0`, `phone_number_1`.
    pub fn numbered(&self, prefix: &str) -> Vec<(usize, &str)> {
        let mut found: Vec<(usize, &str)> = self
            .0
            .iter()
            .filter_map(|(k, v)| {
                let n = k.strip_prefix(prefix)?.parse::<usize>().ok()?;
                Some((n, v.as_str()))
            })
            .collect();
        found.sort_by_key(|(n, _)| *n);
        found.dedup_by_key(|(n, _)| *n);
        found
    }
}

impl FromRequest for FormData {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<FormData, ConsoleError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                v.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        let body = web::Payload::from_request(req, payload);
        Box::pin(async move {
            if !is_form {
                // A console form never comes any other way; a CSRF field cannot be trusted
                // from a body we do not read.
                return Err(ConsoleError::BadForm);
            }
            let bytes = body
                .await
                .map_err(|_| ConsoleError::BadRequest("the form could not be read".into()))?
                .to_bytes_limited(MAX_FORM)
                .await
                .map_err(|_| ConsoleError::BadRequest("the form is too large".into()))?
                .map_err(|_| ConsoleError::BadRequest("the form could not be read".into()))?;
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .map(FormData)
                .map_err(|_| ConsoleError::BadRequest("the form is not valid".into()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_fields_come_in_index_order_once_each() {
        let f = FormData::from_pairs(vec![
            ("phone_number_2".into(), "c".into()),
            ("phone_number_0".into(), "a".into()),
            ("phone_number_x".into(), "?".into()),
            ("phone_number_0".into(), "again".into()),
            ("phone_label_1".into(), "pa".into()),
        ]);
        assert_eq!(f.numbered("phone_number_"), vec![(0, "a"), (2, "c")]);
        assert_eq!(f.get("phone_label_1"), "pa");
        assert_eq!(f.get("missing"), "");
    }
}
