//! The file a download streams into: `.videogen-<random>.part` next to the
//! destination (so the final rename stays on one file system and is atomic),
//! removed again unless renamed into place.

use std::{
    fs::{File, OpenOptions},
    io,
    path::{Path, PathBuf},
};

/// New names tried when one is taken (by another download, or a leftover).
const ATTEMPTS: u32 = 8;

/// A temporary file deleted on drop unless [`persist`](Self::persist)ed.
#[derive(Debug)]
pub(crate) struct PartFile {
    file: File,
    /// `None` once persisted: nothing left to delete.
    path: Option<PathBuf>,
}

impl PartFile {
    /// Creates a new, empty part file in `dir`, readable and writable by its
    /// owner only (on Unix).
    pub(crate) fn create_in(dir: &Path) -> io::Result<Self> {
        let mut attempt = 1;
        loop {
            let path = dir.join(random_name());
            // create_new: never open (and later delete) a file someone else made.
            let mut options = OpenOptions::new();
            options.write(true).read(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            // Shared delete access, so the file can be renamed or deleted
            // while the download still holds a handle on it.
            #[cfg(windows)]
            std::os::windows::fs::OpenOptionsExt::share_mode(&mut options, 0x1 | 0x2 | 0x4);
            match options.open(&path) {
                Ok(file) => return Ok(PartFile { file, path: Some(path) }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < ATTEMPTS => attempt += 1,
                Err(e) => return Err(e),
            }
        }
    }

    pub(crate) fn as_file(&self) -> &File {
        &self.file
    }

    /// Renames the file to `dest`, replacing what is there. On error the
    /// part file is deleted (when `self` drops).
    pub(crate) fn persist(mut self, dest: &Path) -> io::Result<()> {
        if let Some(path) = &self.path {
            std::fs::rename(path, dest)?;
        }
        self.path = None;
        Ok(())
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            // Best effort: a drop cannot report an error.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// `.videogen-` and 10 random letters and digits (62^10 names) and `.part`.
fn random_name() -> String {
    let random: String = std::iter::repeat_with(fastrand::alphanumeric).take(10).collect();
    format!(".videogen-{random}.part")
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek, Write};

    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn is_named_videogen_random_part_in_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (
            PartFile::create_in(dir.path()).unwrap(),
            PartFile::create_in(dir.path()).unwrap(),
        );
        let names = names(dir.path());
        assert_eq!(names.len(), 2, "two part files, two names: {names:?}");
        for name in &names {
            let random = name.strip_prefix(".videogen-").and_then(|n| n.strip_suffix(".part"));
            assert!(
                random.is_some_and(|r| r.len() == 10 && r.chars().all(|c| c.is_ascii_alphanumeric())),
                "{name}"
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = a.as_file().metadata().unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "private to its owner");
        }
        drop((a, b));
    }

    #[test]
    fn a_taken_name_is_skipped_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        // The same seed gives the same first name: take it beforehand.
        fastrand::seed(7);
        let taken = dir.path().join(random_name());
        std::fs::write(&taken, b"someone else's").unwrap();
        fastrand::seed(7);
        let part = PartFile::create_in(dir.path()).unwrap();
        assert_eq!(names(dir.path()).len(), 2, "a second name");
        drop(part);
        assert_eq!(std::fs::read(&taken).unwrap(), b"someone else's", "left alone");
    }

    /// Runs `f` on its own thread and panics if it takes over 10 s: a
    /// create that retries forever must fail the test, not hang it.
    fn finishes<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (done, result) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(f()));
        result
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("did not finish within 10 s: a retry loop that never ends?")
    }

    #[test]
    fn every_attempt_taken_gives_up_with_already_exists_and_one_free_is_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        // fastrand's generator is per thread: seed it where the names are drawn.
        let taken = finishes(move || {
            fastrand::seed(11);
            let taken: Vec<PathBuf> = (0..ATTEMPTS).map(|_| path.join(random_name())).collect();
            for name in &taken {
                std::fs::write(name, b"taken").unwrap();
            }
            fastrand::seed(11);
            let error = PartFile::create_in(&path).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::AlreadyExists, "{error}");
            assert_eq!(names(&path).len(), ATTEMPTS as usize, "nothing created");
            // With the last of those names free, the last attempt takes it.
            std::fs::remove_file(taken.last().unwrap()).unwrap();
            fastrand::seed(11);
            let part = PartFile::create_in(&path).unwrap();
            assert_eq!(part.path.as_deref(), taken.last().map(PathBuf::as_path));
            taken
        });
        assert_eq!(taken.len(), ATTEMPTS as usize);
    }

    #[test]
    fn is_deleted_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let mut part = PartFile::create_in(dir.path()).unwrap();
        part.file.write_all(b"half a video").unwrap();
        assert_eq!(names(dir.path()).len(), 1);
        drop(part);
        assert!(names(dir.path()).is_empty(), "nothing left behind");
    }

    #[test]
    fn persist_renames_it_into_place_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("video.mp4");
        std::fs::write(&dest, b"older").unwrap();
        let mut part = PartFile::create_in(dir.path()).unwrap();
        part.file.write_all(b"the whole video").unwrap();
        // The handle stays usable (the download writes through a clone).
        part.file.rewind().unwrap();
        let mut back = String::new();
        part.as_file().try_clone().unwrap().read_to_string(&mut back).unwrap();
        assert_eq!(back, "the whole video");
        part.persist(&dest).unwrap();
        assert_eq!(names(dir.path()), ["video.mp4"], "replaced, and the part file is gone");
        assert_eq!(std::fs::read(&dest).unwrap(), b"the whole video");
    }

    #[test]
    fn a_failed_persist_deletes_the_part_file() {
        let dir = tempfile::tempdir().unwrap();
        let part = PartFile::create_in(dir.path()).unwrap();
        let nowhere = dir.path().join("missing").join("video.mp4");
        assert!(part.persist(&nowhere).is_err());
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        // Only a taken name is retried: any other error returns at once.
        let error = finishes(move || PartFile::create_in(&missing).unwrap_err());
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
