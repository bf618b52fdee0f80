//! The futures the handle methods return stay small. Callers move them
//! (into `buffer_unordered`, `join_all`, spawned tasks), and with 64 calls
//! in flight the memcpy of multi-kilobyte futures was a visible share of
//! the per-call overhead (BENCHMARKS.md, issue 16): `call!` keeps a call's
//! state in one heap allocation instead. Bounds are loose (compilers differ);
//! the unboxed futures were 2.5 KB (`get`) and 8.3 KB (`hydrate`).

use std::mem::size_of_val;

fn client() -> videogen::Client {
    videogen::Client::builder()
        .api_key("vg_test_key")
        .base_url("http://127.0.0.1:9")
        .hydration_cache(100)
        .build()
        .unwrap()
}

#[test]
fn call_futures_are_a_few_hundred_bytes() {
    let client = client();
    let files = client.files();
    let sizes = [
        ("files().get", size_of_val(&files.get("vg_file_abc"))),
        ("files().hydrate", size_of_val(&files.hydrate("vg_file_abc"))),
        ("files().get_hydrated", size_of_val(&files.get_hydrated("vg_file_abc"))),
        ("tools().get", size_of_val(&client.tools().get("vg_tex_abc"))),
    ];
    println!("{sizes:?}");
    for (method, size) in sizes {
        assert!(size <= 512, "{method} returns a {size}-byte future");
    }
}
