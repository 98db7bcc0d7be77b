//! The multipart reader with files spooled: any body under a fixed boundary.
#![no_main]
use std::sync::LazyLock;

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use meldpunt::attachments::FileLimits;
use meldpunt::http::multipart;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap()
});

fuzz_target!(|data: &[u8]| {
    let request = Request::post("/report")
        .header("content-type", "multipart/form-data; boundary=B")
        .body(Body::from(data.to_vec()))
        .unwrap();
    let limits = FileLimits { max_files: 3, max_file_bytes: 4096, max_message_bytes: 8192 };
    RUNTIME.block_on(async {
        let _ = multipart::read(request, limits, None, 65_536).await;
    });
});
