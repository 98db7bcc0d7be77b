//! Build script: rebuild when a migration file changes, since `sqlx::migrate!`
//! embeds the migration files.

fn main() {
    // migrate!() embeds the migration files; new files must trigger a rebuild.
    println!("cargo:rerun-if-changed=migrations");
}
