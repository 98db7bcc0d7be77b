//! Retention (checklist #7): a closed case is deleted when its retention ends, its
//! pickup code stops working, and its ciphertext does not linger in the database file.

mod common;

use common::TestApp;
use meldpunt::storage::Storage;

on_both_databases!(
async fn a_closed_case_is_purged_after_retention_and_leaves_no_ciphertext_behind(backend) {
    let app = TestApp::spawn(backend).await;
    let code = app
        .submit_code("", "Deze melding wordt na de bewaartermijn verwijderd")
        .await;
    let keep = app.submit_code("", "Deze blijft").await;
    let storage = Storage::connect(&app.database_url).await.unwrap();
    let salt = app.installation_salt().await;
    let derived = meldpunt::pickup::PickupCode::parse(&code)
        .unwrap()
        .derive(&salt);
    let case = storage
        .case_by_lookup(&derived.lookup)
        .await
        .unwrap()
        .unwrap();
    let ciphertext = storage
        .messages(&case.id)
        .await
        .unwrap()
        .remove(0)
        .ciphertext;
    // A fragment of the sealed report, to look for in the file afterwards.
    let fragment = ciphertext[ciphertext.len() / 2..ciphertext.len() / 2 + 64].to_vec();

    // Closed today with 30 days of retention.
    let today = time::OffsetDateTime::now_utc().date();
    common::close_out_of_scope(&storage, &case, today).await;
    assert_eq!(
        storage
            .purge_closed(today + time::Duration::days(30))
            .await
            .unwrap(),
        0,
        "kept on its last day"
    );
    // The day after retention ends (an injected day for the housekeeping).
    assert_eq!(
        storage
            .purge_closed(today + time::Duration::days(31))
            .await
            .unwrap(),
        1
    );
    assert!(storage.case_by_id(&case.id).await.unwrap().is_none());
    assert_eq!(app.count("cases").await, 1);
    assert_eq!(
        app.count("messages").await,
        1,
        "the messages went with their case"
    );

    // The code no longer opens anything (the same page as an unknown code); the other does.
    let r = app
        .post_form("/pickup", &[("code".into(), code.clone())], None)
        .await;
    assert_eq!(r.status, 422);
    assert!(r.session_cookie().is_none());
    app.sign_in("", &keep).await;

    // On SQLite, after a checkpoint the old ciphertext is not in the database file or
    // its WAL (secure_delete). PostgreSQL keeps dead tuples and WAL segments until it
    // recycles them; what it keeps there is ciphertext only (see the canary test).
    let Some(db) = app.sqlite_path() else {
        return;
    };
    let pool = app.db().await;
    sqlx::query("pragma wal_checkpoint(truncate)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    storage.close().await;
    for path in [db.clone(), db.with_extension("db-wal")] {
        assert!(
            !common::file_contains(&path, &fragment),
            "{} still holds the purged ciphertext",
            path.display()
        );
    }
}
);
