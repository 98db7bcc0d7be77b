fn main() {
    // migrate!() embeds the migration files; new files must trigger a rebuild.
    println!("cargo:rerun-if-changed=migrations");
}
