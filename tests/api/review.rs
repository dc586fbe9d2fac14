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
