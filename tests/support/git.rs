//! Git repositories made in a test, with gix (no git program): commits of what is on disk.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use gix::ObjectId;

/// The files under `root` (but .git, the output `public` and the cache, which git would leave
/// out) as a tree.
pub fn tree(repo: &gix::Repository, root: &Path) -> ObjectId {
    let empty = ObjectId::empty_tree(gix::hash::Kind::Sha1);
    let mut editor = repo.edit_tree(empty).unwrap();
    for e in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| {
            ![".git", "public", ".gongkai-cache"].contains(&e.file_name().to_str().unwrap())
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = e.path().strip_prefix(root).unwrap();
        let blob = repo.write_blob(fs::read(e.path()).unwrap()).unwrap();
        editor
            .upsert(
                rel.to_str().unwrap(),
                gix::object::tree::EntryKind::Blob,
                blob,
            )
            .unwrap();
    }
    editor.write().unwrap().detach()
}

/// Commits what is on disk under `root` onto HEAD, at `seconds` in +08:00.
pub fn commit(repo: &gix::Repository, root: &Path, seconds: i64, parents: &[ObjectId]) -> ObjectId {
    let time = format!("{seconds} +0800");
    let sig = gix::actor::SignatureRef {
        name: "网站管理员".into(),
        email: "web@example.gov.cn".into(),
        time: &time,
    };
    let tree = tree(repo, root);
    repo.commit_as(sig, sig, "HEAD", "update", tree, parents.iter().copied())
        .unwrap()
        .detach()
}
