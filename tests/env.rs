//! `Client::from_env()` reads `VIDEOGEN_API_KEY` and `VIDEOGEN_BASE_URL`, as
//! the vendor's SDKs and MCP server do. One test in its own binary: the
//! environment is process-wide.

use videogen::{Client, Error, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};

#[test]
fn from_env_reads_the_key_and_the_base_url() {
    std::env::remove_var(API_KEY_ENV);
    std::env::remove_var(BASE_URL_ENV);
    let err = Client::from_env().unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("VIDEOGEN_API_KEY"), "{err}");

    std::env::set_var(API_KEY_ENV, "sk_from_env");
    assert_eq!(Client::from_env().unwrap().base_url(), DEFAULT_BASE_URL);

    std::env::set_var(BASE_URL_ENV, "http://127.0.0.1:9/videogen/");
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/videogen");
    assert!(!format!("{client:?}").contains("sk_from_env"));

    // Blank values count as unset.
    std::env::set_var(BASE_URL_ENV, "  ");
    assert_eq!(Client::from_env().unwrap().base_url(), DEFAULT_BASE_URL);
    std::env::set_var(API_KEY_ENV, " ");
    assert!(Client::from_env().is_err());
    std::env::remove_var(API_KEY_ENV);
    std::env::remove_var(BASE_URL_ENV);
}
