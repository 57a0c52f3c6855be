//! The migration service over HTTP.

use tickersense_tests::{HeldSample, PgSchema};

use super::*;

/// The exact fields of a migration status.
fn assert_status_shape(json: &Value) {
    let fields: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "error_message",
            "last_migration",
            "records_migrated",
            "status",
            "symbol"
        ],
        "{json}"
    );
    let when = json["last_migration"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(when).is_ok(), "{when}");
}

async fn migration_service(client: Arc<Tickersense>) {
    let app = server(client, Some(TOKEN));
    let call = |method: Method, uri: &'static str, body: Option<Value>| {
        let app = app.clone();
        async move { send(&app, method, uri, Some(TOKEN), body).await }
    };

    let (status, _, json) = call(Method::POST, "/api/v1/migrate/stock/aapl?days=30", None).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_status_shape(&json);
    assert_eq!(json["symbol"], "AAPL");
    assert_eq!(json["status"], "completed");
    assert_eq!(json["error_message"], Value::Null);
    let records = json["records_migrated"].as_u64().unwrap();
    assert!((15..=31).contains(&records), "{json}");

    let (status, _, json) = call(Method::GET, "/api/v1/migrate/stock/AAPL/status", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_status_shape(&json);
    assert_eq!(
        (&json["status"], json["records_migrated"].as_u64()),
        (&json!("completed"), Some(records))
    );

    // Migrated again: nothing missing, nothing written.
    let (_, _, json) = call(Method::POST, "/api/v1/migrate/stock/AAPL?days=30", None).await;
    assert_eq!(
        (&json["status"], &json["records_migrated"]),
        (&json!("completed"), &json!(0))
    );

    let (status, _, json) = call(Method::GET, "/api/v1/migrate/stock/MSFT/status", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        json,
        json!({"detail": "Migration status not found", "code": "NotFound"})
    );

    for uri in [
        "/api/v1/migrate/stock/BAD!SYM",
        "/api/v1/migrate/stock/BAD!SYM/status",
    ] {
        let method = if uri.ends_with("status") {
            Method::GET
        } else {
            Method::POST
        };
        let (status, _, json) = send(&app, method, uri, Some(TOKEN), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(json["code"], "InvalidInput");
    }
    let (status, _, json) = call(Method::POST, "/api/v1/migrate/stock/AAPL?days=abc", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json,
        json!({"detail": [{"type": "int_parsing", "loc": ["query", "days"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "abc"}], "code": "InvalidInput"})
    );
    let (status, _, json) = call(
        Method::POST,
        "/api/v1/migrate/batch?days=0",
        Some(json!([])),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json["detail"][0]["type"], "greater_than_equal");

    // A symbol the provider does not know: 404, and its failure is kept.
    let (status, _, json) = call(Method::POST, "/api/v1/migrate/stock/NOPE", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{json}");
    assert_eq!(json["code"], "NotFound");
    let (status, _, json) = call(Method::GET, "/api/v1/migrate/stock/NOPE/status", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_status_shape(&json);
    assert_eq!(json["status"], "failed");
    assert!(
        json["error_message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{json}"
    );

    // A batch: bad entries fail alone, a repeat is migrated once.
    let body = json!(["MSFT", "msft", 42, "BAD SYMBOL!", "NOPE", "AAPL", {"s": 1}]);
    let (status, _, json) = call(Method::POST, "/api/v1/migrate/batch?days=30", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let fields: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields, ["failed", "results", "successful", "total_symbols"]);
    assert_eq!(
        (&json["total_symbols"], &json["successful"], &json["failed"]),
        (&json!(7), &json!(2), &json!(4))
    );
    let results = json["results"].as_array().unwrap();
    let summary: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["symbol"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [
            ("MSFT", "completed"),
            ("42", "failed"),
            ("BAD SYMBOL!", "failed"),
            ("NOPE", "failed"),
            ("AAPL", "completed"),
            ("{\"s\":1}", "failed"),
        ]
    );
    results.iter().for_each(assert_status_shape);
    assert_eq!(results[1]["error_message"], "a symbol must be a string");
    assert!(results[2]["error_message"]
        .as_str()
        .unwrap()
        .contains("only A-Z"));

    let uri = "/api/v1/migrate/batch";
    for (body, kind) in [
        (b"{\"symbols\": []}".to_vec(), "list_type"),
        (b"[".to_vec(), "json_invalid"),
        (serde_json::to_vec(&vec!["A"; 1001]).unwrap(), "too_long"),
    ] {
        let (status, _, json) = send_raw(&app, Method::POST, uri, Some(TOKEN), Some(&body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json["detail"][0]["type"], kind);
        assert_eq!(json["detail"][0]["loc"], json!(["body"]));
    }
}

#[tokio::test]
async fn the_migration_service_on_memory() {
    migration_service(client("memory://", "memory://")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_migration_service_on_postgres_and_redis() {
    let (Some(pg), Some(redis)) = (
        service_url("TICKERSENSE_TEST_POSTGRES_URL"),
        service_url("TICKERSENSE_TEST_REDIS_URL"),
    ) else {
        return;
    };
    let schema = PgSchema::create(&pg).await;
    let ts = client(&schema.url(), &redis_with_own_prefix(&redis));
    migration_service(ts.clone()).await;
    ts.close().await;
    schema.drop_now().await;
}

/// A batch whose request is dropped while its first fetches are held runs
/// on; its progress shows in the status endpoint meanwhile, and its end.
async fn batch_outlives_its_request(store: &str) {
    let provider = Arc::new(HeldSample::gated("gated sample"));
    let ts = Tickersense::builder()
        .store(store)
        .with_market_data(provider.clone())
        .build()
        .unwrap();
    let app = server(Arc::new(ts), Some(TOKEN));
    let symbols = ["AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOGL"];
    let body = serde_json::to_vec(&symbols).unwrap();
    let started = provider.history_started();
    let call = app.clone().oneshot(request(
        Method::POST,
        "/api/v1/migrate/batch?days=20",
        Some(TOKEN),
        Some(&body),
    ));
    tokio::select! {
        answer = call => panic!("the batch answered while its fetches were held: {answer:?}"),
        () = started => {}
    }
    // The request is gone; the batch is not.
    let status_of = |symbol: &str| {
        let app = app.clone();
        let uri = format!("/api/v1/migrate/stock/{symbol}/status");
        async move {
            let response = app
                .oneshot(request(Method::GET, &uri, Some(TOKEN), None))
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{uri}");
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            let json: Value = serde_json::from_slice(&bytes).unwrap();
            json["status"].as_str().unwrap().to_owned()
        }
    };
    let first = provider.history_calls().into_keys().next().unwrap();
    assert_eq!(status_of(&first).await, "running");
    let states: Vec<String> = futures::future::join_all(symbols.iter().map(|s| status_of(s))).await;
    assert!(
        states.iter().all(|s| s == "running" || s == "pending"),
        "{states:?}"
    );
    // Asked for a symbol the batch is fetching, a migration leaves it be.
    let uri = format!("/api/v1/migrate/stock/{first}?days=20");
    let (status, _, json) = send(&app, Method::POST, &uri, Some(TOKEN), None).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(
        (
            &json["symbol"],
            &json["status"],
            &json["records_migrated"],
            &json["error_message"]
        ),
        (
            &json!(first),
            &json!("running_elsewhere"),
            &json!(0),
            &Value::Null
        )
    );
    assert_eq!(status_of(&first).await, "running");

    provider.open_gate(symbols.len());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let states: Vec<String> =
            futures::future::join_all(symbols.iter().map(|s| status_of(s))).await;
        if states.iter().all(|s| s == "completed") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "still {states:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let calls = provider.history_calls();
    assert_eq!(calls.len(), symbols.len());
    assert!(calls.values().all(|n| *n == 1), "{calls:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_outlives_its_request_on_memory() {
    batch_outlives_its_request("memory://").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_outlives_its_request_on_postgres() {
    let Some(pg) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&pg).await;
    batch_outlives_its_request(&schema.url()).await;
    schema.drop_now().await;
}
