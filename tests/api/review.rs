//! Findings of the adversarial review, each pinned by a test over HTTP.

use crate::helpers::*;

#[tokio::test]
async fn a_handshake_with_a_repeated_parameter_is_refused_with_403_not_a_400() {
    let (app, _store) = spawn_app(StoreKind::Embedded).await;
    let response = app
        .handshake(&[
            ("hub.mode", "subscribe"),
            ("hub.mode", "subscribe"),
            ("hub.verify_token", VERIFY_TOKEN),
            ("hub.challenge", "1158201444"),
        ])
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let ok = app
        .handshake(&[
            ("hub.mode", "subscribe"),
            ("hub.verify_token", VERIFY_TOKEN),
            ("hub.challenge", "1158201444"),
        ])
        .await;
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.text().await.expect("body"), "1158201444");
}

#[tokio::test]
async fn a_check_with_a_phone_that_holds_no_number_is_a_422_naming_the_phone() {
    use reqwest::Method;
    let app = crate::admin::TestAdmin::spawn(StoreKind::Embedded).await;
    let r = app
        .req(Method::POST, "/admin/check")
        .json(&serde_json::json!({"text": "Send Amazon gift cards now", "phone": "call me"}))
        .send()
        .await
        .expect("check");
    let (code, details) = crate::admin::error_code(r, 422).await;
    assert_eq!(code, "validation_failed");
    assert_eq!(details["fields"][0]["field"], "phone");
    let r = app
        .req(Method::POST, "/admin/check")
        .json(
            &serde_json::json!({"text": "Send Amazon gift cards now", "phone": "+94 71 234 5678"}),
        )
        .send()
        .await
        .expect("check");
    assert_eq!(r.status().as_u16(), 200);
}
