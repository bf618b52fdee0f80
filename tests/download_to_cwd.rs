//! A download to a bare file name lands in the current directory, with its
//! temporary file there too. Its own test binary: it changes the process's
//! current directory.

use videogen_fake::{FakeVideoGen, SeedFile};

#[tokio::test]
async fn a_bare_file_name_downloads_into_the_current_directory() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::image("vg_file_here").bytes(2048))
        .start()
        .await;
    let dir = tempfile::tempdir().unwrap();
    std::env::set_current_dir(dir.path()).unwrap();
    let download = fake.client().files().download("vg_file_here", "here.jpg").send();
    let done = tokio::time::timeout(std::time::Duration::from_secs(20), download)
        .await
        .expect("finished")
        .unwrap();
    assert_eq!(done.bytes, 2048);
    assert_eq!(std::fs::metadata(dir.path().join("here.jpg")).unwrap().len(), 2048);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["here.jpg"], "no temporary file left behind");
}
