//! `GET /admin/lookup/{phone}`: what the registry says of one number.

use actix_web::{HttpResponse, web};

use super::{AdminState, ApiError, Caller};

/// The number's status (`active`, `revoked`, `reported`, `unknown`) and its official.
pub async fn lookup(
    _caller: Caller,
    state: web::Data<AdminState>,
    phone: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.registry.lookup(&phone).await?))
}
