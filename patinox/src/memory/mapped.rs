//! Reading large files through a memory map, where it pays.
//!
//! [`read_file`] is the entry point: files of at least [`MMAP_THRESHOLD`]
//! bytes are memory-mapped, smaller ones are read into a buffer. Mapping
//! needs the `mmap` feature; without it every file is read
//! into a buffer and `MappedFile` does not exist. The
//! threshold comes from the `read` group of the memory benchmark (`cargo
//! bench -p patinox --bench memory -- read/`), which reads files of 4 KiB to
//! 256 MiB both ways and touches every byte. On the 2-core reference machine
//! (Linux, files in the page cache), locking, mapping and unmapping a file
//! costs about 7 µs more than reading a small one, so a buffered read is
//! about twice as fast up to 16 KiB and still ahead at 64 KiB; the two tie at
//! 256 KiB; from 1 MiB the map wins (1.2x at 1 MiB, 1.5x at 4 MiB, 1.6x at
//! 16 MiB, 5x at 64 and 256 MiB). Hence a 1 MiB threshold. See
//! `BENCHMARKS.md` for the numbers.
//!
//! # Safety of the mapping
//!
//! A mapped file's bytes change if another process writes the file, and
//! reading a page past the end of a file another process truncated raises
//! `SIGBUS`, which ends the process. [`MappedFile`] guards against
//! cooperating writers with a shared advisory lock (`flock`) held for the
//! mapping's lifetime: a writer that takes an exclusive lock waits, and a
//! file already locked exclusively is not mapped ([`read_file`] falls back
//! to a buffered read). Advisory locks do not stop writers that ignore them,
//! so map only files your application owns (knowledge files, indexes it
//! built); read anything else with [`read_file_buffered`].

#[cfg(feature = "mmap")]
use std::fmt;
use std::fs::File;
#[cfg(feature = "mmap")]
use std::fs::TryLockError;
use std::io::Read;
use std::ops::Deref;
use std::path::Path;

#[cfg(feature = "mmap")]
use memmap2::Mmap;

use crate::error::Result;
#[cfg(feature = "mmap")]
use crate::error::{ExecutionErrorKind, PatinoxError};

/// Files at least this large are mapped by [`read_file`]; smaller ones are
/// read into a buffer. Measured; see the module docs.
pub const MMAP_THRESHOLD: u64 = 1024 * 1024;

/// A read-only memory map of a whole file, holding a shared advisory lock on
/// it; dereferences to the file's bytes. Feature `mmap`.
///
/// ```
/// use patinox::memory::MappedFile;
///
/// let path = std::env::temp_dir().join("patinox-mapped-doc.txt");
/// std::fs::write(&path, b"knowledge")?;
/// let file = MappedFile::open(&path)?;
/// assert_eq!(&file[..], b"knowledge");
/// # drop(file);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "mmap")]
pub struct MappedFile {
    map: Mmap,
    // Keeps the advisory lock for as long as the map lives.
    _file: File,
}

#[cfg(feature = "mmap")]
impl MappedFile {
    /// Maps the file at `path`.
    ///
    /// # Errors
    /// - an I/O error if the file cannot be opened or mapped;
    /// - [`ExecutionErrorKind::InvalidState`] if another process holds an
    ///   exclusive lock on the file (it is being written).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path)?;
        match file.try_lock_shared() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(PatinoxError::execution(
                    ExecutionErrorKind::InvalidState,
                    format!("{} is locked for writing; not mapping it", path.display()),
                ));
            }
            Err(TryLockError::Error(error)) => return Err(error.into()),
        }
        let map = map_read_only(&file)?;
        Ok(Self { map, _file: file })
    }

    /// The file's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.map
    }
}

/// Maps `file` read-only.
///
/// The returned map stays valid only while the file's length does not shrink
/// and its contents do not change. The caller holds a shared advisory lock on
/// `file` for the map's whole life (see [`MappedFile`]), which excludes
/// cooperating writers; the module docs tell users not to map files that
/// uncooperative processes write.
#[cfg(feature = "mmap")]
#[allow(unsafe_code)]
fn map_read_only(file: &File) -> std::io::Result<Mmap> {
    // SAFETY: `Mmap::map` is unsafe because another process may modify or
    // truncate the file while it is mapped, making the `&[u8]` we hand out
    // change under us (or fault with SIGBUS past a new end of file). We hold a
    // shared `flock` on the file for as long as the map lives, so writers that
    // lock exclusively cannot do either; and the map is only ever exposed as
    // `&[u8]` bounded by the length at map time. Writers that ignore advisory
    // locks are outside this guarantee, as documented on the module.
    unsafe { Mmap::map(file) }
}

