//! Interoperability with the reference age tools (Debian package `age`): what the
//! portal stores is a standard age file, and keys made by age-keygen work.

mod common;

use std::process::Command;

use common::{Options, TestApp, age_cli_available, unpad};
use meldpunt::case::{Body, Envelope};
use meldpunt::pickup::PickupCode;

fn age_decrypt(identity: &std::path::Path, ciphertext: &[u8], dir: &std::path::Path) -> Vec<u8> {
    let file = dir.join("message.age");
    std::fs::write(&file, ciphertext).unwrap();
    let out = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(identity)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "age -d failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

on_both_databases!(
    async fn a_stored_message_decrypts_with_the_reference_age_cli(backend) {
        if !age_cli_available() {
            return;
        }
        let app = TestApp::spawn(backend).await;
        let code = app.submit_code("", "Leesbaar met age -d").await;
        let identity = app.committee_identity_file();
        let (case_id, seq, _, ct) = app.stored_messages().await.remove(0);
        let plain = unpad(&age_decrypt(&identity, &ct, app.dir.path()));
        let env = Envelope::from_bytes(&plain, &case_id, seq).unwrap();
        let Body::Report(report) = env.body else { panic!("the first message is the report") };
        assert_eq!(report.what, "Leesbaar met age -d");

        // The reporter's identity, derived from the code, opens it with age too.
        let salt = app.installation_salt().await;
        let reporter = PickupCode::parse(&code).unwrap().derive(&salt).identity;
        let reporter_file = app.dir.path().join("reporter.txt");
        std::fs::write(
            &reporter_file,
            format!("{}\n", age::secrecy::ExposeSecret::expose_secret(&reporter.to_string())),
        )
        .unwrap();
        assert_eq!(unpad(&age_decrypt(&reporter_file, &ct, app.dir.path())), plain);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recipient_made_by_age_keygen_works_in_the_recipients_file() {
    if !age_cli_available() {
        return;
    }
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("member.txt");
    let made = Command::new("age-keygen")
        .arg("-o")
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(made.status.success());
    let public = Command::new("age-keygen")
        .arg("-y")
        .arg(&key_file)
        .output()
        .unwrap();
    let recipient = String::from_utf8(public.stdout).unwrap().trim().to_owned();
    assert!(recipient.starts_with("age1"));
    let app = TestApp::spawn_with(
        common::Backend::Sqlite,
        Options {
            recipients_text: Some(format!("# member made with age-keygen\n\n{recipient}\n")),
            ..Default::default()
        },
    )
    .await;
    app.submit_code("/en", "Sealed to an age-keygen key").await;
    let (case_id, seq, _, ct) = app.stored_messages().await.remove(0);
    let plain = unpad(&age_decrypt(&key_file, &ct, keys.path()));
    assert!(Envelope::from_bytes(&plain, &case_id, seq).is_ok());
}
