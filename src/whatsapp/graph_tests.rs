//! The Graph client against a fake Graph API (`wiremock`): request shape, and each error class
//! from the error bodies Meta documents (§6).

use std::time::Duration;

use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::whatsapp::errors::{ErrorClass, RetryReason};
use crate::whatsapp::outbound::{Recipient, ReplyButton};

const TOKEN: &str = "EAAG-test-token-never-logged";
const PNID: &str = "106540352242922";
const SEND_PATH: &str = "/v25.0/106540352242922/messages";

fn client(server: &MockServer) -> GraphClient {
    client_with(server, GraphTimeouts::default())
}

fn client_with(server: &MockServer, timeouts: GraphTimeouts) -> GraphClient {
    GraphClient::new(
        &format!("{}/", server.uri()),
        "v25.0",
        SecretString::from(TOKEN),
        timeouts,
    )
}

fn to() -> Recipient {
    Recipient::wa_id("16505551234").unwrap()
}

fn accepted(wamid: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+16505551234", "wa_id": "16505551234"}],
        "messages": [{"id": wamid}]
    }))
}

/// Send `msg` to a server that expects exactly `expected_body` at the send path with our bearer
/// token, and answers `accepted`.
async fn sends_exactly(msg: OutboundMessage, expected_body: Value) -> SentMessage {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEND_PATH))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(expected_body))
        .respond_with(accepted("wamid.NEW="))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).send(PNID, &msg).await.expect("accepted")
}

async fn error_from(status: u16, body: Value) -> GraphError {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let msg = OutboundMessage::text(to(), "hi").unwrap();
    client(&server).send(PNID, &msg).await.unwrap_err()
}

fn meta_error(code: i64, message: &str, details: Value) -> Value {
    json!({"error": {"message": message, "type": "OAuthException", "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details},
        "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"}})
}

#[tokio::test]
async fn a_text_reply_is_posted_to_the_number_s_messages_path_with_the_bearer_token() {
    let msg = OutboundMessage::text(to(), "FAKE: do not pay")
        .unwrap()
        .in_reply_to("wamid.Q=");
    let sent = sends_exactly(
        msg,
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234",
               "context":{"message_id":"wamid.Q="},"type":"text",
               "text":{"preview_url":false,"body":"FAKE: do not pay"}}),
    )
    .await;
    assert_eq!(
        sent,
        SentMessage {
            wamid: "wamid.NEW=".into()
        }
    );
}

#[tokio::test]
async fn reply_buttons_templates_and_reactions_are_posted_in_meta_s_shape() {
    let buttons =
        OutboundMessage::reply_buttons(to(), "Helpful?", &[ReplyButton::new("y", "Yes")]).unwrap();
    sends_exactly(
        buttons,
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234",
               "type":"interactive","interactive":{"type":"button","body":{"text":"Helpful?"},
               "action":{"buttons":[{"type":"reply","reply":{"id":"y","title":"Yes"}}]}}}),
    )
    .await;
    let template =
        OutboundMessage::template(Recipient::user_id("US.1").unwrap(), "verdict", "hi", &["A"])
            .unwrap();
    sends_exactly(
        template,
        json!({"messaging_product":"whatsapp","recipient_type":"individual","recipient":"US.1",
               "type":"template","template":{"name":"verdict","language":{"code":"hi"},
               "components":[{"type":"body","parameters":[{"type":"text","text":"A"}]}]}}),
    )
    .await;
    let reaction = OutboundMessage::reaction(to(), "wamid.R=", "⚠️").unwrap();
    sends_exactly(
        reaction,
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234",
               "type":"reaction","reaction":{"message_id":"wamid.R=","emoji":"⚠️"}}),
    )
    .await;
}