#[cfg(feature = "mmap")]
impl Deref for MappedFile {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.map
    }
}

#[cfg(feature = "mmap")]
impl AsRef<[u8]> for MappedFile {
    fn as_ref(&self) -> &[u8] {
        &self.map
    }
}

#[cfg(feature = "mmap")]
impl fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MappedFile")
            .field("len", &self.map.len())
            .finish_non_exhaustive()
    }
}

/// A whole file's bytes, mapped or buffered; from [`read_file`].
///
/// ```
/// use patinox::memory::read_file;
///
/// let path = std::env::temp_dir().join("patinox-contents-doc.txt");
/// std::fs::write(&path, b"small file")?;
/// let contents = read_file(&path)?;
/// assert!(!contents.is_mapped()); // below the threshold: buffered
/// assert_eq!(&contents[..], b"small file");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FileContents(Repr);

#[derive(Debug)]
enum Repr {
    #[cfg(feature = "mmap")]
    Mapped(MappedFile),
    Buffered(Vec<u8>),
}

impl FileContents {
    /// Whether the bytes are memory-mapped (rather than read into a buffer).
    pub fn is_mapped(&self) -> bool {
        match self.0 {
            #[cfg(feature = "mmap")]
            Repr::Mapped(_) => true,
            Repr::Buffered(_) => false,
        }
    }
}

impl Deref for FileContents {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            #[cfg(feature = "mmap")]
            Repr::Mapped(map) => map,
            Repr::Buffered(bytes) => bytes,
        }
    }
}

impl AsRef<[u8]> for FileContents {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

/// Reads a whole file the cheaper way for its size: mapped from
/// [`MMAP_THRESHOLD`] bytes on, buffered below it or when the file is locked
/// for writing. Without the `mmap` feature, always buffered.
///
/// # Errors
/// An I/O error if the file cannot be opened or read.
pub fn read_file(path: impl AsRef<Path>) -> Result<FileContents> {
    let path = path.as_ref();
    #[cfg(feature = "mmap")]
    if std::fs::metadata(path)?.len() >= MMAP_THRESHOLD {
        match MappedFile::open(path) {
            Ok(map) => return Ok(FileContents(Repr::Mapped(map))),
            Err(error) => {
                tracing::debug!(%error, path = %path.display(), "reading buffered instead");
            }
        }
    }
    read_file_buffered(path)
}

/// Reads a whole file into a buffer, never mapping it.
///
/// # Errors
/// An I/O error if the file cannot be opened or read.
pub fn read_file_buffered(path: impl AsRef<Path>) -> Result<FileContents> {
    let mut file = File::open(path)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(FileContents(Repr::Buffered(bytes)))
}

#[cfg(test)]
// Miri cannot map or lock files.
#[cfg(all(not(miri), feature = "mmap"))]
mod tests {
    use super::*;

    #[test]
    fn mapped_and_buffered_reads_agree() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0, 1, 4096, MMAP_THRESHOLD as usize + 1] {
            let path = dir.path().join(format!("f{len}"));
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &data).unwrap();
            let auto = read_file(&path).unwrap();
            assert_eq!(auto.is_mapped(), len as u64 >= MMAP_THRESHOLD);
            assert_eq!(&auto[..], &data[..]);
            assert_eq!(&MappedFile::open(&path).unwrap()[..], &data[..]);
            assert_eq!(&read_file_buffered(&path).unwrap()[..], &data[..]);
        }
    }

    #[test]
    fn a_file_locked_for_writing_is_read_buffered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("busy");
        std::fs::write(&path, vec![7_u8; MMAP_THRESHOLD as usize]).unwrap();
        let writer = File::options().append(true).open(&path).unwrap();
        writer.lock().unwrap();
        let err = MappedFile::open(&path).unwrap_err();
        assert!(err.to_string().contains("locked for writing"), "{err}");
        let contents = read_file(&path).unwrap();
        assert!(!contents.is_mapped());
        assert_eq!(contents.len(), MMAP_THRESHOLD as usize);
    }

    #[test]
    fn a_missing_file_is_an_error_not_a_panic() {
        assert!(read_file("/nonexistent/patinox/file").is_err());
        assert!(MappedFile::open("/nonexistent/patinox/file").is_err());
    }
}
