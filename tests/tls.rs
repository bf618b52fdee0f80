//! The TLS stack chosen by the cargo features really speaks TLS to an
//! `https://` base URL and offers HTTP/2 by ALPN (a preconfigured rustls
//! stack gets no ALPN from reqwest: without ours, HTTP/2 would silently go).
//! The listener reads the ClientHello and closes; the call then fails, which
//! is expected here.

use std::time::Duration;

use tokio::{io::AsyncReadExt, net::TcpListener};

#[tokio::test]
async fn an_https_base_url_gets_a_tls_client_hello_offering_h2_and_http11() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = videogen::Client::builder()
        .api_key("vg_test_key")
        .base_url(format!("https://127.0.0.1:{port}"))
        .disable_retries()
        .build()
        .expect("the default TLS stack builds");
    let call = tokio::spawn(async move { client.files().hydrate("vg_file_abc").await });

    let hello = tokio::time::timeout(Duration::from_secs(20), async {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut hello = Vec::new();
        let mut buf = [0u8; 4096];
        // A ClientHello fits in one TLS record; read until we have all of it.
        while hello.len() < 5 || hello.len() < 5 + u16::from_be_bytes([hello[3], hello[4]]) as usize {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending a whole ClientHello");
            hello.extend_from_slice(&buf[..n]);
        }
        hello
    })
    .await
    .expect("a ClientHello within 20 s");

    assert_eq!(
        hello[0],
        0x16,
        "a TLS handshake record, not plain HTTP: {:?}",
        &hello[..8]
    );
    assert_eq!(hello[5], 0x01, "the first handshake message is a ClientHello");
    // ALPN (extension 16) lists its protocols as length-prefixed strings.
    let contains = |needle: &[u8]| hello.windows(needle.len()).any(|w| w == needle);
    assert!(contains(b"\x02h2"), "ALPN offers h2");
    assert!(contains(b"\x08http/1.1"), "ALPN offers http/1.1");

    let result = tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .expect("the call ends once the server hangs up")
        .unwrap();
    assert!(result.is_err(), "no TLS server answered, so the call cannot succeed");
}