#[tokio::test]
async fn a_read_receipt_answered_with_success_returns_the_message_marked_read() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEND_PATH))
        .and(body_json(
            json!({"messaging_product":"whatsapp","status":"read",
            "message_id":"wamid.IN=","typing_indicator":{"type":"text"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    let msg = OutboundMessage::mark_read_with_typing("wamid.IN=").unwrap();
    let sent = client(&server).send(PNID, &msg).await.unwrap();
    assert_eq!(sent.wamid, "wamid.IN=");
}

#[tokio::test]
async fn throughput_and_pair_rate_limits_are_retried_later() {
    let e = error_from(
        400,
        meta_error(
            130429,
            "(#130429) Rate limit hit",
            json!("Cloud API message throughput has been reached."),
        ),
    )
    .await;
    assert_eq!(e.code(), Some(130429));
    assert_eq!(
        e.class(),
        ErrorClass::RetryLater {
            reason: RetryReason::RateLimited
        }
    );
    let GraphError::Api { status, error } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 400);
    assert_eq!(
        error.details.as_deref(),
        Some("Cloud API message throughput has been reached.")
    );
    assert_eq!(error.fbtrace_id.as_deref(), Some("Az8or2yhqkZfEZ-_4Qn_Bam"));

    let pair = error_from(
        429,
        meta_error(131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit", json!("Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.")),
    )
    .await;
    assert!(pair.class().is_per_recipient());
}

#[tokio::test]
async fn a_closed_service_window_needs_a_template() {
    let e = error_from(
        400,
        meta_error(131047, "(#131047) Re-engagement message", json!("Message failed to send because more than 24 hours have passed since the customer last replied to this number.")),
    )
    .await;
    assert_eq!(e.class(), ErrorClass::NeedsTemplate);
}

#[tokio::test]
async fn an_expired_token_is_a_credentials_error_that_does_not_echo_the_token() {
    let e = error_from(
        401,
        json!({"error": {"message": "Error validating access token: Session has expired on Friday, 26-Apr-24 06:00:00 PDT.",
            "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "ACEyrTehk6IAd0lm05Ixogh"}}),
    )
    .await;
    assert_eq!(e.class(), ErrorClass::Credentials);
    let GraphError::Api { error, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(error.error_subcode, Some(463));
    assert!(!format!("{e} {e:?}").contains(TOKEN));
}

#[tokio::test]
async fn an_invalid_parameter_is_permanent_even_with_details_as_an_object() {
    let e = error_from(
        400,
        meta_error(
            100,
            "(#100) Invalid parameter",
            json!({"field": "to", "reason": "bad"}),
        ),
    )
    .await;
    assert_eq!(e.class(), ErrorClass::Permanent);
    let GraphError::Api { error, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(error.details.as_deref().unwrap().contains("\"field\""));
}

#[tokio::test]
async fn error_data_as_a_plain_string_is_kept_as_details() {
    let e = error_from(
        400,
        json!({"error": {"message": "(#132001) Template name does not exist in the translation",
            "code": 132001, "error_data": "template hello_world does not exist in hi"}}),
    )
    .await;
    assert_eq!(e.class(), ErrorClass::Permanent);
    let GraphError::Api { error, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(
        error.details.as_deref(),
        Some("template hello_world does not exist in hi")
    );
}

#[tokio::test]
async fn meta_s_transient_codes_are_retried_whatever_the_http_status() {
    for code in [1, 2, 4, 80007, 131000, 131016, 131057, 133004] {
        let e = error_from(400, meta_error(code, "(#x) temporary", json!("later"))).await;
        assert!(e.class().is_retryable(), "{code}");
    }
}

#[tokio::test]
async fn an_unlisted_code_is_retried_only_when_meta_flags_it_transient() {
    let body = |transient: bool| {
        json!({"error": {"message": "(#987654) Something new", "code": 987654,
            "is_transient": transient, "fbtrace_id": "T"}})
    };
    assert!(error_from(400, body(true)).await.class().is_retryable());
    assert_eq!(
        error_from(400, body(false)).await.class(),
        ErrorClass::Permanent
    );
    // A listed permanent code stays permanent whatever the hint says.
    let listed = json!({"error": {"code": 131026, "is_transient": true}});
    assert_eq!(error_from(400, listed).await.class(), ErrorClass::Permanent);
}

#[tokio::test]
async fn a_500_with_an_html_body_is_retried_later() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(
            "<html><body>Internal Server Error</body></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let msg = OutboundMessage::text(to(), "hi").unwrap();
    let e = client(&server).send(PNID, &msg).await.unwrap_err();
    assert_eq!(e, GraphError::Http { status: 500 });
    assert_eq!(
        e.class(),
        ErrorClass::RetryLater {
            reason: RetryReason::Unavailable
        }
    );
}

#[tokio::test]
async fn a_4xx_without_a_readable_error_is_permanent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(404).set_body_string("not found"))
        .mount(&server)
        .await;
    let msg = OutboundMessage::text(to(), "hi").unwrap();
    let e = client(&server).send(PNID, &msg).await.unwrap_err();
    assert_eq!(e.class(), ErrorClass::Permanent);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_and_is_retried_later() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(accepted("wamid.LATE=").set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let timeouts = GraphTimeouts {
        connect: Duration::from_secs(5),
        request: Duration::from_millis(200),
    };
    let msg = OutboundMessage::text(to(), "hi").unwrap();
    let e = client_with(&server, timeouts)
        .send(PNID, &msg)
        .await
        .unwrap_err();
    assert_eq!(e, GraphError::Timeout);
    assert_eq!(
        e.class(),
        ErrorClass::RetryLater {
            reason: RetryReason::Timeout
        }
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_later() {
    // A port that was just free and that nothing listens on (wiremock pools its servers, so a
    // dropped MockServer would still answer).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = GraphClient::new(
        &uri,
        "v25.0",
        SecretString::from(TOKEN),
        GraphTimeouts::default(),
    );
    let msg = OutboundMessage::text(to(), "hi").unwrap();
    let e = c.send(PNID, &msg).await.unwrap_err();
    assert!(matches!(e, GraphError::Connection(_)), "{e:?}");
    assert_eq!(
        e.class(),
        ErrorClass::RetryLater {
            reason: RetryReason::Connection
        }
    );
    assert!(!format!("{e} {e:?}").contains(TOKEN));
}

#[tokio::test]
async fn an_accepted_answer_we_cannot_read_is_not_retried_to_avoid_a_double_reply() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"messages": []})))
        .mount(&server)
        .await;
    let msg = OutboundMessage::text(to(), "hi").unwrap();
    let e = client(&server).send(PNID, &msg).await.unwrap_err();
    assert!(matches!(e, GraphError::UnexpectedResponse(_)));
    assert_eq!(e.class(), ErrorClass::Permanent);
}

#[tokio::test]
async fn a_phone_number_id_that_could_change_the_path_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(accepted("wamid.X="))
        .expect(0)
        .mount(&server)
        .await;
    let msg = OutboundMessage::text(to(), "hi").unwrap();
    for bad in ["", "../me", "1/2", "１２３"] {
        let e = client(&server).send(bad, &msg).await.unwrap_err();
        assert_eq!(e, GraphError::InvalidPhoneNumberId, "{bad:?}");
    }
}

#[test]
fn the_client_s_debug_output_hides_the_token() {
    let c = GraphClient::new(
        "https://graph.facebook.com",
        "v25.0",
        SecretString::from(TOKEN),
        GraphTimeouts::default(),
    );
    let debug = format!("{c:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("REDACTED"));
}
