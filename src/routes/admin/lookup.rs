//! `GET /admin/lookup/{phone}`: what the registry says of one number.

use actix_web::{HttpResponse, web};

use super::openapi::ErrorBody;
use super::{AdminState, ApiError, Caller};

#[utoipa::path(get, path = "/admin/lookup/{phone}", tag = "verification",
    params(("phone" = String, Path, description = "A number in any common written form")),
    responses(
        (status = 200, description = "The number's status and official", body = crate::registry::Lookup),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 422, description = "Field-level problems, named", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// The number's status (`active`, `revoked`, `reported`, `unknown`) and its official.
pub async fn lookup(
    _caller: Caller,
    state: AdminState,
    phone: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.registry.lookup(&phone).await?))
}
